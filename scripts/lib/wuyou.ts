/**
 * Wuyou Tea (吾有茶): a deterministic simulation of the interview's reference shop on a Hardhat in-process network.
 *
 * One month of a tea shop whose community grows from ~20 founders to 200 members by referral. Every order mints the
 * brand token YDC (one token per 300 CNY), referrers earn 5 % of their referees' tokens, the management pool accrues
 * 1 token per 9 minted and pays the service provider weekly, and 20 % of each day's revenue is settled to the holders
 * just after the shop's midnight (UTC+8). At the end the holders claim (claim, claimTo, factory.claimMany); a few keep
 * their dividends for later.
 *
 * Everything random comes from a seeded PRNG (sfc32), so the same seed gives the same figures on every run. The
 * module exports:
 * - `runWuyou(connection, options)`: runs the simulation and returns a {@link WuyouReport};
 * - `replayLedger(rules, events)`: a pure off-chain model of the token ledger (minting rules, the pool allowance,
 *   the 2^64 dividend accumulator with each holder's exact earnings, and an exact rational pro-rata split) that the
 *   scenario test and the demo compare with the chain;
 * - `interviewChecks(report)`: the interview's figures beside the simulated ones;
 * - `ledgerChecks(report)`: the chain reconciled with what was promised and with the off-chain model;
 * - formatting helpers (`formatCny`, `formatTokens`).
 *
 * Demo exchange rate: 1 CNY = 10^15 wei (so 1,000 CNY = 1 coin), fixed so that the figures are reproducible. A real
 * shop prices in fiat, converts off chain at the day's rate and keeps the quoted rate in the private order data.
 */
import { AbiCoder, Wallet, ZeroAddress, formatUnits, keccak256, toUtf8Bytes } from "ethers";
import type { Log, TransactionReceipt } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { DividendToken, IShop, ShareMallFactory } from "../../types/ethers-contracts/index.js";
import type { TokenRules } from "../../sdk/src/index.js";

// ---------------------------------------------------------------- Constants

/** Demo exchange rate: wei of native coin per CNY (1 CNY = 10^15 wei, 1,000 CNY = 1 coin). */
export const WEI_PER_CNY = 10n ** 15n;
/** Wei per fen (0.01 CNY) at the demo rate; catalogue prices are whole fen. */
export const WEI_PER_FEN = WEI_PER_CNY / 100n;
/** One whole token in token-wei. */
export const ONE_TOKEN = 10n ** 18n;
/** China Standard Time: the shop's clock. */
export const UTC_OFFSET = 8 * 3600;
const DAY_SECONDS = 86_400;
const BPS = 10_000n;
/** Scale of the dividend accumulator (see contracts/libraries/DividendMath.sol). */
const PRECISION_BITS = 64n;
/** The token keeps its accumulator (and each holder's correction) modulo 2^160. */
const ACCUMULATOR_MODULUS = 1n << 160n;
/** Recorded orders per `recordOrders` transaction at most. */
const MAX_BATCH = 40;

/** A token's minting and dividend rules, as `IShop.TokenRules` (the SDK's type). */
export type { TokenRules };

/**
 * YDC's rules: one token per 300 CNY of spend, 20 % of daily revenue as dividends, referrers earn 5 % of their
 * referees' consumption tokens (one level only), the management pool accrues 1 token per 9 consumption and promotion
 * tokens, no cap.
 */
export const YDC_RULES: TokenRules = {
  spendPerToken: 300n * WEI_PER_CNY,
  minFirstOrder: 0n,
  referralsPerToken: 0n,
  dividendBps: 2_000n,
  referralBps: 500n,
  maxSupply: 0n,
  poolNum: 1n,
  poolDen: 9n,
};

/** The interview's figures for Wuyou Tea after about a month. */
export const INTERVIEW = {
  tokensIssued: 1_000n * ONE_TOKEN,
  revenue: 300_000n * WEI_PER_CNY,
  dividends: 60_000n * WEI_PER_CNY,
  members: 200,
  averageSpend: 1_500n * WEI_PER_CNY,
  averageDividend: 300n * WEI_PER_CNY,
} as const;

/** Wuyou Tea's catalogue, prices in fen. */
const CATALOGUE: readonly { readonly item: string; readonly fen: bigint }[] = [
  { item: "tasting sampler, 8 teas", fen: 6_800n },
  { item: "West Lake Longjing 125 g", fen: 16_800n },
  { item: "Fuding white tea (Bai Mudan) 200 g", fen: 23_800n },
  { item: "Yiwu raw Pu'er cake 357 g", fen: 29_800n },
  { item: "Wuyi Da Hong Pao 250 g", fen: 36_800n },
  { item: "Ru kiln travel tea set", fen: 45_800n },
  { item: "2015 ripe Pu'er cake 357 g", fen: 59_800n },
  { item: "Jin Jun Mei gift box", fen: 128_000n },
];

// ---------------------------------------------------------------- Types

/** How an order reaches the shop. */
export type OrderPathName = "recorded" | "checkout";

/** How a holder claimed. */
export type ClaimMethod = "claim" | "claimTo" | "claimMany";

/** One step of the token ledger, in the order it happened on chain. */
export type LedgerEvent =
  | {
      kind: "order";
      day: number;
      path: OrderPathName;
      /** The operator's order id of a recorded order (1, 2, 3, … in the order they reach the chain); 0 for a checkout. */
      orderId: bigint;
      orderHash: string;
      customer: string;
      amount: bigint;
      /** The referrer passed with the order (the zero address after a customer's first order). */
      referrer: string;
    }
  | { kind: "poolMint"; day: number; to: string; amount: bigint }
  /**
   * A day settled in full; `owed` is what the chain distributed to the token for it (`DaySettled`'s fromEscrow +
   * fromBalance) and `accumulator` the token's accumulator after it (`DividendsDistributed`), or undefined if the
   * token rolled it over (`DividendsRolledOver`).
   */
  | { kind: "settle"; day: number; owed: bigint; accumulator?: bigint }
  /** A claim as paid on chain (from `DividendsClaimed`). */
  | { kind: "claim"; day: number; holder: string; recipient: string; amount: bigint; method: ClaimMethod };

/** A money figure in wei, with its value in CNY at the demo rate. */
export interface Money {
  wei: bigint;
  /** Exact decimal CNY (wei / 10^15). */
  cny: string;
}

