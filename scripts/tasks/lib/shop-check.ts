/**
 * Shop checks shared by the order tasks: is it a shop, which chain order ids it has used (its order-id bitmap,
 * SDK `fetchUsedOrderIds`), which of those our own orders took (their `OrderCounted` events since the state file's
 * first block), and which id ranges anchored batches hold (`BatchAnchored` events: a batch's ids are only marked
 * used as its leaves mint, so the bitmap alone does not show them).
 */
import {
  ChainCallError,
  decodeLogs,
  eventTopic,
  fetchUsedOrderIds,
  getLogsPaged,
  MAX_ORDER_ID_LOOKUP,
  NotAContractError,
  readContract,
  shopAbi,
  type Address,
  type Hex,
  type Transport,
} from "../../../sdk/src/index.js";
import { InputError } from "./errors.js";
import { note, Progress } from "./io.js";

/** Throws the SDK's NotAContractError unless `shop` answers like a shop. */
export async function requireShop(transport: Transport, shop: Address): Promise<void> {
  try {
    await readContract(transport, { address: shop, abi: shopAbi, functionName: "tokenCount", args: [] });
  } catch (error) {
    if (error instanceof ChainCallError && error.code === "BAD_RESULT") throw new NotAContractError("shop", shop);
    throw error;
  }
}

/** The ids among `ids` that the shop has used (SDK `fetchUsedOrderIds`, one bitmap read per 256 ids). */
export async function usedOrderIds(
  transport: Transport,
  shop: Address,
  ids: readonly bigint[],
  label: string,
): Promise<Set<bigint>> {
  const used = new Set<bigint>();
  const progress =
    ids.length > MAX_ORDER_ID_LOOKUP ? new Progress(`${label}: checking order ids on chain`, ids.length) : undefined;
  for (let start = 0; start < ids.length; start += MAX_ORDER_ID_LOOKUP) {
    const part = ids.slice(start, start + MAX_ORDER_ID_LOOKUP);
    for (const id of await fetchUsedOrderIds(transport, { shop, orderIds: part })) used.add(id);
    progress?.update(start + part.length);
  }
  return used;
}

/** An order the shop counted (`OrderCounted`): its hash and customer, by order id. */
export interface CountedOrder {
  readonly orderHash: Hex;
  readonly customer: Address;
}

function logProgress(label: string) {
  return (p: { doneBlocks: bigint; totalBlocks: bigint }) => {
    if (p.totalBlocks > 20_000n) note(`${label}: ${p.doneBlocks}/${p.totalBlocks} blocks`);
  };
}

/** The orders with an order id the shop counted from `fromBlock` on (`OrderCounted` events), by order id. */
export async function countedSince(
  transport: Transport,
  shop: Address,
  fromBlock: bigint,
  label: string,
): Promise<Map<bigint, CountedOrder>> {
  const toBlock = await transport.blockNumber();
  const logs = await getLogsPaged(transport, {
    address: shop,
    topics: [eventTopic(shopAbi, "OrderCounted")],
    fromBlock,
    toBlock,
    onProgress: logProgress(`${label}: reading counted orders`),
  });
  const counted = new Map<bigint, CountedOrder>();
  for (const e of decodeLogs(shopAbi, logs)) {
    if (e.eventName === "OrderCounted" && e.args.orderId !== 0n) {
      counted.set(e.args.orderId, { orderHash: e.args.orderHash, customer: e.args.customer });
    }
  }
  return counted;
}

/** An anchored batch and its order-id range `firstOrderId .. lastOrderId`. */
export interface AnchoredRange {
  readonly root: Hex;
  readonly day: bigint;
  readonly firstOrderId: bigint;
  readonly lastOrderId: bigint;
}

/** The shop's anchored batches from `fromBlock` on (`BatchAnchored` events), by first order id. */
export async function anchoredBatches(
  transport: Transport,
  shop: Address,
  fromBlock: bigint,
  label: string,
): Promise<AnchoredRange[]> {
  const toBlock = await transport.blockNumber();
  if (fromBlock > toBlock) return [];
  const logs = await getLogsPaged(transport, {
    address: shop,
    topics: [eventTopic(shopAbi, "BatchAnchored")],
    fromBlock,
    toBlock,
    onProgress: logProgress(`${label}: reading anchored batches`),
  });
  const ranges: AnchoredRange[] = [];
  for (const e of decodeLogs(shopAbi, logs)) {
    if (e.eventName !== "BatchAnchored") continue;
    ranges.push({
      root: e.args.root,
      day: e.args.day,
      firstOrderId: e.args.firstOrderId,
      lastOrderId: e.args.firstOrderId + e.args.orderCount - 1n,
    });
  }
  return ranges.sort((a, b) => (a.firstOrderId < b.firstOrderId ? -1 : a.firstOrderId > b.firstOrderId ? 1 : 0));
}

/**
 * A lookup of the anchored batch whose range holds an id. Ranges of two batches may overlap (the shop does not
 * reserve a batch's ids), so they are merged into disjoint intervals, each remembering one batch, then binary searched.
 */
export function batchLookup(ranges: readonly AnchoredRange[]): (id: bigint) => AnchoredRange | undefined {
  const merged: { first: bigint; last: bigint; batch: AnchoredRange }[] = [];
  for (const r of [...ranges].sort((a, b) => (a.firstOrderId < b.firstOrderId ? -1 : 1))) {
    const top = merged[merged.length - 1];
    if (top !== undefined && r.firstOrderId <= top.last + 1n) {
      if (r.lastOrderId > top.last) top.last = r.lastOrderId;
    } else merged.push({ first: r.firstOrderId, last: r.lastOrderId, batch: r });
  }
  return (id) => {
    let lo = 0;
    let hi = merged.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = merged[mid];
      if (id < m.first) hi = mid - 1;
      else if (id > m.last) lo = mid + 1;
      else return ranges.find((r) => r.firstOrderId <= id && id <= r.lastOrderId) ?? m.batch;
    }
    return undefined;
  };
}

/** Refuses (exit code 2) orders whose chain order id lies in an anchored batch's range. */
export function refuseBatchIds(
  orders: readonly { readonly where: string; readonly chainOrderId: bigint }[],
  ranges: readonly AnchoredRange[],
): void {
  if (ranges.length === 0) return;
  const holding = batchLookup(ranges);
  const hits = orders.flatMap((o) => {
    const batch = holding(o.chainOrderId);
    return batch === undefined ? [] : [{ o, batch }];
  });
  if (hits.length === 0) return;
  const { o, batch } = hits[0];
  throw new InputError(
    `${hits.length} order(s) have a chain order id reserved by an anchored batch (first: ${o.where}, chain order ` +
      `id ${o.chainOrderId}, batch ${batch.root} holds ids ${batch.firstOrderId}..${batch.lastOrderId}): recorded, ` +
      `it would make that batch's leaf unmintable; give these orders ids outside every batch's range`,
  );
}
