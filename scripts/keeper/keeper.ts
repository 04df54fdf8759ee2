/**
 * The ShareMall keeper's core (docs/keeper.md): one {@link Keeper.tick} looks at every shop of a factory, settles
 * each past day its `unsettledDays` lists that the merchant balance funds (oldest first; right after the shop's own
 * midnight if ticks are frequent), reports the unfunded ones with what is missing (funding them only when given a
 * funding account and a limit), then pushes their claimable dividends to the tokens' holders in batches sized by
 * `eth_estimateGas`.
 *
 * It keeps no state that matters for correctness: every tick re-reads the chain, settles only what the shop still
 * lists and pays only claimables that are non-zero now, so stopping it at any point (even `kill -9` mid-batch) and
 * starting it again never settles or pays twice — the contracts refuse anyway (`ShopDayAlreadySettled`; `payout`
 * skips a holder with nothing claimable). A transaction whose receipt is lost is never re-sent blindly: the tick
 * reports it, and the next tick reads what actually happened. "Now" is the latest block's timestamp, never the
 * wall clock. No process globals: the CLI (scripts/tasks/actions/keeper.ts) owns signals, output and the metrics
 * server.
 */
import {
  ChainCallError,
  ContractRevertError,
  dividendTokenAbi,
  encodeCall,
  isTransientError,
  payout,
  readContract,
  SECONDS_PER_DAY,
  shopAbi,
  withRetry,
  writeContract,
  type Address,
  type Hex,
  type HolderPayout,
  type RetryOptions,
  type Transport,
} from "../../sdk/src/index.js";
import { readUnsettledDays } from "../../sdk/src/internal/pages.js";
import { chainHolderSource, factoryShopSource, type HolderSource, type ShopSource } from "./sources.js";

export { chainHolderSource, factoryShopSource, type HolderSource, type ShopSource } from "./sources.js";

/** Holders in a first attempt at a payout batch (halved while the estimate is over the gas cap). */
export const DEFAULT_BATCH_SIZE = 100;
/** Default gas cap of a payout transaction: this share (in %) of the block gas limit, at most {@link TX_GAS_LIMIT}. */
export const DEFAULT_BATCH_GAS_PERCENT = 50n;
/** EIP-7825 (Osaka) caps a transaction at 2^24 gas: the default batch cap stays a little under it. */
export const TX_GAS_LIMIT = 16_000_000n;

/** Level of a log event. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured log event (the CLI prints each as one JSON line with the time added). */
export interface KeeperLogEvent {
  readonly level: LogLevel;
  readonly event: string;
  readonly [field: string]: unknown;
}

/**
 * Funding of unfunded days (only when configured: the keeper never funds otherwise). Only the shops whose admin
 * (`DEFAULT_ADMIN_ROLE`) is the funding account are funded: its own shops, never a shop someone else created in the
 * factory to draw on it.
 */
export interface FundingOptions {
  /** A transport signing as the funding account: it sends `settle(day)` with the missing wei as value. */
  readonly transport: Transport;
  /** Most wei sent for one shop day. A day missing more is reported and left alone. */
  readonly limitPerDayWei: bigint;
}

