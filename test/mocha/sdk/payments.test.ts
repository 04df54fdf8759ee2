import { expect } from "chai";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  authorizePayment,
  AutoCaptureNotDueError,
  autoCapturePayment,
  capturePayment,
  charge,
  confirmPayment,
  fetchPayment,
  fetchPaymentStatus,
  fetchReturnsOwed,
  fetchReturnWindow,
  fetchShopPayments,
  finalOrders,
  findCaptureTerms,
  findPaymentTerms,
  fromEthers,
  InsufficientFundsError,
  InsufficientMerchantBalanceError,
  InvalidAddressError,
  InvalidCaptureAmountError,
  InvalidExpiryError,
  InvalidRefundAmountError,
  InvalidReturnWindowError,
  isFinal,
  MissingRoleError,
  NoReturnsOwedError,
  NotPaymentCustomerError,
  PaymentAlreadyCountedError,
  PaymentExistsError,
  PaymentExpiredError,
  PaymentNotCapturedError,
  PaymentNotExpiredError,
  PaymentNotFoundError,
  PaymentNotHeldError,
  PaymentTermsMismatchError,
  reclaimPayment,
  RefundDeadlinePassedError,
  refundPayment,
  requestReturn,
  ReturnRequestedError,
  ReturnWindowClosedError,
  setReturnWindow,
  summarizePayments,
  toCaptureStruct,
  toPaymentStruct,
  unpackTokenAmounts,
  voidPayment,
  withdrawReturns,
  type Address,
  type PaymentTerms,
} from "../../../sdk/src/index.js";
import { consumptionOf, DAY, dividendOf, hashOf, load, ONE, WUYOU_RULES, type Deployment } from "../fixture.js";

const WEEK = 7n * 86_400n;

/** Runs `run`, expects an instance of `type`, and checks that `who` sent no transaction and no block was mined. */
async function refused<E extends Error>(
  d: Deployment,
  who: string,
  type: abstract new (...args: never[]) => E,
  run: () => Promise<unknown>,
): Promise<E> {
  const nonce = await d.ethers.provider.getTransactionCount(who);
  const block = await d.ethers.provider.getBlockNumber();
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a failure").to.be.instanceOf(type);
  expect(await d.ethers.provider.getTransactionCount(who), "nonce").to.equal(nonce);
  expect(await d.ethers.provider.getBlockNumber(), "block").to.equal(block);
  return error as E;
}

interface World {
  d: Deployment;
  shop: Address;
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
}

async function world(): Promise<World> {
  const d = await load();
  return {
    d,
    shop: (await d.shop.getAddress()) as Address,
    alice: d.signers[3],
    bob: d.signers[4],
    carol: d.signers[5],
  };
}

const latest = async (d: Deployment): Promise<bigint> => BigInt(await d.helpers.time.latest());

async function authorized(w: World, label: string, amount = ONE, who = w.alice): Promise<PaymentTerms> {
  return (await authorizePayment(fromEthers(who), { shop: w.shop, orderHash: hashOf(label), amountWei: amount }))
    .payment;
}

