/**
 * The merchant entry point: create a shop and its tokens, change rules, manage roles, record and anchor orders,
 * fund and settle days, withdraw and mint from the management pool. Every function validates its whole input (and,
 * where one read can tell, the shop's state and the caller's role) before any transaction is built, so bad input
 * throws a typed SDK error and sends nothing. All chain access goes through a {@link Transport}.
 *
 * @packageDocumentation
 */
import { getContractAddress, keccak256, stringToHex } from "viem";
import { at, optionalBlock, parametersOf } from "./internal/parameters.js";
import type { AtBlock } from "./read.js";
import { shareMallFactoryAbi, shareMallFactoryReadAbi, shopAbi, shopReadAbi } from "./abis.js";
import {
  encodeCall,
  readContract,
  writeContract,
  type DecodedEvent,
  type shareMallAbi,
  type WriteResult,
} from "./client/contract.js";
import type { RawCall, Transport } from "./client/transport.js";
import { isTransientError } from "./client/retry.js";
import { readUnsettledDays } from "./internal/pages.js";
import { probe } from "./internal/probe.js";
import { toContractError } from "./contract-errors.js";
import {
  describeValue,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidOrderError,
  MerkleBatchError,
  NotAContractError,
  OrderIdUsedError,
  ShareMallError,
} from "./errors.js";
import { usedOrderIds, usedOrderIdsInRange } from "./internal/order-ids.js";
import { validateFirstOrderId, type MerkleBatch } from "./merkle/batch.js";
import {
  classifyRulesChange,
  defineRules,
  describeRules,
  InvalidTokenParamsError,
  tokenParams,
  validateTokenRules,
  BPS_DENOMINATOR,
  SECONDS_PER_DAY,
  TOKEN_RULES_FIELDS,
  type RulesChange,
  type RulesInput,
  type RulesSpec,
  type TokenParams,
  type TokenParamsInput,
  type TokenRules,
  type TokenRulesLike,
} from "./rules.js";
import type { Address, Hex, IntegerLike } from "./types.js";
import {
  UINT96_MAX,
  ZERO_BYTES32,
  validateAddress,
  validateAmount,
  validateBytes32,
  validateOptionalAddress,
  validateOrderId,
  validateWeiAmount,
} from "./validation.js";

// ------------------------------------------------------------------ Constants and errors

/** Most tokens a shop may have (`Shop.MAX_TOKENS`). */
export const MAX_SHOP_TOKENS = 8n;
/** Smallest UTC offset a shop accepts, in seconds (UTC-12:00). */
export const MIN_UTC_OFFSET_SECONDS = -12 * 3600;
/** Largest UTC offset a shop accepts, in seconds (UTC+14:00). */
export const MAX_UTC_OFFSET_SECONDS = 14 * 3600;
/** Most orders an anchored Merkle batch may hold (`Shop.MAX_BATCH_ORDERS`). */
export const MAX_ANCHOR_ORDERS = 1 << 24;
/** Orders in a first attempt at a `recordOrders` chunk (a chunk over the gas cap is split). */
export const DEFAULT_ORDERS_PER_TX = 100;

/** A merchant role, by its SDK name. */
export type ShopRole = "operator" | "poolManager" | "admin";
const ROLES: readonly ShopRole[] = ["operator", "poolManager", "admin"];

/** A token index names no token of the shop. */
export class UnknownTokenIndexError extends ShareMallError {
  constructor(
    /** The index given. */
    readonly tokenIndex: unknown,
    /** How many tokens the shop has. */
    readonly tokenCount: bigint,
  ) {
    super(
      "UNKNOWN_TOKEN_INDEX",
      `Unknown token index ${describeValue(tokenIndex)}: the shop has ${tokenCount} token(s) (indices 0..${tokenCount - 1n})`,
    );
  }
}

/** A role name is not one of {@link ShopRole}. */
export class InvalidRoleError extends ShareMallError {
  constructor(
    /** The value given. */
    readonly value: unknown,
  ) {
    super("INVALID_ROLE", `Invalid role ${describeValue(value)}: expected "operator", "poolManager" or "admin"`);
  }
}

/** The sending account lacks the role the call needs (the contract would revert `AccessControlUnauthorizedAccount`). */
export class MissingRoleError extends ShareMallError {
  constructor(
    /** The role needed. */
    readonly role: ShopRole,
    /** The sending account (undefined for a read-only transport). */
    readonly account: Address | undefined,
  ) {
    super("MISSING_ROLE", `Account ${account ?? "(none)"} does not hold the ${role} role of the shop`);
  }
}

