/**
 * Typed errors of the ShareMall SDK. Every error the SDK throws on purpose is a {@link ShareMallError}; each
 * subclass carries readonly fields that say what was wrong, and a message that names the field and the value.
 *
 * @packageDocumentation
 */
import type { Address } from "./types.js";

/**
 * Renders any input value for an error message: bigints with an `n`, strings quoted, long values shortened.
 *
 * @param value - Any value.
 * @returns A short, printable description.
 * @example
 * ```ts
 * describeValue(5n); // "5n"
 * describeValue("0x12"); // "\"0x12\""
 * ```
 */
export function describeValue(value: unknown): string {
  let text: string;
  if (typeof value === "bigint") text = `${value}n`;
  else if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "number" || typeof value === "boolean" || value == null) text = String(value);
  else if (value instanceof Uint8Array) text = `Uint8Array(${value.length})`;
  else if (Array.isArray(value)) text = `array(${value.length})`;
  else if (typeof value === "object") text = "object";
  else text = typeof value;
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/**
 * Base class of every error the SDK throws on purpose.
 *
 * @example
 * ```ts
 * try {
 *   validateAmount("amount", -1n);
 * } catch (error) {
 *   if (error instanceof ShareMallError) console.error(error.code, error.message);
 * }
 * ```
 */
