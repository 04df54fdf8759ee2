/**
 * `orders:record`: records the orders of a CSV/JSON file (SDK `hashOrder` with salts and chain order ids kept in a
 * state file, SDK `recordOrders` in chunks under the gas cap). Resumable: the salts and ids are saved before anything
 * is sent, and a re-run leaves out every order whose id the shop has used for this very order (its `OrderCounted`
 * event since the state file's first block), so no order counts twice; an id used by another order, or reserved by
 * an anchored batch, is refused before anything is sent.
 *
 * `--final-only` (or `--hold <days>`): records only the orders whose return window is over — paid (`paidAt`, else
 * `createdAt`) at least the shop's return window (or `--hold` days) ago by the chain's clock — and holds the others
 * back for a later run, so an order paid off chain counts only once it can no longer be returned.
 *
 * Test hook: SHAREMALL_CRASH_AFTER_CHUNKS=n kills the process (SIGKILL) right after its n-th mined transaction.
 */
import path from "node:path";
import { recordOrders, validateAmount, type Hex } from "../../../sdk/src/index.js";
import { firstOrderIdOption, fromBlockOption, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { formatDuration, note, Progress, taskAction, toJson, writeFileAtomic } from "../lib/io.js";
import { startOrderRun } from "../lib/order-run.js";
import { defaultStatePath, saveState, type HashedOrder } from "../lib/orders-file.js";
import { anchoredBatches, countedSince, refuseBatchIds, usedOrderIds, type CountedOrder } from "../lib/shop-check.js";

interface Args {
  shop: string;
  file: string;
  state: string;
  out: string;
  firstOrderId: string;
  fromBlock: string;
  chunkSize: number;
  maxGasPerTx: string;
  finalOnly: boolean;
  hold: string;
  json: boolean;
}

/** `--hold <days>`: a non-negative number of days (decimals allowed), in seconds; undefined when not given. */
function holdOption(value: string): bigint | undefined {
  if (value === "") return undefined;
  if (!/^[0-9]+(\.[0-9]+)?$/.test(value.trim())) {
    throw new InputError(`--hold ${JSON.stringify(value)}: expected a number of days, e.g. 7 or 0.5`);
  }
  return BigInt(Math.round(Number(value.trim()) * 86_400));
}

/** `2026-11-25T10:00:00Z` of unix seconds. */
function iso(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** What became of an order: counted by this run, counted earlier (same order), not counted (its id was taken). */
type Status = "recorded" | "already counted" | "id taken" | "not sent";

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
    version: 2,
    kind: "orders:record",
    shop,
    chainId: chainId.toString(),
    input: path.basename(file),
    orders: hashed.map((o, i) => ({
      at: o.where,
      orderId: o.order.orderId,
      chainOrderId: o.chainOrderId.toString(),
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

/** Whether the shop counted `o` itself under its id (and not another order under the same id). */
function isOurs(counted: ReadonlyMap<bigint, CountedOrder>, o: HashedOrder): boolean {
  const c = counted.get(o.chainOrderId);
  return c !== undefined && c.orderHash === o.orderHash && c.customer === o.order.customer;
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
    const firstOrderId = firstOrderIdOption(args.firstOrderId);
    const fromBlock = fromBlockOption(args.fromBlock);
    const crashAfter = Number(process.env.SHAREMALL_CRASH_AFTER_CHUNKS ?? "0");
    const statePath = args.state !== "" ? args.state : defaultStatePath(args.file, "record");
    const outPath = args.out !== "" ? args.out : `${args.file}.receipt.json`;
    const holdSeconds = holdOption(args.hold);
    const finalOnly = args.finalOnly || holdSeconds !== undefined;

    const { chain, prepared, final } = await startOrderRun(hre, {
      shop,
      file: args.file,
      statePath,
      kind: "record",
      firstOrderId,
      ...(finalOnly ? { finalOnly: holdSeconds !== undefined ? { holdSeconds } : {} } : {}),
    });
    const t = chain.transport;
    const heldBack = final?.heldBack ?? [];
    const nextFinalAt = heldBack.reduce<bigint | undefined>(
      (min, h) => (min === undefined || h.finalAt < min ? h.finalAt : min),
      undefined,
    );
    const held = {
      finalOnly,
      ...(final !== undefined ? { holdSeconds: final.holdSeconds } : {}),
      heldBack: heldBack.length,
      ...(nextFinalAt !== undefined ? { nextFinalAt, nextFinalAtIso: iso(nextFinalAt) } : {}),
      heldBackOrders: heldBack.map((h) => ({ at: h.order.where, orderId: h.order.order.orderId, finalAt: h.finalAt })),
    };
    if (heldBack.length > 0) {
      note(
        `orders:record: ${heldBack.length} order(s) held back until their return window is over ` +
          `(${final!.holdSeconds} s; the next is final at ${iso(nextFinalAt!)}): run again then`,
      );
    }
    if (prepared === undefined) {
      // Every order of the file was held back: nothing prepared, saved or sent.
      return {
        shop,
        chainId: chain.chainId,
        orders: 0,
        recorded: 0,
        alreadyCounted: 0,
        revenueRecorded: 0n,
        firstChainOrderId: null,
        numbered: 0,
        transactions: 0,
        gasUsed: 0n,
        seconds: (Date.now() - started) / 1000,
        receipt: null,
        state: statePath,
        ...held,
      };
    }
    const hashed = prepared.orders;
    const resumed = hashed.filter((o) => o.resumed).length;

    // Which ids are used already, and by whom: this run's own orders (counted by an earlier run) are skipped; an id
    // another order took is refused, before anything is sent.
    const used = await usedOrderIds(
      t,
      shop,
      hashed.map((o) => o.chainOrderId),
      "orders:record",
    );
    const status: Status[] = hashed.map(() => "not sent");
    if (used.size > 0) {
      const counted = resumed > 0 ? await countedSince(t, shop, prepared.startBlock, "orders:record") : new Map();
      const taken: HashedOrder[] = [];
      hashed.forEach((o, i) => {
        if (!used.has(o.chainOrderId)) return;
        if (o.resumed && isOurs(counted, o)) status[i] = "already counted";
        else taken.push(o);
      });
      if (taken.length > 0) {
        const first = taken[0];
        throw new InputError(
          `${taken.length} order(s) have a chain order id that another order already used in the shop (first: ` +
            `${first.where}, order ${JSON.stringify(first.order.orderId)}, chain order id ${first.chainOrderId}); ` +
            `give them unused ids (each order id counts once, across recorded orders, receipts and batch leaves)`,
        );
      }
    }
    const todo = hashed.map((_, i) => i).filter((i) => status[i] === "not sent");
    // Ids of anchored batches are not in the bitmap until their leaves mint: refuse them too.
    if (todo.length > 0) {
      refuseBatchIds(
        todo.map((i) => hashed[i]),
        await anchoredBatches(t, shop, fromBlock, "orders:record"),
      );
    }
    await saveState(prepared);
    if (resumed > 0) note(`orders:record: resuming with ${resumed} salt(s) and order id(s) from ${statePath}`);
    if (prepared.numbered > 0) {
      const first = hashed.find((o) => !o.resumed)!.chainOrderId;
      note(`orders:record: numbered ${prepared.numbered} order(s) from chain order id ${first}, saved in ${statePath}`);
    }

    const txOf: (Hex | undefined)[] = new Array<Hex | undefined>(hashed.length);
    const transactions: Tx[] = [];
    const progress = new Progress("orders:record", todo.length);
    if (todo.length < hashed.length) {
      note(`orders:record: ${hashed.length - todo.length} order(s) already counted, skipped`);
    }

    let sent = 0;
    let minedTxs = 0;
    let lateSkipped: number[] = [];
    try {
      // Every order not yet recorded, in file order. The SDK splits a chunk that is over the gas cap or that the
      // node refuses to estimate (beyond the block gas limit); an id used since the check above (a transaction of
      // a crashed run mined late) is left out by the SDK or skipped by the shop itself: never counted twice.
      if (todo.length > 0) {
        let callDone = 0;
        const result = await recordOrders(t, {
          shop,
          orders: todo.map((i) => ({
            orderId: hashed[i].chainOrderId,
            orderHash: hashed[i].orderHash,
            customer: hashed[i].order.customer,
            amount: hashed[i].order.amount,
            referrer: hashed[i].order.referrer,
          })),
          maxOrdersPerTx: args.chunkSize,
          ...(maxGasPerTx !== undefined ? { maxGasPerTx } : {}),
          skipCounted: true,
          onProgress: (p) => {
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
        });
        // The authoritative account: each chunk's input range, and what the SDK and the shop skipped.
        for (const c of result.chunks) {
          const tx = transactions.find((x) => x.hash === c.hash);
          if (tx !== undefined) tx.gasUsed = c.gasUsed;
          for (let k = c.from; k < c.from + c.count; k++) {
            status[todo[k]] = "recorded";
            txOf[todo[k]] = c.hash;
          }
        }
        lateSkipped = [...result.skipped, ...result.skippedByShop].map((k) => todo[k]);
        for (const i of lateSkipped) status[i] = "id taken";
      }
      if (lateSkipped.length > 0) {
        // Skipped because the id got used meanwhile: by this very order (a late transaction of a crashed run), or
        // by another one.
        const counted = await countedSince(t, shop, prepared.startBlock, "orders:record");
        for (const i of lateSkipped) {
          status[i] = isOurs(counted, hashed[i]) ? "already counted" : "id taken";
          if (status[i] === "already counted") txOf[i] = undefined;
        }
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
    const takenIdx = hashed.map((_, i) => i).filter((i) => status[i] === "id taken");
    if (takenIdx.length > 0) {
      const first = hashed[takenIdx[0]];
      throw new Error(
        `${takenIdx.length} order(s) did not count: another order used their chain order id while this run sent ` +
          `(first: ${first.where}, chain order id ${first.chainOrderId}); the others are recorded (see ${outPath}): ` +
          `give these orders unused ids and re-run`,
      );
    }
    const recordedIdx = hashed.map((_, i) => i).filter((i) => status[i] === "recorded");
    const revenue = recordedIdx.reduce((sum, i) => sum + hashed[i].order.amount, 0n);
    return {
      shop,
      chainId: chain.chainId,
      orders: hashed.length,
      recorded: recordedIdx.length,
      alreadyCounted: hashed.filter((_, i) => status[i] === "already counted").length,
      revenueRecorded: revenue,
      firstChainOrderId: hashed[0].chainOrderId,
      numbered: prepared.numbered,
      transactions: transactions.length,
      gasUsed: transactions.reduce((sum, x) => sum + (x.gasUsed ?? 0n), 0n),
      seconds: (Date.now() - started) / 1000,
      receipt: outPath,
      state: statePath,
      ...held,
    };
  },
  (r) =>
    `Recorded ${r.recorded} order(s) (${r.revenueRecorded} wei) in ${r.transactions} transaction(s), ` +
    `${r.alreadyCounted} already counted; ${r.gasUsed} gas, ${formatDuration(r.seconds)}` +
    (r.finalOnly
      ? `\n  held back (return window not over): ${r.heldBack}` +
        (r.nextFinalAtIso !== undefined ? `, the next final at ${r.nextFinalAtIso}: run again then` : "")
      : "") +
    (r.receipt !== null ? `\n  receipt (hashes, salts, chain order ids, transactions): ${r.receipt}` : "") +
    `\n  salts and ids: ${r.state}`,
);