/** A UTC offset is not a whole number of seconds within UTC-12:00 .. UTC+14:00, or both/neither forms were given. */
export class InvalidUtcOffsetError extends ShareMallError {
  constructor(
    /** The value given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_UTC_OFFSET", `Invalid UTC offset ${describeValue(value)} (${reason})`);
  }
}

/** The merchant balance (plus what is sent) cannot cover a settlement or withdrawal. */
export class InsufficientMerchantBalanceError extends ShareMallError {
  constructor(
    /** What the operation needs from the merchant balance, in wei. */
    readonly required: bigint,
    /** The merchant balance (plus value sent), in wei. */
    readonly available: bigint,
    /** What is missing: `required - available`. */
    readonly missing: bigint,
    /** What it was for, e.g. `"withdraw"` or `"settle days 20786..20788"`. */
    readonly what: string,
  ) {
    super(
      "INSUFFICIENT_MERCHANT_BALANCE",
      `Merchant balance too low to ${what}: required ${required} wei, available ${available} wei, missing ${missing} wei`,
    );
  }
}

/** A day cannot be settled: not over yet, already settled, or nothing owed. */
export class CannotSettleDayError extends ShareMallError {
  constructor(
    /** The day. */
    readonly day: bigint,
    /** Why: `"not over"`, `"already settled"` or `"nothing owed"`. */
    readonly reason: "not over" | "already settled" | "nothing owed",
    /** The shop's current day. */
    readonly today: bigint,
  ) {
    super("CANNOT_SETTLE_DAY", `Cannot settle day ${day}: ${reason} (today is day ${today})`);
  }
}

/** A rule change is refused before it is sent (no pending change to cancel, or no change at all). */
export class RulesChangeError extends ShareMallError {
  constructor(
    /** The token index. */
    readonly tokenIndex: bigint,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("RULES_CHANGE", `Rules change of token ${tokenIndex} refused: ${reason}`);
  }
}

/** A pool mint exceeds the token's pool allowance. */
export class PoolAllowanceError extends ShareMallError {
  constructor(
    /** The token index. */
    readonly tokenIndex: bigint,
    /** Token-wei the pool may still mint. */
    readonly allowance: bigint,
    /** Token-wei asked for. */
    readonly amount: bigint,
  ) {
    super(
      "POOL_ALLOWANCE_EXCEEDED",
      `Pool mint of ${amount} token-wei exceeds token ${tokenIndex}'s pool allowance of ${allowance} token-wei`,
    );
  }
}

// ------------------------------------------------------------------ Shared helpers

type AnyEvent = DecodedEvent<typeof shareMallAbi>;

function eventOf<N extends AnyEvent["eventName"]>(
  result: WriteResult,
  name: N,
  address?: Address,
): Extract<AnyEvent, { eventName: N }> | undefined {
  return result.events.find(
    (e): e is Extract<AnyEvent, { eventName: N }> =>
      e.eventName === name && (address === undefined || e.address === address),
  );
}

/** Checks that `address` is a shop (answers `tokenCount`) and returns its token count. */
const shopTokenCount = (transport: Transport, shop: Address, blockNumber?: bigint): Promise<bigint> =>
  probe("shop", shop, () =>
    readContract(transport, {
      address: shop,
      abi: shopReadAbi,
      functionName: "tokenCount",
      args: [],
      ...at(blockNumber),
    }),
  );

async function roleId(transport: Transport, shop: Address, role: ShopRole): Promise<Hex> {
  if (role === "admin") return ZERO_BYTES32;
  return readContract(transport, {
    address: shop,
    abi: shopReadAbi,
    functionName: role === "operator" ? "OPERATOR_ROLE" : "POOL_MANAGER_ROLE",
    args: [],
  });
}

async function requireRole(transport: Transport, shop: Address, role: ShopRole): Promise<Address> {
  const account = await transport.account();
  if (account === undefined) throw new ShareMallError("NO_SIGNER", "Sending a transaction needs a signer");
  const has = await readContract(transport, {
    address: shop,
    abi: shopReadAbi,
    functionName: "hasRole",
    args: [await roleId(transport, shop, role), account],
  });
  if (!has) throw new MissingRoleError(role, account);
  return account;
}

function validateIndex(value: unknown): bigint {
  return validateAmount("tokenIndex", value, { max: MAX_SHOP_TOKENS - 1n });
}

/** Checks that `value` names a token of the shop; returns its index and the shop's token count. */
async function requireToken(
  transport: Transport,
  shop: Address,
  value: unknown,
  blockNumber?: bigint,
): Promise<{ index: bigint; count: bigint }> {
  const index = validateIndex(value);
  const count = await shopTokenCount(transport, shop, blockNumber);
  if (index >= count) throw new UnknownTokenIndexError(value, count);
  return { index, count };
}

function toRules(value: unknown): TokenRules {
  if (typeof value !== "object" || value === null) return defineRules(value as RulesInput);
  const record = value as Record<string, unknown>;
  const onchain = TOKEN_RULES_FIELDS.some((f) => f !== "spendPerToken" && f !== "maxSupply" && record[f] !== undefined);
  return onchain ? validateTokenRules(value as TokenRulesLike) : defineRules(value as RulesInput);
}

/** Rules in the codec's shape: fields of 48 bits or fewer as numbers. */
function abiRules(r: TokenRules) {
  return {
    spendPerToken: r.spendPerToken,
    minFirstOrder: r.minFirstOrder,
    referralsPerToken: Number(r.referralsPerToken),
    dividendBps: Number(r.dividendBps),
    referralBps: Number(r.referralBps),
    maxSupply: r.maxSupply,
    poolNum: Number(r.poolNum),
    poolDen: Number(r.poolDen),
  };
}

/** A transaction's hash (what every write function returns at least). */
export interface MerchantTx {
  readonly hash: Hex;
}

// ------------------------------------------------------------------ createShop

/** Input of {@link createShop}: exactly one of `utcOffsetHours` or `utcOffsetSeconds`. */
export interface CreateShopInput {
  /** Merchant admin. */
  readonly admin: string;
  /** Backend key that records orders; omitted for none yet. */
  readonly operator?: string;
  /** Hours ahead of UTC (may be a half or quarter hour, e.g. 5.5 or 5.75). */
  readonly utcOffsetHours?: number;
  /** Seconds ahead of UTC. */
  readonly utcOffsetSeconds?: number;
  /** Display name (1 or more characters), recorded in `ShopCreated`. */
  readonly name: string;
  /** 32-byte salt for a deterministic address (`predictShopAddress(sender, salt)`). */
  readonly salt?: string;
}

function validateUtcOffset(input: CreateShopInput): number {
  const hasHours = input.utcOffsetHours !== undefined;
  const hasSeconds = input.utcOffsetSeconds !== undefined;
  if (hasHours === hasSeconds) {
    throw new InvalidUtcOffsetError(
      hasHours ? input.utcOffsetHours : undefined,
      "give exactly one of utcOffsetHours or utcOffsetSeconds",
    );
  }
  const raw: unknown = hasHours ? input.utcOffsetHours : input.utcOffsetSeconds;
  if (typeof raw !== "number" || !Number.isFinite(raw))
    throw new InvalidUtcOffsetError(raw, "expected a finite number");
  const seconds = hasHours ? raw * 3600 : raw;
  if (!Number.isInteger(seconds)) throw new InvalidUtcOffsetError(raw, "not a whole number of seconds");
  if (seconds < MIN_UTC_OFFSET_SECONDS || seconds > MAX_UTC_OFFSET_SECONDS) {
    throw new InvalidUtcOffsetError(raw, "outside UTC-12:00 .. UTC+14:00");
  }
  return seconds;
}

/** Parameters of {@link createShop}. */
export interface CreateShopParameters extends CreateShopInput {
  readonly factory: string;
}

/**
 * Creates a shop through the factory (deterministically when `salt` is given) and reads its address from the
 * `ShopCreated` event.
 *
 * @throws {@link InvalidAddressError}, {@link InvalidUtcOffsetError}, {@link InvalidBytes32Error} (salt),
 * {@link InvalidOrderError} (empty name) or {@link NotAContractError} (no factory), all before sending.
 * @example
 * ```ts
 * const { shop } = await createShop(transport, { factory, admin, operator, utcOffsetHours: 8, name: "Wuyou Tea" });
 * ```
 */
export async function createShop(
  transport: Transport,
  parameters: CreateShopParameters,
): Promise<{ shop: Address; hash: Hex }> {
  const { factory, ...input } = parametersOf("createShop", parameters);
  const factoryAddress = validateAddress("factory", factory);
  if (typeof input !== "object" || input === null) throw new InvalidOrderError("input", "expected an object");
  const admin = validateAddress("admin", input.admin);
  const operator = validateOptionalAddress("operator", input.operator);
  const utcOffset = validateUtcOffset(input);
  if (typeof input.name !== "string" || input.name.trim() === "") {
    throw new InvalidOrderError("name", `expected a non-empty string, got ${describeValue(input.name)}`);
  }
  const salt = input.salt === undefined ? undefined : validateBytes32("salt", input.salt);
  const params = { admin, operator, utcOffset, name: input.name };
  const predicted = await probe("factory", factoryAddress, async () => {
    await readContract(transport, {
      address: factoryAddress,
      abi: shareMallFactoryReadAbi,
      functionName: "shopCount",
      args: [],
    });
    if (salt === undefined) return undefined;
    const creator = await transport.account();
    if (creator === undefined) throw new ShareMallError("NO_SIGNER", "Creating a shop needs a signer");
    return readContract(transport, {
      address: factoryAddress,
      abi: shareMallFactoryReadAbi,
      functionName: "predictShopAddress",
      args: [creator, salt],
    });
  });
  const result =
    salt === undefined
      ? await writeContract(transport, {
          address: factoryAddress,
          abi: shareMallFactoryAbi,
          functionName: "createShop",
          args: [params],
        })
      : await writeContract(transport, {
          address: factoryAddress,
          abi: shareMallFactoryAbi,
          functionName: "createShopDeterministic",
          args: [params, salt],
        });
  const created = eventOf(result, "ShopCreated", factoryAddress);
  if (created === undefined) throw new ShareMallError("MISSING_EVENT", `No ShopCreated event in ${result.hash}`);
  const shop = created.args.shop as Address;
  if (predicted !== undefined && predicted !== shop) {
    throw new ShareMallError("UNEXPECTED_ADDRESS", `Shop created at ${shop}, predicted ${predicted}`);
  }
  return { shop, hash: result.hash };
}

// ------------------------------------------------------------------ createToken

/** Parameters of {@link createToken}. */
export type CreateTokenParameters = {
  readonly shop: string;
} & (TokenParams | TokenParamsInput);

/**
 * Creates a dividend token of the shop. Takes `TokenParams` as the contract does (`noticePeriod` in seconds) or
 * human input for {@link tokenParams}; checks the shop's token limit and that the shop's dividend shares stay
 * within 100 % (the other tokens' rates now, pending and for today) before sending. The shop deploys the token
 * itself (since core v2 the factory has no `deployToken`), at the address {@link predictTokenAddress} gives for the
 * shop and the new index; the address in the `TokenCreated` event is checked against it.
 *
 * @throws {@link InvalidTokenParamsError}, {@link InvalidRulesError}, {@link NotAContractError},
 * {@link MissingRoleError} (not admin), {@link ShareMallError} `"TOO_MANY_TOKENS"` / `"DIVIDEND_TOO_HIGH"`.
 * @example
 * ```ts
 * const { tokenIndex, token } = await createToken(transport, {
 *   shop,
 *   name: "Wuyou Dividend Coin",
 *   symbol: "YDC",
 *   rules: { spendPerToken: "0.3", dividend: "20%", pool: { tokens: 1, per: 9 } },
 * });
 * ```
 */
export async function createToken(
  transport: Transport,
  parameters: CreateTokenParameters,
): Promise<{ tokenIndex: bigint; token: Address; hash: Hex }> {
  const { shop, ...input } = parametersOf("createToken", parameters);
  const address = validateAddress("shop", shop);
  if (typeof input !== "object" || input === null)
    throw new InvalidTokenParamsError("params", input, "expected an object");
  let params: TokenParams;
  if ("noticePeriod" in input) {
    const { noticePeriod, ...rest } = input;
    let notice: bigint;
    try {
      notice = validateAmount("noticePeriod", noticePeriod, { min: SECONDS_PER_DAY, max: (1n << 32n) - 1n });
    } catch (error) {
      if (error instanceof InvalidAmountError) {
        throw new InvalidTokenParamsError("noticePeriod", noticePeriod, `${error.reason} (seconds, at least 1 day)`);
      }
      throw error;
    }
    params = { ...tokenParams({ ...rest, rules: rest.rules as TokenRulesLike }), noticePeriod: notice };
  } else {
    params = tokenParams(input);
  }
  const count = await shopTokenCount(transport, address);
  await requireRole(transport, address, "admin");
  if (count >= MAX_SHOP_TOKENS) {
    throw new ShareMallError("TOO_MANY_TOKENS", `The shop already has ${count} tokens (at most ${MAX_SHOP_TOKENS})`);
  }
  const reserved = await reservedBps(transport, address, count, -1n);
  if (reserved + params.rules.dividendBps > BPS_DENOMINATOR) {
    throw new ShareMallError(
      "DIVIDEND_TOO_HIGH",
      `Dividend shares would total ${reserved + params.rules.dividendBps} bps (other tokens reserve ${reserved}); at most ${BPS_DENOMINATOR}`,
    );
  }
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "createToken",
    args: [{ ...params, noticePeriod: Number(params.noticePeriod), rules: abiRules(params.rules) }],
  });
  const created = eventOf(result, "TokenCreated", address);
  if (created === undefined) throw new ShareMallError("MISSING_EVENT", `No TokenCreated event in ${result.hash}`);
  const token = created.args.token as Address;
  const predicted = predictTokenAddress(address, created.args.tokenIndex);
  if (token !== predicted) {
    throw new ShareMallError("UNEXPECTED_ADDRESS", `Token created at ${token}, predicted ${predicted}`);
  }
  return { tokenIndex: created.args.tokenIndex, token, hash: result.hash };
}

