/**
 * Payments with returns: a customer's payment held by the shop (`authorizePayment`) until it counts as an order
 * (`capturePayment` by the operator, `confirmPayment` by the customer, `autoCapturePayment` by anyone once the return
 * window is over) or goes back to the customer (`voidPayment`, `reclaimPayment` after the expiry); the customer's
 * return request (`requestReturn`); refunds of captured payments (`refundPayment`) and withdrawals of returns that
 * could not be pushed (`withdrawReturns`); the shop's return window (`setReturnWindow`, `fetchReturnWindow`); read
 * models built from the payment events (`fetchPayment`, `fetchShopPayments`, `summarizePayments`, `findPaymentTerms`,
 * `findCaptureTerms`); and the practice for off-chain-paid orders (`isFinal`, `finalOrders`).
 *
 * Every step after the authorization passes the payment's terms back to the shop, which checks them against its
 * record: {@link PaymentTerms} (from `PaymentAuthorized`) for a held payment, {@link CaptureTerms} (from
 * `PaymentCaptured`) for a refund. Every function validates its input and checks the payment's state, the signer's
 * role and the block time before it sends anything; times are checked against the earliest time the transaction can
 * be mined at (the latest block's time plus one second).
 *
 * @packageDocumentation
 */
import { at, optionalBlock, parametersOf } from "./internal/parameters.js";
import type { AtBlock } from "./read.js";
import { shopAbi, shopReadAbi } from "./abis.js";
import {
  decodeLogs,
  eventTopic,
  getLogsPaged,
  readContract,
  writeContract,
  type DecodedEvent,
  type shareMallAbi,
} from "./client/contract.js";
import type { RawLog, Transport } from "./client/transport.js";
import {
  AutoCaptureNotDueError,
  InsufficientFundsError,
  InvalidAddressError,
  InvalidAmountError,
  InvalidCaptureAmountError,
  InvalidExpiryError,
  InvalidRefundAmountError,
  InvalidReturnWindowError,
  NoReturnsOwedError,
  NoSignerError,
  NotPaymentCustomerError,
  PaymentAlreadyCountedError,
  PaymentExistsError,
  PaymentExpiredError,
  PaymentNotCapturedError,
  PaymentNotExpiredError,
  PaymentNotFoundError,
  PaymentNotHeldError,
  PaymentTermsMismatchError,
  RefundDeadlinePassedError,
  ReturnRequestedError,
  ReturnWindowClosedError,
  ShareMallError,
  type PaymentChainStatus,
} from "./errors.js";
import type { MintedTokens, SentTransaction } from "./holder.js";
import { captureFromEvents, captureOf, kindName, termsOf } from "./internal/payment-events.js";
import { requireShop } from "./internal/probe.js";
import { InsufficientMerchantBalanceError, MissingRoleError } from "./merchant.js";
import type { Address, Hex, IntegerLike } from "./types.js";
import {
  UINT96_MAX,
  ZERO_ADDRESS,
  ZERO_BYTES32,
  validateAddress,
  validateAmount,
  validateBytes32,
  validateOptionalAddress,
  validateUnixSeconds,
  validateWeiAmount,
} from "./validation.js";

// ------------------------------------------------------------------ Constants and types

/** One day in seconds. */
const DAY = 86_400n;
/** Return window of a new shop: 7 days (`DEFAULT_RETURN_WINDOW`). */
export const DEFAULT_RETURN_WINDOW_SECONDS = 7n * DAY;
/** Shortest return window: 1 day (`MIN_RETURN_WINDOW`). */
export const MIN_RETURN_WINDOW_SECONDS = DAY;
/** Longest return window: 90 days (`MAX_RETURN_WINDOW`). */
export const MAX_RETURN_WINDOW_SECONDS = 90n * DAY;
/** What {@link authorizePayment}'s default expiry adds after the return window: 7 days for the operator to capture. */
export const DEFAULT_EXPIRY_MARGIN_SECONDS = 7n * DAY;
/** Default gas margin of {@link authorizePayment} (0.001 coin), as for `charge`. */
const GAS_MARGIN_WEI = 10n ** 15n;

/**
 * A held payment's terms, fixed at authorization (`PaymentAuthorized`) and passed back to every later step
 * (capture, confirm, auto-capture, void, reclaim, return request). Times are unix seconds.
 */
export interface PaymentTerms {
  readonly orderHash: Hex;
  /** Who paid; every returned wei goes to it. */
  readonly customer: Address;
  /** The referrer the customer named ({@link ZERO_ADDRESS} for none). */
  readonly referrer: Address;
  /** Wei held. */
  readonly amountWei: bigint;
  /** From this time anyone may capture the payment in full (authorization time + the return window then). */
  readonly autoCaptureAt: bigint;
  /** No capture at or after it; from it the customer may reclaim a payment still held. */
  readonly expiry: bigint;
}

/** {@link PaymentTerms} as given by a caller (e.g. parsed from JSON): integers as bigint, number or decimal string. */
export interface PaymentTermsInput {
  readonly orderHash: string;
  readonly customer: string;
  readonly referrer?: string | null;
  readonly amountWei: IntegerLike;
  readonly autoCaptureAt: IntegerLike;
  readonly expiry: IntegerLike;
}

/**
 * A capture's terms, fixed at capture (`PaymentCaptured`) and passed back to `refund`. Times are unix seconds.
 */
export interface CaptureTerms {
  readonly orderHash: Hex;
  readonly customer: Address;
  /** Wei captured. */
  readonly amountWei: bigint;
  /** The last second a refund is accepted at (capture time + the return window then). */
  readonly refundDeadline: bigint;
  /**
   * What the order minted of each token (index = token index), packed: consumption tokens to the customer in the low
   * 96 bits, promotion tokens to the referrer in the next 96 (see {@link unpackTokenAmounts}).
   */
  readonly minted: readonly bigint[];
}

/** {@link CaptureTerms} as given by a caller (e.g. parsed from JSON). */
export interface CaptureTermsInput {
  readonly orderHash: string;
  readonly customer: string;
  readonly amountWei: IntegerLike;
  readonly refundDeadline: IntegerLike;
  readonly minted: readonly IntegerLike[];
}

/** The contract's `Payment` struct, in the codec's shape (`uint40` fields as numbers). */
export interface PaymentStruct {
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly referrer: Address;
  readonly amount: bigint;
  readonly autoCaptureAt: number;
  readonly expiry: number;
}

/** The contract's `Capture` struct, in the codec's shape. */
export interface CaptureStruct {
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly amount: bigint;
  readonly refundDeadline: number;
  readonly minted: readonly bigint[];
}

/** Who made a payment count (`IShop.CaptureKind`). */
export type CaptureKindName = "operator" | "customer" | "auto" | "charge";
/** `IShop.CaptureKind` values by index. */
export const CAPTURE_KINDS: readonly CaptureKindName[] = ["operator", "customer", "auto", "charge"];
const CHAIN_STATUSES: readonly PaymentChainStatus[] = ["none", "held", "returnRequested", "captured"];

/** Token amounts of one token, unpacked from a packed word (`minted`, `clawedBack`, `unrecovered`). */
export interface TokenAmounts {
  readonly tokenIndex: number;
  /** Token-wei of the customer (low 96 bits). */
  readonly customer: bigint;
  /** Token-wei of the customer's referrer (next 96 bits). */
  readonly referrer: bigint;
}

type AnyEvent = DecodedEvent<typeof shareMallAbi>;

// ------------------------------------------------------------------ Converters and validation

function requireObject(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidAmountError(field, value, "expected an object");
  }
  return value as Record<string, unknown>;
}

/** A payment time (unix seconds): below `MILLISECONDS_THRESHOLD` (10^11), so it fits the contract's `uint40`. */
function validateUint40Time(field: string, value: unknown): bigint {
  return validateUnixSeconds(field, value);
}

/**
 * Validates payment terms given by a caller (e.g. read back from JSON) and returns them normalised.
 *
 * @param value - The terms.
 * @param field - Name of the input in errors (default `"payment"`).
 * @returns The terms with bigint integers, checksummed addresses and a lower-case order hash.
 * @throws `InvalidBytes32Error`, `InvalidAddressError`, `InvalidAmountError`, `InvalidDeadlineError` naming the field,
 * e.g. `"payment.expiry"`.
 * @example
 * ```ts
 * const terms = validatePaymentTerms(JSON.parse(saved)); // bigint fields again
 * ```
 */
export function validatePaymentTerms(value: unknown, field = "payment"): PaymentTerms {
  const v = requireObject(field, value);
  return {
    orderHash: validateBytes32(`${field}.orderHash`, v.orderHash, { allowZero: false }),
    customer: validateAddress(`${field}.customer`, v.customer),
    referrer: validateOptionalAddress(`${field}.referrer`, v.referrer),
    amountWei: validateWeiAmount(`${field}.amountWei`, v.amountWei),
    autoCaptureAt: validateUint40Time(`${field}.autoCaptureAt`, v.autoCaptureAt),
    expiry: validateUint40Time(`${field}.expiry`, v.expiry),
  };
}

/**
 * Validates capture terms given by a caller (e.g. read back from JSON) and returns them normalised.
 *
 * @param value - The terms.
 * @param field - Name of the input in errors (default `"capture"`).
 * @returns The terms with bigint integers, a checksummed customer and a lower-case order hash.
 * @throws `InvalidBytes32Error`, `InvalidAddressError`, `InvalidAmountError`, `InvalidDeadlineError` naming the field,
 * e.g. `"capture.minted[0]"`.
 * @example
 * ```ts
 * const capture = validateCaptureTerms(JSON.parse(saved));
 * ```
 */
