import { expect } from "chai";
import { ZeroAddress, id } from "ethers";
import {
  addToken,
  BPS,
  consumptionOf,
  DAY,
  earned,
  escrowOf,
  hashOf,
  load,
  MintModel,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  poolShareOf,
  referralShareOf,
  rulesWith,
  SUPPLY_LIMIT,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
  type IShopBase,
  type Rules,
} from "./fixture.js";
/** Records `orders` one by one and applies them to `model`. */
async function record(d: Deployment, model: MintModel, orders: IShopBase.OrderStruct[]): Promise<void> {
  for (const o of orders) {
    await d.shop.connect(d.operator).recordOrder(o);
    model.order(String(o.customer), BigInt(o.amount), String(o.referrer));
  }
}

/** Checks supply, pool allowance and the balances of `holders` against `model`. */
async function expectMatches(d: Deployment, model: MintModel, holders: string[]): Promise<void> {
  expect(await d.token.totalSupply()).to.equal(model.supply);
  const config = await d.shop.tokenConfig(0);
  expect(config.minted).to.equal(model.supply);
  expect(config.poolAllowance).to.equal(model.allowance);
  expect(await d.shop.poolAllowance(0)).to.equal(model.allowance);
  for (const holder of holders) expect(await d.token.balanceOf(holder)).to.equal(model.balanceOf(holder));
}