/** One simulated day. */
export interface DayReport {
  /** 1-based day of the month. */
  day: number;
  /** The shop's day index on chain. */
  chainDay: bigint;
  orders: number;
  checkoutOrders: number;
  recordedOrders: number;
  newMembers: number;
  membersSoFar: number;
  /** Revenue of the day as tracked off chain. */
  revenue: bigint;
  /** Revenue of the day as the shop recorded it (`dayRecord(day).revenue`). */
  revenueOnChain: bigint;
  /** floor(revenue × dividendBps / 10,000): the dividends promised for the day. */
  promised: bigint;
  /** Dividends settled to YDC for the day: `tokenDay(0, day).owed`, once the settlement has paid all of it. */
  settled: bigint;
  /** Dividends the `DaySettled` event reports for the day (all tokens): `fromEscrow + fromBalance`. */
  settledEvent: bigint;
  /** Checkout escrow of the day before the settlement (`tokenDay(0, day).escrowed`). */
  escrowBefore: bigint;
  /** Part of the settlement released from checkout escrow (`DaySettled.fromEscrow`). */
  fromEscrow: bigint;
  /** Part of the settlement paid from the merchant balance (`DaySettled.fromBalance`). */
  fromBalance: bigint;
  /** How the merchant topped up the settlement. */
  funding: "deposit" | "settleValue" | "none";
  fundedWei: bigint;
  /** Total supply right after the day was settled. */
  supplyAtSettlement: bigint;
  /** Revenue of the day's checkouts (customers paying the shop). */
  checkoutRevenue: bigint;
  /** Revenue of the day's orders recorded by the operator. */
  recordedRevenue: bigint;
  /** Total supply at the end of the day (23:30, after the day's orders and pool payments), read from the chain. */
  supplyAtEnd: bigint;
  /** YDC minted during the day for consumption (off-chain model of the day's orders). */
  consumptionMinted: bigint;
  /** YDC minted during the day for promotion, to the bound referrers (model). */
  promotionMinted: bigint;
  /** YDC minted during the day from the management pool (model). */
  poolMinted: bigint;
}

/** A holder as seen on chain at the end. */
export interface HolderReport {
  address: string;
  role: "member" | "servicer";
  /** 1-based day of the first order (members) or of the first pool payment (servicer). */
  joinDay: number;
  /** Referrer bound on chain (`customerOf`), or the zero address. */
  referrer: string;
  orders: number;
  spend: bigint;
  balance: bigint;
  claimed: bigint;
  claimable: bigint;
}

/** Everything the simulation produced. */
export interface WuyouReport {
  seed: string;
  days: number;
  weiPerCny: bigint;
  rules: TokenRules;
  addresses: {
    factory: string;
    shop: string;
    token: string;
    admin: string;
    operator: string;
    poolManager: string;
    servicer: string;
    keeper: string;
  };
  /** Chain day index of day 1. */
  firstChainDay: bigint;
  dayReports: DayReport[];
  holders: HolderReport[];
  events: LedgerEvent[];
  /** Final balance of each address that received a claim with `claimTo` or `claimMany` to another recipient. */
  payoutBalances: { recipient: string; balance: bigint }[];
  totals: {
    revenue: Money;
    dividendsPromised: Money;
    dividendsSettled: Money;
    claimed: Money;
    claimable: Money;
    /** Wei the token holds for the next distribution (rollover plus rounding carry, `dividendState().rollover`). */
    rollover: bigint;
    /** Native coin the token holds. */
    tokenCoinBalance: bigint;
    /** tokenCoinBalance − claimable − rollover: sub-wei remainders of the holders' shares. */
    dust: bigint;
    /** totalSupply in token-wei. */
    tokensIssued: bigint;
    consumptionTokens: bigint;
    promotionTokens: bigint;
    poolTokens: bigint;
    poolAllowanceLeft: bigint;
    members: number;
    referredMembers: number;
    orders: number;
    checkoutOrders: number;
    recordedOrders: number;
    averageSpend: Money;
    /** Dividends earned (claimed + claimable) by the members, not the servicer. */
    memberDividends: Money;
    averageDividend: Money;
    servicerDividends: Money;
    transactions: number;
  };
  elapsedMs: number;
}

/** Options of {@link runWuyou}. */
export interface WuyouOptions {
  /** PRNG seed; the same seed gives the same figures. */
  seed?: string;
  /** Days of trading (default 30). */
  days?: number;
  /** Community members at the end of the month (default 200). */
  members?: number;
  /** Members at day 1 (default 22: "the community started with 20-odd people"). */
  founders?: number;
  /** Receives one line per settled day and a few milestones. */
  onProgress?: (line: string) => void;
}

/** What `runWuyou` needs from `network.create()`. */
export interface WuyouConnection {
  ethers: HardhatEthers;
  networkHelpers: NetworkHelpers;
}

/** The contracts and actors of a finished simulation, for further queries. */
export interface WuyouDeployment {
  factory: ShareMallFactory;
  /** The shop clone, typed with its whole interface (`IShop`). */
  shop: IShop;
  token: DividendToken;
  admin: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  poolManager: HardhatEthersSigner;
}

// ---------------------------------------------------------------- PRNG