/**
 * The address of token number `tokenIndex` (0 to 7) of `shop`, computed off chain: a shop deploys its tokens
 * itself, token `i` with its `(i + 1)`-th CREATE, so the address is the CREATE address of the shop at nonce `i + 1`
 * and depends on nothing else (`ShareMallFactory.predictTokenAddress(shop, i)` gives the same). Known before the
 * token exists, e.g. to print it on a poster or configure a holder page ahead of `createToken`.
 *
 * @param shop - The shop clone.
 * @param tokenIndex - The token's index in the shop, `0 .. 7`.
 * @returns The token's checksummed address.
 * @throws `InvalidAddressError`, `InvalidAmountError` (index outside `0 .. 7`).
 * @example
 * ```ts
 * const firstToken = predictTokenAddress(shop, 0); // where createToken will put the shop's first token
 * ```
 */
export function predictTokenAddress(shop: string, tokenIndex: IntegerLike): Address {
  const address = validateAddress("shop", shop);
  const index = validateIndex(tokenIndex);
  return getContractAddress({ from: address, nonce: index + 1n });
}

/**
 * Dividend bps reserved by the tokens other than `except`, as the shop counts them: the highest of each one's rate
 * now, its pending rate and today's rate (fixed at the day's first order: a lowering that fell due today still counts
 * at the old rate until midnight).
 */
async function reservedBps(transport: Transport, shop: Address, count: bigint, except: bigint): Promise<bigint> {
  let total = 0n;
  const today =
    count > 0n
      ? await readContract(transport, { address: shop, abi: shopReadAbi, functionName: "today", args: [] })
      : 0n;
  for (let i = 0n; i < count; i++) {
    if (i === except) continue;
    const config = await readContract(transport, {
      address: shop,
      abi: shopReadAbi,
      functionName: "tokenConfig",
      args: [i],
    });
    let bps = BigInt(config.rules.dividendBps);
    if (config.pendingAt !== 0 && BigInt(config.pending.dividendBps) > bps) bps = BigInt(config.pending.dividendBps);
    const day = await readContract(transport, {
      address: shop,
      abi: shopReadAbi,
      functionName: "tokenDay",
      args: [i, today],
    });
    if (day.dividendBps > bps) bps = day.dividendBps;
    total += bps;
  }
  return total;
}

// ------------------------------------------------------------------ Rules

/** What {@link scheduleRules} returns. */
export interface ScheduledRules {
  /** Whether the change applied at once (else it waits for the notice period). */
  readonly atOnce: boolean;
  /** When it applies (unix seconds): the mining block's time if at once. */
  readonly effectiveAt: bigint;
  /** The changed fields, from {@link classifyRulesChange}. */
  readonly changes: readonly RulesChange[];
  readonly hash: Hex;
}

/** Parameters of {@link scheduleRules}. */
export interface ScheduleRulesParameters {
  readonly shop: string;
  readonly tokenIndex: IntegerLike;
  /** Human rules for {@link defineRules} or on-chain rules. */
  readonly rules: RulesInput | TokenRulesLike;
}

/**
 * Changes a token's rules (`changeRules`). The answer comes from {@link classifyRulesChange} against the rules in
 * force, and is checked against the event the contract emitted (`RulesChanged` at once, `RulesChangeScheduled`
 * otherwise).
 *
 * @param parameters - `shop`, `tokenIndex`, `rules` (see {@link ScheduleRulesParameters}).
 * @throws {@link InvalidRulesError}, {@link UnknownTokenIndexError}, {@link MissingRoleError},
 * {@link RulesChangeError} (no change, or dividends past 100 %), before sending.
 * @example
 * ```ts
 * const { atOnce, effectiveAt } = await scheduleRules(transport, { shop, tokenIndex: 0, rules: {
 *   spendPerToken: "0.5",
 *   dividend: "20%",
 * } });
 * ```
 */
export async function scheduleRules(
  transport: Transport,
  parameters: ScheduleRulesParameters,
): Promise<ScheduledRules> {
  const { shop, tokenIndex, rules } = parametersOf("scheduleRules", parameters);
  const address = validateAddress("shop", shop);
  validateIndex(tokenIndex);
  const next = toRules(rules);
  const { index, count } = await requireToken(transport, address, tokenIndex);
  await requireRole(transport, address, "admin");
  const current = validateTokenRules(
    await readContract(transport, { address, abi: shopReadAbi, functionName: "currentRules", args: [index] }),
  );
  const config = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "tokenConfig",
    args: [index],
  });
  const { atOnce, changes } = classifyRulesChange(current, next, config.minted);
  if (changes.length === 0) throw new RulesChangeError(index, "the rules are the same as the rules in force");
  const reserved = await reservedBps(transport, address, count, index);
  // A scheduled change keeps the token's current share reserved until it applies.
  const own = atOnce || next.dividendBps > current.dividendBps ? next.dividendBps : current.dividendBps;
  if (reserved + own > BPS_DENOMINATOR) {
    throw new RulesChangeError(
      index,
      `dividend shares would total ${reserved + own} bps (other tokens reserve ${reserved}); at most ${BPS_DENOMINATOR}`,
    );
  }
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "changeRules",
    args: [index, abiRules(next)],
  });
  const scheduled = eventOf(result, "RulesChangeScheduled", address);
  const applied = eventOf(result, "RulesChanged", address);
  if (atOnce !== (scheduled === undefined && applied !== undefined)) {
    throw new ShareMallError(
      "RULES_CLASSIFICATION_MISMATCH",
      `The SDK classified the change as ${atOnce ? "at once" : "scheduled"} but the contract ${
        scheduled !== undefined ? "scheduled it" : "applied it at once"
      } (transaction ${result.hash})`,
    );
  }
  const effectiveAt = scheduled !== undefined ? scheduled.args.effectiveAt : await transport.latestTimestamp();
  return { atOnce, effectiveAt, changes, hash: result.hash };
}

/** A pending rule change, as {@link pendingRules} returns it. */
export interface PendingRules {
  readonly rules: { readonly raw: TokenRules; readonly human: RulesSpec };
  /** When it applies (unix seconds). */
  readonly effectiveAt: bigint;
}

