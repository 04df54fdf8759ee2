/**
 * Where the payments of a file stand, for `payments:capture`, `payments:void` and `payments:refund`: one paged read of
 * the shop's payment events from `--from-block` (the terms of each latest authorization, `PaymentAuthorized`; the
 * capture terms, `PaymentCaptured`; how a payment ended, `PaymentVoided` / `PaymentReclaimed`; its refunds,
 * `PaymentRefunded`), kept for the file's pairs only, and each pair's status on chain (`payment(orderHash,
 * customer)`, the authority: held and refundable amounts come from it). One log scan for the whole file, instead of
 * one per row (SDK `findPaymentTerms` / `findCaptureTerms` scan once per payment).
 */
import {
  decodeLogs,
  eventTopic,
  getLogsPaged,
  readContract,
  shopAbi,
  validateCaptureTerms,
  validatePaymentTerms,
  type Address,
  type CaptureTerms,
  type Hex,
  type PaymentChainStatus,
  type PaymentTerms,
  type Transport,
} from "../../../sdk/src/index.js";
import { mapLimit, note } from "./io.js";
import { paymentKey } from "./payments-file.js";

const CHAIN_STATUSES: readonly PaymentChainStatus[] = ["none", "held", "returnRequested", "captured"];

/** The last step the events show for a payment. */
export type LastStep = "authorized" | "returnRequested" | "captured" | "voided" | "reclaimed" | "refunded";

/** One refund of a payment (`PaymentRefunded`). */
export interface RefundEvent {
  readonly amountWei: bigint;
  readonly refundableWei: bigint;
  readonly blockNumber: bigint;
  readonly txHash: Hex;
}

/** A payment of the file as the chain shows it. */
export interface PaymentState {
  readonly orderHash: Hex;
  readonly customer: Address;
  /** `payment(orderHash, customer)`. */
  readonly status: PaymentChainStatus;
  /** Wei held (held, return requested) or still refundable (captured); 0 for none. */
  readonly amountWei: bigint;
  /** The terms of the latest authorization, if one is in the range read. */
  readonly terms?: PaymentTerms;
  /** The terms of the capture, if one is in the range read (after the latest authorization). */
  readonly capture?: CaptureTerms;
  /** The capture's kind: 0 operator, 1 customer, 2 auto, 3 charge. */
  readonly captureKind?: number;
  /** The last step the events show (undefined: no event in the range). */
  readonly last?: LastStep;
  readonly lastTx?: Hex;
  /** Refunds of the capture. */
  readonly refunds: readonly RefundEvent[];
}

interface Draft {
  terms?: PaymentTerms;
  capture?: CaptureTerms;
  captureKind?: number;
  last?: LastStep;
  lastTx?: Hex;
  refunds: RefundEvent[];
}

const EVENTS = [
  "PaymentAuthorized",
  "PaymentCaptured",
  "PaymentVoided",
  "PaymentReclaimed",
  "ReturnRequested",
  "PaymentRefunded",
] as const;

/** Capture kinds by `CaptureKind` value. */
export const CAPTURE_KIND_NAMES = ["operator", "customer", "auto", "charge"] as const;

/**
 * The state of each payment `pairs` names (by {@link paymentKey}), from the shop's payment events from `fromBlock`
 * and its `payment()` view.
 */
export async function paymentStates(
  transport: Transport,
  shop: Address,
  pairs: readonly { readonly orderHash: Hex; readonly customer: Address }[],
  fromBlock: bigint,
  label: string,
): Promise<Map<string, PaymentState>> {
  const wanted = new Set(pairs.map((p) => paymentKey(p.orderHash, p.customer)));
  const drafts = new Map<string, Draft>();
  const toBlock = await transport.blockNumber();
  if (fromBlock <= toBlock) {
    const logs = await getLogsPaged(transport, {
      address: shop,
      topics: [EVENTS.map((name) => eventTopic(shopAbi, name))],
      fromBlock,
      toBlock,
      onProgress: (p) => {
        if (p.totalBlocks > 20_000n) note(`${label}: reading payment events: ${p.doneBlocks}/${p.totalBlocks} blocks`);
      },
    });
    for (const e of decodeLogs(shopAbi, logs)) {
      if (!(EVENTS as readonly string[]).includes(e.eventName)) continue;
      const args = e.args as { orderHash: Hex; customer: Address };
      const key = paymentKey(args.orderHash, args.customer);
      if (!wanted.has(key)) continue;
      let d = drafts.get(key);
      if (d === undefined) {
        d = { refunds: [] };
        drafts.set(key, d);
      }
      d.lastTx = e.transactionHash;
      if (e.eventName === "PaymentAuthorized") {
        // A new payment of the pair (after a void or reclaim): the earlier one's capture and refunds are not its.
        d.terms = validatePaymentTerms({
          orderHash: e.args.orderHash,
          customer: e.args.customer,
          referrer: e.args.referrer,
          amountWei: e.args.amount,
          autoCaptureAt: e.args.autoCaptureAt,
          expiry: e.args.expiry,
        });
        delete d.capture;
        delete d.captureKind;
        d.refunds = [];
        d.last = "authorized";
      } else if (e.eventName === "PaymentCaptured") {
        d.capture = validateCaptureTerms({
          orderHash: e.args.orderHash,
          customer: e.args.customer,
          amountWei: e.args.amount,
          refundDeadline: e.args.refundDeadline,
          minted: e.args.minted,
        });
        d.captureKind = Number(e.args.kind);
        d.refunds = [];
        d.last = "captured";
      } else if (e.eventName === "PaymentVoided") {
        d.last = "voided";
      } else if (e.eventName === "PaymentReclaimed") {
        d.last = "reclaimed";
      } else if (e.eventName === "ReturnRequested") {
        d.last = "returnRequested";
      } else if (e.eventName === "PaymentRefunded") {
        d.refunds.push({
          amountWei: e.args.amount,
          refundableWei: e.args.refundable,
          blockNumber: e.blockNumber,
          txHash: e.transactionHash,
        });
        d.last = "refunded";
      }
    }
  }
  const out = new Map<string, PaymentState>();
  await mapLimit(pairs, 8, async (p) => {
    const [status, amount] = await readContract(transport, {
      address: shop,
      abi: shopAbi,
      functionName: "payment",
      args: [p.orderHash, p.customer],
    });
    const d = drafts.get(paymentKey(p.orderHash, p.customer)) ?? { refunds: [] };
    out.set(paymentKey(p.orderHash, p.customer), {
      orderHash: p.orderHash,
      customer: p.customer,
      status: CHAIN_STATUSES[Number(status)] ?? "none",
      amountWei: amount,
      ...(d.terms !== undefined ? { terms: d.terms } : {}),
      ...(d.capture !== undefined ? { capture: d.capture } : {}),
      ...(d.captureKind !== undefined ? { captureKind: d.captureKind } : {}),
      ...(d.last !== undefined ? { last: d.last } : {}),
      ...(d.lastTx !== undefined ? { lastTx: d.lastTx } : {}),
      refunds: d.refunds,
    });
  });
  return out;
}

/** The account's operator role: refused up front (exit code 1) without it, before anything is sent. */
export async function requireOperator(transport: Transport, shop: Address, account: Address): Promise<void> {
  const role = await readContract(transport, { address: shop, abi: shopAbi, functionName: "OPERATOR_ROLE", args: [] });
  if (
    !(await readContract(transport, { address: shop, abi: shopAbi, functionName: "hasRole", args: [role, account] }))
  ) {
    throw new Error(`${account} does not hold the operator role of shop ${shop}; nothing sent (roles:grant it)`);
  }
}
