/**
 * The start that `orders:record` and `orders:anchor` share, once their options are checked: the order file read and
 * validated, the network connected, the shop checked, the account's pending transactions waited for (one sent
 * before a crash may still be mined), and every order given its salt and chain order id ({@link prepareOrders};
 * nothing saved yet: the task checks the ids against the chain, then saves the state before sending).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { fetchReturnWindow, finalOrders, type Address } from "../../../sdk/src/index.js";
import { connect, waitForPending, type Chain } from "./chain.js";
import { note } from "./io.js";
import { paidAtOf, prepareOrders, readOrderFile, type FileOrder, type PreparedOrders } from "./orders-file.js";
import { requireShop } from "./shop-check.js";

/** What {@link startOrderRun} needs: the checked options of the task. */
export interface OrderRunInput {
  readonly shop: Address;
  readonly file: string;
  readonly statePath: string;
  readonly kind: "record" | "anchor";
  /** `--first-order-id`, if given. */
  readonly firstOrderId: bigint | undefined;
  /**
   * `--final-only` / `--hold <days>`: keep only the orders whose return window is over (paid at least this long ago,
   * by the chain's clock: `paidAt`, else `createdAt`); `holdSeconds` undefined means the shop's return window.
   */
  readonly finalOnly?: { readonly holdSeconds?: bigint };
}

/** How `--final-only` split the file. */
export interface FinalSplit {
  /** The window applied, in seconds. */
  readonly holdSeconds: bigint;
  /** The chain's time it was applied at (the latest block's). */
  readonly now: bigint;
  /** The orders held back for a later run, with when each becomes final. */
  readonly heldBack: readonly { readonly order: FileOrder; readonly finalAt: bigint }[];
}

/** Reads the order file, connects and prepares the orders (see the module comment). */
export async function startOrderRun(
  hre: HardhatRuntimeEnvironment,
  input: OrderRunInput,
): Promise<{ chain: Chain; prepared: PreparedOrders | undefined; final?: FinalSplit }> {
  const all = await readOrderFile(input.file);
  const chain = await connect(hre);
  await requireShop(chain.transport, input.shop);
  await waitForPending(chain, 120_000, (n) => note(`waiting for ${n} pending transaction(s) of ${chain.account}`));
  let orders: readonly FileOrder[] = all;
  let final: FinalSplit | undefined;
  if (input.finalOnly !== undefined) {
    const holdSeconds =
      input.finalOnly.holdSeconds ?? (await fetchReturnWindow(chain.transport, { shop: input.shop })).windowSeconds;
    const now = await chain.transport.latestTimestamp();
    const ready = new Set(
      finalOrders(
        all.map((order) => ({ order, paidAt: paidAtOf(order) })),
        holdSeconds,
        now,
      ).map((o) => o.order),
    );
    orders = all.filter((o) => ready.has(o));
    final = {
      holdSeconds,
      now,
      heldBack: all.filter((o) => !ready.has(o)).map((order) => ({ order, finalAt: paidAtOf(order) + holdSeconds })),
    };
  }
  // Every order held back: nothing to prepare (nor to save) this run.
  if (orders.length === 0) return { chain, prepared: undefined, ...(final !== undefined ? { final } : {}) };
  const prepared = await prepareOrders(orders, {
    shop: input.shop,
    chainId: chain.chainId,
    statePath: input.statePath,
    kind: input.kind,
    ...(input.firstOrderId !== undefined ? { firstOrderId: input.firstOrderId } : {}),
    block: await chain.transport.blockNumber(),
    file: input.file,
  });
  return { chain, prepared, ...(final !== undefined ? { final } : {}) };
}
