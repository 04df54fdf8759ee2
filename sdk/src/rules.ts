/**
 * Token rules in human units. Merchants write rules as decimal coin amounts, percentages and ratios
 * ({@link defineRules}); the SDK validates them exactly as the shop's `RulesLib.validate` would, refuses anything
 * ambiguous, and returns `IShop.TokenRules` with the bigints the contract takes. {@link describeRules} and
 * {@link formatRules} turn on-chain rules back into the human form and into one English line;
 * {@link classifyRulesChange} tells, as `RulesLib.isAtOnce` does, whether a change applies at once or waits for the
 * token's notice period.
 *
 * @packageDocumentation
 */
import { InvalidAmountError, ShareMallError, describeValue } from "./errors.js";
import type { IntegerLike } from "./types.js";
import { UINT96_MAX, validateAmount } from "./validation.js";

/** Basis points in 100 %. */
export const BPS_DENOMINATOR = 10_000n;
/** One whole token (or one whole native coin) in its smallest unit: both have 18 decimals. */
export const ONE_TOKEN = 10n ** 18n;
/** Seconds in a day. */
export const SECONDS_PER_DAY = 86_400n;
/** The shop's default notice period for a rule change, in days (`noticePeriod` 0 on chain). */
export const DEFAULT_NOTICE_DAYS = 7n;
/** The shortest notice period the shop accepts, in days. */
export const MIN_NOTICE_DAYS = 1n;
/** Largest token name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 64;
/** Largest token symbol, in UTF-8 bytes. */
export const MAX_SYMBOL_BYTES = 16;

const UINT32_MAX = (1n << 32n) - 1n;
const UINT16_MAX = (1n << 16n) - 1n;
const DECIMALS = 18;

// ------------------------------------------------------------------ Types

/**
 * `IShop.TokenRules` as the contract takes it: wei, token-wei, basis points and counts, all bigints. Structurally
 * the same as TypeChain's `IShop.TokenRulesStruct` / `TokenRulesStructOutput`.
 */
export interface TokenRules {
  /** Wei of spend that mints one whole token; 0 disables consumption minting (`uint96`). */
  spendPerToken: bigint;
  /** Smallest first order (wei) of a referee that counts toward `referralsPerToken` (`uint96`). */
  minFirstOrder: bigint;
  /** One whole token to the referrer per this many qualifying referees; 0 disables (`uint32`). */
  referralsPerToken: bigint;
  /** Share of the shop's daily revenue paid to the token's holders, in basis points (`uint16`, at most 10,000). */
  dividendBps: bigint;
  /** Share of a referee's consumption tokens minted to its referrer, in basis points (`uint16`, at most 10,000). */
  referralBps: bigint;
  /** Largest supply in token-wei; 0 for no cap (`uint96`). */
  maxSupply: bigint;
  /** Pool tokens accrued per `poolDen` minted (`uint16`, at most `poolDen`). */
  poolNum: bigint;
  /** Denominator of the pool ratio; 0 (with `poolNum` 0) disables the pool (`uint16`). */
  poolDen: bigint;
}

/** The fields of {@link TokenRules}, in the order of the Solidity struct. */
export const TOKEN_RULES_FIELDS: readonly (keyof TokenRules)[] = [
  "spendPerToken",
  "minFirstOrder",
  "referralsPerToken",
  "dividendBps",
  "referralBps",
  "maxSupply",
  "poolNum",
  "poolDen",
];

/** On-chain rules given loosely: each field a bigint, safe-integer number or decimal string of digits. */
export type TokenRulesLike = { readonly [K in keyof TokenRules]: IntegerLike };

/** `IShop.TokenParams` as the contract takes it. */
export interface TokenParams {
  /** ERC-20 name, 1 to 64 bytes of UTF-8. */
  name: string;
  /** ERC-20 symbol, 1 to 16 bytes of UTF-8. */
  symbol: string;
  /** Whether holders may transfer the token (fixed forever). */
  transferable: boolean;
  /** Notice period of a rule change in seconds (at least one day). */
  noticePeriod: bigint;
  /** The initial rules. */
  rules: TokenRules;
}

/**
 * An amount of native coin: a decimal string of whole coins with at most 18 decimals (`"0.3"`), or `{ wei }`.
 * Numbers are refused: binary floating point cannot hold most decimal amounts exactly.
 */
export type CoinAmountInput = string | { readonly wei: IntegerLike };

/** An amount of tokens: a decimal string of whole tokens with at most 18 decimals (`"1000000"`), or `{ wei }`. */
export type TokenAmountInput = string | { readonly wei: IntegerLike };