export function validateCaptureTerms(value: unknown, field = "capture"): CaptureTerms {
  const v = requireObject(field, value);
  const minted: unknown = v.minted;
  if (!Array.isArray(minted)) throw new InvalidAmountError(`${field}.minted`, minted, "expected an array");
  if (minted.length > 8) throw new InvalidAmountError(`${field}.minted`, minted, "a shop has at most 8 tokens");
  return {
    orderHash: validateBytes32(`${field}.orderHash`, v.orderHash, { allowZero: false }),
    customer: validateAddress(`${field}.customer`, v.customer),
    amountWei: validateWeiAmount(`${field}.amountWei`, v.amountWei),
    refundDeadline: validateUint40Time(`${field}.refundDeadline`, v.refundDeadline),
    minted: (minted as unknown[]).map((m, i) => validateAmount(`${field}.minted[${i}]`, m, { max: (1n << 192n) - 1n })),
  };
}

/**
 * The contract's `Payment` struct of payment terms (what `capture`, `confirm`, `void`... take).
 *
 * @param terms - The terms (validated first).
 * @returns The struct in the codec's shape.
 * @throws The errors of {@link validatePaymentTerms}.
 * @example
 * ```ts
 * await shop.capture(toPaymentStruct(terms), terms.amountWei); // with an ethers IShop contract
 * ```
 */
export function toPaymentStruct(terms: PaymentTerms | PaymentTermsInput): PaymentStruct {
  const t = validatePaymentTerms(terms);
  return {
    orderHash: t.orderHash,
    customer: t.customer,
    referrer: t.referrer,
    amount: t.amountWei,
    autoCaptureAt: Number(t.autoCaptureAt),
    expiry: Number(t.expiry),
  };
}

/**
 * The contract's `Capture` struct of capture terms (what `refund` takes).
 *
 * @param terms - The terms (validated first).
 * @returns The struct in the codec's shape.
 * @throws The errors of {@link validateCaptureTerms}.
 * @example
 * ```ts
 * await shop.refund(toCaptureStruct(capture), parseEther("0.1")); // with an ethers IShop contract
 * ```
 */
export function toCaptureStruct(terms: CaptureTerms | CaptureTermsInput): CaptureStruct {
  const t = validateCaptureTerms(terms);
  return {
    orderHash: t.orderHash,
    customer: t.customer,
    amount: t.amountWei,
    refundDeadline: Number(t.refundDeadline),
    minted: [...t.minted],
  };
}

/**
 * Unpacks per-token amounts packed as in `Capture.minted`, `PaymentRefunded.clawedBack` and `.unrecovered`:
 * the customer's in the low 96 bits, the referrer's in the next 96.
 *
 * @param packed - One word per token.
 * @returns One entry per token, by token index.
 * @throws `InvalidAmountError` for a word that is not a 192-bit integer.
 * @example
 * ```ts
 * const [first] = unpackTokenAmounts(capture.minted); // { tokenIndex: 0, customer: 3n * 10n ** 18n, referrer: ... }
 * ```
 */
export function unpackTokenAmounts(packed: readonly IntegerLike[]): TokenAmounts[] {
  if (!Array.isArray(packed as unknown)) throw new InvalidAmountError("packed", packed, "expected an array");
  return packed.map((word, i) => {
    const w = validateAmount(`packed[${i}]`, word, { max: (1n << 192n) - 1n });
    return { tokenIndex: i, customer: w & UINT96_MAX, referrer: w >> 96n };
  });
}

function mintedOf(events: readonly AnyEvent[]): MintedTokens[] {
  const out: MintedTokens[] = [];
  for (const e of events) {
    if (e.eventName === "Transfer" && e.args.from === ZERO_ADDRESS) {
      out.push({ token: e.address, to: e.args.to, amount: e.args.value });
    }
  }
  return out;
}

// ------------------------------------------------------------------ Shared checks

async function signerOf(transport: Transport, what: string): Promise<Address> {
  const account = await transport.account();
  if (account === undefined) throw new NoSignerError(what);
  return account;
}

/** The earliest time a transaction sent now can be mined at: the latest block's time plus one second. */
async function nextBlockTime(transport: Transport): Promise<bigint> {
  return (await transport.latestTimestamp()) + 1n;
}

async function requireRole(transport: Transport, shop: Address, role: "operator" | "admin"): Promise<Address> {
  const account = await signerOf(transport, role === "operator" ? "an operator step" : "an admin step");
  const id =
    role === "admin"
      ? ZERO_BYTES32
      : await readContract(transport, { address: shop, abi: shopReadAbi, functionName: "OPERATOR_ROLE", args: [] });
  if (
    !(await readContract(transport, { address: shop, abi: shopReadAbi, functionName: "hasRole", args: [id, account] }))
  ) {
    throw new MissingRoleError(role, account);
  }
  return account;
}

/** Parameters of {@link fetchPaymentStatus}. */
export interface FetchPaymentStatusParameters extends AtBlock {
  /** The shop's address. */
  readonly shop: string;
  /** The order hash. */
  readonly orderHash: string;
  /** The customer. */
  readonly customer: string;
}

/**
 * Where `customer`'s payment for `orderHash` stands on chain (`payment(orderHash, customer)`): the status and the
 * wei held (held, return requested) or still refundable (captured).
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`, `orderHash`, `customer` (see {@link FetchPaymentStatusParameters}).
 * @returns `{ status, amountWei }`; `status` `"none"` for a payment never made, voided or reclaimed.
 * @throws `InvalidAddressError`, `InvalidBytes32Error`; `NotAContractError` for an address without a shop.
 * @example
 * ```ts
 * const { status } = await fetchPaymentStatus(transport, { shop, orderHash, customer });
 * if (status === "captured") console.log("counted");
 * ```
 */
export async function fetchPaymentStatus(
  transport: Transport,
  parameters: FetchPaymentStatusParameters,
): Promise<{ status: PaymentChainStatus; amountWei: bigint }> {
  const { shop, orderHash, customer } = parametersOf("fetchPaymentStatus", parameters);
  const address = validateAddress("shop", shop);
  const hash = validateBytes32("orderHash", orderHash, { allowZero: false });
  const who = validateAddress("customer", customer);
  const blockNumber = optionalBlock(parameters.blockNumber);
  await requireShop(transport, address, blockNumber);
  return readStatus(transport, address, hash, who, blockNumber);
}

async function readStatus(
  transport: Transport,
  shop: Address,
  orderHash: Hex,
  customer: Address,
  blockNumber?: bigint,
): Promise<{ status: PaymentChainStatus; amountWei: bigint }> {
  const [status, amount] = await readContract(transport, {
    address: shop,
    abi: shopReadAbi,
    functionName: "payment",
    args: [orderHash, customer],
    ...at(blockNumber),
  });
  const name = CHAIN_STATUSES[status];
  if (name === undefined) throw new ShareMallError("UNKNOWN_PAYMENT_STATUS", `Unknown payment status ${status}`);
  return { status: name, amountWei: amount };
}

/** Checks that the payment of `terms` is held with the amount of `terms`; returns its chain status. */
async function requireHeld(transport: Transport, shop: Address, terms: PaymentTerms): Promise<PaymentChainStatus> {
  const { status, amountWei } = await readStatus(transport, shop, terms.orderHash, terms.customer);
  if (status !== "held" && status !== "returnRequested") {
    throw new PaymentNotHeldError(terms.orderHash, terms.customer, status);
  }
  if (amountWei !== terms.amountWei) {
    throw new PaymentTermsMismatchError(
      terms.orderHash,
      terms.customer,
      "payment.amountWei",
      `${terms.amountWei} wei given, the shop holds ${amountWei} wei`,
    );
  }
  return status;
}

async function send(
  transport: Transport,
  shop: Address,
  fn: "capture" | "confirm" | "autoCapture" | "void" | "reclaim" | "requestReturn",
  terms: PaymentTerms,
  amount?: bigint,
) {
  const struct = toPaymentStruct(terms);
  return fn === "capture"
    ? writeContract(transport, {
        address: shop,
        abi: shopAbi,
        functionName: "capture",
        args: [struct, amount ?? terms.amountWei],
      })
    : writeContract(transport, { address: shop, abi: shopAbi, functionName: fn, args: [struct] });
}

/** Wei returned to `customer` by a transaction: pushed, or owed when the push failed (`ReturnOwed`). */
function owedIn(events: readonly AnyEvent[], customer: Address): bigint {
  let owed = 0n;
  for (const e of events) if (e.eventName === "ReturnOwed" && e.args.customer === customer) owed += e.args.amount;
  return owed;
}

// ------------------------------------------------------------------ Return window

/** The shop's return window (`returnWindow()`), in seconds. */
export interface ReturnWindow {
  /** The window in force now. */
  readonly windowSeconds: bigint;
  /** A pending shorter window (0 if none). */
  readonly pendingSeconds: bigint;
  /** When the pending window applies (0 if none). */
  readonly pendingAt: bigint;
}

/** Parameters of {@link fetchReturnWindow}. */
export interface FetchReturnWindowParameters extends AtBlock {
  /** The shop's address. */
  readonly shop: string;
}

/**
 * The shop's return window: the one in force now, and a pending shorter one with the time it applies.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop` (see {@link FetchReturnWindowParameters}).
 * @returns `{ windowSeconds, pendingSeconds, pendingAt }`.
 * @throws `InvalidAddressError`; `NotAContractError` for an address without a shop.
 * @example
 * ```ts
 * const { windowSeconds } = await fetchReturnWindow(transport, { shop }); // 604800n: 7 days
 * ```
 */
