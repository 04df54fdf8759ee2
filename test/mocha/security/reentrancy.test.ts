import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import type { DividendToken, IShop, ReentrantAttacker } from "../../../types/ethers-contracts/index.js";
import {
  addToken,
  consumptionOf,
  dayOf,
  DividendModel,
  earned,
  escrowOf,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  PaymentStatus,
  paymentStatus,
  perShare,
  rulesWith,
  tokenParams,
  type Deployment,
  WUYOU_RULES,
} from "../fixture.js";
import { claimableOf, errorName, expectSolvent, ledger, settledHoldings } from "./helpers.js";

async function attackerOf(d: Deployment): Promise<{ attacker: ReentrantAttacker; address: string }> {
  const attacker = (await d.ethers.deployContract("ReentrantAttacker")) as unknown as ReentrantAttacker;
  return { attacker, address: await attacker.getAddress() };
}

function reentryError(d: Deployment, data: string): string {
  return errorName(data, [d.token.interface, d.shop.interface, d.factory.interface]);
}

describe("Security: re-entrancy (the attacker's receive() calls back in)", () => {
  describe("DividendToken.claim", () => {
    it("claim re-entered from receive() pays once; the inner claim reverts DividendTokenNothingToClaim", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address, bob.address];
      await settledHoldings(d, holders, [2n * ONE, ONE, ONE], "re-claim");
      const token = await d.token.getAddress();
      const claim = d.token.interface.encodeFunctionData("claim");
      await attacker.arm(token, 0n, claim, 1n);

      const before = await ledger(d, d.shop, [d.token], holders);
      const owed = before.claimable[0][0];
      expect(owed > 0n).to.equal(true);
      await attacker.execute(token, claim);
      const after = await ledger(d, d.shop, [d.token], holders);

      expect(await attacker.reentries()).to.equal(1n);
      expect(await attacker.lastReentryOk()).to.equal(false);
      expect(reentryError(d, await attacker.lastReentryReturn())).to.equal("DividendTokenNothingToClaim");
      expect(await attacker.received()).to.equal(owed);
      expect(after.claimable[0][0]).to.equal(0n);
      expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - owed);
      // Nobody else lost anything.
      expect(after.claimable.slice(1)).to.deep.equal(before.claimable.slice(1));
      expect(after.balances).to.deep.equal(before.balances);
      expectSolvent(after);
    });

    it("claimTo re-entered with claimTo(attacker) pays once", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address];
      await settledHoldings(d, holders, [ONE, ONE], "re-claimTo");
      const token = await d.token.getAddress();
      const claimTo = d.token.interface.encodeFunctionData("claimTo", [address]);
      await attacker.arm(token, 0n, claimTo, 3n);
      const before = await ledger(d, d.shop, [d.token], holders);
      await attacker.execute(token, claimTo);
      const after = await ledger(d, d.shop, [d.token], holders);
      expect(await attacker.lastReentryOk()).to.equal(false);
      expect(await attacker.received()).to.equal(before.claimable[0][0]);
      expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - before.claimable[0][0]);
      expect(after.claimable[1]).to.deep.equal(before.claimable[1]);
      expectSolvent(after);
    });

    it("claim re-entering settle(next day) leaves the claimer exactly its share of that day, nothing more", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address];
      await settledHoldings(d, holders, [3n * ONE, ONE], "re-settle");
      // A second day with revenue, funded but not settled.
      const day2 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("re-settle-2", alice.address, 2n * ONE));
      await nextDay(d.helpers);
      await d.shop.deposit({ value: ONE });
      const owed2 = owedOf([2n * ONE], WUYOU_RULES);

      await attacker.arm(await d.shop.getAddress(), 0n, d.shop.interface.encodeFunctionData("settle", [day2]), 1n);
      const before = await ledger(d, d.shop, [d.token], holders);
      await attacker.execute(await d.token.getAddress(), d.token.interface.encodeFunctionData("claim"));
      const after = await ledger(d, d.shop, [d.token], holders);

      expect(await attacker.lastReentryOk()).to.equal(true);
      expect((await d.shop.dayRecord(day2)).settled).to.equal(true);
      // The outer claim paid the first day only; the second day accrued on top, pro rata, exactly as the
      // accounting replayed in order (mints, day 1, the claim, day 2) says.
      expect(await attacker.received()).to.equal(before.claimable[0][0]);
      const model = new DividendModel();
      model.mint(address, consumptionOf(3n * ONE, WUYOU_RULES));
      model.mint(alice.address, consumptionOf(ONE, WUYOU_RULES));
      model.distribute(owedOf([3n * ONE, ONE], WUYOU_RULES));
      model.mint(alice.address, consumptionOf(2n * ONE, WUYOU_RULES));
      expect([model.balanceOf(address), model.balanceOf(alice.address)]).to.deep.equal(
        before.balances.map((b) => b[0]),
      );
      expect([model.claimable(address), model.claimable(alice.address)]).to.deep.equal(
        before.claimable.map((c) => c[0]),
      );
      model.claim(address);
      model.distribute(owed2);
      expect(after.claimable[0][0]).to.equal(model.claimable(address));
      expect(after.claimable[1][0]).to.equal(model.claimable(alice.address));
      expect(await d.token.dividendState()).to.deep.equal(model.state);
      // Within a wei of the plain pro-rata shares of day 2.
      const delta = perShare(owed2, before.supply[0]);
      expect(after.claimable[0][0] - earned(before.balances[0][0], delta) <= 1n).to.equal(true);
      expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - before.claimable[0][0] + owed2);
      expectSolvent(after);
    });

    it("claim re-entering charge counts the order once and gives the new tokens no past dividends", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address];
      await settledHoldings(d, holders, [ONE, ONE], "re-checkout");
      const pay = ONE;
      await d.ethers.provider.send("hardhat_setBalance", [address, "0x" + (5n * ONE).toString(16)]);
      const hash = id("re-checkout-order");
      const shop = await d.shop.getAddress();
      await attacker.arm(shop, pay, d.shop.interface.encodeFunctionData("charge", [hash, ZeroAddress]), 1n);

      const before = await ledger(d, d.shop, [d.token], holders);
      const today = await d.shop.today();
      const dayBefore = await d.shop.dayRecord(today);
      await attacker.execute(await d.token.getAddress(), d.token.interface.encodeFunctionData("claim"));
      const after = await ledger(d, d.shop, [d.token], holders);

      expect(await attacker.lastReentryOk()).to.equal(true);
      expect(await paymentStatus(d.shop, hash, address)).to.equal(PaymentStatus.Captured);
      const dayAfter = await d.shop.dayRecord(today);
      expect(dayAfter.orderCount).to.equal(dayBefore.orderCount + 1n);
      expect(dayAfter.revenue).to.equal(dayBefore.revenue + pay);
      const escrow = escrowOf([], pay, WUYOU_RULES);
      expect(after.balances[0][0]).to.equal(before.balances[0][0] + consumptionOf(pay, WUYOU_RULES));
      expect(after.claimable[0][0]).to.equal(0n);
      expect(after.claimable[1][0]).to.equal(before.claimable[1][0]);
      expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - before.claimable[0][0] + escrow);
      expect(after.merchantBalance).to.equal(before.merchantBalance + pay - escrow);
      expectSolvent(after);
      // The same charge again is refused: an order hash counts once per customer.
      await expect(
        attacker.execute(shop, d.shop.interface.encodeFunctionData("charge", [hash, ZeroAddress]), { value: pay }),
      ).to.be.revertedWithCustomError(attacker, "ReentrantAttackerCallFailed");
    });

    it("claim re-entering transfer (transferable token) moves future dividends only", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob] = d.signers;
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address, bob.address];
      await settledHoldings(d, holders, [2n * ONE, ONE, ONE], "re-transfer");
      const balance = await d.token.balanceOf(address);
      await attacker.arm(
        await d.token.getAddress(),
        0n,
        d.token.interface.encodeFunctionData("transfer", [bob.address, balance]),
        1n,
      );
      const before = await ledger(d, d.shop, [d.token], holders);
      await attacker.execute(await d.token.getAddress(), d.token.interface.encodeFunctionData("claim"));
      const after = await ledger(d, d.shop, [d.token], holders);
      expect(await attacker.lastReentryOk()).to.equal(true);
      expect(after.balances[0][0]).to.equal(0n);
      expect(after.balances[2][0]).to.equal(before.balances[2][0] + balance);
      // Bob's claimable did not grow: a transfer moves no earned dividends.
      expect(after.claimable[2][0]).to.equal(before.claimable[2][0]);
      expect(after.claimable[0][0]).to.equal(0n);
      expect(claimableOf(after, 0)).to.equal(claimableOf(before, 0) - before.claimable[0][0]);
      expectSolvent(after);
    });
  });

  describe("ShareMallFactory.claimMany", () => {
    it("claimMany re-entered from receive() pays each token's dividends exactly once", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { token: second } = await addToken(d, tokenParams(rulesWith({ dividendBps: 1000n })));
      const { attacker, address } = await attackerOf(d);
      const holders = [address, alice.address];
      const tokens: DividendToken[] = [d.token, second];
      await settledHoldings(d, holders, [2n * ONE, ONE], "re-many");
      const list = [await d.token.getAddress(), await second.getAddress()];
      const claimMany = d.factory.interface.encodeFunctionData("claimMany", [list, address]);
      const factory = await d.factory.getAddress();
      await attacker.arm(factory, 0n, claimMany, 1n);

      const before = await ledger(d, d.shop, tokens, holders);
      const own = before.claimable[0][0] + before.claimable[0][1];
      expect(before.claimable[0][0] > 0n && before.claimable[0][1] > 0n).to.equal(true);
      const tx = attacker.execute(factory, claimMany);
      // The inner call took the second token's dividends; the outer one finds nothing left there and skips it.
      await expect(tx).to.emit(d.factory, "ClaimSkipped");
      const after = await ledger(d, d.shop, tokens, holders);

      expect(await attacker.received()).to.equal(own);
      expect(after.claimable[0]).to.deep.equal([0n, 0n]);
      expect(after.claimable[1]).to.deep.equal(before.claimable[1]);
      expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - before.claimable[0][0]);
      expect(after.tokenCoin[1]).to.equal(before.tokenCoin[1] - before.claimable[0][1]);
      expectSolvent(after);
    });
  });

  describe("Shop.withdraw (a merchant admin that is a contract)", () => {
    async function attackerShop(d: Deployment): Promise<{ attacker: ReentrantAttacker; address: string; shop: IShop }> {
      const { attacker, address } = await attackerOf(d);
      const params = { admin: address, operator: d.operator.address, utcOffset: 8 * 3600, name: "Rogue Admin" };
      const shopAddress = await d.factory.createShop.staticCall(params);
      await d.factory.createShop(params);
      const shop = (await d.ethers.getContractAt("IShop", shopAddress)) as unknown as IShop;
      return { attacker, address, shop };
    }

    it("withdraw re-entering withdraw cannot take more than the merchant balance", async () => {
      const d = await load();
      const { attacker, address, shop } = await attackerShop(d);
      await shop.deposit({ value: 3n * ONE });
      const withdraw = shop.interface.encodeFunctionData("withdraw", [address, 2n * ONE]);
      await attacker.arm(await shop.getAddress(), 0n, withdraw, 1n);
      await attacker.execute(await shop.getAddress(), withdraw);
      expect(await attacker.lastReentryOk()).to.equal(false);
      expect(reentryError(d, await attacker.lastReentryReturn())).to.equal("ShopInsufficientBalance");
      expect(await attacker.received()).to.equal(2n * ONE);
      expect(await shop.merchantBalance()).to.equal(ONE);
      expect(await d.ethers.provider.getBalance(await shop.getAddress())).to.equal(ONE);
    });

    it("withdraw re-entering settle cannot settle with the coin being withdrawn", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { attacker, address, shop } = await attackerShop(d);
      const shopAddress = await shop.getAddress();
      await attacker.execute(shopAddress, shop.interface.encodeFunctionData("createToken", [tokenParams(WUYOU_RULES)]));
      const token = (await d.ethers.getContractAt(
        "DividendToken",
        (await shop.tokens())[0],
      )) as unknown as DividendToken;
      const day = dayOf(await d.helpers.time.latest());
      await shop.connect(d.operator).recordOrder(order("re-withdraw", alice.address, 5n * ONE));
      await nextDay(d.helpers);
      const owed = owedOf([5n * ONE], WUYOU_RULES);
      const spare = ONE;
      await shop.deposit({ value: owed + spare });

      // Withdraw one wei more than the spare coin, and settle from inside the withdrawal.
      await attacker.arm(shopAddress, 0n, shop.interface.encodeFunctionData("settle", [day]), 1n);
      await attacker.execute(shopAddress, shop.interface.encodeFunctionData("withdraw", [address, spare + 1n]));
      expect(await attacker.lastReentryOk()).to.equal(false);
      expect(reentryError(d, await attacker.lastReentryReturn())).to.equal("ShopSettlementUnderfunded");
      expect((await shop.dayRecord(day)).settled).to.equal(false);
      expect(await shop.merchantBalance()).to.equal(owed - 1n);
      expect(await d.ethers.provider.getBalance(await token.getAddress())).to.equal(0n);
      // One more wei from anyone settles it, and the holder gets the whole day.
      await shop.settle(day, { value: 1n });
      expect(await token.claimable(alice.address)).to.equal(
        earned(await token.balanceOf(alice.address), perShare(owed, await token.totalSupply())),
      );
      expect(await d.ethers.provider.getBalance(shopAddress)).to.equal(await shop.merchantBalance());
    });
  });
});
