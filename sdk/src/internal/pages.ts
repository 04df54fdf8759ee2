/**
 * Paged reads of the shops' list views (`unsettledDays(start, limit)`, the factory's `shops(start, limit)`), a page
 * of {@link PAGE} entries per call. Internal: `fetchShopDays`, `fetchHolderTokens` (read.ts) and
 * `settleAllUnsettled` (merchant.ts) use them.
 *
 * @packageDocumentation
 */
import { shopAbi, shopReadAbi } from "../abis.js";
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

/**
 * The shop's unsettled past days (`unsettledDays`, paged over `revenueDayCount`), in the shop's order, at
 * `blockNumber` (default: the latest block).
 */
export async function readUnsettledDays(
  transport: Transport,
  shop: Address,
  blockNumber?: bigint,
): Promise<UnsettledShopDay[]> {
  const at = blockNumber === undefined ? {} : { blockNumber };
  const count = await readContract(transport, {
    address: shop,
    abi: shopReadAbi,
    functionName: "revenueDayCount",
    args: [],
    ...at,
  });
  const days = await readPages(count, (start, limit) =>
    readContract(transport, {
      address: shop,
      abi: shopReadAbi,
      functionName: "unsettledDays",
      args: [start, limit],
      ...at,
    }),
  );
  return days.map((u) => ({ day: u.day, owed: u.owed, unfunded: u.unfunded }));
}
