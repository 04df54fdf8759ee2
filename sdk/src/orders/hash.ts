/**
 * Order hashes (commitments), salts and selective disclosure.
 *
 * @packageDocumentation
 */
import { bytesToHex, keccak256 } from "viem";
import { InvalidOrderError } from "../errors.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import { validateBytes32, validateChainId, validateSalt } from "../validation.js";
import {
  encodeNormalized,
  normalizeOrder,
  normalizeOrderContext,
  type OrderContext,
  type PrivateOrder,
  type PrivateOrderInput,
} from "./encoding.js";

/**
 * A fresh order salt: 32 bytes from the platform's cryptographically secure generator (`crypto.getRandomValues`).
 * Keep it with the order; whoever has both can prove the order against the chain, nobody else can guess it.
 *
 * @returns 32 random bytes as lower-case hex.
 * @example
 * ```ts
 * const salt = newSalt(); // "0x3f9c...": 64 hex digits
 * ```
 */
export function newSalt(): Hex {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  // A zero salt is refused by validateSalt; 2^-256 odds, but never hand one out.
  if (bytes.every((b) => b === 0)) return newSalt();
  return bytesToHex(bytes);
}

/**
 * The order hash: `keccak256(abi.encode(ORDER_HASH_TAG, shop, chainId, salt, order))` over the validated,
 * normalised order (see docs/order-hashing.md). This is the `orderHash` the chain sees on every order path.
 *
 * @param order - The private order details.
 * @param context - `{ shop, chainId, salt }`: the shop clone, its chain and the order's 32-byte random salt.
 * @returns The order hash, lower-case hex.
 * @throws The typed validation errors of `normalizeOrder` / `normalizeOrderContext`, before anything is hashed.
 * @example
 * ```ts
 * const salt = newSalt();
 * const orderHash = hashOrder(order, { shop: "0x5FbDB2315678afecb367f032d93F642f64180aa3", chainId: 31337, salt });
 * ```
 */
export function hashOrder(order: PrivateOrderInput, context: OrderContext): Hex {
  const ctx = normalizeOrderContext(context);
  const normalized = normalizeOrder(order);
  return keccak256(encodeNormalized(normalized, ctx));
}

/**
 * Checks a disclosed order against an order hash (typically read from the chain): recomputes the hash from the
 * order, salt, shop and chain id and compares.
 *
 * @param disclosedOrder - The order as disclosed (integers may be decimal strings, as in JSON).
 * @param salt - The order's salt, disclosed with it.
 * @param shop - The shop the order hash was counted by.
 * @param chainId - The chain of that shop.
 * @param expectedHash - The order hash to check against (take it from the chain, not from the discloser).
 * @returns `true` if the order, salt, shop and chain id produce `expectedHash`, `false` otherwise.
 * @throws Typed validation errors if the disclosed data is malformed (a malformed order is never "valid").
 * @example
 * ```ts
 * verifyOrder(order, salt, shop, 31337, orderHashFromChain); // true
 * verifyOrder({ ...order, amount: order.amount + 1n }, salt, shop, 31337, orderHashFromChain); // false
 * ```
 */
export function verifyOrder(
  disclosedOrder: PrivateOrderInput,
  salt: string,
  shop: string,
  chainId: IntegerLike,
  expectedHash: string,
): boolean {
  const expected = validateBytes32("expectedHash", expectedHash);
  return hashOrder(disclosedOrder, { shop, chainId, salt }) === expected;
}

/** An order item with its integers as decimal strings (JSON-safe). */
export interface OrderItemJson {
  readonly sku: string;
  readonly quantity: string;
  readonly unitPrice: string;
}

/** A normalised private order with its integers as decimal strings (JSON-safe); valid input to `hashOrder`. */
export interface PrivateOrderJson {
  readonly orderId: string;
  readonly customer: Address;
  readonly amount: string;
  readonly referrer: Address;
  readonly currency: string;
  readonly fiatAmount: string;
  readonly quotedRate: string;
  readonly createdAt: string;
  readonly items: readonly OrderItemJson[];
}

