/**
 * Issue 15, "What it must show" #1: a keeper ticking at many instants over two simulated midnights of three shops
 * in three time zones (UTC+8, UTC−5, UTC+14) on a real `hardhat node` whose clock the test moves. Each day is
 * settled once, by the first tick after its own shop's midnight (the tick just before does not); every opted-in
 * holder is pushed exactly its claimable, checked to the wei against the node's balances (holders send nothing);
 * the opted-out holder is pushed nothing and can still claim.
 */
import { expect } from "chai";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { id } from "ethers";
import {
  charge,
  claim,
  readContract,
  setPayoutOptOut,
  dividendTokenAbi,
  fromViem,
  shopAbi,
  type Address,
  type Hex,
} from "../../../sdk/src/index.js";
import { createKeeper, dayArrivals, dayEnd, type Keeper, type TickReport } from "../../../scripts/keeper/keeper.js";
import { KeeperMetrics } from "../../../scripts/keeper/metrics.js";
import { startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import {
  account,
  DAY,
  deployFactory,
  fund,
  makeShop,
  mineAt,
  ONE,
  orders,
  providerAt,
  pushes,
  settledDays,
  signerOf,
  distributed,
} from "./support.js";

const HOUR = 3_600;

const reader = () => signerOf(sharedProvider!, 0);
let sharedProvider: ReturnType<typeof providerAt> | undefined;

describe("keeper: three shops in three time zones over two midnights (hardhat node)", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let provider: ReturnType<typeof providerAt>;
  let keeper: Keeper;
  const reports: TickReport[] = [];
  const shops: { name: string; offset: number; shop: Address; token: Address }[] = [];
  /** Holders: accounts 10..13 opted in, account 14 opted out. They send no transaction (but the opt-out). */
  const holders = [10, 11, 12, 13].map((i) => account(i).address as Address);
  const optedOut = account(14).address as Address;
  let optedOutBalance = 0n;
  const startBalances = new Map<Address, bigint>();
  /** UTC midnight starting the test's first day, and the test's start (01:00 UTC that day). */
  let utcDay = 0;

  const tick = async (at: number): Promise<TickReport> => {
    await mineAt(node, at);
    const report = await keeper.tick();
    expect(report.failures, JSON.stringify(report.failures)).to.deep.equal([]);
    expect(report.chainTime).to.equal(BigInt(at));
    reports.push(report);
    return report;
  };

  before(async function () {
    node = await startHardhatNode();
    provider = providerAt(node.url);
    sharedProvider = provider;
    const now = (await provider.getBlock("latest"))!.timestamp;
    utcDay = (Math.floor(now / DAY) + 2) * DAY;
    await mineAt(node, utcDay + HOUR);
    const factory = await deployFactory(provider);
    const merchant = signerOf(provider, 1);
    for (const [name, offset] of [
      ["Shanghai", 8],
      ["New York", -5],
      ["Kiritimati", 14],
    ] as const) {
      const { shop, token } = await makeShop(merchant, factory, name, offset);
      await fund(merchant, shop, 10n * ONE);
      shops.push({ name, offset, shop, token });
    }
    const out = signerOf(provider, 14);
    for (const s of shops) await setPayoutOptOut(out, { token: s.token, optedOut: true });
    optedOutBalance = await provider.getBalance(optedOut);
    for (const h of holders) startBalances.set(h, await provider.getBalance(h));
    keeper = createKeeper({
      transport: signerOf(provider, 2),
      factory,
      blockTimestamp: async (n) => BigInt((await provider.getBlock(n))!.timestamp),
    });
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  it("settles each day once, right after its own shop's midnight, and pushes every opted-in holder its claimable", async function () {
    const merchant = signerOf(provider, 1);
    const reader = signerOf(provider, 0);
    const customers = [...holders, optedOut];
    const midnights: { at: number; shop: number; day: bigint }[] = [];
    const recordRound = async (amounts: readonly bigint[]) => {
      for (const [i, s] of shops.entries()) {
        await orders(
          merchant,
          s.shop,
          customers,
          amounts.map((a) => a + BigInt(i)),
        );
        const day = (await readContract(reader, {
          address: s.shop,
          abi: shopAbi,
          functionName: "today",
          args: [],
        })) as bigint;
        midnights.push({ at: Number(dayEnd(day, s.offset * HOUR)), shop: i, day });
      }
    };
    // Round 1 at 01:00 UTC: UTC+8 09:00, UTC−5 20:00 the day before, UTC+14 15:00.
    await recordRound([ONE, 2n * ONE, ONE / 2n, 3n * ONE, ONE]);
    // Round 2 at 18:00 UTC, after all three midnights of round 1 (recorded in the loop below).
    const round2 = utcDay + 18 * HOUR;
    const round2Midnights = [
      { offset: -5, at: utcDay + DAY + 5 * HOUR },
      { offset: 14, at: utcDay + DAY + 10 * HOUR },
      { offset: 8, at: utcDay + DAY + 16 * HOUR },
    ];
    for (const m of round2Midnights) {
      const i = shops.findIndex((s) => s.offset === m.offset);
      midnights.push({ at: m.at, shop: i, day: BigInt((m.at + m.offset * HOUR) / DAY) - 1n });
    }
    midnights.sort((a, b) => a.at - b.at);
    // New York's midnight (05:00 UTC), Kiritimati's (10:00 UTC), Shanghai's (16:00 UTC), twice.
    expect(midnights.map((m) => shops[m.shop].name)).to.deep.equal([
      "New York",
      "Kiritimati",
      "Shanghai",
      "New York",
      "Kiritimati",
      "Shanghai",
    ]);

    let roundTwoDone = false;
    for (const m of midnights) {
      if (!roundTwoDone && m.at > round2) {
        await mineAt(node, round2);
        for (const [i, s] of shops.entries()) {
          await orders(
            merchant,
            s.shop,
            customers,
            [2n * ONE, ONE, ONE / 4n].map((a) => a + BigInt(i)),
          );
          const today = (await readContract(reader, {
            address: s.shop,
            abi: shopAbi,
            functionName: "today",
            args: [],
          })) as bigint;
          expect(midnights.some((x) => x.shop === i && x.day === today && x.at > round2)).to.equal(true);
        }
        roundTwoDone = true;
      }
      const before = await tick(m.at - 120);
      expect(before.settlements, `tick 2 minutes before ${shops[m.shop].name}'s midnight`).to.deep.equal([]);
      const after = await tick(m.at + 30);
      expect(
        after.settlements.map((s) => [s.shop, s.day]),
        `tick 30 s after ${shops[m.shop].name}'s midnight`,
      ).to.deep.equal([[shops[m.shop].shop, m.day]]);
      const settlement = after.settlements[0];
      expect(settlement.midnight).to.equal(BigInt(m.at));
      expect(settlement.lagSeconds >= 30n && settlement.lagSeconds < 120n, `lag ${settlement.lagSeconds}`).to.equal(
        true,
      );
      expect(settlement.settled).to.equal(true);
      // The day's dividends are pushed in the same tick, to the opted-in holders only.
      const pushed = after.payouts.filter((p) => p.shop === shops[m.shop].shop);
      expect(pushed.length).to.equal(1);
      expect(pushed[0].paid.map((p) => p.holder).sort()).to.deep.equal([...holders].sort());
      expect(pushed[0].total).to.be.greaterThan(0n);
      // An hour later nothing is left to do.
      const later = await tick(m.at + HOUR);
      expect([later.settlements.length, later.payouts.length]).to.deep.equal([0, 0]);
    }

    // Each day with orders settled exactly once (counted from the shop's DaySettled events on the node).
    for (const [i, s] of shops.entries()) {
      const days = await settledDays(signerOf(provider, 0), s.shop);
      const expected = midnights.filter((m) => m.shop === i).map((m) => m.day);
      expect([...days.entries()].sort(), s.name).to.deep.equal(expected.map((d) => [d, 1]));
    }

    // Every push paid each holder exactly what it could claim in the block before, and its balance rose by that.
    const payouts = reports.flatMap((r) => r.payouts);
    expect(payouts.length).to.equal(6);
    for (const p of payouts) {
      const block = Number(p.blockNumber);
      for (const paid of p.paid) {
        const owed = await readContract(fromBlock(provider, block - 1), {
          address: p.token,
          abi: dividendTokenAbi,
          functionName: "claimable",
          args: [paid.holder],
        });
        expect(paid.amount, `${paid.holder} in ${p.hash}`).to.equal(owed);
        const delta =
          (await provider.getBalance(paid.holder, block)) - (await provider.getBalance(paid.holder, block - 1));
        expect(delta).to.equal(paid.amount);
      }
    }
    // In all: each opted-in holder's balance rose by exactly what the tokens pushed it, and it has nothing left.
    const perHolder = new Map<Address, bigint>();
    for (const s of shops) {
      const chainPushes = await pushes(reader, s.token);
      for (const [h, wei] of chainPushes.perHolder) perHolder.set(h, (perHolder.get(h) ?? 0n) + wei);
      for (const h of holders) {
        expect(
          await readContract(reader, { address: s.token, abi: dividendTokenAbi, functionName: "claimable", args: [h] }),
        ).to.equal(0n);
        expect(chainPushes.count.get(h), `${h} pushed once per day`).to.equal(2);
      }
      const owedOut = await readContract(reader, {
        address: s.token,
        abi: dividendTokenAbi,
        functionName: "claimable",
        args: [optedOut],
      });
      expect(owedOut).to.be.greaterThan(0n);
      // Nothing lost: pushed + still claimable = distributed, but for the accumulator's rounding (a few wei).
      const dust = (await distributed(reader, s.token)) - chainPushes.total - owedOut;
      expect(dust >= 0n && dust <= 10n, `dust ${dust}`).to.equal(true);
    }
    for (const h of holders) {
      expect((await provider.getBalance(h)) - startBalances.get(h)!, h).to.equal(perHolder.get(h));
    }
    expect(perHolder.has(optedOut)).to.equal(false);
    expect(await provider.getBalance(optedOut)).to.equal(optedOutBalance);

    // The per-day summary a demo report prints: each day settled and paid within two minutes of its midnight.
    const arrivals = dayArrivals(reports);
    expect(arrivals.map((a) => [a.shop, a.day])).to.deep.equal(midnights.map((m) => [shops[m.shop].shop, m.day]));
    for (const a of arrivals) {
      expect(a.settleLagSeconds! >= 30n && a.settleLagSeconds! < 120n).to.equal(true);
      expect(a.payoutLagSeconds! >= a.settleLagSeconds!).to.equal(true);
      expect(a.payoutLagSeconds! < 120n).to.equal(true);
      expect(a.holdersPaid).to.equal(4);
    }
    expect(arrivals.reduce((sum, a) => sum + a.paidWei, 0n)).to.equal(payouts.reduce((sum, p) => sum + p.total, 0n));

    // The metrics add the reports up.
    const metrics = new KeeperMetrics();
    for (const r of reports) metrics.record(r, 1_700_000_000);
    const text = metrics.render();
    const paidWei = payouts.reduce((sum, p) => sum + p.total, 0n);
    expect(text).to.match(/^sharemall_keeper_days_settled_total 6$/m);
    expect(text).to.match(/^sharemall_keeper_payouts_total 24$/m);
    expect(text).to.include(`\nsharemall_keeper_paid_wei_total ${paidWei}\n`);
    expect(text).to.match(/^sharemall_keeper_unfunded_days 0$/m);
    expect(text).to.match(/^sharemall_keeper_last_tick_timestamp_seconds 1700000000$/m);
    expect(text).to.match(/^sharemall_keeper_settlement_lag_seconds \d+$/m);
    expect(text).to.match(/^sharemall_keeper_payout_lag_seconds \d+$/m);
    expect(text).to.match(/^sharemall_keeper_escrow_releases_total 0$/m);

    // The opted-out holder still claims its whole share itself.
    for (const s of shops) {
      const owed = await readContract(reader, {
        address: s.token,
        abi: dividendTokenAbi,
        functionName: "claimable",
        args: [optedOut],
      });
      const claimed = await claim(signerOf(provider, 14), { token: s.token });
      expect(claimed.amount).to.equal(owed);
    }
  });
  it("reports an unfunded day with what is missing, retries it, and funds it only from the shop admin's funding account up to the limit (over viem)", async function () {
    const factory = await deployFactory(provider);
    const merchant = signerOf(provider, 1);
    const { shop } = await makeShop(merchant, factory, "Unfunded", 8);
    await orders(merchant, shop, holders, [ONE, ONE]); // owes 0.4 coin of dividends, nothing deposited
    const day = (await readContract(reader(), {
      address: shop,
      abi: shopAbi,
      functionName: "today",
      args: [],
    })) as bigint;
    await fund(merchant, shop, ONE / 10n);
    await mineAt(node, dayEnd(day, 8 * HOUR) + 5n);
    const missing = (4n * ONE) / 10n - ONE / 10n;
    const plain = createKeeper({ transport: signerOf(provider, 2), factory, payouts: false });
    for (let i = 0; i < 2; i++) {
      const r = await plain.tick();
      expect(r.settlements).to.deep.equal([]);
      expect(r.unfunded.map((u) => [u.shop, u.day, u.unfunded, u.missing])).to.deep.equal([
        [shop, day, (4n * ONE) / 10n, missing],
      ]);
    }
    // A funding account that is not the shop's admin funds nothing, whatever its limit: anyone may create a shop.
    const stranger = createKeeper({
      transport: signerOf(provider, 2),
      factory,
      payouts: false,
      funding: { transport: signerOf(provider, 5), limitPerDayWei: 10n * ONE },
    });
    const strangerBefore = await provider.getBalance(account(5).address);
    expect((await stranger.tick()).unfunded.length).to.equal(1);
    expect(await provider.getBalance(account(5).address)).to.equal(strangerBefore);
    // The merchant's own account (the shop's admin), with a limit 1 wei short: still nothing.
    const funder = account(1).address as Address;
    const tooLittle = createKeeper({
      transport: signerOf(provider, 2),
      factory,
      payouts: false,
      funding: { transport: signerOf(provider, 1), limitPerDayWei: missing - 1n },
    });
    expect((await tooLittle.tick()).unfunded.length).to.equal(1);
    const before = await provider.getBalance(funder);
    // The same keeper over viem clients: the core only needs an SDK transport.
    const viem = (i: number) => {
      const transport = http(node.url, { retryCount: 0 });
      return fromViem({
        publicClient: createPublicClient({ transport, pollingInterval: 20 }),
        walletClient: createWalletClient({ transport, account: privateKeyToAccount(account(i).privateKey as Hex) }),
      });
    };
    const funded = createKeeper({
      transport: viem(2),
      factory,
      payouts: false,
      funding: { transport: viem(1), limitPerDayWei: missing },
    });
    const r = await funded.tick();
    expect(r.failures).to.deep.equal([]);
    expect(r.unfunded).to.deep.equal([]);
    expect(r.settlements.map((x) => [x.day, x.funded, x.dividends, x.settled])).to.deep.equal([
      [day, missing, (4n * ONE) / 10n, true],
    ]);
    expect(before - (await provider.getBalance(funder)) > missing).to.equal(true); // the missing wei and the gas
    expect((await funded.tick()).settlements).to.deep.equal([]);
    expect([...(await settledDays(reader(), shop)).entries()]).to.deep.equal([[day, 1]]);
  });

  it("releases an unfunded day's checkout escrow at once and settles its debt once the merchant deposits", async function () {
    const factory = await deployFactory(provider);
    const merchant = signerOf(provider, 1);
    const { shop } = await makeShop(merchant, factory, "Escrow first", 8);
    // A charge (its 20 % escrowed in the token, the rest in the merchant balance) and a recorded order (its 20 %
    // owed by the merchant: 2 coins, more than the charge left in the balance), same day.
    await charge(signerOf(provider, 12), { shop, orderHash: id("keeper escrow charge"), amountWei: ONE });
    await orders(merchant, shop, holders, [10n * ONE]);
    const missing = 2n * ONE - (4n * ONE) / 5n;
    const day = (await readContract(reader(), {
      address: shop,
      abi: shopAbi,
      functionName: "today",
      args: [],
    })) as bigint;
    await mineAt(node, dayEnd(day, 8 * HOUR) + 5n);
    const plain = createKeeper({ transport: signerOf(provider, 2), factory, payouts: false });
    const first = await plain.tick();
    expect(first.failures).to.deep.equal([]);
    expect(first.unfunded.map((u) => [u.day, u.missing])).to.deep.equal([[day, missing]]);
    expect(first.settlements.map((x) => [x.day, x.fromEscrow, x.fromBalance, x.settled])).to.deep.equal([
      [day, ONE / 5n, 0n, false],
    ]);
    // Nothing more to release: the next tick only reports the debt.
    const second = await plain.tick();
    expect(second.settlements).to.deep.equal([]);
    expect(second.unfunded.map((u) => [u.day, u.missing])).to.deep.equal([[day, missing]]);
    await fund(merchant, shop, missing);
    const third = await plain.tick();
    expect(third.unfunded).to.deep.equal([]);
    expect(third.settlements.map((x) => [x.day, x.fromEscrow, x.fromBalance, x.settled])).to.deep.equal([
      [day, 0n, 2n * ONE, true],
    ]);
    expect([...(await settledDays(reader(), shop)).entries()]).to.deep.equal([[day, 2]]);
    expect((await plain.tick()).settlements).to.deep.equal([]);
  });
});

/** A read-only transport whose calls run at block `block` (for "what was claimable just before this push"). */
function fromBlock(provider: ReturnType<typeof providerAt>, block: number) {
  const base = signerOf(provider, 0);
  return {
    ...base,
    call: async (call: { to: Address; data: `0x${string}` }) =>
      (await provider.call({ to: call.to, data: call.data, blockTag: block })) as `0x${string}`,
  };
}