/** Options of {@link createKeeper}. */
export interface KeeperOptions {
  /** A transport with a signer: it pays the gas of settlements and payouts. Wrapped in `withRetry`. */
  readonly transport: Transport;
  readonly factory: Address;
  /** A holder is pushed its dividends only when its claimable is above this (wei; default 0). */
  readonly minPayoutWei?: bigint;
  /**
   * Gas cap of one payout transaction (default: {@link DEFAULT_BATCH_GAS_PERCENT} % of the block gas limit, at most
   * {@link TX_GAS_LIMIT}).
   */
  readonly maxBatchGas?: bigint;
  /** Holders in a first attempt at a batch (default {@link DEFAULT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Fund unfunded days from this account, up to a limit per day (default: never). */
  readonly funding?: FundingOptions;
  /** Push payouts after settling (default `true`). */
  readonly payouts?: boolean;
  /** First block scanned for `Transfer` logs by the default holder source (default 0). */
  readonly fromBlock?: bigint;
  /** Where the shops come from (default: the factory's registry). */
  readonly shopSource?: ShopSource;
  /** Where the holders come from (default: the tokens' `Transfer` logs, {@link chainHolderSource}). */
  readonly holderSource?: HolderSource;
  /**
   * Serve only these shops of the factory (default: every shop). Anyone may create a shop in a factory, so a keeper
   * whose operator pays for one merchant's shops lists them here.
   */
  readonly shops?: readonly Address[];
  /** Retries of RPC reads (default: 5 attempts from 500 ms, doubling). */
  readonly retry?: Omit<RetryOptions, "onRetry">;
  /**
   * The timestamp of a block (for the lag of each action). Default: the latest block's timestamp read right after
   * the receipt, which is the transaction's block on an automining node and an upper bound elsewhere.
   */
  readonly blockTimestamp?: (blockNumber: bigint) => Promise<bigint>;
  /** Receives every log event. */
  readonly log?: (event: KeeperLogEvent) => void;
}

/** What a failure was about. */
export type FailureAction = "discover" | "shop" | "settle" | "fund" | "holders" | "payout";
/**
 * Kind of a failure (the `kind` label of `sharemall_keeper_failures_total`): `rpc` (the node did not answer, after
 * retries), `receipt_unknown` (sent, receipt lost: may be mined — re-read next tick, never re-sent blindly),
 * `revert` (a contract refused), `other`.
 */
export type FailureKind = "rpc" | "receipt_unknown" | "revert" | "other";

/** One failure of a tick; the tick goes on with the next day, token or shop. */
export interface KeeperFailure {
  readonly action: FailureAction;
  readonly kind: FailureKind;
  readonly message: string;
  readonly shop?: Address;
  readonly token?: Address;
  readonly day?: bigint;
  /** The transaction concerned, when one was sent. */
  readonly transactionHash?: Hex;
}

/** One `settle(day)` the keeper sent. */
export interface SettlementAction {
  readonly shop: Address;
  readonly day: bigint;
  readonly hash: Hex;
  readonly blockNumber: bigint;
  /** Timestamp of the block the settlement was mined in. */
  readonly timestamp: bigint;
  /** The shop's midnight that ended the day (unix seconds): `(day + 1) × 86400 − utcOffset`. */
  readonly midnight: bigint;
  /** `timestamp − midnight`: how long after the day ended it was settled. */
  readonly lagSeconds: bigint;
  /** Wei distributed to the tokens (`DaySettled.fromEscrow + fromBalance`). */
  readonly dividends: bigint;
  readonly fromEscrow: bigint;
  readonly fromBalance: bigint;
  /** Wei the funding account sent with the settlement (0 unless funded). */
  readonly funded: bigint;
  /** Whether the day is settled in full (no `SettlementShortfall`). */
  readonly settled: boolean;
  readonly gasUsed: bigint;
}

/** A past day the merchant balance cannot fund, left for a later tick. */
export interface UnfundedDay {
  readonly shop: Address;
  readonly day: bigint;
  readonly midnight: bigint;
  /** Wei of the day's debt that the merchant must fund (`unsettledDays(..).unfunded`). */
  readonly unfunded: bigint;
  /** Wei missing: `unfunded` less what the merchant balance still has for it. */
  readonly missing: bigint;
}

