/**
 * Wuyou Tea (吾有茶): a deterministic simulation of the interview's reference shop on a Hardhat in-process network.
 *
 * One month of a tea shop whose community grows from ~20 founders to 200 members by referral. Every order mints the
 * brand token YDC (one token per 300 CNY), referrers earn 5 % of their referees' tokens, the management pool accrues
 * 1 token per 9 minted and pays the service provider weekly, and 20 % of each day's revenue is settled to the holders
 * just after the shop's midnight (UTC+8) by the keeper (scripts/keeper/keeper.ts), which then pushes the dividends to
 * every holder who takes payouts (the default). The holders who opted out claim (some mid-month, most through
 * factory.claimMany at the end); a few keep their dividends for later.
 *
 * Payments with returns: most of the customers' own orders are charged (paid and final at once, in the shop); a
 * quarter are online orders, authorized (held) at the order time and confirmed on delivery the same evening; a few
 * silent customers never confirm and a keeper auto-captures their payments just after the return window, a week
 * later (their revenue counts on that day). On top of the planned orders, which stay the final ones: about 3 % extra
 * online orders are returned within the window (return request, then the operator voids them: never counted), two are
 * returned in part (the operator captures the kept items, the rest goes back) and three charged orders are refunded in
 * full after capture (their revenue and dividends stay, the merchant pays; their tokens are taken back).
 *
 * Everything random comes from a seeded PRNG (sfc32), so the same seed gives the same figures on every run. The
 * module exports:
 * - `runWuyou(connection, options)`: runs the simulation and returns a {@link WuyouReport};
 * - `replayLedger(rules, events)`: a pure off-chain model of the token ledger (minting rules, the held payments and
 *   refunds with their take-backs, the pool allowance, the 2^64 dividend accumulator with each holder's exact
 *   earnings, and an exact rational pro-rata split) that the scenario test and the demo compare with the chain;
 * - `interviewChecks(report)`: the interview's figures beside the simulated ones;
 * - `ledgerChecks(report)`: the chain reconciled with what was promised and with the off-chain model;
 * - formatting helpers (`formatCny`, `formatTokens`).
 *
 * Demo exchange rate: 1 CNY = 10^15 wei (so 1,000 CNY = 1 coin), fixed so that the figures are reproducible. A real
 * shop prices in fiat, converts off chain at the day's rate and keeps the quoted rate in the private order data.
 */
import { AbiCoder, Wallet, ZeroAddress, formatUnits, getAddress, keccak256, toUtf8Bytes } from "ethers";
import type { Log, Result, TransactionReceipt } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { DividendToken, IShop, ShareMallFactory } from "../../types/ethers-contracts/index.js";
import { fromEthers, type TokenRules } from "../../sdk/src/index.js";
import { createKeeper, type SettlementAction, type TickReport } from "../keeper/keeper.js";

// ---------------------------------------------------------------- Constants

/** Demo exchange rate: wei of native coin per CNY (1 CNY = 10^15 wei, 1,000 CNY = 1 coin). */
export const WEI_PER_CNY = 10n ** 15n;
/** Wei per fen (0.01 CNY) at the demo rate; catalogue prices are whole fen. */
export const WEI_PER_FEN = WEI_PER_CNY / 100n;
/** One whole token in token-wei. */
export const ONE_TOKEN = 10n ** 18n;
/** China Standard Time: the shop's clock. */
export const UTC_OFFSET = 8 * 3600;
/** A block timestamp as the shop's local date and time (UTC+8), `YYYY-MM-DD HH:MM:SS`. */
export function localTime(timestamp: bigint): string {
  return new Date(Number(timestamp + BigInt(UTC_OFFSET)) * 1000).toISOString().slice(0, 19).replace("T", " ");
}

/** Most the keeper sends from the merchant's funding account for one day's missing debt, in CNY. */
export const KEEPER_FUND_LIMIT_CNY = 10_000n;
const DAY_SECONDS = 86_400;
const BPS = 10_000n;
/** Scale of the dividend accumulator (see contracts/libraries/DividendMath.sol). */
const PRECISION_BITS = 64n;
/** The token keeps its accumulator (and each holder's correction) modulo 2^160. */
const ACCUMULATOR_MODULUS = 1n << 160n;
/** Recorded orders per `recordOrders` transaction at most. */
const MAX_BATCH = 40;
/** Share of the planned checkout-path orders that are online orders (authorized, confirmed on delivery). */
const ONLINE_SHARE = 0.25;
/** Online orders of the first two weeks whose customers never confirm: the keeper auto-captures them. */
const SILENT_ORDERS = 4;
/** Extra online orders, as a share of the planned orders, that the customers return within the window. */
const RETURNED_SHARE = 0.03;
/** Extra online orders of three items of which the customer sends one back: the operator captures the rest. */
const PARTIAL_RETURNS = 2;
/** Extra charged orders that the operator refunds in full after capture, within the refund deadline. */
const REFUNDED_ORDERS = 3;
/** An online order's authorization expires this long after its return window (7 days). */
const EXPIRY_AFTER_WINDOW = 7 * DAY_SECONDS;

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

/**
 * How an on-chain payment (the checkout path) came to count: paid and counted at once (`charge`), confirmed by the
 * customer (`confirm`), auto-captured by a keeper after the return window (`autoCapture`), or captured by the operator
 * (`capture`, here in part).
 */
export type CaptureStep = "charge" | "confirm" | "autoCapture" | "capture";

/** How a holder was paid: it claimed (`claim`, `claimTo`, the factory's `claimMany`), or the keeper pushed it
 * (`payout`). */