describe("SDK payments with returns (payments.ts)", () => {
  describe("authorizePayment", () => {
    it("holds the payment and returns its terms; the default expiry is now + window + 7 days", async () => {
      const w = await world();
      const before = await latest(w.d);
      const { payment, hash } = await authorizePayment(fromEthers(w.alice), {
        shop: w.shop,
        orderHash: hashOf("auth 1"),
        amountWei: ONE,
        referrer: w.bob.address,
      });
      const block = await w.d.ethers.provider.getBlock(
        (await w.d.ethers.provider.getTransactionReceipt(hash))!.blockNumber,
      );
      const minedAt = BigInt(block!.timestamp);
      expect(payment).to.deep.include({
        orderHash: hashOf("auth 1"),
        customer: w.alice.address,
        referrer: w.bob.address,
        amountWei: ONE,
        autoCaptureAt: minedAt + WEEK,
      });
      expect(payment.expiry).to.equal(before + 1n + WEEK + WEEK);
      expect(await w.d.shop.payment(hashOf("auth 1"), w.alice.address)).to.deep.equal([1n, ONE]);
      expect(
        await fetchPaymentStatus(fromEthers(w.bob), {
          shop: w.shop,
          orderHash: hashOf("auth 1"),
          customer: w.alice.address,
        }),
      ).to.deep.equal({
        status: "held",
        amountWei: ONE,
      });
      // Nothing counted: no revenue, no tokens.
      expect((await w.d.shop.dayRecord(await w.d.shop.today())).revenue).to.equal(0n);
      expect(await w.d.token.balanceOf(w.alice.address)).to.equal(0n);
      // An explicit expiry is kept as given.
      const expiry = (await latest(w.d)) + 30n * 86_400n;
      const second = await authorizePayment(fromEthers(w.alice), {
        shop: w.shop,
        orderHash: hashOf("auth 2"),
        amountWei: 5n,
        expiry,
      });
      expect(second.payment.expiry).to.equal(expiry);
      // The terms round-trip through the contract struct.
      expect(toPaymentStruct(second.payment)).to.deep.equal({
        orderHash: hashOf("auth 2"),
        customer: w.alice.address,
        referrer: "0x0000000000000000000000000000000000000000",
        amount: 5n,
        autoCaptureAt: Number(second.payment.autoCaptureAt),
        expiry: Number(expiry),
      });
    });

    it("refuses an early expiry, a held or counted payment, self-referral and short funds, sending nothing", async () => {
      const w = await world();
      const t = fromEthers(w.alice);
      const now = (await latest(w.d)) + 1n;
      const early = await refused(w.d, w.alice.address, InvalidExpiryError, () =>
        authorizePayment(t, { shop: w.shop, orderHash: hashOf("early"), amountWei: ONE, expiry: now + WEEK }),
      );
      expect(early.earliest).to.equal(now + WEEK + 1n);
      await refused(w.d, w.alice.address, InvalidAddressError, () =>
        authorizePayment(t, { shop: w.shop, orderHash: hashOf("self"), amountWei: ONE, referrer: w.alice.address }),
      );
      await authorized(w, "twice");
      const exists = await refused(w.d, w.alice.address, PaymentExistsError, () => authorized(w, "twice"));
      expect(exists.status).to.equal("held");
      await charge(t, { shop: w.shop, orderHash: hashOf("charged"), amountWei: ONE });
      await refused(w.d, w.alice.address, PaymentAlreadyCountedError, () => authorized(w, "charged"));
      await w.d.helpers.setBalance(w.carol.address, ONE);
      const short = await refused(w.d, w.carol.address, InsufficientFundsError, () =>
        authorized(w, "short", ONE, w.carol),
      );
      expect(short.need).to.equal(ONE + 10n ** 15n);
      // charge refuses an order held for the customer too.
      await refused(w.d, w.alice.address, PaymentExistsError, () =>
        charge(t, { shop: w.shop, orderHash: hashOf("twice"), amountWei: ONE }),
      );
    });
  });

  describe("capture, confirm, auto-capture", () => {
    it("capturePayment (operator) counts part of the payment and returns the rest at once", async () => {
      const w = await world();
      const payment = await authorized(w, "partial", ONE);
      const before = await w.d.ethers.provider.getBalance(w.alice.address);
      const result = await capturePayment(fromEthers(w.d.operator), { shop: w.shop, payment, amountWei: ONE / 4n });
      expect(result.returnedWei).to.equal((3n * ONE) / 4n);
      expect(result.owedWei).to.equal(0n);
      expect(await w.d.ethers.provider.getBalance(w.alice.address)).to.equal(before + result.returnedWei);
      expect(result.capture).to.deep.include({
        orderHash: payment.orderHash,
        customer: w.alice.address,
        amountWei: ONE / 4n,
      });
      const consumption = consumptionOf(ONE / 4n, WUYOU_RULES);
      expect(unpackTokenAmounts(result.capture.minted)).to.deep.equal([
        { tokenIndex: 0, customer: consumption, referrer: 0n },
      ]);
      expect(result.minted).to.deep.include({
        token: await w.d.token.getAddress(),
        to: w.alice.address,
        amount: consumption,
      });
      expect((await w.d.shop.dayRecord(await w.d.shop.today())).revenue).to.equal(ONE / 4n);
      expect(await w.d.shop.payment(payment.orderHash, w.alice.address)).to.deep.equal([3n, ONE / 4n]);
      expect(toCaptureStruct(result.capture).amount).to.equal(ONE / 4n);
      // Captured once: a second capture finds it not held.
      const again = await refused(w.d, w.d.operator.address, PaymentNotHeldError, () =>
        capturePayment(fromEthers(w.d.operator), { shop: w.shop, payment }),
      );
      expect(again.status).to.equal("captured");
    });

    it("capturePayment refuses 0, more than held, altered terms, a non-operator and an expired payment", async () => {
      const w = await world();
      const op = fromEthers(w.d.operator);
      const payment = await authorized(w, "capture bad", ONE);
      await refused(w.d, w.d.operator.address, InvalidCaptureAmountError, () =>
        capturePayment(op, { shop: w.shop, payment, amountWei: 0n }),
      );
      const over = await refused(w.d, w.d.operator.address, InvalidCaptureAmountError, () =>
        capturePayment(op, { shop: w.shop, payment, amountWei: ONE + 1n }),
      );
      expect([over.field, over.held]).to.deep.equal(["amountWei", ONE]);
      const altered = await refused(w.d, w.d.operator.address, PaymentTermsMismatchError, () =>
        capturePayment(op, { shop: w.shop, payment: { ...payment, amountWei: 2n * ONE } }),
      );
      expect(altered.field).to.equal("payment.amountWei");
      const role = await refused(w.d, w.bob.address, MissingRoleError, () =>
        capturePayment(fromEthers(w.bob), { shop: w.shop, payment }),
      );
      expect(role.role).to.equal("operator");
      await refused(w.d, w.d.operator.address, PaymentNotHeldError, () =>
        capturePayment(op, { shop: w.shop, payment: { ...payment, orderHash: hashOf("never authorized") } }),
      );
      await w.d.helpers.time.increaseTo(payment.expiry);
      const expired = await refused(w.d, w.d.operator.address, PaymentExpiredError, () =>
        capturePayment(op, { shop: w.shop, payment }),
      );
      expect(expired.expiry).to.equal(payment.expiry);
    });

    it("confirmPayment: the customer captures in full; another signer and an expired payment are refused", async () => {
      const w = await world();
      const payment = await authorized(w, "confirm", ONE);
      await refused(w.d, w.bob.address, NotPaymentCustomerError, () =>
        confirmPayment(fromEthers(w.bob), { shop: w.shop, payment }),
      );
      const result = await confirmPayment(fromEthers(w.alice), { shop: w.shop, payment });
      expect(result.returnedWei).to.equal(0n);
      expect(result.capture.amountWei).to.equal(ONE);
      expect(result.events.some((e) => e.eventName === "PaymentCaptured" && e.args.kind === 1)).to.equal(true);
      const late = await authorized(w, "confirm late", ONE);
      await w.d.helpers.time.increaseTo(late.expiry);
      await refused(w.d, w.alice.address, PaymentExpiredError, () =>
        confirmPayment(fromEthers(w.alice), { shop: w.shop, payment: late }),
      );
    });

    it("autoCapturePayment: refused before autoCaptureAt and after a return request; anyone captures once due", async () => {
      const w = await world();
      const payment = await authorized(w, "auto", ONE);
      const returned = await authorized(w, "auto returned", ONE);
      await requestReturn(fromEthers(w.alice), { shop: w.shop, payment: returned });
      const early = await refused(w.d, w.carol.address, AutoCaptureNotDueError, () =>
        autoCapturePayment(fromEthers(w.carol), { shop: w.shop, payment }),
      );
      expect(early.autoCaptureAt).to.equal(payment.autoCaptureAt);
      await w.d.helpers.time.increaseTo(returned.autoCaptureAt);
      const asked = await refused(w.d, w.carol.address, ReturnRequestedError, () =>
        autoCapturePayment(fromEthers(w.carol), { shop: w.shop, payment: returned }),
      );
      expect(asked.step).to.equal("autoCapture");
      const result = await autoCapturePayment(fromEthers(w.carol), { shop: w.shop, payment });
      expect(result.capture.amountWei).to.equal(ONE);
      expect(await w.d.token.balanceOf(w.alice.address)).to.equal(consumptionOf(ONE, WUYOU_RULES));
    });
  });

  describe("void, reclaim, requestReturn", () => {
    it("voidPayment (operator) returns it all and clears the record; refuses a non-operator and a payment not held", async () => {
      const w = await world();
      const payment = await authorized(w, "void", ONE);
      await refused(w.d, w.bob.address, MissingRoleError, () =>
        voidPayment(fromEthers(w.bob), { shop: w.shop, payment }),
      );
      const before = await w.d.ethers.provider.getBalance(w.alice.address);
      const result = await voidPayment(fromEthers(w.d.operator), { shop: w.shop, payment });
      expect(result.returnedWei).to.equal(ONE);
      expect(await w.d.ethers.provider.getBalance(w.alice.address)).to.equal(before + ONE);
      expect(await w.d.shop.payment(payment.orderHash, w.alice.address)).to.deep.equal([0n, 0n]);
      const gone = await refused(w.d, w.d.operator.address, PaymentNotHeldError, () =>
        voidPayment(fromEthers(w.d.operator), { shop: w.shop, payment }),
      );
      expect(gone.status).to.equal("none");
      // The same order may be authorized again.
      await authorized(w, "void", ONE);
    });

    it("reclaimPayment: refused before the expiry and to another signer; the customer takes it back from then", async () => {
      const w = await world();
      const payment = await authorized(w, "reclaim", ONE);
      const early = await refused(w.d, w.alice.address, PaymentNotExpiredError, () =>
        reclaimPayment(fromEthers(w.alice), { shop: w.shop, payment }),
      );
      expect(early.expiry).to.equal(payment.expiry);
      await w.d.helpers.time.increaseTo(payment.expiry);
      await refused(w.d, w.bob.address, NotPaymentCustomerError, () =>
        reclaimPayment(fromEthers(w.bob), { shop: w.shop, payment }),
      );
      const result = await reclaimPayment(fromEthers(w.alice), { shop: w.shop, payment });
      expect(result.returnedWei).to.equal(ONE);
      expect(await w.d.shop.payment(payment.orderHash, w.alice.address)).to.deep.equal([0n, 0n]);
    });

    it("requestReturn: once, by the customer, before the window closes", async () => {
      const w = await world();
      const payment = await authorized(w, "return", ONE);
      await refused(w.d, w.bob.address, NotPaymentCustomerError, () =>
        requestReturn(fromEthers(w.bob), { shop: w.shop, payment }),
      );
      await requestReturn(fromEthers(w.alice), { shop: w.shop, payment });
      expect((await w.d.shop.payment(payment.orderHash, w.alice.address))[0]).to.equal(2n);
      const twice = await refused(w.d, w.alice.address, ReturnRequestedError, () =>
        requestReturn(fromEthers(w.alice), { shop: w.shop, payment }),
      );
      expect(twice.step).to.equal("requestReturn");
      // The operator captures what the customer keeps.
      const kept = await capturePayment(fromEthers(w.d.operator), { shop: w.shop, payment, amountWei: ONE / 2n });
      expect(kept.returnedWei).to.equal(ONE / 2n);
      const late = await authorized(w, "return late", ONE);
      await w.d.helpers.time.increaseTo(late.autoCaptureAt);
      await refused(w.d, w.alice.address, ReturnWindowClosedError, () =>
        requestReturn(fromEthers(w.alice), { shop: w.shop, payment: late }),
      );
    });
  });

  describe("refunds and returns owed", () => {
    it("refundPayment refunds from the merchant balance and takes the tokens back in proportion", async () => {
      const w = await world();
      const { capture } = await charge(fromEthers(w.alice), {
        shop: w.shop,
        orderHash: hashOf("refund"),
        amountWei: ONE,
        referrer: w.bob.address,
      });
      const [minted] = unpackTokenAmounts(capture.minted);
      const balanceBefore = await w.d.shop.merchantBalance();
      const result = await refundPayment(fromEthers(w.d.operator), { shop: w.shop, capture, amountWei: ONE / 4n });
      expect(result.refundedWei).to.equal(ONE / 4n);
      expect(result.refundableWei).to.equal((3n * ONE) / 4n);
      expect(result.clawedBack).to.deep.equal([
        { tokenIndex: 0, customer: minted.customer / 4n, referrer: minted.referrer / 4n },
      ]);
      expect(result.unrecovered).to.deep.equal([{ tokenIndex: 0, customer: 0n, referrer: 0n }]);
      expect(await w.d.shop.merchantBalance()).to.equal(balanceBefore - ONE / 4n);
      expect(await w.d.token.balanceOf(w.alice.address)).to.equal(minted.customer - minted.customer / 4n);
      // More than what is left, then the rest.
      const over = await refused(w.d, w.d.operator.address, InvalidRefundAmountError, () =>
        refundPayment(fromEthers(w.d.operator), { shop: w.shop, capture, amountWei: ONE }),
      );
      expect(over.refundable).to.equal((3n * ONE) / 4n);
      // The merchant balance holds only the capture less its escrow: the merchant tops it up for the rest.
      await w.d.shop.connect(w.d.admin).deposit({ value: ONE });
      const rest = await refundPayment(fromEthers(w.d.operator), { shop: w.shop, capture, amountWei: (3n * ONE) / 4n });
      expect(rest.refundableWei).to.equal(0n);
      expect(
        (
          await fetchPayment(fromEthers(w.bob), {
            shop: w.shop,
            orderHash: hashOf("refund"),
            customer: w.alice.address,
          })
        )?.status,
      ).to.equal("refunded");
    });

    it("refundPayment refuses 0, a payment not captured, a non-operator, a low merchant balance and a late refund", async () => {
      const w = await world();
      const op = fromEthers(w.d.operator);
      const { capture } = await charge(fromEthers(w.alice), {
        shop: w.shop,
        orderHash: hashOf("refund bad"),
        amountWei: ONE,
      });
      await refused(w.d, w.d.operator.address, InvalidRefundAmountError, () =>
        refundPayment(op, { shop: w.shop, capture, amountWei: 0n }),
      );
      await refused(w.d, w.bob.address, MissingRoleError, () =>
        refundPayment(fromEthers(w.bob), { shop: w.shop, capture, amountWei: 1n }),
      );
      const held = await authorized(w, "refund held", ONE);
      const notCaptured = await refused(w.d, w.d.operator.address, PaymentNotCapturedError, () =>
        refundPayment(op, { shop: w.shop, capture: { ...capture, orderHash: held.orderHash }, amountWei: 1n }),
      );
      expect(notCaptured.status).to.equal("held");
      // The merchant withdraws its whole balance: nothing left to refund from.
      const balance = await w.d.shop.merchantBalance();
      await w.d.shop.connect(w.d.admin).withdraw(w.d.admin.address, balance);
      const low = await refused(w.d, w.d.operator.address, InsufficientMerchantBalanceError, () =>
        refundPayment(op, { shop: w.shop, capture, amountWei: 1n }),
      );
      expect([low.required, low.available]).to.deep.equal([1n, 0n]);
      await w.d.helpers.time.increaseTo(capture.refundDeadline + 1n);
      const late = await refused(w.d, w.d.operator.address, RefundDeadlinePassedError, () =>
        refundPayment(op, { shop: w.shop, capture, amountWei: 1n }),
      );
      expect(late.refundDeadline).to.equal(capture.refundDeadline);
    });

    it("withdrawReturns: a return the customer's address rejected is owed, then withdrawn; nothing owed is refused", async () => {
      const w = await world();
      await refused(w.d, w.alice.address, NoReturnsOwedError, () =>
        withdrawReturns(fromEthers(w.alice), { shop: w.shop }),
      );
      const payment = await authorized(w, "owed", ONE);
      // Alice's address rejects coin for a while (a contract wallet that refuses it).
      const rejecting = await w.d.ethers.deployContract("RejectingReceiver");
      const code = await w.d.ethers.provider.getCode(await rejecting.getAddress());
      await w.d.helpers.setCode(w.alice.address, code);
      const voided = await voidPayment(fromEthers(w.d.operator), { shop: w.shop, payment });
      expect(voided.owedWei).to.equal(ONE);
      expect(await fetchReturnsOwed(fromEthers(w.bob), { shop: w.shop, customer: w.alice.address })).to.equal(ONE);
      await w.d.helpers.setCode(w.alice.address, "0x");
      const before = await w.d.ethers.provider.getBalance(w.carol.address);
      const result = await withdrawReturns(fromEthers(w.alice), { shop: w.shop, to: w.carol.address });
      expect(result).to.deep.include({ customer: w.alice.address, to: w.carol.address, amountWei: ONE });
      expect(await w.d.ethers.provider.getBalance(w.carol.address)).to.equal(before + ONE);
      const [owedItem] = await fetchShopPayments(fromEthers(w.bob), { shop: w.shop, customer: w.alice.address });
      expect(owedItem).to.deep.include({ status: "voided", returnedWei: ONE, owedWei: ONE });
    });
  });

  describe("return window", () => {
    it("setReturnWindow: a longer window applies at once, a shorter one in 7 days; fetchReturnWindow shows both", async () => {
      const w = await world();
      const admin = fromEthers(w.d.admin);
      expect(await fetchReturnWindow(admin, { shop: w.shop })).to.deep.equal({
        windowSeconds: WEEK,
        pendingSeconds: 0n,
        pendingAt: 0n,
      });
      const longer = await setReturnWindow(admin, { shop: w.shop, seconds: 14n * 86_400n });
      expect(longer.immediate).to.equal(true);
      expect((await fetchReturnWindow(admin, { shop: w.shop })).windowSeconds).to.equal(14n * 86_400n);
      // A payment now gets the longer window.
      const payment = await authorized(w, "window", ONE);
      expect(payment.expiry - payment.autoCaptureAt).to.be.greaterThan(WEEK - 5n);
      const shorter = await setReturnWindow(admin, { shop: w.shop, seconds: 2 * DAY });
      expect(shorter.immediate).to.equal(false);
      expect(shorter.effectiveAt).to.equal((await latest(w.d)) + WEEK);
      expect(await fetchReturnWindow(admin, { shop: w.shop })).to.deep.equal({
        windowSeconds: 14n * 86_400n,
        pendingSeconds: 2n * 86_400n,
        pendingAt: shorter.effectiveAt,
      });
    });

    it("setReturnWindow refuses a window outside 1..90 days and a signer without the admin role", async () => {
      const w = await world();
      const admin = fromEthers(w.d.admin);
      await refused(w.d, w.d.admin.address, InvalidReturnWindowError, () =>
        setReturnWindow(admin, { shop: w.shop, seconds: 86_399 }),
      );
      await refused(w.d, w.d.admin.address, InvalidReturnWindowError, () =>
        setReturnWindow(admin, { shop: w.shop, seconds: 91 * DAY }),
      );
      await refused(w.d, w.d.admin.address, InvalidReturnWindowError, () =>
        setReturnWindow(admin, { shop: w.shop, seconds: "1.5" }),
      );
      const role = await refused(w.d, w.d.operator.address, MissingRoleError, () =>
        setReturnWindow(fromEthers(w.d.operator), { shop: w.shop, seconds: 10 * DAY }),
      );
      expect(role.role).to.equal("admin");
    });
  });

  describe("read models", () => {
    it("fetchShopPayments / fetchPayment / summarizePayments over a scenario with every status", async () => {
      const w = await world();
      const op = fromEthers(w.d.operator);
      const reader = fromEthers(w.carol);
      // reclaimed: authorized, expired, taken back (first, since it moves the clock past every window).
      const f = await authorized(w, "F reclaimed", 6n * ONE);
      await w.d.helpers.time.increaseTo(f.expiry);
      await reclaimPayment(fromEthers(w.alice), { shop: w.shop, payment: f });
      // held, return requested, captured in part, refunded in full, voided.
      const a = await authorized(w, "A held", ONE);
      const b = await authorized(w, "B return", 2n * ONE, w.bob);
      await requestReturn(fromEthers(w.bob), { shop: w.shop, payment: b });
      const c = await authorized(w, "C captured", 3n * ONE);
      await capturePayment(op, { shop: w.shop, payment: c, amountWei: ONE });
      const { capture: dCapture } = await charge(fromEthers(w.bob), {
        shop: w.shop,
        orderHash: hashOf("D refunded"),
        amountWei: 4n * ONE,
      });
      await refundPayment(op, { shop: w.shop, capture: dCapture, amountWei: 4n * ONE });
      const e = await authorized(w, "E voided", 5n * ONE);
      await voidPayment(op, { shop: w.shop, payment: e });

      const all = await fetchShopPayments(reader, { shop: w.shop });
      expect(all.map((p) => [p.orderHash, p.status])).to.deep.equal([
        [f.orderHash, "reclaimed"],
        [a.orderHash, "held"],
        [b.orderHash, "returnRequested"],
        [c.orderHash, "captured"],
        [hashOf("D refunded"), "refunded"],
        [e.orderHash, "voided"],
      ]);
      const [pf, pa, pb, pc, pd, pe] = all;
      expect(pf).to.deep.include({ heldWei: 0n, capturedWei: 0n, returnedWei: 6n * ONE, terms: f });
      expect(pa).to.deep.include({ heldWei: ONE, capturedWei: 0n, returnedWei: 0n, terms: a });
      expect(pb).to.deep.include({ heldWei: 2n * ONE, customer: w.bob.address });
      expect(pb.returnRequestedBlock).to.be.a("bigint");
      expect(pc).to.deep.include({ capturedWei: ONE, refundableWei: ONE, returnedWei: 2n * ONE, kind: "operator" });
      expect(pc.capture?.amountWei).to.equal(ONE);
      expect(pd).to.deep.include({ kind: "charge", capturedWei: 4n * ONE, refundedWei: 4n * ONE, refundableWei: 0n });
      expect(pd.terms).to.equal(undefined);
      expect(pd.refunds).to.have.length(1);
      expect(pe).to.deep.include({ returnedWei: 5n * ONE, heldWei: 0n });
      expect(pe.endedBlock).to.be.a("bigint");

      const summary = summarizePayments(all);
      expect(summary).to.deep.equal({
        count: 6,
        counts: { held: 1, returnRequested: 1, captured: 1, refunded: 1, voided: 1, reclaimed: 1 },
        heldWei: 3n * ONE,
        capturedWei: 5n * ONE,
        refundedWei: 4n * ONE,
        netCapturedWei: ONE,
        voidedWei: 5n * ONE,
        reclaimedWei: 6n * ONE,
        partialReturnWei: 2n * ONE,
      });

      // One customer's; one payment; the terms to pass back.
      const bobs = await fetchShopPayments(reader, { shop: w.shop, customer: w.bob.address });
      expect(bobs.map((p) => p.status)).to.deep.equal(["returnRequested", "refunded"]);
      expect(
        await fetchPayment(reader, { shop: w.shop, orderHash: c.orderHash, customer: w.alice.address }),
      ).to.deep.equal(pc);
      expect(
        await fetchPayment(reader, { shop: w.shop, orderHash: hashOf("nothing"), customer: w.alice.address }),
      ).to.equal(undefined);
      expect(
        await findPaymentTerms(reader, { shop: w.shop, orderHash: a.orderHash, customer: w.alice.address }),
      ).to.deep.equal(a);
      expect(
        await findCaptureTerms(reader, { shop: w.shop, orderHash: hashOf("D refunded"), customer: w.bob.address }),
      ).to.deep.equal(dCapture);
      const missing = await refused(w.d, w.carol.address, PaymentNotFoundError, () =>
        findCaptureTerms(reader, { shop: w.shop, orderHash: a.orderHash, customer: w.alice.address }),
      );
      expect(missing.event).to.equal("PaymentCaptured");
      // The dividend share of the captures was escrowed as for any payment.
      const today = await w.d.shop.today();
      expect((await w.d.shop.tokenDay(0, today)).escrowed).to.equal(
        dividendOf(ONE, WUYOU_RULES) + dividendOf(4n * ONE, WUYOU_RULES),
      );
    });
  });

  describe("off-chain-paid orders", () => {
    it("isFinal / finalOrders keep the orders whose return window is over", () => {
      const paid = 1_767_225_600n;
      expect(isFinal(paid, WEEK, paid + WEEK - 1n)).to.equal(false);
      expect(isFinal(paid, WEEK, paid + WEEK)).to.equal(true);
      const orders = [
        { id: "a", paidAt: paid },
        { id: "b", paidAt: paid + 86_400n },
        { id: "c", paidAt: (paid + 2n * 86_400n).toString() },
      ];
      expect(finalOrders(orders, WEEK, paid + WEEK + 86_400n).map((o) => o.id)).to.deep.equal(["a", "b"]);
      expect(() => finalOrders([{ paidAt: -1 }], WEEK, paid)).to.throw(/orders\[0\]\.paidAt/);
    });
  });
});