describe("Shop minting", () => {
  describe("consumption", () => {
    it("mints amount * 1e18 / spendPerToken exactly, also for amounts not a multiple of it", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const spend = WUYOU_RULES.spendPerToken;
      // 7/3 of a token, plus one wei: the fraction is kept to the last token-wei.
      const odd = (spend * 7n) / 3n + 1n;
      await d.shop.connect(d.operator).recordOrder(order("odd", alice.address, odd));
      expect(await d.token.balanceOf(alice.address)).to.equal((odd * ONE) / spend);
      expect((odd * ONE) / spend).to.equal(consumptionOf(odd, WUYOU_RULES));
      // Five whole tokens for five times the price.
      await d.shop.connect(d.operator).recordOrder(order("five", bob.address, 5n * spend));
      expect(await d.token.balanceOf(bob.address)).to.equal(5n * ONE);
      // Amounts add up per customer.
      await d.shop.connect(d.operator).recordOrder(order("more", alice.address, 1n));
      expect(await d.token.balanceOf(alice.address)).to.equal((odd * ONE) / spend + ONE / spend);
      expect(await d.token.totalSupply()).to.equal((odd * ONE) / spend + ONE / spend + 5n * ONE);
    });

    it("mints nothing when spendPerToken is 0, though the order counts", async () => {
      // A referral bonus is the token's only minting rule (a token with dividends needs one).
      const d = await load(rulesWith({ spendPerToken: 0n, referralsPerToken: 3n }));
      const [, , , alice] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, 10n ** 18n));
      expect(await d.token.totalSupply()).to.equal(0n);
      expect((await d.shop.dayRecord(await d.shop.today())).revenue).to.equal(10n ** 18n);
    });
  });

  describe("referrals", () => {
    it("binds the referrer at the first order and pays it referralBps of every later order", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const model = new MintModel(WUYOU_RULES);
      const amounts = [WUYOU_RULES.spendPerToken * 2n, 123_456_789_012_345n, WUYOU_RULES.spendPerToken];
      await expect(d.shop.connect(d.operator).recordOrder(order("r1", alice.address, amounts[0], bob.address)))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(alice.address, bob.address);
      model.order(alice.address, amounts[0], bob.address);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      // Later orders may omit the referrer or repeat it; neither binds again.
      await expect(d.shop.connect(d.operator).recordOrder(order("r2", alice.address, amounts[1]))).to.not.emit(
        d.shop,
        "ReferrerBound",
      );
      model.order(alice.address, amounts[1]);
      await expect(
        d.shop.connect(d.operator).recordOrder(order("r3", alice.address, amounts[2], bob.address)),
      ).to.not.emit(d.shop, "ReferrerBound");
      model.order(alice.address, amounts[2], bob.address);
      await expectMatches(d, model, [alice.address, bob.address]);
      const expectedBob = amounts.reduce(
        (sum, a) => sum + referralShareOf(consumptionOf(a, WUYOU_RULES), WUYOU_RULES),
        0n,
      );
      expect(await d.token.balanceOf(bob.address)).to.equal(expectedBob);
      // 10 % of 2 + 1 whole tokens, plus 10 % of the odd order.
      expect(expectedBob).to.equal(
        (3n * ONE * WUYOU_RULES.referralBps) / BPS +
          (consumptionOf(amounts[1], WUYOU_RULES) * WUYOU_RULES.referralBps) / BPS,
      );
    });

    it("rewards one level only: the referrer's referrer gets nothing from the referee", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const amount = WUYOU_RULES.spendPerToken * 10n;
      await d.shop.connect(d.operator).recordOrder(order("bob", bob.address, amount, carol.address));
      const carolBefore = await d.token.balanceOf(carol.address);
      const bobBefore = await d.token.balanceOf(bob.address);
      expect(carolBefore).to.equal(referralShareOf(10n * ONE, WUYOU_RULES));
      await d.shop.connect(d.operator).recordOrder(order("alice", alice.address, amount, bob.address));
      expect(await d.token.balanceOf(bob.address)).to.equal(bobBefore + referralShareOf(10n * ONE, WUYOU_RULES));
      expect(await d.token.balanceOf(carol.address)).to.equal(carolBefore);
    });

    it("reverts ShopSelfReferral on the recorded and the checkout path", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await expect(d.shop.connect(d.operator).recordOrder(order("self", alice.address, 100n, alice.address)))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
      await expect(d.shop.connect(alice).charge(hashOf("self"), alice.address, { value: 100n }))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
      expect((await d.shop.customerOf(alice.address))[1]).to.equal(false);
    });

    it("a recorded order naming another referrer than the bound one counts with the bound referrer (ReferrerMismatch); a charge reverts ShopReferrerAlreadyBound", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const amount = 2n * WUYOU_RULES.spendPerToken;
      const share = referralShareOf(consumptionOf(amount, WUYOU_RULES), WUYOU_RULES);
      await d.shop.connect(d.operator).recordOrder(order("1", alice.address, amount, bob.address));
      await expect(d.shop.connect(d.operator).recordOrder(order("2", alice.address, amount, carol.address)))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(alice.address, bob.address, carol.address);
      await expect(d.shop.connect(d.operator).recordOrders([order("3", alice.address, amount, carol.address)]))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(alice.address, bob.address, carol.address);
      // Naming itself later is a mismatch too, not a self-referral (the customer is bound already).
      await expect(d.shop.connect(d.operator).recordOrder(order("4", alice.address, amount, alice.address)))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(alice.address, bob.address, alice.address);
      expect(await d.token.balanceOf(bob.address)).to.equal(4n * share);
      expect(await d.token.balanceOf(carol.address)).to.equal(0n);
      expect(await d.token.balanceOf(alice.address)).to.equal(4n * consumptionOf(amount, WUYOU_RULES));
      // The customer's own charge is strict: it names its referrer itself.
      await expect(d.shop.connect(alice).charge(hashOf("5"), carol.address, { value: 100n }))
        .to.be.revertedWithCustomError(d.shop, "ShopReferrerAlreadyBound")
        .withArgs(alice.address, bob.address, carol.address);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
    });

    it("a customer whose first recorded order named no referrer is bound to none: a later referrer is a mismatch (recorded) or reverts (charge)", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      await expect(d.shop.connect(d.operator).recordOrder(order("1", alice.address, 100n))).to.not.emit(
        d.shop,
        "ReferrerBound",
      );
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, true]);
      await expect(
        d.shop.connect(d.operator).recordOrder(order("2", alice.address, 10n * WUYOU_RULES.spendPerToken, bob.address)),
      )
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(alice.address, ZeroAddress, bob.address)
        .and.to.not.emit(d.shop, "ReferrerBound");
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      await expect(d.shop.connect(alice).charge(hashOf("3"), bob.address, { value: 100n }))
        .to.be.revertedWithCustomError(d.shop, "ShopReferrerAlreadyBound")
        .withArgs(alice.address, ZeroAddress, bob.address);
    });

    it("mints one token per referralsPerToken referees whose first order reaches minFirstOrder", async () => {
      const minFirst = 10n ** 17n;
      const rules = rulesWith({ referralsPerToken: 2n, minFirstOrder: minFirst });
      const d = await load(rules);
      const [, , , referrer, r1, r2, r3, r4, r5] = d.signers;
      const model = new MintModel(rules);
      // r1 is below the minimum and does not count; r2 and r3 make the first pair; r4 and r5 (exactly the
      // minimum) the second. r2's second order never counts again.
      const orders = [
        order("r1", r1.address, minFirst - 1n, referrer.address),
        order("r2", r2.address, minFirst + 5n, referrer.address),
        order("r2-again", r2.address, minFirst * 3n),
        order("r3", r3.address, minFirst * 2n, referrer.address),
        order("r4", r4.address, minFirst * 4n, referrer.address),
      ];
      await record(d, model, orders);
      expect(await d.shop.qualifiedReferrals(0, referrer.address)).to.equal(3n);
      await expectMatches(d, model, [referrer.address, r1.address, r2.address, r3.address, r4.address]);
      const shares = (amounts: bigint[]): bigint =>
        amounts.reduce((sum, a) => sum + referralShareOf(consumptionOf(a, rules), rules), 0n);
      const allAmounts = orders.map((o) => BigInt(o.amount));
      // Every order pays the referral share, and the second qualifying referee one whole token.
      expect(await d.token.balanceOf(referrer.address)).to.equal(shares(allAmounts) + ONE);
      // In a batch too: r5 is the fourth qualifying referee.
      const batch = [order("r5", r5.address, minFirst, referrer.address)];
      await d.shop.connect(d.operator).recordOrders(batch);
      model.order(r5.address, minFirst, referrer.address);
      expect(await d.shop.qualifiedReferrals(0, referrer.address)).to.equal(4n);
      expect(await d.token.balanceOf(referrer.address)).to.equal(shares([...allAmounts, minFirst]) + 2n * ONE);
      await expectMatches(d, model, [referrer.address, r5.address]);
    });
  });

  describe("management pool", () => {
    it("poolAllowance is floor(rule-minted × poolNum / poolDen), computed from the supply rather than accrued per order (v1 floored each order)", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const model = new MintModel(WUYOU_RULES);
      const spend = WUYOU_RULES.spendPerToken;
      const batch = [
        order("p1", alice.address, spend + 1n, bob.address),
        order("p2", carol.address, (spend * 5n) / 7n),
        order("p3", alice.address, spend * 9n),
      ];
      let perOrderFloors = 0n;
      for (const o of batch) {
        const before = model.ruleMinted;
        model.order(String(o.customer), BigInt(o.amount), String(o.referrer));
        perOrderFloors += poolShareOf(model.ruleMinted - before, WUYOU_RULES);
      }
      await expect(d.shop.connect(d.operator).recordOrders(batch)).to.not.emit(d.shop, "PoolMinted");
      await expectMatches(d, model, [alice.address, bob.address, carol.address]);
      const minted = await d.token.totalSupply();
      expect(await d.shop.poolAllowance(0)).to.equal(minted / 9n);
      // Flooring once gives the pool the token-wei that per-order floors (v1) lost.
      expect(minted / 9n - perOrderFloors).to.equal(1n);
      // A single order moves the allowance by the floor of the new total, not by its own floor.
      await record(d, model, [order("p4", bob.address, spend * 4n + 7n)]);
      expect(await d.shop.poolAllowance(0)).to.equal((await d.token.totalSupply()) / 9n);
      await expectMatches(d, model, [bob.address]);
    });

    it("poolAllowance stays 0 when the pool is disabled", async () => {
      const d = await load(rulesWith({ poolNum: 0n, poolDen: 0n }));
      const [, , , alice] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, 10n ** 18n));
      expect(await d.token.totalSupply()).to.be.greaterThan(0n);
      expect(await d.shop.poolAllowance(0)).to.equal(0n);
      expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(0n);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, alice.address, 1n, id("r")))
        .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
        .withArgs(0, 0n, 1n);
    });

    it("a pool mint keeps the allowance exact: floor(rule-minted / 9) - pool-minted, no rounding lost at the mint", async () => {
      // One token-wei per wei of spend, so the figures are tiny and exact.
      const rules = rulesWith({ spendPerToken: ONE, referralBps: 0n });
      const d = await load(rules);
      const [, , , alice, host] = d.signers;
      const model = new MintModel(rules);
      await record(d, model, [order("ten", alice.address, 10n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(1n); // floor(10 / 9)
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, 1n, id("first"));
      model.poolMint(host.address, 1n);
      expect([model.base, model.mark]).to.deep.equal([-1n, 1n]);
      await expectMatches(d, model, [alice.address, host.address]);
      // Eight more token-wei by the rules: 18 by the rules in all, floor(18 / 9) - 1 = 1 (the 1/9 of a token-wei the
      // first ten left over is carried; a re-rounding checkpoint at the pool mint would give floor(8 / 9) = 0).
      await record(d, model, [order("eight", alice.address, 8n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(1n);
      await record(d, model, [order("one", alice.address, 1n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(1n); // floor(19 / 9) - 1
      await expectMatches(d, model, [alice.address, host.address]);
      // A partial pool mint leaves the rest in the checkpoint.
      await record(d, model, [order("many", alice.address, 90n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(11n); // floor(109 / 9) - 1
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, 4n, id("second"));
      model.poolMint(host.address, 4n);
      expect(await d.shop.poolAllowance(0)).to.equal(7n);
      expect(model.allowance).to.equal((model.ruleMinted * 1n) / 9n - model.poolMinted);
      await expectMatches(d, model, [alice.address, host.address]);
    });

    it("a change of the pool ratio checkpoints the allowance earned under the old ratio when it applies", async () => {
      const rules = rulesWith({ spendPerToken: ONE, referralBps: 0n });
      const d = await load(rules, { noticePeriod: DAY });
      const [, , , alice, host] = d.signers;
      const model = new MintModel(rules);
      await record(d, model, [order("before", alice.address, 100n)]);
      const third = rulesWith({ poolNum: 1n, poolDen: 3n }, rules);
      const tx = await d.shop.changeRules(0, third);
      const at = (await d.ethers.provider.getBlock((await tx.wait())!.blockNumber))!.timestamp;
      // During the notice the old ratio holds.
      await record(d, model, [order("notice", alice.address, 17n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(13n); // floor(117 / 9)
      await d.helpers.time.increaseTo(at + DAY);
      await d.shop.applyPendingRules(0);
      model.setRules(third);
      expect([model.base, model.mark]).to.deep.equal([13n, 117n]);
      expect(await d.shop.poolAllowance(0)).to.equal(13n);
      await record(d, model, [order("after", alice.address, 10n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(13n + 3n); // + floor(10 / 3)
      await expectMatches(d, model, [alice.address]);
      // Disabling the pool keeps what was earned; the pool may still mint it.
      const off = rulesWith({ poolNum: 0n, poolDen: 0n }, third);
      const tx2 = await d.shop.changeRules(0, off);
      const at2 = (await d.ethers.provider.getBlock((await tx2.wait())!.blockNumber))!.timestamp;
      await d.helpers.time.increaseTo(at2 + DAY);
      // The order that finds the change due applies it first, then mints under it.
      model.setRules(off);
      await record(d, model, [order("applies it", alice.address, 30n), order("off", alice.address, 30n)]);
      expect(await d.shop.poolAllowance(0)).to.equal(16n);
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, 16n, id("all"));
      model.poolMint(host.address, 16n);
      expect(await d.shop.poolAllowance(0)).to.equal(0n);
      await expectMatches(d, model, [alice.address, host.address]);
    });

    it("mintFromPool mints from the allowance with a reason and never past it", async () => {
      const d = await load();
      const [, , , alice, host] = d.signers;
      const model = new MintModel(WUYOU_RULES);
      await record(d, model, [order("o", alice.address, WUYOU_RULES.spendPerToken * 20n)]);
      const allowance = model.allowance;
      expect(allowance).to.equal(poolShareOf(20n * ONE, WUYOU_RULES));
      const reason = id("hosted the tea tasting");
      const first = allowance / 3n;
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, first, reason))
        .to.emit(d.shop, "PoolMinted")
        .withArgs(0, host.address, first, reason);
      model.poolMint(host.address, first);
      await expectMatches(d, model, [host.address, alice.address]);
      // Pool mints do not feed the pool.
      expect(await d.shop.poolAllowance(0)).to.equal(allowance - first);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, allowance - first + 1n, reason))
        .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
        .withArgs(0, allowance - first, allowance - first + 1n);
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, allowance - first, reason);
      model.poolMint(host.address, allowance - first);
      await expectMatches(d, model, [host.address]);
      expect(model.allowance).to.equal(0n);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, 1n, reason))
        .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
        .withArgs(0, 0n, 1n);
    });

    it("mintFromPool reverts ShopZeroAddress, ShopZeroValue and ShopUnknownToken", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 9n));
      const pm = d.shop.connect(d.poolManager);
      await expect(pm.mintFromPool(0, ZeroAddress, 1n, id("r"))).to.be.revertedWithCustomError(
        d.shop,
        "ShopZeroAddress",
      );
      await expect(pm.mintFromPool(0, alice.address, 0n, id("r"))).to.be.revertedWithCustomError(
        d.shop,
        "ShopZeroValue",
      );
      await expect(pm.mintFromPool(1, alice.address, 1n, id("r")))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownToken")
        .withArgs(1, 1);
    });
  });

  describe("maxSupply", () => {
    const capped: Rules = rulesWith({ spendPerToken: ONE, maxSupply: 10n * ONE });

    it("mints up to the cap (consumption first, then promotion) and nothing past it", async () => {
      const d = await load(capped);
      const [, , , alice, bob, carol] = d.signers;
      const model = new MintModel(capped);
      // 8 tokens; then 1.9 for carol and 0.19 for alice as referrer, of which only 0.1 fits; then nothing.
      await record(d, model, [order("a", alice.address, 8n * ONE)]);
      await record(d, model, [order("c", carol.address, (19n * ONE) / 10n, alice.address)]);
      expect(await d.token.balanceOf(carol.address)).to.equal((19n * ONE) / 10n);
      expect(await d.token.balanceOf(alice.address)).to.equal(8n * ONE + ONE / 10n);
      expect(await d.token.totalSupply()).to.equal(capped.maxSupply);
      await expectMatches(d, model, [alice.address, bob.address, carol.address]);
      const allowance = model.allowance;
      const day = await d.shop.today();
      const revenue = (await d.shop.dayRecord(day)).revenue;
      await expect(d.shop.connect(d.operator).recordOrder(order("b", bob.address, 3n * ONE, alice.address)))
        .to.emit(d.shop, "OrderCounted")
        .and.to.not.emit(d.token, "Transfer");
      model.order(bob.address, 3n * ONE, alice.address);
      expect(model.allowance).to.equal(allowance);
      await expectMatches(d, model, [alice.address, bob.address, carol.address]);
      expect((await d.shop.dayRecord(day)).revenue).to.equal(revenue + 3n * ONE);
      expect((await d.shop.tokenDay(0, day)).owed).to.equal(((revenue + 3n * ONE) * capped.dividendBps) / BPS);
    });

    it("caps consumption itself when the room is smaller than the order", async () => {
      const d = await load(capped);
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("a", alice.address, 9n * ONE));
      await d.shop.connect(d.operator).recordOrder(order("b", bob.address, 5n * ONE, alice.address));
      expect(await d.token.balanceOf(bob.address)).to.equal(ONE);
      expect(await d.token.balanceOf(alice.address)).to.equal(9n * ONE);
    });

    it("mintFromPool reverts ShopMaxSupplyExceeded past the cap even within the allowance", async () => {
      const d = await load(capped);
      const [, , , alice, host] = d.signers;
      const bought = (19n * ONE) / 2n;
      await d.shop.connect(d.operator).recordOrder(order("a", alice.address, bought));
      const allowance = await d.shop.poolAllowance(0);
      expect(allowance).to.equal(poolShareOf(bought, capped));
      expect(bought + allowance > capped.maxSupply).to.equal(true);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, allowance, id("r")))
        .to.be.revertedWithCustomError(d.shop, "ShopMaxSupplyExceeded")
        .withArgs(0, capped.maxSupply, bought + allowance);
      // Exactly up to the cap is fine.
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, capped.maxSupply - bought, id("r"));
      expect(await d.token.totalSupply()).to.equal(capped.maxSupply);
      await expect(d.shop.connect(d.poolManager).mintFromPool(0, host.address, 1n, id("r")))
        .to.be.revertedWithCustomError(d.shop, "ShopMaxSupplyExceeded")
        .withArgs(0, capped.maxSupply, capped.maxSupply + 1n);
    });
  });

  describe("batches (recordOrders): one mint call per token", () => {
    it("recordOrders mints within maxSupply in batch order, consumption then promotion of each order, and nothing past the cap", async () => {
      const capped = rulesWith({ spendPerToken: ONE, maxSupply: 10n * ONE });
      const d = await load(capped);
      const [, , , alice, bob, carol] = d.signers;
      const model = new MintModel(capped);
      const batch = [
        order("c1", alice.address, 6n * ONE),
        order("c2", bob.address, 3n * ONE + ONE / 2n, alice.address),
        order("c3", carol.address, 2n * ONE, bob.address),
        order("c4", alice.address, ONE),
      ];
      for (const o of batch) model.order(String(o.customer), BigInt(o.amount), String(o.referrer));
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      // 6 + 3.5 + 0.35 fill 9.85; carol's 2 tokens mint the 0.15 left; nothing for bob's share or alice's last order.
      await expect(tx)
        .to.emit(d.token, "Transfer")
        .withArgs(ZeroAddress, carol.address, (15n * ONE) / 100n);
      await expectMatches(d, model, [alice.address, bob.address, carol.address]);
      expect(await d.token.totalSupply()).to.equal(capped.maxSupply);
      expect(model.balanceOf(carol.address)).to.equal((15n * ONE) / 100n);
      expect(model.balanceOf(alice.address)).to.equal(6n * ONE + (35n * ONE) / 100n);
      // Every order counted.
      expect(await d.shop.dayRecord(await d.shop.today())).to.deep.equal([12n * ONE + ONE / 2n, 4n, false]);
    });

    it("a batch order whose consumption passes 2^96 - 1 token-wei mints the supply limit, and the rest of the batch mints nothing", async () => {
      // One token per wei of spend: a 2^96 - 1 wei order is worth 10^18 times the supply limit.
      const rules = rulesWith({ spendPerToken: 1n, referralBps: 0n });
      const d = await load(rules);
      const [, , , alice, bob] = d.signers;
      const model = new MintModel(rules);
      const batch = [order("whale", alice.address, SUPPLY_LIMIT), order("after", bob.address, 5n)];
      for (const o of batch) model.order(String(o.customer), BigInt(o.amount), String(o.referrer));
      await d.shop.connect(d.operator).recordOrders(batch);
      expect(await d.token.balanceOf(alice.address)).to.equal(SUPPLY_LIMIT);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      await expectMatches(d, model, [alice.address, bob.address]);
      expect(await d.shop.poolAllowance(0)).to.equal(SUPPLY_LIMIT / 9n);
    });

    it("recordOrders makes no mint call to a token whose rules mint nothing for the batch", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const { index, token: none } = await addToken(
        d,
        tokenParams(rulesWith({ spendPerToken: 0n, referralsPerToken: 0n, dividendBps: 0n }), { symbol: "NONE" }),
      );
      const tx = d.shop
        .connect(d.operator)
        .recordOrders([order("n1", alice.address, ONE, bob.address), order("n2", bob.address, 2n * ONE)]);
      await expect(tx).to.not.emit(none, "Transfer");
      await expect(tx).to.emit(d.token, "Transfer");
      expect(await none.totalSupply()).to.equal(0n);
      // The token still counts the batch's revenue.
      expect((await d.shop.tokenDay(index, await d.shop.today())).revenue).to.equal(3n * ONE);
    });
  });

  describe("the 2^96 - 1 supply limit", () => {
    it("a token filled to 2^96 - 1 mints nothing more, while later orders still count, owe it dividends and mint the other tokens", async () => {
      const d = await load();
      const [, , , alice, bob, carol, dave, host] = d.signers;
      // A second token at one token per wei: 79,228,162,514 wei of orders fill its supply.
      const tinyRules = rulesWith({ spendPerToken: 1n, dividendBps: 100n, poolNum: 1n, poolDen: 2n });
      const { index, token: tiny } = await addToken(d, tokenParams(tinyRules, { symbol: "TINY" }));
      const brand = new MintModel(WUYOU_RULES);
      const full = new MintModel(tinyRules);
      const holders = [alice, bob, carol, dave, host].map((s) => s.address);
      const expectModels = async () => {
        for (const [token, model, i] of [
          [d.token, brand, 0n],
          [tiny, full, index],
        ] as const) {
          expect(await token.totalSupply()).to.equal(model.supply);
          expect(await d.shop.poolAllowance(i)).to.equal(model.allowance);
          for (const h of holders) expect(await token.balanceOf(h)).to.equal(model.balanceOf(h));
        }
      };
      const day = await nextDay(d.helpers);
      const amounts: bigint[] = [];

      // Alice's order leaves less than a token of room.
      const fill = SUPPLY_LIMIT / ONE;
      await d.shop.connect(d.operator).recordOrder(order("fill", alice.address, fill));
      amounts.push(fill);
      brand.order(alice.address, fill);
      full.order(alice.address, fill);
      const room = SUPPLY_LIMIT - fill * ONE;
      expect(room > 0n && room < ONE).to.equal(true);
      await expectModels();
      // The pool cannot mint past the limit of an uncapped token either, whatever its allowance.
      expect(full.allowance > room).to.equal(true);
      await expect(d.shop.connect(d.poolManager).mintFromPool(index, host.address, room + 1n, id("past the limit")))
        .to.be.revertedWithCustomError(d.shop, "ShopMaxSupplyExceeded")
        .withArgs(index, SUPPLY_LIMIT, SUPPLY_LIMIT + 1n);

      // Bob's 1-wei order (referred by dave) would mint a token and a tenth: the token mints the room to bob, nothing
      // to dave, and the pool accrues only on what was minted.
      await d.shop.connect(d.operator).recordOrder(order("overflow", bob.address, 1n, dave.address));
      amounts.push(1n);
      brand.order(bob.address, 1n, dave.address);
      full.order(bob.address, 1n, dave.address);
      expect(full.balanceOf(bob.address)).to.equal(room);
      expect(full.balanceOf(dave.address)).to.equal(0n);
      expect(full.supply).to.equal(SUPPLY_LIMIT);
      await expectModels();

      // A full token halts nothing: carol's charge counts, escrows both tokens' dividends and mints the brand.
      const paid = 10n * ONE;
      await expect(d.shop.connect(carol).charge(hashOf("after"), dave.address, { value: paid }))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("after"), carol.address, day, 0n, 2, paid);
      brand.order(carol.address, paid, dave.address);
      full.order(carol.address, paid, dave.address);
      await expectModels();
      expect(await tiny.balanceOf(carol.address)).to.equal(0n);
      expect(await d.token.balanceOf(carol.address)).to.equal(consumptionOf(paid, WUYOU_RULES));
      expect(await d.shop.dayRecord(day)).to.deep.equal([fill + 1n + paid, 3n, false]);
      const owedTiny = owedOf([...amounts, paid], tinyRules);
      const t = await d.shop.tokenDay(index, day);
      expect([t.owed, t.escrowed]).to.deep.equal([owedTiny, escrowOf(amounts, paid, tinyRules)]);
      await expect(d.shop.connect(d.poolManager).mintFromPool(index, host.address, 1n, id("full")))
        .to.be.revertedWithCustomError(d.shop, "ShopMaxSupplyExceeded")
        .withArgs(index, SUPPLY_LIMIT, SUPPLY_LIMIT + 1n);
      await d.shop.connect(d.poolManager).mintFromPool(0, host.address, 1n, id("brand"));
      brand.poolMint(host.address, 1n);
      await expectModels();

      // The day settles, and the full token's holders get its share of the revenue.
      await nextDay(d.helpers);
      const owedBrand = owedOf([...amounts, paid], WUYOU_RULES);
      await d.shop.settle(day, { value: owedBrand + owedTiny });
      const delta = perShare(owedTiny, SUPPLY_LIMIT);
      expect(await tiny.claimable(alice.address)).to.equal(earned(fill * ONE, delta));
      expect(await tiny.claimable(bob.address)).to.equal(earned(room, delta));
      expect(await tiny.claimable(alice.address)).to.be.greaterThan(0n);
    });
  });
});
