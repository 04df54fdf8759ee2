/**
 * Read models: typed views of a shop's days, a holder's tokens and earnings, a shop's order ledger and its used
 * order ids, built from the contracts' views and events through any {@link Transport}. Amounts are bigint wei
 * (coin) or token-wei (18 decimals).
 *
 * @packageDocumentation
 */
import {
  dividendTokenAbi,
  dividendTokenReadAbi,
  shareMallFactoryAbi,
  shareMallFactoryReadAbi,
  shopAbi,
  shopReadAbi,
} from "./abis.js";
import { decodeLogs, eventTopic, getLogsPaged, readContract, type LogPageProgress } from "./client/contract.js";
import type { Transport } from "./client/transport.js";
import { checkBatching, contractRead, readAll, type ContractRead, type ReadBatching } from "./client/multicall.js";
import { PAGE, readUnsettledDays } from "./internal/pages.js";
import { decodePayoutWord } from "./payouts.js";
import { probe } from "./internal/probe.js";
import { InvalidAmountError, ShareMallError } from "./errors.js";
import { usedOrderIds } from "./internal/order-ids.js";
import type { Address, Hex, IntegerLike } from "./types.js";
import { validateAddress, validateAmount, validateOrderId } from "./validation.js";
import { parametersOf, pinnedBlock } from "./internal/parameters.js";

/** Days {@link fetchShopDays} reads by default (today and the 29 days before). */
export const DEFAULT_DAY_RANGE = 30n;
/** The most days one {@link fetchShopDays} call reads. */
export const MAX_DAY_RANGE = 366n;

/** What one token of the shop is owed for a day (the shop's `tokenDay(tokenIndex, day)`). */
export interface ShopTokenDay {
  readonly tokenIndex: number;
  readonly token: Address;
  /** Revenue the token counted that day, in wei (orders since the token existed). */
  readonly revenue: bigint;
  /** The token's dividend rate for the day: its rate at the day's first order, raised by any raise that day. */
  readonly dividendBps: bigint;
  /** Dividends owed to the token's holders for the day, in wei: `revenue × dividendBps / 10000`, rounded down. */
  readonly owed: bigint;
  /** Part of `owed` already escrowed in the token by checkouts. */
  readonly escrowed: bigint;
  /** Whether the escrow has been distributed to the holders (a settlement always releases it). */
  readonly escrowReleased: boolean;
  /** Whether the whole of `owed` has been distributed. */
  readonly settled: boolean;
  /** Wei of `owed` distributed so far: all of it once settled, else the escrow once released. */
  readonly distributed: bigint;
  /** Wei the merchant balance must still fund for this token (`owed - escrowed` until settled, then 0). */
  readonly unfunded: bigint;
}

/** One shop day with orders. */
export interface ShopDay {
  readonly day: bigint;
  /** Revenue in wei. */
  readonly revenue: bigint;
  readonly orderCount: bigint;
  /** Whether every token that the day owes has been paid in full. */
  readonly settled: boolean;
  /** Dividends owed for the day, all tokens together, in wei. */
  readonly owed: bigint;
  /** Part of `owed` escrowed by checkouts. */
  readonly escrowed: bigint;
  /** Part of `owed` the merchant balance must still fund (0 once settled). */
  readonly unfunded: bigint;
  /** Part of `owed` distributed to the holders so far (a partly settled day: its released escrow). */
  readonly distributed: bigint;
  /** Whether a settlement released the day's escrow but left debt owed (funding short): settle again once funded. */
  readonly partlySettled: boolean;
  readonly tokens: readonly ShopTokenDay[];
}

/** An unsettled past day, from the shop's `unsettledDays`. */
export interface UnsettledShopDay {
  readonly day: bigint;
  /** Wei not distributed yet, all tokens together (escrow not released, and unpaid debt). */
  readonly owed: bigint;
  /** Part of `owed` the checkout escrow does not cover: what the merchant must fund. */
  readonly unfunded: bigint;
}