export async function fetchReturnWindow(
  transport: Transport,
  parameters: FetchReturnWindowParameters,
): Promise<ReturnWindow> {
  const { shop } = parametersOf("fetchReturnWindow", parameters);
  const address = validateAddress("shop", shop);
  const blockNumber = optionalBlock(parameters.blockNumber);
  await requireShop(transport, address, blockNumber);
  return readWindow(transport, address, blockNumber);
}

async function readWindow(transport: Transport, shop: Address, blockNumber?: bigint): Promise<ReturnWindow> {
  const [windowSeconds, pendingSeconds, pendingAt] = await readContract(transport, {
    address: shop,
    abi: shopReadAbi,
    functionName: "returnWindow",
    args: [],
    ...at(blockNumber),
  });
  return { windowSeconds, pendingSeconds, pendingAt };
}

/** The window that applies to a payment authorized (or captured) at `now`. */
function windowAt(window: ReturnWindow, now: bigint): bigint {
  return window.pendingAt !== 0n && now >= window.pendingAt ? window.pendingSeconds : window.windowSeconds;
}

/** What {@link setReturnWindow} returns. */
export interface SetReturnWindowResult extends SentTransaction {
  readonly windowSeconds: bigint;
  /** When the window applies: the block time if at once (a longer window), 7 days later if shorter. */
  readonly effectiveAt: bigint;
  /** Whether the window applies at once (`ReturnWindowChanged`) or is scheduled (`ReturnWindowChangeScheduled`). */
  readonly immediate: boolean;
}

/** Parameters of {@link setReturnWindow}. */
export interface SetReturnWindowParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The window, 1 day (86,400) to 90 days (7,776,000) in seconds. */
  readonly seconds: IntegerLike;
}

/**
 * Sets the shop's return window (admin only): how long after authorization a held payment can be auto-captured, and
 * after capture refunded. A longer window applies at once; a shorter one after 7 days. Payments keep the window they
 * were made under.
 *
 * @param transport - A transport whose signer holds the admin role.
 * @param parameters - `shop`, `seconds` (see {@link SetReturnWindowParameters}).
 * @returns The transaction, the window, when it applies and whether at once.
 * @throws {@link InvalidReturnWindowError} outside 1..90 days; `MissingRoleError` without the admin role;
 * `InvalidAddressError`, `NotAContractError`, `NoSignerError`.
 * @example
 * ```ts
 * const { effectiveAt, immediate } = await setReturnWindow(transport, { shop, seconds: 14n * 86_400n });
 * ```
 */
export async function setReturnWindow(
  transport: Transport,
  parameters: SetReturnWindowParameters,
): Promise<SetReturnWindowResult> {
  const { shop, seconds } = parametersOf("setReturnWindow", parameters);
  const address = validateAddress("shop", shop);
  let window: bigint;
  try {
    window = validateAmount("seconds", seconds);
  } catch (error) {
    if (error instanceof InvalidAmountError) throw new InvalidReturnWindowError(seconds, error.reason);
    throw error;
  }
  if (window < MIN_RETURN_WINDOW_SECONDS || window > MAX_RETURN_WINDOW_SECONDS) {
    throw new InvalidReturnWindowError(
      seconds,
      `it must be 1 day (${MIN_RETURN_WINDOW_SECONDS}) to 90 days (${MAX_RETURN_WINDOW_SECONDS}) in seconds`,
    );
  }
  await requireShop(transport, address);
  await requireRole(transport, address, "admin");
  const { hash, events } = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "setReturnWindow",
    args: [window],
  });
  for (const e of events) {
    if (e.eventName === "ReturnWindowChangeScheduled") {
      return { hash, events, windowSeconds: window, effectiveAt: e.args.effectiveAt, immediate: false };
    }
  }
  return { hash, events, windowSeconds: window, effectiveAt: await transport.latestTimestamp(), immediate: true };
}

// ------------------------------------------------------------------ Authorize

/** Input of {@link authorizePayment}. */
export interface AuthorizePaymentInput {
  /** The order's commitment (non-zero bytes32). */
  readonly orderHash: string;
  /** Wei to hold, `1 .. 2^96 - 1`: sent as the transaction's value. */
  readonly amountWei: IntegerLike;
  /** The customer's referrer (omit for none); not the customer itself. */
  readonly referrer?: string | null;
  /**
   * The authorization expiry (unix seconds): later than now plus the shop's return window. Default: now + the window
   * in force + {@link DEFAULT_EXPIRY_MARGIN_SECONDS} (7 days).
   */
  readonly expiry?: IntegerLike;
}

/** Options of {@link authorizePayment}. */
export interface AuthorizePaymentOptions {
  /** Wei the balance must cover beyond the amount, for gas (default 10^15: 0.001 coin). */
  readonly gasMarginWei?: IntegerLike;
}

/** What {@link authorizePayment} returns. */
export interface AuthorizePaymentResult extends SentTransaction {
  /** The payment's terms (from `PaymentAuthorized`): keep them, every later step passes them back. */
  readonly payment: PaymentTerms;
}

/** Parameters of {@link authorizePayment}. */
export interface AuthorizePaymentParameters extends AuthorizePaymentInput, AuthorizePaymentOptions {
  /** The shop's address. */
  readonly shop: string;
}

/**
 * Holds a payment for an order (`authorize`): the signer is the customer, `amountWei` the value sent. Nothing counts
 * until the payment is captured (by the operator, the customer's confirmation, or anyone after the return window);
 * the customer may ask to return the goods before the window is over, and takes the coin back after the expiry if
 * nobody captured it. Refuses an expiry not after now + the return window, a payment of the same order already held
 * or counted, a self-referral and a balance short of the amount plus a gas margin.
 *
 * @param transport - A transport with a signer (the customer).
 * @param parameters - `shop`, the order (`orderHash`, `amountWei`, optional `referrer` and `expiry`) and
 * `gasMarginWei` (see {@link AuthorizePaymentParameters}).
 * @returns The transaction and the payment's terms.
 * @throws `InvalidBytes32Error`, `InvalidAmountError`, `InvalidAddressError` (a referrer equal to the signer too),
 * `InvalidDeadlineError` for bad input; {@link InvalidExpiryError}; {@link PaymentExistsError} (held already);
 * {@link PaymentAlreadyCountedError} (captured already); {@link InsufficientFundsError}; `NotAContractError`;
 * `NoSignerError`; `ContractRevertError` if the shop reverts.
 * @example
 * ```ts
 * const { payment } = await authorizePayment(transport, { shop, orderHash, amountWei: parseEther("0.3") });
 * localStorage.setItem(orderHash, JSON.stringify(payment, (_, v) => (typeof v === "bigint" ? `${v}` : v)));
 * ```
 */
export async function authorizePayment(
  transport: Transport,
  parameters: AuthorizePaymentParameters,
): Promise<AuthorizePaymentResult> {
  const { shop, ...input } = parametersOf("authorizePayment", parameters);
  const options = input;
  const address = validateAddress("shop", shop);
  const v = requireObject("input", input);
  const orderHash = validateBytes32("orderHash", v.orderHash, { allowZero: false });
  const amountWei = validateWeiAmount("amountWei", v.amountWei);
  const referrer = validateOptionalAddress("referrer", v.referrer);
  const given = v.expiry === undefined ? undefined : validateUint40Time("expiry", v.expiry);
  const margin = validateAmount("gasMarginWei", options.gasMarginWei ?? GAS_MARGIN_WEI);
  const customer = await signerOf(transport, "authorizePayment");
  if (referrer === customer) throw new InvalidAddressError("referrer", v.referrer, "the customer itself");
  await requireShop(transport, address);
  const now = await nextBlockTime(transport);
  const window = windowAt(await readWindow(transport, address), now);
  const expiry = given ?? now + window + DEFAULT_EXPIRY_MARGIN_SECONDS;
  if (expiry <= now + window) throw new InvalidExpiryError(expiry, now + window + 1n);
  const { status } = await readStatus(transport, address, orderHash, customer);
  if (status === "captured") throw new PaymentAlreadyCountedError(orderHash, customer);
  if (status !== "none") throw new PaymentExistsError(orderHash, customer, status);
  const have = await transport.balance(customer);
  if (have < amountWei + margin) throw new InsufficientFundsError(customer, have, amountWei + margin);
  const { hash, events } = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "authorize",
    args: [orderHash, referrer, Number(expiry)],
    value: amountWei,
  });
  for (const e of events) {
    if (e.eventName === "PaymentAuthorized" && e.args.orderHash === orderHash && e.args.customer === customer) {
      return { hash, events, payment: termsOf(e) };
    }
  }
  throw new ShareMallError("MISSING_EVENT", `authorize of order ${orderHash} emitted no PaymentAuthorized`);
}

// ------------------------------------------------------------------ Captures

/** What {@link capturePayment}, {@link confirmPayment} and {@link autoCapturePayment} return. */
export interface CapturePaymentResult extends SentTransaction {
  /** The capture's terms (from `PaymentCaptured`): keep them for a refund. */
  readonly capture: CaptureTerms;
  /** Wei of the held payment that went back to the customer (a partial capture's rest; 0 for a full one). */
  readonly returnedWei: bigint;
  /** Part of `returnedWei` the customer's address rejected: owed to it (`withdrawReturns`). */
  readonly owedWei: bigint;
  /** The tokens the order minted (ERC-20 `Transfer`s from the zero address). */
  readonly minted: readonly MintedTokens[];
}

