import { expect } from "chai";
import { ZeroAddress, type ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { DividendToken, IShop, PaymentCustomer } from "../../../types/ethers-contracts/index.js";
import {
  addShop,
  addToken,
  consumptionOf,
  DAY,
  dayOf,
  dayStart,
  dividendOf,
  hashOf,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  tokenDayOf,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";
import {
  authorize,
  capture,
  captureOf,
  coinOf,
  expiryAfter,
  paymentOf,
  STATUS,
  unpack,
  type CaptureTerms,
  type PaymentTerms,
} from "../support/payments.js";
import { errorName } from "./helpers.js";

const MODE = { Accept: 0, Revert: 1, BurnGas: 2, Reenter: 3 };
const UTC_MINUS_12 = -12 * 3600;
const UTC_PLUS_8 = 8 * 3600;
/** Gas a step that pushes coin to a misbehaving customer may use at most: the push itself is capped at 50,000. */
const STEP_GAS_BOUND = 400_000n;

interface Attacker {
  customer: PaymentCustomer;
  address: string;
}

async function attackerOf(d: Deployment): Promise<Attacker> {
  const customer = (await d.ethers.deployContract("PaymentCustomer")) as unknown as PaymentCustomer;
  return { customer, address: await customer.getAddress() };
}

/** The attacker contract authorizes `amount` for order `label` in `shop`. */
async function attackerAuthorizes(
  d: Deployment,
  a: Attacker,
  label: string,
  amount: bigint,
  referrer: string = ZeroAddress,
  shop: IShop = d.shop,
): Promise<PaymentTerms> {
  const expiry = await expiryAfter(d, shop);
  const data = shop.interface.encodeFunctionData("authorize", [hashOf(label), referrer, expiry]);
  return paymentOf(shop, await a.customer.execute(await shop.getAddress(), data, { value: amount }));
}

/** The attacker contract calls `shop` with `data` (as the customer). */
async function attackerCalls(d: Deployment, a: Attacker, data: string, shop: IShop = d.shop) {
  return a.customer.execute(await shop.getAddress(), data);
}

/** The attacker's `Received` and `Reentered` events of `tx`, the latter with the re-entered call's error name. */
async function attackerEvents(d: Deployment, a: Attacker, tx: ContractTransactionResponse) {
  const receipt = await tx.wait();
  const received: bigint[] = [];
  const reentered: { ok: boolean; error: string }[] = [];
  for (const log of receipt!.logs) {
    if (log.address.toLowerCase() !== a.address.toLowerCase()) continue;
    const parsed = a.customer.interface.parseLog(log);
    if (parsed?.name === "Received") received.push(parsed.args.amount as bigint);
    if (parsed?.name === "Reentered") {
      const ok = parsed.args.ok as boolean;
      const result = parsed.args.result as string;
      reentered.push({ ok, error: ok ? "" : errorName(result, [d.shop.interface, d.token.interface]) });
    }
  }
  return { received, reentered, gasUsed: receipt!.gasUsed };
}

/**
 * The shop's books: its coin is exactly the merchant balance, plus what the named payments still hold, plus the
 * returns owed to the named accounts.
 */
async function expectBooks(
  d: Deployment,
  payments: { orderHash: string; customer: string }[],
  accounts: string[],
  shop: IShop = d.shop,
) {
  let held = 0n;
  for (const p of payments) {
    const [status, amount] = await shop.payment(p.orderHash, p.customer);
    if (status === STATUS.Held || status === STATUS.ReturnRequested) held += amount;
  }
  let owed = 0n;
  for (const account of accounts) owed += await shop.returnsOwed(account);
  expect(await coinOf(d, shop), "shop coin == merchant balance + held + owed").to.equal(
    (await shop.merchantBalance()) + held + owed,
  );
}

/** What the attacker has got back of the shop's coin: its balance plus what it is owed. */
async function gotBack(d: Deployment, a: Attacker): Promise<bigint> {
  return (await d.ethers.provider.getBalance(a.address)) + (await d.shop.returnsOwed(a.address));
}

describe("Security: payments with returns", () => {
  describe("re-entrancy from the customer's receive()", () => {
    // Each case: how the attacker's payment gets to the step, the step that pays it, and what the step's push
    // re-enters. State must stay consistent and nothing may be paid twice, whatever the re-entry manages to do.
    interface Case {
      name: string;
      /** The step that pays the attacker; `p` is its held payment of 2 ONE (already captured if `captured`). */
      step: (d: Deployment, p: PaymentTerms, c: CaptureTerms | undefined) => Promise<ContractTransactionResponse>;
      /** The call re-entered. */
      reenter: (d: Deployment, p: PaymentTerms, c: CaptureTerms | undefined) => string;
      captured?: boolean;
      /** Wei the step owes the attacker. */
      pays: bigint;
      /** The payment's status after the step, and wei still held/refundable. */
      after: [bigint, bigint];
      /**
       * The inner call's error; "ok" when it succeeded (then it spent `value` of the push); "owed" when the re-entry
       * does not fit the push's gas, so the push fails as a whole and the coin is owed.
       */
      inner: string;
      /** Wei sent with the re-entrant call (from what the push just paid). */
      value?: bigint;
    }

    const HELD = 2n * ONE;
    const cases: Case[] = [
      {
        name: "void re-entering void",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("void", [p]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "void re-entering reclaim",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("reclaim", [p]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "void re-entering capture",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("capture", [p, 1n]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "void re-entering confirm",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("confirm", [p]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "void re-entering withdrawReturns",
        inner: "ShopNoReturnsOwed",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("withdrawReturns", [p.customer]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "partial capture re-entering confirm",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).capture(p, ONE / 2n),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("confirm", [p]),
        pays: HELD - ONE / 2n,
        after: [STATUS.Captured, ONE / 2n],
      },
      {
        name: "partial capture re-entering capture",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).capture(p, ONE / 2n),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("capture", [p, ONE / 2n]),
        pays: HELD - ONE / 2n,
        after: [STATUS.Captured, ONE / 2n],
      },
      {
        name: "partial capture re-entering void",
        inner: "ShopPaymentNotHeld",
        step: (d, p) => d.shop.connect(d.operator).capture(p, ONE / 2n),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("void", [p]),
        pays: HELD - ONE / 2n,
        after: [STATUS.Captured, ONE / 2n],
      },
      {
        name: "reclaim re-entering reclaim",
        inner: "ShopPaymentNotHeld",
        step: async (d, p) => {
          await d.helpers.time.increaseTo(p.expiry);
          return attackerCallsFor(d, p, d.shop.interface.encodeFunctionData("reclaim", [p]));
        },
        reenter: (d, p) => d.shop.interface.encodeFunctionData("reclaim", [p]),
        pays: HELD,
        after: [STATUS.None, 0n],
      },
      {
        name: "refund re-entering refund",
        inner: "owed",
        captured: true,
        step: (d, _p, c) => d.shop.connect(d.operator).refund(c!, ONE / 2n),
        reenter: (d, _p, c) => d.shop.interface.encodeFunctionData("refund", [c!, ONE / 2n]),
        pays: ONE / 2n,
        after: [STATUS.Captured, HELD - ONE / 2n],
      },
      {
        name: "refund re-entering void",
        inner: "ShopPaymentNotHeld",
        captured: true,
        step: (d, _p, c) => d.shop.connect(d.operator).refund(c!, ONE / 2n),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("void", [p]),
        pays: ONE / 2n,
        after: [STATUS.Captured, HELD - ONE / 2n],
      },
      {
        name: "void re-entering authorize of the same order",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("authorize", [p.orderHash, ZeroAddress, p.expiry]),
        value: ONE,
        inner: "ok",
        pays: HELD,
        after: [STATUS.Held, ONE],
      },
      {
        name: "void re-entering charge of the same order",
        step: (d, p) => d.shop.connect(d.operator).void(p),
        reenter: (d, p) => d.shop.interface.encodeFunctionData("charge", [p.orderHash, ZeroAddress]),
        value: ONE,
        inner: "owed",
        pays: HELD,
        after: [STATUS.None, 0n],
      },
    ];

    // The attacker of the case being run (the reclaim case's step is the attacker's own call).
    let current: Attacker | undefined;
    function attackerCallsFor(d: Deployment, _p: PaymentTerms, data: string) {
      return attackerCalls(d, current!, data);
    }

    for (const kase of cases) {
      it(`${kase.name}: the inner call does nothing, the step pays once and the books balance`, async () => {
        const d = await load();
        const [, , , alice] = d.signers;
        const a = await attackerOf(d);
        current = a;
        // The worst case: the customer holds the operator role too, so the operator's steps are open to it.
        await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), a.address);
        await d.shop.deposit({ value: 10n * ONE });
        const p = await attackerAuthorizes(d, a, "victim", HELD);
        // Another customer's payment sits in the shop too: the attacker must not reach it.
        const other = await authorize(d, alice, "bystander", 3n * ONE);
        const c = kase.captured ? await capture(d, p) : undefined;
        await a.customer.arm(await d.shop.getAddress(), kase.value ?? 0n, kase.reenter(d, p, c), 1n);
        const before = await gotBack(d, a);
        const merchantBefore = await d.shop.merchantBalance();
        const supplyBefore = await d.token.totalSupply();

        const tx = await kase.step(d, p, c);
        const events = await attackerEvents(d, a, tx);

        // Paid exactly once: pushed (the re-entry spending at most its value) or owed.
        const spent = kase.inner === "ok" ? (kase.value ?? 0n) : 0n;
        expect((await gotBack(d, a)) - before).to.equal(kase.pays - spent);
        if (kase.inner === "owed") {
          // The re-entry ran out of the push's gas: the push failed as a whole and the coin is owed.
          expect(events.reentered).to.deep.equal([]);
          expect(events.received).to.deep.equal([]);
          expect(await d.shop.returnsOwed(a.address)).to.equal(kase.pays);
        } else {
          expect(events.reentered).to.deep.equal([
            kase.inner === "ok" ? { ok: true, error: "" } : { ok: false, error: kase.inner },
          ]);
          expect(events.received).to.deep.equal([kase.pays]);
          expect(await d.shop.returnsOwed(a.address)).to.equal(0n);
        }
        expect(await d.shop.payment(p.orderHash, a.address)).to.deep.equal(kase.after);
        expect(await d.shop.payment(other.orderHash, alice.address)).to.deep.equal([STATUS.Held, 3n * ONE]);
        if (kase.captured) {
          // A refund moved the merchant balance by its amount only and took back its share of tokens only.
          expect(await d.shop.merchantBalance()).to.equal(merchantBefore - kase.pays);
          const made = unpack(c!.minted[0]).customer;
          expect(supplyBefore - (await d.token.totalSupply())).to.equal((made * kase.pays) / c!.amount);
        }
        await expectBooks(
          d,
          [
            { orderHash: p.orderHash, customer: a.address },
            { orderHash: other.orderHash, customer: alice.address },
          ],
          [a.address],
        );
      });
    }

    it("withdrawReturns (sent with all gas) re-entering withdrawReturns pays once: the inner call reverts ShopNoReturnsOwed", async () => {
      const d = await load();
      const a = await attackerOf(d);
      await a.customer.setMode(MODE.Revert);
      const p = await attackerAuthorizes(d, a, "owed", ONE);
      await d.shop.connect(d.operator).void(p);
      expect(await d.shop.returnsOwed(a.address)).to.equal(ONE);
      const again = d.shop.interface.encodeFunctionData("withdrawReturns", [a.address]);
      await a.customer.arm(await d.shop.getAddress(), 0n, again, 1n);
      const tx = await attackerCalls(d, a, again);
      const events = await attackerEvents(d, a, tx);
      expect(events.reentered).to.deep.equal([{ ok: false, error: "ShopNoReturnsOwed" }]);
      expect(events.received).to.deep.equal([ONE]);
      expect(await d.ethers.provider.getBalance(a.address)).to.equal(ONE);
      expect(await d.shop.returnsOwed(a.address)).to.equal(0n);
      expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
    });

    it("withdrawReturns re-entering with all gas: authorize, void and capture of its own payments stay consistent", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const a = await attackerOf(d);
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), a.address);
      await a.customer.setMode(MODE.Revert);
      const first = await attackerAuthorizes(d, a, "first", ONE);
      await d.shop.connect(d.operator).void(first);
      const other = await authorize(d, alice, "bystander", ONE);
      // With all the gas, the re-entry re-authorizes the voided order, paying with the coin it was just sent.
      const expiry = await expiryAfter(d);
      const reauthorize = d.shop.interface.encodeFunctionData("authorize", [first.orderHash, ZeroAddress, expiry]);
      await a.customer.arm(await d.shop.getAddress(), ONE, reauthorize, 1n);
      const tx = await attackerCalls(d, a, d.shop.interface.encodeFunctionData("withdrawReturns", [a.address]));
      const events = await attackerEvents(d, a, tx);
      expect(events.reentered).to.deep.equal([{ ok: true, error: "" }]);
      const again = await paymentOf(d.shop, tx);
      expect(await d.shop.payment(first.orderHash, a.address)).to.deep.equal([STATUS.Held, ONE]);
      expect(await d.ethers.provider.getBalance(a.address)).to.equal(0n);
      expect(await d.shop.returnsOwed(a.address)).to.equal(0n);
      const books = [
        { orderHash: first.orderHash, customer: a.address },
        { orderHash: other.orderHash, customer: alice.address },
      ];
      await expectBooks(d, books, [a.address]);
      // The new payment is an ordinary one: captured in part, it counts once; the rest is owed (receive rejects).
      await a.customer.setMode(MODE.Revert);
      await capture(d, again, ONE / 4n);
      expect(await d.shop.returnsOwed(a.address)).to.equal(ONE - ONE / 4n);
      expect(await d.shop.payment(first.orderHash, a.address)).to.deep.equal([STATUS.Captured, ONE / 4n]);
      await expectBooks(d, books, [a.address]);
    });
    it("an operator-customer re-entering refund with all gas refunds no more than is refundable, take-back exact", async () => {
      const d = await load();
      const [, , , , bob] = d.signers;
      const a = await attackerOf(d);
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), a.address);
      await d.shop.deposit({ value: 10n * ONE });
      const amount = 3n * ONE + 1n;
      const p = await attackerAuthorizes(d, a, "refund twice", amount, bob.address);
      const c = await capture(d, p);
      // Its first refund's push fails (rejected), so the coin is owed; the withdrawal then comes with all the gas.
      await a.customer.setMode(MODE.Revert);
      const first = ONE;
      await d.shop.connect(d.operator).refund(c, first);
      const refundAgain = d.shop.interface.encodeFunctionData("refund", [c, amount]);
      await a.customer.arm(await d.shop.getAddress(), 0n, refundAgain, 1n);
      const withdraw = d.shop.interface.encodeFunctionData("withdrawReturns", [a.address]);
      let events = await attackerEvents(d, a, await attackerCalls(d, a, withdraw));
      expect(events.reentered).to.deep.equal([{ ok: false, error: "ShopInvalidRefundAmount" }]);
      // Asking for exactly what is left succeeds, once; the refunded total is the capture at most.
      const left = amount - first;
      await a.customer.setMode(MODE.Revert);
      await d.shop.connect(d.operator).refund(c, 1n);
      const refundRest = d.shop.interface.encodeFunctionData("refund", [c, left - 1n]);
      await a.customer.arm(await d.shop.getAddress(), 0n, refundRest, 1n);
      events = await attackerEvents(d, a, await attackerCalls(d, a, withdraw));
      expect(events.reentered).to.deep.equal([{ ok: true, error: "" }]);
      expect(await d.shop.payment(c.orderHash, a.address)).to.deep.equal([STATUS.Captured, 0n]);
      expect((await d.ethers.provider.getBalance(a.address)) + (await d.shop.returnsOwed(a.address))).to.equal(amount);
      expect(await d.token.balanceOf(a.address)).to.equal(0n);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      await expect(d.shop.connect(d.operator).refund(c, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRefundAmount")
        .withArgs(1n, 0n);
      await expectBooks(d, [], [a.address]);
    });
  });

  describe("a customer that rejects coin", () => {
    for (const [label, mode] of [
      ["reverts", MODE.Revert],
      ["burns all gas", MODE.BurnGas],
    ] as const) {
      it(`${label}: void, reclaim, partial capture and refund still succeed; the coin is owed and withdrawable elsewhere`, async () => {
        const d = await load();
        const [, , , , , , eve] = d.signers;
        const a = await attackerOf(d);
        await a.customer.setMode(mode);
        await d.shop.deposit({ value: 10n * ONE });
        const voided = await attackerAuthorizes(d, a, "voided", ONE);
        const reclaimed = await attackerAuthorizes(d, a, "reclaimed", 2n * ONE);
        const partial = await attackerAuthorizes(d, a, "partial", 3n * ONE);
        const refunded = await attackerAuthorizes(d, a, "refunded", 4n * ONE);
        const c = await capture(d, refunded);

        const steps: [ContractTransactionResponse, bigint][] = [];
        steps.push([await d.shop.connect(d.operator).void(voided), ONE]);
        steps.push([await d.shop.connect(d.operator).capture(partial, ONE), 2n * ONE]);
        steps.push([await d.shop.connect(d.operator).refund(c, ONE), ONE]);
        await d.helpers.time.increaseTo(reclaimed.expiry);
        steps.push([await attackerCalls(d, a, d.shop.interface.encodeFunctionData("reclaim", [reclaimed])), 2n * ONE]);
        let owed = 0n;
        for (const [tx, amount] of steps) {
          await expect(tx).to.emit(d.shop, "ReturnOwed").withArgs(a.address, amount);
          owed += amount;
          const receipt = await tx.wait();
          expect(receipt!.gasUsed < STEP_GAS_BOUND, `gas ${receipt!.gasUsed}`).to.equal(true);
        }
        expect(await d.shop.returnsOwed(a.address)).to.equal(owed);
        expect(await d.ethers.provider.getBalance(a.address)).to.equal(0n);
        await expectBooks(
          d,
          [voided, reclaimed, partial, refunded].map((p) => ({ orderHash: p.orderHash, customer: a.address })),
          [a.address],
        );
        const tx = attackerCalls(d, a, d.shop.interface.encodeFunctionData("withdrawReturns", [eve.address]));
        await expect(tx).to.changeEtherBalances(d.ethers, [eve, d.shop], [owed, -owed]);
        expect(await d.shop.returnsOwed(a.address)).to.equal(0n);
        expect(await coinOf(d)).to.equal(await d.shop.merchantBalance());
      });
    }

    it("never blocks another customer's payment or the operator", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const a = await attackerOf(d);
      await a.customer.setMode(MODE.BurnGas);
      // The attacker and alice pay for the same order hash; bob for another.
      const bad = await attackerAuthorizes(d, a, "shared", ONE);
      const good = await authorize(d, alice, "shared", 2n * ONE);
      const bobs = await authorize(d, bob, "bob's", 3n * ONE);
      await d.shop.connect(d.operator).void(bad);
      await expect(d.shop.connect(d.operator).capture(good, ONE)).to.changeEtherBalances(d.ethers, [alice], [ONE]);
      await expect(d.shop.connect(d.operator).void(bobs)).to.changeEtherBalances(d.ethers, [bob], [3n * ONE]);
      await d.shop.connect(bob).charge(hashOf("after"), ZeroAddress, { value: ONE });
      expect(await d.shop.payment(good.orderHash, alice.address)).to.deep.equal([STATUS.Captured, ONE]);
      // The admin can withdraw the whole merchant balance; the owed coin stays in the shop for the attacker.
      const balance = await d.shop.merchantBalance();
      await d.shop.connect(d.admin).withdraw(d.admin.address, balance);
      expect(await coinOf(d)).to.equal(ONE);
      expect(await d.shop.returnsOwed(a.address)).to.equal(ONE);
    });
  });

  describe("griefing of auto-capture", () => {
    it("a stranger cannot pick the amount, capture early or capture a return-requested payment", async () => {
      const d = await load();
      const [, , , alice, bob, , stranger] = d.signers;
      const p = await authorize(d, alice, "grief", 3n * ONE);
      const asked = await authorize(d, bob, "grief", ONE, { expiry: p.expiry });
      await d.shop.connect(bob).requestReturn(asked);
      await expect(d.shop.connect(stranger).autoCapture(p)).to.be.revertedWithCustomError(
        d.shop,
        "ShopAutoCaptureNotDue",
      );
      // An earlier time, or a smaller amount, is not the payment's terms.
      await expect(d.shop.connect(stranger).autoCapture({ ...p, autoCaptureAt: 0n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopPaymentTermsMismatch",
      );
      await d.helpers.time.increaseTo(p.autoCaptureAt);
      await expect(d.shop.connect(stranger).autoCapture({ ...p, amount: 1n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopPaymentTermsMismatch",
      );
      await expect(d.shop.connect(stranger).autoCapture(asked))
        .to.be.revertedWithCustomError(d.shop, "ShopReturnRequested")
        .withArgs(asked.orderHash, bob.address);
      // Nor may the stranger capture, void, confirm, reclaim or ask for a return itself.
      await expect(d.shop.connect(stranger).capture(p, 1n)).to.be.revertedWithCustomError(
        d.shop,
        "AccessControlUnauthorizedAccount",
      );
      await expect(d.shop.connect(stranger).confirm(p)).to.be.revertedWithCustomError(d.shop, "ShopNotPaymentCustomer");
      await expect(d.shop.connect(stranger).requestReturn(p)).to.be.revertedWithCustomError(
        d.shop,
        "ShopNotPaymentCustomer",
      );
      const tx = await d.shop.connect(stranger).autoCapture(p);
      const c = await captureOf(d.shop, tx);
      // It captured the whole payment, for alice: nothing for the stranger.
      expect(c.amount).to.equal(3n * ONE);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(3n * ONE, WUYOU_RULES));
      expect(await d.token.balanceOf(stranger.address)).to.equal(0n);
      expect(await d.shop.payment(asked.orderHash, bob.address)).to.deep.equal([STATUS.ReturnRequested, ONE]);
    });

    it("before the window ends a stranger cannot make the operator's void impossible", async () => {
      const d = await load();
      const [, , , alice, , , stranger] = d.signers;
      const p = await authorize(d, alice, "void late", 2n * ONE);
      // The stranger pays for alice's order hash itself: another payment, which does not touch alice's.
      const own = await authorize(d, stranger, "void late", ONE, { expiry: p.expiry });
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt - 2n);
      await d.shop.connect(stranger).confirm(own);
      await d.helpers.time.setNextBlockTimestamp(p.autoCaptureAt - 1n);
      await expect(d.shop.connect(stranger).autoCapture(p))
        .to.be.revertedWithCustomError(d.shop, "ShopAutoCaptureNotDue")
        .withArgs(p.autoCaptureAt, p.autoCaptureAt - 1n);
      // The last second of the window: the operator's void lands.
      await expect(d.shop.connect(d.operator).void(p)).to.changeEtherBalances(d.ethers, [alice], [2n * ONE]);
      await expect(d.shop.connect(stranger).autoCapture(p))
        .to.be.revertedWithCustomError(d.shop, "ShopPaymentNotHeld")
        .withArgs(p.orderHash, alice.address);
      expect(await d.shop.payment(p.orderHash, alice.address)).to.deep.equal([STATUS.None, 0n]);
      expect(await d.shop.payment(own.orderHash, stranger.address)).to.deep.equal([STATUS.Captured, ONE]);
    });
  });

  describe("day boundaries of a capture", () => {
    for (const [label, offset] of [
      ["UTC+8", UTC_PLUS_8],
      ["UTC-12", UTC_MINUS_12],
    ] as const) {
      it(`${label}: a capture one second before local midnight counts on that day, at midnight on the next`, async () => {
        const d = await load();
        const [, , , alice, bob] = d.signers;
        const shop = offset === UTC_PLUS_8 ? d.shop : await addShop(d, d.admin, d.operator, offset, "Far West");
        if (offset !== UTC_PLUS_8) await addToken(d, tokenParams(WUYOU_RULES), shop);
        const day = await nextDay(d.helpers, offset);
        const pa = await authorize(d, alice, "before midnight", ONE, { shop });
        const pb = await authorize(d, bob, "at midnight", 2n * ONE, { shop });
        const midnight = BigInt(dayStart(day + 1n, offset));
        await d.helpers.time.setNextBlockTimestamp(midnight - 1n);
        await expect(shop.connect(d.operator).capture(pa, ONE))
          .to.emit(shop, "OrderCounted")
          .withArgs(pa.orderHash, alice.address, day, 0n, 2n, ONE);
        await d.helpers.time.setNextBlockTimestamp(midnight);
        await expect(shop.connect(d.operator).capture(pb, 2n * ONE))
          .to.emit(shop, "OrderCounted")
          .withArgs(pb.orderHash, bob.address, day + 1n, 0n, 2n, 2n * ONE);
        expect(dayOf(midnight - 1n, offset)).to.equal(day);
        expect(await shop.dayRecord(day)).to.deep.equal([ONE, 1n, false]);
        expect(await shop.dayRecord(day + 1n)).to.deep.equal([2n * ONE, 1n, false]);
        expect((await tokenDayOf(shop, 0, day)).escrowed).to.equal(dividendOf(ONE, WUYOU_RULES));
        expect((await tokenDayOf(shop, 0, day + 1n)).escrowed).to.equal(dividendOf(2n * ONE, WUYOU_RULES));
      });

      it(`${label}: authorized on one day and captured on the next, the revenue is the capture day's`, async () => {
        const d = await load();
        const [, , , alice] = d.signers;
        const shop = offset === UTC_PLUS_8 ? d.shop : await addShop(d, d.admin, d.operator, offset, "Far West");
        if (offset !== UTC_PLUS_8) await addToken(d, tokenParams(WUYOU_RULES), shop);
        const day = await nextDay(d.helpers, offset);
        const midnight = BigInt(dayStart(day + 1n, offset));
        await d.helpers.time.setNextBlockTimestamp(midnight - 1n);
        const expiry = midnight + 30n * BigInt(DAY);
        const p = await paymentOf(
          shop,
          await shop.connect(alice).authorize(hashOf("overnight"), ZeroAddress, expiry, { value: ONE }),
        );
        await d.helpers.time.setNextBlockTimestamp(midnight);
        await shop.connect(d.operator).capture(p, ONE);
        expect(await shop.dayRecord(day)).to.deep.equal([0n, 0n, false]);
        expect(await shop.dayRecord(day + 1n)).to.deep.equal([ONE, 1n, false]);
        // The day of the authorization owes nothing: it cannot be settled.
        await nextDay(d.helpers, offset);
        await nextDay(d.helpers, offset);
        await expect(shop.settle(day)).to.be.revertedWithCustomError(shop, "ShopNothingToSettle").withArgs(day);
        await shop.settle(day + 1n);
        expect((await shop.dayRecord(day + 1n)).settled).to.equal(true);
      });
    }
  });

  describe("held money is untouchable by roles", () => {
    it("the admin's withdraw cannot take held or owed coin: more than the merchant balance reverts", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const a = await attackerOf(d);
      await a.customer.setMode(MODE.Revert);
      await d.shop.connect(alice).charge(hashOf("revenue"), ZeroAddress, { value: ONE });
      await authorize(d, alice, "held", 5n * ONE);
      const owedPayment = await attackerAuthorizes(d, a, "owed", 2n * ONE);
      await d.shop.connect(d.operator).void(owedPayment);
      const balance = await d.shop.merchantBalance();
      expect(await coinOf(d)).to.equal(balance + 7n * ONE);
      await expect(d.shop.connect(d.admin).withdraw(d.admin.address, balance + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInsufficientBalance")
        .withArgs(balance, balance + 1n);
      await d.shop.connect(d.admin).withdraw(d.admin.address, balance);
      await expect(d.shop.connect(d.admin).withdraw(d.admin.address, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInsufficientBalance")
        .withArgs(0n, 1n);
      expect(await coinOf(d)).to.equal(7n * ONE);
      expect(await d.shop.payment(hashOf("held"), alice.address)).to.deep.equal([STATUS.Held, 5n * ONE]);
      expect(await d.shop.returnsOwed(a.address)).to.equal(2n * ONE);
    });

    it("settle never uses held coin: an unfunded day stays underfunded though the shop holds enough", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const recorded = 10n * ONE;
      await d.shop.connect(d.operator).recordOrder(order("recorded", alice.address, recorded));
      const p = await authorize(d, bob, "held", 50n * ONE);
      await nextDay(d.helpers);
      const debt = owedOf([recorded], WUYOU_RULES);
      expect(await d.shop.merchantBalance()).to.equal(0n);
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, debt, 0n, debt);
      // Part-funded, it still does not touch the held coin.
      await d.shop.deposit({ value: debt - 1n });
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, debt, debt - 1n, 1n);
      await d.shop.settle(day, { value: 1n });
      expect(await d.shop.merchantBalance()).to.equal(0n);
      expect(await coinOf(d)).to.equal(50n * ONE);
      await expect(d.shop.connect(d.operator).void(p)).to.changeEtherBalances(d.ethers, [bob], [50n * ONE]);
    });
  });
});
