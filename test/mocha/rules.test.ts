import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import {
  addToken,
  BPS,
  consumptionOf,
  DAY,
  DEFAULT_NOTICE,
  earned,
  escrowOf,
  hashOf,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  rulesOf,
  rulesTuple,
  rulesWith,
  tokenDayOf,
  tokenParams,
  unsettledOf,
  UTC_PLUS_8,
  WUYOU_RULES,
  ZERO_RULES,
  type Deployment,
  type Rules,
} from "./fixture.js";

/** Rules with every "one per N" and minimum field set, so that each can move either way. */
const BASE: Rules = rulesWith({ referralsPerToken: 3n, minFirstOrder: 10n ** 17n, maxSupply: 1000n * ONE });
const NOTICE = 2 * DAY;

/** Changes rules as the admin and returns the block timestamp of the change. */
async function change(d: Deployment, rules: Rules, tokenIndex = 0): Promise<number> {
  const tx = await d.shop.changeRules(tokenIndex, rules);
  const receipt = await tx.wait();
  const block = await d.ethers.provider.getBlock(receipt!.blockNumber);
  return block!.timestamp;
}

async function storedRules(d: Deployment, tokenIndex = 0): Promise<Rules> {
  return rulesOf((await d.shop.tokenConfig(tokenIndex)).rules);
}

/** Checks that token `tokenIndex` has no pending change, in every view that shows one. */
async function expectNothingPending(d: Deployment, tokenIndex = 0): Promise<void> {
  const [pending, effectiveAt] = await d.shop.pendingRules(tokenIndex);
  expect(rulesOf(pending)).to.deep.equal(ZERO_RULES);
  expect(effectiveAt).to.equal(0n);
  const config = await d.shop.tokenConfig(tokenIndex);
  expect(config.pendingAt).to.equal(0n);
  expect(rulesOf(config.pending)).to.deep.equal(ZERO_RULES);
}