export class ShareMallError extends Error {
  /** A stable machine-readable code, e.g. `"INVALID_ADDRESS"`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An address input is malformed, has a wrong EIP-55 checksum, or is the zero address where that is not allowed. */
export class InvalidAddressError extends ShareMallError {
  constructor(
    /** The input field, e.g. `"customer"` or `"entries[3].referrer"`. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_ADDRESS", `Invalid address for "${field}": ${describeValue(value)} (${reason})`);
  }
}

/** An integer input (amount, quantity, price, count...) is not an integer in the allowed range. */
export class InvalidAmountError extends ShareMallError {
  constructor(
    /** The input field. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_AMOUNT", `Invalid amount for "${field}": ${describeValue(value)} (${reason})`);
  }
}

/** A 32-byte value (order hash, Merkle node) is malformed. */
export class InvalidBytes32Error extends ShareMallError {
  constructor(
    /** The input field. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_BYTES32", `Invalid bytes32 for "${field}": ${describeValue(value)} (${reason})`);
  }
}

/** An order salt is not 32 bytes of hex, or is all zero (not random). */
export class InvalidSaltError extends ShareMallError {
  constructor(
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_SALT", `Invalid salt: ${describeValue(value)} (${reason})`);
  }
}

/** A chain id is not a positive integer. */
export class InvalidChainIdError extends ShareMallError {
  constructor(
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_CHAIN_ID", `Invalid chain id: ${describeValue(value)} (${reason})`);
  }
}

/** A deadline or timestamp is not a unix time in seconds within range. */
export class InvalidDeadlineError extends ShareMallError {
  constructor(
    /** The input field, e.g. `"deadline"` or `"createdAt"`. */
    readonly field: string,
    /** The value as given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_DEADLINE", `Invalid unix time for "${field}": ${describeValue(value)} (${reason})`);
  }
}

/** A private order (or one of its items) breaks a rule of the canonical order encoding. */
export class InvalidOrderError extends ShareMallError {
  constructor(
    /** The order field, e.g. `"orderId"` or `"items[2].sku"`. */
    readonly field: string,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_ORDER", `Invalid order field "${field}": ${reason}`);
  }
}

/** A receipt's deadline has passed: the shop accepts a receipt while `block.timestamp <= deadline`. */
export class ReceiptExpiredError extends ShareMallError {
  constructor(
    /** The receipt's deadline (unix seconds). */
    readonly deadline: bigint,
    /** The time it was checked at (unix seconds). */
    readonly now: bigint,
  ) {
    super("RECEIPT_EXPIRED", `Receipt expired: deadline ${deadline} is before now ${now}`);
  }
}

/** A receipt names another chain than the one expected (the shop would revert `ShopReceiptWrongChain`). */
export class ReceiptWrongChainError extends ShareMallError {
  constructor(
    /** The chain id expected. */
    readonly expected: bigint,
    /** The chain id in the receipt. */
    readonly actual: bigint,
  ) {
    super("RECEIPT_WRONG_CHAIN", `Receipt is for chain ${actual}, expected chain ${expected}`);
  }
}

/** A receipt names another shop than the one expected (the shop would revert `ShopReceiptWrongShop`). */
export class ReceiptWrongShopError extends ShareMallError {
  constructor(
    /** The shop expected. */
    readonly expected: string,
    /** The shop in the receipt. */
    readonly actual: string,
  ) {
    super("RECEIPT_WRONG_SHOP", `Receipt is for shop ${actual}, expected shop ${expected}`);
  }
}

/** A receipt signature is malformed or does not recover to the expected signer. */
export class ReceiptSignatureError extends ShareMallError {
  constructor(
    /** Why the signature was refused. */
    readonly reason: string,
    /** The signer expected, when known. */
    readonly expected?: string,
    /** The address the signature recovers to, when it recovers at all. */
    readonly recovered?: string,
  ) {
    super(
      "RECEIPT_SIGNATURE",
      `Invalid receipt signature: ${reason}` +
        (expected !== undefined
          ? ` (expected signer ${expected}` + (recovered ? `, recovered ${recovered})` : ")")
          : ""),
    );
  }
}

/**
 * A Merkle batch (or batch file) is invalid: a duplicated order, too many orders, a tampered entry, a proof that
 * does not verify, a root that does not match... `entry` names the batch entry at fault when there is one.
 */
export class MerkleBatchError extends ShareMallError {
  constructor(
    /** Why the batch was refused. */
    readonly reason: string,
    /** Position of the entry at fault (equal to its leaf index), if one entry is at fault. */
    readonly entry?: number,
    /** The field at fault, e.g. `"root"` or `"entries[4].proof"`. */
    readonly field?: string,
  ) {
    super(
      "MERKLE_BATCH",
      `Invalid Merkle batch${entry !== undefined ? ` entry ${entry}` : ""}` +
        `${field !== undefined ? ` (${field})` : ""}: ${reason}`,
    );
  }
}

/** An address that should be a ShareMall contract has no code (or does not answer like one); nothing was sent. */
export class NotAContractError extends ShareMallError {
  constructor(
    /** The input field, e.g. `"shop"`. */
    readonly field: string,
    /** The address given. */
    readonly address: Address,
  ) {
    super("NOT_A_CONTRACT", `"${field}" ${address} is not a ShareMall ${field} (no contract answers there)`);
  }
}

/** The wallet or node is on another chain than the one the caller expects (see `requireChain`). */
export class WrongChainError extends ShareMallError {
  constructor(
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super("WRONG_CHAIN", `Connected to chain ${actual}, expected chain ${expected}: switch the wallet or RPC network`);
  }
}

/**
 * An order id of the operator's paths (recorded orders, receipts, batch leaves) has already counted in the shop:
 * each id counts once per shop, whatever the path. Found by a read before anything was sent.
 */
export class OrderIdUsedError extends ShareMallError {
  constructor(
    /** The used ids found (at most the first ten). */
    readonly orderIds: readonly bigint[],
    /** What the ids were for, e.g. `"receipt"` or `"batch ids 1001..2000"`. */
    readonly what: string,
    /** How many used ids there are in all (at least `orderIds.length`). */
    readonly count: bigint = BigInt(orderIds.length),
  ) {
    super(
      "ORDER_ID_USED",
      `${what}: order id${count === 1n ? "" : "s"} ${orderIds.join(", ")}${
        count > BigInt(orderIds.length) ? ` and ${count - BigInt(orderIds.length)} more` : ""
      } already counted in the shop (each order id counts once, across recorded orders, receipts and batch leaves)`,
    );
  }
}
