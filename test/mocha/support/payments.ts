/**
 * Helpers of the payment tests: authorize a payment and read its terms (`Payment`) back from `PaymentAuthorized`,
 * read a capture's terms (`Capture`) from `PaymentCaptured`, and read a refund's take-back from `PaymentRefunded`.
 */
import { ZeroAddress, type ContractTransactionResponse, type Log } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { IShop } from "../../../types/ethers-contracts/index.js";
import { hashOf, type Deployment, type IShopBase } from "../fixture.js";

export type PaymentTerms = IShopBase.PaymentStruct & {
  orderHash: string;
  customer: string;
  referrer: string;
  amount: bigint;
  autoCaptureAt: bigint;
  expiry: bigint;
};

export type CaptureTerms = IShopBase.CaptureStruct & {
  orderHash: string;
  customer: string;
  amount: bigint;
  refundDeadline: bigint;
  minted: bigint[];
};

export const STATUS = { None: 0n, Held: 1n, ReturnRequested: 2n, Captured: 3n };
export const KIND = { Operator: 0n, Customer: 1n, Auto: 2n, Charge: 3n };
export const CHECKOUT_PATH = 2n;
export const MASK_96 = (1n << 96n) - 1n;

/** Low 96 bits (consumption) and high bits (promotion) of a packed per-token figure. */
export function unpack(packed: bigint): { customer: bigint; referrer: bigint } {
  return { customer: packed & MASK_96, referrer: packed >> 96n };
}

export function pack(customer: bigint, referrer: bigint): bigint {
  return customer | (referrer << 96n);
}

async function logsOf(tx: ContractTransactionResponse): Promise<readonly Log[]> {
  const receipt = await tx.wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.logs;
}

/** The terms of the payment `tx` authorized in `shop`. */
export async function paymentOf(shop: IShop, tx: ContractTransactionResponse): Promise<PaymentTerms> {
  const address = (await shop.getAddress()).toLowerCase();
  for (const log of await logsOf(tx)) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = shop.interface.parseLog(log);
    if (parsed?.name !== "PaymentAuthorized") continue;
    return {
      orderHash: parsed.args.orderHash as string,
      customer: parsed.args.customer as string,
      referrer: parsed.args.referrer as string,
      amount: parsed.args.amount as bigint,
      autoCaptureAt: parsed.args.autoCaptureAt as bigint,
      expiry: parsed.args.expiry as bigint,
    };
  }
  throw new Error("no PaymentAuthorized");
}

/** The terms of the capture `tx` made in `shop` (from `PaymentCaptured`). */
export async function captureOf(shop: IShop, tx: ContractTransactionResponse): Promise<CaptureTerms> {
  const address = (await shop.getAddress()).toLowerCase();
  for (const log of await logsOf(tx)) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = shop.interface.parseLog(log);
    if (parsed?.name !== "PaymentCaptured") continue;
    return {
      orderHash: parsed.args.orderHash as string,
      customer: parsed.args.customer as string,
      amount: parsed.args.amount as bigint,
      refundDeadline: parsed.args.refundDeadline as bigint,
      minted: [...(parsed.args.minted as bigint[])],
    };
  }
  throw new Error("no PaymentCaptured");
}

/** What `tx`'s `PaymentRefunded` reported. */
export async function refundOf(
  shop: IShop,
  tx: ContractTransactionResponse,
): Promise<{ amount: bigint; refundable: bigint; clawedBack: bigint[]; unrecovered: bigint[] }> {
  const address = (await shop.getAddress()).toLowerCase();
  for (const log of await logsOf(tx)) {
    if (log.address.toLowerCase() !== address) continue;
    const parsed = shop.interface.parseLog(log);
    if (parsed?.name !== "PaymentRefunded") continue;
    return {
      amount: parsed.args.amount as bigint,
      refundable: parsed.args.refundable as bigint,
      clawedBack: [...(parsed.args.clawedBack as bigint[])],
      unrecovered: [...(parsed.args.unrecovered as bigint[])],
    };
  }
  throw new Error("no PaymentRefunded");
}

/** The default expiry of a test's payment: one day past the earliest the shop accepts now (next block). */
export async function expiryAfter(d: Deployment, shop: IShop = d.shop, margin = 86_400n): Promise<bigint> {
  const [window] = await shop.returnWindow();
  return BigInt(await d.helpers.time.latest()) + 1n + window + margin;
}

/** `customer` authorizes `amount` for the order labelled `label`; returns the terms. */
export async function authorize(
  d: Deployment,
  customer: HardhatEthersSigner,
  label: string,
  amount: bigint,
  options: { referrer?: string; expiry?: bigint; shop?: IShop } = {},
): Promise<PaymentTerms> {
  const shop = options.shop ?? d.shop;
  const expiry = options.expiry ?? (await expiryAfter(d, shop));
  const tx = await shop.connect(customer).authorize(hashOf(label), options.referrer ?? ZeroAddress, expiry, {
    value: amount,
  });
  return paymentOf(shop, tx);
}

/** The operator captures `amount` of `payment`; returns the capture's terms. */
export async function capture(
  d: Deployment,
  payment: PaymentTerms,
  amount: bigint = payment.amount,
  shop: IShop = d.shop,
  operator: HardhatEthersSigner = d.operator,
): Promise<CaptureTerms> {
  return captureOf(shop, await shop.connect(operator).capture(payment, amount));
}

/** `customer` charges `amount` for the order labelled `label`; returns the capture's terms. */
export async function charge(
  d: Deployment,
  customer: HardhatEthersSigner,
  label: string,
  amount: bigint,
  referrer: string = ZeroAddress,
  shop: IShop = d.shop,
): Promise<CaptureTerms> {
  return captureOf(shop, await shop.connect(customer).charge(hashOf(label), referrer, { value: amount }));
}

/** The native coin `shop` holds. */
export async function coinOf(d: Deployment, shop: IShop = d.shop): Promise<bigint> {
  return d.ethers.provider.getBalance(await shop.getAddress());
}