/**
 * A share: a string of a percentage with at most two decimals (`"20%"`, `"20 %"`, `"0.05%"`), or `{ bps }` in
 * basis points (1 bp = 0.01 %).
 */
export type PercentInput = string | { readonly bps: IntegerLike };

/** The referral part of {@link RulesInput}; every part optional. */
export interface ReferralInput {
  /** Share of each referee's consumption tokens minted to its referrer (default `"0%"`). */
  readonly share?: PercentInput;
  /** One whole token to the referrer per this many qualifying referees; `null` or omitted disables. */
  readonly oneTokenPer?: IntegerLike | null;
  /** Smallest first order, in native coin, for a referee to qualify (default `"0"`: any first order). */
  readonly minFirstOrder?: CoinAmountInput;
}

/** The management pool: `tokens` pool tokens accrue per `per` tokens minted to customers and referrers. */
export interface PoolInput {
  /** Pool tokens (numerator, `0 .. per`, at most 65,535). */
  readonly tokens: IntegerLike;
  /** Per this many minted tokens (denominator, `1 .. 65,535`). */
  readonly per: IntegerLike;
}

/** Token rules in human units, as {@link defineRules} takes them. */
export interface RulesInput {
  /** Native coin spent per whole token minted to the customer; `null` disables consumption minting. */
  readonly spendPerToken: CoinAmountInput | null;
  /** Share of the shop's daily revenue paid to the holders. */
  readonly dividend: PercentInput;
  /** Referral rewards; omitted or `null` for none. */
  readonly referral?: ReferralInput | null;
  /** Management pool ratio; omitted or `null` for no pool. */
  readonly pool?: PoolInput | null;
  /** Largest supply in whole tokens; omitted or `null` for no cap. */
  readonly maxSupply?: TokenAmountInput | null;
}

/** On-chain rules in human units, as {@link describeRules} returns them; {@link defineRules} takes it back. */
export interface RulesSpec {
  /** Native coin per whole token (decimal string), or `null` when consumption minting is off. */
  spendPerToken: string | null;
  /** Dividend share, e.g. `"20%"`. */
  dividend: string;
  /** Referral rewards, or `null` when all referral fields are zero. */
  referral: { share: string; oneTokenPer: number | null; minFirstOrder: string } | null;
  /** Pool ratio, or `null` when the pool is off (`poolNum` and `poolDen` both 0). */
  pool: { tokens: number; per: number } | null;
  /** Supply cap in whole tokens (decimal string), or `null` for none. */
  maxSupply: string | null;
}

/** Human input of {@link tokenParams}. */
export interface TokenParamsInput {
  /** ERC-20 name, 1 to 64 bytes of UTF-8. */
  readonly name: string;
  /** ERC-20 symbol, 1 to 16 bytes of UTF-8. */
  readonly symbol: string;
  /** Whether holders may transfer the token (default `false`; fixed forever). */
  readonly transferable?: boolean;
  /** Notice period of a rule change in whole days (default 7, at least 1). */
  readonly noticeDays?: IntegerLike;
  /** The rules: human input (run through {@link defineRules}) or on-chain rules (validated). */
  readonly rules: RulesInput | TokenRulesLike;
}

/** How a field's change affects contributors (customers, referrers, the pool) or, for dividends, the holders. */
export type ChangeDirection = "more generous" | "stingier" | "changed";

/** One field changed by a rule change. */
export interface RulesChange {
  /** The on-chain field. */
  field: keyof TokenRules;
  /** Its current value. */
  from: bigint;
  /** Its new value. */
  to: bigint;
  /**
   * `"more generous"` if it mints more (or pays more dividends, or caps supply later), `"stingier"` if less,
   * `"changed"` if neither (a pool ratio rewritten with other numbers but the same value).
   */
  direction: ChangeDirection;
}

/** What {@link classifyRulesChange} returns. */
export interface RulesChangeClassification {
  /** Whether `changeRules` applies it at once (only a raise of `dividendBps`, or nothing); else it is scheduled. */
  atOnce: boolean;
  /** The changed fields, in struct order. */
  changes: RulesChange[];
}

// ------------------------------------------------------------------ Errors