export type ClaimMethod = "claim" | "claimTo" | "claimMany" | "payout";

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
      /** How a checkout-path order counted (null for a recorded order). */
      capture: CaptureStep | null;
      /** Wei the payment held before it counted (= amount but for a partial capture, whose rest went back). */
      held: bigint;
      /** YDC the order minted, packed as `Capture.minted[0]`, from `PaymentCaptured` (0 for a recorded order). */
      minted: bigint;
    }
  /** A payment held for its customer (`PaymentAuthorized`): not revenue until it is captured. */
  | {
      kind: "authorize";
      day: number;
      orderHash: string;
      customer: string;
      referrer: string;
      amount: bigint;
      autoCaptureAt: bigint;
      expiry: bigint;
    }
  /** The customer asked to return the goods of a held payment (`ReturnRequested`). */
  | { kind: "requestReturn"; day: number; orderHash: string; customer: string }
  /** The operator voided a held payment: all of it went back to the customer (`PaymentVoided`). */
  | { kind: "void"; day: number; orderHash: string; customer: string; amount: bigint }
  /**
   * The operator refunded `amount` wei of a captured payment from the merchant balance (`PaymentRefunded`);
   * `clawedBack` and `unrecovered` are token 0's figures of the event (consumption in the low 96 bits, promotion
   * above).
   */
  | {
      kind: "refund";
      day: number;
      orderHash: string;
      customer: string;
      amount: bigint;
      clawedBack: bigint;
      unrecovered: bigint;
    }
  | { kind: "poolMint"; day: number; to: string; amount: bigint }
  /**
   * A day settled in full; `owed` is what the chain distributed to the token for it (`DaySettled`'s fromEscrow +
   * fromBalance) and `accumulator` the token's accumulator after it (`DividendsDistributed`), or undefined if the
   * token rolled it over (`DividendsRolledOver`).
   */
  | { kind: "settle"; day: number; owed: bigint; accumulator?: bigint }
  /** A claim as paid on chain (from `DividendsClaimed`), or a pushed payout (one holder's word of `DividendsPushed`). */
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
  /** Orders counted on the day (a held payment counts on its capture day, with the amount captured). */
  orders: number;
  /** Checkout-path orders counted on the day: charged, confirmed, auto-captured or captured by the operator. */
  checkoutOrders: number;
  recordedOrders: number;
  /** The day's checkout-path orders by how they counted. */
  charged: number;
  confirmed: number;
  autoCaptured: number;
  partlyCaptured: number;
  /** Payments authorized (held) on the day, whenever they count. */
  authorized: number;
  /** Held payments the customers returned within the window and the operator voided, on the day. */
  returned: number;
  /** Captured payments refunded in full on the day. */
  refunded: number;
  /** Revenue of the day's counted orders that were refunded later: it stays the day's revenue on chain. */
  refundedOrderRevenue: bigint;
  /** YDC the day's refunds took back (model), from the customers (consumption) and their referrers (promotion). */
  takenBack: bigint;
  /** The shop's coin at 23:30 (after the merchant's withdrawal), read from the chain. */
  shopCoinAtEnd: bigint;
  /** The merchant balance at 23:30, after the withdrawal. */
  merchantBalanceAtEnd: bigint;
  /** Returns owed to customers at 23:30 (pushes that failed, from `ReturnOwed`). */
  returnsOwedAtEnd: bigint;
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
  /** How the settlement was topped up: the merchant deposited before the keeper came, or the keeper sent what was
   * missing from the merchant's funding account (within its limit per day). */
  funding: "deposit" | "keeper" | "none";
  fundedWei: bigint;
  /** Block timestamp of the keeper's settlement of the day, and its lag behind the shop's midnight (seconds). */
  settledAt: bigint;
  settleLagSeconds: bigint;
  /** Block timestamp of the last payout that pushed the day's dividends, and its lag behind the midnight (0n: none). */
  paidOutAt: bigint;
  payoutLagSeconds: bigint;
  /** Wei the keeper pushed after the settlement, the holders it paid and its payout transactions. */
  pushedWei: bigint;
  holdersPaid: number;
  payoutTransactions: number;
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
  /** The on-chain payments of the month: how each counted, what went back, and the shop's coin at the end. */
  payments: PaymentsReport;
  totals: {
    /** Revenue counted on chain: every order, the refunded ones included (their revenue stays, see `refundedRevenue`). */
    revenue: Money;
    /** Revenue of the final orders (the interview checks' figure): `revenue − refundedRevenue`. */
    finalRevenue: Money;
    /** Revenue of the orders refunded after capture: counted on chain, dividends paid on it by the merchant. */
    refundedRevenue: Money;
    /** Σ per day floor(final revenue × dividendBps / 10,000): the dividends of the final orders. */
    finalDividends: Money;
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
    /** Orders counted on chain (the refunded ones included). */
    orders: number;
    /** Orders that stayed final: `orders` less the refunded ones. */
    finalOrders: number;
    checkoutOrders: number;
    recordedOrders: number;
    /** Final-order revenue / members. */
    averageSpend: Money;
    /** Dividends earned (claimed + claimable) by the members, not the servicer. */
    memberDividends: Money;
    averageDividend: Money;
    servicerDividends: Money;
    transactions: number;
  };
  elapsedMs: number;
}

/** A count of payments and their wei. */
export interface PaymentTally {
  count: number;
  amount: bigint;
}

