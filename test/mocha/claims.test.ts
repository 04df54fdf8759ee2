import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  addShop,
  addToken,
  DividendModel,
  earned,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  perShare,
  rulesWith,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import type { DividendToken, IShop, RejectingReceiver } from "../../types/ethers-contracts/index.js";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";

interface Holding {
  shop: IShop;
  operator: HardhatEthersSigner;
  customer: string;
  amount: bigint;
  label: string;
}

/** Records the orders of each holding on a fresh day (one day for all shops), funds and settles every shop. */
async function settleHoldings(d: Deployment, holdings: Holding[]): Promise<void> {
  const day = await nextDay(d.helpers);
  const shops = new Set<IShop>();
  for (const h of holdings) {
    await h.shop.connect(h.operator).recordOrder(order(h.label, h.customer, h.amount));
    shops.add(h.shop);
  }
  await nextDay(d.helpers);
  for (const shop of shops) {
    await shop.deposit({ value: 10n * ONE });
    await shop.settle(day);
  }
}

async function deployReceiver(d: Deployment): Promise<RejectingReceiver> {
  return (await d.ethers.deployContract("RejectingReceiver")) as unknown as RejectingReceiver;
}

describe("Dividend claims", () => {
  describe("claim and claimTo", () => {
    it("claim pays the holder its claimable and zeroes it; a second claim reverts DividendTokenNothingToClaim", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const amounts = [WUYOU_RULES.spendPerToken * 6n, WUYOU_RULES.spendPerToken * 4n + 1n];
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: amounts[0], label: "a" },
        { shop: d.shop, operator: d.operator, customer: bob.address, amount: amounts[1], label: "b" },
      ]);
      const owed = owedOf(amounts, WUYOU_RULES);
      const delta = perShare(owed, await d.token.totalSupply());
      const claimable = earned(await d.token.balanceOf(alice.address), delta);
      expect(await d.token.claimable(alice.address)).to.equal(claimable);
      expect(await d.token.connect(alice).claim.staticCall()).to.equal(claimable);
      const tx = d.token.connect(alice).claim();
      await expect(tx).to.emit(d.token, "DividendsClaimed").withArgs(alice.address, alice.address, claimable);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.token], [claimable, -claimable]);
      expect(await d.token.claimable(alice.address)).to.equal(0n);
      await expect(d.token.connect(alice).claim())
        .to.be.revertedWithCustomError(d.token, "DividendTokenNothingToClaim")
        .withArgs(alice.address);
      // Bob's share is untouched by Alice's claim.
      expect(await d.token.claimable(bob.address)).to.equal(earned(await d.token.balanceOf(bob.address), delta));
    });

    it("claim reverts DividendTokenNothingToClaim for an account that never held the token", async () => {
      const d = await load();
      const stranger = d.signers[12];
      await expect(d.token.connect(stranger).claim())
        .to.be.revertedWithCustomError(d.token, "DividendTokenNothingToClaim")
        .withArgs(stranger.address);
      await expect(d.token.connect(stranger).claimTo(d.admin.address))
        .to.be.revertedWithCustomError(d.token, "DividendTokenNothingToClaim")
        .withArgs(stranger.address);
    });

    it("claimTo pays the recipient and zeroes the holder's claimable", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const wallet = d.signers[13];
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: 3n * ONE, label: "a" },
        { shop: d.shop, operator: d.operator, customer: bob.address, amount: ONE, label: "b" },
      ]);
      const claimable = await d.token.claimable(alice.address);
      const bobClaimable = await d.token.claimable(bob.address);
      expect(claimable > 0n).to.equal(true);
      const tx = d.token.connect(alice).claimTo(wallet.address);
      await expect(tx).to.emit(d.token, "DividendsClaimed").withArgs(alice.address, wallet.address, claimable);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, wallet, d.token], [0n, claimable, -claimable]);
      expect(await d.token.claimable(alice.address)).to.equal(0n);
      expect(await d.token.claimable(bob.address)).to.equal(bobClaimable);
    });

    it("claimTo reverts DividendTokenInvalidRecipient for the zero address", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: ONE, label: "a" },
      ]);
      const claimable = await d.token.claimable(alice.address);
      await expect(d.token.connect(alice).claimTo(ZeroAddress))
        .to.be.revertedWithCustomError(d.token, "DividendTokenInvalidRecipient")
        .withArgs(ZeroAddress);
      expect(await d.token.claimable(alice.address)).to.equal(claimable);
    });

    it("a claim adds up every settlement since the last one, exactly as the accumulator counts", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const amounts = [ONE, 2n * ONE + 5n, 7n * ONE];
      const model = new DividendModel();
      let perSettlement = 0n;
      for (const [k, amount] of amounts.entries()) {
        const before = await d.token.balanceOf(alice.address);
        await settleHoldings(d, [
          { shop: d.shop, operator: d.operator, customer: alice.address, amount, label: `o${k}` },
        ]);
        model.mint(alice.address, (await d.token.balanceOf(alice.address)) - before);
        const { total } = model.distribute(owedOf([amount], WUYOU_RULES));
        // Alice holds the whole supply: each settlement pays her all of it but sub-wei rounding.
        perSettlement += earned(model.supply, perShare(total, model.supply));
        expect(await d.token.claimable(alice.address)).to.equal(model.claimable(alice.address));
      }
      const claimable = await d.token.claimable(alice.address);
      // The floor of the sum may be above the sum of the floors, by less than a wei per settlement.
      expect(claimable - perSettlement >= 0n && claimable - perSettlement < BigInt(amounts.length)).to.equal(true);
      await expect(d.token.connect(alice).claim())
        .to.emit(d.token, "DividendsClaimed")
        .withArgs(alice.address, alice.address, claimable);
      expect(await d.token.claimable(alice.address)).to.equal(0n);
    });
  });

  describe("a recipient that rejects the coin", () => {
    it("reverts its own claim with DividendTokenPaymentFailed and keeps the dividends claimable", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const receiver = await deployReceiver(d);
      const receiverAddress = await receiver.getAddress();
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: receiverAddress, amount: 2n * ONE, label: "r" },
        { shop: d.shop, operator: d.operator, customer: bob.address, amount: ONE, label: "b" },
      ]);
      const claimable = await d.token.claimable(receiverAddress);
      expect(claimable > 0n).to.equal(true);
      const token = await d.token.getAddress();
      await expect(receiver.claim(token))
        .to.be.revertedWithCustomError(d.token, "DividendTokenPaymentFailed")
        .withArgs(receiverAddress, claimable);
      expect(await d.token.claimable(receiverAddress)).to.equal(claimable);
      // It hurts nobody else.
      const bobClaimable = await d.token.claimable(bob.address);
      await expect(d.token.connect(bob).claim()).to.changeEtherBalance(d.ethers, bob, bobClaimable);
      // It can still claim to a wallet that takes the coin, or to itself once it accepts.
      await expect(receiver.claimTo(token, alice.address)).to.changeEtherBalance(d.ethers, alice, claimable);
      expect(await d.token.claimable(receiverAddress)).to.equal(0n);
    });

    it("reverts a holder's claimTo naming it, and the claim succeeds once it accepts", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const receiver = await deployReceiver(d);
      const receiverAddress = await receiver.getAddress();
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: ONE, label: "a" },
      ]);
      const claimable = await d.token.claimable(alice.address);
      await expect(d.token.connect(alice).claimTo(receiverAddress))
        .to.be.revertedWithCustomError(d.token, "DividendTokenPaymentFailed")
        .withArgs(receiverAddress, claimable);
      expect(await d.token.claimable(alice.address)).to.equal(claimable);
      await receiver.setAccepting(true);
      await expect(d.token.connect(alice).claimTo(receiverAddress)).to.changeEtherBalance(
        d.ethers,
        receiverAddress,
        claimable,
      );
    });
  });

  describe("claimMany (factory)", () => {
    /** Alice holds tokens of two shops with dividends, and a third token without any. */
    async function twoShops(): Promise<{
      d: Deployment;
      alice: HardhatEthersSigner;
      second: IShop;
      token2: DividendToken;
      empty: DividendToken;
    }> {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const admin2 = d.signers[10];
      const operator2 = d.signers[11];
      const second = await addShop(d, admin2, operator2);
      const { token: token2 } = await addToken(d, tokenParams(rulesWith({ dividendBps: 1500n })), second, admin2);
      const { token: empty } = await addToken(d, tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "NONE" }));
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: 3n * ONE, label: "a1" },
        { shop: d.shop, operator: d.operator, customer: bob.address, amount: ONE, label: "b1" },
        { shop: second, operator: operator2, customer: alice.address, amount: 2n * ONE, label: "a2" },
      ]);
      return { d, alice, second, token2, empty };
    }

    it("claims the caller's dividends of tokens of two shops in one transaction", async () => {
      const { d, alice, token2 } = await twoShops();
      const t1 = await d.token.getAddress();
      const t2 = await token2.getAddress();
      const c1 = await d.token.claimable(alice.address);
      const c2 = await token2.claimable(alice.address);
      expect(c1 > 0n && c2 > 0n).to.equal(true);
      expect(await d.factory.connect(alice).claimMany.staticCall([t1, t2], ZeroAddress)).to.equal(c1 + c2);
      const tx = d.factory.connect(alice).claimMany([t1, t2], ZeroAddress);
      await expect(tx).to.emit(d.token, "DividendsClaimed").withArgs(alice.address, alice.address, c1);
      await expect(tx).to.emit(token2, "DividendsClaimed").withArgs(alice.address, alice.address, c2);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.token, token2], [c1 + c2, -c1, -c2]);
      expect(await d.token.claimable(alice.address)).to.equal(0n);
      expect(await token2.claimable(alice.address)).to.equal(0n);
    });

    it("pays a named recipient", async () => {
      const { d, alice, token2 } = await twoShops();
      const wallet = d.signers[13];
      const c1 = await d.token.claimable(alice.address);
      const c2 = await token2.claimable(alice.address);
      const tx = d.factory.connect(alice).claimMany([await d.token.getAddress(), await token2.getAddress()], wallet);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, wallet], [0n, c1 + c2]);
      await expect(tx).to.emit(token2, "DividendsClaimed").withArgs(alice.address, wallet.address, c2);
    });

    it("skips a token with nothing to claim with ClaimSkipped and pays the others", async () => {
      const { d, alice, token2, empty } = await twoShops();
      expect(await empty.balanceOf(alice.address)).to.be.greaterThan(0n);
      const c1 = await d.token.claimable(alice.address);
      const c2 = await token2.claimable(alice.address);
      const emptyAddress = await empty.getAddress();
      const reason = d.token.interface.encodeErrorResult("DividendTokenNothingToClaim", [alice.address]);
      const tx = d.factory
        .connect(alice)
        .claimMany([await d.token.getAddress(), emptyAddress, await token2.getAddress()], ZeroAddress);
      await expect(tx).to.emit(d.factory, "ClaimSkipped").withArgs(emptyAddress, alice.address, reason);
      await expect(tx).to.changeEtherBalance(d.ethers, alice, c1 + c2);
    });

    it("reverts FactoryNothingClaimed when every token is skipped", async () => {
      const { d, alice, empty } = await twoShops();
      await d.token.connect(alice).claim();
      await expect(
        d.factory.connect(alice).claimMany([await d.token.getAddress(), await empty.getAddress()], ZeroAddress),
      )
        .to.be.revertedWithCustomError(d.factory, "FactoryNothingClaimed")
        .withArgs(alice.address);
    });

    it("claims only for the caller", async () => {
      const { d, alice, token2 } = await twoShops();
      const stranger = d.signers[12];
      const c2 = await token2.claimable(alice.address);
      await expect(d.factory.connect(stranger).claimMany([await token2.getAddress()], alice.address))
        .to.be.revertedWithCustomError(d.factory, "FactoryNothingClaimed")
        .withArgs(stranger.address);
      expect(await token2.claimable(alice.address)).to.equal(c2);
    });

    it("reverts FactoryNoTokens for an empty list and FactoryUnknownToken for a foreign address", async () => {
      const { d, alice, second } = await twoShops();
      const t1 = await d.token.getAddress();
      const c1 = await d.token.claimable(alice.address);
      await expect(d.factory.connect(alice).claimMany([], ZeroAddress)).to.be.revertedWithCustomError(
        d.factory,
        "FactoryNoTokens",
      );
      const foreign = [await second.getAddress(), alice.address, await d.factory.tokenImplementation()];
      for (const address of foreign) {
        await expect(d.factory.connect(alice).claimMany([t1, address], ZeroAddress))
          .to.be.revertedWithCustomError(d.factory, "FactoryUnknownToken")
          .withArgs(address);
      }
      expect(await d.token.claimable(alice.address)).to.equal(c1);
    });

    it("skips payments a rejecting recipient refuses, and pays once it names another recipient", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const receiver = await deployReceiver(d);
      const receiverAddress = await receiver.getAddress();
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: receiverAddress, amount: ONE, label: "r" },
      ]);
      const t1 = await d.token.getAddress();
      const claimable = await d.token.claimable(receiverAddress);
      await expect(receiver.claimMany(await d.factory.getAddress(), [t1], ZeroAddress))
        .to.be.revertedWithCustomError(d.factory, "FactoryNothingClaimed")
        .withArgs(receiverAddress);
      expect(await d.token.claimable(receiverAddress)).to.equal(claimable);
      await expect(receiver.claimMany(await d.factory.getAddress(), [t1], alice.address)).to.changeEtherBalance(
        d.ethers,
        alice,
        claimable,
      );
    });
  });

  describe("claimFor", () => {
    it("reverts DividendTokenNotFactory for any caller but the factory", async () => {
      const d = await load();
      const [admin, operator, , alice] = d.signers;
      await settleHoldings(d, [
        { shop: d.shop, operator: d.operator, customer: alice.address, amount: ONE, label: "a" },
      ]);
      const claimable = await d.token.claimable(alice.address);
      for (const caller of [alice, admin, operator]) {
        await expect(d.token.connect(caller).claimFor(alice.address, caller.address))
          .to.be.revertedWithCustomError(d.token, "DividendTokenNotFactory")
          .withArgs(caller.address);
      }
      expect(await d.token.claimable(alice.address)).to.equal(claimable);
    });
  });
});