/** What {@link fetchShopDays} returns. */
export interface ShopDays {
  /** The shop's current day. */
  readonly today: bigint;
  readonly fromDay: bigint;
  readonly toDay: bigint;
  /** Days of `[fromDay, toDay]` with at least one order, oldest first. */
  readonly days: readonly ShopDay[];
  /** Every unsettled past day with dividends owed (whatever the range), oldest first. */
  readonly unsettled: readonly UnsettledShopDay[];
  /** Total that settling every unsettled day needs from the merchant balance. */
  readonly unfundedTotal: bigint;
}

/**
 * What every read model takes besides its own parameters: the block to read at. Given, every read of the call is
 * made at that block (and log queries end there); absent, the call reads the latest block number once and pins all
 * its reads to it, so one call sees one block.
 */
export interface AtBlock {
  /** Read the state at this block (default: the latest block, read once per call). */
  readonly blockNumber?: bigint;
}

/** Options of {@link fetchShopDays}. */
export interface ShopDaysOptions {
  /** First day (default: `toDay - 29`). */
  readonly fromDay?: bigint;
  /** Last day (default: today). At most {@link MAX_DAY_RANGE} days are read per call. */
  readonly toDay?: bigint;
}

/** Parameters of {@link fetchShopDays}. */
export interface FetchShopDaysParameters extends ShopDaysOptions, AtBlock, ReadBatching {
  /** The shop's address. */
  readonly shop: string;
}

/**
 * A shop's days: revenue, order count and, per token, the day's rate, dividends owed, escrowed and distributed, with
 * the escrow-released and settled flags, for the days of a range that had orders; plus every unsettled day (paged
 * through `revenueDayCount`/`unsettledDays`). A day can be partly settled (its escrow released, its debt still owed
 * because the merchant balance was short): `partlySettled`, with `unfunded` what is still owed.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop` (its address), `fromDay`/`toDay` (shop days, inclusive), `blockNumber`.
 * @throws {@link InvalidAmountError} for an empty or too long range.
 * @example
 * ```ts
 * const { days, unfundedTotal } = await fetchShopDays(transport, { shop, fromDay: 20780n });
 * for (const d of days) console.log(d.day, formatEther(d.revenue), d.settled ? "settled" : "open");
 * ```
 */