/** The on-chain payments of a simulation (see {@link WuyouReport.payments}). */
export interface PaymentsReport {
  /** Paid and counted at once (`charge`): shop orders, and the orders refunded later. */
  charged: PaymentTally;
  /** Held for the customer (`authorize`): online orders, the returned ones and the partly captured ones. */
  authorized: PaymentTally;
  /** Captured by the customer's `confirm` (evening delivery, the same day). */
  confirmed: PaymentTally;
  /** Captured by the keeper's `autoCapture` just after the return window (silent customers), a week late. */
  autoCaptured: PaymentTally;
  /** Returned within the window (`requestReturn`, then the operator's `void`): never counted. */
  returned: PaymentTally;
  /** Captured in part by the operator after a return request (`capture`): `held`, `amount` captured, the rest back. */
  partlyCaptured: PaymentTally & { held: bigint; returned: bigint };
  /** Refunded in full after capture (`refund`), from the merchant balance; YDC taken back (on chain, token 0). */
  refunded: PaymentTally & {
    consumptionTakenBack: bigint;
    promotionTakenBack: bigint;
    unrecovered: bigint;
    /** Wei the merchant deposited before refunding (its balance had been withdrawn). */
    deposited: bigint;
  };
  /** Wei still held for customers at the end (0: every payment was captured or returned). */
  heldAtEnd: bigint;
  /** Returns owed at the end (pushes the customers rejected; read with `returnsOwed`). */
  returnsOwed: bigint;
  /** The shop's coin at the end, and its merchant balance. */
  shopCoin: bigint;
  merchantBalance: bigint;
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

/** A held payment's terms (`IShop.Payment`), as `PaymentAuthorized` carries them. */
export interface PaymentTerms {
  orderHash: string;
  customer: string;
  referrer: string;
  amount: bigint;
  autoCaptureAt: bigint;
  expiry: bigint;
}

/** A capture's terms (`IShop.Capture`), as `PaymentCaptured` carries them: what a refund passes back. */
export interface CaptureTerms {
  orderHash: string;
  customer: string;
  amount: bigint;
  refundDeadline: bigint;
  minted: bigint[];
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
  /** Revenue per 1-based day (an on-chain payment counts on its capture day, with the amount captured). */
  revenueByDay: Map<number, bigint>;
  /** Tokens minted per 1-based day, by kind, and taken back by that day's refunds. */
  mintedByDay: Map<number, MintedOnDay>;
  /** Wei held for customers now (authorized, neither captured nor voided). */
  held: bigint;
  /** Wei held at the end of each 1-based day on which a payment was authorized, captured or voided. */
  heldByDay: Map<number, bigint>;
  /** Wei that went back to customers: voided payments and the rest of partial captures. */
  returned: bigint;
  /** Wei refunded after capture. */
  refunded: bigint;
  /** YDC taken back by refunds: floor(minted × refunded / captured), at most what the holder still held. */
  takenBack: { consumption: bigint; promotion: bigint };
  /** The take-back of each refund, packed as `PaymentRefunded.clawedBack[0]`, in order. */
  predictedTakeBacks: bigint[];
  /** Refunds whose take-back on chain (`PaymentRefunded`) differs from the model's (order hashes). */
  takeBackMismatches: string[];
  /** Captures whose minted figures on chain (`PaymentCaptured`) differ from the model's (order hashes). */
  mintMismatches: string[];
}

/** Tokens minted on one day, by kind, and taken back by the day's refunds (token-wei). */
export interface MintedOnDay {
  consumption: bigint;
  promotion: bigint;
  pool: bigint;
  takenBack: bigint;
}

/** The wei the model holds for customers at the end of 1-based `day`. */
export function modelHeldAt(model: LedgerModel, day: number): bigint {
  let held = 0n;
  for (const [d, value] of model.heldByDay) if (d <= day) held = value;
  return held;
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
 * used already, mints consumption and promotion tokens, holds authorized payments until they are captured (counted
 * on the capture day, with the amount captured; the rest goes back) or voided (never counted), takes back on a refund
 * floor(minted × refunded / captured) from the customer and its bound referrer (at most what each still holds: the
 * balance and the supply drop, earned dividends stay), computes the pool allowance from the supply as the protocol
 * defines it (floor((supply − minted by the pool) × poolNum / poolDen) − minted by the pool, nothing when negative),
 * settles each day with the same 2^64 accumulator maths as `DividendToken` (carry and rollover included; each holder
 * earns balance × the accumulator's increase, exactly, and is floored only when it is paid), predicts each claim, and
 * keeps for each holder the exact rational pro-rata share of every settlement. Throws where the chain would have
 * reverted.
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
    held: 0n,
    heldByDay: new Map(),
    returned: 0n,
    refunded: 0n,
    takenBack: { consumption: 0n, promotion: 0n },
    predictedTakeBacks: [],
    takeBackMismatches: [],
    mintMismatches: [],
  };
  const qualified = new Map<string, bigint>();
  const known = new Set<string>();
  const usedOrderIds = new Set<bigint>();
  /** Payments by `orderHash/customer`: held (amount held) or captured (what a refund needs). */
  const heldPayments = new Map<string, { amount: bigint; returnRequested: boolean }>();
  const captures = new Map<
    string,
    { captured: bigint; refunded: bigint; consumption: bigint; promotion: bigint; referrer: string | undefined }
  >();
  // The pool formula, which the shop computes exactly from the supply (YDC's pool ratio never changes): refunds that
  // take tokens back lower it with the supply (it may go below what the pool minted: a deficit, allowing nothing).
  let poolMinted = 0n;
  const poolBalance = (): bigint =>
    rules.poolDen === 0n ? 0n : ((model.supply - poolMinted) * rules.poolNum) / rules.poolDen - poolMinted;
  const poolAllowance = (): bigint => {
    const balance = poolBalance();
    return balance > 0n ? balance : 0n;
  };
  const dayMinted = (day: number): MintedOnDay => {
    const minted = model.mintedByDay.get(day) ?? { consumption: 0n, promotion: 0n, pool: 0n, takenBack: 0n };
    model.mintedByDay.set(day, minted);
    return minted;
  };
  const burn = (address: string, amount: bigint, kind: "consumption" | "promotion"): bigint => {
    const holder = holderOf(address);
    const taken = amount > holder.balance ? holder.balance : amount;
    // The token burns the balance and leaves the holder's earnings as they were (its correction follows).
    holder.balance -= taken;
    holder[kind] -= taken;
    model.supply -= taken;
    return taken;
  };

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
    dayMinted(day)[kind] += amount;
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
          if (captures.has(key)) throw new Error(`model: payment ${orderHash} of ${customer} counted already`);
          if (event.capture === "charge") {
            if (heldPayments.has(key)) throw new Error(`model: charge of ${orderHash}, which is held`);
            if (event.held !== amount) throw new Error(`model: charge of ${orderHash} held ${event.held}`);
          } else {
            const held = heldPayments.get(key);
            if (held === undefined) throw new Error(`model: capture of ${orderHash}, which is not held`);
            if (held.amount !== event.held || amount === 0n || amount > held.amount) {
              throw new Error(`model: capture of ${amount} of ${orderHash}, which holds ${held.amount}`);
            }
            if (event.capture === "autoCapture" && held.returnRequested) {
              throw new Error(`model: auto-capture of ${orderHash}, whose return was requested`);
            }
            // The rest of a partial capture goes back to the customer.
            heldPayments.delete(key);
            model.held -= held.amount;
            model.returned += held.amount - amount;
            model.heldByDay.set(day, model.held);
          }
        }
        const first = !known.has(customer);
        if (first) {
          known.add(customer);
          if (referrer !== ZeroAddress) {
            if (referrer === customer) throw new Error(`model: self-referral by ${customer}`);
            model.referrers.set(customer, referrer);
          }
        } else if (referrer !== ZeroAddress && referrer !== (model.referrers.get(customer) ?? ZeroAddress)) {
          // A charge reverts (ShopReferrerAlreadyBound); a recorded order or a capture counts with the bound referrer.
          if (event.capture === "charge") throw new Error(`model: referrer of ${customer} already bound`);
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
        if (path === "checkout") {
          captures.set(`${orderHash}/${customer}`, {
            captured: amount,
            refunded: 0n,
            consumption,
            promotion,
            referrer: bound,
          });
          if (event.minted !== consumption + (promotion << 96n)) model.mintMismatches.push(orderHash);
        }
        model.poolAllowance = poolAllowance();
        break;
      }
      case "authorize": {
        const key = `${event.orderHash}/${event.customer}`;
        if (heldPayments.has(key) || captures.has(key)) throw new Error(`model: payment ${event.orderHash} exists`);
        if (event.referrer === event.customer) throw new Error(`model: self-referral by ${event.customer}`);
        if (event.expiry <= event.autoCaptureAt) throw new Error(`model: expiry of ${event.orderHash} too early`);
        heldPayments.set(key, { amount: event.amount, returnRequested: false });
        model.held += event.amount;
        model.heldByDay.set(event.day, model.held);
        break;
      }
      case "requestReturn": {
        const held = heldPayments.get(`${event.orderHash}/${event.customer}`);
        if (held === undefined || held.returnRequested) throw new Error(`model: return of ${event.orderHash}`);
        held.returnRequested = true;
        break;
      }
      case "void": {
        const key = `${event.orderHash}/${event.customer}`;
        const held = heldPayments.get(key);
        if (held === undefined || held.amount !== event.amount) throw new Error(`model: void of ${event.orderHash}`);
        heldPayments.delete(key);
        model.held -= held.amount;
        model.returned += held.amount;
        model.heldByDay.set(event.day, model.held);
        break;
      }
      case "refund": {
        const capture = captures.get(`${event.orderHash}/${event.customer}`);
        if (capture === undefined) throw new Error(`model: refund of ${event.orderHash}, which was not captured`);
        const before = capture.refunded;
        const after = before + event.amount;
        if (event.amount === 0n || after > capture.captured) {
          throw new Error(`model: refund of ${event.amount} of ${event.orderHash} over what is refundable`);
        }
        capture.refunded = after;
        model.refunded += event.amount;
        // floor(minted × refunded / captured) on the running total, less what earlier refunds took.
        const share = (made: bigint): bigint => (made * after) / capture.captured - (made * before) / capture.captured;
        const fromCustomer = burn(event.customer, share(capture.consumption), "consumption");
        const fromReferrer =
          capture.referrer === undefined ? 0n : burn(capture.referrer, share(capture.promotion), "promotion");
        model.takenBack.consumption += fromCustomer;
        model.takenBack.promotion += fromReferrer;
        dayMinted(event.day).takenBack += fromCustomer + fromReferrer;
        const packed = fromCustomer + (fromReferrer << 96n);
        model.predictedTakeBacks.push(packed);
        if (event.clawedBack !== packed) model.takeBackMismatches.push(event.orderHash);
        model.poolAllowance = poolAllowance();
        break;
      }
      case "poolMint": {
        const allowance = poolBalance();
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

/**
 * The interview's figures (tokens, revenue, dividends, members, average spend and dividend) against `report`, on the
 * final orders: revenue and average spend use the final orders' revenue (`finalRevenue`: the refunded orders'
 * revenue, which stays on chain, is left out), dividends are 20 % of each day's final revenue (`finalDividends`),
 * tokens are the supply after the refunds' take-backs, members are those with a final order, and the average dividend
 * is what the members earned on chain (claimed + claimable).
 */
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
      label: "revenue, final orders",
      simulated: `${formatCny(t.finalRevenue.wei)} CNY`,
      target: "≥ 300,000 CNY",
      ok: t.finalRevenue.wei >= INTERVIEW.revenue,
    },
    {
      key: "dividends",
      label: "dividends, final orders (20 %)",
      simulated: `${formatCny(t.finalDividends.wei)} CNY`,
      target: "≥ 60,000 CNY",
      ok: t.finalDividends.wei >= INTERVIEW.dividends,
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
 * per settlement of exact pro rata; the pool allowance left equal to the model's; each day's change of the on-chain
 * supply equal to the model's minting less its take-backs that day; every payment's mints (`PaymentCaptured`) and
 * every refund's take-back (`PaymentRefunded`) equal to the model's; and the shop's coin equal to the merchant
 * balance plus the payments held (the model's) plus the returns owed, every night and at the end (nothing held then).
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
  let coinDaysMatching = 0;
  for (const day of report.dayReports) {
    const minted = model.mintedByDay.get(day.day) ?? { consumption: 0n, promotion: 0n, pool: 0n, takenBack: 0n };
    const change = minted.consumption + minted.promotion + minted.pool - minted.takenBack;
    if (day.supplyAtEnd - previousSupply === change) daysMatching++;
    previousSupply = day.supplyAtEnd;
    if (day.shopCoinAtEnd === day.merchantBalanceAtEnd + modelHeldAt(model, day.day) + day.returnsOwedAtEnd) {
      coinDaysMatching++;
    }
  }
  const p = report.payments;
  const refunds = report.events.filter((e) => e.kind === "refund").length;
  const captures = report.events.filter((e) => e.kind === "order" && e.path === "checkout").length;
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
      label: `daily supply change on chain = model's minting − take-backs (${daysMatching}/${report.dayReports.length} days)`,
      ok:
        daysMatching === report.dayReports.length &&
        previousSupply === t.tokensIssued &&
        model.supply === t.tokensIssued,
    },
    {
      key: "takeBacksMatchModel",
      label: `payments' mints (${captures - model.mintMismatches.length}/${captures}) and refunds' take-backs (${refunds - model.takeBackMismatches.length}/${refunds}) = the model's`,
      ok:
        model.mintMismatches.length === 0 &&
        model.takeBackMismatches.length === 0 &&
        model.takenBack.consumption === p.refunded.consumptionTakenBack &&
        model.takenBack.promotion === p.refunded.promotionTakenBack &&
        p.refunded.unrecovered === 0n,
    },
    {
      key: "shopCoinReconciles",
      label: `shop coin = merchant balance + held payments + returns owed, each night (${coinDaysMatching}/${report.dayReports.length}) and at the end`,
      ok:
        coinDaysMatching === report.dayReports.length &&
        p.shopCoin === p.merchantBalance + p.heldAtEnd + p.returnsOwed &&
        p.heldAtEnd === model.held &&
        model.held === 0n,
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
  finalClaim: Exclude<ClaimMethod, "payout"> | "keep";
  /**
   * Whether the member opts out of push payouts and claims itself: the members whose habit is the factory's
   * `claimMany` or keeping their dividends, and those who claim mid-month. The others take the keeper's daily payouts.
   */
  optsOut: boolean;
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
    const finalClaim: MemberPlan["finalClaim"] =
      r < 0.4 ? "claim" : r < 0.65 ? "claimTo" : r < 0.9 ? "claimMany" : "keep";
    // Drawn in this order (the seed's figures depend on it).
    const claimManyToPayout = rng.chance(0.5);
    const claimsMidMonth = joinDay <= 10 && rng.chance(0.25);
    plans.push({
      index,
      wallet: derivedWallet(seed, `member/${index}`),
      payout: derivedWallet(seed, `payout/${index}`).address,
      joinDay,
      referrer,
      orders,
      finalClaim,
      optsOut: finalClaim === "claimMany" || finalClaim === "keep" || claimsMidMonth,
      claimManyToPayout,
      claimsMidMonth,
    });
  }
  return plans;
}

// ---------------------------------------------------------------- Simulation

/**
 * Runs one month of Wuyou Tea on the given in-process network: deploys the implementations and the factory, creates
 * the shop (UTC+8) and YDC, lets the community buy (operator batches, customer charges and held online payments,
 * with returns, partial captures and refunds), has the keeper settle each day just after the shop's midnight and
 * push its payouts (the recorded orders' share funded by the merchant's deposit or by the keeper from the merchant's
 * funding account), pays the servicer from the pool weekly, and has the opted-out holders claim at the end. Returns
 * the report and the deployment.
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

  // ---- Payments: which planned checkout-path orders are shop charges and which online orders, and the extra
  // orders that are returned, partly captured or refunded. Drawn from a PRNG of their own, so that the planned orders
  // (the final ones) are those of the plain month.
  const prng = new Prng(`${seed}/payments`);
  const planned: PlannedOrder[] = plans.flatMap((p) => p.orders);
  const online = new Set<PlannedOrder>();
  for (const order of planned) if (order.path === "checkout" && prng.chance(ONLINE_SHARE)) online.add(order);
  // Silent customers: a few checkout-path orders of the first two weeks (never a member's first, so that members join
  // on their planned day) are online orders whose customers never confirm.
  const silent = new Set<PlannedOrder>();
  const silentMembers = new Set<number>();
  const silentCandidates = planned.filter(
    (o) => o.path === "checkout" && o.day <= Math.min(14, days - 8) && plans[o.member].orders[0] !== o,
  );
  for (let tries = 0; silent.size < SILENT_ORDERS && silentCandidates.length > 0 && tries < 1_000; tries++) {
    const order = prng.pick(silentCandidates);
    if (silentMembers.has(order.member)) continue;
    silent.add(order);
    online.add(order);
    silentMembers.add(order.member);
  }

  /** A payment held for its customer: a planned online order, or an extra order returned in full or in part. */
  interface HeldPlan {
    order: PlannedOrder;
    fate: "confirm" | "autoCapture" | "returned" | "partial";
    /** Wei the operator captures of a partial return (the items the customer keeps). */
    keep: bigint;
    hash: string;
    /** The terms, from `PaymentAuthorized`. */
    terms: PaymentTerms | undefined;
  }
  /** An extra order charged, then refunded in full after capture. */
  interface RefundPlan {
    order: PlannedOrder;
    hash: string;
    capture: CaptureTerms | undefined;
  }
  type Action =
    | { type: "recorded"; day: number; minute: number; order: PlannedOrder }
    | { type: "charge"; day: number; minute: number; order: PlannedOrder; refund: RefundPlan | undefined }
    | {
        type: "authorize" | "confirm" | "autoCapture" | "requestReturn" | "void" | "capture";
        day: number;
        minute: number;
        order: PlannedOrder;
        held: HeldPlan;
      }
    | { type: "refund"; day: number; minute: number; order: PlannedOrder; refund: RefundPlan };
  const actionsByDay = new Map<number, Action[]>();
  const schedule = (action: Action): void => {
    const list = actionsByDay.get(action.day) ?? [];
    list.push(action);
    actionsByDay.set(action.day, list);
  };
  const eveningMinute = (): number => prng.int(21 * 60, 21 * 60 + 59);
  for (const order of planned) {
    if (order.path === "recorded") {
      schedule({ type: "recorded", day: order.day, minute: order.minute < 13 * 60 ? 13 * 60 : 22 * 60, order });
    } else if (!online.has(order)) {
      schedule({ type: "charge", day: order.day, minute: order.minute, order, refund: undefined });
    } else {
      const held: HeldPlan = {
        order,
        fate: silent.has(order) ? "autoCapture" : "confirm",
        keep: order.amount,
        hash: "",
        terms: undefined,
      };
      schedule({ type: "authorize", day: order.day, minute: order.minute, order, held });
      if (held.fate === "confirm") schedule({ type: "confirm", day: order.day, minute: eveningMinute(), order, held });
      // Right after its return window: a minute after the authorization, a week later.
      else schedule({ type: "autoCapture", day: order.day + 7, minute: order.minute + 1, order, held });
    }
  }
  // Extra orders, by members who ordered on an earlier day: baskets of catalogue items at catalogue prices.
  const extraOrder = (firstDay: number, lastDay: number, items: number): PlannedOrder => {
    const day = prng.int(firstDay, lastDay);
    const candidates = plans.filter((p) => p.joinDay < day);
    const member = prng.pick(candidates).index;
    const basket = Array.from({ length: items }, () => prng.pick(CATALOGUE));
    return {
      member,
      day,
      minute: prng.int(9 * 60, 21 * 60 - 1),
      amount: basket.reduce((a, p) => a + p.fen, 0n) * WEI_PER_FEN,
      path: "checkout",
      items: basket.map((p) => p.item),
    };
  };
  const returnedCount = Math.round(planned.length * RETURNED_SHARE);
  for (let k = 0; k < returnedCount; k++) {
    const order = extraOrder(2, days - 3, prng.int(1, 2));
    const held: HeldPlan = { order, fate: "returned", keep: 0n, hash: "", terms: undefined };
    const returnDay = order.day + prng.int(1, 3);
    const minute = prng.int(9 * 60, 17 * 60 + 59);
    schedule({ type: "authorize", day: order.day, minute: order.minute, order, held });
    schedule({ type: "requestReturn", day: returnDay, minute, order, held });
    schedule({ type: "void", day: returnDay, minute: minute + prng.int(30, 150), order, held });
  }
  for (let k = 0; k < PARTIAL_RETURNS; k++) {
    const order = extraOrder(2, days - 3, 3);
    // The customer keeps the first two items and sends the third back.
    const held: HeldPlan = {
      order,
      fate: "partial",
      keep: order.amount - (CATALOGUE.find((p) => p.item === order.items[2])?.fen ?? 0n) * WEI_PER_FEN,
      hash: "",
      terms: undefined,
    };
    const minute = prng.int(10 * 60, 16 * 60 + 59);
    schedule({ type: "authorize", day: order.day, minute: order.minute, order, held });
    schedule({ type: "requestReturn", day: order.day + 2, minute, order, held });
    schedule({ type: "capture", day: order.day + 2, minute: minute + prng.int(30, 120), order, held });
  }
  for (let k = 0; k < REFUNDED_ORDERS; k++) {
    const order = extraOrder(2, days - 3, prng.int(1, 2));
    const refund: RefundPlan = { order, hash: "", capture: undefined };
    schedule({ type: "charge", day: order.day, minute: order.minute, order, refund });
    schedule({
      type: "refund",
      day: order.day + prng.int(1, 3),
      minute: prng.int(10 * 60, 11 * 60 + 59),
      order,
      refund,
    });
  }
  const counts = (action: Action): boolean =>
    action.type === "recorded" ||
    action.type === "charge" ||
    action.type === "confirm" ||
    action.type === "autoCapture" ||
    action.type === "capture";

