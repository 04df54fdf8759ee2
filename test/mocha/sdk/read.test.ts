import { expect } from "chai";
import { id, parseEther, ZeroAddress } from "ethers";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress } from "viem";
import {
  claimable,
  fetchHolderEarnings,
  fetchHolderTokens,
  fetchOrderLedger,
  fetchShopDays,
  fetchUsedOrderIds,
  fromEthers,
  fromViem,
  InvalidAmountError,
  readContract,
  shopAbi,
  type RawRead,
  ORDER_PATHS,
  type Address,
  type Transport,
} from "../../../sdk/src/index.js";
import {
  addShop,
  addToken,
  load,
  nextDay,
  nextOrderIds,
  ONE,
  order,
  orderIdOf,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";

function viemTransport(d: Deployment): Transport {
  const transport = custom(
    {
      request: ({ method, params }: { method: string; params?: unknown }) =>
        d.ethers.provider.send(method, (params ?? []) as unknown[]),
    },
    // No retries: a revert is final (viem retries internal errors, which is how this node reports eth_call reverts).
    { retryCount: 0 },
  );
  return fromViem({
    publicClient: createPublicClient({ transport, pollingInterval: 10 }),
    walletClient: createWalletClient({ transport, account: d.admin.address as ViemAddress, pollingInterval: 10 }),
  });
}

interface Scenario {
  d: Deployment;
  day1: bigint;
  day2: bigint;
  /** The anchored batch's first order id. */
  batchFirstId: bigint;
  shop: Address;
  token: Address;
  alice: Address;
  transports: [Transport, Transport];
}

/**
 * Day 1: a recorded order (alice, referred by bob) and a charge (carol); day 1 settled, alice claims. A second
 * shop where alice buys too. Day 2: a recorded order, a batch of recorded orders re-sending the first one (skipped
 * by the shop) and naming another referrer for alice (a mismatch), and an anchored batch, left unsettled; day 3:
 * today.
 */
async function scenario(): Promise<Scenario> {
  const d = await load();
  const [, , , alice, bob, carol, admin2, operator2] = d.signers;
  const day1 = await d.shop.today();
  await d.shop.connect(d.operator).recordOrder(order("a1", alice.address, ONE, bob.address));
  await d.shop.connect(carol).charge(id("c1"), ZeroAddress, { value: parseEther("0.5") });
  const shop2 = await addShop(d, admin2, operator2);
  await addToken(d, tokenParams(WUYOU_RULES, { name: "Second", symbol: "SEC" }), shop2, admin2);
  await shop2.connect(operator2).recordOrder(order("s2", alice.address, 2n * ONE));
  const day2 = await nextDay(d.helpers);
  await d.shop.settle(day1, { value: ONE });
  await d.token.connect(alice).claim();
  await d.shop.connect(d.operator).recordOrder(order("a2", alice.address, 3n * ONE));
  // The day-1 order sent again (skipped: its id has counted) with, now, carol as alice's referrer.
  await d.shop
    .connect(d.operator)
    .recordOrders([
      order("a1", alice.address, ONE, carol.address),
      order("a3", alice.address, ONE / 10n, carol.address),
    ]);
  const batchFirstId = nextOrderIds(2);
  await d.shop.connect(d.operator).anchorBatch(id("root"), batchFirstId, 2n, parseEther("0.7"));
  await nextDay(d.helpers);
  return {
    d,
    day1,
    day2,
    batchFirstId,
    shop: (await d.shop.getAddress()) as Address,
    token: (await d.token.getAddress()) as Address,
    alice: alice.address as Address,
    transports: [fromEthers(d.ethers.provider), viemTransport(d)],
  };
}

describe("SDK read models (fetchShopDays, fetchHolderTokens, fetchHolderEarnings, fetchOrderLedger)", () => {
  it("fetchShopDays agrees with dayRecord/tokenDay/unsettledDays, the same with ethers and viem", async () => {
    const { d, day1, day2, shop, token, transports } = await scenario();
    const results = [];
    for (const transport of transports) {
      const result = await fetchShopDays(transport, { shop, fromDay: day1 - 1n });
      results.push(result);
      const today = await d.shop.today();
      expect(result.today).to.equal(today);
      expect([result.fromDay, result.toDay]).to.deep.equal([day1 - 1n, today]);
      expect(result.days.map((x) => x.day)).to.deep.equal([day1, day2]);
      for (const day of result.days) {
        const record = await d.shop.dayRecord(day.day);
        const t = await d.shop.tokenDay(0n, day.day);
        expect(day).to.deep.include({
          revenue: record.revenue,
          orderCount: record.orderCount,
          settled: record.settled,
          owed: t.owed,
          escrowed: t.escrowed,
        });
        expect(day.tokens).to.deep.equal([
          {
            tokenIndex: 0,
            token,
            revenue: t.revenue,
            dividendBps: t.dividendBps,
            owed: t.owed,
            escrowed: t.escrowed,
            escrowReleased: t.escrowReleased,
            settled: t.settled,
            distributed: t.settled ? t.owed : 0n,
            unfunded: t.settled ? 0n : t.owed - t.escrowed,
          },
        ]);
      }
      const [first, second] = result.days;
      expect(first).to.deep.include({
        revenue: parseEther("1.5"),
        orderCount: 2n,
        settled: true,
        unfunded: 0n,
        partlySettled: false,
        distributed: first.owed,
      });
      expect(first.escrowed).to.equal((parseEther("0.5") * WUYOU_RULES.dividendBps) / 10_000n);
      expect(first.tokens[0]).to.deep.include({ escrowReleased: true, settled: true, dividendBps: 2000n });
      // 3 + 0.1 recorded (the re-sent order skipped) and 0.7 anchored: 3.8 coin, 4 orders.
      expect(second).to.deep.include({
        revenue: parseEther("3.8"),
        orderCount: 4n,
        settled: false,
        partlySettled: false,
        distributed: 0n,
      });
      const unsettled = await d.shop.unsettledDays(0n, 100n);
      expect(result.unsettled).to.deep.equal(
        unsettled.map((u) => ({ day: u.day, owed: u.owed, unfunded: u.unfunded })),
      );
      expect(result.unsettled.map((u) => u.day)).to.deep.equal([day2]);
      expect(second.unfunded).to.equal(unsettled[0].unfunded);
      expect(result.unfundedTotal).to.equal(unsettled[0].unfunded);
    }
    expect(results[1]).to.deep.equal(results[0]);
  });

  it("fetchShopDays defaults to the last 30 days and refuses an inverted or too long range", async () => {
    const { d, day1, shop, transports } = await scenario();
    const today = await d.shop.today();
    const result = await fetchShopDays(transports[0], { shop });
    expect([result.fromDay, result.toDay]).to.deep.equal([today - 29n, today]);
    expect(result.days).to.have.length(2);
    expect((await fetchShopDays(transports[0], { shop, fromDay: day1, toDay: day1 })).days).to.have.length(1);
    for (const options of [
      { fromDay: day1 + 1n, toDay: day1 },
      { fromDay: day1 - 366n, toDay: day1 },
    ]) {
      let error: unknown;
      try {
        await fetchShopDays(transports[0], { shop, ...options });
      } catch (caught) {
        error = caught;
      }
      expect(error).to.be.instanceOf(InvalidAmountError);
    }
  });

  it("fetchHolderTokens lists the holder's tokens across shops with balance, share and claimable", async () => {
    const { d, shop, token, alice, transports } = await scenario();
    const results = [];
    for (const transport of transports) {
      const holdings = await fetchHolderTokens(transport, {
        factory: (await d.factory.getAddress()) as Address,
        holder: alice,
      });
      results.push(holdings);
      const shops = await d.factory.shops(0n, 100n);
      expect(shops).to.have.length(2);
      expect(holdings.map((h) => h.shop)).to.deep.equal([...shops]);
      for (const h of holdings) {
        const contract = await d.ethers.getContractAt("DividendToken", h.token);
        const balance = await contract.balanceOf(alice);
        const supply = await contract.totalSupply();
        expect(h).to.deep.include({
          balance,
          totalSupply: supply,
          shareBps: (balance * 10_000n) / supply,
          claimable: await contract.claimable(alice),
          name: await contract.name(),
          symbol: await contract.symbol(),
          tokenIndex: 0,
        });
        expect(h.balance > 0n).to.equal(true);
      }
      expect(holdings[0]).to.deep.include({ shop, token, symbol: "YDC" });
      expect(holdings[1].symbol).to.equal("SEC");
      const nobody = d.signers[9].address as Address;
      expect(
        await fetchHolderTokens(transport, { factory: (await d.factory.getAddress()) as Address, holder: nobody }),
      ).to.deep.equal([]);
    }
    expect(results[1]).to.deep.equal(results[0]);
  });

  it("fetchHolderEarnings returns the holder's claims, the payouts pushed to it and its claimable; totalEarned is their sum", async () => {
    const { d, token, alice, transports } = await scenario();
    const events = await d.token.queryFilter(d.token.filters.DividendsClaimed(alice));
    expect(events).to.have.length(1);
    // Someone pushes Bob his dividends (and Alice's, which are nothing now).
    const bob = d.signers[4].address as Address;
    const pushedToBob = await d.token.claimable(bob);
    expect(pushedToBob > 0n).to.equal(true);
    const push = await (await d.token.connect(d.signers[7]).payout([alice, bob])).wait();
    const results = [];
    for (const transport of transports) {
      const earnings = await fetchHolderEarnings(transport, { token, holder: alice, pageSize: 3n });
      results.push(earnings);
      expect(earnings.claims).to.deep.equal(
        events.map((e) => ({
          kind: "claim",
          recipient: e.args.recipient,
          amount: e.args.amount,
          blockNumber: BigInt(e.blockNumber),
          transactionHash: e.transactionHash,
        })),
      );
      expect(earnings.claimed).to.equal(events[0].args.amount);
      expect(earnings.claimed > 0n).to.equal(true);
      const claimable = await d.token.claimable(alice);
      expect(earnings.claimable).to.equal(claimable);
      expect(earnings.totalEarned).to.equal(events[0].args.amount + claimable);
      const forBob = await fetchHolderEarnings(transport, { token, holder: bob });
      expect(forBob.claims).to.deep.equal([
        {
          kind: "payout",
          recipient: bob,
          amount: pushedToBob,
          blockNumber: BigInt(push!.blockNumber),
          transactionHash: push!.hash,
        },
      ]);
      expect(forBob.claimed).to.equal(pushedToBob);
      expect(forBob.claimable).to.equal(0n);
      expect(forBob.totalEarned).to.equal(pushedToBob);
    }
    expect(results[1]).to.deep.equal(results[0]);
  });

  it("fetchOrderLedger lists OrderCounted and BatchAnchored events with path names, paged", async () => {
    const { d, day1, day2, shop, batchFirstId, transports } = await scenario();
    const counted = await d.shop.queryFilter(d.shop.filters.OrderCounted());
    const anchored = await d.shop.queryFilter(d.shop.filters.BatchAnchored());
    const skippedEvents = await d.shop.queryFilter(d.shop.filters.OrderSkipped());
    const mismatches = await d.shop.queryFilter(d.shop.filters.ReferrerMismatch());
    expect(counted).to.have.length(4);
    expect(skippedEvents).to.have.length(1);
    expect(mismatches).to.have.length(1);
    const results = [];
    for (const transport of transports) {
      const ledger = await fetchOrderLedger(transport, { shop, pageSize: 4n });
      results.push(ledger);
      expect(ledger.orders).to.deep.equal(
        counted.map((e) => ({
          orderHash: e.args.orderHash,
          customer: e.args.customer,
          day: e.args.day,
          orderId: e.args.orderId,
          path: ORDER_PATHS[Number(e.args.path)],
          amount: e.args.amount,
          blockNumber: BigInt(e.blockNumber),
          txHash: e.transactionHash,
        })),
      );
      expect(ledger.orders.map((o) => [o.path, o.day, o.orderId])).to.deep.equal([
        ["Recorded", day1, orderIdOf("a1")],
        ["Checkout", day1, 0n],
        ["Recorded", day2, orderIdOf("a2")],
        ["Recorded", day2, orderIdOf("a3")],
      ]);
      const [alice, bob, carol] = [d.signers[3].address, d.signers[4].address, d.signers[5].address];
      expect(ledger.skipped).to.deep.equal([
        {
          orderId: orderIdOf("a1"),
          orderHash: id("a1"),
          customer: alice,
          blockNumber: BigInt(skippedEvents[0].blockNumber),
          txHash: skippedEvents[0].transactionHash,
        },
      ]);
      expect(ledger.referrerMismatches).to.deep.equal([
        {
          customer: alice,
          bound: bob,
          named: carol,
          blockNumber: BigInt(mismatches[0].blockNumber),
          txHash: mismatches[0].transactionHash,
        },
      ]);
      expect(ledger.batches).to.deep.equal([
        {
          root: id("root"),
          day: day2,
          firstOrderId: batchFirstId,
          orderCount: 2n,
          totalRevenue: parseEther("0.7"),
          blockNumber: BigInt(anchored[0].blockNumber),
          txHash: anchored[0].transactionHash,
        },
      ]);
      const early = await fetchOrderLedger(transport, { shop, toBlock: BigInt(counted[1].blockNumber) });
      expect(early.orders).to.have.length(2);
      expect(early.batches).to.deep.equal([]);
      expect([early.skipped, early.referrerMismatches]).to.deep.equal([[], []]);
    }
    expect(results[1]).to.deep.equal(results[0]);
  });

  it("fetchUsedOrderIds returns the used ones of the ids given (one bitmap read per 256 ids), refusing bad ids", async () => {
    const { shop, transports } = await scenario();
    const ids = [orderIdOf("a1"), orderIdOf("a2"), orderIdOf("never"), orderIdOf("a3"), orderIdOf("a1")];
    const used = [orderIdOf("a1"), orderIdOf("a2"), orderIdOf("a3")].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const transport of transports) {
      expect(await fetchUsedOrderIds(transport, { shop, orderIds: ids })).to.deep.equal(used);
      expect(await fetchUsedOrderIds(transport, { shop, orderIds: ids.map(String) })).to.deep.equal(used);
      expect(await fetchUsedOrderIds(transport, { shop, orderIds: [] })).to.deep.equal([]);
      for (const bad of [[0n], [-1n], [1n << 64n], [1.5], "1"]) {
        let error: unknown;
        try {
          await fetchUsedOrderIds(transport, { shop, orderIds: bad as bigint[] });
        } catch (caught) {
          error = caught;
        }
        expect(error, String(bad)).to.be.instanceOf(InvalidAmountError);
      }
    }
  });
});

