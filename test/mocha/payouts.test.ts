import { expect } from "chai";
import { AbiCoder, toUtf8String, ZeroAddress } from "ethers";
import { addToken, hashOf, load, nextDay, ONE, order, tokenParams, WUYOU_RULES, type Deployment } from "./fixture.js";
import type { GriefingRecipient, RejectingReceiver, ShareMallUpkeep } from "../../types/ethers-contracts/index.js";

const coder = AbiCoder.defaultAbiCoder();

/** Records an order for each `[customer, amount]` on a fresh day, then funds and settles that day. */
async function settleOrders(d: Deployment, orders: [string, bigint][], label: string): Promise<bigint> {
  const day = await nextDay(d.helpers);
  for (const [k, [customer, amount]] of orders.entries()) {
    await d.shop.connect(d.operator).recordOrder(order(`${label}-${k}`, customer, amount));
  }
  await nextDay(d.helpers);
  await d.shop.deposit({ value: 10n * ONE });
  await d.shop.settle(day);
  return day;
}

/** Decodes `DividendsPushed`'s words into holder → amount. */
function unpack(words: readonly bigint[]): Map<string, bigint> {
  const paid = new Map<string, bigint>();
  for (const word of words) {
    const holder = `0x${(word >> 96n).toString(16).padStart(40, "0")}`.toLowerCase();
    paid.set(holder, word & ((1n << 96n) - 1n));
  }
  return paid;
}

async function pushedWords(d: Deployment, hash: string): Promise<{ total: bigint; words: bigint[] }> {
  const receipt = await d.ethers.provider.getTransactionReceipt(hash);
  for (const log of receipt?.logs ?? []) {
    const parsed = d.token.interface.parseLog(log);
    if (parsed?.name === "DividendsPushed") return { total: parsed.args.total, words: [...parsed.args.payouts] };
  }
  throw new Error("no DividendsPushed event");
}