/** A rule (human or on-chain) is malformed, out of range, or inconsistent as `RulesLib.validate` would refuse. */
export class InvalidRulesError extends ShareMallError {
  constructor(
    /** The rules field, e.g. `"dividend"`, `"referral.share"`, `"pool.tokens"` or `"dividendBps"`. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_RULES", `Invalid rules field "${field}": ${describeValue(value)} (${reason})`);
  }
}

/** A token's name, symbol, transfer flag or notice period is refused (as `createToken` would refuse it). */
export class InvalidTokenParamsError extends ShareMallError {
  constructor(
    /** The field: `"name"`, `"symbol"`, `"transferable"`, `"noticeDays"` or `"params"`. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_TOKEN_PARAMS", `Invalid token params field "${field}": ${describeValue(value)} (${reason})`);
  }
}

// ------------------------------------------------------------------ Parsing helpers

const DECIMAL_RE = /^([0-9]+)(?:\.([0-9]+))?$/;
const PERCENT_RE = /^([0-9]+)(?:\.([0-9]+))? ?%$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkKeys(prefix: string, value: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      throw new InvalidRulesError(prefix + key, value[key], `unknown field; expected one of ${allowed.join(", ")}`);
    }
  }
}

/** An integer via validateAmount, rethrown as InvalidRulesError naming `field`. */
function integer(field: string, value: unknown, min: bigint, max: bigint): bigint {
  try {
    return validateAmount(field, value, { min, max });
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new InvalidRulesError(field, value, error.reason);
    throw error;
  }
}

function describeMax(max: bigint): string {
  if (max === UINT96_MAX) return "2^96 - 1 (uint96)";
  if (max === UINT32_MAX) return "2^32 - 1 (uint32)";
  if (max === UINT16_MAX) return "65535 (uint16)";
  return max.toString();
}

/** A decimal string with at most 18 decimals, scaled to its smallest unit. */
function parseDecimal(field: string, value: string, unit: string): bigint {
  const match = DECIMAL_RE.exec(value);
  if (match === null) {
    let reason = `expected a decimal string of ${unit} such as "0.3"`;
    if (value === "") reason = "empty string";
    else if (/^-\s*[0-9.]/.test(value)) reason = "negative";
    else if (/^\s|\s$/.test(value)) reason = "surrounding spaces";
    throw new InvalidRulesError(field, value, reason);
  }
  const fraction = match[2] ?? "";
  if (fraction.length > DECIMALS) {
    throw new InvalidRulesError(field, value, `more than ${DECIMALS} decimals (below one wei)`);
  }
  return BigInt(match[1]) * ONE_TOKEN + BigInt(fraction.padEnd(DECIMALS, "0"));
}

/** A coin or token amount (decimal string or `{ wei }`), within `1 .. 2^96 - 1` or `0 .. 2^96 - 1`. */
function parseUnits(field: string, value: unknown, unit: string, allowZero: boolean, zeroHint: string): bigint {
  let n: bigint;
  if (typeof value === "string") {
    n = parseDecimal(field, value, unit);
  } else if (isRecord(value)) {
    checkKeys(`${field}.`, value, ["wei"]);
    if (!("wei" in value)) throw new InvalidRulesError(field, value, "expected a decimal string or { wei }");
    n = integer(`${field}.wei`, value.wei, 0n, (1n << 256n) - 1n);
  } else {
    const reason =
      typeof value === "number"
        ? `numbers are refused (floating point is inexact); give a decimal string such as "${
            Number.isFinite(value) && value >= 0 ? String(value) : "0.3"
          }" or { wei }`
        : `expected a decimal string of ${unit} or { wei }`;
    throw new InvalidRulesError(field, value, reason);
  }
  if (n === 0n && !allowZero) throw new InvalidRulesError(field, value, `zero is ambiguous; ${zeroHint}`);
  if (n > UINT96_MAX) throw new InvalidRulesError(field, value, `above the maximum ${describeMax(UINT96_MAX)} wei`);
  return n;
}

/** A share as basis points, `0 .. 10000`. */
function parseBps(field: string, value: unknown): bigint {
  let bps: bigint;
  if (typeof value === "string") {
    const match = PERCENT_RE.exec(value);
    if (match === null) {
      let reason = 'expected a percentage such as "20%" or { bps }';
      if (/^-/.test(value)) reason = "negative";
      else if (DECIMAL_RE.test(value)) reason = 'missing "%": write "20%" (or { bps: 2000 }), not "20" or "0.2"';
      else if (value === "") reason = "empty string";
      throw new InvalidRulesError(field, value, reason);
    }
    const fraction = match[2] ?? "";
    if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2))) {
      throw new InvalidRulesError(field, value, "finer than 0.01 % (one basis point)");
    }
    bps = BigInt(match[1]) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  } else if (isRecord(value)) {
    checkKeys(`${field}.`, value, ["bps"]);
    if (!("bps" in value)) throw new InvalidRulesError(field, value, 'expected a percentage such as "20%" or { bps }');
    bps = integer(`${field}.bps`, value.bps, 0n, (1n << 256n) - 1n);
  } else {
    throw new InvalidRulesError(field, value, 'expected a percentage string such as "20%" or { bps }');
  }
  if (bps > BPS_DENOMINATOR) throw new InvalidRulesError(field, value, "above 100 % (10000 bps)");
  return bps;
}

// ------------------------------------------------------------------ Validation (RulesLib.validate)

/** Field names used in consistency errors: on-chain names, or the human names of {@link defineRules}. */
type FieldNames = { readonly [K in keyof TokenRules]: string };

const ONCHAIN_NAMES: FieldNames = {
  spendPerToken: "spendPerToken",
  minFirstOrder: "minFirstOrder",
  referralsPerToken: "referralsPerToken",
  dividendBps: "dividendBps",
  referralBps: "referralBps",
  maxSupply: "maxSupply",
  poolNum: "poolNum",
  poolDen: "poolDen",
};

const HUMAN_NAMES: FieldNames = {
  spendPerToken: "spendPerToken",
  minFirstOrder: "referral.minFirstOrder",
  referralsPerToken: "referral.oneTokenPer",
  dividendBps: "dividend",
  referralBps: "referral.share",
  maxSupply: "maxSupply",
  poolNum: "pool.tokens",
  poolDen: "pool.per",
};

/** The checks of `RulesLib.validate`, in its order, naming fields with `names`. */
function checkConsistency(
  rules: TokenRules,
  minted: bigint,
  names: FieldNames,
  shown?: { readonly [K in keyof TokenRules]: unknown },
): void {
  const v = (field: keyof TokenRules): unknown => (shown === undefined ? rules[field] : shown[field]);
  if (rules.dividendBps > BPS_DENOMINATOR) {
    throw new InvalidRulesError(names.dividendBps, v("dividendBps"), "above 100 % (10000 bps)");
  }
  if (rules.referralBps > BPS_DENOMINATOR) {
    throw new InvalidRulesError(names.referralBps, v("referralBps"), "above 100 % (10000 bps)");
  }
  if (rules.poolDen === 0n && rules.poolNum !== 0n) {
    throw new InvalidRulesError(names.poolDen, v("poolDen"), "zero while the pool numerator is not");
  }
  if (rules.poolNum > rules.poolDen) {
    throw new InvalidRulesError(names.poolNum, v("poolNum"), "above the denominator: the pool ratio is at most 1:1");
  }
  if (rules.maxSupply !== 0n && rules.maxSupply < minted) {
    throw new InvalidRulesError(names.maxSupply, v("maxSupply"), `below the supply already minted (${minted})`);
  }
  if (rules.dividendBps !== 0n && rules.spendPerToken === 0n && rules.referralsPerToken === 0n) {
    throw new InvalidRulesError(
      names.dividendBps,
      v("dividendBps"),
      "dividends need a minting rule (spendPerToken or referral.oneTokenPer)",
    );
  }
}

const WIDTHS: { readonly [K in keyof TokenRules]: bigint } = {
  spendPerToken: UINT96_MAX,
  minFirstOrder: UINT96_MAX,
  referralsPerToken: UINT32_MAX,
  dividendBps: UINT16_MAX,
  referralBps: UINT16_MAX,
  maxSupply: UINT96_MAX,
  poolNum: UINT16_MAX,
  poolDen: UINT16_MAX,
};

/**
 * Validates on-chain rules as `RulesLib.validate(rules, minted)` does, after checking that every field is an
 * integer that fits its Solidity type. Errors name the on-chain field.
 *
 * @param rules - On-chain rules (bigints, safe numbers or digit strings), e.g. TypeChain's `TokenRulesStructOutput`.
 * @param minted - Token-wei the token has minted (for the `maxSupply` check); 0 for a new token.
 * @returns The rules as bigints.
 * @throws {@link InvalidRulesError} naming the first field at fault.
 * @example
 * ```ts
 * validateTokenRules({ ...rules, poolNum: 10n, poolDen: 9n });
 * // throws InvalidRulesError: field "poolNum", above the denominator
 * ```
 */
export function validateTokenRules(rules: TokenRulesLike, minted: IntegerLike = 0n): TokenRules {
  // Not isRecord: TypeChain's struct outputs are ethers `Result`s, arrays with named fields.
  if (typeof rules !== "object" || rules === null) throw new InvalidRulesError("rules", rules, "expected an object");
  const out = {} as TokenRules;
  for (const field of TOKEN_RULES_FIELDS) {
    if (rules[field] === undefined) throw new InvalidRulesError(field, undefined, "missing");
    out[field] = integer(field, rules[field], 0n, WIDTHS[field]);
  }
  const supply = integer("minted", minted, 0n, (1n << 256n) - 1n);
  checkConsistency(out, supply, ONCHAIN_NAMES, rules);
  return out;
}

// ------------------------------------------------------------------ defineRules

/**
 * Builds `IShop.TokenRules` from rules in human units, validated first: every field named in its error, every check
 * of `RulesLib.validate` applied (for a new token), and anything ambiguous refused — numbers for coin amounts,
 * percentages without `%` or finer than 0.01 %, more than 18 decimals, negative values, `NaN`, unknown fields, and
 * `"0"` where 0 would mean "off" on chain (write `null` instead).
 *
 * @param input - The rules in human units.
 * @returns The rules as the contract takes them.
 * @throws {@link InvalidRulesError} naming the field, the value and the reason.
 * @example
 * ```ts
 * const rules = defineRules({
 *   spendPerToken: "0.3", // one token per 0.3 native coin spent
 *   dividend: "20%",
 *   referral: { share: "5%", oneTokenPer: 10, minFirstOrder: "0.1" },
 *   pool: { tokens: 1, per: 9 }, // 1 pool token per 9 minted
 *   maxSupply: "1000000",
 * });
 * // { spendPerToken: 300000000000000000n, dividendBps: 2000n, referralBps: 500n, referralsPerToken: 10n,
 * //   minFirstOrder: 100000000000000000n, poolNum: 1n, poolDen: 9n, maxSupply: 1000000000000000000000000n }
 * await shop.changeRules(0, rules);
 * ```
 */
export function defineRules(input: RulesInput): TokenRules {
  if (!isRecord(input)) throw new InvalidRulesError("rules", input, "expected an object");
  checkKeys("", input, ["spendPerToken", "dividend", "referral", "pool", "maxSupply"]);
  if (!("spendPerToken" in input) || input.spendPerToken === undefined) {
    throw new InvalidRulesError("spendPerToken", undefined, "missing; give an amount of coin, or null to disable");
  }
  if (!("dividend" in input) || input.dividend === undefined) {
    throw new InvalidRulesError("dividend", undefined, 'missing; give a share such as "20%" (or "0%")');
  }
  const spendPerToken =
    input.spendPerToken === null
      ? 0n
      : parseUnits("spendPerToken", input.spendPerToken, "native coin", false, "use null to disable consumption");
  const dividendBps = parseBps("dividend", input.dividend);

  let referralBps = 0n;
  let referralsPerToken = 0n;
  let minFirstOrder = 0n;
  const referral: unknown = input.referral;
  if (referral !== undefined && referral !== null) {
    if (!isRecord(referral)) throw new InvalidRulesError("referral", referral, "expected an object or null");
    checkKeys("referral.", referral, ["share", "oneTokenPer", "minFirstOrder"]);
    if (referral.share !== undefined) referralBps = parseBps("referral.share", referral.share);
    if (referral.oneTokenPer !== undefined && referral.oneTokenPer !== null) {
      referralsPerToken = integer("referral.oneTokenPer", referral.oneTokenPer, 0n, UINT32_MAX);
      if (referralsPerToken === 0n) {
        throw new InvalidRulesError("referral.oneTokenPer", referral.oneTokenPer, "zero; use null to disable");
      }
    }
    if (referral.minFirstOrder !== undefined) {
      minFirstOrder = parseUnits("referral.minFirstOrder", referral.minFirstOrder, "native coin", true, "");
    }
  }

  let poolNum = 0n;
  let poolDen = 0n;
  const pool: unknown = input.pool;
  if (pool !== undefined && pool !== null) {
    if (!isRecord(pool)) throw new InvalidRulesError("pool", pool, "expected { tokens, per } or null");
    checkKeys("pool.", pool, ["tokens", "per"]);
    if (pool.tokens === undefined) throw new InvalidRulesError("pool.tokens", undefined, "missing");
    if (pool.per === undefined) throw new InvalidRulesError("pool.per", undefined, "missing");
    poolNum = integer("pool.tokens", pool.tokens, 0n, UINT16_MAX);
    poolDen = integer("pool.per", pool.per, 0n, UINT16_MAX);
    if (poolDen === 0n) throw new InvalidRulesError("pool.per", pool.per, "zero; use null for no pool");
  }

  const maxSupply =
    input.maxSupply === undefined || input.maxSupply === null
      ? 0n
      : parseUnits("maxSupply", input.maxSupply, "whole tokens", false, "use null for no cap");

  const rules: TokenRules = {
    spendPerToken,
    minFirstOrder,
    referralsPerToken,
    dividendBps,
    referralBps,
    maxSupply,
    poolNum,
    poolDen,
  };
  const referralShown = isRecord(referral) ? referral : {};
  const poolShown = isRecord(pool) ? pool : {};
  const shown = {
    spendPerToken: input.spendPerToken,
    minFirstOrder: referralShown.minFirstOrder,
    referralsPerToken: referralShown.oneTokenPer,
    dividendBps: input.dividend,
    referralBps: referralShown.share,
    maxSupply: input.maxSupply,
    poolNum: poolShown.tokens,
    poolDen: poolShown.per,
  };
  checkConsistency(rules, 0n, HUMAN_NAMES, shown);
  return rules;
}

// ------------------------------------------------------------------ tokenParams

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

function isTokenRulesLike(value: Record<string, unknown>): boolean {
  // spendPerToken and maxSupply are in both forms; the other on-chain names are not human fields.
  return TOKEN_RULES_FIELDS.some(
    (field) => field !== "spendPerToken" && field !== "maxSupply" && value[field] !== undefined,
  );
}

/**
 * Builds `IShop.TokenParams` for `shop.createToken`, validated first as the shop validates it: name 1 to 64 bytes
 * and symbol 1 to 16 bytes of UTF-8, a notice period of whole days (default 7, at least 1), and the rules (human
 * input through {@link defineRules}, or on-chain rules through {@link validateTokenRules}).
 *
 * @param input - Name, symbol, transfer flag, notice period in days, rules.
 * @returns The params as the contract takes them (`noticePeriod` in seconds).
 * @throws {@link InvalidTokenParamsError} for the name, symbol, flag or notice; {@link InvalidRulesError} for rules.
 * @example
 * ```ts
 * const params = tokenParams({
 *   name: "Wuyou Dividend Coin",
 *   symbol: "YDC",
 *   noticeDays: 14,
 *   rules: { spendPerToken: "0.3", dividend: "20%", pool: { tokens: 1, per: 9 } },
 * });
 * await shop.createToken(params); // noticePeriod 1209600n, transferable false
 * ```
 */
export function tokenParams(input: TokenParamsInput): TokenParams {
  if (!isRecord(input)) throw new InvalidTokenParamsError("params", input, "expected an object");
  for (const key of Object.keys(input)) {
    if (!["name", "symbol", "transferable", "noticeDays", "rules"].includes(key)) {
      throw new InvalidTokenParamsError(key, input[key as keyof TokenParamsInput], "unknown field");
    }
  }
  const text = (field: "name" | "symbol", max: number): string => {
    const value: unknown = input[field];
    if (typeof value !== "string") throw new InvalidTokenParamsError(field, value, "expected a string");
    const length = utf8Length(value);
    if (length === 0) throw new InvalidTokenParamsError(field, value, "empty");
    if (length > max) throw new InvalidTokenParamsError(field, value, `${length} bytes of UTF-8; at most ${max}`);
    return value;
  };
  const name = text("name", MAX_NAME_BYTES);
  const symbol = text("symbol", MAX_SYMBOL_BYTES);
  const transferable: unknown = input.transferable ?? false;
  if (typeof transferable !== "boolean") {
    throw new InvalidTokenParamsError("transferable", transferable, "expected a boolean");
  }
  let days: bigint;
  try {
    days = validateAmount("noticeDays", input.noticeDays ?? DEFAULT_NOTICE_DAYS, {
      min: MIN_NOTICE_DAYS,
      max: UINT32_MAX / SECONDS_PER_DAY,
    });
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      throw new InvalidTokenParamsError("noticeDays", input.noticeDays, `${error.reason} (whole days, at least 1)`);
    }
    throw error;
  }
  const rulesInput: unknown = input.rules;
  if (typeof rulesInput !== "object" || rulesInput === null) {
    throw new InvalidRulesError("rules", rulesInput, "expected an object");
  }
  const rules = isTokenRulesLike(rulesInput as Record<string, unknown>)
    ? validateTokenRules(rulesInput as TokenRulesLike)
    : defineRules(rulesInput as unknown as RulesInput);
  return { name, symbol, transferable, noticePeriod: days * SECONDS_PER_DAY, rules };
}