export async function fetchShopDays(transport: Transport, parameters: FetchShopDaysParameters): Promise<ShopDays> {
  const { shop, multicall, callsPerBatch, concurrency, ...options } = parametersOf("fetchShopDays", parameters);
  const batching: ReadBatching = { multicall, callsPerBatch, concurrency };
  checkBatching(batching);
  const address = validateAddress("shop", shop);
  if (options.fromDay !== undefined) validateAmount("fromDay", options.fromDay);
  if (options.toDay !== undefined) validateAmount("toDay", options.toDay);
  const blockNumber = await pinnedBlock(transport, options.blockNumber);
  const today = await probe("shop", address, () =>
    readContract(transport, { address, abi: shopReadAbi, functionName: "today", args: [], blockNumber }),
  );
  const toDay = options.toDay ?? today;
  const fromDay = options.fromDay ?? (toDay >= DEFAULT_DAY_RANGE - 1n ? toDay - DEFAULT_DAY_RANGE + 1n : 0n);
  if (fromDay > toDay) throw new InvalidAmountError("fromDay", fromDay, `must not be after toDay ${toDay}`);
  if (toDay - fromDay + 1n > MAX_DAY_RANGE) {
    throw new InvalidAmountError("toDay", toDay, `at most ${MAX_DAY_RANGE} days per call (from day ${fromDay})`);
  }
  const tokens = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "tokens",
    args: [],
    blockNumber,
  });
  const unsettled = await readUnsettledDays(transport, address, blockNumber);
  const reads = { ...batching, blockNumber };
  const range: bigint[] = [];
  for (let day = fromDay; day <= toDay; day++) range.push(day);
  const records = await readAll(transport, {
    contracts: range.map((day) => contractRead({ address, abi: shopReadAbi, functionName: "dayRecord", args: [day] })),
    ...reads,
  });
  const open = range.map((day, i) => ({ day, record: records[i] })).filter(({ record }) => record.orderCount !== 0n);
  const tokenDays = await readAll(transport, {
    contracts: open.flatMap(({ day }) =>
      tokens.map((_, i) =>
        contractRead({ address, abi: shopReadAbi, functionName: "tokenDay", args: [BigInt(i), day] }),
      ),
    ),
    ...reads,
  });
  const days: ShopDay[] = [];
  for (const [o, { day, record }] of open.entries()) {
    const perToken: ShopTokenDay[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokenDays[o * tokens.length + i];
      perToken.push({
        tokenIndex: i,
        token: tokens[i],
        revenue: t.revenue,
        dividendBps: t.dividendBps,
        owed: t.owed,
        escrowed: t.escrowed,
        escrowReleased: t.escrowReleased,
        settled: t.settled,
        distributed: t.settled ? t.owed : t.escrowReleased ? t.escrowed : 0n,
        unfunded: t.settled ? 0n : t.owed - t.escrowed,
      });
    }
    const sum = (f: (t: ShopTokenDay) => bigint): bigint => perToken.reduce((total, t) => total + f(t), 0n);
    const unfunded = sum((t) => t.unfunded);
    days.push({
      day,
      revenue: record.revenue,
      orderCount: record.orderCount,
      settled: record.settled,
      owed: sum((t) => t.owed),
      escrowed: sum((t) => t.escrowed),
      unfunded,
      distributed: sum((t) => t.distributed),
      partlySettled: unfunded > 0n && perToken.some((t) => !t.settled && t.escrowReleased),
      tokens: perToken,
    });
  }
  return {
    today,
    fromDay,
    toDay,
    days,
    unsettled,
    unfundedTotal: unsettled.reduce((sum, u) => sum + u.unfunded, 0n),
  };
}

/** One token a holder has a stake in. */
export interface HolderToken {
  readonly shop: Address;
  readonly token: Address;
  readonly tokenIndex: number;
  readonly name: string;
  readonly symbol: string;
  /** Balance in token-wei. */
  readonly balance: bigint;
  readonly totalSupply: bigint;
  /** `balance / totalSupply` in basis points, rounded down (0 for an empty supply). */
  readonly shareBps: bigint;
  /** Dividends the holder can claim now, in wei. */
  readonly claimable: bigint;
}

/** Parameters of {@link fetchHolderTokens}. */
export interface FetchHolderTokensParameters extends AtBlock, ReadBatching {
  /** The ShareMall factory. */
  readonly factory: string;
  readonly holder: string;
}

/**
 * Every token of the factory's shops in which `holder` has a balance or claimable dividends (shops paged through
 * `shopCount`/`shops`, tokens through `shopTokens`), in shop then token order. All reads are made at one block and
 * batched through Multicall3 (see {@link readContracts}): with 10,000 shops of 2 tokens, about 200 `eth_call`s, at
 * most `concurrency` at a time, instead of 50,000 one after another.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `factory`, `holder`, `blockNumber`, and the {@link ReadBatching} options.
 * @example
 * ```ts
 * const tokens = await fetchHolderTokens(transport, { factory, holder: me });
 * const claimable = tokens.filter((t) => t.claimable > 0n).map((t) => t.token); // for factory.claimMany
 * ```
 */
