/**
 * Input validation. Every SDK function that hashes or signs runs these first, so bad input fails with a typed
 * error that names the field, before any hash, signature or transaction exists.
 *
 * @packageDocumentation
 */
import { checksumAddress } from "viem";
import {
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidChainIdError,
  InvalidDeadlineError,
  InvalidSaltError,
  ReceiptExpiredError,
} from "./errors.js";
import type { Address, Hex, IntegerLike } from "./types.js";

/** 2^256 - 1, the largest ABI `uint256`. */
export const UINT256_MAX: bigint = (1n << 256n) - 1n;
/** 2^128 - 1, the largest `uint128` (a batch's total revenue). */
export const UINT128_MAX: bigint = (1n << 128n) - 1n;
/** 2^96 - 1, the largest `uint96`: an order's amount in wei must stay below 2^96. */
export const UINT96_MAX: bigint = (1n << 96n) - 1n;
/** 2^64 - 1, the largest `uint64` (a receipt deadline). */
export const UINT64_MAX: bigint = (1n << 64n) - 1n;
/** Unix times from this value on (year 5138) are taken for milliseconds and refused: the chain counts seconds. */
export const MILLISECONDS_THRESHOLD = 100_000_000_000n;
/** The zero address. */
export const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";
/** The zero bytes32. */
export const ZERO_BYTES32: Hex = "0x0000000000000000000000000000000000000000000000000000000000000000";

const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
/** Hex digits in both cases: an EIP-55 checksum is claimed. */
const MIXED_CASE = /([A-F].*[a-f])|([a-f].*[A-F])/;
const BYTES32_RE = /^0x[0-9a-fA-F]{64}$/;
const DIGITS_RE = /^[0-9]+$/;

/** Options of {@link validateAddress}. */
export interface AddressOptions {
  /** Accept the zero address (default `false`). */
  readonly allowZero?: boolean;
}

/**
 * Validates an account address and returns it in EIP-55 checksummed form. All-lower-case and all-upper-case hex
 * carry no checksum and are accepted; mixed case must be a correct EIP-55 checksum.
 *
 * @param field - Name of the input, used in the error.
 * @param value - The address to check.
 * @param options - `allowZero` to accept the zero address.
 * @returns The checksummed address.
 * @throws {@link InvalidAddressError} if the value is not a string of 0x and 40 hex digits, has a wrong checksum, or
 * is the zero address without `allowZero`.
 * @example
 * ```ts
 * validateAddress("customer", "0x8ba1f109551bd432803012645ac136ddd64dba72");
 * // "0x8ba1f109551bD432803012645Ac136ddd64DBA72"
 * ```
 */
export function validateAddress(field: string, value: unknown, options: AddressOptions = {}): Address {
  if (typeof value !== "string") throw new InvalidAddressError(field, value, `expected a string, got ${typeOf(value)}`);
  if (!ADDRESS_RE.test(value)) throw new InvalidAddressError(field, value, "expected 0x followed by 40 hex digits");
  const checksummed = checksumAddress(value as `0x${string}`);
  // All lower or all upper case carries no checksum; mixed case must be the exact EIP-55 form.
  if (MIXED_CASE.test(value) && checksummed !== value) {
    throw new InvalidAddressError(field, value, "bad EIP-55 checksum (mixed case must be the exact checksum)");
  }
  if (!options.allowZero && checksummed === ZERO_ADDRESS) {
    throw new InvalidAddressError(field, value, "the zero address is not allowed here");
  }
  return checksummed as Address;
}

/**
 * Validates an optional address that defaults to the zero address (a referrer: none is the zero address).
 *
 * @param field - Name of the input, used in the error.
 * @param value - The address, or `undefined`/`null` for none.
 * @returns The checksummed address, or {@link ZERO_ADDRESS} for none.
 * @throws {@link InvalidAddressError} if a value is given and malformed.
 * @example
 * ```ts
 * validateOptionalAddress("referrer", undefined); // "0x0000000000000000000000000000000000000000"
 * ```
 */
export function validateOptionalAddress(field: string, value: unknown): Address {
  if (value === undefined || value === null) return ZERO_ADDRESS;
  return validateAddress(field, value, { allowZero: true });
}

/** Range of {@link validateAmount}. */
export interface AmountOptions {
  /** Smallest accepted value (default `0n`). */
  readonly min?: bigint;
  /** Largest accepted value (default {@link UINT256_MAX}). */
  readonly max?: bigint;
}

