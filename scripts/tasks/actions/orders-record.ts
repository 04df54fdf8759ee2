/**
 * `orders:record`: records the orders of a CSV/JSON file (SDK `hashOrder` with salts kept in a state file, SDK
 * `recordOrders` in chunks under the gas cap). Resumable: the salts are saved before anything is sent, and a re-run
 * skips every order `Shop.isOrderCounted` already reports, so no order counts twice.
 *
 * Test hook: SHAREMALL_CRASH_AFTER_CHUNKS=n kills the process (SIGKILL) right after its n-th mined transaction.
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { recordOrders, validateAmount, type Hex } from "../../../sdk/src/index.js";
import { connect, shopAddress, waitForPending } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { formatDuration, note, Progress, taskAction, toJson, writeFileAtomic } from "../lib/io.js";
import { defaultStatePath, hashWithState, readOrderFile, type HashedOrder } from "../lib/orders-file.js";
import { countedOnChain, requireShop } from "../lib/shop-check.js";

interface Args {
  shop: string;
  file: string;
  state: string;
  out: string;
  chunkSize: number;
  maxGasPerTx: string;
  json: boolean;
}

type Status = "recorded" | "already counted" | "not sent";

interface Tx {
  hash: Hex;
  orders: number;
  /** Known once the SDK call returns (null for a transaction of a call that failed later). */
  gasUsed: bigint | null;
}

function receipt(
  shop: string,
  chainId: bigint,
  file: string,
  hashed: readonly HashedOrder[],
  status: readonly Status[],
  txOf: readonly (Hex | undefined)[],
  transactions: readonly Tx[],
) {
  return {
    version: 1,
    kind: "orders:record",
    shop,
    chainId: chainId.toString(),
    input: path.basename(file),
    orders: hashed.map((o, i) => ({
      at: o.where,
      orderId: o.order.orderId,
      customer: o.order.customer,
      amount: o.order.amount.toString(),
      referrer: o.order.referrer,
      orderHash: o.orderHash,
      salt: o.salt,
      status: status[i],
      transaction: txOf[i] ?? null,
    })),
    transactions,
  };
}

export default taskAction(
  async (args: Args, hre) => {
    const started = Date.now();
    const shop = shopAddress(args.shop);
    if (args.file === "") throw new InputError("missing --file");
    if (!Number.isSafeInteger(args.chunkSize) || args.chunkSize < 1) {
      throw new InputError(`--chunk-size ${args.chunkSize}: expected a positive integer`);
    }
    const maxGasPerTx =
      args.maxGasPerTx === "" ? undefined : validateAmount("maxGasPerTx", args.maxGasPerTx, { min: 21_000n });
    const crashAfter = Number(process.env.SHAREMALL_CRASH_AFTER_CHUNKS ?? "0");
    const orders = await readOrderFile(args.file);
    const statePath = args.state !== "" ? args.state : defaultStatePath(args.file, "record");
    const outPath = args.out !== "" ? args.out : `${args.file}.receipt.json`;

    const chain = await connect(hre);
    await requireShop(chain.transport, shop);
    await waitForPending(chain, 120_000, (n) => note(`waiting for ${n} pending transaction(s) of ${chain.account}`));
    const hashed = await hashWithState(orders, { shop, chainId: chain.chainId, statePath, kind: "record" });
    const resumed = hashed.filter((o) => o.resumed).length;
    if (resumed > 0) note(`orders:record: resuming with ${resumed} salt(s) from ${statePath}`);
    const counted = await countedOnChain(chain.transport, shop, hashed, "orders:record");
    const status: Status[] = counted.map((c) => (c ? "already counted" : "not sent"));
    const txOf: (Hex | undefined)[] = new Array<Hex | undefined>(hashed.length);
    const todo = hashed.map((_, i) => i).filter((i) => !counted[i]);
    const transactions: Tx[] = [];
    const progress = new Progress("orders:record", todo.length);
    if (counted.some((c) => c)) note(`orders:record: ${hashed.length - todo.length} order(s) already counted, skipped`);

    let sent = 0;
    let minedTxs = 0;
    try {
      // Every order not yet recorded, in file order. The SDK splits a chunk that is over the gas cap or that the
      // node refuses to estimate (beyond the block gas limit), and skips what was counted since the check above (a
      // transaction of a crashed run mined late): never twice.
      const batch = todo.filter((i) => status[i] === "not sent");
      if (batch.length > 0) {
        let callDone = 0;
        const result = await recordOrders(
          chain.transport,
          shop,
          batch.map((i) => ({
            orderHash: hashed[i].orderHash,
            customer: hashed[i].order.customer,
            amount: hashed[i].order.amount,
            referrer: hashed[i].order.referrer,
          })),
          {
            maxOrdersPerTx: args.chunkSize,
            ...(maxGasPerTx !== undefined ? { maxGasPerTx } : {}),
            skipCounted: true,
            // After each mined transaction; the SDK sends in input order.
            onProgress: (p) => {
              for (let k = callDone; k < p.ordersDone; k++) {
                status[batch[k]] = "recorded";
                txOf[batch[k]] = p.hash;
              }
              transactions.push({ hash: p.hash, orders: p.ordersDone - callDone, gasUsed: null });
              sent += p.ordersDone - callDone;
              callDone = p.ordersDone;
              minedTxs++;
              progress.update(sent);
              if (crashAfter > 0 && minedTxs >= crashAfter) {
                note(`orders:record: SHAREMALL_CRASH_AFTER_CHUNKS=${crashAfter}: crashing on purpose`);
                process.kill(process.pid, "SIGKILL");
              }
            },
          },
        );
        // The authoritative account: each chunk's input range, and what the SDK skipped.
        for (const c of result.chunks) {
          const tx = transactions.find((t) => t.hash === c.hash);
          if (tx !== undefined) tx.gasUsed = c.gasUsed;
          for (let k = c.from; k < c.from + c.count; k++) {
            status[batch[k]] = "recorded";
            txOf[batch[k]] = c.hash;
          }
        }
        for (const k of result.skipped) status[batch[k]] = "already counted";
      }
    } catch (error) {
      await writeFileAtomic(
        outPath,
        `${toJson(receipt(shop, chain.chainId, args.file, hashed, status, txOf, transactions))}\n`,
      );
      if (error instanceof Error) error.message += ` (${sent} order(s) sent; re-run to resume)`;
      throw error;
    }
    await writeFileAtomic(
      outPath,
      `${toJson(receipt(shop, chain.chainId, args.file, hashed, status, txOf, transactions))}\n`,
    );
    const recordedIdx = hashed.map((_, i) => i).filter((i) => status[i] === "recorded");
    const revenue = recordedIdx.reduce((sum, i) => sum + hashed[i].order.amount, 0n);
    return {
      shop,
      chainId: chain.chainId,
      orders: hashed.length,
      recorded: recordedIdx.length,
      alreadyCounted: hashed.length - recordedIdx.length,
      revenueRecorded: revenue,
      transactions: transactions.length,
      gasUsed: transactions.reduce((sum, t) => sum + (t.gasUsed ?? 0n), 0n),
      seconds: (Date.now() - started) / 1000,
      receipt: outPath,
      state: statePath,
    };
  },
  (r) =>
    `Recorded ${r.recorded} order(s) (${r.revenueRecorded} wei) in ${r.transactions} transaction(s), ` +
    `${r.alreadyCounted} already counted; ${r.gasUsed} gas, ${formatDuration(r.seconds)}\n` +
    `  receipt (hashes, salts, transactions): ${r.receipt}\n  salts: ${r.state}`,
);