/** sfc32, seeded from keccak256(seed): small, fast and good enough for a simulation. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    const hash = keccak256(toUtf8Bytes(seed)).slice(2);
    this.a = parseInt(hash.slice(0, 8), 16) >>> 0;
    this.b = parseInt(hash.slice(8, 16), 16) >>> 0;
    this.c = parseInt(hash.slice(16, 24), 16) >>> 0;
    this.d = parseInt(hash.slice(24, 32), 16) >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)];
  }
}

// ---------------------------------------------------------------- Formatting

/** Wei as CNY at the demo rate, rounded down to the fen, with thousands separators: `12,345.67`. */
export function formatCny(wei: bigint): string {
  const negative = wei < 0n;
  const fen = (negative ? -wei : wei) / WEI_PER_FEN;
  const yuan = (fen / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${negative ? "-" : ""}${yuan}.${(fen % 100n).toString().padStart(2, "0")}`;
}

/** Token-wei as whole tokens with two decimals (rounded down): `1,234.56`. */
export function formatTokens(tokenWei: bigint): string {
  return formatCny((tokenWei * WEI_PER_CNY) / ONE_TOKEN);
}

function money(wei: bigint): Money {
  return { wei, cny: formatUnits(wei, 15) };
}

// ---------------------------------------------------------------- Off-chain ledger model

/** An exact non-negative rational `num / den`. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** A holder in the off-chain model. */
export interface ModelHolder {
  balance: bigint;
  consumption: bigint;
  promotion: bigint;
  pool: bigint;
  /**
   * Accumulator model: everything the holder has earned, in wei scaled by 2^64, exactly: the sum over the
   * distributions of balance × the accumulator's increase. The token keeps the same figure less the claims (claimed ×
   * 2^64) implicitly, as `balance × accumulator − correction` modulo 2^160 (see DividendMath), and floors it only when
   * it pays.
   */
  earnedScaled: bigint;
  /** Accumulator model: wei claimed (the model's prediction of each claim). */
  claimed: bigint;
  /** Exact pro-rata share of every settlement: sum of owed × balance / supply. */
  rational: Fraction;
  /** Settlements during which the holder had a balance. */
  settlementsHeld: number;
  /**
   * Floors that lose part of a wei of the holder's earnings: 1 if its earnings so far have a fraction of a wei, which
   * the token rounds down, else 0. (The token keeps each holder's earnings exact and floors only what it pays out, so
   * a claim loses nothing: the fraction stays for the next one.)
   */
  roundings: number;
}

/** The off-chain model of YDC's ledger after replaying a simulation's events. */
export interface LedgerModel {
  holders: Map<string, ModelHolder>;
  supply: bigint;
  /** What the pool may mint now: floor(minted by the rules × poolNum / poolDen) − minted by the pool. */
  poolAllowance: bigint;
  /** owed per 1-based day, computed from the orders: floor(revenue × dividendBps / 10,000). */
  owedByDay: Map<number, bigint>;
  /** Sum of settlements. */
  distributed: bigint;
  /** The accumulator (wei per token-wei, scaled by 2^64), modulo 2^160 as the token keeps it. */
  accumulator: bigint;
  epoch: number;
  carry: bigint;
  rollover: bigint;
  /** Distributions whose allotment rounded up (each loses less than one wei). */
  roundUps: number;
  /** Days whose settlement left the chain's accumulator (from `DividendsDistributed`) other than the model's. */
  accumulatorMismatches: number[];
  /** Predicted amount of each claim event, in order. */
  predictedClaims: bigint[];
  /** Order ids the shop would skip (`OrderSkipped`) because they were used already. */
  skippedOrderIds: bigint[];
  /** Referrer bound to each customer. */
  referrers: Map<string, string>;
  /** Revenue per 1-based day. */
  revenueByDay: Map<number, bigint>;
  /** Tokens minted per 1-based day, by kind. */
  mintedByDay: Map<number, MintedOnDay>;
}

/** Tokens minted on one day, by kind (token-wei). */
export interface MintedOnDay {
  consumption: bigint;
  promotion: bigint;
  pool: bigint;
}

function emptyHolder(): ModelHolder {
  return {
    balance: 0n,
    consumption: 0n,
    promotion: 0n,
    pool: 0n,
    earnedScaled: 0n,
    claimed: 0n,
    rational: { num: 0n, den: 1n },
    settlementsHeld: 0,
    roundings: 0,
  };
}

/** What `holder` can claim now in the accumulator model (DividendToken.claimable): floor(earned) − claimed. */
export function modelClaimable(_model: LedgerModel, holder: ModelHolder): bigint {
  return (holder.earnedScaled >> PRECISION_BITS) - holder.claimed;
}

/**
 * Replays `events` against YDC's rules without a chain, as core v2 counts them: binds referrers at the first order
 * (a recorded order naming another referrer counts with the bound one, as the shop does), skips a recorded order id
 * used already, mints consumption and promotion tokens, computes the pool allowance as the protocol defines it
 * (floor(minted by the rules × poolNum / poolDen) − minted by the pool), settles each day with the same 2^64 accumulator maths as `DividendToken` (carry and
 * rollover included; each holder earns balance × the accumulator's increase, exactly, and is floored only when it is
 * paid), predicts each claim, and keeps for each holder the exact rational pro-rata share of every settlement. Throws
 * where the chain would have reverted.
 */
export function replayLedger(rules: TokenRules, events: readonly LedgerEvent[]): LedgerModel {
  const model: LedgerModel = {
    holders: new Map(),
    supply: 0n,
    poolAllowance: 0n,
    owedByDay: new Map(),
    distributed: 0n,
    accumulator: 0n,
    epoch: 0,
    carry: 0n,
    rollover: 0n,
    roundUps: 0,
    accumulatorMismatches: [],
    predictedClaims: [],
    skippedOrderIds: [],
    referrers: new Map(),
    revenueByDay: new Map(),
    mintedByDay: new Map(),
  };
  const qualified = new Map<string, bigint>();
  const known = new Set<string>();
  const usedOrderIds = new Set<bigint>();
  const checkouts = new Set<string>();
  // The pool formula, which the shop computes exactly (YDC's pool ratio never changes).
  let poolMinted = 0n;
  const poolAllowance = (): bigint =>
    rules.poolDen === 0n ? 0n : ((model.supply - poolMinted) * rules.poolNum) / rules.poolDen - poolMinted;

  const holderOf = (address: string): ModelHolder => {
    let holder = model.holders.get(address);
    if (!holder) {
      holder = emptyHolder();
      model.holders.set(address, holder);
    }
    return holder;
  };
  const room = (): bigint => {
    if (rules.maxSupply === 0n) return (1n << 96n) - 1n - model.supply;
    return rules.maxSupply > model.supply ? rules.maxSupply - model.supply : 0n;
  };
  const capToSupply = (amount: bigint): bigint => {
    const left = room();
    return amount > left ? left : amount;
  };
  const mint = (to: string, amount: bigint, kind: "consumption" | "promotion" | "pool", day: number): void => {
    if (amount === 0n) return;
    const holder = holderOf(to);
    holder.balance += amount;
    holder[kind] += amount;
    model.supply += amount;
    const minted = model.mintedByDay.get(day) ?? { consumption: 0n, promotion: 0n, pool: 0n };
    minted[kind] += amount;
    model.mintedByDay.set(day, minted);
  };

  for (const event of events) {
    switch (event.kind) {
      case "order": {
        const { customer, amount, referrer, day, path, orderId, orderHash } = event;
        if (path === "recorded") {
          if (orderId === 0n) throw new Error("model: recorded order without an order id");
          if (usedOrderIds.has(orderId)) {
            // recordOrders leaves it out (OrderSkipped) and counts the rest of the batch.
            model.skippedOrderIds.push(orderId);
            break;
          }
          usedOrderIds.add(orderId);
        } else {
          const key = `${orderHash}/${customer}`;
          if (checkouts.has(key)) throw new Error(`model: checkout ${orderHash} of ${customer} counted already`);
          checkouts.add(key);
        }
        const first = !known.has(customer);
        if (first) {
          known.add(customer);
          if (referrer !== ZeroAddress) {
            if (referrer === customer) throw new Error(`model: self-referral by ${customer}`);
            model.referrers.set(customer, referrer);
          }
        } else if (referrer !== ZeroAddress && referrer !== (model.referrers.get(customer) ?? ZeroAddress)) {
          // A checkout reverts (ShopReferrerAlreadyBound); a recorded order counts with the bound referrer.
          if (path === "checkout") throw new Error(`model: referrer of ${customer} already bound`);
        }
        model.revenueByDay.set(day, (model.revenueByDay.get(day) ?? 0n) + amount);

        const bound = model.referrers.get(customer);
        let consumption = rules.spendPerToken === 0n ? 0n : (amount * ONE_TOKEN) / rules.spendPerToken;
        let promotion = 0n;
        if (bound !== undefined) {
          promotion = (consumption * rules.referralBps) / BPS;
          if (first && rules.referralsPerToken !== 0n && amount >= rules.minFirstOrder) {
            const count = (qualified.get(bound) ?? 0n) + 1n;
            qualified.set(bound, count);
            if (count % rules.referralsPerToken === 0n) promotion += ONE_TOKEN;
          }
        }
        // The token mints consumption first, then promotion, each within what the cap leaves.
        consumption = capToSupply(consumption);
        mint(customer, consumption, "consumption", day);
        promotion = capToSupply(promotion);
        if (bound !== undefined) mint(bound, promotion, "promotion", day);
        model.poolAllowance = poolAllowance();
        break;
      }
      case "poolMint": {
        const allowance = poolAllowance();
        if (event.amount > allowance) throw new Error(`model: pool mint ${event.amount} over allowance ${allowance}`);
        if (event.amount > room()) throw new Error(`model: pool mint ${event.amount} past the supply cap`);
        mint(event.to, event.amount, "pool", event.day);
        poolMinted += event.amount;
        model.poolAllowance = poolAllowance();
        break;
      }
      case "settle": {
        // The day's rate is fixed at its first order; YDC's never changes.
        const owed = ((model.revenueByDay.get(event.day) ?? 0n) * rules.dividendBps) / BPS;
        model.owedByDay.set(event.day, owed);
        model.distributed += owed;
        // Exact pro-rata share of this settlement for every holder.
        if (model.supply !== 0n) {
          for (const holder of model.holders.values()) {
            if (holder.balance === 0n) continue;
            const r = holder.rational;
            holder.rational = { num: r.num * model.supply + owed * holder.balance * r.den, den: r.den * model.supply };
            holder.settlementsHeld++;
          }
        }
        // DividendToken.distribute.
        const total = owed + model.rollover + model.carry;
        const delta = model.supply === 0n ? 0n : (total << PRECISION_BITS) / model.supply;
        if (delta === 0n) {
          // No holders, or too little to move the accumulator: all of it waits for the next distribution.
          model.carry = 0n;
          model.rollover = total;
          if (event.accumulator !== undefined) model.accumulatorMismatches.push(event.day);
          break;
        }
        const scaled = delta * model.supply;
        const fraction = scaled & ((1n << PRECISION_BITS) - 1n);
        const allotted = (scaled >> PRECISION_BITS) + (fraction === 0n ? 0n : 1n);
        if (fraction !== 0n) model.roundUps++;
        model.rollover = 0n;
        model.carry = total - allotted;
        model.accumulator = (model.accumulator + delta) % ACCUMULATOR_MODULUS;
        model.epoch++;
        if (event.accumulator !== model.accumulator) model.accumulatorMismatches.push(event.day);
        for (const holder of model.holders.values()) holder.earnedScaled += holder.balance * delta;
        break;
      }
      case "claim": {
        const holder = holderOf(event.holder);
        const amount = modelClaimable(model, holder);
        if (amount === 0n) throw new Error(`model: ${event.holder} has nothing to claim`);
        model.predictedClaims.push(amount);
        holder.claimed += amount;
        break;
      }
    }
  }
  for (const holder of model.holders.values()) {
    holder.roundings = (holder.earnedScaled & ((1n << PRECISION_BITS) - 1n)) === 0n ? 0 : 1;
  }
  return model;
}

/** |a - num/den| ≤ tolerance, exactly. */
export function withinOf(a: bigint, fraction: Fraction, tolerance: bigint): boolean {
  const diff = a * fraction.den - fraction.num;
  return (diff < 0n ? -diff : diff) <= tolerance * fraction.den;
}

// ---------------------------------------------------------------- Interview figures

/** One of the interview's figures beside the simulated one. */
export interface InterviewCheck {
  /** Stable identifier of the figure (`tokensIssued`, `revenue`, `dividends`, `members`, `averageSpend`, `averageDividend`). */
  key: keyof typeof INTERVIEW;
  label: string;
  simulated: string;
  target: string;
  ok: boolean;
}

/** The interview's figures (tokens, revenue, dividends, members, average spend and dividend) against `report`. */
export function interviewChecks(report: WuyouReport): InterviewCheck[] {
  const t = report.totals;
  return [
    {
      key: "tokensIssued",
      label: "tokens issued (YDC)",
      simulated: formatTokens(t.tokensIssued),
      target: "≥ 1,000",
      ok: t.tokensIssued >= INTERVIEW.tokensIssued,
    },
    {
      key: "revenue",
      label: "revenue",
      simulated: `${formatCny(t.revenue.wei)} CNY`,
      target: "≥ 300,000 CNY",
      ok: t.revenue.wei >= INTERVIEW.revenue,
    },
    {
      key: "dividends",
      label: "dividends settled (20 %)",
      simulated: `${formatCny(t.dividendsSettled.wei)} CNY`,
      target: "≥ 60,000 CNY",
      ok: t.dividendsSettled.wei >= INTERVIEW.dividends,
    },
    {
      key: "members",
      label: "community members",
      simulated: `${t.members}`,
      target: "200",
      ok: t.members === INTERVIEW.members,
    },
    {
      key: "averageSpend",
      label: "average spend per member",
      simulated: `${formatCny(t.averageSpend.wei)} CNY`,
      target: "≥ 1,500 CNY",
      ok: t.averageSpend.wei >= INTERVIEW.averageSpend,
    },
    {
      key: "averageDividend",
      label: "average dividend per member",
      simulated: `${formatCny(t.averageDividend.wei)} CNY`,
      target: "≥ 300 CNY",
      ok: t.averageDividend.wei >= INTERVIEW.averageDividend,
    },
  ];
}

/** One reconciliation of the chain against what was promised and against the off-chain model. */
export interface LedgerCheck {
  /**
   * Stable identifier: `settledEqualsPromised`, `coinReconciles`, `accumulatorMatchesModel`, `holdersMatchModel`,
   * `holdersProRata`, `poolMatchesModel`, `dailySupply`.
   */
  key: string;
  label: string;
  ok: boolean;
}

/**
 * Reconciles `report` with the off-chain ledger model (`replayLedger(report.rules, report.events)`, or `model` if
 * given): dividends settled = promised; the token's coin = claimable + rollover + dust, each equal to the model's
 * (dust below one wei per holder and per settlement); the token's accumulator after each settlement (from
 * `DividendsDistributed`) equal to the model's; every holder equal to the 2^64 accumulator model and within one wei
 * per settlement of exact pro rata; the pool allowance left equal to the model's; and each day's change of the
 * on-chain supply equal to the model's minting that day.
 */
export function ledgerChecks(
  report: WuyouReport,
  model: LedgerModel = replayLedger(report.rules, report.events),
): LedgerCheck[] {
  const t = report.totals;
  let holdersMatching = 0;
  let holdersWithinRational = 0;
  for (const holder of report.holders) {
    const predicted = model.holders.get(holder.address);
    if (predicted === undefined) continue;
    if (
      predicted.balance === holder.balance &&
      predicted.claimed === holder.claimed &&
      modelClaimable(model, predicted) === holder.claimable
    ) {
      holdersMatching++;
    }
    if (withinOf(holder.claimed + holder.claimable, predicted.rational, BigInt(predicted.settlementsHeld))) {
      holdersWithinRational++;
    }
  }
  const holderCount = report.holders.length;
  // Dust: each holder's earnings floored once (< 1 wei) and each distribution's allotment rounded up (< 1 wei).
  const modelHolders = [...model.holders.values()];
  const roundings = modelHolders.reduce((a, h) => a + h.roundings, 0) + model.roundUps;
  const modelEarned = modelHolders.reduce((a, h) => a + h.claimed + modelClaimable(model, h), 0n);
  const modelDust = model.distributed - modelEarned - model.rollover - model.carry;
  const distributions = report.events.filter((e) => e.kind === "settle").length;
  const accumulatorsMatching = distributions - model.accumulatorMismatches.length;
  let daysMatching = 0;
  let previousSupply = 0n;
  for (const day of report.dayReports) {
    const minted = model.mintedByDay.get(day.day) ?? { consumption: 0n, promotion: 0n, pool: 0n };
    if (day.supplyAtEnd - previousSupply === minted.consumption + minted.promotion + minted.pool) daysMatching++;
    previousSupply = day.supplyAtEnd;
  }
  return [
    {
      key: "settledEqualsPromised",
      label: "dividends settled = promised (Σ floor(revenue × 20 %))",
      ok: t.dividendsSettled.wei === t.dividendsPromised.wei,
    },
    {
      key: "coinReconciles",
      label: "token coin = claimable + rollover + dust, each = the model's, to the wei",
      ok:
        t.tokenCoinBalance === t.dividendsSettled.wei - t.claimed.wei &&
        t.rollover === model.rollover + model.carry &&
        t.dust === modelDust &&
        t.dust >= 0n &&
        t.dust <= BigInt(roundings),
    },
    {
      key: "accumulatorMatchesModel",
      label: `token accumulator after each settlement = the model's (${accumulatorsMatching}/${distributions})`,
      ok: distributions > 0 && accumulatorsMatching === distributions,
    },
    {
      key: "holdersMatchModel",
      label: `holders equal to the 2^64 accumulator model (${holdersMatching}/${holderCount})`,
      ok: holdersMatching === holderCount,
    },
    {
      key: "holdersProRata",
      label: `holders within 1 wei per settlement of exact pro rata (${holdersWithinRational}/${holderCount})`,
      ok: holdersWithinRational === holderCount,
    },
    {
      key: "poolMatchesModel",
      label: "pool allowance left = floor(rule-minted / 9) − pool-minted",
      ok: t.poolAllowanceLeft === model.poolAllowance,
    },
    {
      key: "dailySupply",
      label: `daily supply change on chain = model's minting (${daysMatching}/${report.dayReports.length} days)`,
      ok: daysMatching === report.dayReports.length && previousSupply === t.tokensIssued,
    },
  ];
}