/** Parameters of {@link pendingRules}. */
export interface PendingRulesParameters extends AtBlock {
  readonly shop: string;
  readonly tokenIndex: IntegerLike;
}

/**
 * A token's pending rule change, or `null` when none is pending (the shop reports all-zero rules and time 0 then;
 * a cancelled or superseded change is gone). A change whose `effectiveAt` has passed is in force already (the shop's
 * `currentRules` include it; it is stored at the next order, pool mint or `applyPendingRules`) and is still
 * returned here until then.
 *
 * @throws {@link UnknownTokenIndexError}, {@link NotAContractError}.
 * @example
 * ```ts
 * const pending = await pendingRules(transport, { shop, tokenIndex: 0 });
 * if (pending) console.log(pending.rules.human, new Date(Number(pending.effectiveAt) * 1000));
 * ```
 */
export async function pendingRules(
  transport: Transport,
  parameters: PendingRulesParameters,
): Promise<PendingRules | null> {
  const { shop, tokenIndex } = parametersOf("pendingRules", parameters);
  const address = validateAddress("shop", shop);
  const blockNumber = optionalBlock(parameters.blockNumber);
  const { index } = await requireToken(transport, address, tokenIndex, blockNumber);
  const [rules, effectiveAt] = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "pendingRules",
    args: [index],
    ...at(blockNumber),
  });
  if (effectiveAt === 0n) return null;
  const raw = validateTokenRules(rules);
  return { rules: { raw, human: describeRules(raw) }, effectiveAt };
}

/** Parameters of {@link cancelRulesChange}. */
export interface CancelRulesChangeParameters {
  readonly shop: string;
  readonly tokenIndex: IntegerLike;
}

/**
 * Cancels a token's pending rule change. A change whose time has come is in force (the shop applies it at the next
 * use) and can no longer be cancelled: it is refused before sending.
 *
 * @throws {@link UnknownTokenIndexError}, {@link MissingRoleError}, {@link RulesChangeError} (none pending, or
 * already due).
 * @example
 * ```ts
 * await cancelRulesChange(transport, { shop, tokenIndex: 0 });
 * ```
 */
export async function cancelRulesChange(
  transport: Transport,
  parameters: CancelRulesChangeParameters,
): Promise<MerchantTx> {
  const { shop, tokenIndex } = parametersOf("cancelRulesChange", parameters);
  const address = validateAddress("shop", shop);
  const { index } = await requireToken(transport, address, tokenIndex);
  await requireRole(transport, address, "admin");
  const [, effectiveAt] = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "pendingRules",
    args: [index],
  });
  if (effectiveAt === 0n) throw new RulesChangeError(index, "no rule change is pending");
  // The next block is at least one second after the latest: a change due by then applies before the cancel runs.
  if (effectiveAt <= (await transport.latestTimestamp()) + 1n) {
    throw new RulesChangeError(
      index,
      `the pending change fell due at ${effectiveAt} and is in force: too late to cancel`,
    );
  }
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "cancelRulesChange",
    args: [index],
  });
  return { hash: result.hash };
}

// ------------------------------------------------------------------ Roles

function validateRole(role: unknown): ShopRole {
  if (typeof role !== "string" || !(ROLES as readonly string[]).includes(role)) throw new InvalidRoleError(role);
  return role as ShopRole;
}

async function changeRole(
  transport: Transport,
  shop: string,
  role: ShopRole,
  account: string,
  grant: boolean,
): Promise<MerchantTx & { changed: boolean }> {
  const address = validateAddress("shop", shop);
  const checkedRole = validateRole(role);
  const who = validateAddress("account", account);
  await shopTokenCount(transport, address);
  await requireRole(transport, address, "admin");
  const idOf = await roleId(transport, address, checkedRole);
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: grant ? "grantRole" : "revokeRole",
    args: [idOf, who],
  });
  const changed = eventOf(result, grant ? "RoleGranted" : "RoleRevoked", address) !== undefined;
  return { hash: result.hash, changed };
}

/** Parameters of {@link grantRole}. */
export interface GrantRoleParameters {
  readonly shop: string;
  readonly role: ShopRole;
  readonly account: string;
}

/**
 * Grants a role of the shop to `account` (`changed` is false if it already held it).
 *
 * @throws {@link InvalidRoleError}, {@link InvalidAddressError}, {@link NotAContractError}, {@link MissingRoleError}.
 * @example
 * ```ts
 * await grantRole(transport, { shop, role: "operator", account: backendKey });
 * ```
 */
export function grantRole(
  transport: Transport,
  parameters: GrantRoleParameters,
): Promise<MerchantTx & { changed: boolean }> {
  const { shop, role, account } = parametersOf("grantRole", parameters);
  return changeRole(transport, shop, role, account, true);
}

/** Parameters of {@link revokeRole}. */
export interface RevokeRoleParameters {
  readonly shop: string;
  readonly role: ShopRole;
  readonly account: string;
}

/**
 * Revokes a role of the shop from `account` (`changed` is false if it did not hold it).
 *
 * @throws {@link InvalidRoleError}, {@link InvalidAddressError}, {@link NotAContractError}, {@link MissingRoleError}.
 * @example
 * ```ts
 * await revokeRole(transport, { shop, role: "poolManager", account: formerManager });
 * ```
 */
export function revokeRole(
  transport: Transport,
  parameters: RevokeRoleParameters,
): Promise<MerchantTx & { changed: boolean }> {
  const { shop, role, account } = parametersOf("revokeRole", parameters);
  return changeRole(transport, shop, role, account, false);
}

// ------------------------------------------------------------------ recordOrders

/** One order for {@link recordOrders}. */
export interface RecordOrderInput {
  /**
   * The merchant's order number, `1 .. 2^64 - 1` (e.g. its database key). Each id counts once per shop, across
   * recorded orders, receipts and batch leaves: it is what makes a re-sent order count once.
   */
  readonly orderId: IntegerLike;
  /** The order's commitment (non-zero bytes32). */
  readonly orderHash: string;
  readonly customer: string;
  /** Amount in wei, `1 .. 2^96 - 1`. */
  readonly amount: IntegerLike;
  /** Referrer (bound at the customer's first order only); omitted for none. */
  readonly referrer?: string | null;
}

/** Gas estimation for {@link recordOrders}; by default the transport's own (`eth_estimateGas`, latest block). */
export interface GasEstimator {
  /** `eth_estimateGas` of `call` sent from `from`. */
  estimateGas(call: RawCall & { readonly from: Address }): Promise<bigint>;
  /** The latest block's gas limit (for the default cap). */
  blockGasLimit?(): Promise<bigint>;
}

/** Progress of {@link recordOrders}, after each mined chunk. */
export interface RecordProgress {
  readonly chunk: number;
  readonly hash: Hex;
  /** Orders sent so far by this call (those skipped before sending not included). */
  readonly ordersDone: number;
  /** Orders this call will send (the input less the ones skipped before sending). */
  readonly ordersTotal: number;
  /** Orders the shop counted so far in this call's transactions (`ordersDone` less what the shop skipped). */
  readonly ordersCounted: number;
}

/** Options of {@link recordOrders}. */
export interface RecordOrdersOptions {
  /** Gas cap per transaction (default 80 % of the latest block's gas limit). */
  readonly maxGasPerTx?: IntegerLike;
  /** Estimator (default: the transport's `estimateGas` and `blockGasLimit`). */
  readonly gas?: GasEstimator;
  /** Orders in a first attempt at a chunk (default {@link DEFAULT_ORDERS_PER_TX}); chunks over the gas cap split. */
  readonly maxOrdersPerTx?: number;
  /**
   * Leave out orders whose order id the shop has already used (read from its `orderIdBitmap`, one read per 256 ids)
   * instead of failing on them: what a re-run of the same input after a crash or a lost response wants. Default
   * `false`: an order whose id is used already is an error ({@link OrderAlreadyCountedError}) before anything is
   * sent, so that an id given twice by mistake (another order under a number already taken) is not silently
   * dropped. With `skipCounted` the SDK trusts that an id still means the same order as in the earlier run.
   */
  readonly skipCounted?: boolean;
  readonly onProgress?: (progress: RecordProgress) => void;
}

