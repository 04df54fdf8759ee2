import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import type { DividendToken } from "../../../types/ethers-contracts/index.js";
import { addToken, BPS, load, nextDay, ONE, order, rulesWith, tokenParams, WUYOU_RULES } from "../fixture.js";
import { claimableOf, expectSolvent, ledger } from "./helpers.js";

describe("Security: dust orders that try to grief rounding", () => {
  it("days of 1-wei orders: owed <= revenue * bps, settlements never revert, claims never exceed the token's coin", async () => {
    const d = await load();
    const customers = d.signers.slice(3, 9);
    const holders = customers.map((c) => c.address);
    const bps = WUYOU_RULES.dividendBps;
    let totalOwed = 0n;
    let totalRevenue = 0n;
    let settlements = 0n;
    for (let round = 0; round < 3; round++) {
      const day = await nextDay(d.helpers);
      // A batch of 60 one-wei orders, and one- and two-wei charges.
      const batch = Array.from({ length: 60 }, (_, k) => order(`dust-${round}-${k}`, holders[k % holders.length], 1n));
      await d.shop.connect(d.operator).recordOrders(batch);
      let revenue = 60n;
      let escrowSum = 0n;
      const tokenAddress = await d.token.getAddress();
      for (let k = 0; k < 8; k++) {
        const value = BigInt(1 + (k % 2));
        const escrowBefore = (await d.shop.tokenDay(0, day)).escrowed;
        const coinBefore = await d.ethers.provider.getBalance(tokenAddress);
        const tx = d.shop.connect(customers[k % customers.length]).charge(id(`dust-c-${round}-${k}`), ZeroAddress, {
          value,
        });
        const receipt = await (await tx).wait();
        const captured = receipt?.logs
          .map((log) => d.shop.interface.parseLog(log))
          .find((log) => log?.name === "PaymentCaptured");
        expect(captured?.args.amount).to.equal(value);
        // The charge's escrow: what the token-day's escrow grew by, all of it in the token's coin.
        const escrowed = (await d.shop.tokenDay(0, day)).escrowed - escrowBefore;
        expect(await d.ethers.provider.getBalance(tokenAddress)).to.equal(coinBefore + escrowed);
        expect(escrowed >= 0n && escrowed <= value).to.equal(true);
        escrowSum += escrowed;
        revenue += value;
      }
      const { owed, escrowed } = await d.shop.tokenDay(0, day);
      expect(owed).to.equal((revenue * bps) / BPS);
      expect(escrowed).to.equal(escrowSum);
      expect(escrowed <= owed).to.equal(true);
      await nextDay(d.helpers);
      // The recorded orders are not escrowed: the keeper tops up what the escrow does not cover.
      const [entry] = await d.shop.unsettledDays((await d.shop.revenueDayCount()) - 1n, 1);
      expect(entry.unfunded).to.equal(owed - escrowed);
      await d.shop.connect(d.signers[9]).settle(day, { value: entry.unfunded });
      totalOwed += owed;
      totalRevenue += revenue;
      settlements += 1n;
    }
    expect(totalOwed <= (totalRevenue * bps) / BPS).to.equal(true);

    const before = await ledger(d, d.shop, [d.token], holders);
    expectSolvent(before);
    expect(claimableOf(before, 0) + before.rollover[0] <= totalOwed).to.equal(true);
    // Every holder with something to claim claims it; nobody is locked out by rounding.
    let claimed = 0n;
    for (let h = 0; h < holders.length; h++) {
      const owed = before.claimable[h][0];
      if (owed === 0n) continue;
      await d.token.connect(customers[h]).claim();
      claimed += owed;
    }
    const after = await ledger(d, d.shop, [d.token], holders);
    expect(claimableOf(after, 0)).to.equal(0n);
    expect(after.tokenCoin[0]).to.equal(before.tokenCoin[0] - claimed);
    // What stays behind is the rollover plus sub-wei rounding: at most one wei per holder and settlement, plus one
    // per settlement.
    const stuck = after.tokenCoin[0] - after.rollover[0];
    expect(stuck >= 0n).to.equal(true);
    expect(stuck <= settlements * (BigInt(holders.length) + 1n)).to.equal(true);
  });

  it("1-wei charges to a shop with three tokens: escrow never exceeds the payment nor a token's debt; settle works", async () => {
    const d = await load();
    const second = await addToken(d, tokenParams(rulesWith({ dividendBps: 3333n }), { symbol: "T2" }));
    const third = await addToken(d, tokenParams(rulesWith({ dividendBps: 3333n }), { symbol: "T3" }));
    const tokens: DividendToken[] = [d.token, second.token, third.token];
    const bps = [WUYOU_RULES.dividendBps, 3333n, 3333n];
    const customers = d.signers.slice(3, 7);
    const holders = customers.map((c) => c.address);
    const day = await nextDay(d.helpers);
    let revenue = 0n;
    for (let k = 0; k < 24; k++) {
      const value = BigInt(1 + (k % 3));
      await d.shop.connect(customers[k % customers.length]).charge(id(`multi-dust-${k}`), ZeroAddress, { value });
      revenue += value;
    }
    let owedTotal = 0n;
    let escrowTotal = 0n;
    for (let i = 0; i < tokens.length; i++) {
      const { owed, escrowed } = await d.shop.tokenDay(i, day);
      expect(owed).to.equal((revenue * bps[i]) / BPS);
      expect(escrowed <= owed).to.equal(true);
      owedTotal += owed;
      escrowTotal += escrowed;
    }
    const sumBps = bps.reduce((a, b) => a + b, 0n);
    expect(owedTotal <= (revenue * sumBps) / BPS).to.equal(true);
    const balance = await d.shop.merchantBalance();
    expect(balance).to.equal(revenue - escrowTotal);
    // The escrow leaves a few wei of dust unfunded; the charges' merchant share covers it.
    const unfunded = owedTotal - escrowTotal;
    expect(unfunded <= balance).to.equal(true);
    console.log(
      `      ${revenue} wei of dust charges, 3 tokens: owed ${owedTotal}, escrowed ${escrowTotal}, unfunded ${unfunded}`,
    );
    await nextDay(d.helpers);
    await d.shop.connect(d.signers[9]).settle(day);
    expect(await d.shop.merchantBalance()).to.equal(balance - unfunded);
    const after = await ledger(d, d.shop, tokens, holders);
    expectSolvent(after);
  });

  it("1-wei dividends over a large supply roll over (no revert, nothing lost) until they move the accumulator", async () => {
    // One token per wei of spend and a 50 % share: a 2^67-wei order makes a supply of 2^67 token-wei whose settlement
    // (2^66 wei) divides exactly, so no carry is left; from then on a distribution moves the accumulator only once it
    // reaches supply / 2^64 = 8 wei.
    const rules = rulesWith({ spendPerToken: ONE, dividendBps: 5000n, referralBps: 0n, poolNum: 0n, poolDen: 0n });
    const d = await load(rules);
    const [, , , whale, minnow] = d.signers;
    const first = await nextDay(d.helpers);
    await d.shop.connect(d.operator).recordOrder(order("whale", whale.address, 1n << 67n));
    await nextDay(d.helpers);
    await d.shop.settle(first, { value: 1n << 66n });
    expect((await d.token.dividendState()).rollover).to.equal(0n);
    const whaleBefore = await d.token.claimable(whale.address);
    let rolled = 0n;
    let distributed = -1n;
    for (let k = 0; k < 12 && distributed < 0n; k++) {
      const day = await nextDay(d.helpers);
      // 2 wei of revenue owes 1 wei at 50 %.
      await d.shop.connect(d.operator).recordOrder(order(`minnow-${k}`, minnow.address, 2n));
      await nextDay(d.helpers);
      const receipt = await (await d.shop.connect(d.signers[9]).settle(day, { value: 1n })).wait();
      for (const log of receipt?.logs ?? []) {
        const parsed = d.token.interface.parseLog(log);
        if (parsed?.name === "DividendsDistributed") distributed = parsed.args.amount;
        if (parsed?.name === "DividendsRolledOver") {
          rolled += 1n;
          expect(parsed.args.rollover).to.equal(rolled);
          expect((await d.token.dividendState()).rollover).to.equal(rolled);
        }
      }
    }
    expect(rolled >= 7n).to.equal(true);
    // The distribution that finally moved the accumulator paid every rolled wei plus its own.
    expect(distributed).to.equal(rolled + 1n);
    const after = await ledger(d, d.shop, [d.token], [whale.address, minnow.address]);
    const gained = after.claimable[0][0] - whaleBefore + after.claimable[1][0];
    expect(gained + after.rollover[0]).to.be.lessThanOrEqual(distributed);
    expect(distributed - gained - after.rollover[0] <= 2n).to.equal(true);
    expectSolvent(after);
  });
});