describe("Push payouts", () => {
  it("a stranger pays each holder its whole claimable, to the holder's own address, in one event", async () => {
    const d = await load();
    const [, , , alice, bob, carol, stranger] = d.signers;
    await settleOrders(
      d,
      [
        [alice.address, WUYOU_RULES.spendPerToken * 7n],
        [bob.address, WUYOU_RULES.spendPerToken * 3n + 12345n],
      ],
      "push",
    );
    const owed = [await d.token.claimable(alice.address), await d.token.claimable(bob.address)];
    expect(owed[0]).to.be.greaterThan(0n);
    expect(owed[1]).to.be.greaterThan(0n);
    const before = [await d.ethers.provider.getBalance(alice.address), await d.ethers.provider.getBalance(bob.address)];
    const callerBefore = await d.ethers.provider.getBalance(stranger.address);
    // Carol holds nothing: passed over.
    const holders = [alice.address, carol.address, bob.address];
    expect(await d.token.connect(stranger).payout.staticCall(holders)).to.equal(owed[0] + owed[1]);
    const tx = await d.token.connect(stranger).payout(holders);
    const receipt = await tx.wait();
    const { total, words } = await pushedWords(d, tx.hash);
    expect(total).to.equal(owed[0] + owed[1]);
    const paid = unpack(words);
    expect([...paid.keys()]).to.deep.equal([alice.address.toLowerCase(), bob.address.toLowerCase()]);
    expect(paid.get(alice.address.toLowerCase())).to.equal(owed[0]);
    expect(paid.get(bob.address.toLowerCase())).to.equal(owed[1]);
    await expect(tx).to.emit(d.token, "DividendsPushed").withArgs(stranger.address, total, words);
    expect(await d.ethers.provider.getBalance(alice.address)).to.equal(before[0] + owed[0]);
    expect(await d.ethers.provider.getBalance(bob.address)).to.equal(before[1] + owed[1]);
    // The caller only paid gas.
    const fee = receipt!.gasUsed * receipt!.gasPrice;
    expect(await d.ethers.provider.getBalance(stranger.address)).to.equal(callerBefore - fee);
    expect(await d.token.claimable(alice.address)).to.equal(0n);
    expect(await d.token.claimable(bob.address)).to.equal(0n);
    await expect(d.token.connect(alice).claim())
      .to.be.revertedWithCustomError(d.token, "DividendTokenNothingToClaim")
      .withArgs(alice.address);
  });

  it("pays a holder listed twice once, and a payout that pays no one returns 0 and emits nothing", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    await settleOrders(d, [[alice.address, WUYOU_RULES.spendPerToken * 5n]], "twice");
    const owed = await d.token.claimable(alice.address);
    const before = await d.ethers.provider.getBalance(alice.address);
    await d.token.connect(bob).payout([alice.address, alice.address, ZeroAddress]);
    expect(await d.ethers.provider.getBalance(alice.address)).to.equal(before + owed);
    expect(await d.token.payout.staticCall([alice.address, bob.address])).to.equal(0n);
    await expect(d.token.payout([alice.address, bob.address])).not.to.emit(d.token, "DividendsPushed");
    await expect(d.token.payout([])).not.to.emit(d.token, "DividendsPushed");
  });

  it("an opted-out holder is passed over and claims itself; opting back in gets it paid", async () => {
    const d = await load();
    const [, , , alice, bob, stranger] = d.signers;
    expect(await d.token.payoutOptedOut(alice.address)).to.equal(false);
    await expect(d.token.connect(alice).setPayoutOptOut(true))
      .to.emit(d.token, "PayoutPreferenceChanged")
      .withArgs(alice.address, true);
    expect(await d.token.payoutOptedOut(alice.address)).to.equal(true);
    const amounts: [string, bigint][] = [
      [alice.address, WUYOU_RULES.spendPerToken * 4n],
      [bob.address, WUYOU_RULES.spendPerToken * 2n],
    ];
    await settleOrders(d, amounts, "optout");
    // The flag leaves the balance, the supply and the claimable as they would be without it.
    const aliceBalance = await d.token.balanceOf(alice.address);
    expect(aliceBalance + (await d.token.balanceOf(bob.address))).to.equal(await d.token.totalSupply());
    expect(aliceBalance).to.equal(4n * ONE);
    const aliceOwed = await d.token.claimable(alice.address);
    expect(aliceOwed).to.be.greaterThan(0n);
    const aliceBefore = await d.ethers.provider.getBalance(alice.address);
    const tx = await d.token.connect(stranger).payout([alice.address, bob.address]);
    const paid = unpack((await pushedWords(d, tx.hash)).words);
    expect(paid.has(alice.address.toLowerCase())).to.equal(false);
    expect(paid.has(bob.address.toLowerCase())).to.equal(true);
    expect(await d.ethers.provider.getBalance(alice.address)).to.equal(aliceBefore);
    expect(await d.token.claimable(alice.address)).to.equal(aliceOwed);
    // More tokens and another day: the flag survives the mint, the balance is right.
    await settleOrders(d, [[alice.address, WUYOU_RULES.spendPerToken]], "optout2");
    expect(await d.token.balanceOf(alice.address)).to.equal(5n * ONE);
    expect(await d.token.payoutOptedOut(alice.address)).to.equal(true);
    const owedNow = await d.token.claimable(alice.address);
    expect(owedNow).to.be.greaterThan(aliceOwed);
    await expect(d.token.connect(alice).claim())
      .to.emit(d.token, "DividendsClaimed")
      .withArgs(alice.address, alice.address, owedNow);
    // Back in: the next settlement's share is pushed.
    await expect(d.token.connect(alice).setPayoutOptOut(false))
      .to.emit(d.token, "PayoutPreferenceChanged")
      .withArgs(alice.address, false);
    await settleOrders(d, [[bob.address, WUYOU_RULES.spendPerToken]], "optin");
    const again = await d.token.claimable(alice.address);
    const before = await d.ethers.provider.getBalance(alice.address);
    await d.token.connect(stranger).payout([alice.address]);
    expect(await d.ethers.provider.getBalance(alice.address)).to.equal(before + again);
    expect(await d.token.balanceOf(alice.address)).to.equal(5n * ONE);
  });

  it("a recipient that refuses the coin is skipped with PayoutSkipped, keeps its dividends and claims later", async () => {
    const d = await load();
    const [, , , alice, stranger] = d.signers;
    const receiver = (await d.ethers.deployContract("RejectingReceiver")) as unknown as RejectingReceiver;
    const rejecting = await receiver.getAddress();
    await settleOrders(
      d,
      [
        [rejecting, WUYOU_RULES.spendPerToken * 3n],
        [alice.address, WUYOU_RULES.spendPerToken * 3n],
      ],
      "reject",
    );
    const owed = await d.token.claimable(rejecting);
    const aliceOwed = await d.token.claimable(alice.address);
    const tx = d.token.connect(stranger).payout([rejecting, alice.address]);
    await expect(tx).to.emit(d.token, "PayoutSkipped").withArgs(rejecting, owed);
    await expect(tx)
      .to.emit(d.token, "DividendsPushed")
      .withArgs(stranger.address, aliceOwed, [(BigInt(alice.address) << 96n) | aliceOwed]);
    expect(await d.token.claimable(rejecting)).to.equal(owed);
    expect(await d.ethers.provider.getBalance(rejecting)).to.equal(0n);
    await receiver.setAccepting(true);
    await receiver.claim(await d.token.getAddress());
    expect(await d.ethers.provider.getBalance(rejecting)).to.equal(owed);
  });

  it("a recipient that burns gas gets PAYOUT_GAS only and is skipped; the batch goes on", async () => {
    const d = await load();
    const [, , , alice, stranger] = d.signers;
    const griefer = (await d.ethers.deployContract("GriefingRecipient")) as unknown as GriefingRecipient;
    await griefer.setMode(4, 0); // BurnGas
    const address = await griefer.getAddress();
    await settleOrders(
      d,
      [
        [address, WUYOU_RULES.spendPerToken * 2n],
        [alice.address, WUYOU_RULES.spendPerToken * 2n],
      ],
      "burn",
    );
    expect(await d.token.PAYOUT_GAS()).to.equal(10_000n);
    const owed = await d.token.claimable(address);
    const tx = await d.token.connect(stranger).payout([address, alice.address]);
    const receipt = await tx.wait();
    await expect(tx).to.emit(d.token, "PayoutSkipped").withArgs(address, owed);
    expect(await d.token.claimable(address)).to.equal(owed);
    expect(await d.token.claimable(alice.address)).to.equal(0n);
    // The griefer burnt at most its 10,000 gas plus the stipend: the whole call stays far below 100,000.
    expect(receipt!.gasUsed).to.be.lessThan(100_000n);
  });

  it("reverts DividendTokenPayoutGasLow with nothing applied when the gas runs short before a holder", async () => {
    const d = await load();
    const [, , , alice, bob, stranger] = d.signers;
    await settleOrders(
      d,
      [
        [alice.address, WUYOU_RULES.spendPerToken * 2n],
        [bob.address, WUYOU_RULES.spendPerToken * 2n],
      ],
      "gaslow",
    );
    const owed = [await d.token.claimable(alice.address), await d.token.claimable(bob.address)];
    const balances = [
      await d.ethers.provider.getBalance(alice.address),
      await d.ethers.provider.getBalance(bob.address),
    ];
    // Enough gas for Alice's payment, not for Bob's: the whole call reverts, Alice's payment with it.
    const tx = d.token.connect(stranger).payout([alice.address, bob.address], { gasLimit: 60_000 });
    await expect(tx).to.be.revertedWithCustomError(d.token, "DividendTokenPayoutGasLow");
    expect([await d.token.claimable(alice.address), await d.token.claimable(bob.address)]).to.deep.equal(owed);
    expect([
      await d.ethers.provider.getBalance(alice.address),
      await d.ethers.provider.getBalance(bob.address),
    ]).to.deep.equal(balances);
    // With the gas eth_estimateGas gives, both are paid.
    const estimate = await d.token.connect(stranger).payout.estimateGas([alice.address, bob.address]);
    await expect(d.token.connect(stranger).payout([alice.address, bob.address], { gasLimit: estimate }))
      .to.emit(d.token, "DividendsPushed")
      .withArgs(stranger.address, owed[0] + owed[1], [
        (BigInt(alice.address) << 96n) | owed[0],
        (BigInt(bob.address) << 96n) | owed[1],
      ]);
  });
});