  const boundOnChain = new Set<number>();
  /** Planned orders that carry their member's referrer: each member's first order to count on chain. */
  const carriesReferrer = new Set<PlannedOrder>();
  const revenueByDay = new Map<number, bigint>();
  const memberSpend = new Map<number, bigint>();
  const memberOrders = new Map<number, number>();
  let orderSequence = 0;
  // The shop's backend numbers the orders it records, 1, 2, 3, … (on-chain payments are the customers' own and carry
  // none).
  let nextOrderId = 1n;
  let joinedSoFar = 0;
  let servicerJoinDay = 0;
  const [returnWindow] = await shop.returnWindow();
  /** Wei held for customers (from the payment events), and returns owed (from `ReturnOwed`). */
  let heldNow = 0n;
  let returnsOwedNow = 0n;
  const tally = (): PaymentTally => ({ count: 0, amount: 0n });
  const payments: PaymentsReport = {
    charged: tally(),
    authorized: tally(),
    confirmed: tally(),
    autoCaptured: tally(),
    returned: tally(),
    partlyCaptured: { ...tally(), held: 0n, returned: 0n },
    refunded: { ...tally(), consumptionTakenBack: 0n, promotionTakenBack: 0n, unrecovered: 0n, deposited: 0n },
    heldAtEnd: 0n,
    returnsOwed: 0n,
    shopCoin: 0n,
    merchantBalance: 0n,
  };