/** One mined chunk of {@link recordOrders}. */
export interface RecordedChunk {
  readonly hash: Hex;
  /** Index of the first order of the chunk in the input, and how many were sent. */
  readonly from: number;
  readonly count: number;
  /** Orders of the chunk the shop counted (`OrderCounted`). */
  readonly counted: number;
  /**
   * Input indices of the chunk's orders the shop skipped (`OrderSkipped`): their ids were used by another
   * transaction between the SDK's check and this one (a concurrent run, or a lost answer re-sent).
   */
  readonly skipped: readonly number[];
  /** The estimate the chunk was sent under. */
  readonly gasEstimate: bigint;
  readonly gasUsed: bigint;
}

/** What {@link recordOrders} did. Every input order is in exactly one of: counted, `skipped`, `skippedByShop`. */
export interface RecordOrdersResult {
  /** The mined chunks, in input order. */
  readonly chunks: readonly RecordedChunk[];
  /** Input indices left out before sending because their order id was already used (only with `skipCounted`). */
  readonly skipped: readonly number[];
  /** Input indices sent but skipped by the shop (`OrderSkipped`, the chunks' `skipped` together), ascending. */
  readonly skippedByShop: readonly number[];
  /** Orders this call counted (`OrderCounted` events of its chunks). */
  readonly counted: number;
}

/** An order whose order id the shop has already used, found before sending (see `skipCounted`). */
export class OrderAlreadyCountedError extends ShareMallError {
  constructor(
    /** Position of the order in the input. */
    readonly index: number,
    readonly orderHash: Hex,
    readonly customer: Address,
    /** The order id that is used. */
    readonly orderId: bigint,
  ) {
    super(
      "ORDER_ALREADY_COUNTED",
      `orders[${index}] (order id ${orderId}, ${orderHash} for ${customer}): the shop has already counted order id ` +
        `${orderId}; pass skipCounted to skip it (only if it is the same order, re-sent)`,
    );
  }
}

type ShopOrder = { orderId: bigint; orderHash: Hex; customer: Address; amount: bigint; referrer: Address };

/**
 * Validates orders as `recordOrders` would take them, all of them, before anything is sent.
 *
 * @throws {@link InvalidAmountError} (order id outside `1 .. 2^64 - 1`, amount outside `1 .. 2^96 - 1`),
 * {@link InvalidBytes32Error} (zero or malformed hash), {@link InvalidAddressError}, {@link InvalidOrderError}
 * (empty list, self-referral, an order id given twice, a hash repeated for one customer).
 * @example
 * ```ts
 * const orders = validateShopOrders([{ orderId: 1001n, orderHash, customer, amount: 10n ** 17n }]);
 * ```
 */
export function validateShopOrders(orders: readonly RecordOrderInput[]): ShopOrder[] {
  if (!Array.isArray(orders)) throw new InvalidOrderError("orders", "expected an array");
  if (orders.length === 0) throw new InvalidOrderError("orders", "no orders");
  const seen = new Set<string>();
  const ids = new Map<bigint, number>();
  return orders.map((o: RecordOrderInput, i) => {
    if (typeof o !== "object" || o === null) throw new InvalidOrderError(`orders[${i}]`, "expected an object");
    const orderId = validateOrderId(`orders[${i}].orderId`, o.orderId);
    const orderHash = validateBytes32(`orders[${i}].orderHash`, o.orderHash, { allowZero: false });
    const customer = validateAddress(`orders[${i}].customer`, o.customer);
    const amount = validateWeiAmount(`orders[${i}].amount`, o.amount);
    const referrer = validateOptionalAddress(`orders[${i}].referrer`, o.referrer);
    if (referrer === customer) throw new InvalidOrderError(`orders[${i}].referrer`, `self-referral by ${customer}`);
    const first = ids.get(orderId);
    if (first !== undefined) {
      throw new InvalidOrderError(
        `orders[${i}].orderId`,
        `order id ${orderId} repeated (also orders[${first}]); each order id counts once`,
      );
    }
    ids.set(orderId, i);
    const key = `${orderHash}:${customer}`;
    if (seen.has(key)) {
      throw new InvalidOrderError(`orders[${i}].orderHash`, `hash ${orderHash} repeated for customer ${customer}`);
    }
    seen.add(key);
    return { orderId, orderHash, customer, amount, referrer };
  });
}

/** Parameters of {@link recordOrders}. */
export interface RecordOrdersParameters extends RecordOrdersOptions {
  readonly shop: string;
  readonly orders: readonly RecordOrderInput[];
}

/**
 * Records orders (path 1) in as few transactions as fit under a gas cap. Every order is validated (order ids
 * included, none twice), and its order id checked against the ids the shop has already used (its `orderIdBitmap`,
 * one read per 256 ids, a few reads in flight), before the first transaction. Chunks of `maxOrdersPerTx` are
 * estimated (`eth_estimateGas`, which also simulates them); a chunk whose estimate exceeds the cap, or that the node
 * refuses to estimate without a contract error (beyond the block gas limit), is split in two. Chunks are sent one
 * after another and each is all-or-nothing, so a call that fails part-way leaves whole chunks recorded: run it
 * again with `skipCounted: true` and it records exactly the rest.
 *
 * The shop itself never counts an order id twice: `recordOrders` on chain skips an id already used (`OrderSkipped`)
 * and counts the rest. What each chunk counted and skipped is read from its events into the result, so an id that
 * got used between the check and the send (a concurrent run, a lost answer re-sent) shows in `skippedByShop`
 * instead of being counted twice. Without `skipCounted` an id already used before the call is still refused up
 * front ({@link OrderAlreadyCountedError}): a re-run must say that it is one.
 *
 * @returns The mined chunks, the input indices skipped before sending and by the shop, and how many counted.
 * @throws {@link validateShopOrders}'s errors, {@link NotAContractError}, {@link MissingRoleError} (not operator),
 * {@link InvalidAmountError} (`maxGasPerTx`, `maxOrdersPerTx`), {@link OrderAlreadyCountedError} (without
 * `skipCounted`), {@link ShareMallError} `"ORDER_TOO_LARGE"` for one order over the cap; a {@link ContractRevertError}
 * for a chunk the contract refuses (earlier chunks stay recorded; `ShopNoTokens` before the shop has a token).
 * @example
 * ```ts
 * const { counted, skipped, skippedByShop } = await recordOrders(transport, {
 *   shop,
 *   orders,
 *   skipCounted: true,
 *   onProgress: (p) => console.log(`${p.ordersDone}/${p.ordersTotal}`),
 * });
 * ```
 */
