/**
 * The connected account's payments as a customer, in every shop of the factory it has paid in: payments still
 * held (with their auto-capture time and expiry, and what the customer may do with them now), returns owed to it
 * (returned coin its address could not take), and its finished payments (captured, refunded, voided, reclaimed).
 * Read through the SDK's payment read model (`fetchShopPayments`, `fetchReturnsOwed`).
 */
import { shopAbi } from "../../sdk/src/abis.js";
import { eventTopic, getLogsPaged } from "../../sdk/src/client/contract.js";
import type { Transport } from "../../sdk/src/client/transport.js";
import { fetchReturnsOwed, fetchShopPayments, type ShopPayment } from "../../sdk/src/payments.js";
import type { Address, Hex } from "../../sdk/src/types.js";

/** What the customer may do with a held payment right now (chain time). */
export type HeldStage =
  /** Before `autoCaptureAt`: confirm receipt, or ask to return the goods. */
  | "window"
  /** The customer asked to return the goods, before the expiry: the shop voids it or keeps part; it may still confirm. */
  | "returnRequested"
  /** From `autoCaptureAt` until the expiry: anyone may capture it; the customer may still confirm. */
  | "capturable"
  /** From the expiry, still held: the customer takes it back. */
  | "expired";

/** A payment still held for the customer. */
export interface HeldPayment {
  readonly shop: Address;
  readonly shopName: string;
  readonly payment: ShopPayment;
  readonly stage: HeldStage;
}

/** A finished payment. */
export interface PastPayment {
  readonly shop: Address;
  readonly shopName: string;
  readonly payment: ShopPayment;
}

/** Returned coin a shop owes the customer (`returnsOwed`). */
export interface OwedReturn {
  readonly shop: Address;
  readonly shopName: string;
  readonly amount: bigint;
}

/** The payments section's data for one customer. */
export interface PaymentsView {
  /** Timestamp of the latest block: the times below are compared with it, not with the browser's clock. */
  readonly now: bigint;
  readonly held: readonly HeldPayment[];
  readonly owed: readonly OwedReturn[];
  /** Newest first. */
  readonly history: readonly PastPayment[];
}

/** Where a held payment stands at `now` (unix seconds). */
export function heldStage(payment: ShopPayment, now: bigint): HeldStage {
  const terms = payment.terms;
  if (terms !== undefined && now >= terms.expiry) return "expired";
  if (payment.status === "returnRequested") return "returnRequested";
  if (terms !== undefined && now >= terms.autoCaptureAt) return "capturable";
  return "window";
}

/** Pads an address into a 32-byte topic. */
const topicOf = (address: Address): Hex => `0x${address.slice(2).toLowerCase().padStart(64, "0")}`;

/**
 * Shops of `shops` with a payment of `customer`: an authorization or a capture (a charge) naming it (both events
 * index the order hash first and the customer second). One log query for all shops.
 */
async function shopsPaidIn(
  transport: Transport,
  shops: readonly Address[],
  customer: Address,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<Set<Address>> {
  if (shops.length === 0) return new Set();
  const logs = await getLogsPaged(transport, {
    address: shops,
    topics: [
      [eventTopic(shopAbi, "PaymentAuthorized"), eventTopic(shopAbi, "PaymentCaptured")],
      null,
      topicOf(customer),
    ],
    fromBlock,
    toBlock,
  });
  const byLower = new Map(shops.map((s) => [s.toLowerCase(), s]));
  const out = new Set<Address>();
  for (const log of logs) {
    const shop = byLower.get(log.address.toLowerCase());
    if (shop !== undefined) out.add(shop);
  }
  return out;
}

/** Reads the payments section for `customer` over the factory's shops (`names`: shop address → name). */
export async function loadPayments(
  transport: Transport,
  customer: Address,
  names: ReadonlyMap<Address, string>,
  fromBlock: bigint,
  toBlock: bigint,
): Promise<PaymentsView> {
  const now = await transport.latestTimestamp();
  const shops = await shopsPaidIn(transport, [...names.keys()], customer, fromBlock, toBlock);
  const held: HeldPayment[] = [];
  const owed: OwedReturn[] = [];
  const history: { item: PastPayment; order: bigint }[] = [];
  for (const shop of shops) {
    const shopName = names.get(shop) ?? shop;
    const payments = await fetchShopPayments(transport, { shop, customer, fromBlock });
    for (const payment of payments) {
      if (payment.status === "held" || payment.status === "returnRequested") {
        held.push({ shop, shopName, payment, stage: heldStage(payment, now) });
      } else {
        const order = payment.endedBlock ?? payment.capturedBlock ?? payment.authorizedBlock ?? 0n;
        history.push({ item: { shop, shopName, payment }, order });
      }
    }
    const amount = await fetchReturnsOwed(transport, { shop, customer });
    if (amount > 0n) owed.push({ shop, shopName, amount });
  }
  // Held: the most urgent first (what can be reclaimed, then by expiry).
  const rank = (p: HeldPayment): number => (p.stage === "expired" ? 0 : 1);
  held.sort((a, b) => {
    if (rank(a) !== rank(b)) return rank(a) - rank(b);
    const ea = a.payment.terms?.expiry ?? 0n;
    const eb = b.payment.terms?.expiry ?? 0n;
    return ea < eb ? -1 : ea > eb ? 1 : 0;
  });
  history.sort((a, b) => (a.order > b.order ? -1 : a.order < b.order ? 1 : 0));
  return { now, held, owed, history: history.map((h) => h.item) };
}