// ------------------------------------------------------------------ describeRules / formatRules

/** A smallest-unit amount as a decimal string of whole units, without trailing zeros. */
function formatDecimal(n: bigint): string {
  const whole = n / ONE_TOKEN;
  const fraction = (n % ONE_TOKEN).toString().padStart(DECIMALS, "0").replace(/0+$/, "");
  return fraction === "" ? whole.toString() : `${whole}.${fraction}`;
}

/** Basis points as a percentage string without trailing zeros, with `sep` before `%`. */
function formatPercent(bps: bigint, sep: string): string {
  const whole = bps / 100n;
  const fraction = (bps % 100n).toString().padStart(2, "0").replace(/0+$/, "");
  return `${whole}${fraction === "" ? "" : "." + fraction}${sep}%`;
}

/**
 * Turns on-chain rules back into human units; {@link defineRules} of the result gives the same rules back.
 *
 * @param onchain - On-chain rules (validated first), e.g. `await shop.currentRules(0)`.
 * @returns The rules in human units, every part present (`null` where off).
 * @throws {@link InvalidRulesError} if the rules are not valid on-chain rules.
 * @example
 * ```ts
 * describeRules(await shop.currentRules(0));
 * // { spendPerToken: "0.3", dividend: "20%", referral: { share: "10%", oneTokenPer: null, minFirstOrder: "0" },
 * //   pool: { tokens: 1, per: 9 }, maxSupply: null }
 * ```
 */
