import { expect } from "chai";
import { MaxUint256, ZeroAddress } from "ethers";
import {
  consumptionOf,
  earned,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import type { IShop } from "../../types/ethers-contracts/index.js";

/** Records `orders` on a fresh day, funds it and settles it; returns the day and what it owed. */
async function settleDay(d: Deployment, orders: IShop.OrderStruct[]): Promise<{ day: bigint; owed: bigint }> {
  const day = await nextDay(d.helpers);
  await d.shop.connect(d.operator).recordOrders(orders);
  const owed = owedOf(
    orders.map((o) => BigInt(o.amount)),
    WUYOU_RULES,
  );
  await d.shop.deposit({ value: owed });
  await nextDay(d.helpers);
  await d.shop.settle(day);
  return { day, owed };
}

describe("DividendToken", () => {
  describe("metadata", () => {
    it("has its name, symbol, 18 decimals, its shop and factory, and no supply yet", async () => {
      const d = await load();
      expect(await d.token.name()).to.equal("Wuyou Dividend Coin");
      expect(await d.token.symbol()).to.equal("YDC");
      expect(await d.token.decimals()).to.equal(18n);
      expect(await d.token.shop()).to.equal(await d.shop.getAddress());
      expect(await d.token.factory()).to.equal(await d.factory.getAddress());
      expect(await d.token.transferable()).to.equal(false);
      expect(await d.token.totalSupply()).to.equal(0n);
      expect(await d.token.dividendState()).to.deep.equal([0n, 0n, 0n]);
    });

    it("is transferable only when created so", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      expect(await d.token.transferable()).to.equal(true);
    });
  });

  describe("mint", () => {
    it("is minted by its shop with a Transfer from the zero address", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const amount = WUYOU_RULES.spendPerToken * 4n + 1n;
      await expect(d.shop.connect(d.operator).recordOrder(order("o", alice.address, amount)))
        .to.emit(d.token, "Transfer")
        .withArgs(ZeroAddress, alice.address, consumptionOf(amount, WUYOU_RULES));
      expect(await d.token.totalSupply()).to.equal(consumptionOf(amount, WUYOU_RULES));
    });

    it("reverts DividendTokenNotShop for anyone else, the shop's admin and operator included", async () => {
      const d = await load();
      const [admin, operator, poolManager, stranger] = d.signers;
      for (const caller of [admin, operator, poolManager, stranger]) {
        await expect(d.token.connect(caller).mint(caller.address, ONE))
          .to.be.revertedWithCustomError(d.token, "DividendTokenNotShop")
          .withArgs(caller.address);
      }
      expect(await d.token.totalSupply()).to.equal(0n);
    });
  });

  describe("non-transferable (the default)", () => {
    it("transfer and transferFrom revert DividendTokenNonTransferable; approve still works", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 2n));
      const balance = await d.token.balanceOf(alice.address);
      await expect(d.token.connect(alice).transfer(bob.address, 1n)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNonTransferable",
      );
      await expect(d.token.connect(alice).approve(bob.address, balance))
        .to.emit(d.token, "Approval")
        .withArgs(alice.address, bob.address, balance);
      expect(await d.token.allowance(alice.address, bob.address)).to.equal(balance);
      await expect(d.token.connect(bob).transferFrom(alice.address, bob.address, 1n)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNonTransferable",
      );
      await expect(d.token.connect(alice).transfer(alice.address, 0n)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNonTransferable",
      );
      expect(await d.token.balanceOf(alice.address)).to.equal(balance);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      expect(await d.token.allowance(alice.address, bob.address)).to.equal(balance);
    });

    it("transferFrom reverts DividendTokenNonTransferable without any allowance too, not ERC20InsufficientAllowance", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 2n));
      const balance = await d.token.balanceOf(alice.address);
      expect(await d.token.allowance(alice.address, bob.address)).to.equal(0n);
      for (const value of [1n, balance, 0n]) {
        await expect(
          d.token.connect(bob).transferFrom(alice.address, bob.address, value),
        ).to.be.revertedWithCustomError(d.token, "DividendTokenNonTransferable");
      }
      // The holder itself cannot move its tokens through transferFrom either.
      await expect(d.token.connect(alice).transferFrom(alice.address, bob.address, 1n)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNonTransferable",
      );
      expect(await d.token.balanceOf(alice.address)).to.equal(balance);
    });
  });

  describe("transferable", () => {
    it("transfer moves balances and emits Transfer", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 3n));
      const balance = await d.token.balanceOf(alice.address);
      const part = balance / 3n + 1n;
      expect(await d.token.connect(alice).transfer.staticCall(bob.address, part)).to.equal(true);
      await expect(d.token.connect(alice).transfer(bob.address, part))
        .to.emit(d.token, "Transfer")
        .withArgs(alice.address, bob.address, part);
      expect(await d.token.balanceOf(alice.address)).to.equal(balance - part);
      expect(await d.token.balanceOf(bob.address)).to.equal(part);
      expect(await d.token.totalSupply()).to.equal(balance);
      // A transfer to oneself changes nothing.
      await d.token.connect(bob).transfer(bob.address, part);
      expect(await d.token.balanceOf(bob.address)).to.equal(part);
    });

    it("transfer reverts ERC20InsufficientBalance and ERC20InvalidReceiver", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken));
      const balance = await d.token.balanceOf(alice.address);
      await expect(d.token.connect(alice).transfer(bob.address, balance + 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InsufficientBalance")
        .withArgs(alice.address, balance, balance + 1n);
      await expect(d.token.connect(alice).transfer(ZeroAddress, 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      await expect(d.token.connect(alice).approve(ZeroAddress, 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidSpender")
        .withArgs(ZeroAddress);
    });

    it("transferFrom spends the allowance, reverts ERC20InsufficientAllowance past it, and keeps an infinite one", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob, carol] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("o", alice.address, WUYOU_RULES.spendPerToken * 10n));
      await d.token.connect(alice).approve(bob.address, 3n * ONE);
      await expect(d.token.connect(bob).transferFrom(alice.address, carol.address, 2n * ONE))
        .to.emit(d.token, "Transfer")
        .withArgs(alice.address, carol.address, 2n * ONE);
      expect(await d.token.allowance(alice.address, bob.address)).to.equal(ONE);
      expect(await d.token.balanceOf(carol.address)).to.equal(2n * ONE);
      await expect(d.token.connect(bob).transferFrom(alice.address, carol.address, ONE + 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InsufficientAllowance")
        .withArgs(bob.address, ONE, ONE + 1n);
      await expect(d.token.connect(carol).transferFrom(alice.address, carol.address, 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InsufficientAllowance")
        .withArgs(carol.address, 0n, 1n);
      await d.token.connect(alice).approve(bob.address, MaxUint256);
      await d.token.connect(bob).transferFrom(alice.address, carol.address, 5n * ONE);
      expect(await d.token.allowance(alice.address, bob.address)).to.equal(MaxUint256);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * ONE);
      expect(await d.token.balanceOf(carol.address)).to.equal(7n * ONE);
      await expect(d.token.connect(bob).transferFrom(alice.address, carol.address, 3n * ONE + 1n))
        .to.be.revertedWithCustomError(d.token, "ERC20InsufficientBalance")
        .withArgs(alice.address, 3n * ONE, 3n * ONE + 1n);
    });

    it("a transfer moves future dividends, never dividends already earned", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob, carol, dave] = d.signers;
      const spend = WUYOU_RULES.spendPerToken;
      const { day: day1, owed: owed1 } = await settleDay(d, [
        order("a", alice.address, spend * 10n),
        order("b", bob.address, spend * 5n + 12_345n),
      ]);
      const supply1 = await d.token.totalSupply();
      const delta1 = perShare(owed1, supply1);
      const aliceBalance = await d.token.balanceOf(alice.address);
      const bobBalance = await d.token.balanceOf(bob.address);
      const alice1 = earned(aliceBalance, delta1);
      expect(await d.token.claimable(alice.address)).to.equal(alice1);
      expect(await d.token.claimable(bob.address)).to.equal(earned(bobBalance, delta1));
      expect((await d.shop.dayRecord(day1)).settled).to.equal(true);

      // Alice gives carol 40 % of her tokens: her earned dividends stay hers.
      const moved = (aliceBalance * 2n) / 5n;
      await d.token.connect(alice).transfer(carol.address, moved);
      expect(await d.token.claimable(alice.address)).to.equal(alice1);
      expect(await d.token.claimable(carol.address)).to.equal(0n);

      // The next settlement pays by the new balances (plus the carry of the first one).
      const [, , carry1] = await d.token.dividendState();
      const day2 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("c", dave.address, spend * 2n));
      const owed2 = owedOf([spend * 2n], WUYOU_RULES);
      await d.shop.deposit({ value: owed2 });
      await nextDay(d.helpers);
      await expect(d.shop.settle(day2))
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day2, owed2 + carry1);
      const delta2 = perShare(owed2 + carry1, await d.token.totalSupply());
      expect(await d.token.claimable(alice.address)).to.equal(alice1 + earned(aliceBalance - moved, delta2));
      expect(await d.token.claimable(carol.address)).to.equal(earned(moved, delta2));
      expect(await d.token.claimable(bob.address)).to.equal(earned(bobBalance, delta1 + delta2));
      expect(await d.token.claimable(dave.address)).to.equal(earned(await d.token.balanceOf(dave.address), delta2));

      // Moving everything away later does not touch what was earned.
      const aliceNow = await d.token.claimable(alice.address);
      await d.token.connect(alice).transfer(carol.address, aliceBalance - moved);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
      expect(await d.token.claimable(alice.address)).to.equal(aliceNow);
      await expect(d.token.connect(alice).claim())
        .to.emit(d.token, "DividendsClaimed")
        .withArgs(alice.address, alice.address, aliceNow);
    });
  });
});