describe("Shop rules and notice", () => {
  describe("only a raise of dividendBps (or no change) applies at once", () => {
    const atOnce: Record<string, Partial<Rules>> = {
      "a higher dividendBps": { dividendBps: BASE.dividendBps + 1n },
      "the highest dividendBps (10000 in all)": { dividendBps: BPS },
      "no change at all": {},
    };
    for (const [what, overrides] of Object.entries(atOnce)) {
      it(`changeRules applies ${what} at once`, async () => {
        const d = await load(BASE, { noticePeriod: NOTICE });
        const next = rulesWith(overrides, BASE);
        await expect(d.shop.changeRules(0, next))
          .to.emit(d.shop, "RulesChanged")
          .withArgs(0, rulesTuple(next))
          .and.to.not.emit(d.shop, "RulesChangeScheduled");
        expect(await storedRules(d)).to.deep.equal(next);
        expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(next);
        await expectNothingPending(d);
      });
    }
  });

  describe("the day's dividend rate: fixed at the day's first order, raised by a raise, lowered only from the next day", () => {
    it("a raise made mid-day applies to the whole day, the orders before it included (v1: only to later orders)", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("before", alice.address, 10_000n));
      await d.shop.connect(bob).charge(hashOf("paid before"), ZeroAddress, { value: 20_000n });
      expect((await tokenDayOf(d.shop, 0, day)).dividendBps).to.equal(2000n);
      await d.shop.changeRules(0, rulesWith({ dividendBps: 3000n }));
      expect((await tokenDayOf(d.shop, 0, day)).dividendBps).to.equal(3000n);
      await d.shop.connect(d.operator).recordOrder(order("after", alice.address, 10_000n));
      const t = await tokenDayOf(d.shop, 0, day);
      expect(t.owed).to.equal((40_000n * 3000n) / BPS);
      // The checkout escrowed at the rate of its time; the raise's extra on it is debt for the merchant.
      expect(t.escrowed).to.equal(escrowOf([10_000n], 20_000n, WUYOU_RULES));
      await nextDay(d.helpers);
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, t.owed, t.owed - t.escrowed]]);
      // The next day opens at the raised rate too.
      await d.shop.connect(d.operator).recordOrder(order("next", alice.address, 10_000n));
      expect((await tokenDayOf(d.shop, 0, day + 1n)).dividendBps).to.equal(3000n);
    });

    it("a raise made before the day's first order sets the day's rate, and a raise of a day without orders leaves it empty", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.changeRules(0, rulesWith({ dividendBps: 2500n }));
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal({
        revenue: 0n,
        dividendBps: 0n,
        owed: 0n,
        escrowed: 0n,
        escrowReleased: false,
        settled: false,
      });
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, 10_000n));
      expect((await tokenDayOf(d.shop, 0, day)).dividendBps).to.equal(2500n);
      // A second raise the same day raises the day's rate again.
      await d.shop.changeRules(0, rulesWith({ dividendBps: 2600n }));
      expect((await tokenDayOf(d.shop, 0, day)).dividendBps).to.equal(2600n);
      expect((await tokenDayOf(d.shop, 0, day)).owed).to.equal(2600n);
    });

    it("a scheduled lowering that falls due mid-day applies from the next day (v1: from the next order)", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice, bob] = d.signers;
      // The change falls due at noon of day D; orders at 06:00 and 18:00 of D, and at 06:00 of D + 1.
      const day = await nextDay(d.helpers, UTC_PLUS_8, 12 * 3600);
      const lower = rulesWith({ dividendBps: 1000n });
      const at = await change(d, lower);
      await nextDay(d.helpers, UTC_PLUS_8, 6 * 3600);
      await d.shop.connect(d.operator).recordOrder(order("morning", alice.address, 10_000n));
      await d.helpers.time.increaseTo(at + DAY + 6 * 3600);
      await expect(d.shop.connect(d.operator).recordOrder(order("evening", bob.address, 10_000n)))
        .to.emit(d.shop, "RulesChanged")
        .withArgs(0, rulesTuple(lower));
      // The rules are lowered, but the day keeps its rate: its holders were promised 20 % of it.
      expect(await storedRules(d)).to.deep.equal(lower);
      const t = await tokenDayOf(d.shop, 0, day + 1n);
      expect([t.dividendBps, t.owed]).to.deep.equal([2000n, (20_000n * 2000n) / BPS]);
      await nextDay(d.helpers, UTC_PLUS_8, 6 * 3600);
      await d.shop.connect(d.operator).recordOrder(order("next morning", alice.address, 10_000n));
      const next = await tokenDayOf(d.shop, 0, day + 2n);
      expect([next.dividendBps, next.owed]).to.deep.equal([1000n, (10_000n * 1000n) / BPS]);
    });

    it("a scheduled change that raises dividendBps (with another field) and falls due mid-day also applies from the next day", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      await nextDay(d.helpers, UTC_PLUS_8, 12 * 3600);
      const next = rulesWith({ dividendBps: 3000n, spendPerToken: WUYOU_RULES.spendPerToken * 2n });
      const at = await change(d, next);
      const day = await nextDay(d.helpers, UTC_PLUS_8, 6 * 3600);
      await d.shop.connect(d.operator).recordOrder(order("morning", alice.address, 10_000n));
      await d.helpers.time.increaseTo(at + DAY + 3600);
      await d.shop.applyPendingRules(0);
      expect(await storedRules(d)).to.deep.equal(next);
      // Only an at-once raise lifts the day's rate; a raise that comes with a scheduled change waits for midnight.
      await d.shop.connect(d.operator).recordOrder(order("afternoon", alice.address, 10_000n));
      const t = await tokenDayOf(d.shop, 0, day);
      expect([t.dividendBps, t.owed]).to.deep.equal([2000n, (20_000n * 2000n) / BPS]);
      await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("next day", alice.address, 10_000n));
      expect((await tokenDayOf(d.shop, 0, day + 1n)).dividendBps).to.equal(3000n);
    });

    it("a scheduled lowering due before a day's first order applies to that whole day", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      await change(d, rulesWith({ dividendBps: 1000n }));
      const day = await nextDay(d.helpers, UTC_PLUS_8, 20 * 3600);
      await d.shop.connect(d.operator).recordOrder(order("after due", alice.address, 10_000n));
      expect((await tokenDayOf(d.shop, 0, day)).dividendBps).to.equal(1000n);
    });

    it("the 100 % cap counts today's rates: a lowering that fell due today still reserves the old rate until midnight", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      await nextDay(d.helpers, UTC_PLUS_8, 12 * 3600);
      const at = await change(d, rulesWith({ dividendBps: 1000n }));
      await nextDay(d.helpers, UTC_PLUS_8, 6 * 3600);
      await d.shop.connect(d.operator).recordOrder(order("morning", alice.address, 10_000n));
      await d.helpers.time.increaseTo(at + DAY + 3600);
      await d.shop.applyPendingRules(0);
      expect((await storedRules(d)).dividendBps).to.equal(1000n);
      // Today token 0 still owes 20 %: a new token may take 80 %, not 90 %.
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 8001n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      const { index } = await addToken(d, tokenParams(rulesWith({ dividendBps: 8000n })));
      // Nor may that token rise today past the 20 % token 0 still owes.
      await expect(d.shop.changeRules(index, rulesWith({ dividendBps: 8001n })))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      // From the next day, token 0's day rate is its new 10 %.
      await nextDay(d.helpers);
      await d.shop.changeRules(index, rulesWith({ dividendBps: 9000n }));
      expect((await storedRules(d, Number(index))).dividendBps).to.equal(9000n);
    });
  });

  describe("every other change waits for the notice period, more generous minting too", () => {
    // More generous minting dilutes the holders: at once, it would let the merchant mint to an insider just before
    // settling an unsettled day. Stingier minting short-changes contributors; the pool ratio and the cap likewise.
    const scheduled: Record<string, Partial<Rules>> = {
      "a lower spendPerToken": { spendPerToken: BASE.spendPerToken - 1n },
      "a spendPerToken of 1 wei": { spendPerToken: 1n },
      "a higher referralBps": { referralBps: BASE.referralBps + 500n },
      "a lower minFirstOrder": { minFirstOrder: 0n },
      "a lower referralsPerToken": { referralsPerToken: BASE.referralsPerToken - 1n },
      "all generous minting changes together": {
        spendPerToken: BASE.spendPerToken / 2n,
        referralBps: 2000n,
        minFirstOrder: 1n,
        referralsPerToken: 1n,
      },
      "a raise of dividendBps with a more generous field": {
        dividendBps: 5000n,
        spendPerToken: BASE.spendPerToken / 2n,
      },
      "a lower dividendBps": { dividendBps: BASE.dividendBps - 1n },
      "a higher spendPerToken": { spendPerToken: BASE.spendPerToken + 1n },
      "disabling consumption (spendPerToken 0)": { spendPerToken: 0n },
      "a lower referralBps": { referralBps: BASE.referralBps - 1n },
      "a higher minFirstOrder": { minFirstOrder: BASE.minFirstOrder + 1n },
      "a higher referralsPerToken": { referralsPerToken: BASE.referralsPerToken + 1n },
      "disabling the referral bonus (referralsPerToken 0)": { referralsPerToken: 0n },
      "a higher pool ratio": { poolNum: 2n },
      "a lower pool ratio": { poolDen: 10n },
      "disabling the pool": { poolNum: 0n, poolDen: 0n },
      "a higher maxSupply": { maxSupply: BASE.maxSupply + 1n },
      "a lower maxSupply": { maxSupply: BASE.maxSupply - 1n },
      "removing the cap (maxSupply 0)": { maxSupply: 0n },
      "a raise mixed with a stingier field": { dividendBps: 5000n, spendPerToken: BASE.spendPerToken * 2n },
    };
    for (const [what, overrides] of Object.entries(scheduled)) {
      it(`changeRules schedules ${what} for now + noticePeriod`, async () => {
        const d = await load(BASE, { noticePeriod: NOTICE });
        const next = rulesWith(overrides, BASE);
        const tx = d.shop.changeRules(0, next);
        await expect(tx).to.not.emit(d.shop, "RulesChanged");
        const at = await d.helpers.time.latest();
        await expect(tx)
          .to.emit(d.shop, "RulesChangeScheduled")
          .withArgs(0, rulesTuple(next), at + NOTICE);
        const [pending, effectiveAt] = await d.shop.pendingRules(0);
        expect(rulesOf(pending)).to.deep.equal(next);
        expect(effectiveAt).to.equal(BigInt(at + NOTICE));
        expect((await d.shop.tokenConfig(0)).pendingAt).to.equal(BigInt(at + NOTICE));
        expect(await storedRules(d)).to.deep.equal(BASE);
        expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(BASE);
        // currentRules shows the change once it is due, before anything applies it.
        await d.helpers.time.increaseTo(at + NOTICE);
        expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(next);
        expect(await storedRules(d)).to.deep.equal(BASE);
      });
    }

    const enabling: Record<string, [Partial<Rules>, Partial<Rules>]> = {
      "enabling consumption (spendPerToken from 0)": [
        { spendPerToken: 0n, referralsPerToken: 3n },
        { spendPerToken: ONE },
      ],
      "enabling the referral bonus (referralsPerToken from 0)": [{ referralsPerToken: 0n }, { referralsPerToken: 5n }],
    };
    for (const [what, [base, change]] of Object.entries(enabling)) {
      it(`changeRules schedules ${what} (0 disables: enabling is the most generous change)`, async () => {
        const off = rulesWith(base);
        const d = await load(off, { noticePeriod: NOTICE });
        const next = rulesWith(change, off);
        await expect(d.shop.changeRules(0, next))
          .to.emit(d.shop, "RulesChangeScheduled")
          .and.to.not.emit(d.shop, "RulesChanged");
        expect(await storedRules(d)).to.deep.equal(off);
        expect(rulesOf((await d.shop.pendingRules(0))[0])).to.deep.equal(next);
      });
    }

    it("a merchant cannot mint to an insider at a generous rate before settling an unsettled day: the holders keep their share", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice, bob, insider] = d.signers;
      const day = await nextDay(d.helpers);
      // The day's customers buy 3 and 6 tokens' worth; the day is not settled yet.
      const amounts = [WUYOU_RULES.spendPerToken * 3n, WUYOU_RULES.spendPerToken * 6n];
      await d.shop.connect(d.operator).recordOrder(order("alice", alice.address, amounts[0]));
      await d.shop.connect(d.operator).recordOrder(order("bob", bob.address, amounts[1]));
      // The merchant lowers spendPerToken to 1 wei (10^18 tokens per wei of order): only scheduled.
      const generous = rulesWith({ spendPerToken: 1n });
      const at = await change(d, generous);
      expect((await d.shop.pendingRules(0))[1]).to.equal(BigInt(at + DAY));
      expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(WUYOU_RULES);
      // An insider's order right away, and another the next day (still within the notice), mint at the old rate.
      const insiderAmount = WUYOU_RULES.spendPerToken;
      await expect(
        d.shop.connect(d.operator).recordOrder(order("insider", insider.address, insiderAmount)),
      ).to.not.emit(d.shop, "RulesChanged");
      amounts.push(insiderAmount);
      await nextDay(d.helpers, UTC_PLUS_8, 3600);
      expect(BigInt(await d.helpers.time.latest()) < BigInt(at + DAY)).to.equal(true);
      await d.shop.connect(d.operator).recordOrder(order("insider-2", insider.address, 1n));
      const insiderTokens = consumptionOf(insiderAmount, WUYOU_RULES) + consumptionOf(1n, WUYOU_RULES);
      expect(await d.token.balanceOf(insider.address)).to.equal(insiderTokens);
      // Settling the day now shares it by the tokens minted at the old rate.
      const owed = owedOf(amounts, WUYOU_RULES);
      await d.shop.settle(day, { value: owed });
      const supply = await d.token.totalSupply();
      expect(supply).to.equal(9n * ONE + insiderTokens);
      const delta = perShare(owed, supply);
      expect(await d.token.claimable(alice.address)).to.equal(earned(3n * ONE, delta));
      expect(await d.token.claimable(bob.address)).to.equal(earned(6n * ONE, delta));
      // Holders of 9 of the 10-odd tokens keep about nine tenths of the day's dividends.
      const holders = (await d.token.claimable(alice.address)) + (await d.token.claimable(bob.address));
      expect(holders * 10n > owed * 8n).to.equal(true);
      // The generous rate applies only once the notice has passed, for orders made after it.
      await d.helpers.time.increaseTo(at + DAY);
      await d.shop.connect(d.operator).recordOrder(order("insider-3", insider.address, 1n));
      expect(await d.token.balanceOf(insider.address)).to.equal(insiderTokens + consumptionOf(1n, generous));
    });
  });

  describe("notice period mechanics", () => {
    it("uses the default notice period of 7 days", async () => {
      const d = await load();
      const at = await change(d, rulesWith({ dividendBps: 1000n }));
      expect((await d.shop.pendingRules(0))[1]).to.equal(BigInt(at + DEFAULT_NOTICE));
      expect((await d.shop.tokenConfig(0)).noticePeriod).to.equal(BigInt(DEFAULT_NOTICE));
    });

    it("applies a due change at the first order at or after effectiveAt, not before", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers, UTC_PLUS_8, 6 * 3600);
      const next = rulesWith({ dividendBps: 1000n, spendPerToken: WUYOU_RULES.spendPerToken * 2n });
      const at = await change(d, next);
      const effectiveAt = at + DAY;
      const amount = WUYOU_RULES.spendPerToken * 3n;
      // Both orders fall on the next day, one second apart.
      await d.helpers.time.setNextBlockTimestamp(effectiveAt - 1);
      await expect(d.shop.connect(d.operator).recordOrder(order("old", alice.address, amount))).to.not.emit(
        d.shop,
        "RulesChanged",
      );
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(amount, WUYOU_RULES));
      await d.helpers.time.setNextBlockTimestamp(effectiveAt);
      await expect(d.shop.connect(d.operator).recordOrder(order("new", bob.address, amount)))
        .to.emit(d.shop, "RulesChanged")
        .withArgs(0, rulesTuple(next));
      expect(await d.token.balanceOf(bob.address)).to.equal(consumptionOf(amount, next));
      expect(await storedRules(d)).to.deep.equal(next);
      // A due change applied by an order leaves nothing pending (v1 kept showing the applied change).
      await expectNothingPending(d);
      // The lower dividend share applies from the next day: the day keeps its first order's rate.
      const t = await tokenDayOf(d.shop, 0, day + 1n);
      expect([t.dividendBps, t.owed]).to.deep.equal([2000n, (2n * amount * WUYOU_RULES.dividendBps) / BPS]);
    });

    it("applyPendingRules applies a due change for anyone; ShopRulesNotDue before, ShopNoPendingRules after", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const stranger = d.signers[9];
      await expect(d.shop.connect(stranger).applyPendingRules(0))
        .to.be.revertedWithCustomError(d.shop, "ShopNoPendingRules")
        .withArgs(0);
      const next = rulesWith({ referralBps: 0n });
      const at = await change(d, next);
      await d.helpers.time.setNextBlockTimestamp(at + DAY - 1);
      await expect(d.shop.connect(stranger).applyPendingRules(0))
        .to.be.revertedWithCustomError(d.shop, "ShopRulesNotDue")
        .withArgs(0, at + DAY);
      await d.helpers.time.setNextBlockTimestamp(at + DAY);
      await expect(d.shop.connect(stranger).applyPendingRules(0))
        .to.emit(d.shop, "RulesChanged")
        .withArgs(0, rulesTuple(next));
      expect(await storedRules(d)).to.deep.equal(next);
      // Nothing is pending once it applied (v1's pendingRules kept returning the applied rules).
      await expectNothingPending(d);
      await expect(d.shop.connect(stranger).applyPendingRules(0))
        .to.be.revertedWithCustomError(d.shop, "ShopNoPendingRules")
        .withArgs(0);
    });

    it("mintFromPool applies a due change first (a lowered cap stops it)", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice, host] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 9n));
      const supply = await d.token.totalSupply();
      const next = rulesWith({ maxSupply: supply });
      const at = await change(d, next);
      await d.helpers.time.setNextBlockTimestamp(at + DAY);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, 1n, id("r")))
        .to.be.revertedWithCustomError(d.shop, "ShopMaxSupplyExceeded")
        .withArgs(0, supply, supply + 1n);
    });

    it("a new scheduled change replaces the pending one and restarts the notice", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      await change(d, rulesWith({ dividendBps: 1500n }));
      await d.helpers.time.increase(3600);
      const second = rulesWith({ dividendBps: 1000n });
      const at = await change(d, second);
      const [pending, effectiveAt] = await d.shop.pendingRules(0);
      expect(rulesOf(pending)).to.deep.equal(second);
      expect(effectiveAt).to.equal(BigInt(at + DAY));
    });

    it("an at-once change drops a pending stingier change, and pendingRules returns all-zero rules and 0 (v1 kept the dropped rules)", async () => {
      const d = await load();
      await change(d, rulesWith({ dividendBps: 1000n }));
      const raise = rulesWith({ dividendBps: 2500n });
      await expect(d.shop.changeRules(0, raise))
        .to.emit(d.shop, "RulesChangeCancelled")
        .withArgs(0)
        .and.to.emit(d.shop, "RulesChanged")
        .withArgs(0, rulesTuple(raise));
      await expectNothingPending(d);
      await d.helpers.time.increase(DEFAULT_NOTICE + 1);
      expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(raise);
    });
  });

  describe("a scheduled maxSupply and the supply minted during the notice (PROTOCOL invariant 4)", () => {
    // changeRules checks a new maxSupply against the supply when the change is scheduled, but orders keep minting
    // under the old rules during the notice period: when the change applies, a cap below the supply reached applies
    // at that supply (nothing more mints), so the supply never exceeds the cap.
    it("applying a scheduled maxSupply never leaves the supply above the cap: it applies at the supply reached", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("a", alice.address, WUYOU_RULES.spendPerToken * 10n));
      const cap = (await d.token.totalSupply()) + ONE;
      const at = await change(d, rulesWith({ maxSupply: cap }));
      // Still under the old rules (no cap): 5 more tokens.
      await d.shop.connect(d.operator).recordOrder(order("b", bob.address, WUYOU_RULES.spendPerToken * 5n));
      await d.helpers.time.increaseTo(at + DAY);
      await d.shop.applyPendingRules(0);
      const config = await d.shop.tokenConfig(0);
      expect(config.minted).to.equal(15n * ONE);
      expect(config.rules.maxSupply).to.equal(config.minted);
      // Nothing more mints.
      await d.shop.connect(d.operator).recordOrder(order("c", bob.address, WUYOU_RULES.spendPerToken));
      expect(await d.token.totalSupply()).to.equal(config.minted);
    });
  });

  describe("pendingRules once nothing is pending (outside review, finding d)", () => {
    it("pendingRules returns all-zero rules and effectiveAt 0 after a cancel, after a due change applied, and after an at-once change replaced a pending one (v1 kept returning the old pending rules)", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      const stingier = rulesWith({ spendPerToken: WUYOU_RULES.spendPerToken * 2n });
      // 1. Scheduled, then cancelled.
      const at = await change(d, stingier);
      const [pending, effectiveAt] = await d.shop.pendingRules(0);
      expect([rulesOf(pending), effectiveAt]).to.deep.equal([stingier, BigInt(at + DAY)]);
      await d.shop.cancelRulesChange(0);
      await expectNothingPending(d);
      // 2. Scheduled, due, and applied by the first order after it.
      const at2 = await change(d, stingier);
      await d.helpers.time.increaseTo(at2 + DAY);
      // Due but not applied yet: still shown, with its (past) time.
      expect((await d.shop.pendingRules(0))[1]).to.equal(BigInt(at2 + DAY));
      await d.shop.connect(d.operator).recordOrder(order("applies", alice.address, ONE));
      expect(await storedRules(d)).to.deep.equal(stingier);
      await expectNothingPending(d);
      // 3. Scheduled, then replaced by an at-once raise.
      await change(d, rulesWith({ referralBps: 0n }, stingier));
      expect((await d.shop.pendingRules(0))[1]).to.not.equal(0n);
      const raise = rulesWith({ dividendBps: 2500n }, stingier);
      await expect(d.shop.changeRules(0, raise)).to.emit(d.shop, "RulesChangeCancelled").withArgs(0);
      expect(await storedRules(d)).to.deep.equal(raise);
      await expectNothingPending(d);
    });
  });

  describe("cancelRulesChange", () => {
    it("cancels a pending change, which then never applies", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      const at = await change(d, rulesWith({ spendPerToken: WUYOU_RULES.spendPerToken * 10n }));
      await expect(d.shop.cancelRulesChange(0)).to.emit(d.shop, "RulesChangeCancelled").withArgs(0);
      // pendingRules returns all-zero rules and 0 after a cancel (v1 kept returning the cancelled rules).
      await expectNothingPending(d);
      await d.helpers.time.increaseTo(at + DAY + 1);
      await expect(
        d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken)),
      ).to.not.emit(d.shop, "RulesChanged");
      expect(await d.token.balanceOf(alice.address)).to.equal(ONE);
      expect(await storedRules(d)).to.deep.equal(WUYOU_RULES);
    });

    it("reverts ShopNoPendingRules when nothing is pending, and once the change is due", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      await expect(d.shop.cancelRulesChange(0)).to.be.revertedWithCustomError(d.shop, "ShopNoPendingRules").withArgs(0);
      const next = rulesWith({ dividendBps: 1000n });
      const at = await change(d, next);
      await d.helpers.time.setNextBlockTimestamp(at + DAY);
      await expect(d.shop.cancelRulesChange(0)).to.be.revertedWithCustomError(d.shop, "ShopNoPendingRules").withArgs(0);
      // The failed call mined nothing; the change still applies at the next use.
      await d.helpers.mine();
      expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(next);
      await d.shop.applyPendingRules(0);
      expect(await storedRules(d)).to.deep.equal(next);
    });
  });

  describe("the tokens' dividend shares add up to at most 100 %", () => {
    it("createToken reverts ShopDividendBpsTooHigh above 10000 in all, and accepts exactly 10000", async () => {
      const d = await load();
      const rest = BPS - WUYOU_RULES.dividendBps;
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: rest + 1n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      await addToken(d, tokenParams(rulesWith({ dividendBps: rest })));
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 1n }), { symbol: "X" })))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      // A token without dividends still fits.
      await addToken(d, tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "ZERO" }));
    });

    it("changeRules reverts ShopDividendBpsTooHigh when a raise would pass 10000", async () => {
      const d = await load();
      await addToken(d, tokenParams(rulesWith({ dividendBps: 7000n })));
      await expect(d.shop.changeRules(0, rulesWith({ dividendBps: 3001n })))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      await expect(d.shop.changeRules(1, rulesWith({ dividendBps: 8001n })))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      await d.shop.changeRules(0, rulesWith({ dividendBps: 3000n }));
      expect((await storedRules(d)).dividendBps).to.equal(3000n);
    });

    it("a pending lowering keeps its old share reserved until it applies", async () => {
      const d = await load(WUYOU_RULES, { noticePeriod: DAY });
      const at = await change(d, rulesWith({ dividendBps: 1000n }));
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 8001n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      await d.helpers.time.increaseTo(at + DAY);
      await d.shop.applyPendingRules(0);
      await addToken(d, tokenParams(rulesWith({ dividendBps: 9000n })));
    });

    it("a scheduled raise reserves the higher share at once", async () => {
      const d = await load();
      await change(d, rulesWith({ dividendBps: 3000n, spendPerToken: WUYOU_RULES.spendPerToken * 2n }));
      expect((await storedRules(d)).dividendBps).to.equal(2000n);
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 7001n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(BPS + 1n);
      await addToken(d, tokenParams(rulesWith({ dividendBps: 7000n })));
    });
  });

  describe("rule validation", () => {
    const invalid: Record<string, [Partial<Rules>, string]> = {
      "dividendBps above 10000": [{ dividendBps: BPS + 1n }, "dividendBps above 10000"],
      "referralBps above 10000": [{ referralBps: BPS + 1n }, "referralBps above 10000"],
      "poolNum without poolDen": [{ poolNum: 1n, poolDen: 0n }, "poolNum without poolDen"],
      "poolNum above poolDen": [{ poolNum: 10n, poolDen: 9n }, "poolNum above poolDen"],
      "dividends without a minting rule (spendPerToken and referralsPerToken 0)": [
        { spendPerToken: 0n, referralsPerToken: 0n },
        "dividends without a minting rule",
      ],
    };
    for (const [what, [overrides, reason]] of Object.entries(invalid)) {
      it(`createToken and changeRules revert ShopInvalidRules for ${what}`, async () => {
        const d = await load();
        const bad = rulesWith(overrides);
        await expect(d.shop.createToken(tokenParams(bad)))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
          .withArgs(reason);
        await expect(d.shop.changeRules(0, bad))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
          .withArgs(reason);
      });
    }

    it("accepts a token without a minting rule only without dividends, and dividends with either minting rule", async () => {
      const d = await load();
      const none = { spendPerToken: 0n, referralsPerToken: 0n };
      await addToken(d, tokenParams(rulesWith({ ...none, dividendBps: 0n }), { symbol: "NONE" }));
      await expect(d.shop.createToken(tokenParams(rulesWith({ ...none, dividendBps: 1n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
        .withArgs("dividends without a minting rule");
      await addToken(d, tokenParams(rulesWith({ spendPerToken: 0n, referralsPerToken: 1n, dividendBps: 1n })));
      await addToken(d, tokenParams(rulesWith({ spendPerToken: 1n, referralsPerToken: 0n, dividendBps: 1n })));
      // A change that would leave dividends without a minting rule is refused, whichever field it changes.
      await expect(d.shop.changeRules(1, rulesWith({ ...none, dividendBps: 1n })))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
        .withArgs("dividends without a minting rule");
      await expect(d.shop.changeRules(2, rulesWith({ spendPerToken: 0n, referralsPerToken: 0n, dividendBps: 1n })))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
        .withArgs("dividends without a minting rule");
      expect(await d.shop.tokenCount()).to.equal(4n);
    });

    it("accepts a full share (10000 bps) and a pool ratio of 1/1", async () => {
      const d = await load(rulesWith({ dividendBps: 0n }));
      await addToken(d, tokenParams(rulesWith({ dividendBps: BPS, referralBps: BPS, poolNum: 1n, poolDen: 1n })));
      expect(await d.shop.tokenCount()).to.equal(2n);
    });

    it("changeRules reverts ShopInvalidRules for a maxSupply below the supply, accepts it equal", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 2n));
      const supply = await d.token.totalSupply();
      await expect(d.shop.changeRules(0, rulesWith({ maxSupply: supply - 1n })))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidRules")
        .withArgs("maxSupply below supply");
      await change(d, rulesWith({ maxSupply: supply }));
      expect((await d.shop.pendingRules(0))[0].maxSupply).to.equal(supply);
    });

    it("reverts ShopUnknownToken for a token index the shop does not have", async () => {
      const d = await load();
      const count = await d.shop.tokenCount();
      const err = (p: Promise<unknown>) =>
        expect(p).to.be.revertedWithCustomError(d.shop, "ShopUnknownToken").withArgs(count, count);
      await err(d.shop.changeRules(count, WUYOU_RULES));
      await err(d.shop.cancelRulesChange(count));
      await err(d.shop.applyPendingRules(count));
      await err(d.shop.tokenConfig(count));
      await err(d.shop.currentRules(count));
      await err(d.shop.pendingRules(count));
    });
  });

  describe("createToken", () => {
    it("emits TokenCreated with the params and stores the config", async () => {
      const d = await load();
      const rules = rulesWith({ dividendBps: 100n, maxSupply: 5n * ONE });
      const shopAddress = await d.shop.getAddress();
      const predicted = await d.factory.predictTokenAddress(shopAddress, 1);
      await expect(
        d.shop.createToken(
          tokenParams(rules, { name: "Mall Token", symbol: "MALL", transferable: true, noticePeriod: DAY }),
        ),
      )
        .to.emit(d.shop, "TokenCreated")
        .withArgs(1, predicted, "Mall Token", "MALL", true, DAY, rulesTuple(rules));
      const config = await d.shop.tokenConfig(1);
      expect(config.token).to.equal(predicted);
      expect(config.noticePeriod).to.equal(BigInt(DAY));
      expect(config.pendingAt).to.equal(0n);
      expect(rulesOf(config.rules)).to.deep.equal(rules);
      expect(config.minted).to.equal(0n);
      expect(config.poolAllowance).to.equal(0n);
      expect(rulesOf(config.pending)).to.deep.equal(ZERO_RULES);
      expect(await d.shop.tokenCount()).to.equal(2n);
    });

    it("takes a notice period of 0 as the default of 7 days, and rejects one below a day", async () => {
      const d = await load();
      expect(await d.shop.DEFAULT_NOTICE_PERIOD()).to.equal(BigInt(DEFAULT_NOTICE));
      expect(await d.shop.MIN_NOTICE_PERIOD()).to.equal(BigInt(DAY));
      expect((await d.shop.tokenConfig(0)).noticePeriod).to.equal(BigInt(DEFAULT_NOTICE));
      for (const short of [1, DAY - 1]) {
        await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 0n }), { noticePeriod: short })))
          .to.be.revertedWithCustomError(d.shop, "ShopNoticePeriodTooShort")
          .withArgs(short, DAY);
      }
      const { index } = await addToken(d, tokenParams(rulesWith({ dividendBps: 0n }), { noticePeriod: DAY }));
      expect((await d.shop.tokenConfig(index)).noticePeriod).to.equal(BigInt(DAY));
    });

    it("reverts ShopInvalidTokenMetadata for a name outside 1..64 bytes or a symbol outside 1..16 bytes", async () => {
      const d = await load();
      const rules = rulesWith({ dividendBps: 0n });
      const bad: [string, string][] = [
        ["", "OK"],
        ["x".repeat(65), "OK"],
        // 22 three-byte characters: 66 bytes though only 22 characters.
        ["茶".repeat(22), "OK"],
        ["Ok", ""],
        ["Ok", "S".repeat(17)],
        ["Ok", "茶".repeat(6)],
      ];
      for (const [name, symbol] of bad) {
        await expect(d.shop.createToken(tokenParams(rules, { name, symbol })))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidTokenMetadata")
          .withArgs(name, symbol);
      }
      // The longest names and symbols read back exactly, multi-byte ones too.
      const good: [string, string][] = [
        ["n".repeat(64), "s".repeat(16)],
        ["茶".repeat(21) + "x", "茶".repeat(5) + "x"],
        ["a", "b"],
      ];
      for (const [name, symbol] of good) {
        const { token } = await addToken(d, tokenParams(rules, { name, symbol }));
        expect(await token.name()).to.equal(name);
        expect(await token.symbol()).to.equal(symbol);
      }
    });

    it("reverts ShopTooManyTokens past MAX_TOKENS", async () => {
      const d = await load();
      const max = await d.shop.MAX_TOKENS();
      expect(max).to.equal(8n);
      for (let i = await d.shop.tokenCount(); i < max; i++) {
        await d.shop.createToken(tokenParams(rulesWith({ dividendBps: 0n }), { symbol: `T${i}` }));
      }
      expect(await d.shop.tokenCount()).to.equal(max);
      expect((await d.shop.tokens()).length).to.equal(Number(max));
      await expect(d.shop.createToken(tokenParams(rulesWith({ dividendBps: 0n }))))
        .to.be.revertedWithCustomError(d.shop, "ShopTooManyTokens")
        .withArgs(max);
    });
  });
});
