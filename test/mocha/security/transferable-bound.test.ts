import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import type { FlashLender, SettlementSniper } from "../../../types/ethers-contracts/index.js";
import { earned, load, nextDay, ONE, order, owedOf, perShare, WUYOU_RULES, type Deployment } from "../fixture.js";
import { claimableOf, expectSolvent, ledger } from "./helpers.js";

async function attackers(d: Deployment): Promise<{ lender: FlashLender; sniper: SettlementSniper }> {
  const lender = (await d.ethers.deployContract("FlashLender")) as unknown as FlashLender;
  const sniper = (await d.ethers.deployContract("SettlementSniper")) as unknown as SettlementSniper;
  return { lender, sniper };
}

function percent(part: bigint, whole: bigint): string {
  return `${Number((part * 1_000_000n) / whole) / 10_000}%`;
}

describe("Security: holding tokens only across a settlement (transferable tokens, late settlements)", () => {
  it("a flash-borrow around settle gains exactly floor(x * floor(owed * 2^64 / S) / 2^64) <= owed * x / S, taken from the lender", async () => {
    const d = await load(WUYOU_RULES, { transferable: true });
    const [, , , alice] = d.signers;
    const { lender, sniper } = await attackers(d);
    const lenderAddress = await lender.getAddress();
    const sniperAddress = await sniper.getAddress();
    const holders = [alice.address, lenderAddress, sniperAddress];
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("bound-a", alice.address, 3n * ONE));
    await d.shop.connect(d.operator).recordOrder(order("bound-l", lenderAddress, ONE));
    await nextDay(d.helpers);
    await d.shop.deposit({ value: 10n * ONE });

    const before = await ledger(d, d.shop, [d.token], holders);
    const x = before.balances[1][0];
    const supply = before.supply[0];
    const owed = owedOf([3n * ONE, ONE], WUYOU_RULES);
    await sniper.snipe(lenderAddress, await d.token.getAddress(), await d.shop.getAddress(), day, x);
    const after = await ledger(d, d.shop, [d.token], holders);

    const delta = perShare(owed, supply);
    const gain = await sniper.lastGain();
    expect(gain).to.equal(earned(x, delta));
    expect(await d.ethers.provider.getBalance(sniperAddress)).to.equal(gain);
    const bound = (owed * x) / supply;
    expect(gain <= bound && bound - gain <= 1n).to.equal(true);
    // The lender got its tokens back but lost that settlement's share to the borrower; alice is unaffected.
    expect(after.balances).to.deep.equal(before.balances);
    expect(after.claimable[1][0]).to.equal(0n);
    expect(after.claimable[0][0]).to.equal(earned(before.balances[0][0], delta));
    expectSolvent(after);
    console.log(
      `      flash-borrowed ${x} of ${supply} token-wei (${percent(x, supply)}) across one settlement of ${owed} wei: ` +
        `gain ${gain} wei = ${percent(gain, owed)} of the day's dividends (bound owed*x/S = ${bound})`,
    );
  });

  it("buying just before settling a backlog of days and selling after gains x/S of all the days settled, paid by the seller", async () => {
    const d = await load(WUYOU_RULES, { transferable: true });
    const [, , , alice, bob, carol] = d.signers;
    const holders = [alice.address, bob.address, carol.address];
    const day1 = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("backlog-a", alice.address, 6n * ONE));
    await d.shop.connect(d.operator).recordOrder(order("backlog-c", carol.address, 2n * ONE));
    const day2 = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("backlog-2", carol.address, 5n * ONE));
    await nextDay(d.helpers);
    await d.shop.deposit({ value: 10n * ONE });

    // What every holder would get without the trade.
    const supply = await d.token.totalSupply();
    const owed1 = owedOf([6n * ONE, 2n * ONE], WUYOU_RULES);
    const owed2 = owedOf([5n * ONE], WUYOU_RULES);
    const aliceBalance = await d.token.balanceOf(alice.address);
    const x = aliceBalance / 2n;

    // Bob buys half of alice's tokens, a keeper settles both days, bob claims and sells back.
    await d.token.connect(alice).transfer(bob.address, x);
    await d.shop.connect(d.signers[9]).settle(day1);
    await d.shop.connect(d.signers[9]).settle(day2);
    const gain = await d.token.claimable(bob.address);
    await expect(d.token.connect(bob).claim()).to.changeEtherBalance(d.ethers, bob, gain);
    await d.token.connect(bob).transfer(alice.address, x);

    const after = await ledger(d, d.shop, [d.token], holders);
    const owed = owed1 + owed2;
    const bound = (owed * x) / supply;
    // One wei of rounding per settlement at most.
    expect(gain <= bound && bound - gain <= 2n).to.equal(true);
    // Alice lost what bob gained (give or take that rounding); carol, who did not trade, lost nothing.
    const aliceAlone = earned(aliceBalance, perShare(owed1, supply)) + earned(aliceBalance, perShare(owed2, supply));
    expect(aliceAlone - after.claimable[0][0] - gain <= 2n).to.equal(true);
    const carolAlone = (owed * after.balances[2][0]) / supply;
    expect(carolAlone - after.claimable[2][0] <= 2n).to.equal(true);
    expect(after.balances[0][0]).to.equal(aliceBalance);
    expect(claimableOf(after, 0) + gain <= owed).to.equal(true);
    expectSolvent(after);
    console.log(
      `      held ${percent(x, supply)} of the supply across 2 settlements owing ${owed} wei: gain ${gain} wei ` +
        `= ${percent(gain, owed)} (bound owed*x/S = ${bound})`,
    );
  });

  it("with a non-transferable token (the default) the same flash-borrow cannot even start", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const { lender, sniper } = await attackers(d);
    const lenderAddress = await lender.getAddress();
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("nt-a", alice.address, 3n * ONE));
    await d.shop.connect(d.operator).recordOrder(order("nt-l", lenderAddress, ONE));
    await nextDay(d.helpers);
    await d.shop.deposit({ value: 10n * ONE });
    const x = await d.token.balanceOf(lenderAddress);
    await expect(
      sniper.snipe(lenderAddress, await d.token.getAddress(), await d.shop.getAddress(), day, x),
    ).to.be.revertedWithCustomError(d.token, "DividendTokenNonTransferable");
    await d.shop.settle(day);
    const owed = owedOf([3n * ONE, ONE], WUYOU_RULES);
    expect(await d.token.claimable(lenderAddress)).to.equal(earned(x, perShare(owed, await d.token.totalSupply())));
  });
  it("an order placed after a day ends but before its late settlement shares that day, even with a non-transferable token", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("late-a", alice.address, 4n * ONE));
    const owed = owedOf([4n * ONE], WUYOU_RULES);
    await nextDay(d.helpers);
    await d.shop.deposit({ value: 10n * ONE });
    const supplyBefore = await d.token.totalSupply();

    // The day is funded but nobody has settled it yet: bob buys (non-transferable tokens, earned by a charge).
    await d.shop.connect(bob).charge(id("late-b"), ZeroAddress, { value: 4n * ONE });
    const c = await d.token.balanceOf(bob.address);
    const supply = supplyBefore + c;
    await d.shop.connect(d.signers[9]).settle(day);
    const gain = await d.token.claimable(bob.address);
    const delta = perShare(owed, supply);
    expect(gain).to.equal(earned(c, delta));
    const bound = (owed * c) / supply;
    expect(gain <= bound && bound - gain <= 1n).to.equal(true);
    // Alice, the only holder during that day, loses exactly that share.
    expect(await d.token.claimable(alice.address)).to.equal(earned(await d.token.balanceOf(alice.address), delta));
    console.log(
      `      an order minting ${percent(c, supply)} of the supply before a late settlement took ${gain} wei = ` +
        `${percent(gain, owed)} of a day it had no part in (bound owed*c/(S+c) = ${bound})`,
    );
  });

  it("the same order placed after a prompt settlement gets nothing of the past day", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("prompt-a", alice.address, 4n * ONE));
    const owed = owedOf([4n * ONE], WUYOU_RULES);
    await nextDay(d.helpers, undefined, 1);
    await d.shop.connect(d.signers[9]).settle(day, { value: owed });
    await d.shop.connect(bob).charge(id("prompt-b"), ZeroAddress, { value: 4n * ONE });
    expect(await d.token.claimable(bob.address)).to.equal(0n);
    const claimable = await d.token.claimable(alice.address);
    expect(claimable <= owed && owed - claimable <= 1n).to.equal(true);
  });
});
