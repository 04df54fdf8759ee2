/**
 * The start that `orders:record` and `orders:anchor` share, once their options are checked: the order file read and
 * validated, the network connected, the shop checked, the account's pending transactions waited for (one sent
 * before a crash may still be mined), and every order given its salt and chain order id ({@link prepareOrders};
 * nothing saved yet: the task checks the ids against the chain, then saves the state before sending).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address } from "../../../sdk/src/index.js";
import { connect, waitForPending, type Chain } from "./chain.js";
import { note } from "./io.js";
import { prepareOrders, readOrderFile, type PreparedOrders } from "./orders-file.js";
import { requireShop } from "./shop-check.js";

/** What {@link startOrderRun} needs: the checked options of the task. */
export interface OrderRunInput {
  readonly shop: Address;
  readonly file: string;
  readonly statePath: string;
  readonly kind: "record" | "anchor";
  /** `--first-order-id`, if given. */
  readonly firstOrderId: bigint | undefined;
}

/** Reads the order file, connects and prepares the orders (see the module comment). */
export async function startOrderRun(
  hre: HardhatRuntimeEnvironment,
  input: OrderRunInput,
): Promise<{ chain: Chain; prepared: PreparedOrders }> {
  const orders = await readOrderFile(input.file);
  const chain = await connect(hre);
  await requireShop(chain.transport, input.shop);
  await waitForPending(chain, 120_000, (n) => note(`waiting for ${n} pending transaction(s) of ${chain.account}`));
  const prepared = await prepareOrders(orders, {
    shop: input.shop,
    chainId: chain.chainId,
    statePath: input.statePath,
    kind: input.kind,
    ...(input.firstOrderId !== undefined ? { firstOrderId: input.firstOrderId } : {}),
    block: await chain.transport.blockNumber(),
    file: input.file,
  });
  return { chain, prepared };
}
