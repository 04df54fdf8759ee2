import { expect } from "chai";
import { MaxUint256, ZeroAddress } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  consumptionOf,
  DividendModel,
  earned,
  load,
  MintModel,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  rulesWith,
  WUYOU_RULES,
  type Deployment,
  type IShopBase,
} from "./fixture.js";

/** Records `orders` on a fresh day, funds it and settles it; returns the day and what it owed. */
async function settleDay(d: Deployment, orders: IShopBase.OrderStruct[]): Promise<{ day: bigint; owed: bigint }> {
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

    it("mintOrder, mintBatch and distribute revert DividendTokenNotShop for anyone else, the shop's admin and operator included", async () => {
      const d = await load();
      const [admin, operator, poolManager, stranger] = d.signers;
      for (const caller of [admin, operator, poolManager, stranger]) {
        const credit = (BigInt(caller.address) << 96n) | ONE;
        for (const call of [
          d.token.connect(caller).mintOrder(caller.address, ONE, ZeroAddress, 0n, 0n),
          d.token.connect(caller).mintBatch([credit], 0n),
          d.token.connect(caller).distribute(0n, 0n),
          d.token.connect(caller).mintOrder(caller.address, ONE, ZeroAddress, 0n, 0n, { value: 1n }),
        ]) {
          await expect(call).to.be.revertedWithCustomError(d.token, "DividendTokenNotShop").withArgs(caller.address);
        }
      }
      expect(await d.token.totalSupply()).to.equal(0n);
    });
  });

  describe("mints as the shop makes them", () => {
    it("mintOrder and mintBatch mint within the cap (consumption first), keeping the escrow sent with them", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const shopAddress = await d.shop.getAddress();
      await d.helpers.setBalance(shopAddress, 10n * ONE);
      const asShop = await d.ethers.getImpersonatedSigner(shopAddress);
      const token = d.token.connect(asShop);
      // Cap 5: 3 of consumption and 3 of promotion mint 3 + 2.
      await expect(token.mintOrder(alice.address, 3n, bob.address, 3n, 5n, { value: 7n }))
        .to.emit(d.token, "Transfer")
        .withArgs(ZeroAddress, bob.address, 2n);
      expect([await d.token.balanceOf(alice.address), await d.token.balanceOf(bob.address)]).to.deep.equal([3n, 2n]);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(7n);
      // A batch under cap 9 (4 left): alice's 3 fit, then 1 of bob's 2, then nothing of alice's 7.
      const credit = (holder: string, amount: bigint) => (BigInt(holder) << 96n) | amount;
      const credits = [credit(alice.address, 3n), credit(bob.address, 2n), credit(alice.address, 7n)];
      await token.mintBatch(credits, 9n, { value: 1n });
      expect(await d.token.totalSupply()).to.equal(9n);
      expect([await d.token.balanceOf(alice.address), await d.token.balanceOf(bob.address)]).to.deep.equal([6n, 3n]);
      // At the cap a mint mints nothing and emits nothing.
      await expect(token.mintBatch([credit(alice.address, 1n)], 9n)).to.not.emit(d.token, "Transfer");
      expect(await d.token.totalSupply()).to.equal(9n);
      // Cap 0 means the 2^95 - 1 supply limit (bit 95 of an account is its payout opt-out flag).
      await token.mintOrder(alice.address, 1n << 100n, ZeroAddress, 0n, 0n);
      expect(await d.token.totalSupply()).to.equal((1n << 95n) - 1n);
      expect(await d.token.payoutOptedOut(alice.address)).to.equal(false);
      await d.helpers.stopImpersonatingAccount(shopAddress);
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
      const delta2 = perShare(owed2 + carry1, await d.token.totalSupply());
      await expect(d.shop.settle(day2))
        .to.emit(d.token, "DividendsDistributed")
        .withArgs(day2, owed2 + carry1, delta1 + delta2);
      // Exactly as the one-slot accounting counts: floor of (balance × accumulator - correction) / 2^64.
      const model = new DividendModel();
      model.mint(alice.address, aliceBalance);
      model.mint(bob.address, bobBalance);
      model.distribute(owed1);
      model.transfer(alice.address, carol.address, moved);
      model.mint(dave.address, await d.token.balanceOf(dave.address));
      model.distribute(owed2);
      expect(await d.token.dividendState()).to.deep.equal(model.state);
      for (const h of [alice, bob, carol, dave]) {
        expect(await d.token.claimable(h.address)).to.equal(model.claimable(h.address));
      }
      // Within a wei of the per-distribution shares.
      const aliceShares = alice1 + earned(aliceBalance - moved, delta2);
      expect(model.claimable(alice.address) - aliceShares <= 1n).to.equal(true);
      expect(model.claimable(carol.address) - earned(moved, delta2) <= 1n).to.equal(true);
      expect(model.claimable(bob.address)).to.equal(earned(bobBalance, delta1 + delta2));

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

  describe("one-slot holder accounting (balance and correction modulo 2^160)", () => {
    it("claimable equals the exact bigint model over many distributions, transfers and claims; a transfer moves no past dividends", async () => {
      const rules = rulesWith({ referralBps: 1500n });
      const d = await load(rules, { transferable: true });
      const holders = d.signers.slice(3, 9);
      const addresses = holders.map((h) => h.address);
      const mints = new MintModel(rules);
      const model = new DividendModel();
      const expectModel = async (when: string) => {
        expect(await d.token.dividendState(), `dividendState ${when}`).to.deep.equal(model.state);
        expect(await d.token.totalSupply(), `supply ${when}`).to.equal(model.supply);
        for (const h of addresses) {
          expect(await d.token.balanceOf(h), `balance of ${h} ${when}`).to.equal(model.balanceOf(h));
          expect(await d.token.claimable(h), `claimable of ${h} ${when}`).to.equal(model.claimable(h));
        }
      };
      /** Records one order, minting by the rules; the dividend model takes the mints the rule model computed. */
      const buy = async (label: string, customer: HardhatEthersSigner, amount: bigint, referrer = ZeroAddress) => {
        const before = addresses.map((h) => mints.balanceOf(h));
        mints.order(customer.address, amount, referrer);
        await d.shop.connect(d.operator).recordOrder(order(label, customer.address, amount, referrer));
        addresses.forEach((h, k) => {
          if (mints.balanceOf(h) !== before[k]) model.mint(h, mints.balanceOf(h) - before[k]);
        });
      };
      // A deterministic sequence: 8 days, each with orders, a settlement, transfers and claims.
      let seed = 0x5eed;
      const next = (n: number) => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      let claimedTotal = 0n;
      let transfers = 0;
      let claims = 0;
      for (let round = 0; round < 8; round++) {
        const day = await nextDay(d.helpers);
        const amounts: bigint[] = [];
        for (let k = 0; k < 3; k++) {
          const amount = BigInt(1 + next(9)) * rules.spendPerToken + BigInt(next(1_000_003));
          const customer = holders[next(holders.length)];
          const referrer = round === 0 && k === 0 ? holders[5].address : ZeroAddress;
          await buy(`r${round}-${k}`, customer, amount, customer.address === referrer ? ZeroAddress : referrer);
          amounts.push(amount);
        }
        await expectModel(`after the orders of round ${round}`);
        await nextDay(d.helpers);
        const owed = owedOf(amounts, rules);
        const { total } = model.distribute(owed);
        await expect(d.shop.settle(day, { value: owed }))
          .to.emit(d.token, "DividendsDistributed")
          .withArgs(day, total, model.accumulator);
        await expectModel(`after settling round ${round}`);
        // Two transfers: claimables of both sides stay as they were.
        for (let k = 0; k < 2; k++) {
          const from = holders[next(holders.length)];
          const to = holders[next(holders.length)];
          const balance = model.balanceOf(from.address);
          if (balance === 0n) continue;
          const amount = balance / BigInt(2 + next(3)) + 1n;
          const claimables = [model.claimable(from.address), model.claimable(to.address)];
          await d.token.connect(from).transfer(to.address, amount);
          model.transfer(from.address, to.address, amount);
          transfers++;
          expect([await d.token.claimable(from.address), await d.token.claimable(to.address)]).to.deep.equal(
            claimables,
          );
        }
        // One claim.
        const claimer = holders[next(holders.length)];
        if (model.claimable(claimer.address) > 0n) {
          const paid = model.claim(claimer.address);
          await expect(d.token.connect(claimer).claim()).to.changeEtherBalance(d.ethers, claimer, paid);
          claimedTotal += paid;
          claims++;
        }
        await expectModel(`after the trades of round ${round}`);
      }
      // The sequence did exercise every operation.
      expect(transfers).to.be.greaterThanOrEqual(8);
      expect(claims).to.be.greaterThanOrEqual(4);
      expect(claimedTotal).to.be.greaterThan(0n);
      // The token holds every unclaimed wei, the carry and less than a wei per holder and distribution of dust.
      const held = await d.ethers.provider.getBalance(await d.token.getAddress());
      const unclaimed = addresses.reduce((sum, h) => sum + model.claimable(h), 0n) + model.rollover + model.carry;
      expect(held >= unclaimed).to.equal(true);
      expect(held - unclaimed <= BigInt(8 * (addresses.length + 1))).to.equal(true);
    });

    it("the accumulator wraps modulo 2^160 and claims stay exact while each holder's unclaimed dividends stay below 2^96 wei", async () => {
      // One token-wei of supply (maxSupply 1) and 100 % dividends: each 2^95-wei day raises the accumulator by 2^159.
      const rules = rulesWith({
        spendPerToken: 1n,
        maxSupply: 1n,
        dividendBps: 10_000n,
        referralBps: 0n,
        poolNum: 0n,
        poolDen: 0n,
      });
      const d = await load(rules);
      const [, , , holder, buyer] = d.signers;
      await d.helpers.setBalance(d.admin.address, 1n << 120n);
      const half = 1n << 95n;
      const model = new DividendModel();
      for (let k = 0; k < 3; k++) {
        const day = await nextDay(d.helpers);
        await d.shop.connect(d.operator).recordOrder(order(`w${k}`, k === 0 ? holder.address : buyer.address, half));
        if (k === 0) model.mint(holder.address, 1n);
        await nextDay(d.helpers);
        model.distribute(half);
        await expect(d.shop.settle(day, { value: half }))
          .to.emit(d.token, "DividendsDistributed")
          .withArgs(day, half, model.accumulator);
        expect(await d.token.claimable(holder.address)).to.equal(half);
        expect(model.claimable(holder.address)).to.equal(half);
        await expect(d.token.connect(holder).claim()).to.changeEtherBalance(d.ethers, holder, half);
        model.claim(holder.address);
      }
      // 3 × 2^159 = 2^160 + 2^159: the accumulator wrapped once.
      expect(await d.token.dividendState()).to.deep.equal([1n << 159n, 3n, 0n]);
      expect(await d.token.totalSupply()).to.equal(1n);
      expect(await d.token.balanceOf(buyer.address)).to.equal(0n);
      expect(await d.token.claimable(holder.address)).to.equal(0n);
    });
  });

  describe("dividendState", () => {
    it("returns the accumulator, the number of distributions and what waits for the next one (rollover and carry)", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      expect(await d.token.dividendState()).to.deep.equal([0n, 0n, 0n]);
      // Above 2^64 token-wei of supply (27 tokens here), the floor of the per-share increase can leave a whole wei
      // undistributed: it is carried to the next distribution.
      const { owed } = await settleDay(d, [
        order("a", alice.address, WUYOU_RULES.spendPerToken * 20n),
        order("b", bob.address, WUYOU_RULES.spendPerToken * 7n + 1n),
      ]);
      const model = new DividendModel();
      model.mint(alice.address, await d.token.balanceOf(alice.address));
      model.mint(bob.address, await d.token.balanceOf(bob.address));
      model.distribute(owed);
      const [accumulator, epoch, rollover] = await d.token.dividendState();
      expect([accumulator, epoch, rollover]).to.deep.equal(model.state);
      expect(accumulator).to.equal(perShare(owed, model.supply));
      expect(epoch).to.equal(1n);
      expect(rollover).to.equal(model.carry);
      expect(rollover).to.equal(1n);
    });
  });
});