function captureResult(
  result: { hash: Hex; events: readonly AnyEvent[] },
  terms: PaymentTerms,
  amount: bigint,
): CapturePaymentResult {
  return {
    hash: result.hash,
    events: result.events,
    capture: captureFromEvents(result.events, terms.orderHash, terms.customer),
    returnedWei: terms.amountWei - amount,
    owedWei: owedIn(result.events, terms.customer),
    minted: mintedOf(result.events),
  };
}

/** Refuses a capture at or after the expiry. */
function requireNotExpired(terms: PaymentTerms, now: bigint): void {
  if (now >= terms.expiry) throw new PaymentExpiredError(terms.expiry, now);
}

/** Parameters of {@link capturePayment}. */
export interface CapturePaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms (from {@link authorizePayment} or {@link findPaymentTerms}). */
  readonly payment: PaymentTerms | PaymentTermsInput;
  /** Wei to capture, `1 .. payment.amountWei` (default: all of it). */
  readonly amountWei?: IntegerLike;
}

/**
 * Captures a held payment (operator only): `amountWei` of it counts as an order today, exactly as a charge of that
 * amount would (revenue, dividend escrow, tokens, referral: a referrer other than the customer's bound one yields to
 * it); the rest goes back to the customer at once.
 *
 * @param transport - A transport whose signer holds the operator role.
 * @param parameters - `shop`, `payment`, `amountWei` (see {@link CapturePaymentParameters}).
 * @returns The transaction, the capture's terms, the wei returned and the tokens minted.
 * @throws {@link InvalidCaptureAmountError} for 0 or more than held; {@link PaymentExpiredError};
 * {@link PaymentNotHeldError}; {@link PaymentTermsMismatchError}; `MissingRoleError` without the operator role;
 * validation errors of the terms; `NotAContractError`; `NoSignerError`; `ContractRevertError` if the shop reverts.
 * @example
 * ```ts
 * // The customer kept one of two items: capture half, the rest goes back.
 * const { capture, returnedWei } = await capturePayment(transport, {
 *   shop,
 *   payment,
 *   amountWei: payment.amountWei / 2n,
 * });
 * ```
 */
export async function capturePayment(
  transport: Transport,
  parameters: CapturePaymentParameters,
): Promise<CapturePaymentResult> {
  const { shop, payment, amountWei } = parametersOf("capturePayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  const amount = amountWei === undefined ? terms.amountWei : validateAmount("amountWei", amountWei);
  if (amount === 0n || amount > terms.amountWei)
    throw new InvalidCaptureAmountError("amountWei", amount, terms.amountWei);
  await requireShop(transport, address);
  await requireRole(transport, address, "operator");
  requireNotExpired(terms, await nextBlockTime(transport));
  await requireHeld(transport, address, terms);
  return captureResult(await send(transport, address, "capture", terms, amount), terms, amount);
}

/** Parameters of {@link confirmPayment}. */
export interface ConfirmPaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms. */
  readonly payment: PaymentTerms | PaymentTermsInput;
}

/**
 * The customer's "received" (`confirm`): captures its held payment in full now, before the return window is over.
 * The signer must be the payment's customer.
 *
 * @param transport - A transport with the customer's signer.
 * @param parameters - `shop`, `payment` (see {@link ConfirmPaymentParameters}).
 * @returns The transaction, the capture's terms and the tokens minted (`returnedWei` 0).
 * @throws {@link NotPaymentCustomerError}; {@link PaymentExpiredError}; {@link PaymentNotHeldError};
 * {@link PaymentTermsMismatchError}; validation errors; `NotAContractError`; `NoSignerError`; `ContractRevertError`.
 * @example
 * ```ts
 * const { capture, minted } = await confirmPayment(transport, { shop, payment });
 * ```
 */
export async function confirmPayment(
  transport: Transport,
  parameters: ConfirmPaymentParameters,
): Promise<CapturePaymentResult> {
  const { shop, payment } = parametersOf("confirmPayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  const signer = await signerOf(transport, "confirmPayment");
  if (signer !== terms.customer) throw new NotPaymentCustomerError(signer, terms.customer, "confirmPayment");
  await requireShop(transport, address);
  requireNotExpired(terms, await nextBlockTime(transport));
  await requireHeld(transport, address, terms);
  return captureResult(await send(transport, address, "confirm", terms), terms, terms.amountWei);
}

/** Parameters of {@link autoCapturePayment}. */
export interface AutoCapturePaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms. */
  readonly payment: PaymentTerms | PaymentTermsInput;
}

/**
 * Captures a held payment in full once its return window is over (`autoCapture`): anyone may, from
 * `payment.autoCaptureAt` until the expiry, unless the customer asked to return the goods.
 *
 * @param transport - A transport with a signer (anyone: the merchant's keeper, typically).
 * @param parameters - `shop`, `payment` (see {@link AutoCapturePaymentParameters}).
 * @returns The transaction, the capture's terms and the tokens minted.
 * @throws {@link AutoCaptureNotDueError} before `autoCaptureAt`; {@link ReturnRequestedError} when the customer asked
 * to return the goods; {@link PaymentExpiredError}; {@link PaymentNotHeldError}; {@link PaymentTermsMismatchError};
 * validation errors; `NotAContractError`; `NoSignerError`; `ContractRevertError`.
 * @example
 * ```ts
 * for (const p of await fetchShopPayments(transport, { shop })) {
 *   if (p.status === "held" && p.terms && p.terms.autoCaptureAt <= now)
 *     await autoCapturePayment(transport, { shop, payment: p.terms });
 * }
 * ```
 */
export async function autoCapturePayment(
  transport: Transport,
  parameters: AutoCapturePaymentParameters,
): Promise<CapturePaymentResult> {
  const { shop, payment } = parametersOf("autoCapturePayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  await signerOf(transport, "autoCapturePayment");
  await requireShop(transport, address);
  const now = await nextBlockTime(transport);
  if (now < terms.autoCaptureAt) throw new AutoCaptureNotDueError(terms.autoCaptureAt, now);
  requireNotExpired(terms, now);
  if ((await requireHeld(transport, address, terms)) === "returnRequested") {
    throw new ReturnRequestedError(terms.orderHash, terms.customer, "autoCapture");
  }
  return captureResult(await send(transport, address, "autoCapture", terms), terms, terms.amountWei);
}

// ------------------------------------------------------------------ Void, reclaim, return request

/** What {@link voidPayment} and {@link reclaimPayment} return. */
export interface ReturnedPaymentResult extends SentTransaction {
  readonly orderHash: Hex;
  readonly customer: Address;
  /** Wei that went back to the customer (all of the payment). */
  readonly returnedWei: bigint;
  /** Part of `returnedWei` the customer's address rejected: owed to it (`withdrawReturns`). */
  readonly owedWei: bigint;
}

/** Parameters of {@link voidPayment}. */
export interface VoidPaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms. */
  readonly payment: PaymentTerms | PaymentTermsInput;
}

/**
 * Voids a held payment (operator only; any time before a capture, also after the expiry): all of it goes back to
 * the customer and the record is cleared (the same order may be authorized again).
 *
 * @param transport - A transport whose signer holds the operator role.
 * @param parameters - `shop`, `payment` (see {@link VoidPaymentParameters}).
 * @returns The transaction and the wei returned.
 * @throws {@link PaymentNotHeldError}; {@link PaymentTermsMismatchError}; `MissingRoleError`; validation errors;
 * `NotAContractError`; `NoSignerError`; `ContractRevertError`.
 * @example
 * ```ts
 * await voidPayment(transport, { shop, payment }); // out of stock: the customer gets it all back
 * ```
 */
export async function voidPayment(
  transport: Transport,
  parameters: VoidPaymentParameters,
): Promise<ReturnedPaymentResult> {
  const { shop, payment } = parametersOf("voidPayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  await requireShop(transport, address);
  await requireRole(transport, address, "operator");
  await requireHeld(transport, address, terms);
  const { hash, events } = await send(transport, address, "void", terms);
  return returned(hash, events, terms);
}

function returned(hash: Hex, events: readonly AnyEvent[], terms: PaymentTerms): ReturnedPaymentResult {
  return {
    hash,
    events,
    orderHash: terms.orderHash,
    customer: terms.customer,
    returnedWei: terms.amountWei,
    owedWei: owedIn(events, terms.customer),
  };
}

/** Parameters of {@link reclaimPayment}. */
export interface ReclaimPaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms. */
  readonly payment: PaymentTerms | PaymentTermsInput;
}

/**
 * Takes a held payment back after its expiry (nobody captured it). The signer must be the payment's customer.
 *
 * @param transport - A transport with the customer's signer.
 * @param parameters - `shop`, `payment` (see {@link ReclaimPaymentParameters}).
 * @returns The transaction and the wei returned.
 * @throws {@link NotPaymentCustomerError}; {@link PaymentNotExpiredError} before the expiry;
 * {@link PaymentNotHeldError}; {@link PaymentTermsMismatchError}; validation errors; `NotAContractError`;
 * `NoSignerError`; `ContractRevertError`.
 * @example
 * ```ts
 * const { returnedWei } = await reclaimPayment(transport, { shop, payment });
 * ```
 */
export async function reclaimPayment(
  transport: Transport,
  parameters: ReclaimPaymentParameters,
): Promise<ReturnedPaymentResult> {
  const { shop, payment } = parametersOf("reclaimPayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  const signer = await signerOf(transport, "reclaimPayment");
  if (signer !== terms.customer) throw new NotPaymentCustomerError(signer, terms.customer, "reclaimPayment");
  await requireShop(transport, address);
  const now = await nextBlockTime(transport);
  if (now < terms.expiry) throw new PaymentNotExpiredError(terms.expiry, now);
  await requireHeld(transport, address, terms);
  const { hash, events } = await send(transport, address, "reclaim", terms);
  return returned(hash, events, terms);
}

/** What {@link requestReturn} returns. */
export interface RequestReturnResult extends SentTransaction {
  readonly orderHash: Hex;
  readonly customer: Address;
}

/** Parameters of {@link requestReturn}. */
export interface RequestReturnParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The payment's terms. */
  readonly payment: PaymentTerms | PaymentTermsInput;
}

