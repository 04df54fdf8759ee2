/**
 * Parsers of the payment events into the terms the payment steps pass back. Internal: `payments.ts` and `holder.ts`
 * (`charge`) use them.
 *
 * @packageDocumentation
 */
import type { DecodedEvent, shareMallAbi } from "../client/contract.js";
import { ShareMallError } from "../errors.js";
import type { CaptureKindName, CaptureTerms, PaymentTerms } from "../payments.js";
import type { Address, Hex } from "../types.js";

type AnyEvent = DecodedEvent<typeof shareMallAbi>;

/** `IShop.CaptureKind` names by index. */
const KINDS: readonly CaptureKindName[] = ["operator", "customer", "auto", "charge"];

/** The payment terms of a `PaymentAuthorized` event. */
export function termsOf(e: Extract<AnyEvent, { eventName: "PaymentAuthorized" }>): PaymentTerms {
  return {
    orderHash: e.args.orderHash,
    customer: e.args.customer,
    referrer: e.args.referrer,
    amountWei: e.args.amount,
    autoCaptureAt: e.args.autoCaptureAt,
    expiry: e.args.expiry,
  };
}

/** The capture terms of a `PaymentCaptured` event. */
export function captureOf(e: Extract<AnyEvent, { eventName: "PaymentCaptured" }>): CaptureTerms {
  return {
    orderHash: e.args.orderHash,
    customer: e.args.customer,
    amountWei: e.args.amount,
    refundDeadline: e.args.refundDeadline,
    minted: [...e.args.minted],
  };
}

/** The name of a `CaptureKind` value. */
export function kindName(kind: number): CaptureKindName {
  const name = KINDS[kind];
  if (name === undefined) throw new ShareMallError("UNKNOWN_CAPTURE_KIND", `Unknown capture kind ${kind}`);
  return name;
}

/** The capture terms of the `PaymentCaptured` event of `orderHash` and `customer` among a transaction's events. */
export function captureFromEvents(events: readonly AnyEvent[], orderHash: Hex, customer: Address): CaptureTerms {
  for (const e of events) {
    if (e.eventName === "PaymentCaptured" && e.args.orderHash === orderHash && e.args.customer === customer) {
      return captureOf(e);
    }
  }
  throw new ShareMallError("MISSING_EVENT", `The transaction emitted no PaymentCaptured for order ${orderHash}`);
}