/**
 * Validates an integer: a `bigint`, a safe-integer `number` or a string of decimal digits, within `[min, max]`.
 * Refuses negative values, fractions (`1.5`, `"1.5"`), `NaN`, infinities, numbers beyond 2^53 (precision already
 * lost: pass a bigint or a string), signs, spaces, exponents and hex strings.
 *
 * @param field - Name of the input, used in the error.
 * @param value - The integer to check.
 * @param options - The accepted range (default `0 .. 2^256 - 1`).
 * @returns The value as a bigint.
 * @throws {@link InvalidAmountError} naming the field and the reason.
 * @example
 * ```ts
 * validateAmount("quantity", "12"); // 12n
 * validateAmount("quantity", 1.5); // throws InvalidAmountError: has a fraction
 * ```
 */
export function validateAmount(field: string, value: unknown, options: AmountOptions = {}): bigint {
  const min = options.min ?? 0n;
  const max = options.max ?? UINT256_MAX;
  let n: bigint;
  if (typeof value === "bigint") {
    n = value;
  } else if (typeof value === "number") {
    if (Number.isNaN(value)) throw new InvalidAmountError(field, value, "not a number (NaN)");
    if (!Number.isFinite(value)) throw new InvalidAmountError(field, value, "not finite");
    if (!Number.isInteger(value)) throw new InvalidAmountError(field, value, "has a fraction; expected an integer");
    if (value < 0) throw new InvalidAmountError(field, value, "negative");
    if (!Number.isSafeInteger(value)) {
      throw new InvalidAmountError(field, value, "number above 2^53 - 1 has lost precision; pass a bigint or string");
    }
    n = BigInt(value);
  } else if (typeof value === "string") {
    if (!DIGITS_RE.test(value)) {
      let reason = "not a string of decimal digits";
      if (/^-\s*[0-9]/.test(value)) reason = "negative";
      else if (/^[0-9]*\.[0-9]+$/.test(value)) reason = "has a fraction; expected an integer";
      else if (value === "") reason = "empty string";
      throw new InvalidAmountError(field, value, reason);
    }
    n = BigInt(value);
  } else {
    throw new InvalidAmountError(field, value, `expected a bigint, number or decimal string, got ${typeOf(value)}`);
  }
  if (n < 0n) throw new InvalidAmountError(field, value, "negative");
  if (n < min) throw new InvalidAmountError(field, value, `below the minimum ${min}`);
  if (n > max) throw new InvalidAmountError(field, value, `above the maximum ${describeMax(max)}`);
  return n;
}

/**
 * Validates an order amount in wei as the chain takes it: an integer in `1 .. 2^96 - 1` (the shop stores amounts
 * as `uint96` and rejects zero).
 *
 * @param field - Name of the input, used in the error.
 * @param value - Amount in wei.
 * @returns The amount as a bigint.
 * @throws {@link InvalidAmountError} for anything else.
 * @example
 * ```ts
 * validateWeiAmount("amount", 10n ** 18n); // 1000000000000000000n
 * validateWeiAmount("amount", 0n); // throws InvalidAmountError: below the minimum 1
 * ```
 */
export function validateWeiAmount(field: string, value: unknown): bigint {
  return validateAmount(field, value, { min: 1n, max: UINT96_MAX });
}

/**
 * Validates an order id of the operator's order paths (recorded orders, receipts, batch leaves): an integer in
 * `1 .. 2^64 - 1` (the shop stores ids as `uint64`; 0 means "no id").
 *
 * @param field - Name of the input, used in the error.
 * @param value - The order id.
 * @returns The id as a bigint.
 * @throws {@link InvalidAmountError} for anything else.
 * @example
 * ```ts
 * validateOrderId("orderId", 1024); // 1024n
 * validateOrderId("orderId", 0); // throws InvalidAmountError: below the minimum 1
 * ```
 */
export function validateOrderId(field: string, value: unknown): bigint {
  return validateAmount(field, value, { min: 1n, max: UINT64_MAX });
}

/** Options of {@link validateBytes32}. */
export interface Bytes32Options {
  /** Accept 32 zero bytes (default `true`). */
  readonly allowZero?: boolean;
}

/**
 * Validates a 32-byte value given as `0x` and 64 hex digits (either case) and returns it in lower case.
 *
 * @param field - Name of the input, used in the error.
 * @param value - The value to check.
 * @param options - `allowZero: false` to refuse 32 zero bytes (an order hash may not be zero).
 * @returns Lower-case hex.
 * @throws {@link InvalidBytes32Error} if malformed or zero when refused.
 * @example
 * ```ts
 * validateBytes32("orderHash", "0x" + "AB".repeat(32)); // "0xabab...ab"
 * ```
 */