describe("SDK reads pinned to a block (blockNumber)", () => {
  it("readContract and the read models return the state at blockNumber after later blocks changed it, with ethers and viem", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const shop = (await d.shop.getAddress()) as Address;
    const token = (await d.token.getAddress()) as Address;
    const factory = (await d.factory.getAddress()) as Address;
    const day = await d.shop.today();
    await d.shop.connect(d.operator).recordOrder(order("pin-1", alice.address, ONE));
    const pinned = BigInt(await d.ethers.provider.getBlockNumber());
    const balanceThen = await d.token.balanceOf(alice.address);
    // Later blocks: a second order the same day, then the day settled (alice gets dividends to claim).
    await d.shop.connect(d.operator).recordOrder(order("pin-2", alice.address, 2n * ONE));
    await nextDay(d.helpers);
    await d.shop.settle(day, { value: ONE });
    const balanceNow = await d.token.balanceOf(alice.address);
    expect(balanceNow).to.be.greaterThan(balanceThen);
    const claimableNow = await d.token.claimable(alice.address);
    expect(claimableNow).to.be.greaterThan(0n);
    const holder = alice.address as Address;
    for (const transport of [fromEthers(d.ethers.provider), viemTransport(d)]) {
      const label = transport.library;
      const then = await readContract(transport, {
        address: shop,
        abi: shopAbi,
        functionName: "dayRecord",
        args: [day],
        blockNumber: pinned,
      });
      const now = await readContract(transport, {
        address: shop,
        abi: shopAbi,
        functionName: "dayRecord",
        args: [day],
      });
      expect([then.revenue, then.orderCount, then.settled], label).to.deep.equal([ONE, 1n, false]);
      expect([now.revenue, now.orderCount, now.settled], label).to.deep.equal([3n * ONE, 2n, true]);

      const daysThen = await fetchShopDays(transport, { shop, fromDay: day, toDay: day, blockNumber: pinned });
      expect(daysThen.today, label).to.equal(day);
      expect(
        daysThen.days.map((x) => [x.revenue, x.settled]),
        label,
      ).to.deep.equal([[ONE, false]]);
      const daysNow = await fetchShopDays(transport, { shop, fromDay: day, toDay: day });
      expect(
        daysNow.days.map((x) => [x.revenue, x.settled]),
        label,
      ).to.deep.equal([[3n * ONE, true]]);

      const tokensThen = await fetchHolderTokens(transport, { factory, holder, blockNumber: pinned });
      expect(
        tokensThen.map((t) => [t.token, t.balance, t.claimable]),
        label,
      ).to.deep.equal([[token, balanceThen, 0n]]);
      const tokensNow = await fetchHolderTokens(transport, { factory, holder });
      expect(
        tokensNow.map((t) => [t.token, t.balance, t.claimable]),
        label,
      ).to.deep.equal([[token, balanceNow, claimableNow]]);
      expect(await claimable(transport, { token, holder, blockNumber: pinned }), label).to.equal(0n);
      expect(await claimable(transport, { token, holder }), label).to.equal(claimableNow);

      const ledgerThen = await fetchOrderLedger(transport, { shop, blockNumber: pinned });
      expect(
        ledgerThen.orders.map((o) => o.orderId),
        label,
      ).to.deep.equal([orderIdOf("pin-1")]);
      const ledgerNow = await fetchOrderLedger(transport, { shop });
      expect(
        ledgerNow.orders.map((o) => o.orderId),
        label,
      ).to.deep.equal([orderIdOf("pin-1"), orderIdOf("pin-2")]);
      let error: unknown;
      try {
        await fetchOrderLedger(transport, { shop, toBlock: pinned + 1n, blockNumber: pinned });
      } catch (caught) {
        error = caught;
      }
      expect(error, label).to.be.instanceOf(InvalidAmountError);

      const ids = [orderIdOf("pin-1"), orderIdOf("pin-2")];
      expect(await fetchUsedOrderIds(transport, { shop, orderIds: ids, blockNumber: pinned }), label).to.deep.equal([
        orderIdOf("pin-1"),
      ]);
      expect(await fetchUsedOrderIds(transport, { shop, orderIds: ids }), label).to.have.length(2);
    }
  });

  it("without blockNumber, a read model reads the block number once and makes every read at that block", async () => {
    const d = await load();
    const shop = (await d.shop.getAddress()) as Address;
    await d.shop.connect(d.operator).recordOrder(order("pin-3", d.signers[3].address, ONE));
    const inner = fromEthers(d.ethers.provider);
    const blocks: (bigint | undefined)[] = [];
    let blockNumberCalls = 0;
    const counting: Transport = {
      ...inner,
      blockNumber: () => {
        blockNumberCalls++;
        return inner.blockNumber();
      },
      call: (call: RawRead) => {
        blocks.push(call.blockNumber);
        return inner.call(call);
      },
    };
    const latest = BigInt(await d.ethers.provider.getBlockNumber());
    const { days } = await fetchShopDays(counting, { shop });
    expect(days).to.have.length(1);
    expect(blockNumberCalls).to.equal(1);
    expect(blocks.length).to.be.greaterThan(3);
    expect(new Set(blocks)).to.deep.equal(new Set([latest]));
  });

  it("a blockNumber that is not a block number is refused before anything is read", async () => {
    const d = await load();
    const shop = (await d.shop.getAddress()) as Address;
    const transport = fromEthers(d.ethers.provider);
    for (const bad of [-1n, 1.5, "latest"]) {
      let error: unknown;
      try {
        await fetchShopDays(transport, { shop, blockNumber: bad as bigint });
      } catch (caught) {
        error = caught;
      }
      expect(error, String(bad)).to.be.instanceOf(InvalidAmountError);
    }
  });
});
