/**
 * The canonical encoding of a private order: the normalisation rules and the ABI layout that the order hash
 * commits to. docs/order-hashing.md documents it byte for byte.
 *
 * @packageDocumentation
 */
import { encodeAbiParameters, keccak256, stringToHex, type AbiParameter } from "viem";
import { InvalidOrderError } from "../errors.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import {
  validateAddress,
  validateAmount,
  validateChainId,
  validateOptionalAddress,
  validateSalt,
  validateUnixSeconds,
  validateWeiAmount,
} from "../validation.js";

/** The domain string of order hashes; its keccak256 ({@link ORDER_HASH_TAG}) is the first word of the encoding. */
export const ORDER_HASH_DOMAIN = "ShareMall.OrderHash.v1";

/** `keccak256("ShareMall.OrderHash.v1")`: separates order commitments from every other keccak256 preimage. */
export const ORDER_HASH_TAG: Hex = keccak256(stringToHex(ORDER_HASH_DOMAIN));

/** ABI type of one order item: `(string sku, uint256 quantity, uint256 unitPrice)`. */
export const ORDER_ITEM_ABI_TYPE = "tuple(string sku,uint256 quantity,uint256 unitPrice)";

/** ABI type of the private order tuple. */
export const PRIVATE_ORDER_ABI_TYPE =
  "tuple(string orderId,address customer,uint256 amount,address referrer,string currency,uint256 fiatAmount," +
  `uint256 quotedRate,uint256 createdAt,${ORDER_ITEM_ABI_TYPE}[] items)`;

/**
 * The ABI parameter types of the order-hash preimage, in order:
 * `abi.encode(bytes32 tag, address shop, uint256 chainId, bytes32 salt, PrivateOrder order)`.
 */
export const ORDER_HASH_ABI_TYPES: readonly string[] = [
  "bytes32",
  "address",
  "uint256",
  "bytes32",
  PRIVATE_ORDER_ABI_TYPE,
];

const uint = (name: string): AbiParameter => ({ name, type: "uint256" });
/** {@link ORDER_HASH_ABI_TYPES} as ABI parameter objects, for the encoder. */
const ORDER_HASH_PARAMETERS: readonly AbiParameter[] = [
  { name: "tag", type: "bytes32" },
  { name: "shop", type: "address" },
  uint("chainId"),
  { name: "salt", type: "bytes32" },
  {
    name: "order",
    type: "tuple",
    components: [
      { name: "orderId", type: "string" },
      { name: "customer", type: "address" },
      uint("amount"),
      { name: "referrer", type: "address" },
      { name: "currency", type: "string" },
      uint("fiatAmount"),
      uint("quotedRate"),
      uint("createdAt"),
      {
        name: "items",
        type: "tuple[]",
        components: [{ name: "sku", type: "string" }, uint("quantity"), uint("unitPrice")],
      },
    ],
  },
];

/** One line of an order as given by the caller. */
export interface OrderItemInput {
  /** The merchant's stock-keeping unit; a non-empty string, NFC-normalised before hashing. */
  readonly sku: string;
  /** Units bought, at least 1. */
  readonly quantity: IntegerLike;
  /** Price of one unit in minor units of the order's currency (fen, cents), at least 0. */
  readonly unitPrice: IntegerLike;
}

/** The private details of an order, as given by the caller (before validation and normalisation). */
export interface PrivateOrderInput {
  /** The merchant's own order id; a non-empty string, NFC-normalised before hashing. */
  readonly orderId: string;
  /** The buyer's account; receives the tokens. Not the zero address. */
  readonly customer: string;
  /** What the chain counts, in wei: `1 .. 2^96 - 1`. */
  readonly amount: IntegerLike;
  /** The customer's referrer, or `undefined`/`null`/the zero address for none. Never the customer itself. */
  readonly referrer?: string | null;
  /** ISO 4217 code of the price currency, three ASCII letters (upper-cased); `"XXX"` for no fiat price. */
  readonly currency: string;
  /** The price paid in minor units of `currency` (e.g. fen for CNY). */
  readonly fiatAmount: IntegerLike;
  /** The quoted exchange rate: wei per one major unit of `currency` (e.g. wei per 1 CNY); 0 when not priced in fiat. */
  readonly quotedRate: IntegerLike;
  /** When the order was placed, unix seconds. */
  readonly createdAt: IntegerLike;
  /** The order lines, in the merchant's order (they are not sorted); may be empty. */
  readonly items: readonly OrderItemInput[];
}