export function validateBytes32(field: string, value: unknown, options: Bytes32Options = {}): Hex {
  if (typeof value !== "string") throw new InvalidBytes32Error(field, value, `expected a string, got ${typeOf(value)}`);
  if (!BYTES32_RE.test(value)) throw new InvalidBytes32Error(field, value, "expected 0x followed by 64 hex digits");
  const lower = value.toLowerCase() as Hex;
  if (options.allowZero === false && lower === ZERO_BYTES32) {
    throw new InvalidBytes32Error(field, value, "must not be zero");
  }
  return lower;
}

/**
 * Validates an order salt: 32 bytes as `0x` and 64 hex digits, not all zero (a salt must be random; see
 * `newSalt`).
 *
 * @param value - The salt.
 * @returns Lower-case hex.
 * @throws {@link InvalidSaltError} if malformed or zero.
 * @example
 * ```ts
 * validateSalt(newSalt()); // "0x...": 64 random hex digits
 * ```
 */
export function validateSalt(value: unknown): Hex {
  if (typeof value !== "string") throw new InvalidSaltError(value, `expected a string, got ${typeOf(value)}`);
  if (!BYTES32_RE.test(value)) throw new InvalidSaltError(value, "expected 0x followed by 64 hex digits (32 bytes)");
  const lower = value.toLowerCase() as Hex;
  if (lower === ZERO_BYTES32) throw new InvalidSaltError(value, "all zero: a salt must be 32 random bytes");
  return lower;
}

/**
 * Validates a chain id: a positive integer (bigint, safe number or decimal string) up to 2^256 - 1.
 *
 * @param value - The chain id.
 * @returns The chain id as a bigint.
 * @throws {@link InvalidChainIdError} otherwise.
 * @example
 * ```ts
 * validateChainId(31337); // 31337n
 * ```
 */
export function validateChainId(value: unknown): bigint {
  try {
    return validateAmount("chainId", value, { min: 1n });
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new InvalidChainIdError(value, error.reason);
    throw error;
  }
}

/**
 * Validates a unix time in seconds: an integer in `0 .. 2^64 - 1` and below {@link MILLISECONDS_THRESHOLD}
 * (a value that large is a time in milliseconds).
 *
 * @param field - Name of the input, used in the error.
 * @param value - Unix time in seconds.
 * @returns The time as a bigint.
 * @throws {@link InvalidDeadlineError} otherwise.
 * @example
 * ```ts
 * validateUnixSeconds("createdAt", 1_767_225_600); // 1767225600n
 * validateUnixSeconds("createdAt", Date.now()); // throws: looks like milliseconds
 * ```
 */
export function validateUnixSeconds(field: string, value: unknown): bigint {
  let n: bigint;
  try {
    n = validateAmount(field, value, { max: UINT64_MAX });
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new InvalidDeadlineError(field, value, error.reason);
    throw error;
  }
  if (n >= MILLISECONDS_THRESHOLD) {
    throw new InvalidDeadlineError(field, value, "looks like milliseconds; unix times are in seconds");
  }
  return n;
}

/**
 * Validates a receipt deadline (unix seconds, see {@link validateUnixSeconds}) and, when `now` is given, that it
 * has not passed: a receipt is valid while `now <= deadline`, as the shop checks `block.timestamp <= deadline`.
 *
 * @param value - The deadline.
 * @param now - Current unix time in seconds, or `undefined` to check the format only.
 * @returns The deadline as a bigint.
 * @throws {@link InvalidDeadlineError} if malformed; {@link ReceiptExpiredError} if `now > deadline`.
 * @example
 * ```ts
 * validateDeadline(1_767_229_200, 1_767_225_600); // 1767229200n
 * ```
 */
export function validateDeadline(value: unknown, now?: IntegerLike): bigint {
  const deadline = validateUnixSeconds("deadline", value);
  if (now !== undefined) {
    const t = validateUnixSeconds("now", now);
    if (t > deadline) throw new ReceiptExpiredError(deadline, t);
  }
  return deadline;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function describeMax(max: bigint): string {
  if (max === UINT256_MAX) return "2^256 - 1";
  if (max === UINT128_MAX) return "2^128 - 1";
  if (max === UINT96_MAX) return "2^96 - 1";
  if (max === UINT64_MAX) return "2^64 - 1";
  return max.toString();
}