  /** Sends a payment step; counts the returns the shop could not push (`ReturnOwed`: none for these wallets). */
  const sendPayment = async (
    pending: Promise<{ wait(): Promise<TransactionReceipt | null> }>,
  ): Promise<TransactionReceipt> => {
    const receipt = await send(pending);
    for (const args of shopLogs(receipt, "ReturnOwed")) returnsOwedNow += args.amount as bigint;
    return receipt;
  };
  /** The shop's events of `receipt` named `name`, parsed. */
  const shopLogs = (receipt: TransactionReceipt, name: string): Result[] => {
    const found: Result[] = [];
    for (const log of receipt.logs as Log[]) {
      if (log.address !== shopAddress) continue;
      const parsed = shop.interface.parseLog(log);
      if (parsed?.name === name) found.push(parsed.args);
    }
    return found;
  };
  const oneLog = (receipt: TransactionReceipt, name: string): Result => {
    const [args] = shopLogs(receipt, name);
    if (args === undefined) throw new Error(`wuyou: no ${name} event`);
    return args;
  };

  // The keeper (scripts/keeper/keeper.ts, what `npm run keeper` runs) settles each day just after the shop's
  // midnight and pushes the dividends to every holder that has not opted out. It may fund a day's missing debt from
  // the merchant's funding account (the admin), up to a limit per day, as `--fund-from` / `--fund-limit` do.
  const keeperService = createKeeper({
    transport: fromEthers(keeper),
    factory: (await factory.getAddress()) as `0x${string}`,
    funding: { transport: fromEthers(admin), limitPerDayWei: KEEPER_FUND_LIMIT_CNY * WEI_PER_CNY },
  });
  // Holders who claim themselves opt out of push payouts before they hold anything: the members whose habit is the
  // factory's claimMany or keeping their dividends, and the servicer (who claims for its books).
  let optedOut = 0;
  for (const plan of plans) {
    if (!plan.optsOut) continue;
    await send(token.connect(members[plan.index]).setPayoutOptOut(true));
    optedOut++;
  }
  await send(token.connect(servicer).setPayoutOptOut(true));
  progress(
    `${optedOut} members and the servicer opt out of push payouts (they claim themselves); ` +
      `${plans.length - optedOut} members take the keeper's daily payouts`,
  );

