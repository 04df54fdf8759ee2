/**
 * Reads of a shop's used-order-id bitmap (`orderIdBitmap(wordIndex)`: bit `b` of word `w` is order id `w × 256 + b`)
 * with one read per 256-id word and a bounded number of reads in flight. Internal: the public entry points are
 * `fetchUsedOrderIds` (read.ts), `recordOrders` and `anchorBatch` (merchant.ts) and `mintFromBatchFile` (holder.ts).
 *
 * The bitmap only ever gains bits (an id, once used, stays used), so words read at slightly different blocks never
 * contradict each other: a bit seen set is set for good, and one seen clear may only be set later, which the shop
 * itself then handles (`recordOrders` skips it with `OrderSkipped`, the other paths revert `ShopOrderIdUsed`).
 *
 * @packageDocumentation
 */
import { shopAbi, shopReadAbi } from "../abis.js";
import { readContract } from "../client/contract.js";
import type { Transport } from "../client/transport.js";
import type { Address } from "../types.js";

/** Bitmap words read at once by default. */
export const BITMAP_READS_IN_FLIGHT = 8;

/** Runs `work(item)` for every item with at most `limit` calls in flight; results in input order. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The bitmap words of `wordIndices` (distinct), read with bounded concurrency, by word index. */
async function readWords(
  transport: Transport,
  shop: Address,
  wordIndices: readonly bigint[],
  inFlight: number,
  blockNumber: bigint | undefined,
): Promise<Map<bigint, bigint>> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const words = await mapBounded(wordIndices, inFlight, (w) =>
    readContract(transport, { address: shop, abi: shopReadAbi, functionName: "orderIdBitmap", args: [w], ...at }),
  );
  return new Map(wordIndices.map((w, i) => [w, words[i]]));
}

/**
 * Which of `ids` the shop has already used (at `blockNumber`, default the latest block): one `orderIdBitmap` read
 * per distinct 256-id word.
 *
 * @returns The used ids, as a set.
 */
export async function usedOrderIds(
  transport: Transport,
  shop: Address,
  ids: readonly bigint[],
  inFlight: number = BITMAP_READS_IN_FLIGHT,
  blockNumber?: bigint,
): Promise<Set<bigint>> {
  const wordIndices = [...new Set(ids.map((id) => id >> 8n))];
  const words = await readWords(transport, shop, wordIndices, inFlight, blockNumber);
  const used = new Set<bigint>();
  for (const id of ids) {
    if ((words.get(id >> 8n)! >> (id & 0xffn)) & 1n) used.add(id);
  }
  return used;
}

/**
 * The used ids among `first .. first + count - 1` (a batch's range), at most `limit` of them in ascending order, and
 * how many there are in all: one read per 256-id word of the range.
 */
export async function usedOrderIdsInRange(
  transport: Transport,
  shop: Address,
  first: bigint,
  count: bigint,
  limit: number,
  inFlight: number = BITMAP_READS_IN_FLIGHT,
): Promise<{ readonly ids: bigint[]; readonly count: bigint }> {
  const last = first + count - 1n;
  const wordIndices: bigint[] = [];
  for (let w = first >> 8n; w <= last >> 8n; w++) wordIndices.push(w);
  const words = await readWords(transport, shop, wordIndices, inFlight, undefined);
  const ids: bigint[] = [];
  let total = 0n;
  for (const w of wordIndices) {
    let bits = words.get(w)!;
    if (bits === 0n) continue;
    const base = w << 8n;
    for (let b = 0n; bits !== 0n; b++, bits >>= 1n) {
      if ((bits & 1n) === 0n) continue;
      const id = base + b;
      if (id < first || id > last) continue;
      total++;
      if (ids.length < limit) ids.push(id);
    }
  }
  return { ids, count: total };
}