// ---------------------------------------------------------------- Plan

interface PlannedOrder {
  member: number;
  /** 1-based day. */
  day: number;
  /** Minute of the day, 09:00 to 20:59. */
  minute: number;
  amount: bigint;
  path: OrderPathName;
  items: string[];
}

interface MemberPlan {
  index: number;
  wallet: Wallet;
  payout: string;
  joinDay: number;
  /** Referrer chosen when the member was invited (index), or -1. */
  referrer: number;
  orders: PlannedOrder[];
  finalClaim: ClaimMethod | "keep";
  claimManyToPayout: boolean;
  claimsMidMonth: boolean;
}

function derivedWallet(seed: string, label: string): Wallet {
  return new Wallet(keccak256(toUtf8Bytes(`wuyou-tea/${seed}/${label}`)));
}

/** Draws the community, its orders and its claiming habits from the seed. */
function planCommunity(rng: Prng, seed: string, days: number, memberCount: number, founders: number): MemberPlan[] {
  const lastJoinDay = Math.max(2, days - 5);
  const joinDays: number[] = [];
  for (let i = 0; i < memberCount; i++) {
    // Founders on day 1; the others join faster as the community spreads (sqrt skews joins towards later days).
    joinDays.push(i < founders ? 1 : 2 + Math.floor((lastJoinDay - 1) * Math.sqrt(rng.next())));
  }
  joinDays.sort((a, b) => a - b);

  const plans: MemberPlan[] = [];
  for (let index = 0; index < memberCount; index++) {
    const joinDay = joinDays[index];
    const earlier = plans.filter((p) => p.joinDay < joinDay);
    let referrer = -1;
    if (earlier.length > 0 && rng.chance(0.85)) {
      // Group hosts (founders) invite more often than the others.
      const hosts = earlier.filter((p) => p.index < founders);
      referrer = (hosts.length > 0 && rng.chance(0.4) ? rng.pick(hosts) : rng.pick(earlier)).index;
    }

    // Each member spends at least a target between 400 and 2,100 CNY over the month, in baskets of catalogue items.
    const targetFen = BigInt(40_000 + Math.floor(rng.next() * 170_000));
    const prefersCheckout = rng.chance(0.3);
    const baskets: { amount: bigint; items: string[] }[] = [];
    let spent = 0n;
    while (spent < targetFen * WEI_PER_FEN) {
      const items: string[] = [];
      let fen = 0n;
      const count = rng.int(1, 3);
      for (let k = 0; k < count; k++) {
        const product = rng.pick(CATALOGUE);
        items.push(product.item);
        fen += product.fen;
      }
      // Community discount of 5 % on baskets of 1,000 CNY or more, rounded down to the fen.
      if (fen >= 100_000n) fen = (fen * 95n) / 100n;
      baskets.push({ amount: fen * WEI_PER_FEN, items });
      spent += fen * WEI_PER_FEN;
    }
    const orders: PlannedOrder[] = baskets.map((basket, k) => ({
      member: index,
      day: k === 0 ? joinDay : rng.int(joinDay, days),
      minute: rng.int(9 * 60, 21 * 60 - 1),
      amount: basket.amount,
      path: rng.chance(prefersCheckout ? 0.85 : 0.1) ? "checkout" : "recorded",
      items: basket.items,
    }));

    const r = rng.next();
    plans.push({
      index,
      wallet: derivedWallet(seed, `member/${index}`),
      payout: derivedWallet(seed, `payout/${index}`).address,
      joinDay,
      referrer,
      orders,
      finalClaim: r < 0.4 ? "claim" : r < 0.65 ? "claimTo" : r < 0.9 ? "claimMany" : "keep",
      claimManyToPayout: rng.chance(0.5),
      claimsMidMonth: joinDay <= 10 && rng.chance(0.25),
    });
  }
  return plans;
}