/** One line of a validated, normalised order. */
export interface OrderItem {
  readonly sku: string;
  readonly quantity: bigint;
  readonly unitPrice: bigint;
}

/** A validated, normalised private order: exactly what the order hash commits to. */
export interface PrivateOrder {
  readonly orderId: string;
  readonly customer: Address;
  readonly amount: bigint;
  readonly referrer: Address;
  readonly currency: string;
  readonly fiatAmount: bigint;
  readonly quotedRate: bigint;
  readonly createdAt: bigint;
  readonly items: readonly OrderItem[];
}

/** The public context an order hash binds: the shop, the chain and the order's secret salt. */
export interface OrderContext {
  /** The shop (clone) address the order is counted by. */
  readonly shop: string;
  /** The chain id the shop lives on. */
  readonly chainId: IntegerLike;
  /** 32 random bytes (see `newSalt`); kept private with the order, disclosed only with it. */
  readonly salt: string;
}

/** A validated {@link OrderContext}. */
export interface NormalizedOrderContext {
  readonly shop: Address;
  readonly chainId: bigint;
  readonly salt: Hex;
}

const ORDER_KEYS = new Set([
  "orderId",
  "customer",
  "amount",
  "referrer",
  "currency",
  "fiatAmount",
  "quotedRate",
  "createdAt",
  "items",
]);
const ITEM_KEYS = new Set(["sku", "quantity", "unitPrice"]);
/** A lone (unpaired) UTF-16 surrogate: not encodable as UTF-8 without loss. */
const LONE_SURROGATE = /\p{Cs}/u;
const CURRENCY_RE = /^[A-Za-z]{3}$/;

/**
 * Validates and normalises a private order: checksums addresses, turns integers into bigints, upper-cases the
 * currency, NFC-normalises strings, and refuses anything the encoding cannot commit to unambiguously (unknown
 * fields, empty or malformed strings, out-of-range integers, self-referral).
 *
 * @param order - The order as given.
 * @returns The normalised order (what {@link encodeOrder} encodes).
 * @throws {@link InvalidOrderError}, `InvalidAddressError`, `InvalidAmountError` or `InvalidDeadlineError`
 * naming the field at fault.
 * @example
 * ```ts
 * const order = normalizeOrder({
 *   orderId: "WY-2026-0001",
 *   customer: "0x8ba1f109551bd432803012645ac136ddd64dba72",
 *   amount: 10n ** 16n,
 *   currency: "cny",
 *   fiatAmount: 30000,
 *   quotedRate: 33_333_333_333_333n,
 *   createdAt: 1_767_225_600,
 *   items: [{ sku: "YDC-TEA-250G", quantity: 2, unitPrice: 15000 }],
 * });
 * order.currency; // "CNY"
 * ```
 */
export function normalizeOrder(order: PrivateOrderInput): PrivateOrder {
  if (typeof order !== "object" || order === null || Array.isArray(order)) {
    throw new InvalidOrderError("order", "expected an object");
  }
  for (const key of Object.keys(order)) {
    if (!ORDER_KEYS.has(key)) {
      throw new InvalidOrderError(key, "unknown field; the order hash would not cover it");
    }
  }
  const orderId = normalizeString("orderId", order.orderId);
  const customer = validateAddress("customer", order.customer);
  const amount = validateWeiAmount("amount", order.amount);
  const referrer = validateOptionalAddress("referrer", order.referrer);
  if (referrer === customer) throw new InvalidOrderError("referrer", "a customer cannot refer itself");
  if (typeof order.currency !== "string" || !CURRENCY_RE.test(order.currency)) {
    throw new InvalidOrderError("currency", `expected a 3-letter ISO 4217 code, got ${JSON.stringify(order.currency)}`);
  }
  const currency = order.currency.toUpperCase();
  const fiatAmount = validateAmount("fiatAmount", order.fiatAmount);
  const quotedRate = validateAmount("quotedRate", order.quotedRate);
  const createdAt = validateUnixSeconds("createdAt", order.createdAt);
  if (!Array.isArray(order.items)) throw new InvalidOrderError("items", "expected an array (possibly empty)");
  const items = (order.items as readonly OrderItemInput[]).map((item, i): OrderItem => {
    const field = `items[${i}]`;
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      throw new InvalidOrderError(field, "expected an object");
    }
    for (const key of Object.keys(item)) {
      if (!ITEM_KEYS.has(key))
        throw new InvalidOrderError(`${field}.${key}`, "unknown field; the hash would not cover it");
    }
    return {
      sku: normalizeString(`${field}.sku`, item.sku),
      quantity: validateAmount(`${field}.quantity`, item.quantity, { min: 1n }),
      unitPrice: validateAmount(`${field}.unitPrice`, item.unitPrice),
    };
  });
  return { orderId, customer, amount, referrer, currency, fiatAmount, quotedRate, createdAt, items };
}

