/**
 * Typed errors of the ShareMall SDK. Every error the SDK throws on purpose is a {@link ShareMallError}; each
 * subclass carries readonly fields that say what was wrong, and a message that names the field and the value.
 *
 * @packageDocumentation
 */
import type { Address, Hex } from "./types.js";

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

// ------------------------------------------------------------------ Transactions

/** A transport without a signer was given to a function that sends a transaction. */
export class NoSignerError extends ShareMallError {
  constructor(what: string) {
    super("NO_SIGNER", `${what} needs a transport with a signer (account)`);
  }
}

/** The signer's balance cannot cover a payment plus a gas margin; nothing was sent. */
export class InsufficientFundsError extends ShareMallError {
  constructor(
    /** The account that would pay. */
    readonly account: Address,
    /** Its balance in wei. */
    readonly have: bigint,
    /** What the payment needs in wei: the value plus the gas margin. */
    readonly need: bigint,
  ) {
    super(
      "INSUFFICIENT_FUNDS",
      `Insufficient funds: ${account} has ${have} wei but needs ${need} wei (value plus gas margin), ` +
        `${need - have} wei short`,
    );
  }
}

// ------------------------------------------------------------------ Payments with returns

/** Where a payment stands on chain (`IShop.PaymentStatus`, from the shop's `payment(orderHash, customer)`). */
export type PaymentChainStatus = "none" | "held" | "returnRequested" | "captured";

/**
 * The customer's payment for this order hash has already counted (its status is Captured): a payment counts once per
 * `(orderHash, customer)`, whether charged or authorized and captured. Nothing was sent.
 */
export class PaymentAlreadyCountedError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
  ) {
    super(
      "PAYMENT_ALREADY_COUNTED",
      `${customer} has already paid order ${orderHash} and the payment counted (captured): ` +
        "paying again would revert (ShopOrderAlreadyCounted)",
    );
  }
}

/** The customer already has a payment held for this order hash (the shop would revert `ShopPaymentExists`). */
export class PaymentExistsError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** `"held"` or `"returnRequested"`. */
    readonly status: PaymentChainStatus,
  ) {
    super(
      "PAYMENT_EXISTS",
      `${customer} already has a payment held for order ${orderHash} (status ${status}): ` +
        "it must be captured, voided or reclaimed first",
    );
  }
}

/** A step needs a held payment and the payment is not held (never authorized, captured, voided or reclaimed). */
export class PaymentNotHeldError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** The payment's status on chain. */
    readonly status: PaymentChainStatus,
  ) {
    super(
      "PAYMENT_NOT_HELD",
      `The payment of ${customer} for order ${orderHash} is not held (status ${status}): ` +
        (status === "captured" ? "it was captured already" : "it was never authorized, or was voided or reclaimed"),
    );
  }
}

/** A refund names a payment that is not captured (the shop would revert `ShopPaymentNotCaptured`). */
export class PaymentNotCapturedError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** The payment's status on chain. */
    readonly status: PaymentChainStatus,
  ) {
    super(
      "PAYMENT_NOT_CAPTURED",
      `The payment of ${customer} for order ${orderHash} is not captured (status ${status}): nothing to refund`,
    );
  }
}

/**
 * The terms given (`PaymentTerms` or `CaptureTerms`) disagree with what the shop holds for the payment (the shop would
 * revert `ShopPaymentTermsMismatch`): pass the terms of its `PaymentAuthorized` / `PaymentCaptured` event unchanged
 * (`findPaymentTerms`, `findCaptureTerms`).
 */
export class PaymentTermsMismatchError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** The field that disagrees, e.g. `"payment.amountWei"`. */
    readonly field: string,
    /** Why. */
    readonly reason: string,
  ) {
    super(
      "PAYMENT_TERMS_MISMATCH",
      `The terms given for the payment of ${customer} for order ${orderHash} do not match the shop's record ` +
        `("${field}": ${reason})`,
    );
  }
}

/** No payment (or no capture) of this customer for this order hash was found in the shop's events. */
export class PaymentNotFoundError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** The event looked for: `"PaymentAuthorized"` or `"PaymentCaptured"`. */
    readonly event: string,
  ) {
    super("PAYMENT_NOT_FOUND", `No ${event} event of ${customer} for order ${orderHash} in the shop's history`);
  }
}

/** A capture, confirmation or auto-capture comes at or after the authorization expiry. Nothing was sent. */
export class PaymentExpiredError extends ShareMallError {
  constructor(
    /** The payment's expiry (unix seconds). */
    readonly expiry: bigint,
    /** The earliest time the transaction can be mined at (unix seconds). */
    readonly now: bigint,
  ) {
    super(
      "PAYMENT_EXPIRED",
      `The payment authorization expired at ${expiry} (now ${now}): it can no longer be captured`,
    );
  }
}

/** A payment is reclaimed before its authorization expiry. Nothing was sent. */
export class PaymentNotExpiredError extends ShareMallError {
  constructor(
    /** The payment's expiry (unix seconds). */
    readonly expiry: bigint,
    /** The time it was checked at (unix seconds). */
    readonly now: bigint,
  ) {
    super(
      "PAYMENT_NOT_EXPIRED",
      `The payment authorization expires at ${expiry} (now ${now}, ${expiry - now} s to go): reclaim it from then on`,
    );
  }
}

