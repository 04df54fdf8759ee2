/**
 * Paged reads of the shops' list views (`unsettledDays(start, limit)`, the factory's `shops(start, limit)`), a page
 * of {@link PAGE} entries per call. Internal: `fetchShopDays`, `fetchHolderTokens` (read.ts) and
 * `settleAllUnsettled` (merchant.ts) use them.
 *
 * @packageDocumentation
 */
import { shopAbi } from "../abis.js";
import { readContract } from "../client/contract.js";
import type { Transport } from "../client/transport.js";
import type { UnsettledShopDay } from "../read.js";
import type { Address } from "../types.js";

/** Entries per paged read. */
export const PAGE = 100n;

/** Every entry of a list of `count` entries, read `PAGE` at a time with `read(start, limit)`, in list order. */
export async function readPages<T>(
  count: bigint,
  read: (start: bigint, limit: bigint) => Promise<readonly T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0n; start < count; start += PAGE) out.push(...(await read(start, PAGE)));
  return out;
}

/** The shop's unsettled past days (`unsettledDays`, paged over `revenueDayCount`), in the shop's order. */
export async function readUnsettledDays(transport: Transport, shop: Address): Promise<UnsettledShopDay[]> {
  const count = await readContract(transport, shop, shopAbi, "revenueDayCount", []);
  const days = await readPages(count, (start, limit) =>
    readContract(transport, shop, shopAbi, "unsettledDays", [start, limit]),
  );
  return days.map((u) => ({ day: u.day, owed: u.owed, unfunded: u.unfunded }));
}