  /** Books a keeper tick's payouts as claims of `day` (each holder paid to itself) and returns them in all. */
  const bookPayouts = (tick: TickReport, day: number): { wei: bigint; holders: number; last: bigint } => {
    let wei = 0n;
    let holders = 0;
    let last = 0n;
    for (const action of tick.payouts) {
      if (action.token.toLowerCase() !== tokenAddress.toLowerCase()) continue;
      for (const paid of action.paid) {
        const holder = getAddress(paid.holder);
        events.push({ kind: "claim", day, holder, recipient: holder, amount: paid.amount, method: "payout" });
        claimedBy.set(holder, (claimedBy.get(holder) ?? 0n) + paid.amount);
        wei += paid.amount;
        holders++;
      }
      if (action.skipped.length > 0) throw new Error(`wuyou: the keeper's payout skipped ${action.skipped.length}`);
      if (action.timestamp > last) last = action.timestamp;
      transactions++;
    }
    return { wei, holders, last };
  };

  const settleDay = async (day: number): Promise<void> => {
    const chainDay = chainDayOf(day);
    const hasOrders = (revenueByDay.get(day) ?? 0n) > 0n;
    const before = await shop.tokenDay(0, chainDay);
    const escrowed = before.escrowed;
    // What the day owes beyond its checkout escrow: the recorded orders' share, paid from the merchant balance.
    const required = before.owed - escrowed;
    const balance = await shop.merchantBalance();
    const shortfall = required > balance ? required - balance : 0n;
    let funding: DayReport["funding"] = "none";
    if (day % 2 === 0 && shortfall > 0n) {
      // Even days: the merchant prepays at 00:01; odd days the keeper sends what is missing from the funding account.
      await at(day + 1, 1);
      await send(shop.connect(admin).deposit({ value: shortfall }));
      funding = "deposit";
    }
    // 00:05: the keeper's tick.
    await at(day + 1, 5);
    const tick = await keeperService.tick();
    if (!tick.ok) {
      throw new Error(`wuyou: the keeper failed: ${tick.failures.map((f) => `${f.action}: ${f.message}`).join("; ")}`);
    }
    if (tick.unfunded.length > 0) throw new Error(`wuyou: the keeper left day ${day} unfunded`);
    const settlements = tick.settlements.filter((x) => x.day === chainDay);
    if (!hasOrders) {
      // A day without orders owes nothing: the keeper has nothing to settle.
      if (settlements.length > 0) throw new Error(`wuyou: the keeper settled day ${day}, which had no orders`);
      if (bookPayouts(tick, day + 1).holders > 0) throw new Error(`wuyou: the keeper paid out with nothing settled`);
      progress(`day ${String(day).padStart(2)}/${days}: no orders, nothing to settle`);
      return;
    }
    if (settlements.length !== 1 || tick.settlements.length !== 1) {
      throw new Error(`wuyou: the keeper settled ${tick.settlements.length} days at 00:05 of day ${day + 1}, not 1`);
    }
    const settlement: SettlementAction = settlements[0];
    transactions++;
    if (settlement.funded > 0n) funding = "keeper";
    const receipt = await provider.getTransactionReceipt(settlement.hash);
    if (receipt === null) throw new Error(`wuyou: no receipt for the settlement of day ${day}`);
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
    // Then the keeper's payouts of the same tick, in the order they were mined.
    const pushed = bookPayouts(tick, day + 1);
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
    report.settledAt = settlement.timestamp;
    report.settleLagSeconds = settlement.lagSeconds;
    report.pushedWei = pushed.wei;
    report.holdersPaid = pushed.holders;
    report.payoutTransactions = tick.payouts.length;
    report.paidOutAt = pushed.last;
    report.payoutLagSeconds = pushed.last === 0n ? 0n : pushed.last - settlement.midnight;
    report.supplyAtSettlement = await token.totalSupply();
    const fundingText =
      funding === "none"
        ? "merchant balance"
        : `${funding === "deposit" ? "deposit" : "keeper funding"} ${formatCny(shortfall)}`;
    const clock = (timestamp: bigint): string => localTime(timestamp).slice(11);
    const steps = (
      [
        [report.authorized, "authorized"],
        [report.confirmed, "confirmed"],
        [report.autoCaptured, "auto-captured"],
        [report.partlyCaptured, "partly captured"],
        [report.returned, "returned"],
        [report.refunded, "refunded"],
      ] as const
    )
      .filter(([count]) => count > 0)
      .map(([count, label]) => `${count} ${label}`);
    progress(
      `day ${String(day).padStart(2)}/${days}: ${report.orders} order${report.orders === 1 ? "" : "s"} ` +
        `(${report.checkoutOrders} checkout, ` +
        `${report.recordedOrders} recorded), members ${report.membersSoFar} (+${report.newMembers}), ` +
        `revenue ${formatCny(revenue)} CNY, settled ${formatCny(owed)} CNY ` +
        `(escrow ${formatCny(fromEscrow)} + ${fundingText}) at ${clock(settlement.timestamp)}, ` +
        `pushed ${formatCny(pushed.wei)} CNY to ${pushed.holders} holders` +
        (pushed.last === 0n ? "" : ` by ${clock(pushed.last)}`) +
        `, supply ${formatTokens(report.supplyAtSettlement)} YDC` +
        (steps.length === 0 ? "" : `; payments: ${steps.join(", ")}`),
    );
  };

