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
  tokenDayOf,
  tokenDayWith,
  tokenParams,
  unsettledOf,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import type { DividendToken, IShop } from "../../types/ethers-contracts/index.js";

const UINT96_MAX = (1n << 96n) - 1n;
const UINT128_MAX = (1n << 128n) - 1n;
const MOD_160 = 1n << 160n;

async function coinOf(d: Deployment, contract: IShop | DividendToken): Promise<bigint> {
  return d.ethers.provider.getBalance(await contract.getAddress());
}

/** The accumulator a distribution of `amount` wei will leave in `token` (with what it carries), at its supply now. */
async function accumulatorAfter(token: DividendToken, amount: bigint): Promise<bigint> {
  const [accumulator, , rollover] = await token.dividendState();
  return (accumulator + perShare(amount + rollover, await token.totalSupply())) % MOD_160;
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
      // Nor is such a day listed as unsettled.
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
    });

    it("settle reverts ShopNothingToSettle for a day with revenue when no token has a dividend share", async () => {
      const d = await load(rulesWith({ dividendBps: 0n }));
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      await nextDay(d.helpers);
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopNothingToSettle").withArgs(day);
    });

    it("settle reverts ShopDayAlreadySettled the second time, with or without value", async () => {
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
    it("pays each token its owed share, its escrow and the merchant balance for the rest", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const mallRules = rulesWith({ dividendBps: 500n, spendPerToken: ONE });
      const { token: mall } = await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      const recorded = 7n * ONE + 3n;
      const paid = 2n * ONE + 9_999n;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      await d.shop.connect(bob).charge(hashOf("c"), ZeroAddress, { value: paid });
      const owed0 = owedOf([recorded, paid], WUYOU_RULES);
      const owed1 = owedOf([recorded, paid], mallRules);
      const escrow0 = escrowOf([recorded], paid, WUYOU_RULES);
      const escrow1 = escrowOf([recorded], paid, mallRules);
      const required = owed0 - escrow0 + owed1 - escrow1;
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({ revenue: recorded + paid, dividendBps: 2000n, owed: owed0, escrowed: escrow0 }),
      );
      expect(await tokenDayOf(d.shop, 1, day)).to.deep.equal(
        tokenDayWith({ revenue: recorded + paid, dividendBps: 500n, owed: owed1, escrowed: escrow1 }),
      );
      await nextDay(d.helpers);
      await d.shop.deposit({ value: required });
      const balanceBefore = await d.shop.merchantBalance();
      const keeper = d.signers[9];
      const [acc0, acc1] = [await accumulatorAfter(d.token, owed0), await accumulatorAfter(mall, owed1)];
      const tx = d.shop.connect(keeper).settle(day);
      await expect(tx)
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, escrow0 + escrow1, required);
      await expect(tx).to.not.emit(d.shop, "SettlementShortfall");
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, owed0, acc0);
      await expect(tx).to.emit(mall, "DividendsDistributed").withArgs(day, owed1, acc1);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [d.shop, d.token, mall],
        [-required, owed0 - escrow0, owed1 - escrow1],
      );
      expect(await d.shop.merchantBalance()).to.equal(balanceBefore - required);
      expect(await coinOf(d, d.shop)).to.equal(await d.shop.merchantBalance());
      expect(await coinOf(d, d.token)).to.equal(owed0);
      expect(await coinOf(d, mall)).to.equal(owed1);
      for (const i of [0, 1]) {
        const t = await tokenDayOf(d.shop, i, day);
        expect([t.escrowReleased, t.settled]).to.deep.equal([true, true]);
      }
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

    it("a day of charges alone is paid from escrow, even with an empty merchant balance", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // Multiples of 10000 wei: the escrow is exactly what the day owes.
      await d.shop.connect(alice).charge(hashOf("c1"), ZeroAddress, { value: 10_000n * 7n });
      await d.shop.connect(alice).charge(hashOf("c2"), ZeroAddress, { value: 10_000n * 3n });
      const owed = owedOf([70_000n, 30_000n], WUYOU_RULES);
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      expect(await d.shop.merchantBalance()).to.equal(0n);
      await nextDay(d.helpers);
      const accumulator = await accumulatorAfter(d.token, owed);
      const tx = d.shop.settle(day);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, d.admin.address, owed, 0n);
      await expect(tx).to.not.emit(d.shop, "SettlementShortfall");
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, owed, accumulator);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop, d.token], [0n, 0n]);
      expect(await d.token.claimable(alice.address)).to.equal(
        earned(await d.token.totalSupply(), perShare(owed, await d.token.totalSupply())),
      );
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
    });

    it("a day of charges alone needs no merchant balance even when each escrow on its own would round down", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(alice).charge(hashOf("c1"), ZeroAddress, { value: 10_004n });
      await d.shop.connect(bob).charge(hashOf("c2"), ZeroAddress, { value: 10_004n });
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      const t = await tokenDayOf(d.shop, 0, day);
      expect(t.owed).to.equal(owedOf([10_004n, 10_004n], WUYOU_RULES));
      expect(t.escrowed).to.equal(t.owed);
      await expect(d.shop.settle(day)).to.emit(d.shop, "DaySettled").withArgs(day, d.admin.address, t.owed, 0n);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
    });

    it("a charge escrows the whole wei that an earlier recorded order's rounding left", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // The recorded order owes 2000.8 wei (2000 whole); the charge brings the day to 4001.6 (4001 whole).
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 10_004n));
      await d.shop.connect(alice).charge(hashOf("c"), ZeroAddress, { value: 10_004n });
      const escrow = escrowOf([10_004n], 10_004n, WUYOU_RULES);
      expect(escrow).to.equal(dividendOf(10_004n, WUYOU_RULES) + 1n);
      const owed = owedOf([10_004n, 10_004n], WUYOU_RULES);
      expect((await tokenDayOf(d.shop, 0, day)).escrowed).to.equal(escrow);
      const balance = await d.shop.merchantBalance();
      await nextDay(d.helpers);
      await expect(d.shop.settle(day))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, d.admin.address, escrow, owed - escrow);
      expect(await d.shop.merchantBalance()).to.equal(balance - (owed - escrow));
    });

    it("reverts ShopSettlementUnderfunded with the exact required, available and missing amounts when no escrow is left to release", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const recorded = 3n * ONE + 1234n;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      const required = owedOf([recorded], WUYOU_RULES);
      await nextDay(d.helpers);
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, 0n, required);
      // The call's value counts as available (and goes back with the revert).
      const value = required / 2n;
      await expect(d.shop.settle(day, { value }))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, value, required - value);
      // One wei short is short.
      await d.shop.deposit({ value: required - 1n });
      await expect(d.shop.settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, required, required - 1n, 1n);
      expect(await d.shop.merchantBalance()).to.equal(required - 1n);
      expect((await d.shop.dayRecord(day)).settled).to.equal(false);
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, required, required]]);
      // The last wei, sent with the call, settles it.
      await expect(d.shop.settle(day, { value: 1n }))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, d.admin.address, 0n, required);
      expect(await d.shop.merchantBalance()).to.equal(0n);
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
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, keeper.address, 0n, required);
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
        .withArgs(day, stranger.address, 0n, owed);
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
      const owed = owedOf([ONE], WUYOU_RULES);
      const accumulator = await accumulatorAfter(d.token, owed);
      const tx = d.shop.settle(day);
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, owed, accumulator);
      await expect(tx).to.not.emit(later, "DividendsDistributed");
      await expect(tx).to.not.emit(none, "DividendsDistributed");
      await expect(tx).to.changeEtherBalances(d.ethers, [later, none], [0n, 0n]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      expect(await tokenDayOf(d.shop, 1, day)).to.deep.equal(tokenDayWith({}));
    });
  });

  describe("escrow is never held hostage by the rest of the day (outside review, finding a)", () => {
    /**
     * A day with a charge (escrow in the token) and a recorded order (owed, unfunded): the merchant balance
     * covers the recorded order's dividends unless `starve` takes it away. In v1 `settle` was all or nothing, so the
     * charge's escrow stayed locked in the token until the merchant paid in full.
     */
    async function hostageDay(d: Deployment, recorded: bigint) {
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const paid = 3n * ONE + 17n;
      await d.shop.connect(bob).charge(hashOf("escrowed"), ZeroAddress, { value: paid });
      await d.shop.connect(d.operator).recordOrder(order("unfunded", alice.address, recorded));
      const escrow = escrowOf([], paid, WUYOU_RULES);
      const owed = owedOf([paid, recorded], WUYOU_RULES);
      return { day, escrow, owed, debt: owed - escrow, revenue: paid + recorded, alice, bob };
    }

    async function expectEscrowReleased(
      d: Deployment,
      h: Awaited<ReturnType<typeof hostageDay>>,
      available: bigint,
    ): Promise<void> {
      const { day, escrow, owed, debt, revenue, alice, bob } = h;
      const supply = await d.token.totalSupply();
      const before = [await d.token.claimable(alice.address), await d.token.claimable(bob.address)];
      const keeper = d.signers[9];
      const accumulator = await accumulatorAfter(d.token, escrow);
      const tx = d.shop.connect(keeper).settle(day);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, keeper.address, escrow, 0n);
      await expect(tx).to.emit(d.shop, "SettlementShortfall").withArgs(day, debt, available);
      await expect(tx).to.emit(d.token, "DividendsDistributed").withArgs(day, escrow, accumulator);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop, d.token], [0n, 0n]);
      // Each holder's claimable rose by exactly its share of the escrow (both hold since before any distribution, so
      // a claimable is floor(balance × accumulator / 2^64)).
      expect(accumulator).to.equal(perShare(escrow, supply));
      expect(before).to.deep.equal([0n, 0n]);
      expect(await d.token.claimable(alice.address)).to.equal(
        earned(await d.token.balanceOf(alice.address), accumulator),
      );
      expect(await d.token.claimable(bob.address)).to.equal(earned(await d.token.balanceOf(bob.address), accumulator));
      // The rest stays owed, in view.
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({
          revenue,
          dividendBps: 2000n,
          owed,
          escrowed: escrow,
          escrowReleased: true,
          settled: false,
        }),
      );
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, debt, debt]]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(false);
    }

    async function expectRestPaidOnce(d: Deployment, h: Awaited<ReturnType<typeof hostageDay>>): Promise<void> {
      const { day, debt } = h;
      await d.shop.deposit({ value: debt });
      const supply = await d.token.totalSupply();
      const aliceBefore = await d.token.claimable(h.alice.address);
      const accumulator = await accumulatorAfter(d.token, debt);
      const [previous, , carry] = await d.token.dividendState();
      const tx = d.shop.settle(day);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, d.admin.address, 0n, debt);
      await expect(tx).to.not.emit(d.shop, "SettlementShortfall");
      await expect(tx)
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day, debt + carry, accumulator);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop, d.token], [-debt, debt]);
      // The rest on top of the escrow: the accumulator grows by the debt (and the carry) per token-wei.
      expect(accumulator).to.equal(previous + perShare(debt + carry, supply));
      const aliceBalance = await d.token.balanceOf(h.alice.address);
      expect(await d.token.claimable(h.alice.address)).to.equal(earned(aliceBalance, accumulator));
      expect(await d.token.claimable(h.alice.address)).to.equal(
        aliceBefore + earned(aliceBalance, accumulator) - earned(aliceBalance, previous),
      );
      expect(await d.shop.merchantBalance()).to.equal(0n);
      const t = await tokenDayOf(d.shop, 0, day);
      expect([t.escrowReleased, t.settled]).to.deep.equal([true, true]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
      // Once.
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.settle(day)).to.be.revertedWithCustomError(d.shop, "ShopDayAlreadySettled").withArgs(day);
      expect(await d.shop.merchantBalance()).to.equal(ONE);
    }

    it("(i) the merchant withdraws its whole balance: settle still distributes the escrow, emits SettlementShortfall, and a later funded settle pays exactly the rest, once (v1: ShopSettlementUnderfunded, escrow locked)", async () => {
      const d = await load();
      const h = await hostageDay(d, 5n * ONE + 3n);
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      expect(await unsettledOf(d.shop)).to.deep.equal([[h.day, h.owed, h.debt]]);
      await expectEscrowReleased(d, h, 0n);
      // Nothing left to release and still unfunded: now the call can do nothing.
      await expect(d.shop.settle(h.day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(h.day, h.debt, 0n, h.debt);
      await expectRestPaidOnce(d, h);
    });

    it("(ii) the operator records one order of 2^96 - 1 wei: settle still distributes the escrow, emits SettlementShortfall, and a later funded settle pays exactly the rest, once (v1: ShopSettlementUnderfunded, escrow locked)", async () => {
      const d = await load();
      const h = await hostageDay(d, UINT96_MAX);
      // The merchant's share of the charge cannot cover a debt of a fifth of 2^96 wei.
      const balance = await d.shop.merchantBalance();
      expect(balance < h.debt).to.equal(true);
      await nextDay(d.helpers);
      await expectEscrowReleased(d, h, balance);
      // The merchant funds the rest from a very large wallet.
      await d.helpers.setBalance(d.admin.address, 1n << 100n);
      await d.shop.withdraw(d.admin.address, balance);
      await expectRestPaidOnce(d, h);
    });
  });

  describe("partial settlement, token by token and state by state", () => {
    it("unsettledDays, tokenDay and dayRecord follow a two-token day through owed, escrow released (shortfall) and paid", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const mallRules = rulesWith({ dividendBps: 1000n });
      const { token: mall } = await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      const recorded = 4n * ONE + 7n;
      const paid = 2n * ONE + 10_003n;
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, recorded));
      await d.shop.connect(bob).charge(hashOf("c"), ZeroAddress, { value: paid });
      const revenue = recorded + paid;
      const owed = [owedOf([revenue], WUYOU_RULES), owedOf([revenue], mallRules)];
      const escrow = [escrowOf([recorded], paid, WUYOU_RULES), escrowOf([recorded], paid, mallRules)];
      const debt = [owed[0] - escrow[0], owed[1] - escrow[1]];
      const rates = [2000n, 1000n];
      const view = async () => [await tokenDayOf(d.shop, 0, day), await tokenDayOf(d.shop, 1, day)];
      const entries = (released: boolean, settled: boolean) =>
        [0, 1].map((i) =>
          tokenDayWith({
            revenue,
            dividendBps: rates[i],
            owed: owed[i],
            escrowed: escrow[i],
            escrowReleased: released,
            settled,
          }),
        );
      // Today: counted, nothing listed yet (the day is not over).
      expect(await view()).to.deep.equal(entries(false, false));
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      // Over: everything owed, the debt unfunded.
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, owed[0] + owed[1], debt[0] + debt[1]]]);
      // A keeper sends half the debt: short, so it only lands in the merchant balance; both escrows go out.
      const keeper = d.signers[9];
      const half = (debt[0] + debt[1]) / 2n;
      const tx = d.shop.connect(keeper).settle(day, { value: half });
      await expect(tx).to.emit(d.shop, "Deposited").withArgs(keeper.address, half);
      await expect(tx)
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, escrow[0] + escrow[1], 0n);
      await expect(tx)
        .to.emit(d.shop, "SettlementShortfall")
        .withArgs(day, debt[0] + debt[1], half);
      await expect(tx).to.emit(mall, "DividendsDistributed");
      expect(await d.shop.merchantBalance()).to.equal(half);
      expect(await view()).to.deep.equal(entries(true, false));
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, debt[0] + debt[1], debt[0] + debt[1]]]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(false);
      // Still short, and no escrow left: the call reverts with what is missing.
      await expect(d.shop.connect(keeper).settle(day))
        .to.be.revertedWithCustomError(d.shop, "ShopSettlementUnderfunded")
        .withArgs(day, debt[0] + debt[1], half, debt[0] + debt[1] - half);
      // Funded: both tokens are paid their debt at once (all or nothing across tokens).
      const rest = debt[0] + debt[1] - half;
      const paidTx = d.shop.connect(keeper).settle(day, { value: rest });
      await expect(paidTx)
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, 0n, debt[0] + debt[1]);
      await expect(paidTx).to.changeEtherBalances(
        d.ethers,
        [keeper, d.shop, d.token, mall],
        [-rest, -half, debt[0], debt[1]],
      );
      expect(await view()).to.deep.equal(entries(true, true));
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      expect(await coinOf(d, d.token)).to.equal(owed[0]);
      expect(await coinOf(d, mall)).to.equal(owed[1]);
    });

    it("a token whose day is all escrow is settled by the shortfall call; the other token stays owed", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(alice).charge(hashOf("c"), ZeroAddress, { value: 50_000n });
      // A token created after the charge counts only the recorded order: its day is all debt.
      const mallRules = rulesWith({ dividendBps: 1000n });
      await addToken(d, tokenParams(mallRules));
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 30_000n));
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      const owed0 = owedOf([80_000n], WUYOU_RULES);
      const escrow0 = owedOf([50_000n], WUYOU_RULES);
      const owed1 = owedOf([30_000n], mallRules);
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, owed0 + owed1, owed0 - escrow0 + owed1]]);
      await expect(d.shop.settle(day))
        .to.emit(d.shop, "SettlementShortfall")
        .withArgs(day, owed0 - escrow0 + owed1, 0n);
      // Token 0 still owes the recorded order's share; token 1 all of its own.
      expect((await tokenDayOf(d.shop, 0, day)).escrowReleased).to.equal(true);
      expect((await tokenDayOf(d.shop, 1, day)).escrowReleased).to.equal(false);
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, owed0 - escrow0 + owed1, owed0 - escrow0 + owed1]]);
      await d.shop.settle(day, { value: owed0 - escrow0 + owed1 });
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
    });

    it("the shortfall call settles in full a token whose escrow covers its whole day; the token that owes stays listed", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      // Token 0's day is a charge, and a recorded order of 4 wei whose 20 % share (0.8 wei) adds no whole wei.
      await d.shop.connect(alice).charge(hashOf("c"), ZeroAddress, { value: 50_000n });
      const lateRules = rulesWith({ dividendBps: 8000n });
      const { token: late } = await addToken(d, tokenParams(lateRules));
      await d.shop.connect(d.operator).recordOrder(order("r", bob.address, 4n));
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({ revenue: 50_004n, dividendBps: 2000n, owed: 10_000n, escrowed: 10_000n }),
      );
      const owed1 = owedOf([4n], lateRules);
      expect(owed1).to.equal(3n);
      const tx = d.shop.settle(day);
      await expect(tx).to.emit(d.shop, "DaySettled").withArgs(day, d.admin.address, 10_000n, 0n);
      await expect(tx).to.emit(d.shop, "SettlementShortfall").withArgs(day, owed1, 0n);
      await expect(tx).to.not.emit(late, "DividendsDistributed");
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({
          revenue: 50_004n,
          dividendBps: 2000n,
          owed: 10_000n,
          escrowed: 10_000n,
          escrowReleased: true,
          settled: true,
        }),
      );
      expect(await tokenDayOf(d.shop, 1, day)).to.deep.equal(
        tokenDayWith({ revenue: 4n, dividendBps: 8000n, owed: owed1 }),
      );
      expect(await unsettledOf(d.shop)).to.deep.equal([[day, owed1, owed1]]);
      expect((await d.shop.dayRecord(day)).settled).to.equal(false);
      await expect(d.shop.settle(day, { value: owed1 }))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, d.admin.address, 0n, owed1);
      expect(await coinOf(d, late)).to.equal(owed1);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      expect(await unsettledOf(d.shop)).to.deep.equal([]);
    });
  });

  describe("merchant balance: deposits and their 128-bit bound", () => {
    it("plain coin sent to the shop is a deposit (Deposited); a zero-value plain call reverts ShopZeroValue (v1 reverted any plain transfer)", async () => {
      const d = await load();
      const stranger = d.signers[9];
      const shop = await d.shop.getAddress();
      const tx = stranger.sendTransaction({ to: shop, value: 12_345n });
      await expect(tx).to.emit(d.shop, "Deposited").withArgs(stranger.address, 12_345n);
      await expect(tx).to.changeEtherBalances(d.ethers, [stranger, d.shop], [-12_345n, 12_345n]);
      expect(await d.shop.merchantBalance()).to.equal(12_345n);
      await expect(stranger.sendTransaction({ to: shop, value: 0n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopZeroValue",
      );
      // And it funds settlements like any deposit.
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, 50_000n));
      await nextDay(d.helpers);
      await d.shop.settle(day);
      expect(await d.shop.merchantBalance()).to.equal(12_345n - owedOf([50_000n], WUYOU_RULES));
    });

    it("a deposit, a plain transfer, a settle value or a charge past 2^128 - 1 reverts ShopBalanceOverflow instead of wrapping (v1 wrapped deposits)", async () => {
      const d = await load();
      const [, , , alice, whale] = d.signers;
      await d.helpers.setBalance(whale.address, 1n << 200n);
      await d.helpers.setBalance(alice.address, 1n << 200n);
      await d.shop.connect(whale).deposit({ value: UINT128_MAX - 10n });
      const balance = UINT128_MAX - 10n;
      expect(await d.shop.merchantBalance()).to.equal(balance);
      await expect(d.shop.connect(whale).deposit({ value: 11n }))
        .to.be.revertedWithCustomError(d.shop, "ShopBalanceOverflow")
        .withArgs(balance, 11n);
      await expect(whale.sendTransaction({ to: await d.shop.getAddress(), value: 1n << 127n }))
        .to.be.revertedWithCustomError(d.shop, "ShopBalanceOverflow")
        .withArgs(balance, 1n << 127n);
      // A charge credits the merchant its payment less the escrow: 100 wei less 20 is past the bound.
      await expect(d.shop.connect(alice).charge(hashOf("big"), ZeroAddress, { value: 100n }))
        .to.be.revertedWithCustomError(d.shop, "ShopBalanceOverflow")
        .withArgs(balance, 80n);
      // settle adds its value first.
      const day = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, ONE));
      await nextDay(d.helpers);
      await expect(d.shop.settle(day, { value: 11n }))
        .to.be.revertedWithCustomError(d.shop, "ShopBalanceOverflow")
        .withArgs(balance, 11n);
      // Exactly the bound is fine.
      await d.shop.connect(whale).deposit({ value: 10n });
      expect(await d.shop.merchantBalance()).to.equal(UINT128_MAX);
      expect(await coinOf(d, d.shop)).to.equal(UINT128_MAX);
    });

    it("coin sent to the Shop implementation itself reverts on every path: deposit and plain transfers ShopNotAClone, charge ShopNoTokens, settle ShopNothingToSettle, admin and view selectors as non-payable", async () => {
      const d = await load();
      const implementation = await d.factory.shopImplementation();
      const stranger = d.signers[9];
      const shop = await d.ethers.getContractAt("IShop", implementation);
      await expect(shop.connect(stranger).deposit({ value: 1n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopNotAClone",
      );
      await expect(stranger.sendTransaction({ to: implementation, value: 1n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopNotAClone",
      );
      await expect(
        shop.connect(stranger).charge(hashOf("to the implementation"), ZeroAddress, { value: 1n }),
      ).to.be.revertedWithCustomError(d.shop, "ShopNoTokens");
      await expect(shop.connect(stranger).settle(0n, { value: 1n }))
        .to.be.revertedWithCustomError(d.shop, "ShopNothingToSettle")
        .withArgs(0n);
      // Selectors served by ShopAdmin (through Shop's fallback) and ShopLens (through ShopAdmin's) take no coin.
      for (const data of [
        shop.interface.encodeFunctionData("withdraw", [stranger.address, 1n]),
        shop.interface.encodeFunctionData("tokenCount"),
      ]) {
        await expect(stranger.sendTransaction({ to: implementation, data, value: 1n })).to.be.revertedWithoutReason(
          d.ethers,
        );
        // The same call without coin gets past the value check (to the role check or the view's answer).
        const plain = stranger.call({ to: implementation, data });
        if (data.startsWith(shop.interface.getFunction("tokenCount").selector)) {
          expect(BigInt(await plain)).to.equal(0n);
        } else {
          await expect(plain).to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount");
        }
      }
      expect(await d.ethers.provider.getBalance(implementation)).to.equal(0n);
    });

    it("a token-day's checkout escrow past 2^96 - 1 wei reverts ShopDayCapacityExceeded instead of overflowing into the day's rate", async () => {
      // One token at 100 %: each charge escrows all of its payment.
      const d = await load(rulesWith({ dividendBps: 10_000n, spendPerToken: 1n << 95n, referralBps: 0n }));
      const [, , , alice] = d.signers;
      await d.helpers.setBalance(alice.address, 1n << 100n);
      const day = await nextDay(d.helpers);
      await d.shop.connect(alice).charge(hashOf("big-1"), ZeroAddress, { value: UINT96_MAX });
      await expect(d.shop.connect(alice).charge(hashOf("big-2"), ZeroAddress, { value: 1n }))
        .to.be.revertedWithCustomError(d.shop, "ShopDayCapacityExceeded")
        .withArgs(day);
      // The day's books are untouched by the refused charge and settle exactly.
      const t = await tokenDayOf(d.shop, 0, day);
      expect(t.escrowed, "escrow").to.equal(UINT96_MAX);
      expect(t.dividendBps, "day rate").to.equal(10_000n);
      expect(t.owed, "owed").to.equal(UINT96_MAX);
      await nextDay(d.helpers);
      await d.shop.settle(day);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      expect(await coinOf(d, d.token)).to.equal(UINT96_MAX);
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
        const late = order("late", alice.address, ONE);
        await expect(shop.connect(d.operator).recordOrder(late))
          .to.emit(shop, "OrderCounted")
          .withArgs(hashOf("late"), alice.address, day, late.orderId, 0, ONE);
        await d.helpers.time.setNextBlockTimestamp(midnight);
        const early = order("early", bob.address, 2n * ONE);
        await expect(shop.connect(d.operator).recordOrder(early))
          .to.emit(shop, "OrderCounted")
          .withArgs(hashOf("early"), bob.address, day + 1n, early.orderId, 0, 2n * ONE);
        expect(await shop.today()).to.equal(day + 1n);
        expect((await shop.dayRecord(day)).revenue).to.equal(ONE);
        expect((await shop.dayRecord(day + 1n)).revenue).to.equal(2n * ONE);
        // The first day is over at midnight; the second only at the next one.
        await shop.deposit({ value: ONE });
        await expect(shop.settle(day)).to.emit(shop, "DaySettled");
        await d.helpers.time.setNextBlockTimestamp(midnight + DAY - 1);
        await expect(shop.settle(day + 1n))
          .to.be.revertedWithCustomError(shop, "ShopDayNotOver")
          .withArgs(day + 1n, day + 1n);
        await d.helpers.time.setNextBlockTimestamp(midnight + DAY);
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
      const supply = await d.token.totalSupply();
      const delta = perShare(owed1 + owed2, supply);
      await expect(d.shop.settle(day2))
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day2, owed1 + owed2, delta);
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
      await d.shop.connect(bob).charge(hashOf("c2"), ZeroAddress, { value: c2 });
      const day3 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r3", alice.address, ONE));
      expect(await d.shop.revenueDayCount()).to.equal(countBefore + 3n);

      const owed1 = owedOf([r1], WUYOU_RULES) + owedOf([r1], mallRules);
      const owed2 = owedOf([r2, c2], WUYOU_RULES) + owedOf([r2, c2], mallRules);
      const escrow2 = escrowOf([r2], c2, WUYOU_RULES) + escrowOf([r2], c2, mallRules);
      // Today (day 3) is not over, so it is not listed.
      expect(await unsettledOf(d.shop, countBefore, 10n)).to.deep.equal([
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

    it("tokenDay returns each token's revenue, day rate, owed, escrow and flags; dayRecord the revenue of token 0", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 12_345n));
      await d.shop.connect(bob).charge(hashOf("c"), ZeroAddress, { value: 67_891n });
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({
          revenue: 12_345n + 67_891n,
          dividendBps: WUYOU_RULES.dividendBps,
          owed: owedOf([12_345n, 67_891n], WUYOU_RULES),
          escrowed: escrowOf([12_345n], 67_891n, WUYOU_RULES),
        }),
      );
      expect(await tokenDayOf(d.shop, 0, day + 1n)).to.deep.equal(tokenDayWith({}));
      // An index the shop does not have is an error naming the count, as for tokenConfig.
      await expect(d.shop.tokenDay(7, day)).to.be.revertedWithCustomError(d.shop, "ShopUnknownToken").withArgs(7n, 1n);
      expect(await d.shop.dayRecord(day)).to.deep.equal([12_345n + 67_891n, 2n, false]);
    });
  });
});
