/**
 * Everything the page shows about one holder, read through the SDK over any {@link Transport}: the tokens it holds
 * across the factory's shops (`fetchHolderTokens`), what it claimed and can claim (`fetchHolderEarnings`), pending
 * rule changes of those tokens (`pendingRules`), its daily dividends, derived from the tokens' events, and its
 * payments as a customer (payments.ts).
 */
import { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "../../sdk/src/abis.js";
import { decodeLogs, eventTopic, getLogsPaged, readContract } from "../../sdk/src/client/contract.js";
import type { Transport } from "../../sdk/src/client/transport.js";
import { pendingRules } from "../../sdk/src/merchant.js";
import { fetchHolderEarnings, fetchHolderTokens, type HolderToken } from "../../sdk/src/read.js";
import {
  classifyRulesChange,
  describeRules,
  validateTokenRules,
  type RulesChange,
  type RulesSpec,
} from "../../sdk/src/rules.js";
import type { Address } from "../../sdk/src/types.js";
import type { AppConfig } from "./config.js";
import { loadPayments, type PaymentsView } from "./payments.js";

/** One token row of the page. */
export interface TokenRow extends HolderToken {
  /** The shop's name from its `ShopCreated` event (its address when not found). */
  readonly shopName: string;
  /** Wei paid so far, claimed or pushed (`DividendsClaimed`, `DividendsPushed` since `config.fromBlock`). */
  readonly claimed: bigint;
  /** `claimed + claimable`. */
  readonly earned: bigint;
}

/** A scheduled rule change of a token the holder has. */
export interface PendingChange {
  readonly token: Address;
  readonly symbol: string;
  readonly shopName: string;
  /** Unix seconds. */
  readonly effectiveAt: bigint;
  readonly current: RulesSpec;
  readonly next: RulesSpec;
  readonly changes: readonly RulesChange[];
}

/** Dividends earned on one shop day, all tokens together. */
export interface DayAmount {
  readonly day: bigint;
  /** Wei. */
  readonly amount: bigint;
}

/** What the page shows for one address. */
export interface HolderView {
  readonly holder: Address;
  readonly tokens: readonly TokenRow[];
  readonly claimableTotal: bigint;
  readonly earnedTotal: bigint;
  readonly pending: readonly PendingChange[];
  /** The last {@link CHART_DAYS} shop days, oldest first, zero where nothing was earned. */
  readonly daily: readonly DayAmount[];
  /** The address's payments as a customer (see payments.ts). */
  readonly payments: PaymentsView;
}

/** Days in the chart. */
export const CHART_DAYS = 30;

/** Fractional bits of the token's per-share accumulator (`DividendMath.PRECISION_BITS`). */
const PRECISION_BITS = 64n;
/** The accumulator lives modulo 2^160 (`DividendMath`). */
const ACCUMULATOR_MASK = (1n << 160n) - 1n;

/** Shop names by shop address, from the factory's `ShopCreated` events. */
async function shopNames(transport: Transport, config: AppConfig, toBlock: bigint): Promise<Map<Address, string>> {
  const logs = await getLogsPaged(transport, {
    address: config.factory,
    topics: [eventTopic(shareMallFactoryAbi, "ShopCreated")],
    fromBlock: config.fromBlock,
    toBlock,
  });
  const names = new Map<Address, string>();
  for (const event of decodeLogs(shareMallFactoryAbi, logs)) {
    if (event.eventName === "ShopCreated") names.set(event.args.shop, event.args.name);
  }
  return names;
}

/**
 * The holder's dividends per shop day on `tokens`, replayed from the tokens' `Transfer` and `DividendsDistributed`
 * events with the token's own one-slot accounting (contracts/libraries/DividendMath.sol): each distribution moves
 * the per-share accumulator to the event's `accumulator` (kept modulo 2^160; its amount may include dividends
 * carried over from earlier days, which the accumulator already accounts for), and a holder's dividends scaled by
 * 2^64 grow by `balance × (accumulator increase)`. What the token lets the holder claim in all is
 * `floor(Σ balance × increase / 2^64)`, so each day gets the growth of that floor: the days add up exactly to what
 * the holder earned (claimed + claimable), with no rounding per day. Needs the tokens' whole history from
 * `fromBlock` (the factory's deployment block), as the balances do.
 */
async function dailyEarnings(
  transport: Transport,
  holder: Address,
  tokens: readonly Address[],
  fromBlock: bigint,
  toBlock: bigint,
): Promise<Map<bigint, bigint>> {
  const perDay = new Map<bigint, bigint>();
  if (tokens.length === 0) return perDay;
  const logs = await getLogsPaged(transport, {
    address: tokens,
    topics: [[eventTopic(dividendTokenAbi, "Transfer"), eventTopic(dividendTokenAbi, "DividendsDistributed")]],
    fromBlock,
    toBlock,
  });
  const events = decodeLogs(dividendTokenAbi, logs).sort((a, b) =>
    a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex,
  );
  const accumulator = new Map<Address, bigint>();
  const balance = new Map<Address, bigint>();
  // The holder's dividends scaled by 2^64, per token, since fromBlock.
  const scaled = new Map<Address, bigint>();
  for (const event of events) {
    const token = event.address;
    if (event.eventName === "Transfer") {
      const { from, to, value } = event.args;
      if (from === holder) balance.set(token, (balance.get(token) ?? 0n) - value);
      if (to === holder) balance.set(token, (balance.get(token) ?? 0n) + value);
    } else if (event.eventName === "DividendsDistributed") {
      const next = event.args.accumulator & ACCUMULATOR_MASK;
      const increase = (next - (accumulator.get(token) ?? 0n)) & ACCUMULATOR_MASK;
      accumulator.set(token, next);
      const held = balance.get(token) ?? 0n;
      if (held === 0n || increase === 0n) continue;
      const before = scaled.get(token) ?? 0n;
      const after = before + held * increase;
      scaled.set(token, after);
      const earned = (after >> PRECISION_BITS) - (before >> PRECISION_BITS);
      if (earned > 0n) perDay.set(event.args.day, (perDay.get(event.args.day) ?? 0n) + earned);
    }
  }
  return perDay;
}

/** Reads everything the page shows for `holder`. */
export async function loadHolder(transport: Transport, config: AppConfig, holder: Address): Promise<HolderView> {
  const toBlock = await transport.blockNumber();
  const held = await fetchHolderTokens(transport, { factory: config.factory, holder });
  const names = await shopNames(transport, config, toBlock);
  const tokens: TokenRow[] = [];
  for (const token of held) {
    const earnings = await fetchHolderEarnings(transport, {
      token: token.token,
      holder,
      fromBlock: config.fromBlock,
      toBlock,
    });
    tokens.push({
      ...token,
      // The claimable amount read with the holder's tokens (same block range as `claimed`).
      claimable: earnings.claimable,
      shopName: names.get(token.shop) ?? token.shop,
      claimed: earnings.claimed,
      earned: earnings.totalEarned,
    });
  }

  const pending: PendingChange[] = [];
  for (const token of tokens) {
    const change = await pendingRules(transport, { shop: token.shop, tokenIndex: token.tokenIndex });
    if (change === null) continue;
    const current = validateTokenRules(
      await readContract(transport, {
        address: token.shop,
        abi: shopAbi,
        functionName: "currentRules",
        args: [BigInt(token.tokenIndex)],
      }),
    );
    pending.push({
      token: token.token,
      symbol: token.symbol,
      shopName: token.shopName,
      effectiveAt: change.effectiveAt,
      current: describeRules(current),
      next: change.rules.human,
      changes: classifyRulesChange(current, change.rules.raw, token.totalSupply).changes,
    });
  }
  pending.sort((a, b) => (a.effectiveAt < b.effectiveAt ? -1 : a.effectiveAt > b.effectiveAt ? 1 : 0));

  let today = 0n;
  for (const shop of new Set(tokens.map((t) => t.shop))) {
    const day = await readContract(transport, { address: shop, abi: shopAbi, functionName: "today", args: [] });
    if (day > today) today = day;
  }
  const perDay = await dailyEarnings(
    transport,
    holder,
    tokens.map((t) => t.token),
    config.fromBlock,
    toBlock,
  );
  const daily: DayAmount[] = [];
  const first = today >= BigInt(CHART_DAYS - 1) ? today - BigInt(CHART_DAYS - 1) : 0n;
  for (let day = first; day <= today; day++) daily.push({ day, amount: perDay.get(day) ?? 0n });

  const payments = await loadPayments(transport, holder, names, config.fromBlock, toBlock);

  return {
    holder,
    tokens,
    claimableTotal: tokens.reduce((sum, t) => sum + t.claimable, 0n),
    earnedTotal: tokens.reduce((sum, t) => sum + t.earned, 0n),
    pending,
    daily,
    payments,
  };
}