/** A payment is auto-captured before its return window is over (`autoCaptureAt`). Nothing was sent. */
export class AutoCaptureNotDueError extends ShareMallError {
  constructor(
    /** When the payment can be auto-captured (unix seconds). */
    readonly autoCaptureAt: bigint,
    /** The time it was checked at (unix seconds). */
    readonly now: bigint,
  ) {
    super(
      "AUTO_CAPTURE_NOT_DUE",
      `The payment cannot be auto-captured before ${autoCaptureAt} (now ${now}, ${autoCaptureAt - now} s to go)`,
    );
  }
}

/**
 * The customer asked to return the goods: the payment cannot be auto-captured, and a return is requested once.
 * Nothing was sent.
 */
export class ReturnRequestedError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** What was refused: `"autoCapture"` or `"requestReturn"`. */
    readonly step: "autoCapture" | "requestReturn",
  ) {
    super(
      "RETURN_REQUESTED",
      `${customer} asked to return the goods of order ${orderHash}: ` +
        (step === "autoCapture"
          ? "the payment cannot be auto-captured (the operator captures what the customer keeps, or voids it)"
          : "the return was requested already"),
    );
  }
}

/** A return is requested after the return window (`now >= autoCaptureAt`). Nothing was sent. */
export class ReturnWindowClosedError extends ShareMallError {
  constructor(
    /** When the return window closed (unix seconds). */
    readonly autoCaptureAt: bigint,
    /** The earliest time the transaction can be mined at (unix seconds). */
    readonly now: bigint,
  ) {
    super(
      "RETURN_WINDOW_CLOSED",
      `The return window closed at ${autoCaptureAt} (now ${now}): a return can no longer be requested`,
    );
  }
}

/** A refund comes after the capture's refund deadline. Nothing was sent. */
export class RefundDeadlinePassedError extends ShareMallError {
  constructor(
    /** The last second a refund is accepted at (unix seconds). */
    readonly refundDeadline: bigint,
    /** The earliest time the transaction can be mined at (unix seconds). */
    readonly now: bigint,
  ) {
    super(
      "REFUND_DEADLINE_PASSED",
      `The refund deadline ${refundDeadline} has passed (now ${now}): the capture can no longer be refunded`,
    );
  }
}

/** A capture amount is 0 or more than the payment holds. Nothing was sent. */
export class InvalidCaptureAmountError extends ShareMallError {
  constructor(
    /** The input field, `"amountWei"`. */
    readonly field: string,
    /** The amount asked for, in wei. */
    readonly amount: bigint,
    /** Wei held. */
    readonly held: bigint,
  ) {
    super(
      "INVALID_CAPTURE_AMOUNT",
      `Invalid capture amount for "${field}": ${amount} wei (it must be 1 to the ${held} wei held)`,
    );
  }
}

/** A refund amount is 0 or more than the capture has left to refund. Nothing was sent. */
export class InvalidRefundAmountError extends ShareMallError {
  constructor(
    /** The input field, `"amountWei"`. */
    readonly field: string,
    /** The amount asked for, in wei. */
    readonly amount: bigint,
    /** Wei still refundable. */
    readonly refundable: bigint,
  ) {
    super(
      "INVALID_REFUND_AMOUNT",
      `Invalid refund amount for "${field}": ${amount} wei (it must be 1 to the ${refundable} wei still refundable)`,
    );
  }
}

/** A step only the payment's customer may take was sent by another account. Nothing was sent. */
export class NotPaymentCustomerError extends ShareMallError {
  constructor(
    /** The signer. */
    readonly caller: Address,
    /** The payment's customer. */
    readonly customer: Address,
    /** The step, e.g. `"confirmPayment"`. */
    readonly step: string,
  ) {
    super("NOT_PAYMENT_CUSTOMER", `${step}: the signer ${caller} is not the payment's customer ${customer}`);
  }
}

/** An authorization expiry is not later than now plus the shop's return window. Nothing was sent. */
export class InvalidExpiryError extends ShareMallError {
  constructor(
    /** The expiry given (unix seconds). */
    readonly expiry: bigint,
    /** The first expiry accepted (unix seconds): now + the return window + 1. */
    readonly earliest: bigint,
  ) {
    super(
      "INVALID_EXPIRY",
      `Invalid payment expiry ${expiry}: it must be later than now plus the shop's return window (at least ${earliest})`,
    );
  }
}

/** A return window is outside 1 day .. 90 days (in seconds). Nothing was sent. */
export class InvalidReturnWindowError extends ShareMallError {
  constructor(
    /** The value given. */
    readonly value: unknown,
    /** Why it was refused. */
    readonly reason: string,
  ) {
    super("INVALID_RETURN_WINDOW", `Invalid return window for "seconds": ${describeValue(value)} (${reason})`);
  }
}

/** No returned coin is owed to the account (nothing to withdraw). Nothing was sent. */
export class NoReturnsOwedError extends ShareMallError {
  constructor(readonly customer: Address) {
    super("NO_RETURNS_OWED", `No returned coin is owed to ${customer}: there is nothing to withdraw`);
  }
}