export async function recordOrders(
  transport: Transport,
  parameters: RecordOrdersParameters,
): Promise<RecordOrdersResult> {
  const { shop, orders, ...options } = parametersOf("recordOrders", parameters);
  const address = validateAddress("shop", shop);
  const checked = validateShopOrders(orders);
  const explicitCap =
    options.maxGasPerTx === undefined
      ? undefined
      : validateAmount("maxGasPerTx", options.maxGasPerTx, { min: 21_000n });
  const perTx = options.maxOrdersPerTx ?? DEFAULT_ORDERS_PER_TX;
  if (!Number.isSafeInteger(perTx) || perTx < 1) {
    throw new InvalidAmountError("maxOrdersPerTx", perTx, "expected a positive integer");
  }
  await shopTokenCount(transport, address);
  const from = await requireRole(transport, address, "operator");
  const estimator: GasEstimator = options.gas ?? {
    estimateGas: (call) => transport.estimateGas(call),
    blockGasLimit: () => transport.blockGasLimit(),
  };
  const blockLimit = estimator.blockGasLimit ?? (() => transport.blockGasLimit());
  const cap = explicitCap ?? ((await blockLimit()) * 8n) / 10n;
  const used = await usedOrderIds(
    transport,
    address,
    checked.map((o) => o.orderId),
  );
  const skipped = checked.flatMap((o, i) => (used.has(o.orderId) ? [i] : []));
  if (skipped.length > 0 && options.skipCounted !== true) {
    const first = checked[skipped[0]];
    throw new OrderAlreadyCountedError(skipped[0], first.orderHash, first.customer, first.orderId);
  }
  const indexOf = new Map(checked.map((o, i) => [o.orderId, i]));
  const skip = new Set(skipped);
  // Runs of consecutive unskipped input indices, cut into first attempts of `perTx` orders: [start, end) pairs.
  const queue: [number, number][] = [];
  for (let i = 0; i < checked.length;) {
    if (skip.has(i)) {
      i++;
      continue;
    }
    let end = i;
    while (end < checked.length && !skip.has(end) && end - i < perTx) end++;
    queue.push([i, end]);
    i = end;
  }
  const total = checked.length - skipped.length;
  const calldata = (chunk: readonly ShopOrder[]): RawCall => ({
    to: address,
    data: encodeCall(shopAbi, "recordOrders", [chunk]),
  });
  const chunks: RecordedChunk[] = [];
  const skippedByShop: number[] = [];
  let done = 0;
  let counted = 0;
  while (queue.length > 0) {
    const [start, end] = queue.shift()!;
    const chunk = checked.slice(start, end);
    let gasEstimate: bigint;
    try {
      gasEstimate = await estimator.estimateGas({ ...calldata(chunk), from });
    } catch (error) {
      const revert = toContractError(error);
      if (revert !== undefined || chunk.length === 1 || isTransientError(error)) throw revert ?? error;
      // A node refuses to estimate a chunk beyond the block gas limit (out of gas, or a revert without a reason
      // it can infer): split it like a chunk over the cap. A real refusal still surfaces at one order.
      gasEstimate = cap + 1n;
    }
    if (gasEstimate > cap) {
      if (chunk.length === 1) {
        throw new ShareMallError(
          "ORDER_TOO_LARGE",
          `Order ${start} alone needs ${gasEstimate} gas, above the cap of ${cap} per transaction`,
        );
      }
      const mid = start + Math.ceil(chunk.length / 2);
      queue.unshift([start, mid], [mid, end]);
      continue;
    }
    const result = await writeContract(transport, {
      address,
      abi: shopAbi,
      functionName: "recordOrders",
      args: [chunk],
    });
    let chunkCounted = 0;
    const chunkSkipped: number[] = [];
    for (const e of result.events) {
      if (e.address !== address) continue;
      if (e.eventName === "OrderCounted") chunkCounted++;
      else if (e.eventName === "OrderSkipped") {
        const index = indexOf.get(e.args.orderId);
        if (index !== undefined) chunkSkipped.push(index);
      }
    }
    done += chunk.length;
    counted += chunkCounted;
    skippedByShop.push(...chunkSkipped);
    chunks.push({
      hash: result.hash,
      from: start,
      count: chunk.length,
      counted: chunkCounted,
      skipped: chunkSkipped,
      gasEstimate,
      gasUsed: result.receipt.gasUsed,
    });
    options.onProgress?.({
      chunk: chunks.length - 1,
      hash: result.hash,
      ordersDone: done,
      ordersTotal: total,
      ordersCounted: counted,
    });
  }
  skippedByShop.sort((a, b) => a - b);
  return { chunks, skipped, skippedByShop, counted };
}

// ------------------------------------------------------------------ anchorBatch

/** Options of {@link anchorBatch}. */
export interface AnchorBatchOptions {
  /**
   * Check the batch's order-id range against the ids the shop has already used (one `orderIdBitmap` read per 256
   * ids) and refuse it if any is: a leaf whose id is used can never mint, though its revenue counts. Default
   * `true`; `false` skips the reads (about 3,900 for a million orders).
   */
  readonly checkOrderIds?: boolean;
}

/** What {@link anchorBatch} returns. */
export interface AnchoredBatch extends MerchantTx {
  /** The shop day the batch's revenue counts on. */
  readonly day: bigint;
  readonly root: Hex;
  /** The order id of leaf 0, and how many leaves (ids `firstOrderId .. firstOrderId + orderCount - 1`). */
  readonly firstOrderId: bigint;
  readonly orderCount: number;
}

/** Parameters of {@link anchorBatch}. */
export interface AnchorBatchParameters extends AnchorBatchOptions {
  readonly shop: string;
  readonly batch: Pick<MerkleBatch, "root" | "firstOrderId" | "orderCount" | "totalRevenue">;
}

/**
 * Anchors a built Merkle batch (path 4) with its first order id (`MerkleBatch.firstOrderId`): its revenue counts
 * today, and its leaves carry the ids `firstOrderId .. firstOrderId + orderCount - 1`. Refuses, before sending, a
 * root already anchored and (unless `checkOrderIds: false`) a range with an id the shop has already used.
 *
 * @throws {@link MerkleBatchError} (bad root, order count outside `1 .. 2^24`, bad or missing `firstOrderId`,
 * already anchored), {@link InvalidAmountError} (revenue outside `1 .. 2^96 - 1`), {@link OrderIdUsedError},
 * {@link MissingRoleError}, before sending; a {@link ContractRevertError} (`ShopNoTokens`) if the shop has no token.
 * @example
 * ```ts
 * const batch = await buildBatch(orders, { firstOrderId: 1001n });
 * const { day } = await anchorBatch(transport, { shop, batch });
 * ```
 */
export async function anchorBatch(transport: Transport, parameters: AnchorBatchParameters): Promise<AnchoredBatch> {
  const { shop, batch, ...options } = parametersOf("anchorBatch", parameters);
  const address = validateAddress("shop", shop);
  if (typeof batch !== "object" || batch === null) throw new MerkleBatchError("expected a built MerkleBatch");
  let root: Hex;
  try {
    root = validateBytes32("root", batch.root, { allowZero: false });
  } catch (error) {
    if (error instanceof InvalidBytes32Error) throw new MerkleBatchError(error.reason, undefined, "root");
    throw error;
  }
  const count = batch.orderCount;
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_ANCHOR_ORDERS) {
    throw new MerkleBatchError(
      `order count ${describeValue(count)} outside 1 .. ${MAX_ANCHOR_ORDERS}`,
      undefined,
      "orderCount",
    );
  }
  if (batch.firstOrderId === undefined) {
    throw new MerkleBatchError(
      "the batch has no firstOrderId: build it with buildBatch(orders, { firstOrderId }) (core v2 leaves carry order ids)",
      undefined,
      "firstOrderId",
    );
  }
  const firstOrderId = validateFirstOrderId(batch.firstOrderId, count);
  const revenue = validateAmount("totalRevenue", batch.totalRevenue, { min: 1n, max: UINT96_MAX });
  const check = options.checkOrderIds ?? true;
  if (typeof check !== "boolean") {
    throw new InvalidOrderError("checkOrderIds", `expected a boolean, got ${describeValue(check)}`);
  }
  await shopTokenCount(transport, address);
  await requireRole(transport, address, "operator");
  const existing = await readContract(transport, { address, abi: shopReadAbi, functionName: "batch", args: [root] });
  if (existing.orderCount !== 0) throw new MerkleBatchError(`root ${root} is already anchored`, undefined, "root");
  if (check) {
    const last = firstOrderId + BigInt(count) - 1n;
    const used = await usedOrderIdsInRange(transport, address, firstOrderId, BigInt(count), 10);
    if (used.count > 0n) {
      throw new OrderIdUsedError(used.ids, `batch order ids ${firstOrderId}..${last}`, used.count);
    }
  }
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "anchorBatch",
    args: [root, firstOrderId, BigInt(count), revenue],
  });
  const anchored = eventOf(result, "BatchAnchored", address);
  if (anchored === undefined) throw new ShareMallError("MISSING_EVENT", `No BatchAnchored event in ${result.hash}`);
  return { hash: result.hash, day: anchored.args.day, root, firstOrderId, orderCount: count };
}

// ------------------------------------------------------------------ Funds and settlement

/** Parameters of {@link deposit}. */
export interface DepositParameters {
  readonly shop: string;
  readonly amountWei: IntegerLike;
}

/**
 * Adds `amountWei` to the merchant balance (prepays settlements).
 *
 * @throws {@link InvalidAmountError} (not a positive integer), {@link NotAContractError}.
 * @example
 * ```ts
 * const { merchantBalance } = await deposit(transport, { shop, amountWei: 10n ** 18n });
 * ```
 */
export async function deposit(
  transport: Transport,
  parameters: DepositParameters,
): Promise<MerchantTx & { merchantBalance: bigint }> {
  const { shop, amountWei } = parametersOf("deposit", parameters);
  const address = validateAddress("shop", shop);
  const amount = validateAmount("amountWei", amountWei, { min: 1n });
  await shopTokenCount(transport, address);
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "deposit",
    args: [],
    value: amount,
  });
  return {
    hash: result.hash,
    merchantBalance: await readContract(transport, {
      address,
      abi: shopReadAbi,
      functionName: "merchantBalance",
      args: [],
    }),
  };
}

