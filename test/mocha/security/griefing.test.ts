import { expect } from "chai";
import type { DividendToken, GriefingRecipient } from "../../../types/ethers-contracts/index.js";
import { addToken, load, ONE, rulesWith, tokenParams, type Deployment } from "../fixture.js";
import { expectSolvent, ledger, settledHoldings } from "./helpers.js";

/** GriefingRecipient.Mode. */
const ACCEPT = 0;
const REVERT = 1;
const REVERT_HUGE = 2;
const RETURN_HUGE = 3;
const BURN_GAS = 4;
/** 1 MiB of return (or revert) data. */
const MIB = 1 << 20;

/** Gas the recipient itself pays to expand its memory to `bytes` (3 per word plus words^2 / 512). */
function memoryCost(bytes: number): bigint {
  const words = BigInt(Math.ceil(bytes / 32));
  return 3n * words + (words * words) / 512n;
}

async function griefer(d: Deployment): Promise<{ recipient: GriefingRecipient; address: string }> {
  const recipient = (await d.ethers.deployContract("GriefingRecipient")) as unknown as GriefingRecipient;
  return { recipient, address: await recipient.getAddress() };
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("no receipt");
  return receipt.gasUsed;
}

describe("Security: recipients that revert, return huge data or burn gas", () => {
  it("claimTo a reverting recipient reverts DividendTokenPaymentFailed and keeps every claimable", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const { recipient, address } = await griefer(d);
    const holders = [alice.address, bob.address];
    await settledHoldings(d, holders, [ONE, ONE], "grief-revert");
    await recipient.setMode(REVERT, 0);
    const before = await ledger(d, d.shop, [d.token], holders);
    await expect(d.token.connect(alice).claimTo(address))
      .to.be.revertedWithCustomError(d.token, "DividendTokenPaymentFailed")
      .withArgs(address, before.claimable[0][0]);
    expect(await ledger(d, d.shop, [d.token], holders)).to.deep.equal(before);
    // Only alice's claim to that recipient failed: bob claims, and alice claims to herself.
    await expect(d.token.connect(bob).claim()).to.changeEtherBalance(d.ethers, bob, before.claimable[1][0]);
    await expect(d.token.connect(alice).claim()).to.changeEtherBalance(d.ethers, alice, before.claimable[0][0]);
    expectSolvent(await ledger(d, d.shop, [d.token], holders));
  });

  it("claimTo a recipient returning 1 MiB: the token copies none of it (gas grows only by the recipient's own cost)", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const quiet = await griefer(d);
    const bomb = await griefer(d);
    await settledHoldings(d, [alice.address, bob.address], [ONE, ONE], "grief-return");
    await quiet.recipient.setMode(RETURN_HUGE, 0);
    await bomb.recipient.setMode(RETURN_HUGE, MIB);
    const aliceOwed = await d.token.claimable(alice.address);
    const bobOwed = await d.token.claimable(bob.address);
    const base = await gasOf(d.token.connect(alice).claimTo(quiet.address));
    const huge = await gasOf(d.token.connect(bob).claimTo(bomb.address));
    expect(await d.ethers.provider.getBalance(quiet.address)).to.equal(aliceOwed);
    expect(await d.ethers.provider.getBalance(bomb.address)).to.equal(bobOwed);
    const calleeCost = memoryCost(MIB);
    const extra = huge - base;
    console.log(
      `      claimTo gas: ${base} (empty return) vs ${huge} (1 MiB return); extra ${extra}, recipient's own memory cost ${calleeCost}`,
    );
    // The extra is the recipient's memory expansion (give or take the few gas of a differently warm account);
    // copying 1 MiB into the token would cost about as much again.
    expect(extra > calleeCost - 1_000n).to.equal(true);
    expect(extra < calleeCost + 20_000n).to.equal(true);
  });

  it("claimTo a recipient reverting with 1 MiB fails with DividendTokenPaymentFailed within the recipient's own gas", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const { recipient, address } = await griefer(d);
    await settledHoldings(d, [alice.address], [ONE], "grief-revert-huge");
    await recipient.setMode(REVERT_HUGE, MIB);
    const owed = await d.token.claimable(alice.address);
    // Enough gas for the recipient's memory (with the 1/64 the token keeps back) plus a plain claim, but far from
    // enough to copy 1 MiB back: a token that copied the revert data would run out of gas instead of this error.
    const gasLimit = (memoryCost(MIB) * 64n) / 63n + 150_000n;
    await expect(d.token.connect(alice).claimTo(address, { gasLimit }))
      .to.be.revertedWithCustomError(d.token, "DividendTokenPaymentFailed")
      .withArgs(address, owed);
    expect(await d.token.claimable(alice.address)).to.equal(owed);
  });

  it("claim by a holder that burns all gas on payment fails alone; settlement and other holders are unaffected", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const { recipient, address } = await griefer(d);
    const holders = [address, alice.address];
    const day = await settledHoldings(d, holders, [ONE, ONE], "grief-burn");
    await recipient.setMode(BURN_GAS, 0);
    const before = await ledger(d, d.shop, [d.token], holders);
    const claim = d.token.interface.encodeFunctionData("claim");
    await expect(
      recipient.execute(await d.token.getAddress(), claim, { gasLimit: 2_000_000 }),
    ).to.be.revertedWithCustomError(recipient, "GriefingRecipientCallFailed");
    expect(await ledger(d, d.shop, [d.token], holders)).to.deep.equal(before);
    // The next settlement and alice's claim go through.
    await settledHoldings(d, [alice.address], [ONE], "grief-burn-2");
    expect((await d.shop.dayRecord(day)).settled).to.equal(true);
    await expect(d.token.connect(alice).claim()).to.changeEtherBalance(
      d.ethers,
      alice,
      await d.token.claimable(alice.address),
    );
    // Once it accepts, the burner gets everything it earned.
    await recipient.setMode(ACCEPT, 0);
    const owed = await d.token.claimable(address);
    expect(owed > before.claimable[0][0]).to.equal(true);
    await recipient.execute(await d.token.getAddress(), claim);
    expect(await d.ethers.provider.getBalance(address)).to.equal(owed);
    expectSolvent(await ledger(d, d.shop, [d.token], holders));
  });

  it("claimMany to a gas-burning recipient reverts as a whole and loses nothing; the holder claims elsewhere", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const { token: second } = await addToken(d, tokenParams(rulesWith({ dividendBps: 1000n })));
    const tokens: DividendToken[] = [d.token, second];
    const { recipient, address } = await griefer(d);
    await settledHoldings(d, [alice.address], [ONE], "grief-many");
    await recipient.setMode(BURN_GAS, 0);
    const list = [await d.token.getAddress(), await second.getAddress()];
    const before = await ledger(d, d.shop, tokens, [alice.address]);
    await expect(d.factory.connect(alice).claimMany(list, address, { gasLimit: 3_000_000 })).to.be.revert(d.ethers);
    expect(await ledger(d, d.shop, tokens, [alice.address])).to.deep.equal(before);
    const owed = before.claimable[0][0] + before.claimable[0][1];
    await expect(d.factory.connect(alice).claimMany(list, bob.address)).to.changeEtherBalance(d.ethers, bob, owed);
  });

  describe("Shop.withdraw (the admin names the recipient)", () => {
    it("withdraw to a reverting or gas-burning recipient reverts ShopWithdrawalFailed and keeps the balance", async () => {
      const d = await load();
      const { recipient, address } = await griefer(d);
      await d.shop.deposit({ value: ONE });
      for (const mode of [REVERT, REVERT_HUGE, BURN_GAS]) {
        await recipient.setMode(mode, mode === REVERT_HUGE ? 4096 : 0);
        await expect(d.shop.withdraw(address, ONE, { gasLimit: 2_000_000 }))
          .to.be.revertedWithCustomError(d.shop, "ShopWithdrawalFailed")
          .withArgs(address, ONE);
        expect(await d.shop.merchantBalance()).to.equal(ONE);
      }
    });

    it("withdraw to a recipient returning 1 MiB succeeds and copies none of it: the extra gas is the recipient's own (v1 copied it)", async () => {
      const d = await load();
      const quiet = await griefer(d);
      const bomb = await griefer(d);
      await quiet.recipient.setMode(RETURN_HUGE, 0);
      await bomb.recipient.setMode(RETURN_HUGE, MIB);
      await d.shop.deposit({ value: 2n * ONE });
      const base = await gasOf(d.shop.withdraw(quiet.address, ONE));
      const huge = await gasOf(d.shop.withdraw(bomb.address, ONE));
      expect(await d.shop.merchantBalance()).to.equal(0n);
      expect(await d.ethers.provider.getBalance(bomb.address)).to.equal(ONE);
      const calleeCost = memoryCost(MIB);
      const extra = huge - base;
      console.log(
        `      withdraw gas: ${base} (empty return) vs ${huge} (1 MiB return); extra ${extra}, recipient's own memory cost ${calleeCost}`,
      );
      // The shop pays coin with a call that copies no return data (NativeAsset._assetSend), as the token does: the
      // extra is the recipient's memory expansion only; copying 1 MiB would cost about as much again.
      expect(extra > calleeCost - 1_000n).to.equal(true);
      expect(extra < calleeCost + 20_000n).to.equal(true);
    });
  });
});