/** One `payout(holders)` batch the keeper sent. */
export interface PayoutAction {
  readonly shop: Address;
  readonly token: Address;
  readonly hash: Hex;
  readonly blockNumber: bigint;
  readonly timestamp: bigint;
  /** The shop's latest past day (`today − 1`): the day whose dividends this payout brings. */
  readonly day: bigint;
  /** Midnight that ended `day`. */
  readonly midnight: bigint;
  /** `timestamp − midnight`: when the day's payout arrived, after the shop's midnight. */
  readonly lagSeconds: bigint;
  /** Holders in the batch sent. */
  readonly batchSize: number;
  /** The estimate the batch was sized by, and the gas it used. */
  readonly gasEstimate: bigint;
  readonly gasUsed: bigint;
  /** Wei pushed, all holders together. */
  readonly total: bigint;
  /** Per holder paid (from `DividendsPushed`). */
  readonly paid: readonly HolderPayout[];
  /** Holders whose address refused the coin (`PayoutSkipped`): still claimable. */
  readonly skipped: readonly HolderPayout[];
}

/** What one shop looked like to the tick. */
export interface ShopTick {
  readonly shop: Address;
  readonly utcOffset: number;
  readonly today: bigint;
  readonly settlements: readonly SettlementAction[];
  readonly unfunded: readonly UnfundedDay[];
  readonly payouts: readonly PayoutAction[];
}

/** What {@link Keeper.tick} returns. */
export interface TickReport {
  /** Tick number since the keeper was created, from 1. */
  readonly tick: number;
  /** Latest block when the tick started, and its timestamp: the tick's "now". */
  readonly blockNumber: bigint;
  readonly chainTime: bigint;
  readonly shops: readonly ShopTick[];
  /** All shops' actions together, in the order they were sent. */
  readonly settlements: readonly SettlementAction[];
  readonly payouts: readonly PayoutAction[];
  readonly unfunded: readonly UnfundedDay[];
  readonly failures: readonly KeeperFailure[];
  /** Wei pushed by the tick's payouts. */
  readonly paidWei: bigint;
  /** `failures.length === 0`. */
  readonly ok: boolean;
}

/** A keeper: call {@link Keeper.tick} on a schedule. */
export interface Keeper {
  /** One pass over every shop. Never throws for a chain failure: failures are in the report. */
  tick(): Promise<TickReport>;
}

/** The shop's midnight (unix seconds) that ends shop day `day`: the inverse of `DayMath.dayOf`. */
export function dayEnd(day: bigint, utcOffset: number): bigint {
  return (day + 1n) * SECONDS_PER_DAY - BigInt(utcOffset);
}

function oneLine(error: unknown): string {
  if (error instanceof ContractRevertError) return `${error.errorName}: ${error.message}`;
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0];
}

function classify(error: unknown): { kind: FailureKind; transactionHash?: Hex } {
  if (error instanceof ContractRevertError) return { kind: "revert" };
  if (error instanceof ChainCallError) {
    if (error.code === "RECEIPT_UNKNOWN") {
      return { kind: "receipt_unknown", ...(error.transactionHash ? { transactionHash: error.transactionHash } : {}) };
    }
    if (error.code === "TRANSACTION_REVERTED") return { kind: "revert" };
    return { kind: "rpc" };
  }
  if (isTransientError(error)) return { kind: "rpc" };
  return { kind: "other" };
}

/** A send that failed before the SDK had a hash may still have reached the node: treat it as "maybe sent". */
function maybeSent(error: unknown): boolean {
  if (error instanceof ContractRevertError) return false;
  if (error instanceof ChainCallError) return error.code === "RECEIPT_UNKNOWN" || error.code === "CHAIN_CALL_FAILED";
  return true;
}

/**
 * Builds a keeper over `options.transport` (any SDK transport: ethers, viem or in-process).
 *
 * @example
 * ```ts
 * const keeper = createKeeper({ transport: fromEthers(wallet), factory, minPayoutWei: 10n ** 14n });
 * const report = await keeper.tick();
 * for (const s of report.settlements) console.log(s.shop, s.day, `${s.lagSeconds}s after midnight`);
 * ```
 */