/**
 * The customer asks to return the goods of its held payment, before the return window is over: the payment can no
 * longer be auto-captured. The operator then captures what the customer keeps (or voids it); if it does neither, the
 * customer reclaims it after the expiry. The signer must be the payment's customer.
 *
 * @param transport - A transport with the customer's signer.
 * @param parameters - `shop`, `payment` (see {@link RequestReturnParameters}).
 * @returns The transaction.
 * @throws {@link NotPaymentCustomerError}; {@link ReturnWindowClosedError} from `autoCaptureAt` on;
 * {@link ReturnRequestedError} when asked already; {@link PaymentNotHeldError}; {@link PaymentTermsMismatchError};
 * validation errors; `NotAContractError`; `NoSignerError`; `ContractRevertError`.
 * @example
 * ```ts
 * await requestReturn(transport, { shop, payment });
 * ```
 */
export async function requestReturn(
  transport: Transport,
  parameters: RequestReturnParameters,
): Promise<RequestReturnResult> {
  const { shop, payment } = parametersOf("requestReturn", parameters);
  const address = validateAddress("shop", shop);
  const terms = validatePaymentTerms(payment);
  const signer = await signerOf(transport, "requestReturn");
  if (signer !== terms.customer) throw new NotPaymentCustomerError(signer, terms.customer, "requestReturn");
  await requireShop(transport, address);
  const now = await nextBlockTime(transport);
  if (now >= terms.autoCaptureAt) throw new ReturnWindowClosedError(terms.autoCaptureAt, now);
  if ((await requireHeld(transport, address, terms)) === "returnRequested") {
    throw new ReturnRequestedError(terms.orderHash, terms.customer, "requestReturn");
  }
  const { hash, events } = await send(transport, address, "requestReturn", terms);
  return { hash, events, orderHash: terms.orderHash, customer: terms.customer };
}

// ------------------------------------------------------------------ Refunds and returns owed

/** What {@link refundPayment} returns. */
export interface RefundPaymentResult extends SentTransaction {
  /** Wei refunded by this transaction (paid from the merchant balance). */
  readonly refundedWei: bigint;
  /** Wei of the capture still refundable. */
  readonly refundableWei: bigint;
  /** Tokens taken back, per token: from the customer and from its bound referrer. */
  readonly clawedBack: readonly TokenAmounts[];
  /** What the proportion asked for but the customer or referrer no longer held, per token. */
  readonly unrecovered: readonly TokenAmounts[];
  /** Part of `refundedWei` the customer's address rejected: owed to it (`withdrawReturns`). */
  readonly owedWei: bigint;
}

/** Parameters of {@link refundPayment}. */
export interface RefundPaymentParameters {
  /** The shop's address. */
  readonly shop: string;
  /** The capture's terms (from a capture, `charge`, or {@link findCaptureTerms}). */
  readonly capture: CaptureTerms | CaptureTermsInput;
  /** Wei to refund, `1 ..` what is still refundable. */
  readonly amountWei: IntegerLike;
}

/**
 * Refunds part or all of a captured payment (operator only), from the merchant balance (the holders' escrow and
 * settled dividends stay with them), until the capture's refund deadline. The tokens the order minted are taken back
 * in proportion to the part refunded, where the customer (and its referrer) still hold them.
 *
 * @param transport - A transport whose signer holds the operator role.
 * @param parameters - `shop`, `capture`, `amountWei` (see {@link RefundPaymentParameters}).
 * @returns The transaction, the wei refunded and still refundable, and the tokens taken back.
 * @throws {@link InvalidRefundAmountError} for 0 or more than refundable; {@link RefundDeadlinePassedError};
 * {@link PaymentNotCapturedError}; `InsufficientMerchantBalanceError` when the merchant balance is below the amount;
 * `MissingRoleError`; validation errors; `NotAContractError`; `NoSignerError`; `ContractRevertError` (e.g.
 * `ShopPaymentTermsMismatch` for altered terms).
 * @example
 * ```ts
 * const { refundableWei, clawedBack } = await refundPayment(transport, {
 *   shop,
 *   capture,
 *   amountWei: parseEther("0.1"),
 * });
 * ```
 */
export async function refundPayment(
  transport: Transport,
  parameters: RefundPaymentParameters,
): Promise<RefundPaymentResult> {
  const { shop, capture, amountWei } = parametersOf("refundPayment", parameters);
  const address = validateAddress("shop", shop);
  const terms = validateCaptureTerms(capture);
  const amount = validateAmount("amountWei", amountWei);
  if (amount === 0n || amount > terms.amountWei) {
    throw new InvalidRefundAmountError("amountWei", amount, terms.amountWei);
  }
  await requireShop(transport, address);
  await requireRole(transport, address, "operator");
  const now = await nextBlockTime(transport);
  if (now > terms.refundDeadline) throw new RefundDeadlinePassedError(terms.refundDeadline, now);
  const { status, amountWei: refundable } = await readStatus(transport, address, terms.orderHash, terms.customer);
  if (status !== "captured") throw new PaymentNotCapturedError(terms.orderHash, terms.customer, status);
  if (amount > refundable) throw new InvalidRefundAmountError("amountWei", amount, refundable);
  const balance = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "merchantBalance",
    args: [],
  });
  if (balance < amount) {
    throw new InsufficientMerchantBalanceError(amount, balance, amount - balance, `refund order ${terms.orderHash}`);
  }
  const { hash, events } = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "refund",
    args: [toCaptureStruct(terms), amount],
  });
  for (const e of events) {
    if (e.eventName === "PaymentRefunded" && e.args.orderHash === terms.orderHash) {
      return {
        hash,
        events,
        refundedWei: e.args.amount,
        refundableWei: e.args.refundable,
        clawedBack: unpackTokenAmounts(e.args.clawedBack),
        unrecovered: unpackTokenAmounts(e.args.unrecovered),
        owedWei: owedIn(events, terms.customer),
      };
    }
  }
  throw new ShareMallError("MISSING_EVENT", `refund of order ${terms.orderHash} emitted no PaymentRefunded`);
}

/** Parameters of {@link fetchReturnsOwed}. */
export interface FetchReturnsOwedParameters extends AtBlock {
  /** The shop's address. */
  readonly shop: string;
  /** The customer. */
  readonly customer: string;
}

/**
 * Returned coin owed to `customer` (returns that could not be pushed to it), to withdraw with {@link withdrawReturns}.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`, `customer` (see {@link FetchReturnsOwedParameters}).
 * @returns Wei owed.
 * @throws `InvalidAddressError`; `NotAContractError`.
 * @example
 * ```ts
 * if ((await fetchReturnsOwed(transport, { shop, customer: me })) > 0n)
 *   await withdrawReturns(transport, { shop, to: coldWallet });
 * ```
 */
export async function fetchReturnsOwed(transport: Transport, parameters: FetchReturnsOwedParameters): Promise<bigint> {
  const { shop, customer } = parametersOf("fetchReturnsOwed", parameters);
  const address = validateAddress("shop", shop);
  const who = validateAddress("customer", customer);
  const blockNumber = optionalBlock(parameters.blockNumber);
  await requireShop(transport, address, blockNumber);
  return readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "returnsOwed",
    args: [who],
    ...at(blockNumber),
  });
}

/** What {@link withdrawReturns} returns. */
export interface WithdrawReturnsResult extends SentTransaction {
  readonly customer: Address;
  readonly to: Address;
  /** Wei withdrawn. */
  readonly amountWei: bigint;
}

/** Parameters of {@link withdrawReturns}. */
export interface WithdrawReturnsParameters {
  /** The shop's address. */
  readonly shop: string;
  /** Who receives the coin (default: the signer). */
  readonly to?: string;
}

/**
 * Withdraws the returned coin owed to the signer (returns and refunds its address rejected) to `to`.
 *
 * @param transport - A transport with the customer's signer.
 * @param parameters - `shop`, `to` (see {@link WithdrawReturnsParameters}).
 * @returns The transaction and the wei withdrawn.
 * @throws {@link NoReturnsOwedError} when nothing is owed; `InvalidAddressError` (the zero address too);
 * `NotAContractError`; `NoSignerError`; `ContractRevertError` (e.g. `ShopReturnWithdrawalFailed` if `to` rejects).
 * @example
 * ```ts
 * const { amountWei } = await withdrawReturns(transport, { shop, to: coldWallet });
 * ```
 */
export async function withdrawReturns(
  transport: Transport,
  parameters: WithdrawReturnsParameters,
): Promise<WithdrawReturnsResult> {
  const { shop, to } = parametersOf("withdrawReturns", parameters);
  const address = validateAddress("shop", shop);
  const recipient = to === undefined ? undefined : validateAddress("to", to);
  const customer = await signerOf(transport, "withdrawReturns");
  await requireShop(transport, address);
  const owed = await readContract(transport, {
    address,
    abi: shopReadAbi,
    functionName: "returnsOwed",
    args: [customer],
  });
  if (owed === 0n) throw new NoReturnsOwedError(customer);
  const dest = recipient ?? customer;
  const { hash, events } = await writeContract(transport, {
    address,
    abi: shopAbi,
    functionName: "withdrawReturns",
    args: [dest],
  });
  let amountWei = 0n;
  for (const e of events)
    if (e.eventName === "ReturnsWithdrawn" && e.args.customer === customer) amountWei += e.args.amount;
  return { hash, events, customer, to: dest, amountWei };
}