export async function fetchHolderTokens(
  transport: Transport,
  parameters: FetchHolderTokensParameters,
): Promise<HolderToken[]> {
  const { factory, holder, blockNumber: pinned, ...batching } = parametersOf("fetchHolderTokens", parameters);
  const factoryAddress = validateAddress("factory", factory);
  const account = validateAddress("holder", holder, { allowZero: true });
  checkBatching(batching);
  const blockNumber = await pinnedBlock(transport, pinned);
  const reads = { ...batching, blockNumber };
  const shopCount = await probe("factory", factoryAddress, () =>
    readContract(transport, {
      address: factoryAddress,
      abi: shareMallFactoryReadAbi,
      functionName: "shopCount",
      args: [],
      blockNumber,
    }),
  );
  const pages: ContractRead<readonly Address[]>[] = [];
  for (let start = 0n; start < shopCount; start += PAGE) {
    pages.push(
      contractRead({
        address: factoryAddress,
        abi: shareMallFactoryReadAbi,
        functionName: "shops",
        args: [start, PAGE],
      }),
    );
  }
  const shops = (await readAll(transport, { contracts: pages, ...reads })).flat();
  const shopTokens = await readAll(transport, {
    contracts: shops.map((shop) =>
      contractRead({ address: factoryAddress, abi: shareMallFactoryReadAbi, functionName: "shopTokens", args: [shop] }),
    ),
    ...reads,
  });
  const all = shops.flatMap((shop, s) => shopTokens[s].map((token, tokenIndex) => ({ shop, token, tokenIndex })));
  const stakes = await readAll(transport, {
    contracts: all.flatMap(({ token }) => [
      contractRead({ address: token, abi: dividendTokenReadAbi, functionName: "balanceOf", args: [account] }),
      contractRead({ address: token, abi: dividendTokenReadAbi, functionName: "claimable", args: [account] }),
    ]),
    ...reads,
  });
  const held = all
    .map((t, i) => ({ ...t, balance: stakes[2 * i], claimable: stakes[2 * i + 1] }))
    .filter((t) => t.balance !== 0n || t.claimable !== 0n);
  const details = await readAll(transport, {
    contracts: held.flatMap(({ token }) => [
      contractRead({ address: token, abi: dividendTokenReadAbi, functionName: "totalSupply", args: [] }),
      contractRead({ address: token, abi: dividendTokenReadAbi, functionName: "name", args: [] }),
      contractRead({ address: token, abi: dividendTokenReadAbi, functionName: "symbol", args: [] }),
    ]),
    ...reads,
  });
  return held.map((t, i) => {
    const totalSupply = details[3 * i] as bigint;
    return {
      shop: t.shop,
      token: t.token,
      tokenIndex: t.tokenIndex,
      name: details[3 * i + 1] as string,
      symbol: details[3 * i + 2] as string,
      balance: t.balance,
      totalSupply,
      shareBps: totalSupply === 0n ? 0n : (t.balance * 10_000n) / totalSupply,
      claimable: t.claimable,
    };
  });
}

/** A block range for event history. */
export interface BlockRange {
  /** First block (default 0). */
  readonly fromBlock?: bigint;
  /** Last block (default: the latest). */
  readonly toBlock?: bigint;
  /** Blocks per log query (default 2,000). */
  readonly pageSize?: bigint;
  readonly onProgress?: (progress: LogPageProgress) => void;
}

/** The paging of `range`, ending at `range.toBlock` or else at `blockNumber` (the block the call reads at). */
function pagedRange(range: BlockRange, blockNumber: bigint) {
  if (range.fromBlock !== undefined) validateAmount("fromBlock", range.fromBlock);
  if (range.toBlock !== undefined) validateAmount("toBlock", range.toBlock);
  if (range.toBlock !== undefined && range.toBlock > blockNumber) {
    throw new InvalidAmountError("toBlock", range.toBlock, `must not be after blockNumber ${blockNumber}`);
  }
  const toBlock = range.toBlock ?? blockNumber;
  return {
    fromBlock: range.fromBlock ?? 0n,
    toBlock,
    ...(range.pageSize !== undefined ? { pageSize: range.pageSize } : {}),
    ...(range.onProgress !== undefined ? { onProgress: range.onProgress } : {}),
  };
}

