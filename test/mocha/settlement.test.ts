import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  addShop,
  addToken,
  DAY,
  dayStart,
  dividendOf,
  escrowOf,
  earned,
  hashOf,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  rulesWith,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import type { DividendToken, Shop } from "../../types/ethers-contracts/index.js";

async function coinOf(d: Deployment, contract: Shop | DividendToken): Promise<bigint> {
  return d.ethers.provider.getBalance(await contract.getAddress());
}

describe("Shop settlement", () => {
  describe("when a day may be settled", () => {
    it("settle reverts ShopDayNotOver for today and for a future day", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopDayNotOver").withArgs(day, day);
      await expect(d.shop.settle(day + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopDayNotOver")
        .withArgs(day + 1n, day);
    });

    it("settle reverts ShopNothingToSettle for a past day without orders or without dividends owed", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // One wei at 20 % owes 0.2 wei, which rounds to nothing.
      await d.shop.connect(d.operator).recordOrder(order("dust", alice.address, 1n));
      await nextDay(d.helpers);
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.settle(day - 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopNothingToSettle")
        .withArgs(day - 1n);
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopNothingToSettle").withArgs(day);
    });

    it("settle reverts ShopNothingToSettle for a day with revenue when no token has a dividend share", async () => {
      const d = await load(rulesWith({ dividendBps: 0n }));
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      await nextDay(d.helpers);
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopNothingToSettle").withArgs(day);
    });

    it("settle reverts ShopDayAlreadySettled the second time", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      await nextDay(d.helpers);
      await d.shop.deposit({ value: ONE });
      await d.shop.settle(day);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopDayAlreadySettled").withArgs(day);
      await expect(d.shop.connect(d.signers[9]).settle(day, { value: ONE }))
        .to.be.revertedWithCustomError(d.shop, "ShopDayAlreadySettled")
        .withArgs(day);
    });
  });

  describe("what a settlement pays", () => {
    it("pays each token its owed share, from escrow first and the merchant balance for the rest", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const mallRules = rulesWith({ dividendBps: 500n, spendPerToken: ONE });
      const { token: mall } = await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      const recorded = 7n * ONE + 3n;
      const paid = 2n * ONE + 9_999n;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      await d.shop.connect(bob).checkout(hashOf("c"), ZeroAddress, { value: paid });
      const owed0 = owedOf([recorded, paid], WUYOU_RULES);
      const owed1 = owedOf([recorded, paid], mallRules);
      const escrow0 = escrowOf([recorded], paid, WUYOU_RULES);
      const escrow1 = escrowOf([recorded], paid, mallRules);
      const required = owed0 - escrow0 + owed1 - escrow1;
      expect(await d.shop.tokenDay(0, day)).to.deep.equal([owed0, escrow0]);
      expect(await d.shop.tokenDay(1, day)).to.deep.equal([owed1, escrow1]);
      await nextDay(d.helpers);
      await d.shop.deposit({ value: required });
      const balanceBefore = await d.shop.merchantBalance();
      const keeper = d.signers[9];
      const tx = d.shop.connect(keeper).settle(day);
      await expect(tx)
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, owed0 + owed1, required);
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, owed0);
      await expect(tx).to.emit(mall, "DividendsDistributed").withArgs(day, owed1);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [d.shop, d.token, mall],
        [-required, owed0 - escrow0, owed1 - escrow1],
      );
      expect(await d.shop.merchantBalance()).to.equal(balanceBefore - required);
      expect(await coinOf(d, d.shop)).to.equal(await d.shop.merchantBalance());
      expect(await coinOf(d, d.token)).to.equal(owed0);
      expect(await coinOf(d, mall)).to.equal(owed1);
      // The holders share it pro rata.
      for (const [token, owed] of [
        [d.token, owed0],
        [mall, owed1],
      ] as const) {
        const supply = await token.totalSupply();
        const delta = perShare(owed, supply);
        const a = await token.claimable(alice.address);
        const b = await token.claimable(bob.address);
        expect(a).to.equal(earned(await token.balanceOf(alice.address), delta));
        expect(b).to.equal(earned(await token.balanceOf(bob.address), delta));
        expect(a + b <= owed).to.equal(true);
        expect(owed - (a + b) <= 2n).to.equal(true);
      }
    });

    it("a day of checkouts alone is paid from escrow, even with an empty merchant balance", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // Multiples of 10000 wei: the escrow is exactly what the day owes.
      await d.shop.connect(alice).checkout(hashOf("c1"), ZeroAddress, { value: 10_000n * 7n });
      await d.shop.connect(alice).checkout(hashOf("c2"), ZeroAddress, { value: 10_000n * 3n });
      const owed = owedOf([70_000n, 30_000n], WUYOU_RULES);
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      expect(await d.shop.merchantBalance()).to.equal(0n);
      await nextDay(d.helpers);
      const tx = d.shop.settle(day);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, d.admin.address, owed, 0n);
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, owed);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop, d.token], [0n, 0n]);
      expect(await d.token.claimable(alice.address)).to.equal(
        earned(await d.token.totalSupply(), perShare(owed, await d.token.totalSupply())),
      );
    });

    it("escrows at checkout the whole wei that an earlier recorded order's rounding left", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // The recorded order owes 2000.8 wei (2000 whole); the checkout brings the day to 4001.6 (4001 whole).
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 10_004n));
      await d.shop.connect(alice).checkout(hashOf("c"), ZeroAddress, { value: 10_004n });
      const escrow = escrowOf([10_004n], 10_004n, WUYOU_RULES);
      expect(escrow).to.equal(dividendOf(10_004n, WUYOU_RULES) + 1n);
      const owed = owedOf([10_004n, 10_004n], WUYOU_RULES);
      expect(await d.shop.tokenDay(0, day)).to.deep.equal([owed, escrow]);
      const balance = await d.shop.merchantBalance();
      await nextDay(d.helpers);
      await expect(d.shop.settle(day))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, d.admin.address, owed, owed - escrow);
      expect(await d.shop.merchantBalance()).to.equal(balance - (owed - escrow));
    });

    it("reverts ShopSettlementUnderfunded with the exact required, available and missing amounts", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const recorded = 3n * ONE + 1234n;
      const paid = ONE / 2n + 77n;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      await d.shop.connect(bob).checkout(hashOf("c"), ZeroAddress, { value: paid });
      const required = owedOf([recorded, paid], WUYOU_RULES) - escrowOf([recorded], paid, WUYOU_RULES);
      const fromCheckout = paid - escrowOf([recorded], paid, WUYOU_RULES);
      expect(await d.shop.merchantBalance()).to.equal(fromCheckout);
      await nextDay(d.helpers);
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, fromCheckout, required - fromCheckout);
      // The call's value counts as available.
      const value = (required - fromCheckout) / 2n;
      await expect(d.shop.settle(day, { value }))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, fromCheckout + value, required - fromCheckout - value);
      // One wei short is short.
      await d.shop.deposit({ value: required - fromCheckout - 1n });
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, required - 1n, 1n);
      expect((await d.shop.dayRecord(day)).settled).to.equal(false);
    });

    it("adds the call's value to the merchant balance and takes what is required", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const recorded = 5n * ONE;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      const required = owedOf([recorded], WUYOU_RULES);
      const prepaid = required / 4n;
      await d.shop.deposit({ value: prepaid });
      await nextDay(d.helpers);
      const keeper = d.signers[9];
      const value = required; // more than the missing part: the rest stays in the merchant balance
      const tx = d.shop.connect(keeper).settle(day, { value });
      await expect(tx).to.emit(d.shop, "Deposited").withArgs(keeper.address, value);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, keeper.address, required, required);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [keeper, d.shop, d.token],
        [-value, value - required, required],
      );
      expect(await d.shop.merchantBalance()).to.equal(prepaid + value - required);
    });

    it("lets anyone settle a funded day", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const stranger = d.signers[12];
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, ONE));
      await d.shop.deposit({ value: ONE });
      await nextDay(d.helpers);
      const owed = owedOf([ONE], WUYOU_RULES);
      await expect(d.shop.connect(stranger).settle(day))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, stranger.address, owed, owed);
      expect(await d.shop.merchantBalance()).to.equal(ONE - owed);
    });

    it("pays a token only for days on which it had a share", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, ONE));
      // A token created after the day's orders, and one without dividends.
      const { token: later } = await addToken(d, tokenParams(rulesWith({ dividendBps: 100n }), { symbol: "L" }));
      const { token: none } = await addToken(d, tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "N" }));
      await d.shop.deposit({ value: ONE });
      await nextDay(d.helpers);
      const tx = d.shop.settle(day);
      await expect(tx)
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day, owedOf([ONE], WUYOU_RULES));
      await expect(tx).to.not.emit(later, "DividendsDistributed");
      await expect(tx).to.not.emit(none, "DividendsDistributed");
      await expect(tx).to.changeEtherBalances(d.ethers, [later, none], [0n, 0n]);
    });
  });

  describe("checkout escrow keeps a day funded (PROTOCOL: path 3)", () => {
    // Known contract bug: each checkout escrows floor(amount * bps / 10000) while the day owes
    // floor(sum(amount * bps) / 10000), so a day of checkouts alone can owe a few wei more than its escrow. Once the
    // merchant withdraws its balance, that day cannot be settled without new money, although the brief says checkout
    // escrow means "that day can never be underfunded". This test fails until the escrow covers the rounding.
    it("settle of a checkout-only day needs no merchant balance, even when each escrow rounds down", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(alice).checkout(hashOf("c1"), ZeroAddress, { value: 10_004n });
      await d.shop.connect(bob).checkout(hashOf("c2"), ZeroAddress, { value: 10_004n });
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      const [owed, escrowed] = await d.shop.tokenDay(0, day);
      expect(owed).to.equal(owedOf([10_004n, 10_004n], WUYOU_RULES));
      expect(escrowed, "checkout escrow should cover what the day owes").to.equal(owed);
      await expect(d.shop.settle(day)).to.emit(d.shop, "DaySettled");
    });
  });

  describe("day boundaries at the shop's local midnight", () => {
    const offsets: Record<string, number> = { "UTC+8": UTC_PLUS_8, "UTC-5": -5 * 3600, "UTC+14": 14 * 3600 };
    for (const [zone, offset] of Object.entries(offsets)) {
      it(`counts orders just before and at local midnight on different days (${zone})`, async () => {
        const d = await load();
        const [, , , alice, bob] = d.signers;
        let shop = d.shop;
        if (offset !== UTC_PLUS_8) {
          shop = await addShop(d, d.admin, d.operator, offset);
          await addToken(d, tokenParams(WUYOU_RULES), shop);
        }
        const day = await nextDay(d.helpers, offset);
        const midnight = dayStart(day + 1n, offset);
        await d.helpers.time.setNextBlockTimestamp(midnight - 1);
        await expect(shop.connect(d.operator).recordOrder(order("late", alice.address, ONE)))
          .to.emit(shop, "OrderCounted")
          .withArgs(hashOf("late"), alice.address, day, 0, ONE);
        await d.helpers.time.setNextBlockTimestamp(midnight);
        await expect(shop.connect(d.operator).recordOrder(order("early", bob.address, 2n * ONE)))
          .to.emit(shop, "OrderCounted")
          .withArgs(hashOf("early"), bob.address, day + 1n, 0, 2n * ONE);
        expect(await shop.today()).to.equal(day + 1n);
        expect((await shop.dayRecord(day)).revenue).to.equal(ONE);
        expect((await shop.dayRecord(day + 1n)).revenue).to.equal(2n * ONE);
        // The first day is over at midnight; the second only at the next one.
        await shop.deposit({ value: ONE });
        await expect(shop.settle(day)).to.emit(shop, "DaySettled");
        await d.helpers.time.setNextBlockTimestamp(midnight + 86_400 - 1);
        await expect(shop.settle(day + 1n))
          .to.be.revertedWithCustomError(shop, "ShopDayNotOver")
          .withArgs(day + 1n, day + 1n);
        await d.helpers.time.setNextBlockTimestamp(midnight + 86_400);
        await expect(shop.settle(day + 1n)).to.emit(shop, "DaySettled");
      });
    }
  });

  describe("rollover", () => {
    it("a day settled while the token has no holders is paid in the token's next settlement", async () => {
      // No consumption minting, only a referral bonus: the first day's order, without a referrer, leaves the token
      // without holders.
      const rules = rulesWith({ spendPerToken: 0n, referralsPerToken: 1n });
      const d = await load(rules, { noticePeriod: DAY });
      const [, , , alice, bob] = d.signers;
      const day1 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("d1", alice.address, 3n * ONE));
      const owed1 = owedOf([3n * ONE], rules);
      await d.shop.deposit({ value: 10n * ONE });
      await nextDay(d.helpers);
      const tx1 = d.shop.settle(day1);
      await expect(tx1).to.emit(d.token, "DividendsRolledOver").withArgs(day1, owed1, owed1);
      await expect(tx1).to.not.emit(d.token, "DividendsDistributed");
      expect(await d.token.dividendState()).to.deep.equal([0n, 0n, owed1]);
      expect(await coinOf(d, d.token)).to.equal(owed1);
      expect((await d.shop.dayRecord(day1)).settled).to.equal(true);

      // Consumption minting switched on, after the notice period like every minting rule; day 2 has holders.
      const minting = rulesWith({ spendPerToken: ONE }, rules);
      await d.shop.changeRules(0, minting);
      const [, effectiveAt] = await d.shop.pendingRules(0);
      await d.helpers.time.increaseTo(effectiveAt);
      const day2 = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("d2a", alice.address, 2n * ONE));
      await d.shop.connect(d.operator).recordOrder(order("d2b", bob.address, ONE + 1n));
      const owed2 = owedOf([2n * ONE, ONE + 1n], minting);
      await nextDay(d.helpers);
      await expect(d.shop.settle(day2))
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day2, owed1 + owed2);
      const supply = await d.token.totalSupply();
      const delta = perShare(owed1 + owed2, supply);
      const a = await d.token.claimable(alice.address);
      const b = await d.token.claimable(bob.address);
      expect(a).to.equal(earned(2n * ONE, delta));
      expect(b).to.equal(earned(ONE + 1n, delta));
      const [accumulator, epoch, rollover] = await d.token.dividendState();
      expect(accumulator).to.equal(delta);
      expect(epoch).to.equal(1n);
      // What rounding left undistributed is carried, and it is below one wei per token of supply / 2^64.
      expect(rollover).to.equal(
        owed1 + owed2 - ((delta * supply) >> 64n) - ((delta * supply) % (1n << 64n) === 0n ? 0n : 1n),
      );
      expect(a + b + rollover <= owed1 + owed2).to.equal(true);
    });
  });

  describe("views", () => {
    it("unsettledDays lists past unsettled revenue days with what they owe and what escrow does not cover", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const mallRules = rulesWith({ dividendBps: 1000n });
      await addToken(d, tokenParams(mallRules));
      const countBefore = await d.shop.revenueDayCount();
      const day1 = await nextDay(d.helpers);
      const r1 = 4n * ONE + 5n;
      await d.shop.connect(d.operator).recordOrder(order("r1", alice.address, r1));
      const day2 = await nextDay(d.helpers);
      const r2 = ONE + 3n;
      const c2 = 3n * ONE + 10_007n;
      await d.shop.connect(d.operator).recordOrder(order("r2", alice.address, r2));
      await d.shop.connect(bob).checkout(hashOf("c2"), ZeroAddress, { value: c2 });
      const day3 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r3", alice.address, ONE));
      expect(await d.shop.revenueDayCount()).to.equal(countBefore + 3n);

      const owed1 = owedOf([r1], WUYOU_RULES) + owedOf([r1], mallRules);
      const owed2 = owedOf([r2, c2], WUYOU_RULES) + owedOf([r2, c2], mallRules);
      const escrow2 = escrowOf([r2], c2, WUYOU_RULES) + escrowOf([r2], c2, mallRules);
      const all = await d.shop.unsettledDays(countBefore, 10);
      // Today (day 3) is not over, so it is not listed.
      expect(all.map((u) => [u.day, u.owed, u.unfunded])).to.deep.equal([
        [day1, owed1, owed1],
        [day2, owed2, owed2 - escrow2],
      ]);
      expect((await d.shop.unsettledDays(countBefore, 1)).map((u) => u.day)).to.deep.equal([day1]);
      expect((await d.shop.unsettledDays(countBefore + 1n, 1)).map((u) => u.day)).to.deep.equal([day2]);
      expect(await d.shop.unsettledDays(countBefore + 2n, 5)).to.deep.equal([]);
      expect(await d.shop.unsettledDays(countBefore + 3n, 5)).to.deep.equal([]);
      expect(await d.shop.unsettledDays(countBefore + 50n, 5)).to.deep.equal([]);

      await d.shop.deposit({ value: 10n * ONE });
      await d.shop.settle(day1);
      expect((await d.shop.unsettledDays(countBefore, 10)).map((u) => u.day)).to.deep.equal([day2]);
      await nextDay(d.helpers);
      expect((await d.shop.unsettledDays(countBefore, 10)).map((u) => u.day)).to.deep.equal([day2, day3]);
    });

    it("tokenDay returns what each token is owed for a day and its escrow; dayRecord the revenue", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 12_345n));
      await d.shop.connect(bob).checkout(hashOf("c"), ZeroAddress, { value: 67_891n });
      expect(await d.shop.tokenDay(0, day)).to.deep.equal([
        owedOf([12_345n, 67_891n], WUYOU_RULES),
        escrowOf([12_345n], 67_891n, WUYOU_RULES),
      ]);
      expect(await d.shop.tokenDay(0, day + 1n)).to.deep.equal([0n, 0n]);
      expect(await d.shop.dayRecord(day)).to.deep.equal([12_345n + 67_891n, 2n, false]);
    });
  });
});