export function createKeeper(options: KeeperOptions): Keeper {
  const log = options.log ?? (() => {});
  const retry = (label: string): RetryOptions => ({
    attempts: options.retry?.attempts ?? 5,
    baseDelayMs: options.retry?.baseDelayMs ?? 500,
    onRetry: ({ method, attempt, error }) =>
      log({ level: "warn", event: "rpc.retry", transport: label, method, attempt, error: oneLine(error) }),
  });
  const transport = withRetry(options.transport, retry("keeper"));
  const funding =
    options.funding === undefined
      ? undefined
      : { transport: withRetry(options.funding.transport, retry("funding")), limit: options.funding.limitPerDayWei };
  const minPayout = options.minPayoutWei ?? 0n;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be >= 1, got ${batchSize}`);
  if (minPayout < 0n) throw new RangeError(`minPayoutWei must be >= 0, got ${minPayout}`);
  if (funding !== undefined && funding.limit < 0n) throw new RangeError("funding.limitPerDayWei must be >= 0");
  const shopSource = options.shopSource ?? factoryShopSource(transport, options.factory);
  const holderSource =
    options.holderSource ??
    chainHolderSource(transport, options.fromBlock !== undefined ? { fromBlock: options.fromBlock } : {});
  const offsets = new Map<Address, number>();
  const only = options.shops === undefined ? undefined : new Set(options.shops.map((a) => a.toLowerCase()));
  /** Per shop, whether the funding account is its admin (read once). */
  const fundable = new Map<Address, boolean>();
  const ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;
  async function mayFund(shop: Address): Promise<boolean> {
    if (funding === undefined) return false;
    let known = fundable.get(shop);
    if (known === undefined) {
      const funder = await funding.transport.account();
      known =
        funder !== undefined &&
        (await readContract(transport, {
          address: shop,
          abi: shopAbi,
          functionName: "hasRole",
          args: [ADMIN_ROLE, funder],
        }));
      fundable.set(shop, known);
    }
    return known;
  }
  const tokensOf = new Map<Address, readonly Address[]>();
  /** Holders whose address refused a push, with the claimable it refused: not retried until that changes. */
  const refused = new Map<string, bigint>();
  /** Per token, its dividend state and holders after the last complete payout pass. */
  const passed = new Map<Address, string>();
  let ticks = 0;

  const timestampOf = async (blockNumber: bigint): Promise<bigint> =>
    options.blockTimestamp !== undefined ? options.blockTimestamp(blockNumber) : transport.latestTimestamp();

  async function maxGas(): Promise<bigint> {
    if (options.maxBatchGas !== undefined) return options.maxBatchGas;
    const share = ((await transport.blockGasLimit()) * DEFAULT_BATCH_GAS_PERCENT) / 100n;
    return share < TX_GAS_LIMIT ? share : TX_GAS_LIMIT;
  }

  return {
    async tick() {
      const tick = ++ticks;
      const failures: KeeperFailure[] = [];
      const fail = (
        action: FailureAction,
        error: unknown,
        where: Omit<KeeperFailure, "action" | "kind" | "message">,
      ) => {
        const { kind, transactionHash } = classify(error);
        const failure: KeeperFailure = {
          action,
          kind,
          message: oneLine(error),
          ...where,
          ...(transactionHash !== undefined && where.transactionHash === undefined ? { transactionHash } : {}),
        };
        failures.push(failure);
        log({ level: "error", event: "failure", ...failure });
      };
      let blockNumber = 0n;
      let chainTime = 0n;
      const shops: ShopTick[] = [];
      try {
        blockNumber = await transport.blockNumber();
        chainTime = await transport.latestTimestamp();
      } catch (error) {
        fail("discover", error, {});
        return report();
      }
      log({ level: "debug", event: "tick.start", tick, blockNumber, chainTime });
      let addresses: readonly Address[] = [];
      try {
        addresses = await shopSource.shops();
        if (only !== undefined) addresses = addresses.filter((a) => only.has(a.toLowerCase()));
      } catch (error) {
        fail("discover", error, {});
      }
      for (const shop of addresses) {
        try {
          shops.push(await serveShop(shop, blockNumber, fail));
        } catch (error) {
          fail("shop", error, { shop });
        }
      }
      return report();

      function report(): TickReport {
        const settlements = shops.flatMap((s) => s.settlements);
        const payouts = shops.flatMap((s) => s.payouts);
        const unfunded = shops.flatMap((s) => s.unfunded);
        const paidWei = payouts.reduce((sum, p) => sum + p.total, 0n);
        const done: TickReport = {
          tick,
          blockNumber,
          chainTime,
          shops,
          settlements,
          payouts,
          unfunded,
          failures,
          paidWei,
          ok: failures.length === 0,
        };
        log({
          level: failures.length === 0 ? "info" : "warn",
          event: "tick.done",
          tick,
          blockNumber,
          chainTime,
          shops: shops.length,
          settled: settlements.length,
          payouts: payouts.length,
          paidWei,
          unfundedDays: unfunded.length,
          failures: failures.length,
        });
        return done;
      }
    },
  };

  async function serveShop(
    shop: Address,
    blockNumber: bigint,
    fail: (action: FailureAction, error: unknown, where: Omit<KeeperFailure, "action" | "kind" | "message">) => void,
  ): Promise<ShopTick> {
    let utcOffset = offsets.get(shop);
    if (utcOffset === undefined) {
      utcOffset = await readContract(transport, { address: shop, abi: shopAbi, functionName: "utcOffset", args: [] });
      offsets.set(shop, utcOffset);
    }
    const offset = utcOffset;
    const today = await readContract(transport, { address: shop, abi: shopAbi, functionName: "today", args: [] });
    const settlements: SettlementAction[] = [];
    const unfunded: UnfundedDay[] = [];
    const payouts: PayoutAction[] = [];

    // ---- Settlements: only what the shop lists as unsettled, oldest first.
    const days = (await readUnsettledDays(transport, shop)).filter((d) => d.owed > 0n && d.day < today);
    days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    let available =
      days.length > 0
        ? await readContract(transport, { address: shop, abi: shopAbi, functionName: "merchantBalance", args: [] })
        : 0n;
    for (const d of days) {
      const midnight = dayEnd(d.day, offset);
      let value = 0n;
      if (d.unfunded > available) {
        const missing = d.unfunded - available;
        if (funding === undefined || missing > funding.limit || !(await mayFund(shop))) {
          const entry: UnfundedDay = { shop, day: d.day, midnight, unfunded: d.unfunded, missing };
          unfunded.push(entry);
          log({
            level: "warn",
            event: "day.unfunded",
            ...entry,
            fundLimit: funding?.limit ?? null,
            ...(funding !== undefined && fundable.get(shop) === false
              ? { notFunded: "funding account is not admin" }
              : {}),
          });
          // The day's checkout escrow is the holders' already: release it now (the shop pays out the escrow and
          // keeps the debt owed, `SettlementShortfall`), so that it goes to those who hold at midnight. The debt is
          // retried every tick; a later, smaller day may still be funded.
          if (d.owed <= d.unfunded) continue;
        } else value = missing;
      }
      const via = value > 0n ? funding!.transport : transport;
      try {
        const result = await writeContract(via, {
          address: shop,
          abi: shopAbi,
          functionName: "settle",
          args: [d.day],
          ...(value > 0n ? { value } : {}),
        });
        let fromEscrow = 0n;
        let fromBalance = 0n;
        let short = false;
        for (const e of result.events) {
          if (e.address !== shop) continue;
          if (e.eventName === "DaySettled") {
            fromEscrow += e.args.fromEscrow;
            fromBalance += e.args.fromBalance;
          } else if (e.eventName === "SettlementShortfall") short = true;
        }
        const timestamp = await timestampOf(result.receipt.blockNumber);
        const action: SettlementAction = {
          shop,
          day: d.day,
          hash: result.hash,
          blockNumber: result.receipt.blockNumber,
          timestamp,
          midnight,
          lagSeconds: timestamp - midnight,
          dividends: fromEscrow + fromBalance,
          fromEscrow,
          fromBalance,
          funded: value,
          settled: !short,
          gasUsed: result.receipt.gasUsed,
        };
        settlements.push(action);
        // A settlement short of funds paid its escrow only: the merchant balance is untouched.
        if (!short) available = available + value > d.unfunded ? available + value - d.unfunded : 0n;
        log({ level: "info", event: "day.settled", ...action });
      } catch (error) {
        if (error instanceof ContractRevertError && error.errorName === "ShopDayAlreadySettled") {
          log({ level: "info", event: "day.already_settled", shop, day: d.day });
          continue;
        }
        fail(value > 0n ? "fund" : "settle", error, { shop, day: d.day });
        // A settlement that may have been sent is not sent again this tick: the next tick reads what happened.
        if (maybeSent(error)) break;
      }
    }

    // ---- Payouts: every holder with a claimable above the minimum that has not opted out.
    if (options.payouts !== false) {
      let tokens = tokensOf.get(shop);
      const count = await readContract(transport, {
        address: shop,
        abi: shopAbi,
        functionName: "tokenCount",
        args: [],
      });
      if (tokens === undefined || BigInt(tokens.length) !== count) {
        tokens = await readContract(transport, { address: shop, abi: shopAbi, functionName: "tokens", args: [] });
        tokensOf.set(shop, tokens);
      }
      const day = today - 1n;
      const midnight = dayEnd(day, offset);
      for (const token of tokens) {
        let holders: readonly Address[];
        try {
          holders = await holderSource.holders(token, blockNumber);
        } catch (error) {
          fail("holders", error, { shop, token });
          continue;
        }
        try {
          await payToken(shop, token, holders, day, midnight, payouts);
        } catch (error) {
          fail("payout", error, { shop, token });
        }
      }
    }
    return { shop, utcOffset: offset, today, settlements, unfunded, payouts };
  }

  async function payToken(
    shop: Address,
    token: Address,
    holders: readonly Address[],
    day: bigint,
    midnight: bigint,
    out: PayoutAction[],
  ): Promise<void> {
    // Claimables only rise when the token distributes (its dividend state moves): a token whose state and holder
    // list are what they were after a complete pass has nothing new to push, and costs one read instead of N.
    const state = await readContract(transport, {
      address: token,
      abi: dividendTokenAbi,
      functionName: "dividendState",
      args: [],
    });
    const signature = `${state.join(":")}|${holders.join(",")}`;
    if (passed.get(token) === signature) return;
    const due: Address[] = [];
    for (const holder of holders) {
      const owed = await readContract(transport, {
        address: token,
        abi: dividendTokenAbi,
        functionName: "claimable",
        args: [holder],
      });
      if (owed <= minPayout) continue;
      if (refused.get(`${token}:${holder}`) === owed) continue;
      if (
        await readContract(transport, {
          address: token,
          abi: dividendTokenAbi,
          functionName: "payoutOptedOut",
          args: [holder],
        })
      )
        continue;
      due.push(holder);
    }
    if (due.length === 0) {
      passed.set(token, signature);
      return;
    }
    const cap = await maxGas();
    let size = batchSize;
    let start = 0;
    while (start < due.length) {
      size = Math.min(size, due.length - start);
      let batch = due.slice(start, start + size);
      let estimate = await estimatePayout(token, batch);
      while (estimate > cap && batch.length > 1) {
        size = Math.max(1, Math.floor(size / 2));
        batch = due.slice(start, start + size);
        estimate = await estimatePayout(token, batch);
      }
      if (estimate > cap) {
        throw new RangeError(`a payout to one holder needs ${estimate} gas, above the cap of ${cap}`);
      }
      // A lost receipt (or a send that may have gone through) ends this token's payouts for the tick.
      const result = await payout(transport, { token, holders: batch });
      const timestamp = await timestampOf(result.blockNumber);
      const action: PayoutAction = {
        shop,
        token,
        hash: result.hash,
        blockNumber: result.blockNumber,
        timestamp,
        day,
        midnight,
        lagSeconds: timestamp - midnight,
        batchSize: batch.length,
        gasEstimate: estimate,
        gasUsed: result.gasUsed,
        total: result.total,
        paid: result.paid,
        skipped: result.skipped,
      };
      out.push(action);
      log({
        level: "info",
        event: "payout.sent",
        ...action,
        paid: action.paid.map((p) => ({ holder: p.holder, amount: p.amount })),
        skipped: action.skipped.map((p) => ({ holder: p.holder, amount: p.amount })),
      });
      for (const p of result.paid) refused.delete(`${token}:${p.holder}`);
      for (const s of result.skipped) {
        refused.set(`${token}:${s.holder}`, s.amount);
        log({ level: "warn", event: "payout.skipped", shop, token, holder: s.holder, amount: s.amount });
      }
      start += batch.length;
    }
    passed.set(token, signature);
  }

  async function estimatePayout(token: Address, batch: readonly Address[]): Promise<bigint> {
    const data = encodeCall(dividendTokenAbi, "payout", [batch]);
    return transport.estimateGas({ to: token, data });
  }
}

/** When one shop day's dividends arrived: its settlement and the pushes that paid them out. */
export interface DayArrival {
  readonly shop: Address;
  readonly day: bigint;
  /** The shop's midnight that ended the day. */
  readonly midnight: bigint;
  /** Block timestamp of the settlement, and its lag behind `midnight` (undefined: not settled by these reports). */
  readonly settledAt?: bigint;
  readonly settleLagSeconds?: bigint;
  /** Block timestamp of the last push of the day's dividends, and its lag behind `midnight` (undefined: none). */
  readonly paidAt?: bigint;
  readonly payoutLagSeconds?: bigint;
  /** Wei pushed for the day, all tokens and batches together, and the holders paid (a holder once per token). */
  readonly paidWei: bigint;
  readonly holdersPaid: number;
}

/**
 * Sums tick reports up per shop day: when it was settled and when its payouts arrived, for a report of a month of
 * days. A push belongs to the day it followed (`PayoutAction.day`: the shop's latest past day at the tick).
 *
 * @example
 * ```ts
 * for (const a of dayArrivals(reports)) console.log(a.shop, a.day, `paid ${a.payoutLagSeconds}s after midnight`);
 * ```
 */
export function dayArrivals(reports: readonly TickReport[]): DayArrival[] {
  const byDay = new Map<string, { -readonly [K in keyof DayArrival]: DayArrival[K] }>();
  const entry = (shop: Address, day: bigint, midnight: bigint) => {
    const key = `${shop}:${day}`;
    let found = byDay.get(key);
    if (found === undefined) {
      found = { shop, day, midnight, paidWei: 0n, holdersPaid: 0 };
      byDay.set(key, found);
    }
    return found;
  };
  for (const report of reports) {
    for (const s of report.settlements) {
      const e = entry(s.shop, s.day, s.midnight);
      if (e.settledAt === undefined) {
        e.settledAt = s.timestamp;
        e.settleLagSeconds = s.lagSeconds;
      }
    }
    for (const p of report.payouts) {
      const e = entry(p.shop, p.day, p.midnight);
      e.paidAt = p.timestamp;
      e.payoutLagSeconds = p.lagSeconds;
      e.paidWei += p.total;
      e.holdersPaid += p.paid.length;
    }
  }
  return [...byDay.values()].sort((a, b) =>
    a.midnight !== b.midnight ? (a.midnight < b.midnight ? -1 : 1) : a.shop.localeCompare(b.shop),
  );
}
