/**
 * Turns whatever a claim or a payment step threw into one sentence in the page's language: a wallet rejection, a wrong chain, a
 * decoded ShareMall contract error (through the SDK's `toContractError`), an SDK refusal, or anything else.
 */
import { ContractRevertError, toContractError } from "../../sdk/src/contract-errors.js";
import {
  AutoCaptureNotDueError,
  InvalidAddressError,
  NoReturnsOwedError,
  NotPaymentCustomerError,
  PaymentExpiredError,
  PaymentNotExpiredError,
  PaymentNotHeldError,
  PaymentTermsMismatchError,
  ReturnRequestedError,
  ReturnWindowClosedError,
  ShareMallError,
} from "../../sdk/src/errors.js";
import { NothingToClaimError } from "../../sdk/src/holder.js";
import { formatDateTime, formatUnits18, shortAddress } from "./format.js";
import { t } from "./i18n.js";

/** Errors nested in `error` (itself first): `cause`, `error`, `originalError`, `details` objects, breadth first. */
function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  const queue: unknown[] = [error];
  const seen = new Set<unknown>();
  while (queue.length > 0 && out.length < 32) {
    const node = queue.shift();
    if (typeof node !== "object" || node === null || seen.has(node)) continue;
    seen.add(node);
    out.push(node);
    const record = node as Record<string, unknown>;
    for (const key of ["cause", "error", "originalError", "data"]) {
      if (typeof record[key] === "object") queue.push(record[key]);
    }
  }
  return out;
}

function has(error: unknown, test: (record: Record<string, unknown>) => boolean): boolean {
  return chain(error).some((node) => test(node as Record<string, unknown>));
}

/** EIP-1193 `4001 User Rejected Request`, as wallets and viem report it. */
export function isUserRejection(error: unknown): boolean {
  return has(error, (e) => e.code === 4001 || e.name === "UserRejectedRequestError");
}

/** EIP-1193 `4902`: the wallet does not know the chain (so it must be added first). */
export function isUnknownChain(error: unknown): boolean {
  return has(error, (e) => e.code === 4902 || (typeof e.message === "string" && /unrecognized chain/i.test(e.message)));
}

function contractMessage(error: ContractRevertError, coin: string): string {
  if (error.is("DividendTokenPaymentFailed")) {
    return t("err.paymentFailed", {
      recipient: shortAddress(error.args.recipient),
      amount: formatUnits18(error.args.amount),
      coin,
    });
  }
  if (error.is("DividendTokenInvalidRecipient")) return t("err.invalidRecipient");
  if (error.is("DividendTokenNothingToClaim"))
    return t("err.tokenNothing", { holder: shortAddress(error.args.holder) });
  if (error.is("FactoryNothingClaimed")) return t("err.factoryNothing", { holder: shortAddress(error.args.holder) });
  if (error.is("FactoryUnknownToken")) return t("err.unknownToken", { token: shortAddress(error.args.token) });
  // The steps of a held payment (IShopPayments).
  if (error.is("ShopPaymentNotHeld")) return t("err.paymentNotHeld");
  if (error.is("ShopPaymentExpired")) return t("err.paymentExpired", { date: formatDateTime(error.args.expiry) });
  if (error.is("ShopPaymentNotExpired")) return t("err.paymentNotExpired", { date: formatDateTime(error.args.expiry) });
  if (error.is("ShopReturnWindowClosed"))
    return t("err.returnWindowClosed", { date: formatDateTime(error.args.autoCaptureAt) });
  if (error.is("ShopReturnRequested")) return t("err.returnAlreadyRequested");
  if (error.is("ShopNotPaymentCustomer"))
    return t("err.notPaymentCustomer", {
      customer: shortAddress(error.args.customer),
      caller: shortAddress(error.args.caller),
    });
  if (error.is("ShopPaymentTermsMismatch")) return t("err.paymentTerms");
  if (error.is("ShopAutoCaptureNotDue"))
    return t("err.autoCaptureNotDue", { date: formatDateTime(error.args.autoCaptureAt) });
  if (error.is("ShopNoReturnsOwed")) return t("err.noReturnsOwed");
  if (error.is("ShopReturnWithdrawalFailed"))
    return t("err.returnWithdrawalFailed", {
      recipient: shortAddress(error.args.to),
      amount: formatUnits18(error.args.amount),
      coin,
    });
  if (error.is("ShopZeroAddress")) return t("err.invalidAddress");
  return t("err.contract", { message: error.message });
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0].slice(0, 300);
}

/** One sentence saying why an action failed. */
export function explainError(error: unknown, context: { coin: string; chainName: string }): string {
  if (isUserRejection(error)) return t("err.rejected");
  if (has(error, (e) => e.name === "ChainMismatchError")) return t("err.wrongChain", { name: context.chainName });
  if (has(error, (e) => e.code === -32002)) return t("err.walletBusy");
  const revert = toContractError(error);
  if (revert !== undefined) return contractMessage(revert, context.coin);
  if (error instanceof NothingToClaimError) return t("err.nothingToClaim");
  // The SDK's checks before a payment step (the same conditions the contract would revert on).
  if (error instanceof PaymentNotHeldError) return t("err.paymentNotHeld");
  if (error instanceof PaymentExpiredError) return t("err.paymentExpired", { date: formatDateTime(error.expiry) });
  if (error instanceof PaymentNotExpiredError)
    return t("err.paymentNotExpired", { date: formatDateTime(error.expiry) });
  if (error instanceof ReturnWindowClosedError)
    return t("err.returnWindowClosed", { date: formatDateTime(error.autoCaptureAt) });
  if (error instanceof ReturnRequestedError) return t("err.returnAlreadyRequested");
  if (error instanceof NotPaymentCustomerError)
    return t("err.notPaymentCustomer", { customer: shortAddress(error.customer), caller: shortAddress(error.caller) });
  if (error instanceof PaymentTermsMismatchError) return t("err.paymentTerms");
  if (error instanceof AutoCaptureNotDueError)
    return t("err.autoCaptureNotDue", { date: formatDateTime(error.autoCaptureAt) });
  if (error instanceof NoReturnsOwedError) return t("err.noReturnsOwed");
  if (error instanceof InvalidAddressError) return t("err.invalidAddress");
  if (error instanceof ShareMallError && error.code === "NO_SIGNER") return t("err.noSigner");
  return t("err.unknown", { detail: firstLine(error) });
}