// ------------------------------------------------------------------ Read models

/**
 * Where one payment ended up, as the read models name it: `"held"` (authorized, not captured), `"returnRequested"`
 * (held, the customer asked to return the goods), `"captured"` (counted; possibly refunded in part), `"refunded"`
 * (captured and refunded in full), `"voided"` (by the operator), `"reclaimed"` (by the customer after the expiry).
 */
export type PaymentStatusName = "held" | "returnRequested" | "captured" | "refunded" | "voided" | "reclaimed";
/** Every {@link PaymentStatusName}. */
export const PAYMENT_STATUSES: readonly PaymentStatusName[] = [
  "held",
  "returnRequested",
  "captured",
  "refunded",
  "voided",
  "reclaimed",
];

/** One refund of a captured payment (`PaymentRefunded`). */
export interface PaymentRefund {
  readonly amountWei: bigint;
  /** Wei still refundable after it. */
  readonly refundableWei: bigint;
  readonly clawedBack: readonly TokenAmounts[];
  readonly unrecovered: readonly TokenAmounts[];
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/**
 * One payment of a customer for an order hash, from authorization (or charge) to where it stands. A voided or
 * reclaimed payment may be followed by a new one of the same order (a second item). Times are in the terms (unix
 * seconds); the events' blocks say when each step happened.
 */
export interface ShopPayment {
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly status: PaymentStatusName;
  /** The terms (from `PaymentAuthorized`); absent for a charge, or when the authorization is before the range read. */
  readonly terms?: PaymentTerms;
  /** The capture's terms (from `PaymentCaptured`), once captured. */
  readonly capture?: CaptureTerms;
  /** Who made it count, once captured. */
  readonly kind?: CaptureKindName;
  /** Wei held now (held or return requested; else 0). */
  readonly heldWei: bigint;
  /** Wei captured (0 until captured). */
  readonly capturedWei: bigint;
  /** Wei refunded so far. */
  readonly refundedWei: bigint;
  /** Wei still refundable (captured less refunded; 0 until captured). */
  readonly refundableWei: bigint;
  /**
   * Wei of the held payment that went back to the customer without counting: the rest of a partial capture (known
   * when the terms are), or all of a voided or reclaimed payment.
   */
  readonly returnedWei: bigint;
  /** Wei of returns and refunds the customer's address rejected (`ReturnOwed` in this payment's transactions). */
  readonly owedWei: bigint;
  readonly refunds: readonly PaymentRefund[];
  readonly authorizedBlock?: bigint;
  readonly returnRequestedBlock?: bigint;
  readonly capturedBlock?: bigint;
  /** Block of the void or reclaim. */
  readonly endedBlock?: bigint;
  /** Transactions of the payment's steps, oldest first. */
  readonly txHashes: readonly Hex[];
}

/** Options of {@link fetchShopPayments}. */
export interface ShopPaymentsOptions {
  /** Only this customer's payments. */
  readonly customer?: string;
  /** First block read (default 0: the shop's whole history). */
  readonly fromBlock?: bigint;
  /** Blocks per log query (default 2,000). */
  readonly pageSize?: bigint;
}

/** The chain's `payment()` disagrees with the events read: a step was mined in between; read again. */
export class PaymentHistoryMismatchError extends ShareMallError {
  constructor(
    readonly orderHash: Hex,
    readonly customer: Address,
    /** What the events say. */
    readonly fromEvents: string,
    /** What `payment()` says. */
    readonly onChain: string,
  ) {
    super(
      "PAYMENT_HISTORY_MISMATCH",
      `The payment of ${customer} for order ${orderHash} is ${fromEvents} by its events but ${onChain} on chain ` +
        "(a step was mined while reading): read again",
    );
  }
}

const PAYMENT_EVENTS = [
  "PaymentAuthorized",
  "PaymentCaptured",
  "PaymentVoided",
  "PaymentReclaimed",
  "ReturnRequested",
  "PaymentRefunded",
] as const;
const RETURN_EVENTS = ["ReturnOwed", "ReturnsWithdrawn"] as const;

const topicOf = (value: Address | Hex): Hex => `0x${value.slice(2).toLowerCase().padStart(64, "0")}` as Hex;

interface Draft {
  orderHash: Hex;
  customer: Address;
  status: PaymentStatusName;
  terms?: PaymentTerms;
  capture?: CaptureTerms;
  kind?: CaptureKindName;
  capturedWei: bigint;
  refundedWei: bigint;
  refundableWei: bigint;
  returnedWei: bigint;
  owedWei: bigint;
  heldWei?: bigint;
  refunds: PaymentRefund[];
  authorizedBlock?: bigint;
  returnRequestedBlock?: bigint;
  capturedBlock?: bigint;
  endedBlock?: bigint;
  txHashes: Hex[];
}

async function paymentLogs(
  transport: Transport,
  shop: Address,
  filter: { orderHash?: Hex; customer?: Address },
  range: { fromBlock: bigint; toBlock: bigint; pageSize?: bigint },
): Promise<RawLog[]> {
  const paging = {
    fromBlock: range.fromBlock,
    toBlock: range.toBlock,
    ...(range.pageSize !== undefined ? { pageSize: range.pageSize } : {}),
  };
  const who = filter.customer === undefined ? null : topicOf(filter.customer);
  const payments = await getLogsPaged(transport, {
    address: shop,
    topics: [
      PAYMENT_EVENTS.map((n) => eventTopic(shopAbi, n)),
      filter.orderHash === undefined ? null : filter.orderHash,
      who,
    ],
    ...paging,
  });
  const returns = await getLogsPaged(transport, {
    address: shop,
    topics: [RETURN_EVENTS.map((n) => eventTopic(shopAbi, n)), who],
    ...paging,
  });
  return [...payments, ...returns];
}

const byPosition = (a: RawLog, b: RawLog): number =>
  a.blockNumber !== b.blockNumber ? (a.blockNumber < b.blockNumber ? -1 : 1) : a.logIndex - b.logIndex;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Extra reads when `payment()` is ahead of the logs read (a step mined meanwhile, or a node's cached block number). */
const CATCH_UP_ATTEMPTS = 4;

/**
 * Reads the payment logs from `fromBlock` to `blockNumber` (default: the latest block) and hands the drafts and that
 * block to `finish`, which reads the chain at the same block; unpinned, when `finish` finds the chain ahead of the
 * logs (a node whose logs lag its state), reads the blocks mined since and tries again (a few times, waiting a
 * little longer each time).
 */
async function readChecked<T>(
  transport: Transport,
  shop: Address,
  filter: { orderHash?: Hex; customer?: Address },
  range: { fromBlock?: bigint; pageSize?: bigint; blockNumber?: bigint },
  finishDrafts: (drafts: Draft[], blockNumber: bigint) => Promise<T>,
): Promise<T> {
  if (range.fromBlock !== undefined) validateAmount("fromBlock", range.fromBlock);
  const pinned = optionalBlock(range.blockNumber);
  const logs: RawLog[] = [];
  let next = range.fromBlock ?? 0n;
  for (let attempt = 0; ; attempt++) {
    const toBlock = pinned ?? (await transport.blockNumber());
    if (toBlock >= next) {
      logs.push(
        ...(await paymentLogs(transport, shop, filter, {
          fromBlock: next,
          toBlock,
          ...(range.pageSize !== undefined ? { pageSize: range.pageSize } : {}),
        })),
      );
      next = toBlock + 1n;
    }
    try {
      return await finishDrafts(build([...logs].sort(byPosition)), toBlock);
    } catch (error) {
      // Pinned to a block, the logs cannot catch up: reading again would see the same.
      if (!(error instanceof PaymentHistoryMismatchError) || pinned !== undefined || attempt >= CATCH_UP_ATTEMPTS) {
        throw error;
      }
      await sleep(250 * (attempt + 1));
    }
  }
}

function build(logs: readonly RawLog[]): Draft[] {
  const all: Draft[] = [];
  const open = new Map<string, Draft>();
  const byTx = new Map<string, Draft>();
  const current = (orderHash: Hex, customer: Address): Draft => {
    const key = `${orderHash}:${customer}`;
    let draft = open.get(key);
    if (draft === undefined) {
      draft = fresh(orderHash, customer, "held");
      open.set(key, draft);
      all.push(draft);
    }
    return draft;
  };
  const fresh = (orderHash: Hex, customer: Address, status: PaymentStatusName): Draft => ({
    orderHash,
    customer,
    status,
    capturedWei: 0n,
    refundedWei: 0n,
    refundableWei: 0n,
    returnedWei: 0n,
    owedWei: 0n,
    refunds: [],
    txHashes: [],
  });
  const touch = (draft: Draft, txHash: Hex): void => {
    if (draft.txHashes[draft.txHashes.length - 1] !== txHash) draft.txHashes.push(txHash);
    byTx.set(`${txHash}:${draft.customer}`, draft);
  };
  for (const e of decodeLogs(shopAbi, logs)) {
    if (e.eventName === "PaymentAuthorized") {
      const key = `${e.args.orderHash}:${e.args.customer}`;
      const draft = fresh(e.args.orderHash, e.args.customer, "held");
      draft.terms = termsOf(e);
      draft.authorizedBlock = e.blockNumber;
      open.set(key, draft);
      all.push(draft);
      touch(draft, e.transactionHash);
    } else if (e.eventName === "PaymentCaptured") {
      const kind = kindName(e.args.kind);
      // A charge is a payment of its own; a capture ends the held payment of the pair (or one before the range).
      const draft =
        kind === "charge"
          ? fresh(e.args.orderHash, e.args.customer, "captured")
          : current(e.args.orderHash, e.args.customer);
      if (kind === "charge") {
        open.set(`${e.args.orderHash}:${e.args.customer}`, draft);
        all.push(draft);
      }
      draft.status = "captured";
      draft.kind = kind;
      draft.capture = captureOf(e);
      draft.capturedWei = e.args.amount;
      draft.refundableWei = e.args.amount;
      draft.capturedBlock = e.blockNumber;
      if (draft.terms !== undefined) draft.returnedWei += draft.terms.amountWei - e.args.amount;
      touch(draft, e.transactionHash);
    } else if (e.eventName === "ReturnRequested") {
      const draft = current(e.args.orderHash, e.args.customer);
      draft.status = "returnRequested";
      draft.returnRequestedBlock = e.blockNumber;
      touch(draft, e.transactionHash);
    } else if (e.eventName === "PaymentVoided" || e.eventName === "PaymentReclaimed") {
      const draft = current(e.args.orderHash, e.args.customer);
      draft.status = e.eventName === "PaymentVoided" ? "voided" : "reclaimed";
      draft.returnedWei += e.args.amount;
      draft.endedBlock = e.blockNumber;
      open.delete(`${e.args.orderHash}:${e.args.customer}`);
      touch(draft, e.transactionHash);
    } else if (e.eventName === "PaymentRefunded") {
      const draft = current(e.args.orderHash, e.args.customer);
      draft.status = "captured";
      draft.refundedWei += e.args.amount;
      draft.refundableWei = e.args.refundable;
      if (draft.capture === undefined) draft.capturedWei += e.args.amount;
      draft.refunds.push({
        amountWei: e.args.amount,
        refundableWei: e.args.refundable,
        clawedBack: unpackTokenAmounts(e.args.clawedBack),
        unrecovered: unpackTokenAmounts(e.args.unrecovered),
        blockNumber: e.blockNumber,
        txHash: e.transactionHash,
      });
      touch(draft, e.transactionHash);
    } else if (e.eventName === "ReturnOwed") {
      const draft = byTx.get(`${e.transactionHash}:${e.args.customer}`);
      if (draft !== undefined) draft.owedWei += e.args.amount;
    }
  }
  return all;
}

function finish(draft: Draft, chain: { status: PaymentChainStatus; amountWei: bigint } | undefined): ShopPayment {
  let status = draft.status;
  let heldWei = 0n;
  let refundableWei = draft.refundableWei;
  let capturedWei = draft.capturedWei;
  if (chain !== undefined) {
    const expected: PaymentChainStatus =
      status === "voided" || status === "reclaimed" ? "none" : status === "refunded" ? "captured" : status;
    if (expected !== chain.status) {
      throw new PaymentHistoryMismatchError(draft.orderHash, draft.customer, status, chain.status);
    }
    if (chain.status === "held" || chain.status === "returnRequested") heldWei = chain.amountWei;
    if (chain.status === "captured") {
      if (draft.capture === undefined) capturedWei = draft.refundedWei + chain.amountWei; // captured before the range
      refundableWei = chain.amountWei;
    }
  } else if (status === "held" || status === "returnRequested") {
    heldWei = draft.terms?.amountWei ?? 0n;
  }
  if (status === "captured" && refundableWei === 0n && draft.refundedWei > 0n) status = "refunded";
  return {
    orderHash: draft.orderHash,
    customer: draft.customer,
    status,
    ...(draft.terms !== undefined ? { terms: draft.terms } : {}),
    ...(draft.capture !== undefined ? { capture: draft.capture } : {}),
    ...(draft.kind !== undefined ? { kind: draft.kind } : {}),
    heldWei,
    capturedWei,
    refundedWei: draft.refundedWei,
    refundableWei,
    returnedWei: draft.returnedWei,
    owedWei: draft.owedWei,
    refunds: draft.refunds,
    ...(draft.authorizedBlock !== undefined ? { authorizedBlock: draft.authorizedBlock } : {}),
    ...(draft.returnRequestedBlock !== undefined ? { returnRequestedBlock: draft.returnRequestedBlock } : {}),
    ...(draft.capturedBlock !== undefined ? { capturedBlock: draft.capturedBlock } : {}),
    ...(draft.endedBlock !== undefined ? { endedBlock: draft.endedBlock } : {}),
    txHashes: draft.txHashes,
  };
}

/** Finishes the drafts, checking the latest payment of each pair against `payment()`. */
async function finishAll(
  transport: Transport,
  shop: Address,
  drafts: readonly Draft[],
  blockNumber: bigint,
): Promise<ShopPayment[]> {
  const latest = new Map<string, Draft>();
  for (const d of drafts) latest.set(`${d.orderHash}:${d.customer}`, d);
  const out: ShopPayment[] = [];
  for (const d of drafts) {
    const isLatest = latest.get(`${d.orderHash}:${d.customer}`) === d;
    out.push(finish(d, isLatest ? await readStatus(transport, shop, d.orderHash, d.customer, blockNumber) : undefined));
  }
  return out;
}

/** Parameters of {@link fetchShopPayments}. */
export interface FetchShopPaymentsParameters extends ShopPaymentsOptions, AtBlock {
  /** The shop's address. */
  readonly shop: string;
}

/**
 * A shop's payments (held, captured, refunded, voided, reclaimed), built from its payment events
 * (`PaymentAuthorized`, `PaymentCaptured`, `PaymentVoided`, `PaymentReclaimed`, `ReturnRequested`, `PaymentRefunded`,
 * `ReturnOwed`), oldest first, with the latest payment of each `(orderHash, customer)` checked against the shop's
 * `payment()` (held and refundable amounts come from it). Charges are captured payments of kind `"charge"` without
 * terms. Withdrawals of returns owed are per customer (`ReturnsWithdrawn`, {@link fetchReturnsOwed}), not per payment.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`; `customer` (only its payments), `fromBlock` (default 0), `pageSize`; `blockNumber`
 * (see {@link FetchShopPaymentsParameters}).
 * @returns The payments, in the order they started.
 * @throws `InvalidAddressError`, `InvalidAmountError`; `NotAContractError`; {@link PaymentHistoryMismatchError} when
 * `payment()` still disagrees with the events after a few catch-up reads (a chain reorganisation, or a node whose
 * logs lag far behind its state).
 * @example
 * ```ts
 * const payments = await fetchShopPayments(transport, { shop, fromBlock: deployBlock });
 * const toShip = payments.filter((p) => p.status === "held");
 * ```
 */
export async function fetchShopPayments(
  transport: Transport,
  parameters: FetchShopPaymentsParameters,
): Promise<ShopPayment[]> {
  const { shop, ...options } = parametersOf("fetchShopPayments", parameters);
  const address = validateAddress("shop", shop);
  const o = requireObject("options", options);
  const customer = o.customer === undefined ? undefined : validateAddress("customer", o.customer);
  const blockNumber = optionalBlock(options.blockNumber);
  await requireShop(transport, address, blockNumber);
  return readChecked(
    transport,
    address,
    customer === undefined ? {} : { customer },
    {
      ...(options.fromBlock !== undefined ? { fromBlock: options.fromBlock } : {}),
      ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
      ...at(blockNumber),
    },
    (drafts, at) => finishAll(transport, address, drafts, at),
  );
}

/** Parameters of {@link fetchPayment}. */
export interface FetchPaymentParameters extends Omit<ShopPaymentsOptions, "customer">, AtBlock {
  /** The shop's address. */
  readonly shop: string;
  /** The order hash. */
  readonly orderHash: string;
  /** The customer. */
  readonly customer: string;
}

/**
 * The latest payment of `customer` for `orderHash` (see {@link fetchShopPayments}), or `undefined` if there was none.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`, `orderHash`, `customer`; `fromBlock` (default 0), `pageSize`, `blockNumber` (see
 * {@link FetchPaymentParameters}).
 * @returns The payment, checked against `payment()`, or `undefined`.
 * @throws `InvalidAddressError`, `InvalidBytes32Error`; `NotAContractError`; {@link PaymentHistoryMismatchError}.
 * @example
 * ```ts
 * const p = await fetchPayment(transport, { shop, orderHash, customer });
 * if (p?.status === "returnRequested") console.log("the customer is sending the goods back");
 * ```
 */
export async function fetchPayment(
  transport: Transport,
  parameters: FetchPaymentParameters,
): Promise<ShopPayment | undefined> {
  const { shop, orderHash, customer, ...options } = parametersOf("fetchPayment", parameters);
  const address = validateAddress("shop", shop);
  const hash = validateBytes32("orderHash", orderHash, { allowZero: false });
  const who = validateAddress("customer", customer);
  await requireShop(transport, address, optionalBlock(options.blockNumber));
  return readChecked(transport, address, { orderHash: hash, customer: who }, options, async (drafts, at) => {
    const chain = await readStatus(transport, address, hash, who, at);
    const last = drafts[drafts.length - 1];
    if (last === undefined) {
      if (chain.status !== "none") throw new PaymentHistoryMismatchError(hash, who, "absent", chain.status);
      return undefined;
    }
    return finish(last, chain);
  });
}

async function findEvent<N extends "PaymentAuthorized" | "PaymentCaptured">(
  transport: Transport,
  shop: string,
  orderHash: string,
  customer: string,
  name: N,
  fromBlock: bigint | undefined,
  blockNumber: bigint | undefined,
): Promise<Extract<AnyEvent, { eventName: N }>> {
  const address = validateAddress("shop", shop);
  const hash = validateBytes32("orderHash", orderHash, { allowZero: false });
  const who = validateAddress("customer", customer);
  if (fromBlock !== undefined) validateAmount("fromBlock", fromBlock);
  const pinned = optionalBlock(blockNumber);
  await requireShop(transport, address, pinned);
  const logs: RawLog[] = [];
  let next = fromBlock ?? 0n;
  // The payment's state says whether the event must exist: if the logs lag behind it, read the new blocks again.
  const expected: readonly PaymentChainStatus[] =
    name === "PaymentCaptured" ? ["captured"] : ["held", "returnRequested"];
  for (let attempt = 0; ; attempt++) {
    const toBlock = pinned ?? (await transport.blockNumber());
    if (toBlock >= next) {
      logs.push(
        ...(await getLogsPaged(transport, {
          address,
          topics: [eventTopic(shopAbi, name), hash, topicOf(who)],
          fromBlock: next,
          toBlock,
        })),
      );
      next = toBlock + 1n;
    }
    const events = decodeLogs(shopAbi, [...logs].sort(byPosition)).filter(
      (e): e is Extract<AnyEvent, { eventName: N }> => e.eventName === name,
    );
    const last = events[events.length - 1];
    if (last !== undefined) return last;
    const { status } = await readStatus(transport, address, hash, who, toBlock);
    if (!expected.includes(status) || pinned !== undefined || attempt >= CATCH_UP_ATTEMPTS) {
      throw new PaymentNotFoundError(hash, who, name);
    }
    await sleep(250 * (attempt + 1));
  }
}

/** Parameters of {@link findPaymentTerms}. */
export interface FindPaymentTermsParameters extends AtBlock {
  /** The shop's address. */
  readonly shop: string;
  /** The order hash. */
  readonly orderHash: string;
  /** The customer. */
  readonly customer: string;
  readonly fromBlock?: bigint;
}

/**
 * The terms of `customer`'s latest authorized payment for `orderHash` (its `PaymentAuthorized` event): what the
 * capture, confirm, auto-capture, void, reclaim and return-request steps take.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`, `orderHash`, `customer`; `fromBlock` (default 0), `blockNumber` (see
 * {@link FindPaymentTermsParameters}).
 * @returns The terms.
 * @throws {@link PaymentNotFoundError} when there is no authorization; `InvalidAddressError`, `InvalidBytes32Error`;
 * `NotAContractError`.
 * @example
 * ```ts
 * const payment = await findPaymentTerms(transport, { shop, orderHash, customer });
 * await capturePayment(operatorTransport, { shop, payment });
 * ```
 */
export async function findPaymentTerms(
  transport: Transport,
  parameters: FindPaymentTermsParameters,
): Promise<PaymentTerms> {
  const { shop, orderHash, customer, ...options } = parametersOf("findPaymentTerms", parameters);
  return termsOf(
    await findEvent(transport, shop, orderHash, customer, "PaymentAuthorized", options.fromBlock, options.blockNumber),
  );
}

/** Parameters of {@link findCaptureTerms}. */
export interface FindCaptureTermsParameters extends AtBlock {
  /** The shop's address. */
  readonly shop: string;
  /** The order hash. */
  readonly orderHash: string;
  /** The customer. */
  readonly customer: string;
  readonly fromBlock?: bigint;
}

/**
 * The terms of `customer`'s capture for `orderHash` (its `PaymentCaptured` event, of a capture or a charge): what
 * `refundPayment` takes.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `shop`, `orderHash`, `customer`; `fromBlock` (default 0), `blockNumber` (see
 * {@link FindCaptureTermsParameters}).
 * @returns The capture's terms.
 * @throws {@link PaymentNotFoundError} when the payment was never captured; `InvalidAddressError`,
 * `InvalidBytes32Error`; `NotAContractError`.
 * @example
 * ```ts
 * const capture = await findCaptureTerms(transport, { shop, orderHash, customer });
 * await refundPayment(operatorTransport, { shop, capture, amountWei: capture.amountWei });
 * ```
 */
export async function findCaptureTerms(
  transport: Transport,
  parameters: FindCaptureTermsParameters,
): Promise<CaptureTerms> {
  const { shop, orderHash, customer, ...options } = parametersOf("findCaptureTerms", parameters);
  return captureOf(
    await findEvent(transport, shop, orderHash, customer, "PaymentCaptured", options.fromBlock, options.blockNumber),
  );
}

/** What {@link summarizePayments} returns. */
export interface PaymentsSummary {
  /** Payments summarized. */
  readonly count: number;
  /** Payments per status. */
  readonly counts: Readonly<Record<PaymentStatusName, number>>;
  /** Wei held now (held and return-requested payments). */
  readonly heldWei: bigint;
  /** Wei captured (counted as revenue), refunds not deducted. */
  readonly capturedWei: bigint;
  /** Wei refunded. */
  readonly refundedWei: bigint;
  /** `capturedWei - refundedWei`. */
  readonly netCapturedWei: bigint;
  /** Wei of voided payments. */
  readonly voidedWei: bigint;
  /** Wei of reclaimed payments. */
  readonly reclaimedWei: bigint;
  /** Wei given back by partial captures. */
  readonly partialReturnWei: bigint;
}

/**
 * Totals of a list of payments, for reports: wei held, captured, refunded, voided and reclaimed, and counts per
 * status.
 *
 * @param payments - Payments from {@link fetchShopPayments} (or a filtered part of them).
 * @returns The totals.
 * @throws `InvalidAmountError` when `payments` is not an array.
 * @example
 * ```ts
 * const s = summarizePayments(await fetchShopPayments(transport, { shop }));
 * console.log(`${formatEther(s.netCapturedWei)} captured net, ${s.counts.held} payment(s) to ship`);
 * ```
 */
export function summarizePayments(payments: readonly ShopPayment[]): PaymentsSummary {
  if (!Array.isArray(payments as unknown))
    throw new InvalidAmountError("payments", payments, "expected an array of payments");
  const counts: Record<PaymentStatusName, number> = {
    held: 0,
    returnRequested: 0,
    captured: 0,
    refunded: 0,
    voided: 0,
    reclaimed: 0,
  };
  let heldWei = 0n;
  let capturedWei = 0n;
  let refundedWei = 0n;
  let voidedWei = 0n;
  let reclaimedWei = 0n;
  let partialReturnWei = 0n;
  for (const p of payments) {
    counts[p.status] += 1;
    heldWei += p.heldWei;
    capturedWei += p.capturedWei;
    refundedWei += p.refundedWei;
    if (p.status === "voided") voidedWei += p.returnedWei;
    else if (p.status === "reclaimed") reclaimedWei += p.returnedWei;
    else partialReturnWei += p.returnedWei;
  }
  return {
    count: payments.length,
    counts,
    heldWei,
    capturedWei,
    refundedWei,
    netCapturedWei: capturedWei - refundedWei,
    voidedWei,
    reclaimedWei,
    partialReturnWei,
  };
}

// ------------------------------------------------------------------ Off-chain-paid orders

/**
 * Whether an order paid off chain (recorded, receipt or batch path) at `paidAt` is final: its return window is over
 * (`now >= paidAt + windowSeconds`). The practice: an off-chain-paid order counts (is recorded, signed or batched)
 * only once final, since a counted order cannot be refunded on chain; on-chain payments use the held path instead.
 *
 * @param paidAt - When the order was paid (unix seconds).
 * @param windowSeconds - The return window (e.g. `fetchReturnWindow(...).windowSeconds`).
 * @param now - The current time (unix seconds).
 * @returns `true` once the window is over.
 * @throws `InvalidDeadlineError` for a bad time; `InvalidAmountError` for a bad window.
 * @example
 * ```ts
 * isFinal(1_767_225_600n, 7n * 86_400n, 1_767_830_400n); // true: exactly 7 days later
 * ```
 */
export function isFinal(paidAt: IntegerLike, windowSeconds: IntegerLike, now: IntegerLike): boolean {
  const paid = validateUnixSeconds("paidAt", paidAt);
  const window = validateAmount("windowSeconds", windowSeconds);
  return validateUnixSeconds("now", now) >= paid + window;
}

/**
 * The orders of `orders` whose return window is over ({@link isFinal} on each order's `paidAt`), in their order: the
 * off-chain-paid orders to record, sign or batch now.
 *
 * @param orders - Orders with a `paidAt` (unix seconds).
 * @param windowSeconds - The return window.
 * @param now - The current time (unix seconds).
 * @returns The final orders.
 * @throws `InvalidAmountError` when `orders` is not an array; `InvalidDeadlineError` naming `orders[i].paidAt`.
 * @example
 * ```ts
 * const ready = finalOrders(pending, windowSeconds, BigInt(Math.floor(Date.now() / 1000)));
 * await recordOrders(transport, { shop, orders: ready });
 * ```
 */
export function finalOrders<T extends { readonly paidAt: IntegerLike }>(
  orders: readonly T[],
  windowSeconds: IntegerLike,
  now: IntegerLike,
): T[] {
  if (!Array.isArray(orders as unknown)) throw new InvalidAmountError("orders", orders, "expected an array of orders");
  const window = validateAmount("windowSeconds", windowSeconds);
  const t = validateUnixSeconds("now", now);
  return orders.filter((o, i) => {
    if (typeof o !== "object" || o === null) throw new InvalidAmountError(`orders[${i}]`, o, "expected an object");
    return t >= validateUnixSeconds(`orders[${i}].paidAt`, o.paidAt) + window;
  });
}