export function describeRules(onchain: TokenRulesLike): RulesSpec {
  const r = validateTokenRules(onchain);
  const referralOff = r.referralBps === 0n && r.referralsPerToken === 0n && r.minFirstOrder === 0n;
  return {
    spendPerToken: r.spendPerToken === 0n ? null : formatDecimal(r.spendPerToken),
    dividend: formatPercent(r.dividendBps, ""),
    referral: referralOff
      ? null
      : {
          share: formatPercent(r.referralBps, ""),
          oneTokenPer: r.referralsPerToken === 0n ? null : Number(r.referralsPerToken),
          minFirstOrder: formatDecimal(r.minFirstOrder),
        },
    pool: r.poolDen === 0n ? null : { tokens: Number(r.poolNum), per: Number(r.poolDen) },
    maxSupply: r.maxSupply === 0n ? null : formatDecimal(r.maxSupply),
  };
}

/** Options of {@link formatRules}. */
export interface FormatRulesOptions {
  /** Name of the native coin in the text (default `"coin"`). */
  readonly coin?: string;
}

function groupThousands(decimal: string): string {
  const [whole, fraction] = decimal.split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/**
 * Describes on-chain rules in one English line, parts separated by `" · "`: consumption, dividends, referral share,
 * referral bonus, pool, supply cap. Parts that are off are left out, except consumption, dividends and the cap.
 *
 * @param onchain - On-chain rules (validated first).
 * @param options - `coin`: the native coin's name (default `"coin"`).
 * @returns One line of text.
 * @throws {@link InvalidRulesError} if the rules are not valid on-chain rules.
 * @example
 * ```ts
 * formatRules(defineRules({
 *   spendPerToken: "0.3", dividend: "20%",
 *   referral: { share: "5%", oneTokenPer: 10, minFirstOrder: "0.1" },
 *   pool: { tokens: 1, per: 9 }, maxSupply: "1000000",
 * }));
 * // "1 token per 0.3 coin spent · 20 % of daily revenue to holders · referrer earns 5 % of the referee's tokens ·
 * //  1 token per 10 referees whose first order is at least 0.1 coin · 1 pool token per 9 minted ·
 * //  supply capped at 1,000,000 tokens"   (one line)
 * ```
 */
export function formatRules(onchain: TokenRulesLike, options: FormatRulesOptions = {}): string {
  const r = validateTokenRules(onchain);
  const coin = options.coin ?? "coin";
  const parts: string[] = [];
  parts.push(
    r.spendPerToken === 0n
      ? "no tokens for spending"
      : `1 token per ${groupThousands(formatDecimal(r.spendPerToken))} ${coin} spent`,
  );
  parts.push(
    r.dividendBps === 0n ? "no dividends" : `${formatPercent(r.dividendBps, " ")} of daily revenue to holders`,
  );
  if (r.referralBps !== 0n) parts.push(`referrer earns ${formatPercent(r.referralBps, " ")} of the referee's tokens`);
  if (r.referralsPerToken !== 0n) {
    const who = r.referralsPerToken === 1n ? "referee" : `${r.referralsPerToken} referees`;
    parts.push(
      r.minFirstOrder === 0n
        ? `1 token per ${who}`
        : `1 token per ${who} whose first order is at least ${groupThousands(formatDecimal(r.minFirstOrder))} ${coin}`,
    );
  }
  if (r.poolDen !== 0n && r.poolNum !== 0n) {
    parts.push(`${r.poolNum} pool token${r.poolNum === 1n ? "" : "s"} per ${r.poolDen} minted`);
  }
  parts.push(
    r.maxSupply === 0n ? "no supply cap" : `supply capped at ${groupThousands(formatDecimal(r.maxSupply))} tokens`,
  );
  return parts.join(" · ");
}

// ------------------------------------------------------------------ classifyRulesChange (RulesLib.isAtOnce)

/** Orders "generosity" of a value where 0 means "off" (spend per token, referrals per token): smaller is kinder. */
function perDirection(from: bigint, to: bigint): ChangeDirection {
  if (from === 0n) return "more generous";
  if (to === 0n) return "stingier";
  return to < from ? "more generous" : "stingier";
}

function directionOf(field: keyof TokenRules, current: TokenRules, next: TokenRules): ChangeDirection {
  const from = current[field];
  const to = next[field];
  switch (field) {
    case "spendPerToken":
    case "referralsPerToken":
      return perDirection(from, to);
    case "minFirstOrder":
      return to < from ? "more generous" : "stingier";
    case "dividendBps":
    case "referralBps":
      return to > from ? "more generous" : "stingier";
    case "maxSupply":
      if (from === 0n) return "stingier";
      if (to === 0n) return "more generous";
      return to > from ? "more generous" : "stingier";
    case "poolNum":
    case "poolDen": {
      // Compare the ratios num/den (a zero denominator is a zero ratio) by cross-multiplication.
      const a = current.poolDen === 0n ? 0n : current.poolNum * (next.poolDen === 0n ? 1n : next.poolDen);
      const b = next.poolDen === 0n ? 0n : next.poolNum * (current.poolDen === 0n ? 1n : current.poolDen);
      if (b > a) return "more generous";
      if (b < a) return "stingier";
      return "changed";
    }
  }
}

/**
 * Classifies a rule change as `shop.changeRules` will treat it, mirroring `RulesLib.isAtOnce`: it applies at once
 * only if nothing changes except a raise of `dividendBps`; anything else (any minting rule in either direction, the
 * pool ratio, `maxSupply`, a lower dividend, or a raise mixed with any of these) is scheduled for the notice period.
 * Both rule sets are validated first. (The shop also refuses a change that takes the shop's total `dividendBps` past
 * 100 % or `maxSupply` below the supply; pass `minted` to check the latter.)
 *
 * @param current - The rules in force, e.g. `await shop.currentRules(i)`.
 * @param next - The proposed rules, e.g. from {@link defineRules}.
 * @param minted - The token's supply in token-wei, for the `maxSupply` check of `next` (default 0).
 * @returns Whether it applies at once, and each changed field with its direction.
 * @throws {@link InvalidRulesError} if either rule set is invalid.
 * @example
 * ```ts
 * const current = await shop.currentRules(0);
 * const next = defineRules({ ...describeRules(current), dividend: "25%" });
 * classifyRulesChange(current, next);
 * // { atOnce: true, changes: [{ field: "dividendBps", from: 2000n, to: 2500n, direction: "more generous" }] }
 * ```
 */
export function classifyRulesChange(
  current: TokenRulesLike,
  next: TokenRulesLike,
  minted: IntegerLike = 0n,
): RulesChangeClassification {
  const a = validateTokenRules(current);
  const b = validateTokenRules(next, minted);
  const changes: RulesChange[] = [];
  for (const field of TOKEN_RULES_FIELDS) {
    if (a[field] !== b[field])
      changes.push({ field, from: a[field], to: b[field], direction: directionOf(field, a, b) });
  }
  const atOnce =
    b.dividendBps >= a.dividendBps &&
    b.referralBps === a.referralBps &&
    b.spendPerToken === a.spendPerToken &&
    b.referralsPerToken === a.referralsPerToken &&
    b.minFirstOrder === a.minFirstOrder &&
    b.maxSupply === a.maxSupply &&
    b.poolNum === a.poolNum &&
    b.poolDen === a.poolDen;
  return { atOnce, changes };
}