/** A settlement whose merchant balance could not pay the day's debt (`SettlementShortfall`). */
export interface SettlementShortfall {
  /** Wei of debt (what recorded, receipt and batch orders owe) the settlement needed beyond the escrow. */
  readonly required: bigint;
  /** Merchant balance, with the call's value, at the time. */
  readonly available: bigint;
  /** `required - available`: what to deposit (or send) before settling the day again. */
  readonly missing: bigint;
}

/**
 * One `settle(day)` transaction. A settlement always releases the day's checkout escrow to the holders; it pays the
 * rest (the debt of the day's other orders) from the merchant balance only if the balance covers all of it, and
 * otherwise leaves it owed (`shortfall`): the day is then partly settled, and a later settlement, once funded, pays
 * the rest.
 */
export interface SettledDay {
  readonly day: bigint;
  readonly hash: Hex;
  /** Wei this settlement distributed to the tokens: `fromEscrow + fromBalance`. */
  readonly dividends: bigint;
  /** Wei of checkout escrow released to the holders (`DaySettled.fromEscrow`). */
  readonly fromEscrow: bigint;
  /** Wei of debt paid from the merchant balance (`DaySettled.fromBalance`); 0 with a shortfall. */
  readonly fromBalance: bigint;
  /** Wei the day still owes after this settlement (the unpaid debt); 0 when it is settled in full. */
  readonly stillOwed: bigint;
  /** Whether the day is settled in full after this settlement (`stillOwed === 0n`). */
  readonly settled: boolean;
  /** Set when the balance could not pay the debt (`SettlementShortfall`): the debt stays owed. */
  readonly shortfall?: SettlementShortfall;
}

async function settleSent(transport: Transport, shop: Address, day: bigint, value: bigint): Promise<SettledDay> {
  const result = await writeContract(transport, {
    address: shop,
    abi: shopAbi,
    functionName: "settle",
    args: [day],
    ...(value > 0n ? { value } : {}),
  });
  const settled = eventOf(result, "DaySettled", shop);
  if (settled === undefined) throw new ShareMallError("MISSING_EVENT", `No DaySettled event in ${result.hash}`);
  const short = eventOf(result, "SettlementShortfall", shop);
  const { fromEscrow, fromBalance } = settled.args;
  const base = { day, hash: result.hash, dividends: fromEscrow + fromBalance, fromEscrow, fromBalance };
  if (short === undefined) return { ...base, stillOwed: 0n, settled: true };
  const { required, available } = short.args;
  return {
    ...base,
    stillOwed: required,
    settled: false,
    shortfall: { required, available, missing: required - available },
  };
}

/** What a day still owes, token by token, as `settle` will see it. */
interface Outstanding {
  /** Escrow not released yet. */
  readonly release: bigint;
  /** Debt not paid yet. */
  readonly debt: bigint;
  /** Whether some token's part of the day is settled. */
  readonly anySettled: boolean;
}

async function outstanding(transport: Transport, shop: Address, day: bigint, count: bigint): Promise<Outstanding> {
  let release = 0n;
  let debt = 0n;
  let anySettled = false;
  for (let i = 0n; i < count; i++) {
    const entry = await readContract(transport, {
      address: shop,
      abi: shopReadAbi,
      functionName: "tokenDay",
      args: [i, day],
    });
    if (entry.settled) {
      anySettled = true;
      continue;
    }
    if (!entry.escrowReleased) release += entry.escrowed;
    debt += entry.owed - entry.escrowed;
  }
  return { release, debt, anySettled };
}

/** Parameters of {@link settleDay}. */
export interface SettleDayParameters {
  readonly shop: string;
  readonly day: IntegerLike;
  readonly value?: IntegerLike;
}

/**
 * Settles one past day (anyone may), with core v2's semantics: the day's checkout escrow always goes out to the
 * holders; the debt of its other orders is paid from the merchant balance (plus `value`, which is deposited first)
 * if that covers all of it, and otherwise stays owed — the result then has `settled: false`, `stillOwed` and the
 * `shortfall`, and settling the day again once funded pays the rest. A day with nothing left to release and too
 * little funding reverts with the contract's typed {@link ContractRevertError} `ShopSettlementUnderfunded`
 * (`args.required`, `available`, `missing`) at estimation, before anything is sent.
 *
 * @throws {@link InvalidAmountError} (day, value), {@link NotAContractError}, {@link CannotSettleDayError} (not over,
 * already settled, nothing owed) before sending.
 * @example
 * ```ts
 * const s = await settleDay(transport, { shop, day: 20786n, value: 10n ** 17n });
 * if (!s.settled) console.log(`escrow released; ${s.stillOwed} wei still owed, deposit ${s.shortfall!.missing}`);
 * ```
 */
export async function settleDay(transport: Transport, parameters: SettleDayParameters): Promise<SettledDay> {
  const { shop, day, ...options } = parametersOf("settleDay", parameters);
  const address = validateAddress("shop", shop);
  const d = validateAmount("day", day, { max: (1n << 64n) - 1n });
  const value = options.value === undefined ? 0n : validateAmount("value", options.value);
  const count = await shopTokenCount(transport, address);
  const today = await readContract(transport, { address, abi: shopReadAbi, functionName: "today", args: [] });
  if (d >= today) throw new CannotSettleDayError(d, "not over", today);
  const left = await outstanding(transport, address, d, count);
  if (left.release === 0n && left.debt === 0n) {
    throw new CannotSettleDayError(d, left.anySettled ? "already settled" : "nothing owed", today);
  }
  return settleSent(transport, address, d, value);
}

/**
 * How {@link settleAllUnsettled} funds the days: `"none"` (default) refuses up front when the merchant balance cannot
 * pay every day's debt; `"deposit-missing"` deposits what it lacks first; `"partial"` settles with the balance as it
 * is: every day's escrow is released, and each day's debt is paid, oldest first, while the balance covers it.
 */
export type SettleFunding = "none" | "deposit-missing" | "partial";

/** Options of {@link settleAllUnsettled}. */
export interface SettleAllOptions {
  /** See {@link SettleFunding}; default `"none"`. */
  readonly fund?: SettleFunding;
  readonly onProgress?: (progress: {
    readonly settled: SettledDay;
    readonly done: number;
    readonly total: number;
  }) => void;
}

/** A day still owing after {@link settleAllUnsettled}. */
export interface OwingDay {
  readonly day: bigint;
  /** Wei of debt the merchant balance must still fund for the day. */
  readonly unfunded: bigint;
}

/** What {@link settleAllUnsettled} returns. */
export interface SettleAllResult {
  /** One entry per settlement sent, oldest day first (a day partly settled has `settled: false`). */
  readonly settled: readonly SettledDay[];
  /** Wei deposited first (0 if none), and the deposit's hash. */
  readonly deposited: bigint;
  readonly depositHash?: Hex;
  /**
   * Days that still owe after the run, oldest first: partly settled or not sent. With `fund: "none"` or
   * `"deposit-missing"` it is empty unless the balance fell during the run (e.g. a withdrawal between the reads and
   * a settlement), which leaves the days the shop settled short here.
   */
  readonly owing: readonly OwingDay[];
  /** Sum of `owing[].unfunded`: what the merchant must still deposit and settle. */
  readonly unpaid: bigint;
}

/** Parameters of {@link settleAllUnsettled}. */
export interface SettleAllUnsettledParameters extends SettleAllOptions {
  readonly shop: string;
}

/**
 * Settles every unsettled past day, oldest first (from the shop's `unsettledDays`). With `fund: "none"` it refuses up
 * front, sending nothing, when the merchant balance cannot pay all their debt; with `"deposit-missing"` it deposits
 * the shortfall first and settles every day in full; with `"partial"` it deposits nothing and settles what the
 * balance allows (each day's checkout escrow always goes out; a day whose debt the remaining balance cannot cover
 * is settled for its escrow only, or left alone if it has none), reporting in `owing` what is still owed.
 *
 * @throws {@link InsufficientMerchantBalanceError} (required, available, missing) before sending with
 * `fund: "none"`; {@link InvalidOrderError} for an unknown `fund`; {@link NotAContractError}.
 * @example
 * ```ts
 * const { settled, deposited } = await settleAllUnsettled(transport, { shop, fund: "deposit-missing" });
 * const { owing, unpaid } = await settleAllUnsettled(transport, { shop, fund: "partial" }); // escrow goes out
 * ```
 */