// ---------------------------------------------------------------- Simulation

/**
 * Runs one month of Wuyou Tea on the given in-process network: deploys the implementations and the factory, creates
 * the shop (UTC+8) and YDC, lets the community buy (operator batches and customer checkouts), settles each day just
 * after the shop's midnight (funding the recorded orders' share by deposit or by settle's value), pays the servicer
 * from the pool weekly, and has the holders claim at the end. Returns the report and the deployment.
 *
 * @example
 * const connection = await network.create();
 * const { report } = await runWuyou(connection, { seed: "wuyou-tea" });
 * console.log(formatCny(report.totals.revenue.wei));
 */
export async function runWuyou(
  connection: WuyouConnection,
  options: WuyouOptions = {},
): Promise<{ report: WuyouReport; deployment: WuyouDeployment }> {
  const started = Date.now();
  const seed = options.seed ?? "wuyou-tea";
  const days = options.days ?? 30;
  const memberCount = options.members ?? 200;
  const founders = Math.min(options.founders ?? 22, memberCount);
  const progress = options.onProgress ?? (() => undefined);
  const { ethers, networkHelpers: helpers } = connection;
  const provider = ethers.provider;
  const rng = new Prng(seed);
  let transactions = 0;

  const send = async (
    pending: Promise<{ wait(): Promise<TransactionReceipt | null> }>,
  ): Promise<TransactionReceipt> => {
    const receipt = await (await pending).wait();
    if (receipt === null || receipt.status !== 1) throw new Error("wuyou: transaction failed");
    transactions++;
    return receipt;
  };

  // Actors: the merchant's three keys are Hardhat accounts; members, the servicer, the keeper and the payout wallets
  // are derived from the seed.
  const [admin, operator, poolManager] = await ethers.getSigners();
  const plans = planCommunity(rng, seed, days, memberCount, founders);
  const servicer = derivedWallet(seed, "servicer").connect(provider);
  const keeper = derivedWallet(seed, "keeper").connect(provider);
  const members = plans.map((p) => p.wallet.connect(provider));
  for (const account of [...members, servicer, keeper]) await helpers.setBalance(account.address, 10n ** 21n);

  // Clock: day 1 starts at the shop's midnight on 2030-03-01 (or the next one, if the chain is past it).
  const localMidnight = (chainDay: bigint): number => Number(chainDay) * DAY_SECONDS - UTC_OFFSET;
  const fixedStart = BigInt(Math.floor((Date.UTC(2030, 2, 1) / 1000 + UTC_OFFSET) / DAY_SECONDS));
  const latest = await helpers.time.latest();
  const nextDay = BigInt(Math.floor((latest + UTC_OFFSET) / DAY_SECONDS) + 1);
  const firstChainDay = nextDay > fixedStart ? nextDay : fixedStart;
  const chainDayOf = (day: number): bigint => firstChainDay + BigInt(day - 1);
  const at = async (day: number, minuteOfDay: number): Promise<void> => {
    const target = localMidnight(chainDayOf(day)) + minuteOfDay * 60;
    if (target > (await helpers.time.latest())) await helpers.time.increaseTo(target);
  };

  // Deployment: implementations, factory, shop, YDC.
  const paymentsModule = await ethers.deployContract("ShopPayments");
  const shopImpl = await ethers.deployContract("Shop", [await paymentsModule.getAddress()]);
  const tokenImpl = await ethers.deployContract("DividendToken");
  const factory = (await ethers.deployContract("ShareMallFactory", [
    await shopImpl.getAddress(),
    await tokenImpl.getAddress(),
  ])) as unknown as ShareMallFactory;
  transactions += 3;
  const shopParams = { admin: admin.address, operator: operator.address, utcOffset: UTC_OFFSET, name: "Wuyou Tea" };
  const shopAddress = await factory.createShop.staticCall(shopParams);
  await send(factory.createShop(shopParams));
  // The clone answers the whole IShop ABI (Shop's order functions, and ShopAdmin's through its fallback).
  const shop = (await ethers.getContractAt("IShop", shopAddress)) as unknown as IShop;
  await send(shop.grantRole(await shop.POOL_MANAGER_ROLE(), poolManager.address));
  await send(
    shop.createToken({
      name: "Wuyou Dividend Coin",
      symbol: "YDC",
      transferable: false,
      noticePeriod: 0,
      rules: YDC_RULES,
    }),
  );
  const token = (await ethers.getContractAt("DividendToken", (await shop.tokens())[0])) as unknown as DividendToken;
  const tokenAddress = await token.getAddress();
  const chainId = (await provider.getNetwork()).chainId;
  progress(
    `deployed factory ${await factory.getAddress()}, shop ${shopAddress} (UTC+8), YDC ${tokenAddress}; ` +
      `${memberCount} members (${founders} founders), ${days} days, seed "${seed}"`,
  );

  const events: LedgerEvent[] = [];
  const dayReports: DayReport[] = [];
  const claimedBy = new Map<string, bigint>();
  const payouts = new Set<string>();

  const claimsOf = (receipt: TransactionReceipt, day: number, method: ClaimMethod): bigint => {
    let total = 0n;
    for (const log of receipt.logs as Log[]) {
      if (log.address !== tokenAddress) continue;
      const parsed = token.interface.parseLog(log);
      if (parsed?.name !== "DividendsClaimed") continue;
      const [holder, recipient, amount] = parsed.args as unknown as [string, string, bigint];
      events.push({ kind: "claim", day, holder, recipient, amount, method });
      claimedBy.set(holder, (claimedBy.get(holder) ?? 0n) + amount);
      if (recipient !== holder) payouts.add(recipient);
      total += amount;
    }
    return total;
  };

  const orderHash = (order: PlannedOrder, sequence: number): string => {
    // A stand-in commitment: the private order details, the shop, the chain and a random salt. (The SDK defines
    // the canonical encoding.)
    const salt = keccak256(toUtf8Bytes(`${seed}/salt/${order.member}/${sequence}`));
    const details = keccak256(
      toUtf8Bytes(
        JSON.stringify({ customer: order.member, items: order.items, fen: (order.amount / WEI_PER_FEN).toString() }),
      ),
    );
    return keccak256(
      AbiCoder.defaultAbiCoder().encode(
        ["bytes32", "address", "uint256", "bytes32"],
        [details, shopAddress, chainId, salt],
      ),
    );
  };

  const ordersByDay = new Map<number, PlannedOrder[]>();
  for (const plan of plans) {
    for (const order of plan.orders) {
      const list = ordersByDay.get(order.day) ?? [];
      list.push(order);
      ordersByDay.set(order.day, list);
    }
  }
  const boundOnChain = new Set<number>();
  const revenueByDay = new Map<number, bigint>();
  const memberSpend = new Map<number, bigint>();
  const memberOrders = new Map<number, number>();
  let orderSequence = 0;
  // The shop's backend numbers the orders it records, 1, 2, 3, … (checkouts are the customers' own and carry none).
  let nextOrderId = 1n;
  let joinedSoFar = 0;
  let servicerJoinDay = 0;

  const settleDay = async (day: number): Promise<void> => {
    const chainDay = chainDayOf(day);
    if ((revenueByDay.get(day) ?? 0n) === 0n) {
      // A day without orders owes nothing; settle would revert with ShopNothingToSettle.
      progress(`day ${String(day).padStart(2)}/${days}: no orders, nothing to settle`);
      return;
    }
    const before = await shop.tokenDay(0, chainDay);
    const escrowed = before.escrowed;
    // What the day owes beyond its checkout escrow: the recorded orders' share, paid from the merchant balance.
    const required = before.owed - escrowed;
    const balance = await shop.merchantBalance();
    const shortfall = required > balance ? required - balance : 0n;
    let receipt: TransactionReceipt;
    let funding: DayReport["funding"] = "none";
    if (day % 2 === 0) {
      // Even days: the merchant prepays, then a keeper (anyone) settles the funded day.
      if (shortfall > 0n) {
        await send(shop.connect(admin).deposit({ value: shortfall }));
        funding = "deposit";
      }
      receipt = await send(shop.connect(keeper).settle(chainDay));
    } else {
      // Odd days: the merchant settles and sends the shortfall with the call.
      receipt = await send(shop.connect(admin).settle(chainDay, { value: shortfall }));
      if (shortfall > 0n) funding = "settleValue";
    }
    // What the day settled: the split escrow / balance from `DaySettled`, and the token's accumulator after it.
    // Since core v2 a settlement that cannot pay the rest still releases the escrow (`SettlementShortfall`); the
    // demo funds every day, so each settlement must pay the day in full.
    let fromEscrow = 0n;
    let fromBalance = 0n;
    let accumulator: bigint | undefined;
    for (const log of receipt.logs as Log[]) {
      if (log.address === shopAddress) {
        const parsed = shop.interface.parseLog(log);
        if (parsed?.name === "SettlementShortfall") throw new Error(`wuyou: day ${day} settled short`);
        if (parsed?.name !== "DaySettled") continue;
        fromEscrow += parsed.args.fromEscrow as bigint;
        fromBalance += parsed.args.fromBalance as bigint;
      } else if (log.address === tokenAddress) {
        const parsed = token.interface.parseLog(log);
        if (parsed?.name === "DividendsDistributed") accumulator = parsed.args.accumulator as bigint;
      }
    }
    const after = await shop.tokenDay(0, chainDay);
    if (!after.settled) throw new Error(`wuyou: day ${day} not settled in full`);
    const owed = after.owed;
    const settledEvent = fromEscrow + fromBalance;
    events.push({ kind: "settle", day, owed: settledEvent, accumulator });
    const revenue = revenueByDay.get(day) ?? 0n;
    const report = dayReports[day - 1];
    report.revenueOnChain = (await shop.dayRecord(chainDay)).revenue;
    report.promised = (revenue * YDC_RULES.dividendBps) / BPS;
    report.settled = owed;
    report.settledEvent = settledEvent;
    report.escrowBefore = escrowed;
    report.fromEscrow = fromEscrow;
    report.fromBalance = fromBalance;
    report.funding = funding;
    report.fundedWei = shortfall;
    report.supplyAtSettlement = await token.totalSupply();
    const fundingText =
      funding === "none"
        ? "merchant balance"
        : `${funding === "deposit" ? "deposit" : "settle value"} ${formatCny(shortfall)}`;
    progress(
      `day ${String(day).padStart(2)}/${days}: ${report.orders} order${report.orders === 1 ? "" : "s"} ` +
        `(${report.checkoutOrders} checkout, ` +
        `${report.recordedOrders} recorded), members ${report.membersSoFar} (+${report.newMembers}), ` +
        `revenue ${formatCny(revenue)} CNY, settled ${formatCny(owed)} CNY ` +
        `(escrow ${formatCny(fromEscrow)} + ${fundingText}), supply ${formatTokens(report.supplyAtSettlement)} YDC`,
    );
  };

  for (let day = 1; day <= days; day++) {
    // 00:05: settle yesterday.
    if (day > 1) {
      await at(day, 5);
      await settleDay(day - 1);
    }
    // 00:10 after each full week: the pool manager pays the servicer the week's pool allowance.
    if (day > 1 && (day - 1) % 7 === 0) {
      await at(day, 10);
      const allowance = await shop.poolAllowance(0);
      if (allowance > 0n) {
        const reason = keccak256(toUtf8Bytes(`week ${(day - 1) / 7}: shop operations and group hosting`));
        await send(shop.connect(poolManager).mintFromPool(0, servicer.address, allowance, reason));
        events.push({ kind: "poolMint", day, to: servicer.address, amount: allowance });
        if (servicerJoinDay === 0) servicerJoinDay = day;
        progress(`day ${String(day).padStart(2)}/${days}: pool pays the servicer ${formatTokens(allowance)} YDC`);
      }
    }
    // 08:00 mid-month: some early members claim what they earned so far.
    if (day === Math.ceil(days / 2) + 1) {
      await at(day, 8 * 60);
      let count = 0;
      let total = 0n;
      for (const plan of plans) {
        if (!plan.claimsMidMonth) continue;
        total += claimsOf(await send(token.connect(members[plan.index]).claim()), day, "claim");
        count++;
      }
      if (count > 0) progress(`day ${String(day).padStart(2)}/${days}: ${count} members claim ${formatCny(total)} CNY`);
    }

    // 09:00 to 21:00: orders. Checkouts are the customers' own transactions; the operator records the other orders in
    // two batches, at 13:00 (the morning's) and 22:00 (the afternoon's). Orders are sorted into the order they reach
    // the chain, so that each member's referrer goes with its first order on chain.
    const executesAt = (order: PlannedOrder): number =>
      order.path === "checkout" ? order.minute : order.minute < 13 * 60 ? 13 * 60 : 22 * 60;
    const todays = [...(ordersByDay.get(day) ?? [])].sort(
      (a, b) =>
        executesAt(a) - executesAt(b) ||
        (a.path === b.path ? 0 : a.path === "recorded" ? -1 : 1) ||
        a.minute - b.minute ||
        a.member - b.member,
    );
    const report: DayReport = {
      day,
      chainDay: chainDayOf(day),
      orders: todays.length,
      checkoutOrders: todays.filter((o) => o.path === "checkout").length,
      recordedOrders: todays.filter((o) => o.path === "recorded").length,
      newMembers: 0,
      membersSoFar: 0,
      revenue: 0n,
      revenueOnChain: 0n,
      promised: 0n,
      settled: 0n,
      settledEvent: 0n,
      escrowBefore: 0n,
      fromEscrow: 0n,
      fromBalance: 0n,
      funding: "none",
      fundedWei: 0n,
      supplyAtSettlement: 0n,
      checkoutRevenue: 0n,
      recordedRevenue: 0n,
      supplyAtEnd: 0n,
      consumptionMinted: 0n,
      promotionMinted: 0n,
      poolMinted: 0n,
    };
    dayReports.push(report);
    let batch: { order: PlannedOrder; orderId: bigint; hash: string; referrer: string }[] = [];
    const flush = async (): Promise<void> => {
      for (let start = 0; start < batch.length; start += MAX_BATCH) {
        const chunk = batch.slice(start, start + MAX_BATCH);
        await send(
          shop.connect(operator).recordOrders(
            chunk.map(({ order, orderId, hash, referrer }) => ({
              orderId,
              orderHash: hash,
              customer: members[order.member].address,
              amount: order.amount,
              referrer,
            })),
          ),
        );
        for (const { order, orderId, hash, referrer } of chunk) {
          events.push({
            kind: "order",
            day,
            path: "recorded",
            orderId,
            orderHash: hash,
            customer: members[order.member].address,
            amount: order.amount,
            referrer,
          });
        }
      }
      batch = [];
    };
    let batchAt = 0;
    for (const order of todays) {
      if (batch.length > 0 && (order.path === "checkout" || executesAt(order) !== batchAt)) {
        await at(day, batchAt);
        await flush();
      }
      const plan = plans[order.member];
      let referrer = ZeroAddress;
      if (!boundOnChain.has(order.member)) {
        boundOnChain.add(order.member);
        if (plan.referrer >= 0) referrer = members[plan.referrer].address;
        report.newMembers++;
      }
      const hash = orderHash(order, orderSequence++);
      revenueByDay.set(day, (revenueByDay.get(day) ?? 0n) + order.amount);
      memberSpend.set(order.member, (memberSpend.get(order.member) ?? 0n) + order.amount);
      memberOrders.set(order.member, (memberOrders.get(order.member) ?? 0) + 1);
      if (order.path === "recorded") report.recordedRevenue += order.amount;
      else report.checkoutRevenue += order.amount;
      if (order.path === "recorded") {
        batch.push({ order, orderId: nextOrderId++, hash, referrer });
        batchAt = executesAt(order);
        continue;
      }
      await at(day, order.minute);
      await send(shop.connect(members[order.member]).checkout(hash, referrer, { value: order.amount }));
      events.push({
        kind: "order",
        day,
        path: "checkout",
        orderId: 0n,
        orderHash: hash,
        customer: members[order.member].address,
        amount: order.amount,
        referrer,
      });
    }
    if (batch.length > 0) {
      await at(day, batchAt);
      await flush();
    }
    joinedSoFar += report.newMembers;
    report.membersSoFar = joinedSoFar;
    report.revenue = revenueByDay.get(day) ?? 0n;

    // 23:30: the merchant withdraws its part of the day's checkout payments; recorded orders' dividends will be
    // funded at settlement.
    await at(day, 23 * 60 + 30);
    const merchantBalance = await shop.merchantBalance();
    if (merchantBalance > 0n) await send(shop.connect(admin).withdraw(admin.address, merchantBalance));
    report.supplyAtEnd = await token.totalSupply();
  }

  // Day after the month: settle the last day, then the holders claim.
  const endDay = days + 1;
  await at(endDay, 5);
  await settleDay(days);
  await at(endDay, 10 * 60);
  const tokenList = [tokenAddress];
  let claimCount = 0;
  for (const plan of plans) {
    const wallet = members[plan.index];
    if (plan.finalClaim === "keep") continue;
    if (plan.finalClaim === "claim") {
      claimsOf(await send(token.connect(wallet).claim()), endDay, "claim");
    } else if (plan.finalClaim === "claimTo") {
      claimsOf(await send(token.connect(wallet).claimTo(plan.payout)), endDay, "claimTo");
    } else {
      const recipient = plan.claimManyToPayout ? plan.payout : ZeroAddress;
      claimsOf(await send(factory.connect(wallet).claimMany(tokenList, recipient)), endDay, "claimMany");
    }
    claimCount++;
  }
  if (servicerJoinDay > 0) {
    claimsOf(await send(factory.connect(servicer).claimMany(tokenList, ZeroAddress)), endDay, "claimMany");
    claimCount++;
  }
  progress(`day ${endDay}: ${claimCount} holders claim (claim, claimTo, factory.claimMany); the others keep theirs`);

  // Read the end state.
  const holders: HolderReport[] = [];
  for (const plan of plans) {
    const address = members[plan.index].address;
    const [referrer] = await shop.customerOf(address);
    holders.push({
      address,
      role: "member",
      joinDay: plan.joinDay,
      referrer,
      orders: memberOrders.get(plan.index) ?? 0,
      spend: memberSpend.get(plan.index) ?? 0n,
      balance: await token.balanceOf(address),
      claimed: claimedBy.get(address) ?? 0n,
      claimable: await token.claimable(address),
    });
  }
  if (servicerJoinDay > 0) {
    holders.push({
      address: servicer.address,
      role: "servicer",
      joinDay: servicerJoinDay,
      referrer: ZeroAddress,
      orders: 0,
      spend: 0n,
      balance: await token.balanceOf(servicer.address),
      claimed: claimedBy.get(servicer.address) ?? 0n,
      claimable: await token.claimable(servicer.address),
    });
  }
  const payoutBalances: WuyouReport["payoutBalances"] = [];
  for (const recipient of payouts) payoutBalances.push({ recipient, balance: await provider.getBalance(recipient) });

  const model = replayLedger(YDC_RULES, events);
  for (const day of dayReports) {
    const minted = model.mintedByDay.get(day.day);
    day.consumptionMinted = minted?.consumption ?? 0n;
    day.promotionMinted = minted?.promotion ?? 0n;
    day.poolMinted = minted?.pool ?? 0n;
  }
  let consumptionTokens = 0n;
  let promotionTokens = 0n;
  let poolTokens = 0n;
  for (const holder of model.holders.values()) {
    consumptionTokens += holder.consumption;
    promotionTokens += holder.promotion;
    poolTokens += holder.pool;
  }

  const sum = (values: bigint[]): bigint => values.reduce((a, b) => a + b, 0n);
  const revenue = sum([...revenueByDay.values()]);
  const promised = sum(dayReports.map((d) => d.promised));
  const settled = sum(dayReports.map((d) => d.settled));
  const claimed = sum(holders.map((h) => h.claimed));
  const claimable = sum(holders.map((h) => h.claimable));
  const memberHolders = holders.filter((h) => h.role === "member");
  const memberDividends = sum(memberHolders.map((h) => h.claimed + h.claimable));
  const servicerDividends = sum(holders.filter((h) => h.role === "servicer").map((h) => h.claimed + h.claimable));
  const [, , rollover] = await token.dividendState();
  const tokenCoinBalance = await provider.getBalance(tokenAddress);
  const memberTotal = BigInt(memberHolders.length);

  const report: WuyouReport = {
    seed,
    days,
    weiPerCny: WEI_PER_CNY,
    rules: YDC_RULES,
    addresses: {
      factory: await factory.getAddress(),
      shop: shopAddress,
      token: tokenAddress,
      admin: admin.address,
      operator: operator.address,
      poolManager: poolManager.address,
      servicer: servicer.address,
      keeper: keeper.address,
    },
    firstChainDay,
    dayReports,
    holders,
    events,
    payoutBalances,
    totals: {
      revenue: money(revenue),
      dividendsPromised: money(promised),
      dividendsSettled: money(settled),
      claimed: money(claimed),
      claimable: money(claimable),
      rollover,
      tokenCoinBalance,
      dust: tokenCoinBalance - claimable - rollover,
      tokensIssued: await token.totalSupply(),
      consumptionTokens,
      promotionTokens,
      poolTokens,
      poolAllowanceLeft: await shop.poolAllowance(0),
      members: memberHolders.filter((h) => h.orders > 0).length,
      referredMembers: memberHolders.filter((h) => h.referrer !== ZeroAddress).length,
      orders: dayReports.reduce((a, d) => a + d.orders, 0),
      checkoutOrders: dayReports.reduce((a, d) => a + d.checkoutOrders, 0),
      recordedOrders: dayReports.reduce((a, d) => a + d.recordedOrders, 0),
      averageSpend: money(memberTotal === 0n ? 0n : revenue / memberTotal),
      memberDividends: money(memberDividends),
      averageDividend: money(memberTotal === 0n ? 0n : memberDividends / memberTotal),
      servicerDividends: money(servicerDividends),
      transactions,
    },
    elapsedMs: Date.now() - started,
  };
  return { report, deployment: { factory, shop, token, admin, operator, poolManager } };
}