describe("ShareMallUpkeep", () => {
  async function withUpkeep(d: Deployment): Promise<ShareMallUpkeep> {
    return (await d.ethers.deployContract("ShareMallUpkeep", [
      await d.factory.getAddress(),
    ])) as unknown as ShareMallUpkeep;
  }
  const checkDataOf = (shop: string, holders: string[]): string =>
    coder.encode(["address", "address[]"], [shop, holders]);
  const performDataOf = (action: number, target: string, day: bigint, holders: string[]): string =>
    coder.encode(["uint8", "address", "uint256", "address[]"], [action, target, day, holders]);

  it("says no when nothing is due, and a stranger's performUpkeep then changes nothing", async () => {
    const d = await load();
    const [, , , alice, stranger] = d.signers;
    const upkeep = await withUpkeep(d);
    const shop = await d.shop.getAddress();
    const checkData = checkDataOf(shop, [alice.address]);
    expect(await upkeep.FACTORY()).to.equal(await d.factory.getAddress());
    expect(await upkeep.checkUpkeep.staticCall(checkData)).to.deep.equal([false, "0x"]);
    const [canExec] = await upkeep.checker.staticCall(shop, [alice.address]);
    expect(canExec).to.equal(false);
    // Today's orders: not due before the shop's midnight.
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("upkeep-today", alice.address, WUYOU_RULES.spendPerToken));
    await d.shop.deposit({ value: ONE });
    expect((await upkeep.checkUpkeep.staticCall(checkData))[0]).to.equal(false);
    const balance = await d.shop.merchantBalance();
    await expect(upkeep.connect(stranger).performUpkeep(performDataOf(1, shop, day, [])))
      .to.be.revertedWithCustomError(d.shop, "ShopDayNotOver")
      .withArgs(day, day);
    await expect(
      upkeep.connect(stranger).performUpkeep(performDataOf(2, await d.token.getAddress(), 0n, [alice.address])),
    ).to.be.revertedWithCustomError(upkeep, "UpkeepNotNeeded");
    expect(await d.shop.merchantBalance()).to.equal(balance);
    expect((await d.shop.dayRecord(day)).settled).to.equal(false);
  });

  it("says yes with the settlement once the shop's day is over and funded, then the payout, then no", async () => {
    const d = await load();
    const [, , , alice, bob, stranger] = d.signers;
    const upkeep = await withUpkeep(d);
    const shop = await d.shop.getAddress();
    const token = await d.token.getAddress();
    const day = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("upkeep-a", alice.address, WUYOU_RULES.spendPerToken * 3n));
    await d.shop.connect(d.operator).recordOrder(order("upkeep-b", bob.address, WUYOU_RULES.spendPerToken));
    await nextDay(d.helpers);
    const checkData = checkDataOf(shop, [alice.address, bob.address]);
    // Recorded orders have no escrow: an unfunded day is not due.
    expect((await upkeep.checkUpkeep.staticCall(checkData))[0]).to.equal(false);
    await d.shop.deposit({ value: ONE });
    const [needed, performData] = await upkeep.checkUpkeep.staticCall(checkData);
    expect(needed).to.equal(true);
    expect(performData).to.equal(performDataOf(1, shop, day, []));
    const [canExec, payload] = await upkeep.checker.staticCall(shop, [alice.address, bob.address]);
    expect(canExec).to.equal(true);
    expect(payload).to.equal(upkeep.interface.encodeFunctionData("performUpkeep", [performData]));
    await expect(upkeep.connect(stranger).performUpkeep(performData))
      .to.emit(upkeep, "UpkeepPerformed")
      .withArgs(stranger.address, 1, shop, day, 0);
    expect((await d.shop.dayRecord(day)).settled).to.equal(true);
    // The same data again: the shop refuses it.
    await expect(upkeep.connect(stranger).performUpkeep(performData))
      .to.be.revertedWithCustomError(d.shop, "ShopDayAlreadySettled")
      .withArgs(day);

    // Bob opts out: the payout names Alice only.
    await d.token.connect(bob).setPayoutOptOut(true);
    const [payoutNeeded, payoutData] = await upkeep.checkUpkeep.staticCall(checkData);
    expect(payoutNeeded).to.equal(true);
    expect(payoutData).to.equal(performDataOf(2, token, 0n, [alice.address]));
    const owed = await d.token.claimable(alice.address);
    const before = await d.ethers.provider.getBalance(alice.address);
    await expect(upkeep.connect(stranger).performUpkeep(payoutData))
      .to.emit(upkeep, "UpkeepPerformed")
      .withArgs(stranger.address, 2, token, 0, owed);
    expect(await d.ethers.provider.getBalance(alice.address)).to.equal(before + owed);
    expect(await upkeep.checkUpkeep.staticCall(checkData)).to.deep.equal([false, "0x"]);
    await expect(upkeep.connect(stranger).performUpkeep(payoutData)).to.be.revertedWithCustomError(
      upkeep,
      "UpkeepNotNeeded",
    );
  });

  it("says yes for an unfunded day that has checkout escrow: the settlement releases the escrow, the debt stays", async () => {
    const d = await load();
    const [, , , alice, bob, stranger] = d.signers;
    const upkeep = await withUpkeep(d);
    const shop = await d.shop.getAddress();
    const day = await nextDay(d.helpers);
    await d.shop.connect(alice).charge(hashOf("upkeep-charge"), ZeroAddress, { value: WUYOU_RULES.spendPerToken });
    await d.shop.connect(d.operator).recordOrder(order("upkeep-debt", bob.address, WUYOU_RULES.spendPerToken * 50n));
    // The merchant takes the charge's share out: the recorded order's debt is unfunded.
    await d.shop.connect(d.admin).withdraw(d.admin.address, await d.shop.merchantBalance());
    await nextDay(d.helpers);
    const [needed, performData] = await upkeep.checkUpkeep.staticCall(checkDataOf(shop, []));
    expect(needed).to.equal(true);
    expect(performData).to.equal(performDataOf(1, shop, day, []));
    await expect(upkeep.connect(stranger).performUpkeep(performData)).to.emit(d.shop, "SettlementShortfall");
    expect((await d.shop.tokenDay(0, day)).escrowReleased).to.equal(true);
    // Nothing more to do until the merchant funds the debt.
    expect((await upkeep.checkUpkeep.staticCall(checkDataOf(shop, [])))[0]).to.equal(false);
    const debt = (await d.shop.tokenDay(0, day)).owed - (await d.shop.tokenDay(0, day)).escrowed;
    await d.shop.deposit({ value: debt });
    expect((await upkeep.checkUpkeep.staticCall(checkDataOf(shop, [])))[1]).to.equal(performDataOf(1, shop, day, []));
  });

  it("leaves out a holder that refuses the coin, so it never loops, and moves on to the next token", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const upkeep = await withUpkeep(d);
    const shop = await d.shop.getAddress();
    const receiver = (await d.ethers.deployContract("RejectingReceiver")) as unknown as RejectingReceiver;
    const rejecting = await receiver.getAddress();
    const { token: second } = await addToken(d, tokenParams(WUYOU_RULES, { name: "Second", symbol: "SND" }));
    await settleOrders(
      d,
      [
        [rejecting, WUYOU_RULES.spendPerToken * 2n],
        [alice.address, WUYOU_RULES.spendPerToken * 2n],
      ],
      "refuse",
    );
    // Alice claims the first token herself: only the refusing holder is owed there.
    await d.token.connect(alice).claim();
    const checkData = checkDataOf(shop, [rejecting, alice.address]);
    const [needed, performData] = await upkeep.checkUpkeep.staticCall(checkData);
    expect(needed).to.equal(true);
    expect(performData).to.equal(performDataOf(2, await second.getAddress(), 0n, [alice.address]));
    await upkeep.performUpkeep(performData);
    // Only the refusing holder is left, on both tokens: nothing a payout would pay.
    expect(await upkeep.checkUpkeep.staticCall(checkData)).to.deep.equal([false, "0x"]);
    const [canExec, reason] = await upkeep.checker.staticCall(shop, [rejecting, alice.address]);
    expect(canExec).to.equal(false);
    expect(toUtf8String(reason)).to.equal("ShareMall: nothing due");
    expect(await d.token.claimable(rejecting)).to.be.greaterThan(0n);
    await expect(upkeep.simulatePayout(await second.getAddress(), [alice.address])).to.be.revertedWithCustomError(
      upkeep,
      "UpkeepSimulated",
    );
  });

  it("refuses shops and tokens of other factories and unknown actions", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const upkeep = await withUpkeep(d);
    await expect(upkeep.checkUpkeep.staticCall(checkDataOf(alice.address, [])))
      .to.be.revertedWithCustomError(upkeep, "UpkeepUnknownShop")
      .withArgs(alice.address);
    await expect(upkeep.performUpkeep(performDataOf(1, alice.address, 1n, [])))
      .to.be.revertedWithCustomError(upkeep, "UpkeepUnknownShop")
      .withArgs(alice.address);
    await expect(upkeep.performUpkeep(performDataOf(2, alice.address, 0n, [])))
      .to.be.revertedWithCustomError(upkeep, "UpkeepUnknownToken")
      .withArgs(alice.address);
    await expect(upkeep.performUpkeep(performDataOf(3, await d.shop.getAddress(), 0n, [])))
      .to.be.revertedWithCustomError(upkeep, "UpkeepInvalidAction")
      .withArgs(3);
  });
});