const topicOf = (address: Address): Hex => `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;

/** One payment of a holder's dividends: a claim, or a payout pushed to it. */
export interface HolderClaim {
  /** `"claim"`: the holder claimed (`DividendsClaimed`); `"payout"`: someone pushed it (`DividendsPushed`). */
  readonly kind: "claim" | "payout";
  /** Where the coin went: the holder's own address for a payout. */
  readonly recipient: Address;
  readonly amount: bigint;
  readonly blockNumber: bigint;
  readonly transactionHash: Hex;
}

/** What {@link fetchHolderEarnings} returns. */
export interface HolderEarnings {
  readonly token: Address;
  readonly holder: Address;
  /** The holder's claims and pushed payouts in the range, oldest first (`DividendsClaimed`, `DividendsPushed`). */
  readonly claims: readonly HolderClaim[];
  /** Sum of `claims`. */
  readonly claimed: bigint;
  /** Claimable now. */
  readonly claimable: bigint;
  /** `claimed + claimable`: all the holder earned, when the range covers the token's whole history. */
  readonly totalEarned: bigint;
}

/** Parameters of {@link fetchHolderEarnings}: the token, the holder, the block range of the history. */
export interface FetchHolderEarningsParameters extends BlockRange, AtBlock {
  readonly token: string;
  readonly holder: string;
}

/**
 * A holder's dividend history on one token: its claims (`DividendsClaimed`) and the payouts pushed to it (its words of
 * `DividendsPushed`), paged, and what it can claim now.
 * (Per-day earnings from `DividendsDistributed` would need the holder's balance at each block: not in this version.)
 *
 * @example
 * ```ts
 * const { claims, totalEarned } = await fetchHolderEarnings(transport, { token, holder: me, fromBlock: deployBlock });
 * ```
 */
export async function fetchHolderEarnings(
  transport: Transport,
  parameters: FetchHolderEarningsParameters,
): Promise<HolderEarnings> {
  const { token, holder, ...range } = parametersOf("fetchHolderEarnings", parameters);
  const tokenAddress = validateAddress("token", token);
  const account = validateAddress("holder", holder);
  const blockNumber = await pinnedBlock(transport, range.blockNumber);
  await probe("token", tokenAddress, () =>
    readContract(transport, {
      address: tokenAddress,
      abi: dividendTokenReadAbi,
      functionName: "shop",
      args: [],
      blockNumber,
    }),
  );
  const logs = await getLogsPaged(transport, {
    address: tokenAddress,
    topics: [eventTopic(dividendTokenAbi, "DividendsClaimed"), topicOf(account)],
    ...pagedRange(range, blockNumber),
  });
  const claims: HolderClaim[] = [];
  for (const event of decodeLogs(dividendTokenAbi, logs)) {
    if (event.eventName !== "DividendsClaimed") continue;
    claims.push({
      kind: "claim",
      recipient: event.args.recipient,
      amount: event.args.amount,
      blockNumber: event.blockNumber,
      transactionHash: event.transactionHash,
    });
  }
  // Payouts name their holders in the event's data (one word each), not in a topic: read the token's pushes.
  const pushes = await getLogsPaged(transport, {
    address: tokenAddress,
    topics: [eventTopic(dividendTokenAbi, "DividendsPushed")],
    ...pagedRange(range, blockNumber),
  });
  for (const event of decodeLogs(dividendTokenAbi, pushes)) {
    if (event.eventName !== "DividendsPushed") continue;
    for (const word of event.args.payouts) {
      const paid = decodePayoutWord(word);
      if (paid.holder.toLowerCase() !== account.toLowerCase()) continue;
      claims.push({
        kind: "payout",
        recipient: account,
        amount: paid.amount,
        blockNumber: event.blockNumber,
        transactionHash: event.transactionHash,
      });
    }
  }
  claims.sort((a, b) => (a.blockNumber < b.blockNumber ? -1 : a.blockNumber > b.blockNumber ? 1 : 0));
  const claimed = claims.reduce((sum, c) => sum + c.amount, 0n);
  const claimable = await readContract(transport, {
    address: tokenAddress,
    abi: dividendTokenReadAbi,
    functionName: "claimable",
    args: [account],
    blockNumber,
  });
  return { token: tokenAddress, holder: account, claims, claimed, claimable, totalEarned: claimed + claimable };
}

/** The path an order came in by (`IShop.OrderPath`). */
export type OrderPathName = "Recorded" | "Receipt" | "Checkout" | "MerkleBatch";
/** `IShop.OrderPath` values by index. */
export const ORDER_PATHS: readonly OrderPathName[] = ["Recorded", "Receipt", "Checkout", "MerkleBatch"];

function pathName(path: number): OrderPathName {
  const name = ORDER_PATHS[path];
  if (name === undefined) throw new ShareMallError("UNKNOWN_ORDER_PATH", `Unknown order path ${path} in OrderCounted`);
  return name;
}

/** One counted order (`OrderCounted`). */
export interface LedgerOrder {
  readonly orderHash: Hex;
  readonly customer: Address;
  /** The shop day its revenue counts on (a batch leaf's: the batch's anchoring day). */
  readonly day: bigint;
  /** The operator-assigned order id; `0n` for a checkout (which has none). */
  readonly orderId: bigint;
  readonly path: OrderPathName;
  /** Amount in wei. */
  readonly amount: bigint;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/** One anchored Merkle batch (`BatchAnchored`); its orders appear as `MerkleBatch` orders as they mint. */
export interface LedgerBatch {
  readonly root: Hex;
  readonly day: bigint;
  /** The order id of the batch's first leaf: its leaves have the ids `firstOrderId .. firstOrderId + orderCount - 1`. */
  readonly firstOrderId: bigint;
  readonly orderCount: bigint;
  readonly totalRevenue: bigint;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/** A recorded order the shop left out because its order id had counted already (`OrderSkipped`). */
export interface LedgerSkippedOrder {
  readonly orderId: bigint;
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/**
 * An order of the operator's paths that named another referrer than the customer's bound one (`ReferrerMismatch`):
 * it counted with the bound referrer, and `named` got nothing.
 */
export interface LedgerReferrerMismatch {
  readonly customer: Address;
  /** The referrer the order counted with (the zero address: none). */
  readonly bound: Address;
  /** The referrer the order named. */
  readonly named: Address;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/** What {@link fetchOrderLedger} returns, oldest first. */
export interface OrderLedger {
  readonly orders: readonly LedgerOrder[];
  readonly batches: readonly LedgerBatch[];
  /** Orders of `recordOrders` transactions skipped because their id had counted (a re-sent order). */
  readonly skipped: readonly LedgerSkippedOrder[];
  /** Orders that counted with another referrer than the one they named. */
  readonly referrerMismatches: readonly LedgerReferrerMismatch[];
}

/** Parameters of {@link fetchOrderLedger}: the shop and the block range. */
export interface FetchOrderLedgerParameters extends BlockRange, AtBlock {
  readonly shop: string;
}

/**
 * A shop's order ledger over a block range: every `OrderCounted`, `BatchAnchored`, `OrderSkipped` and
 * `ReferrerMismatch` event, paged.
 *
 * @example
 * ```ts
 * const { orders, batches, skipped } = await fetchOrderLedger(transport, { shop, fromBlock: 123_456n });
 * const checkouts = orders.filter((o) => o.path === "Checkout");
 * const byId = new Map(orders.filter((o) => o.orderId !== 0n).map((o) => [o.orderId, o]));
 * ```
 */
export async function fetchOrderLedger(
  transport: Transport,
  parameters: FetchOrderLedgerParameters,
): Promise<OrderLedger> {
  const { shop, ...range } = parametersOf("fetchOrderLedger", parameters);
  const address = validateAddress("shop", shop);
  const blockNumber = await pinnedBlock(transport, range.blockNumber);
  await probe("shop", address, () =>
    readContract(transport, { address, abi: shopReadAbi, functionName: "today", args: [], blockNumber }),
  );
  const topics = (["OrderCounted", "BatchAnchored", "OrderSkipped", "ReferrerMismatch"] as const).map((name) =>
    eventTopic(shopAbi, name),
  );
  const logs = await getLogsPaged(transport, { address, topics: [topics], ...pagedRange(range, blockNumber) });
  const orders: LedgerOrder[] = [];
  const batches: LedgerBatch[] = [];
  const skipped: LedgerSkippedOrder[] = [];
  const referrerMismatches: LedgerReferrerMismatch[] = [];
  for (const event of decodeLogs(shopAbi, logs)) {
    const where = { blockNumber: event.blockNumber, txHash: event.transactionHash };
    if (event.eventName === "OrderCounted") {
      orders.push({
        orderHash: event.args.orderHash,
        customer: event.args.customer,
        day: event.args.day,
        orderId: event.args.orderId,
        path: pathName(event.args.path),
        amount: event.args.amount,
        ...where,
      });
    } else if (event.eventName === "BatchAnchored") {
      batches.push({
        root: event.args.root,
        day: event.args.day,
        firstOrderId: event.args.firstOrderId,
        orderCount: event.args.orderCount,
        totalRevenue: event.args.totalRevenue,
        ...where,
      });
    } else if (event.eventName === "OrderSkipped") {
      skipped.push({
        orderId: event.args.orderId,
        orderHash: event.args.orderHash,
        customer: event.args.customer,
        ...where,
      });
    } else if (event.eventName === "ReferrerMismatch") {
      referrerMismatches.push({
        customer: event.args.customer,
        bound: event.args.bound,
        named: event.args.named,
        ...where,
      });
    }
  }
  return { orders, batches, skipped, referrerMismatches };
}

/** Most order ids one {@link fetchUsedOrderIds} call looks up. */
export const MAX_ORDER_ID_LOOKUP = 1_000_000;

/** Parameters of {@link fetchUsedOrderIds}. */
export interface FetchUsedOrderIdsParameters extends AtBlock {
  readonly shop: string;
  readonly orderIds: readonly IntegerLike[];
}

/**
 * Which of `orderIds` the shop has already used (recorded orders, receipts and minted batch leaves share one
 * shop-wide bitmap): one `orderIdBitmap` read per 256-id word, a few reads in flight, so consecutive ids are cheap.
 * What a merchant's system checks before numbering, or resuming, orders.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop` (its address); `orderIds`: order ids, `1 .. 2^64 - 1` each (duplicates are fine), at
 * most {@link MAX_ORDER_ID_LOOKUP}; `blockNumber`.
 * @returns The used ones, ascending and without duplicates.
 * @throws `InvalidAmountError` for a bad id or too many; {@link NotAContractError} for an address without a shop.
 * @example
 * ```ts
 * const used = await fetchUsedOrderIds(transport, { shop, orderIds: [1001n, 1002n, 1003n] });
 * const fresh = [1001n, 1002n, 1003n].filter((id) => !used.includes(id));
 * ```
 */
export async function fetchUsedOrderIds(
  transport: Transport,
  parameters: FetchUsedOrderIdsParameters,
): Promise<bigint[]> {
  const { shop, orderIds } = parametersOf("fetchUsedOrderIds", parameters);
  const address = validateAddress("shop", shop);
  if (!Array.isArray(orderIds)) throw new InvalidAmountError("orderIds", orderIds, "expected an array of order ids");
  if (orderIds.length > MAX_ORDER_ID_LOOKUP) {
    throw new InvalidAmountError("orderIds", orderIds, `at most ${MAX_ORDER_ID_LOOKUP} order ids per call`);
  }
  const ids = orderIds.map((id, i) => validateOrderId(`orderIds[${i}]`, id));
  const blockNumber = await pinnedBlock(transport, parameters.blockNumber);
  await probe("shop", address, () =>
    readContract(transport, { address, abi: shopReadAbi, functionName: "today", args: [], blockNumber }),
  );
  const used = await usedOrderIds(transport, address, ids, undefined, blockNumber);
  return [...used].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