export async function settleAllUnsettled(
  transport: Transport,
  parameters: SettleAllUnsettledParameters,
): Promise<SettleAllResult> {
  const { shop, ...options } = parametersOf("settleAllUnsettled", parameters);
  const address = validateAddress("shop", shop);
  const fund = options.fund ?? "none";
  if (fund !== "none" && fund !== "deposit-missing" && fund !== "partial") {
    throw new InvalidOrderError("fund", `expected "deposit-missing", "partial" or "none", got ${describeValue(fund)}`);
  }
  await shopTokenCount(transport, address);
  const days = (await readUnsettledDays(transport, address)).filter((u) => u.owed > 0n);
  days.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  const required = days.reduce((sum, d) => sum + d.unfunded, 0n);
  let available = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "merchantBalance",
    args: [],
  });
  let deposited = 0n;
  let depositHash: Hex | undefined;
  if (required > available && fund !== "partial") {
    const missing = required - available;
    if (fund === "none") {
      const what =
        days.length === 1 ? `settle day ${days[0].day}` : `settle days ${days[0].day}..${days[days.length - 1].day}`;
      throw new InsufficientMerchantBalanceError(required, available, missing, what);
    }
    const result = await writeContract(transport, {
      address,
      abi: shopAbi,
      functionName: "deposit",
      args: [],
      value: missing,
    });
    deposited = missing;
    depositHash = result.hash;
    available += missing;
  }
  const settled: SettledDay[] = [];
  const owing: OwingDay[] = [];
  // Days the run will send a settlement for: all of them, except (with "partial") a day that has no escrow left to
  // release and a debt the remaining balance cannot pay, which the shop would refuse.
  const plan: { day: bigint; unfunded: bigint }[] = [];
  for (const d of days) {
    const escrow = d.owed - d.unfunded;
    if (d.unfunded <= available) {
      available -= d.unfunded;
      plan.push(d);
    } else if (escrow > 0n) {
      plan.push(d);
    } else {
      owing.push({ day: d.day, unfunded: d.unfunded });
    }
  }
  for (const d of plan) {
    const s = await settleSent(transport, address, d.day, 0n);
    settled.push(s);
    if (!s.settled) owing.push({ day: d.day, unfunded: s.stillOwed });
    options.onProgress?.({ settled: s, done: settled.length, total: plan.length });
  }
  owing.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return {
    settled,
    deposited,
    ...(depositHash !== undefined ? { depositHash } : {}),
    owing,
    unpaid: owing.reduce((sum, d) => sum + d.unfunded, 0n),
  };
}

/** Parameters of {@link withdraw}. */
export interface WithdrawParameters {
  readonly shop: string;
  readonly to: string;
  readonly amountWei: IntegerLike;
}

/**
 * Withdraws `amountWei` of the merchant balance to `to` (admin only).
 *
 * @throws {@link InvalidAddressError}, {@link InvalidAmountError}, {@link MissingRoleError},
 * {@link InsufficientMerchantBalanceError} (amount above the balance, with the numbers), before sending.
 * @example
 * ```ts
 * await withdraw(transport, { shop, to: treasury, amountWei: 5n * 10n ** 17n });
 * ```
 */
export async function withdraw(transport: Transport, parameters: WithdrawParameters): Promise<MerchantTx> {
  const { shop, to, amountWei } = parametersOf("withdraw", parameters);
  const address = validateAddress("shop", shop);
  const recipient = validateAddress("to", to);
  const amount = validateAmount("amountWei", amountWei, { min: 1n });
  await shopTokenCount(transport, address);
  await requireRole(transport, address, "admin");
  const balance = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "merchantBalance",
    args: [],
  });
  if (amount > balance) throw new InsufficientMerchantBalanceError(amount, balance, amount - balance, "withdraw");
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "withdraw",
    args: [recipient, amount],
  });
  return { hash: result.hash };
}

// ------------------------------------------------------------------ mintFromPool

const TOKEN_DECIMAL_RE = /^([0-9]+)(?:\.([0-9]{1,18}))?$/;

/**
 * Parses a token amount: a decimal string of whole tokens (at most 18 decimals, e.g. `"12.5"`) or a bigint of
 * token-wei; at least 1 token-wei.
 *
 * @throws {@link InvalidAmountError} for numbers, negative, malformed, zero or too precise values.
 * @example
 * ```ts
 * parseTokenAmount("amount", "12.5"); // 12500000000000000000n
 * ```
 */
export function parseTokenAmount(field: string, value: unknown): bigint {
  let wei: bigint;
  if (typeof value === "bigint") wei = value;
  else if (typeof value === "string") {
    const match = TOKEN_DECIMAL_RE.exec(value);
    if (match === null) {
      const reason = /^-/.test(value)
        ? "negative"
        : /\.[0-9]{19,}$/.test(value)
          ? "more than 18 decimals"
          : 'expected a decimal string of tokens such as "12.5"';
      throw new InvalidAmountError(field, value, reason);
    }
    wei = BigInt(match[1]) * 10n ** 18n + BigInt((match[2] ?? "").padEnd(18, "0") || "0");
  } else {
    throw new InvalidAmountError(field, value, 'expected a decimal string of tokens ("12.5") or a bigint of token-wei');
  }
  if (wei < 0n) throw new InvalidAmountError(field, value, "negative");
  if (wei === 0n) throw new InvalidAmountError(field, value, "zero");
  if (wei > UINT96_MAX) throw new InvalidAmountError(field, value, "above the maximum supply 2^96 - 1 token-wei");
  return wei;
}

function reasonId(reason: unknown): Hex {
  if (typeof reason !== "string" || reason === "") {
    throw new InvalidBytes32Error("reason", reason, "expected a non-empty string or a bytes32");
  }
  if (/^0x[0-9a-fA-F]{64}$/.test(reason)) {
    return validateBytes32("reason", reason, { allowZero: false });
  }
  if (/^0x[0-9a-fA-F]*$/.test(reason)) {
    throw new InvalidBytes32Error("reason", reason, "hex that is not 32 bytes; give 32 bytes or plain text");
  }
  return keccak256(stringToHex(reason));
}

/** Parameters of {@link mintFromPool}. */
export interface MintFromPoolParameters {
  readonly shop: string;
  readonly tokenIndex: IntegerLike;
  readonly to: string;
  readonly amountTokens: string | bigint;
  readonly reason: string;
}

/**
 * Mints tokens from a token's management pool allowance to a service contributor (pool manager only). `reason` is
 * a bytes32 id or text, hashed with keccak-256. The allowance is the shop's `poolAllowance(tokenIndex)`, computed
 * from the supply the rules minted (`minted × poolNum / poolDen` less what the pool minted, rounded down once).
 *
 * @throws {@link InvalidAddressError}, {@link InvalidAmountError}, {@link InvalidBytes32Error} (reason),
 * {@link UnknownTokenIndexError}, {@link MissingRoleError}, {@link PoolAllowanceError}, before sending.
 * @example
 * ```ts
 * await mintFromPool(transport, {
 *   shop,
 *   tokenIndex: 0,
 *   to: helper,
 *   amountTokens: "12.5",
 *   reason: "tea ceremony 2026-11-20",
 * });
 * ```
 */
export async function mintFromPool(
  transport: Transport,
  parameters: MintFromPoolParameters,
): Promise<MerchantTx & { amount: bigint; reason: Hex }> {
  const { shop, tokenIndex, to, amountTokens, reason } = parametersOf("mintFromPool", parameters);
  const address = validateAddress("shop", shop);
  validateIndex(tokenIndex);
  const recipient = validateAddress("to", to);
  const amount = parseTokenAmount("amountTokens", amountTokens);
  const reasonHash = reasonId(reason);
  const { index } = await requireToken(transport, address, tokenIndex);
  await requireRole(transport, address, "poolManager");
  const allowance = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "poolAllowance",
    args: [index],
  });
  if (amount > allowance) throw new PoolAllowanceError(index, allowance, amount);
  const result = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "mintFromPool",
    args: [index, recipient, amount, reasonHash],
  });
  return { hash: result.hash, amount, reason: reasonHash };
}
