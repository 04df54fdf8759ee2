import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { DividendToken, IShop, PaymentCustomer } from "../../types/ethers-contracts/index.js";
import {
  ADMIN_ROLE,
  addShop,
  addToken,
  consumptionOf,
  DAY,
  dividendOf,
  hashOf,
  load,
  nextDay,
  ONE,
  poolShareOf,
  referralShareOf,
  tokenDayOf,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import {
  authorize,
  capture,
  captureOf,
  charge,
  CHECKOUT_PATH,
  coinOf,
  expiryAfter,
  KIND,
  pack,
  paymentOf,
  refundOf,
  STATUS,
  unpack,
  type CaptureTerms,
  type PaymentTerms,
} from "./support/payments.js";

const WEEK = 7 * DAY;
const UINT96_MAX = (1n << 96n) - 1n;
/** An amount whose token mints and dividend share all round. */
const AMOUNT = ONE + 7n;

/** Everything a counted order changes in one shop, for one customer and one referrer. */
async function orderState(shop: IShop, token: DividendToken, day: bigint, customer: string, referrer: string) {
  const record = await shop.dayRecord(day);
  return {
    merchantBalance: await shop.merchantBalance(),
    dayRecord: [record.revenue, record.orderCount, record.settled],
    tokenDay: await tokenDayOf(shop, 0, day),
    supply: await token.totalSupply(),
    customerTokens: await token.balanceOf(customer),
    referrerTokens: await token.balanceOf(referrer),
    poolAllowance: await shop.poolAllowance(0),
    customerOf: [...(await shop.customerOf(customer))],
  };
}

/** A second shop of the factory with the fixture's token rules, run by the same admin and operator. */
async function twinShop(d: Deployment): Promise<{ shop: IShop; token: DividendToken }> {
  const shop = await addShop(d, d.admin, d.operator, UTC_PLUS_8, "Twin");
  const { token } = await addToken(d, tokenParams(WUYOU_RULES), shop);
  return { shop, token };
}

async function heldCoin(d: Deployment): Promise<bigint> {
  return (await coinOf(d)) - (await d.shop.merchantBalance());
}

async function customerContract(d: Deployment): Promise<{ customer: PaymentCustomer; address: string }> {
  const customer = (await d.ethers.deployContract("PaymentCustomer")) as unknown as PaymentCustomer;
  return { customer, address: await customer.getAddress() };
}

async function latest(d: Deployment): Promise<bigint> {
  return BigInt(await d.helpers.time.latest());
}

describe("Shop payments with returns", () => {
  describe("authorize", () => {
    it("holds the coin for the customer: no revenue, no tokens, no merchant balance; the shop holds balance + held", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(bob).charge(hashOf("earlier"), ZeroAddress, { value: ONE });
      const before = await orderState(d.shop, d.token, day, alice.address, bob.address);
      const t = (await latest(d)) + 10n;
      const expiry = t + BigInt(WEEK) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t);
      const tx = d.shop.connect(alice).authorize(hashOf("held"), bob.address, expiry, { value: AMOUNT });
      await expect(tx)
        .to.emit(d.shop, "PaymentAuthorized")
        .withArgs(hashOf("held"), alice.address, bob.address, AMOUNT, t + BigInt(WEEK), expiry);
      await expect(tx).to.not.emit(d.shop, "OrderCounted");
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.shop, d.token], [-AMOUNT, AMOUNT, 0n]);
      expect(await orderState(d.shop, d.token, day, alice.address, bob.address)).to.deep.equal(before);
      // Not even the referrer is bound by a held payment.
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
      expect(await d.shop.payment(hashOf("held"), alice.address)).to.deep.equal([STATUS.Held, AMOUNT]);
      expect(await coinOf(d)).to.equal((await d.shop.merchantBalance()) + AMOUNT);
    });

    it("reverts ShopInvalidAmount for 0 wei and for more than 2^96 - 1 wei", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const expiry = await expiryAfter(d);
      await expect(d.shop.connect(alice).authorize(hashOf("zero"), ZeroAddress, expiry))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("zero"), 0n);
      await d.helpers.setBalance(alice.address, 1n << 97n);
      await expect(d.shop.connect(alice).authorize(hashOf("huge"), ZeroAddress, expiry, { value: UINT96_MAX + 1n }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("huge"), UINT96_MAX + 1n);
      // 2^96 - 1 wei is accepted.
      await d.shop.connect(alice).authorize(hashOf("huge"), ZeroAddress, expiry, { value: UINT96_MAX });
      expect(await d.shop.payment(hashOf("huge"), alice.address)).to.deep.equal([STATUS.Held, UINT96_MAX]);
    });

    it("reverts ShopInvalidOrderHash for a zero hash and ShopSelfReferral for the customer as referrer", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const expiry = await expiryAfter(d);
      await expect(
        d.shop.connect(alice).authorize(ZeroHash, ZeroAddress, expiry, { value: ONE }),
      ).to.be.revertedWithCustomError(d.shop, "ShopInvalidOrderHash");
      await expect(d.shop.connect(alice).authorize(hashOf("self"), alice.address, expiry, { value: ONE }))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
    });

    it("reverts ShopInvalidExpiry with the earliest expiry (now + return window + 1) and accepts that one", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const t = (await latest(d)) + 5n;
      const earliest = t + BigInt(WEEK) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t);
      await expect(d.shop.connect(alice).authorize(hashOf("e"), ZeroAddress, earliest - 1n, { value: ONE }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidExpiry")
        .withArgs(earliest - 1n, earliest);
      await d.helpers.time.setNextBlockTimestamp(t + 1n);
      // One second later the earliest is one second later too.
      await expect(d.shop.connect(alice).authorize(hashOf("e"), ZeroAddress, earliest, { value: ONE }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidExpiry")
        .withArgs(earliest, earliest + 1n);
      await d.helpers.time.setNextBlockTimestamp(t + 2n);
      await d.shop.connect(alice).authorize(hashOf("e"), ZeroAddress, earliest + 2n, { value: ONE });
      expect((await d.shop.payment(hashOf("e"), alice.address))[0]).to.equal(STATUS.Held);
    });

    it("reverts ShopPaymentExists for a second authorize or a charge while held, ShopOrderAlreadyCounted after capture", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "dup", ONE);
      const expiry = await expiryAfter(d);
      await expect(d.shop.connect(alice).authorize(hashOf("dup"), ZeroAddress, expiry, { value: 2n }))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentExists")
        .withArgs(hashOf("dup"), alice.address);
      await expect(d.shop.connect(alice).charge(hashOf("dup"), ZeroAddress, { value: 2n }))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentExists")
        .withArgs(hashOf("dup"), alice.address);
      // The same hash is another order for another customer.
      await authorize(d, bob, "dup", 3n);
      await capture(d, p);
      await expect(d.shop.connect(alice).authorize(hashOf("dup"), ZeroAddress, expiry, { value: 2n }))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("dup"));
      await expect(d.shop.connect(alice).charge(hashOf("dup"), ZeroAddress, { value: 2n }))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("dup"));
      expect(await d.shop.payment(hashOf("dup"), alice.address)).to.deep.equal([STATUS.Captured, ONE]);
      expect(await d.shop.payment(hashOf("dup"), bob.address)).to.deep.equal([STATUS.Held, 3n]);
    });
  });

  describe("capture", () => {
    it("a full capture counts exactly as a charge of the amount in a twin shop (revenue, escrow, tokens, referral, pool)", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const twin = await twinShop(d);
      const day = await nextDay(d.helpers);
      const p = await authorize(d, alice, "full", AMOUNT, { referrer: bob.address });
      const tx = await d.shop.connect(d.operator).capture(p, AMOUNT);
      const c = await captureOf(d.shop, tx);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("full"), alice.address, day, 0n, CHECKOUT_PATH, AMOUNT);
      const refundDeadline = BigInt((await tx.getBlock())!.timestamp) + BigInt(WEEK);
      await expect(tx)
        .to.emit(d.shop, "PaymentCaptured")
        .withArgs(hashOf("full"), alice.address, KIND.Operator, AMOUNT, refundDeadline, c.minted);
      const consumption = consumptionOf(AMOUNT, WUYOU_RULES);
      expect(c.minted).to.deep.equal([pack(consumption, referralShareOf(consumption, WUYOU_RULES))]);
      const c2 = await charge(d, alice, "full", AMOUNT, bob.address, twin.shop);
      expect(c2.minted).to.deep.equal(c.minted);
      expect(await orderState(d.shop, d.token, day, alice.address, bob.address)).to.deep.equal(
        await orderState(twin.shop, twin.token, day, alice.address, bob.address),
      );
      expect((await tokenDayOf(d.shop, 0, day)).escrowed).to.equal(dividendOf(AMOUNT, WUYOU_RULES));
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(dividendOf(AMOUNT, WUYOU_RULES));
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
      expect(await d.shop.payment(hashOf("full"), alice.address)).to.deep.equal([STATUS.Captured, AMOUNT]);
    });

    it("a partial capture counts as a charge of the captured part and returns the rest to the customer to the wei", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const twin = await twinShop(d);
      const day = await nextDay(d.helpers);
      const held = 3n * ONE + 11n;
      const kept = ONE + 5n;
      const p = await authorize(d, alice, "part", held, { referrer: bob.address });
      const tx = d.shop.connect(d.operator).capture(p, kept);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop, d.token],
        [held - kept, -(held - kept) - dividendOf(kept, WUYOU_RULES), dividendOf(kept, WUYOU_RULES)],
      );
      await expect(tx).to.not.emit(d.shop, "ReturnOwed");
      await charge(d, alice, "part", kept, bob.address, twin.shop);
      expect(await orderState(d.shop, d.token, day, alice.address, bob.address)).to.deep.equal(
        await orderState(twin.shop, twin.token, day, alice.address, bob.address),
      );
      expect(await d.shop.payment(hashOf("part"), alice.address)).to.deep.equal([STATUS.Captured, kept]);
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
    });

    it("counts on the day of the capture, not of the authorization", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const authDay = await nextDay(d.helpers);
      const p = await authorize(d, alice, "later", AMOUNT);
      const captureDay = await nextDay(d.helpers);
      await expect(d.shop.connect(d.operator).capture(p, AMOUNT))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("later"), alice.address, captureDay, 0n, CHECKOUT_PATH, AMOUNT);
      expect(await d.shop.dayRecord(authDay)).to.deep.equal([0n, 0n, false]);
      expect(await d.shop.dayRecord(captureDay)).to.deep.equal([AMOUNT, 1n, false]);
      expect((await tokenDayOf(d.shop, 0, authDay)).revenue).to.equal(0n);
      expect((await tokenDayOf(d.shop, 0, captureDay)).escrowed).to.equal(dividendOf(AMOUNT, WUYOU_RULES));
    });

    it("reverts ShopPaymentNotHeld for a second capture and for a capture after a void", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "twice", ONE);
      await capture(d, p, ONE / 2n);
      const balance = await d.shop.merchantBalance();
      await expect(d.shop.connect(d.operator).capture(p, ONE / 2n))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld")
        .withArgs(hashOf("twice"), alice.address);
      const q = await authorize(d, alice, "voided", ONE);
      await d.shop.connect(d.operator).void(q);
      await expect(d.shop.connect(d.operator).capture(q, ONE))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld")
        .withArgs(hashOf("voided"), alice.address);
      expect(await d.shop.merchantBalance()).to.equal(balance);
    });

    it("reverts ShopPaymentExpired at and after the expiry; one second before it captures", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "exp", ONE);
      const q = await authorize(d, bob, "exp", ONE, { expiry: p.expiry });
      await d.helpers.time.setNextBlockTimestamp(p.expiry - 1n);
      await capture(d, q);
      await d.helpers.time.setNextBlockTimestamp(p.expiry);
      await expect(d.shop.connect(d.operator).capture(p, ONE))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentExpired")
        .withArgs(p.expiry, p.expiry);
      await d.helpers.time.increase(DAY);
      await expect(d.shop.connect(d.operator).capture(p, 1n)).to.be.revertedWithCustomError(
        d.shop,
        "ShopPaymentExpired",
      );
      await expect(d.shop.connect(alice).confirm(p)).to.be.revertedWithCustomError(d.shop, "ShopPaymentExpired");
      await expect(d.shop.connect(bob).autoCapture(p)).to.be.revertedWithCustomError(d.shop, "ShopPaymentExpired");
      expect(await d.shop.payment(hashOf("exp"), alice.address)).to.deep.equal([STATUS.Held, ONE]);
    });

    it("reverts ShopInvalidCaptureAmount for 0 and for more than held", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "amt", ONE);
      await expect(d.shop.connect(d.operator).capture(p, 0n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidCaptureAmount")
        .withArgs(0n, ONE);
      await expect(d.shop.connect(d.operator).capture(p, ONE + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidCaptureAmount")
        .withArgs(ONE + 1n, ONE);
      expect(await d.shop.payment(hashOf("amt"), alice.address)).to.deep.equal([STATUS.Held, ONE]);
    });

    it("reverts ShopPaymentTermsMismatch when any field of the terms is changed", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const p = await authorize(d, alice, "terms", ONE, { referrer: bob.address });
      // Other payments under the keys a changed hash or customer points to, so the record found is a held one.
      await authorize(d, alice, "other", ONE, { referrer: bob.address, expiry: p.expiry });
      await authorize(d, carol, "terms", ONE, { referrer: bob.address, expiry: p.expiry });
      const changed: PaymentTerms[] = [
        { ...p, orderHash: hashOf("other") },
        { ...p, customer: carol.address },
        { ...p, referrer: ZeroAddress },
        { ...p, amount: p.amount + 1n },
        { ...p, autoCaptureAt: p.autoCaptureAt - 1n },
        { ...p, expiry: p.expiry + 1n },
      ];
      for (const terms of changed) {
        await expect(d.shop.connect(d.operator).capture(terms, 1n))
          .to.be.revertedWithCustomError(d.shop, "ShopPaymentTermsMismatch")
          .withArgs(terms.orderHash, terms.customer);
        await expect(d.shop.connect(d.operator).void(terms)).to.be.revertedWithCustomError(
          d.shop,
          "ShopPaymentTermsMismatch",
        );
      }
      await expect(d.shop.connect(alice).confirm({ ...p, amount: 2n * ONE })).to.be.revertedWithCustomError(
        d.shop,
        "ShopPaymentTermsMismatch",
      );
      await expect(
        d.shop.connect(alice).requestReturn({ ...p, referrer: carol.address }),
      ).to.be.revertedWithCustomError(d.shop, "ShopPaymentTermsMismatch");
      // An earlier auto-capture time does not let anyone capture early.
      await d.helpers.time.increaseTo(p.autoCaptureAt - 100n);
      await expect(
        d.shop.connect(carol).autoCapture({ ...p, autoCaptureAt: p.autoCaptureAt - 200n }),
      ).to.be.revertedWithCustomError(d.shop, "ShopPaymentTermsMismatch");
      // The same terms for a customer with no record: nothing is held.
      await expect(d.shop.connect(d.operator).capture({ ...p, customer: d.signers[8].address }, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld")
        .withArgs(p.orderHash, d.signers[8].address);
      expect(await d.shop.payment(hashOf("terms"), alice.address)).to.deep.equal([STATUS.Held, ONE]);
    });

    it("is operator only: AccessControlUnauthorizedAccount for the admin, the customer and a stranger", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "op", ONE);
      const role = await d.shop.OPERATOR_ROLE();
      for (const caller of [d.admin, alice, bob]) {
        await expect(d.shop.connect(caller).capture(p, ONE))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
        await expect(d.shop.connect(caller).void(p))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
      }
    });

    it("yields to a referrer bound since the authorization: ReferrerMismatch, the order counts with the bound one", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const p = await authorize(d, alice, "yield", AMOUNT, { referrer: bob.address });
      // Alice's next order, made while the first is held, binds carol.
      await d.shop.connect(alice).charge(hashOf("binds"), carol.address, { value: 1n });
      const carolBefore = await d.token.balanceOf(carol.address);
      const tx = await d.shop.connect(d.operator).capture(p, AMOUNT);
      await expect(tx).to.emit(d.shop, "ReferrerMismatch").withArgs(alice.address, carol.address, bob.address);
      await expect(tx).to.emit(d.shop, "OrderCounted");
      const consumption = consumptionOf(AMOUNT, WUYOU_RULES);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      expect((await d.token.balanceOf(carol.address)) - carolBefore).to.equal(
        referralShareOf(consumption, WUYOU_RULES),
      );
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([carol.address, true]);
    });
  });

  describe("confirm", () => {
    it("the customer captures in full at once (kind Customer); anyone else reverts ShopNotPaymentCustomer", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "conf", AMOUNT);
      for (const caller of [bob, d.operator]) {
        await expect(d.shop.connect(caller).confirm(p))
          .to.be.revertedWithCustomError(d.shop, "ShopNotPaymentCustomer")
          .withArgs(caller.address, alice.address);
      }
      const tx = await d.shop.connect(alice).confirm(p);
      await expect(tx)
        .to.emit(d.shop, "PaymentCaptured")
        .withArgs(
          p.orderHash,
          alice.address,
          KIND.Customer,
          AMOUNT,
          (c: bigint) => c > 0n,
          (m: bigint[]) => m.length === 1,
        );
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Captured, AMOUNT]);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(AMOUNT, WUYOU_RULES));
      await expect(d.shop.connect(alice).confirm(p)).to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld");
    });
  });

  describe("autoCapture", () => {
    it("reverts ShopAutoCaptureNotDue before autoCaptureAt; from it a stranger captures the whole payment", async () => {
      const d = await load();
      const [, , , alice, , , stranger] = d.signers;
      const p = await authorize(d, alice, "auto", AMOUNT);
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt - 1n);
      await expect(d.shop.connect(stranger).autoCapture(p))
        .to.be.revertedWithCustomError(d.shop, "ShopAutoCaptureNotDue")
        .withArgs(p.autoCaptureAt, p.autoCaptureAt - 1n);
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt);
      const tx = d.shop.connect(stranger).autoCapture(p);
      await expect(tx)
        .to.emit(d.shop, "PaymentCaptured")
        .withArgs(
          p.orderHash,
          alice.address,
          KIND.Auto,
          AMOUNT,
          p.autoCaptureAt + BigInt(WEEK),
          (m: bigint[]) => m.length === 1,
        );
      await expect(tx).to.changeEtherBalances(d.ethers, [alice], [0n]);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Captured, AMOUNT]);
      expect(await d.token.balanceOf(stranger.address)).to.equal(0n);
    });

    it("reverts ShopReturnRequested after the customer asked to return the goods", async () => {
      const d = await load();
      const [, , , alice, , , stranger] = d.signers;
      const p = await authorize(d, alice, "ret", ONE);
      await d.shop.connect(alice).requestReturn(p);
      await d.helpers.time.increaseTo(p.autoCaptureAt + 10n);
      await expect(d.shop.connect(stranger).autoCapture(p))
        .to.be.revertedWithCustomError(d.shop, "ShopReturnRequested")
        .withArgs(p.orderHash, alice.address);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.ReturnRequested, ONE]);
    });
  });

  describe("void", () => {
    it("returns everything to the customer and clears the record, any time while held (after the expiry too); the order may be authorized again", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "void", AMOUNT);
      await d.helpers.time.increaseTo(p.expiry + 100n);
      const tx = d.shop.connect(d.operator).void(p);
      await expect(tx).to.emit(d.shop, "PaymentVoided").withArgs(p.orderHash, alice.address, AMOUNT);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.shop], [AMOUNT, -AMOUNT]);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.None, 0n]);
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
      await expect(d.shop.connect(d.operator).void(p)).to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld");
      // Authorized again, with new terms; the old terms no longer match.
      const again = await authorize(d, alice, "void", 2n * ONE);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Held, 2n * ONE]);
      await expect(d.shop.connect(d.operator).capture(p, 1n)).to.be.revertedWithCustomError(
        d.shop,
        "ShopPaymentTermsMismatch",
      );
      await capture(d, again, ONE);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Captured, ONE]);
    });

    it("voids a return-requested payment", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "rv", ONE);
      await d.shop.connect(alice).requestReturn(p);
      await expect(d.shop.connect(d.operator).void(p)).to.changeEtherBalances(d.ethers, [alice], [ONE]);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.None, 0n]);
    });
  });

  describe("reclaim", () => {
    it("reverts ShopPaymentNotExpired before the expiry and ShopNotPaymentCustomer for anyone else; from the expiry the customer takes it all back", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "recl", AMOUNT);
      await d.helpers.time.setNextBlockTimestamp(p.expiry - 1n);
      await expect(d.shop.connect(alice).reclaim(p))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotExpired")
        .withArgs(p.expiry, p.expiry - 1n);
      await d.helpers.time.setNextBlockTimestamp(p.expiry);
      for (const caller of [bob, d.operator]) {
        await expect(d.shop.connect(caller).reclaim(p))
          .to.be.revertedWithCustomError(d.shop, "ShopNotPaymentCustomer")
          .withArgs(caller.address, alice.address);
      }
      const tx = await d.shop.connect(alice).reclaim(p);
      await expect(tx).to.emit(d.shop, "PaymentReclaimed").withArgs(p.orderHash, alice.address, AMOUNT);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop], [-AMOUNT]);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.None, 0n]);
      await expect(d.shop.connect(alice).reclaim(p)).to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld");
    });

    it("reverts ShopPaymentNotHeld after a capture, and reclaims a return-requested payment after the expiry", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "cap", ONE);
      const q = await authorize(d, alice, "rr", ONE, { expiry: p.expiry });
      await capture(d, p);
      await d.shop.connect(alice).requestReturn(q);
      await d.helpers.time.increaseTo(p.expiry);
      await expect(d.shop.connect(alice).reclaim(p))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld")
        .withArgs(p.orderHash, alice.address);
      await expect(d.shop.connect(alice).reclaim(q)).to.changeEtherBalances(d.ethers, [d.shop], [-ONE]);
    });
  });

  describe("requestReturn", () => {
    it("marks the payment ReturnRequested; the operator may still capture in part, the rest going back", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const p = await authorize(d, alice, "req", 2n * ONE);
      await expect(d.shop.connect(bob).requestReturn(p))
        .to.be.revertedWithCustomError(d.shop, "ShopNotPaymentCustomer")
        .withArgs(bob.address, alice.address);
      await expect(d.shop.connect(alice).requestReturn(p))
        .to.emit(d.shop, "ReturnRequested")
        .withArgs(p.orderHash, alice.address);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.ReturnRequested, 2n * ONE]);
      await expect(d.shop.connect(alice).requestReturn(p))
        .to.be.revertedWithCustomError(d.shop, "ShopReturnRequested")
        .withArgs(p.orderHash, alice.address);
      await expect(d.shop.connect(d.operator).capture(p, ONE / 4n)).to.changeEtherBalances(
        d.ethers,
        [alice],
        [2n * ONE - ONE / 4n],
      );
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Captured, ONE / 4n]);
    });

    it("the customer may still confirm a return-requested payment", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "reqc", ONE);
      await d.shop.connect(alice).requestReturn(p);
      await d.shop.connect(alice).confirm(p);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.Captured, ONE]);
    });

    it("reverts ShopReturnWindowClosed from autoCaptureAt on", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const p = await authorize(d, alice, "late", ONE);
      const q = await authorize(d, alice, "just", ONE, { expiry: p.expiry });
      expect(q.autoCaptureAt).to.equal(p.autoCaptureAt + 1n);
      // At p's auto-capture time, one second before q's, q may still ask and p no longer.
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt);
      await expect(d.shop.connect(alice).requestReturn(p))
        .to.be.revertedWithCustomError(d.shop, "ShopReturnWindowClosed")
        .withArgs(p.autoCaptureAt, p.autoCaptureAt);
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt);
      await d.shop.connect(alice).requestReturn(q);
      await expect(d.shop.connect(alice).requestReturn(p)).to.be.revertedWithCustomError(
        d.shop,
        "ShopReturnWindowClosed",
      );
      expect((await d.shop.payment(q.orderHash, alice.address))[0]).to.equal(STATUS.ReturnRequested);
      expect((await d.shop.payment(p.orderHash, alice.address))[0]).to.equal(STATUS.Held);
    });
  });

  describe("refund", () => {
    async function captured(
      d: Deployment,
      customer: HardhatEthersSigner,
      label: string,
      amount: bigint,
      referrer?: string,
    ) {
      const p = await authorize(d, customer, label, amount, { referrer });
      return capture(d, p);
    }

    it("is operator only", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const c = await captured(d, alice, "r-op", ONE);
      const role = await d.shop.OPERATOR_ROLE();
      for (const caller of [d.admin, alice]) {
        await expect(d.shop.connect(caller).refund(c, 1n))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
      }
    });

    it("reverts ShopInvalidRefundAmount for 0 and for more than is left to refund", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const c = await captured(d, alice, "r-amt", ONE);
      // A capture credits the merchant balance with the amount less the escrow: a full refund needs the rest.
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.connect(d.operator).refund(c, 0n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRefundAmount")
        .withArgs(0n, ONE);
      await expect(d.shop.connect(d.operator).refund(c, ONE + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRefundAmount")
        .withArgs(ONE + 1n, ONE);
      await d.shop.connect(d.operator).refund(c, ONE / 3n);
      const left = ONE - ONE / 3n;
      expect(await d.shop.payment(c.orderHash, alice.address)).to.deep.equal([STATUS.Captured, left]);
      await expect(d.shop.connect(d.operator).refund(c, left + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRefundAmount")
        .withArgs(left + 1n, left);
      await d.shop.connect(d.operator).refund(c, left);
      await expect(d.shop.connect(d.operator).refund(c, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRefundAmount")
        .withArgs(1n, 0n);
    });

    it("reverts ShopRefundDeadlinePassed after the refund deadline; at the deadline it refunds", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await captured(d, alice, "r-dl", ONE);
      const e = await captured(d, bob, "r-dl", ONE);
      expect(e.refundDeadline > c.refundDeadline).to.equal(true);
      await d.helpers.time.setNextBlockTimestamp(c.refundDeadline);
      await d.shop.connect(d.operator).refund(c, 1n);
      await d.helpers.time.setNextBlockTimestamp(e.refundDeadline + 1n);
      await expect(d.shop.connect(d.operator).refund(e, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopRefundDeadlinePassed")
        .withArgs(e.refundDeadline, e.refundDeadline + 1n);
    });

    it("reverts ShopPaymentNotCaptured for a held, a return-requested, a voided or an unknown payment", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const held = await authorize(d, alice, "r-held", ONE);
      const asked = await authorize(d, bob, "r-asked", ONE);
      await d.shop.connect(bob).requestReturn(asked);
      const voided = await authorize(d, alice, "r-void", ONE);
      await d.shop.connect(d.operator).void(voided);
      const deadline = (await latest(d)) + BigInt(WEEK);
      for (const p of [held, asked, voided, { ...held, orderHash: hashOf("never") }]) {
        const fake: CaptureTerms = {
          orderHash: p.orderHash,
          customer: p.customer,
          amount: p.amount,
          refundDeadline: deadline,
          minted: [0n],
        };
        await expect(d.shop.connect(d.operator).refund(fake, 1n))
          .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotCaptured")
          .withArgs(p.orderHash, p.customer);
      }
    });

    it("reverts ShopPaymentTermsMismatch when the amount, the deadline or the minted figures are changed", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await captured(d, alice, "r-terms", AMOUNT, bob.address);
      const changed: CaptureTerms[] = [
        { ...c, amount: c.amount + 1n },
        { ...c, amount: c.amount - 1n },
        { ...c, refundDeadline: c.refundDeadline + BigInt(DAY) },
        { ...c, minted: [c.minted[0] + 1n] },
        { ...c, minted: [pack(unpack(c.minted[0]).customer, 0n)] },
        { ...c, minted: [c.minted[0], 0n] },
        { ...c, minted: [] },
      ];
      for (const terms of changed) {
        await expect(d.shop.connect(d.operator).refund(terms, 1n))
          .to.be.revertedWithCustomError(d.shop, "ShopPaymentTermsMismatch")
          .withArgs(c.orderHash, alice.address);
      }
      expect(await d.shop.payment(c.orderHash, alice.address)).to.deep.equal([STATUS.Captured, AMOUNT]);
    });

    it("reverts ShopInsufficientBalance when the merchant balance is below the refund, though the shop holds more", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await captured(d, alice, "r-bal", ONE);
      await authorize(d, bob, "held", 5n * ONE);
      const balance = await d.shop.merchantBalance();
      await d.shop.connect(d.admin).withdraw(d.admin.address, balance - ONE / 2n);
      expect(await coinOf(d)).to.equal(ONE / 2n + 5n * ONE);
      await expect(d.shop.connect(d.operator).refund(c, ONE / 2n + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInsufficientBalance")
        .withArgs(ONE / 2n, ONE / 2n + 1n);
      await expect(d.shop.connect(d.operator).refund(c, ONE / 2n)).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop],
        [ONE / 2n, -ONE / 2n],
      );
      expect(await d.shop.merchantBalance()).to.equal(0n);
      expect(await heldCoin(d)).to.equal(5n * ONE);
    });

    it("pays from the merchant balance only: escrow, day records and settled claimables are unchanged", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const c = await captured(d, alice, "r-paid", AMOUNT, bob.address);
      const tokenAddress = await d.token.getAddress();
      const escrowDay = await tokenDayOf(d.shop, 0, day);
      const record = await d.shop.dayRecord(day);
      const part = AMOUNT / 4n;
      // Before the settlement: the escrow stays in the token.
      const tx = d.shop.connect(d.operator).refund(c, part);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.shop, tokenAddress], [part, -part, 0n]);
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(escrowDay);
      expect(await d.shop.dayRecord(day)).to.deep.equal(record);
      expect(await d.shop.merchantBalance()).to.equal(AMOUNT - dividendOf(AMOUNT, WUYOU_RULES) - part);
      // Settled: the holders' claimables do not move with a refund.
      await nextDay(d.helpers);
      await d.shop.settle(day);
      const claimAlice = await d.token.claimable(alice.address);
      const claimBob = await d.token.claimable(bob.address);
      expect(claimAlice > 0n && claimBob > 0n).to.equal(true);
      await expect(d.shop.connect(d.operator).refund(c, part)).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop, tokenAddress],
        [part, -part, 0n],
      );
      expect(await d.token.claimable(alice.address)).to.equal(claimAlice);
      expect(await d.token.claimable(bob.address)).to.equal(claimBob);
      await d.token.connect(alice).claim();
      await d.token.connect(bob).claim();
      expect(await d.ethers.provider.getBalance(tokenAddress)).to.be.lessThanOrEqual(
        escrowDay.escrowed - claimAlice - claimBob + 2n,
      );
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
    });

    it("takes tokens back in proportion: consumption from the customer, promotion from the referrer", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await captured(d, alice, "r-claw", AMOUNT, bob.address);
      const { customer: made, referrer: promoted } = unpack(c.minted[0]);
      expect(made).to.equal(await d.token.balanceOf(alice.address));
      expect(promoted).to.equal(await d.token.balanceOf(bob.address));
      const part = AMOUNT / 3n;
      const fromAlice = (made * part) / AMOUNT;
      const fromBob = (promoted * part) / AMOUNT;
      const supply = await d.token.totalSupply();
      const tx = await d.shop.connect(d.operator).refund(c, part);
      await expect(tx).to.emit(d.token, "Transfer").withArgs(alice.address, ZeroAddress, fromAlice);
      await expect(tx).to.emit(d.token, "Transfer").withArgs(bob.address, ZeroAddress, fromBob);
      await expect(tx)
        .to.emit(d.shop, "PaymentRefunded")
        .withArgs(c.orderHash, alice.address, part, AMOUNT - part, [pack(fromAlice, fromBob)], [0n]);
      expect(await d.token.balanceOf(alice.address)).to.equal(made - fromAlice);
      expect(await d.token.balanceOf(bob.address)).to.equal(promoted - fromBob);
      expect(await d.token.totalSupply()).to.equal(supply - fromAlice - fromBob);
    });

    it("refunds in several parts take back exactly what one refund of their sum takes", async () => {
      const d = await load();
      const [, , , alice, bob, carol, dave] = d.signers;
      const amount = 7n * ONE + 13n;
      const inParts = await captured(d, alice, "parts", amount, bob.address);
      const atOnce = await captured(d, carol, "once", amount, dave.address);
      await d.shop.deposit({ value: amount });
      expect(inParts.minted).to.deep.equal(atOnce.minted);
      const parts = [amount / 3n + 1n, amount / 7n + 3n, amount / 5n + 2n];
      const sum = parts.reduce((a, b) => a + b, 0n);
      let taken = 0n;
      for (const part of parts) {
        taken += (await refundOf(d.shop, await d.shop.connect(d.operator).refund(inParts, part))).clawedBack[0];
      }
      const once = (await refundOf(d.shop, await d.shop.connect(d.operator).refund(atOnce, sum))).clawedBack[0];
      expect(unpack(taken)).to.deep.equal(unpack(once));
      expect(await d.token.balanceOf(alice.address)).to.equal(await d.token.balanceOf(carol.address));
      expect(await d.token.balanceOf(bob.address)).to.equal(await d.token.balanceOf(dave.address));
      const { customer: made, referrer: promoted } = unpack(inParts.minted[0]);
      expect(unpack(once)).to.deep.equal({ customer: (made * sum) / amount, referrer: (promoted * sum) / amount });
      // Refunded in full in the end, everything the order minted is back.
      await d.shop.connect(d.operator).refund(inParts, amount - sum);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
    });

    it("refunds a charged payment too", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await charge(d, alice, "charged", AMOUNT, bob.address);
      await d.shop.deposit({ value: AMOUNT });
      await expect(d.shop.connect(d.operator).refund(c, AMOUNT)).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop],
        [AMOUNT, -AMOUNT],
      );
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      expect(await d.shop.payment(c.orderHash, alice.address)).to.deep.equal([STATUS.Captured, 0n]);
    });

    it("transferable token: takes only what the customer still holds, reports the rest unrecovered, and still pays", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob, , dave] = d.signers;
      const c = await charge(d, alice, "moved", AMOUNT, bob.address);
      await d.shop.deposit({ value: AMOUNT });
      const { customer: made, referrer: promoted } = unpack(c.minted[0]);
      const moved = (made * 2n) / 3n;
      await d.token.connect(alice).transfer(dave.address, moved);
      const tx = await d.shop.connect(d.operator).refund(c, AMOUNT);
      await expect(tx)
        .to.emit(d.shop, "PaymentRefunded")
        .withArgs(c.orderHash, alice.address, AMOUNT, 0n, [pack(made - moved, promoted)], [pack(moved, 0n)]);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice], [AMOUNT]);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      expect(await d.token.balanceOf(dave.address)).to.equal(moved);
      expect(await d.token.totalSupply()).to.equal(moved);
    });
  });

  describe("pool allowance", () => {
    /** The shop's pool balance formula with one ratio: base + floor((supply - mark) × num / den), never below 0. */
    function allowanceOf(base: bigint, mark: bigint, supply: bigint): bigint {
      const { poolNum: num, poolDen: den } = WUYOU_RULES;
      const grown = supply - mark;
      const balance = grown >= 0n ? base + (grown * num) / den : base - (-grown * num + den - 1n) / den;
      return balance > 0n ? balance : 0n;
    }

    it("a refund lowers the allowance with the supply", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const c = await charge(d, alice, "pool", 3n * ONE + 1n, bob.address);
      const supply = await d.token.totalSupply();
      expect(await d.shop.poolAllowance(0)).to.equal(poolShareOf(supply, WUYOU_RULES));
      await d.shop.connect(d.operator).refund(c, ONE);
      const after = await d.token.totalSupply();
      expect(after < supply).to.equal(true);
      expect(await d.shop.poolAllowance(0)).to.equal(allowanceOf(0n, 0n, after));
      expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(allowanceOf(0n, 0n, after));
    });

    it("after the pool minted the allowance a refund leaves a deficit: the allowance reads 0 until later mints fill it", async () => {
      const d = await load();
      const [, , , alice, bob, carol, contributor] = d.signers;
      const c = await charge(d, alice, "pooled", 9n * ONE, bob.address);
      await d.shop.deposit({ value: 9n * ONE });
      expect(await d.token.totalSupply()).to.equal(unpack(c.minted[0]).customer + unpack(c.minted[0]).referrer);
      const pooled = await d.shop.poolAllowance(0);
      expect(pooled > 0n).to.equal(true);
      await d.shop.connect(d.poolManager).mintFromPool(0, contributor.address, pooled, ZeroHash);
      await d.shop.connect(d.operator).refund(c, 9n * ONE);
      // Everything the order minted is back; the pool's mint stays with the contributor.
      expect(await d.token.totalSupply()).to.equal(pooled);
      expect(await d.shop.poolAllowance(0)).to.equal(0n);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, contributor.address, 1n, ZeroHash))
        .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
        .withArgs(0n, 0n, 1n);
      // An order minting as much as the refunded one only fills the deficit.
      await d.shop.connect(carol).charge(hashOf("refill 1"), ZeroAddress, { value: 9n * ONE });
      const s1 = await d.token.totalSupply();
      expect(await d.shop.poolAllowance(0)).to.equal(allowanceOf(-pooled, pooled, s1));
      await expect(
        d.shop.connect(d.poolManager).mintFromPool(0, contributor.address, 1n, ZeroHash),
      ).to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded");
      // A second one gives the pool its share of it.
      await d.shop.connect(carol).charge(hashOf("refill 2"), ZeroAddress, { value: 9n * ONE });
      const s2 = await d.token.totalSupply();
      const allowance = allowanceOf(-pooled, pooled, s2);
      expect(allowance > 0n && allowance < poolShareOf(s2 - pooled, WUYOU_RULES)).to.equal(true);
      expect(await d.shop.poolAllowance(0)).to.equal(allowance);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, contributor.address, allowance + 1n, ZeroHash))
        .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
        .withArgs(0n, allowance, allowance + 1n);
      await d.shop.connect(d.poolManager).mintFromPool(0, contributor.address, allowance, ZeroHash);
      expect(await d.shop.poolAllowance(0)).to.equal(0n);
      expect(await d.token.balanceOf(contributor.address)).to.equal(pooled + allowance);
    });
  });

  describe("pool allowance below its checkpoint", () => {
    it("a refund of an order counted before a pool-ratio change takes the supply below the checkpoint: the balance is rounded down into a deficit", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      // A refund deadline past the ratio change's notice period.
      await d.shop.connect(d.admin).setReturnWindow(30n * BigInt(DAY));
      const c = await charge(d, alice, "before the checkpoint", 9n * ONE + 5n, bob.address);
      const minted = await d.token.totalSupply();
      const accrued = await d.shop.poolAllowance(0);
      expect(accrued).to.equal(poolShareOf(minted, WUYOU_RULES));
      await d.shop.connect(d.admin).changeRules(0, { ...WUYOU_RULES, poolNum: 1n, poolDen: 8n });
      await d.helpers.time.increase(8 * DAY);
      await d.shop.applyPendingRules(0);
      // The checkpoint keeps what had accrued (base) at the supply reached (mark).
      expect(await d.shop.poolAllowance(0)).to.equal(accrued);
      await d.shop.deposit({ value: 10n * ONE });
      await d.shop.connect(d.operator).refund(c, c.amount);
      expect(await d.token.totalSupply()).to.equal(0n);
      // base - ceil(minted / 8): below zero, read as 0.
      const balance = accrued - (minted + 7n) / 8n;
      expect(balance < 0n).to.equal(true);
      expect(await d.shop.poolAllowance(0)).to.equal(0n);
      // Mints by the rules fill the deficit first, at the new ratio, from below the checkpoint.
      await d.shop.connect(alice).charge(hashOf("after the checkpoint"), ZeroAddress, { value: 3n * ONE });
      const supply = await d.token.totalSupply();
      expect(supply < minted).to.equal(true);
      const expected = accrued - (minted - supply + 7n) / 8n;
      expect(await d.shop.poolAllowance(0)).to.equal(expected > 0n ? expected : 0n);
      await d.shop.connect(alice).charge(hashOf("past the checkpoint"), ZeroAddress, { value: 7n * ONE });
      const later = await d.token.totalSupply();
      expect(later > minted).to.equal(true);
      expect(await d.shop.poolAllowance(0)).to.equal(accrued + (later - minted) / 8n);
    });

    it("a refund skips a token whose share of it rounds to nothing", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      // Two coin of spend per token: a one-wei refund's share of its mints rounds down to nothing.
      const { token: second } = await addToken(
        d,
        tokenParams({ ...WUYOU_RULES, spendPerToken: 2n * ONE, dividendBps: 500n }, { name: "Share", symbol: "SHR" }),
      );
      const c = await charge(d, alice, "one wei back", 3n * ONE);
      expect(c.minted.length).to.equal(2);
      const made = unpack(c.minted[0]).customer;
      expect(unpack(c.minted[1]).customer < c.amount).to.equal(true);
      await d.shop.deposit({ value: ONE });
      const before = await d.token.balanceOf(alice.address);
      const taken = made / c.amount;
      expect(taken > 0n).to.equal(true);
      const tx = d.shop.connect(d.operator).refund(c, 1n);
      await expect(tx)
        .to.emit(d.shop, "PaymentRefunded")
        .withArgs(c.orderHash, alice.address, 1n, c.amount - 1n, [pack(taken, 0n), 0n], [0n, 0n]);
      await expect(tx).to.not.emit(second, "Transfer");
      expect(await d.token.balanceOf(alice.address)).to.equal(before - taken);
    });
  });

  describe("setReturnWindow", () => {
    it("is admin only and takes 1 to 90 days", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      for (const caller of [d.operator, alice]) {
        await expect(d.shop.connect(caller).setReturnWindow(10 * DAY))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ADMIN_ROLE);
      }
      expect(await d.shop.DEFAULT_RETURN_WINDOW()).to.equal(BigInt(WEEK));
      const min = await d.shop.MIN_RETURN_WINDOW();
      const max = await d.shop.MAX_RETURN_WINDOW();
      expect([min, max]).to.deep.equal([BigInt(DAY), 90n * BigInt(DAY)]);
      for (const window of [0n, min - 1n, max + 1n]) {
        await expect(d.shop.connect(d.admin).setReturnWindow(window))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidReturnWindow")
          .withArgs(window, min, max);
      }
      await expect(d.shop.connect(d.admin).setReturnWindow(max)).to.emit(d.shop, "ReturnWindowChanged").withArgs(max);
      expect(await d.shop.returnWindow()).to.deep.equal([max, 0n, 0n]);
      await d.shop.connect(d.admin).setReturnWindow(min);
      expect((await d.shop.returnWindow())[1]).to.equal(min);
    });

    it("a longer window applies at once to new payments; existing payments keep theirs", async () => {
      const d = await load();
      const [, , , alice, , , stranger] = d.signers;
      const old = await authorize(d, alice, "old", ONE);
      expect(old.autoCaptureAt).to.equal((await latest(d)) + BigInt(WEEK));
      const oldCapture = await charge(d, alice, "old charge", ONE);
      const window = 30n * BigInt(DAY);
      await d.shop.connect(d.admin).setReturnWindow(window);
      expect(await d.shop.returnWindow()).to.deep.equal([window, 0n, 0n]);
      const expiry = await expiryAfter(d);
      const t = (await latest(d)) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t);
      const fresh = await paymentOf(
        d.shop,
        await d.shop.connect(alice).authorize(hashOf("new"), ZeroAddress, expiry, { value: ONE }),
      );
      expect(fresh.autoCaptureAt).to.equal(t + window);
      // The old payment still auto-captures after its own week, and its old capture's refund deadline stands.
      await d.helpers.time.setNextBlockTimestamp(old.autoCaptureAt);
      const c = await captureOf(d.shop, await d.shop.connect(stranger).autoCapture(old));
      expect(c.refundDeadline).to.equal(old.autoCaptureAt + window);
      await expect(d.shop.connect(stranger).autoCapture(fresh)).to.be.revertedWithCustomError(
        d.shop,
        "ShopAutoCaptureNotDue",
      );
      await d.helpers.time.setNextBlockTimestamp(oldCapture.refundDeadline + 1n);
      await expect(d.shop.connect(d.operator).refund(oldCapture, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopRefundDeadlinePassed")
        .withArgs(oldCapture.refundDeadline, oldCapture.refundDeadline + 1n);
    });

    it("a shorter window applies after 7 days: until then autoCaptureAt, the earliest expiry and refundDeadline follow the old one", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const short = 2n * BigInt(DAY);
      const t0 = (await latest(d)) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t0);
      const at = t0 + BigInt(WEEK);
      await expect(d.shop.connect(d.admin).setReturnWindow(short))
        .to.emit(d.shop, "ReturnWindowChangeScheduled")
        .withArgs(short, at);
      expect(await d.shop.returnWindow()).to.deep.equal([BigInt(WEEK), short, at]);
      const expiry = at + 30n * BigInt(DAY);
      await d.helpers.time.setNextBlockTimestamp(at - 1n);
      const before = await paymentOf(
        d.shop,
        await d.shop.connect(alice).authorize(hashOf("before"), ZeroAddress, expiry, { value: ONE }),
      );
      expect(before.autoCaptureAt).to.equal(at - 1n + BigInt(WEEK));
      await d.helpers.time.setNextBlockTimestamp(at);
      const after = await paymentOf(
        d.shop,
        await d.shop.connect(bob).authorize(hashOf("after"), ZeroAddress, expiry, { value: ONE }),
      );
      expect(after.autoCaptureAt).to.equal(at + short);
      expect(await d.shop.returnWindow()).to.deep.equal([short, 0n, 0n]);
      // The earliest expiry follows the window in force.
      const t = (await latest(d)) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t);
      await expect(d.shop.connect(alice).authorize(hashOf("early"), ZeroAddress, t + short, { value: ONE }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidExpiry")
        .withArgs(t + short, t + short + 1n);
      // Captures now get the short refund period; the earlier payment keeps its week for auto-capture.
      const t2 = (await latest(d)) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t2);
      const c = await captureOf(d.shop, await d.shop.connect(d.operator).capture(before, ONE));
      expect(c.refundDeadline).to.equal(t2 + short);
    });
  });

  describe("setReturnWindow, twice shorter", () => {
    it("a second shorter window scheduled once the first is due keeps the first in force until its own time", async () => {
      const d = await load();
      const day = BigInt(DAY);
      await d.shop.connect(d.admin).setReturnWindow(3n * day);
      await d.helpers.time.increase(8 * DAY);
      expect((await d.shop.returnWindow())[0]).to.equal(3n * day);
      const t = (await latest(d)) + 1n;
      await d.helpers.time.setNextBlockTimestamp(t);
      await expect(d.shop.connect(d.admin).setReturnWindow(2n * day))
        .to.emit(d.shop, "ReturnWindowChangeScheduled")
        .withArgs(2n * day, t + 7n * day);
      expect([...(await d.shop.returnWindow())]).to.deep.equal([3n * day, 2n * day, t + 7n * day]);
      await d.helpers.time.increaseTo(t + 7n * day);
      expect([...(await d.shop.returnWindow())]).to.deep.equal([2n * day, 0n, 0n]);
    });
  });

  describe("withdrawReturns", () => {
    it("reverts ShopNoReturnsOwed with nothing owed and ShopZeroAddress for the zero address", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await expect(d.shop.connect(alice).withdrawReturns(alice.address))
        .to.be.revertedWithCustomError(d.shop, "ShopNoReturnsOwed")
        .withArgs(alice.address);
      await expect(d.shop.connect(alice).withdrawReturns(ZeroAddress)).to.be.revertedWithCustomError(
        d.shop,
        "ShopZeroAddress",
      );
    });

    it("pays a rejecting customer's owed returns to another address, once", async () => {
      const d = await load();
      const [, , , , , , eve] = d.signers;
      const { customer, address } = await customerContract(d);
      await customer.setMode(1); // Revert
      const expiry = await expiryAfter(d);
      const data = d.shop.interface.encodeFunctionData("authorize", [hashOf("rej"), ZeroAddress, expiry]);
      const p = await paymentOf(d.shop, await customer.execute(await d.shop.getAddress(), data, { value: ONE }));
      await expect(d.shop.connect(d.operator).void(p)).to.emit(d.shop, "ReturnOwed").withArgs(address, ONE);
      expect(await d.shop.returnsOwed(address)).to.equal(ONE);
      expect(await coinOf(d)).to.equal((await d.shop.merchantBalance()) + ONE);
      // To a recipient that rejects too, the withdrawal fails and the return stays owed.
      const toSelf = d.shop.interface.encodeFunctionData("withdrawReturns", [address]);
      await expect(customer.execute(await d.shop.getAddress(), toSelf)).to.be.revertedWithCustomError(
        customer,
        "PaymentCustomerCallFailed",
      );
      expect(await d.shop.returnsOwed(address)).to.equal(ONE);
      const toEve = d.shop.interface.encodeFunctionData("withdrawReturns", [eve.address]);
      const tx = customer.execute(await d.shop.getAddress(), toEve);
      await expect(tx).to.emit(d.shop, "ReturnsWithdrawn").withArgs(address, eve.address, ONE);
      await expect(tx).to.changeEtherBalances(d.ethers, [eve, d.shop], [ONE, -ONE]);
      expect(await d.shop.returnsOwed(address)).to.equal(0n);
      await expect(customer.execute(await d.shop.getAddress(), toEve)).to.be.revertedWithCustomError(
        customer,
        "PaymentCustomerCallFailed",
      );
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
    });
  });
});