/**
 * What a customer or merchant hands to a chosen party to prove one order: the order, its salt and where it was
 * counted. JSON-safe.
 */
export interface OrderDisclosure {
  readonly version: 1;
  readonly shop: Address;
  readonly chainId: string;
  readonly salt: Hex;
  /** The hash the discloser claims; a verifier must compare against the hash on chain, not trust this one. */
  readonly orderHash: Hex;
  readonly order: PrivateOrderJson;
}

/**
 * Converts an order to its JSON-safe form (decimal strings for integers), validating and normalising it first.
 *
 * @param order - An order (normalised by `normalizeOrder` or not).
 * @returns The normalised order with integers as strings.
 * @throws The validation errors of `normalizeOrder` (e.g. `InvalidAmountError` for a negative amount).
 * @example
 * ```ts
 * JSON.stringify(orderToJson(normalizeOrder(order)));
 * ```
 */
export function orderToJson(input: PrivateOrder | PrivateOrderInput): PrivateOrderJson {
  const order = normalizeOrder(input);
  return {
    orderId: order.orderId,
    customer: order.customer,
    amount: order.amount.toString(),
    referrer: order.referrer,
    currency: order.currency,
    fiatAmount: order.fiatAmount.toString(),
    quotedRate: order.quotedRate.toString(),
    createdAt: order.createdAt.toString(),
    items: order.items.map((item) => ({
      sku: item.sku,
      quantity: item.quantity.toString(),
      unitPrice: item.unitPrice.toString(),
    })),
  };
}

/**
 * Builds the selective disclosure of one order (validated and normalised), ready for `JSON.stringify`.
 *
 * @param order - The private order.
 * @param context - `{ shop, chainId, salt }` the order was hashed with.
 * @returns The disclosure, including the order hash it produces.
 * @example
 * ```ts
 * const json = JSON.stringify(createDisclosure(order, { shop, chainId: 31337, salt }));
 * ```
 */
export function createDisclosure(order: PrivateOrderInput, context: OrderContext): OrderDisclosure {
  const ctx = normalizeOrderContext(context);
  const normalized = normalizeOrder(order);
  return {
    version: 1,
    shop: ctx.shop,
    chainId: ctx.chainId.toString(),
    salt: ctx.salt,
    orderHash: keccak256(encodeNormalized(normalized, ctx)),
    order: orderToJson(normalized),
  };
}

/**
 * Verifies a disclosure (as produced by {@link createDisclosure}, possibly after a JSON round trip) against the
 * order hash found on chain: the order must hash to `expectedHash` with the disclosed salt, shop and chain, and the
 * disclosure's own `orderHash` must agree.
 *
 * @param disclosure - The disclosure (parsed JSON).
 * @param expectedHash - The order hash read from the chain.
 * @returns Whether the disclosed order is the one committed to by `expectedHash`.
 * @throws {@link InvalidOrderError} if the disclosure is not a version-1 disclosure object; typed validation
 * errors for malformed fields.
 * @example
 * ```ts
 * verifyDisclosure(JSON.parse(text), orderHashFromChain); // true
 * ```
 */
export function verifyDisclosure(disclosure: OrderDisclosure, expectedHash: string): boolean {
  if (typeof disclosure !== "object" || disclosure === null) {
    throw new InvalidOrderError("disclosure", "expected an object");
  }
  if (disclosure.version !== 1) {
    throw new InvalidOrderError("version", `unsupported disclosure version ${String(disclosure.version)}`);
  }
  const claimed = validateBytes32("orderHash", disclosure.orderHash);
  const expected = validateBytes32("expectedHash", expectedHash);
  const salt = validateSalt(disclosure.salt);
  const chainId = validateChainId(disclosure.chainId);
  const computed = hashOrder(disclosure.order, { shop: disclosure.shop, chainId, salt });
  return computed === expected && claimed === computed;
}