  for (let day = 1; day <= days; day++) {
    // 00:05: the keeper settles yesterday and pushes its dividends.
    if (day > 1) await settleDay(day - 1);
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
        // Members who take push payouts have nothing left to claim at 08:00.
        if (!plan.claimsMidMonth || !plan.optsOut) continue;
        total += claimsOf(await send(token.connect(members[plan.index]).claim()), day, "claim");
        count++;
      }
      if (count > 0) progress(`day ${String(day).padStart(2)}/${days}: ${count} members claim ${formatCny(total)} CNY`);
    }

    // 09:00 to 22:00: the day's orders and payment steps, in the order they reach the chain. Customers charge, or
    // authorize online orders and confirm them on delivery in the evening (21:00); a keeper auto-captures the silent
    // customers' a week later; the operator records the other orders in two batches, at 13:00 (the morning's) and
    // 22:00 (the afternoon's), voids returned payments, captures the kept part of a partial return and refunds.
    const todays = [...(actionsByDay.get(day) ?? [])].sort(
      (a, b) =>
        a.minute - b.minute ||
        (a.type === b.type ? 0 : a.type === "recorded" ? -1 : b.type === "recorded" ? 1 : 0) ||
        a.order.minute - b.order.minute ||
        a.order.member - b.order.member,
    );
    // Each member's referrer goes with its first order to count on chain.
    for (const action of todays) {
      if (!counts(action) || boundOnChain.has(action.order.member)) continue;
      if (action.order.day !== day) throw new Error(`wuyou: member ${action.order.member}'s first order counts late`);
      boundOnChain.add(action.order.member);
      carriesReferrer.add(action.order);
    }
    const countedToday = todays.filter(counts);
    const report: DayReport = {
      day,
      chainDay: chainDayOf(day),
      orders: countedToday.length,
      checkoutOrders: countedToday.filter((a) => a.type !== "recorded").length,
      recordedOrders: countedToday.filter((a) => a.type === "recorded").length,
      charged: countedToday.filter((a) => a.type === "charge").length,
      confirmed: countedToday.filter((a) => a.type === "confirm").length,
      autoCaptured: countedToday.filter((a) => a.type === "autoCapture").length,
      partlyCaptured: countedToday.filter((a) => a.type === "capture").length,
      authorized: todays.filter((a) => a.type === "authorize").length,
      returned: todays.filter((a) => a.type === "void").length,
      refunded: todays.filter((a) => a.type === "refund").length,
      refundedOrderRevenue: 0n,
      takenBack: 0n,
      shopCoinAtEnd: 0n,
      merchantBalanceAtEnd: 0n,
      returnsOwedAtEnd: 0n,
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
      settledAt: 0n,
      settleLagSeconds: 0n,
      paidOutAt: 0n,
      payoutLagSeconds: 0n,
      pushedWei: 0n,
      holdersPaid: 0,
      payoutTransactions: 0,
      supplyAtSettlement: 0n,
      checkoutRevenue: 0n,
      recordedRevenue: 0n,
      supplyAtEnd: 0n,
      consumptionMinted: 0n,
      promotionMinted: 0n,
      poolMinted: 0n,
    };
    dayReports.push(report);

    /** Books an order that counted today (`final`: not to be refunded) and returns the referrer it carries. */
    const counted = (order: PlannedOrder, amount: bigint, final: boolean): void => {
      revenueByDay.set(day, (revenueByDay.get(day) ?? 0n) + amount);
      if (order.path === "recorded") report.recordedRevenue += amount;
      else report.checkoutRevenue += amount;
      if (carriesReferrer.has(order)) report.newMembers++;
      if (!final) {
        report.refundedOrderRevenue += amount;
        return;
      }
      memberSpend.set(order.member, (memberSpend.get(order.member) ?? 0n) + amount);
      memberOrders.set(order.member, (memberOrders.get(order.member) ?? 0) + 1);
    };
    const referrerOf = (order: PlannedOrder): string => {
      const plan = plans[order.member];
      return carriesReferrer.has(order) && plan.referrer >= 0 ? members[plan.referrer].address : ZeroAddress;
    };
    /** The order event of a payment that counted (`PaymentCaptured` in `receipt`). */
    const capturedEvent = (
      receipt: TransactionReceipt,
      order: PlannedOrder,
      hash: string,
      referrer: string,
      held: bigint,
      capture: CaptureStep,
    ): CaptureTerms => {
      const args = oneLog(receipt, "PaymentCaptured");
      const terms: CaptureTerms = {
        orderHash: args.orderHash as string,
        customer: args.customer as string,
        amount: args.amount as bigint,
        refundDeadline: args.refundDeadline as bigint,
        minted: [...(args.minted as bigint[])],
      };
      events.push({
        kind: "order",
        day,
        path: "checkout",
        orderId: 0n,
        orderHash: hash,
        customer: members[order.member].address,
        amount: terms.amount,
        referrer,
        capture,
        held,
        minted: terms.minted[0] ?? 0n,
      });
      return terms;
    };
    const heldTerms = (held: HeldPlan): PaymentTerms => {
      if (held.terms === undefined) throw new Error("wuyou: payment step before its authorization");
      return held.terms;
    };
    const captureHeld = (receipt: TransactionReceipt, held: HeldPlan, capture: CaptureStep): void => {
      const terms = heldTerms(held);
      const captured = capturedEvent(receipt, held.order, held.hash, terms.referrer, terms.amount, capture);
      heldNow -= terms.amount;
      counted(held.order, captured.amount, true);
    };

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
            capture: null,
            held: 0n,
            minted: 0n,
          });
        }
      }
      batch = [];
    };
    let batchAt = 0;
    for (const action of todays) {
      if (batch.length > 0 && (action.type !== "recorded" || action.minute !== batchAt)) {
        await at(day, batchAt);
        await flush();
      }
      const { order } = action;
      const customer = members[order.member];
      if (action.type === "recorded") {
        const referrer = referrerOf(order);
        counted(order, order.amount, true);
        batch.push({ order, orderId: nextOrderId++, hash: orderHash(order, orderSequence++), referrer });
        batchAt = action.minute;
        continue;
      }
      await at(day, action.minute);
      switch (action.type) {
        case "charge": {
          const hash = orderHash(order, orderSequence++);
          const referrer = referrerOf(order);
          const receipt = await sendPayment(shop.connect(customer).charge(hash, referrer, { value: order.amount }));
          const terms = capturedEvent(receipt, order, hash, referrer, order.amount, "charge");
          payments.charged.count++;
          payments.charged.amount += order.amount;
          if (action.refund !== undefined) {
            action.refund.hash = hash;
            action.refund.capture = terms;
          }
          counted(order, order.amount, action.refund === undefined);
          break;
        }
        case "authorize": {
          const held = action.held;
          held.hash = orderHash(order, orderSequence++);
          const now = await helpers.time.latest();
          const expiry = BigInt(now) + returnWindow + BigInt(EXPIRY_AFTER_WINDOW);
          const receipt = await sendPayment(
            shop.connect(customer).authorize(held.hash, referrerOf(order), expiry, { value: order.amount }),
          );
          const args = oneLog(receipt, "PaymentAuthorized");
          held.terms = {
            orderHash: args.orderHash as string,
            customer: args.customer as string,
            referrer: args.referrer as string,
            amount: args.amount as bigint,
            autoCaptureAt: args.autoCaptureAt as bigint,
            expiry: args.expiry as bigint,
          };
          events.push({ kind: "authorize", day, ...held.terms });
          heldNow += held.terms.amount;
          payments.authorized.count++;
          payments.authorized.amount += held.terms.amount;
          break;
        }
        case "confirm": {
          const receipt = await sendPayment(shop.connect(customer).confirm(heldTerms(action.held)));
          captureHeld(receipt, action.held, "confirm");
          payments.confirmed.count++;
          payments.confirmed.amount += action.held.order.amount;
          break;
        }
        case "autoCapture": {
          // Just after the payment's return window is over.
          const terms = heldTerms(action.held);
          if (BigInt(await helpers.time.latest()) < terms.autoCaptureAt) {
            await helpers.time.increaseTo(terms.autoCaptureAt);
          }
          const receipt = await sendPayment(shop.connect(keeper).autoCapture(terms));
          captureHeld(receipt, action.held, "autoCapture");
          payments.autoCaptured.count++;
          payments.autoCaptured.amount += terms.amount;
          break;
        }
        case "requestReturn": {
          const terms = heldTerms(action.held);
          await sendPayment(shop.connect(customer).requestReturn(terms));
          events.push({ kind: "requestReturn", day, orderHash: terms.orderHash, customer: terms.customer });
          break;
        }
        case "void": {
          const terms = heldTerms(action.held);
          const receipt = await sendPayment(shop.connect(operator).void(terms));
          const amount = oneLog(receipt, "PaymentVoided").amount as bigint;
          events.push({ kind: "void", day, orderHash: terms.orderHash, customer: terms.customer, amount });
          heldNow -= amount;
          payments.returned.count++;
          payments.returned.amount += amount;
          break;
        }
        case "capture": {
          const terms = heldTerms(action.held);
          const receipt = await sendPayment(shop.connect(operator).capture(terms, action.held.keep));
          captureHeld(receipt, action.held, "capture");
          payments.partlyCaptured.count++;
          payments.partlyCaptured.amount += action.held.keep;
          payments.partlyCaptured.held += terms.amount;
          payments.partlyCaptured.returned += terms.amount - action.held.keep;
          break;
        }
        case "refund": {
          const capture = action.refund.capture;
          if (capture === undefined) throw new Error("wuyou: refund before its charge");
          // The merchant withdraws its balance every night: it deposits what the refund needs beyond it.
          const balance = await shop.merchantBalance();
          if (balance < capture.amount) {
            await send(shop.connect(admin).deposit({ value: capture.amount - balance }));
            payments.refunded.deposited += capture.amount - balance;
          }
          const receipt = await sendPayment(shop.connect(operator).refund(capture, capture.amount));
          const args = oneLog(receipt, "PaymentRefunded");
          const clawedBack = (args.clawedBack as bigint[])[0] ?? 0n;
          const unrecovered = (args.unrecovered as bigint[])[0] ?? 0n;
          events.push({
            kind: "refund",
            day,
            orderHash: capture.orderHash,
            customer: capture.customer,
            amount: args.amount as bigint,
            clawedBack,
            unrecovered,
          });
          const mask = (1n << 96n) - 1n;
          payments.refunded.count++;
          payments.refunded.amount += args.amount as bigint;
          payments.refunded.consumptionTakenBack += clawedBack & mask;
          payments.refunded.promotionTakenBack += clawedBack >> 96n;
          payments.refunded.unrecovered += (unrecovered & mask) + (unrecovered >> 96n);
          report.takenBack += (clawedBack & mask) + (clawedBack >> 96n);
          break;
        }
      }
    }
    if (batch.length > 0) {
      await at(day, batchAt);
      await flush();
    }
    joinedSoFar += report.newMembers;
    report.membersSoFar = joinedSoFar;
    report.revenue = revenueByDay.get(day) ?? 0n;

    // 23:30: the merchant withdraws its part of the day's payments; recorded orders' dividends will be funded at
    // settlement. What the shop keeps then is the payments it holds for customers (and returns owed, if any).
    await at(day, 23 * 60 + 30);
    const merchantBalance = await shop.merchantBalance();
    if (merchantBalance > 0n) await send(shop.connect(admin).withdraw(admin.address, merchantBalance));
    report.supplyAtEnd = await token.totalSupply();
    report.shopCoinAtEnd = await provider.getBalance(shopAddress);
    report.merchantBalanceAtEnd = await shop.merchantBalance();
    report.returnsOwedAtEnd = returnsOwedNow;
  }

  // Day after the month: the keeper settles the last day and pays it out, then the opted-out holders claim.
  const endDay = days + 1;
  await settleDay(days);
  await at(endDay, 10 * 60);
  const tokenList = [tokenAddress];
  let claimCount = 0;
  for (const plan of plans) {
    const wallet = members[plan.index];
    // The members who take push payouts were paid by the keeper; of the others, a few keep theirs.
    if (!plan.optsOut || plan.finalClaim === "keep") continue;
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
  progress(
    `day ${endDay}: ${claimCount} opted-out holders claim (claim, claimTo, factory.claimMany); the others keep ` +
      `theirs or were paid by the keeper`,
  );

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
  const refundedRevenue = sum(dayReports.map((d) => d.refundedOrderRevenue));
  const finalRevenue = revenue - refundedRevenue;
  const finalDividends = sum(
    dayReports.map((d) => ((d.revenue - d.refundedOrderRevenue) * YDC_RULES.dividendBps) / BPS),
  );
  // The shop's coin at the end: the merchant balance, what it still holds for customers, and the returns it owes.
  let returnsOwed = 0n;
  for (const account of [...members, keeper]) returnsOwed += await shop.returnsOwed(account.address);
  payments.heldAtEnd = heldNow;
  payments.returnsOwed = returnsOwed;
  payments.shopCoin = await provider.getBalance(shopAddress);
  payments.merchantBalance = await shop.merchantBalance();

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
    payments,
    totals: {
      revenue: money(revenue),
      finalRevenue: money(finalRevenue),
      refundedRevenue: money(refundedRevenue),
      finalDividends: money(finalDividends),
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
      finalOrders: dayReports.reduce((a, d) => a + d.orders, 0) - payments.refunded.count,
      checkoutOrders: dayReports.reduce((a, d) => a + d.checkoutOrders, 0),
      recordedOrders: dayReports.reduce((a, d) => a + d.recordedOrders, 0),
      averageSpend: money(memberTotal === 0n ? 0n : finalRevenue / memberTotal),
      memberDividends: money(memberDividends),
      averageDividend: money(memberTotal === 0n ? 0n : memberDividends / memberTotal),
      servicerDividends: money(servicerDividends),
      transactions,
    },
    elapsedMs: Date.now() - started,
  };
  return { report, deployment: { factory, shop, token, admin, operator, poolManager } };
}