/**
 * Validates an {@link OrderContext}: the shop must be a non-zero address, the chain id positive, the salt 32
 * non-zero bytes.
 *
 * @param context - Shop, chain id and salt.
 * @returns The validated context.
 * @throws `InvalidAddressError`, `InvalidChainIdError` or `InvalidSaltError`.
 * @example
 * ```ts
 * normalizeOrderContext({ shop, chainId: 31337, salt: newSalt() }).chainId; // 31337n
 * ```
 */
export function normalizeOrderContext(context: OrderContext): NormalizedOrderContext {
  if (typeof context !== "object" || context === null) throw new InvalidOrderError("context", "expected an object");
  return {
    shop: validateAddress("shop", context.shop),
    chainId: validateChainId(context.chainId),
    salt: validateSalt(context.salt),
  };
}

/**
 * The canonical encoding of an order with its context: `abi.encode(ORDER_HASH_TAG, shop, chainId, salt, order)`
 * with the order as the tuple {@link PRIVATE_ORDER_ABI_TYPE}. Validates and normalises everything first.
 *
 * @param order - The private order.
 * @param context - Shop, chain id and salt.
 * @returns The encoded bytes as hex (its keccak256 is the order hash).
 * @throws The errors of {@link normalizeOrder} and {@link normalizeOrderContext}.
 * @example
 * ```ts
 * const bytes = encodeOrder(order, { shop, chainId: 1, salt }); // "0x" + 2 * (32 * words) hex digits
 * ```
 */
export function encodeOrder(order: PrivateOrderInput, context: OrderContext): Hex {
  const ctx = normalizeOrderContext(context);
  const o = normalizeOrder(order);
  return encodeNormalized(o, ctx);
}

/**
 * ABI-encodes an already normalised order and context (no validation: use {@link encodeOrder} for input).
 *
 * @param o - A normalised order (from {@link normalizeOrder}).
 * @param ctx - A validated context (from {@link normalizeOrderContext}).
 * @returns The encoded bytes as hex.
 * @example
 * ```ts
 * encodeNormalized(normalizeOrder(order), normalizeOrderContext(ctx)) === encodeOrder(order, ctx); // true
 * ```
 */
export function encodeNormalized(o: PrivateOrder, ctx: NormalizedOrderContext): Hex {
  return encodeAbiParameters(ORDER_HASH_PARAMETERS, [
    ORDER_HASH_TAG,
    ctx.shop,
    ctx.chainId,
    ctx.salt,
    [
      o.orderId,
      o.customer,
      o.amount,
      o.referrer,
      o.currency,
      o.fiatAmount,
      o.quotedRate,
      o.createdAt,
      o.items.map((item) => [item.sku, item.quantity, item.unitPrice]),
    ],
  ] as never);
}

function normalizeString(field: string, value: unknown): string {
  if (typeof value !== "string") throw new InvalidOrderError(field, `expected a string, got ${typeof value}`);
  if (LONE_SURROGATE.test(value)) {
    throw new InvalidOrderError(field, "contains an unpaired UTF-16 surrogate (not valid Unicode text)");
  }
  const nfc = value.normalize("NFC");
  if (nfc.length === 0) throw new InvalidOrderError(field, "must not be empty");
  return nfc;
}
