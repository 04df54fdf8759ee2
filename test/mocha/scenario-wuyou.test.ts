/**
 * The interview's reference case, Wuyou Tea: one month, 200 members, YDC at one token per 300 CNY and 20 % daily
 * dividends. Runs the seeded simulation of scripts/lib/wuyou.ts once and checks the chain against what was promised
 * (revenue × 20 % per day, to the wei), against an off-chain replay of the ledger (2^64 accumulator maths exactly, and
 * the exact rational pro-rata split within one wei per settlement), and against the interview's figures.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { ZeroAddress } from "ethers";
import {
  INTERVIEW,
  ONE_TOKEN,
  WEI_PER_CNY,
  YDC_RULES,
  modelClaimable,
  modelHeldAt,
  replayLedger,
  runWuyou,
  withinOf,
} from "../../scripts/lib/wuyou.js";
import type { LedgerEvent, LedgerModel, WuyouDeployment, WuyouReport } from "../../scripts/lib/wuyou.js";

const SEED = "wuyou-tea";
/** `PaymentStatus` values on chain. */
const NONE = 0n;
const CAPTURED = 3n;
const MASK_96 = (1n << 96n) - 1n;
type OrderEvent = Extract<LedgerEvent, { kind: "order" }>;
type AuthorizeEvent = Extract<LedgerEvent, { kind: "authorize" }>;
const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

describe("Wuyou Tea scenario (30 days, 200 members, seed wuyou-tea)", function () {
  let report: WuyouReport;
  let deployment: WuyouDeployment;
  let model: LedgerModel;
  let provider: Awaited<ReturnType<typeof network.create>>["ethers"]["provider"];

  before(async function () {
    this.timeout(300_000);
    const connection = await network.create();
    provider = connection.ethers.provider;
    ({ report, deployment } = await runWuyou(connection, { seed: SEED }));
    model = replayLedger(report.rules, report.events);
  });

  describe("settle", () => {
    it("settle_dividendsSettledEqualPromisedPerDay: floor(revenue × 2000 / 10000) for every day, to the wei", () => {
      let days = 0;
      for (const day of report.dayReports) {
        if (day.orders === 0) continue;
        days++;
        const promised = (day.revenue * 2_000n) / 10_000n;
        expect(day.revenueOnChain, `revenue on chain, day ${day.day}`).to.equal(day.revenue);
        expect(day.promised, `promised, day ${day.day}`).to.equal(promised);
        expect(day.settled, `tokenDay owed, day ${day.day}`).to.equal(promised);
        expect(day.settledEvent, `DaySettled dividends, day ${day.day}`).to.equal(promised);
        expect(model.owedByDay.get(day.day), `model owed, day ${day.day}`).to.equal(promised);
      }
      expect(days).to.be.greaterThan(25);
      const promisedTotal = sum(report.dayReports.map((d) => (d.revenue * 2_000n) / 10_000n));
      expect(report.totals.dividendsPromised.wei).to.equal(promisedTotal);
      expect(report.totals.dividendsSettled.wei).to.equal(promisedTotal);
      expect(sum(report.dayReports.map((d) => d.settled))).to.equal(promisedTotal);
    });

    it("settle_leavesNoPastDayUnsettled: unsettledDays is empty after the month", async () => {
      const revenueDays = await deployment.shop.revenueDayCount();
      expect(revenueDays).to.equal(BigInt(report.dayReports.filter((d) => d.orders > 0).length));
      expect(await deployment.shop.unsettledDays(0, revenueDays)).to.have.length(0);
    });

    it("settle_fundsFromEscrowFirstThenDepositOrKeeper: checkout escrow, then the merchant's deposit or the keeper's funding", async () => {
      const funding = new Set<string>();
      for (const day of report.dayReports) {
        if (day.orders === 0) continue;
        expect(day.fromEscrow, `escrow used, day ${day.day}`).to.equal(day.escrowBefore);
        expect(day.fromEscrow + day.fromBalance, `escrow + balance, day ${day.day}`).to.equal(day.settled);
        // The merchant withdraws its balance every night, so the settlement needs exactly the recorded orders' share.
        expect(day.fundedWei, `funding, day ${day.day}`).to.equal(day.fromBalance);
        funding.add(day.funding);
      }
      expect([...funding].sort()).to.deep.equal(["deposit", "keeper"]);
      expect(await deployment.shop.merchantBalance()).to.equal(0n);
    });
  });

  describe("keeper", () => {
    it("keeper_settlesEachDayAfterMidnightThenPushes: one settlement per day minutes after midnight, payouts after it", () => {
      const days = report.dayReports.filter((d) => d.orders > 0);
      expect(days.length).to.be.greaterThan(25);
      for (const d of days) {
        // The keeper ticks at 00:05: its settlement is mined within a minute of that, never before the midnight.
        expect(Number(d.settleLagSeconds), `settle lag, day ${d.day}`).to.be.within(300, 360);
        expect(d.settledAt, `settled at, day ${d.day}`).to.be.greaterThan(0n);
        expect(d.holdersPaid, `holders paid, day ${d.day}`).to.be.greaterThan(0);
        expect(d.paidOutAt, `paid out after the settlement, day ${d.day}`).to.be.greaterThan(d.settledAt);
        expect(Number(d.payoutLagSeconds), `payout lag, day ${d.day}`).to.be.within(300, 600);
        // What it pushed is the opted-in holders' part of the day: at most what the day settled.
        expect(d.pushedWei, `pushed, day ${d.day}`).to.be.greaterThan(0n);
        expect(d.pushedWei, `pushed, day ${d.day}`).to.be.lessThan(d.settled);
      }
      const settleEvents = report.events.filter((e) => e.kind === "settle");
      expect(new Set(settleEvents.map((e) => e.day)).size).to.equal(settleEvents.length);
      expect(settleEvents.length).to.equal(days.length);
    });

    it("payout_paysOptedInHoldersToThemselvesEveryDay: pushed to the holder's own address, nothing left after the last", () => {
      const claims = report.events.filter((e): e is Extract<LedgerEvent, { kind: "claim" }> => e.kind === "claim");
      const pushed = claims.filter((c) => c.method === "payout");
      expect(pushed.length).to.be.greaterThan(1000);
      for (const p of pushed) expect(p.recipient, p.holder).to.equal(p.holder);
      const pushedTo = new Set(pushed.map((p) => p.holder));
      const claimedBy = new Set(claims.filter((c) => c.method !== "payout").map((c) => c.holder));
      // A holder either takes payouts or claims itself (it opted out before holding anything), never both.
      for (const holder of pushedTo) expect(claimedBy.has(holder), holder).to.equal(false);
      for (const h of report.holders.filter((x) => pushedTo.has(x.address))) {
        expect(h.claimable, `${h.address} was paid its whole claimable by the last payout`).to.equal(0n);
      }
      expect(pushedTo.has(report.addresses.servicer)).to.equal(false);
    });
  });

  describe("dividend ledger", () => {
    it("token_coinReconcilesWithClaims: coin held = settled − claimed = claimable + rollover + dust", async () => {
      const t = report.totals;
      const coin = await provider.getBalance(report.addresses.token);
      expect(coin).to.equal(t.tokenCoinBalance);
      expect(coin).to.equal(t.dividendsSettled.wei - t.claimed.wei);
      expect(t.claimed.wei).to.equal(sum(report.events.flatMap((e) => (e.kind === "claim" ? [e.amount] : []))));
      expect(t.claimable.wei).to.be.greaterThan(0n);
      expect(coin).to.equal(t.claimable.wei + t.rollover + t.dust);
    });

    it("token_dustBelowOneWeiPerRounding: dust equals the model's and stays within a few wei per holder", () => {
      const t = report.totals;
      const holders = [...model.holders.values()];
      const modelEarned = sum(holders.map((h) => h.claimed + modelClaimable(model, h)));
      const modelDust = model.distributed - modelEarned - model.rollover - model.carry;
      expect(t.rollover).to.equal(model.rollover + model.carry);
      expect(t.dust).to.equal(modelDust);
      expect(t.dust).to.be.greaterThanOrEqual(0n);
      // The token keeps each holder's earnings exact and floors only what it pays (< 1 wei per holder), and each
      // distribution rounds its allotment up (< 1 wei per settlement).
      const roundings = holders.reduce((a, h) => a + h.roundings, 0);
      expect(holders.every((h) => h.roundings === 0 || h.roundings === 1)).to.equal(true);
      const settlements = report.events.filter((e) => e.kind === "settle").length;
      expect(model.roundUps).to.be.lessThanOrEqual(settlements);
      expect(t.dust).to.be.lessThanOrEqual(BigInt(roundings + model.roundUps));
      expect(t.dust).to.be.lessThan(BigInt(holders.length + settlements));
    });

    it("token_accumulatorMatchesModel: every settlement's DividendsDistributed accumulator equals the replay's", () => {
      const settles = report.events.filter((e): e is Extract<LedgerEvent, { kind: "settle" }> => e.kind === "settle");
      expect(settles.length).to.be.greaterThan(25);
      expect(settles.every((e) => e.accumulator !== undefined)).to.equal(true);
      expect(model.accumulatorMismatches).to.deep.equal([]);
      expect(BigInt(model.epoch)).to.equal(BigInt(settles.length));
    });

    it("claim_everyHolderMatchesAccumulatorModel: balance, claimed and claimable equal the 2^64 replay, to the wei", () => {
      expect(report.holders).to.have.length(201);
      expect(model.holders.size).to.equal(report.holders.length);
      for (const holder of report.holders) {
        const predicted = model.holders.get(holder.address);
        expect(predicted, holder.address).to.not.equal(undefined);
        if (predicted === undefined) continue;
        expect(holder.balance, `balance ${holder.address}`).to.equal(predicted.balance);
        expect(holder.claimed, `claimed ${holder.address}`).to.equal(predicted.claimed);
        expect(holder.claimable, `claimable ${holder.address}`).to.equal(modelClaimable(model, predicted));
      }
      const claims = report.events.filter((e): e is Extract<LedgerEvent, { kind: "claim" }> => e.kind === "claim");
      expect(claims.map((c) => c.amount)).to.deep.equal(model.predictedClaims);
    });

    it("claim_everyHolderWithinOneWeiPerSettlementOfProRata: exact rational share of each settlement", () => {
      for (const holder of report.holders) {
        const predicted = model.holders.get(holder.address);
        if (predicted === undefined) throw new Error(`no model for ${holder.address}`);
        expect(predicted.settlementsHeld, holder.address).to.be.greaterThan(0);
        const earned = holder.claimed + holder.claimable;
        expect(
          withinOf(earned, predicted.rational, BigInt(predicted.settlementsHeld)),
          `${holder.address} earned ${earned}, pro rata ${predicted.rational.num / predicted.rational.den}`,
        ).to.equal(true);
      }
    });

    it("claim_paysNamedRecipients: claimTo and claimMany pay the recipient; keepers still have dividends", () => {
      const claims = report.events.filter((e): e is Extract<LedgerEvent, { kind: "claim" }> => e.kind === "claim");
      const methods = new Set(claims.map((c) => c.method));
      expect([...methods].sort()).to.deep.equal(["claim", "claimMany", "claimTo", "payout"]);
      expect(claims.some((c) => c.method === "claimMany" && c.recipient !== c.holder)).to.equal(true);
      expect(claims.some((c) => c.method === "claimMany" && c.recipient === c.holder)).to.equal(true);
      for (const { recipient, balance } of report.payoutBalances) {
        const paid = sum(claims.filter((c) => c.recipient === recipient).map((c) => c.amount));
        expect(balance, `payout wallet ${recipient}`).to.equal(paid);
      }
      expect(report.payoutBalances.length).to.be.greaterThan(0);
      const keepers = report.holders.filter((h) => !claims.some((c) => c.holder === h.address));
      expect(keepers.length).to.be.greaterThan(0);
      for (const keeper of keepers) expect(keeper.claimable, keeper.address).to.be.greaterThan(0n);
      // A mid-month claim, then more dividends later.
      const midMonth = claims.filter((c) => c.day < report.days);
      expect(midMonth.length).to.be.greaterThan(0);
    });
  });

  describe("minting", () => {
    it("mint_supplyFollowsRules: consumption per 300 CNY, 5 % to the bound referrer, pool 1/9 paid to the servicer", async () => {
      const t = report.totals;
      const supply = await deployment.token.totalSupply();
      expect(t.tokensIssued).to.equal(supply);
      expect(model.supply).to.equal(supply);
      expect(t.consumptionTokens + t.promotionTokens + t.poolTokens).to.equal(supply);
      const orders = report.events.filter((e) => e.kind === "order").length;
      // Consumption is floored per order: at most one token-wei short per order. The refunds took back all the
      // refunded orders' tokens, so what is left is the final orders'.
      const exact = (t.finalRevenue.wei * ONE_TOKEN) / YDC_RULES.spendPerToken;
      expect(t.consumptionTokens).to.be.lessThanOrEqual(exact);
      expect(t.consumptionTokens).to.be.greaterThan(exact - BigInt(orders));
      expect(t.promotionTokens).to.be.greaterThan(0n);
      expect(t.promotionTokens).to.be.lessThanOrEqual((t.consumptionTokens * YDC_RULES.referralBps) / 10_000n);
      // The pool allowance is computed from the supply, floored once per checkpoint (each weekly pool mint); the
      // servicer was paid all but the last days'.
      expect(await deployment.shop.poolAllowance(0)).to.equal(model.poolAllowance);
      expect((await deployment.shop.tokenConfig(0)).poolAllowance).to.equal(model.poolAllowance);
      expect(t.poolAllowanceLeft).to.equal(model.poolAllowance);
      const poolMints = report.events.filter((e) => e.kind === "poolMint");
      expect(poolMints).to.have.length(Math.floor((report.days - 1) / 7));
      const poolAccrued = t.poolTokens + t.poolAllowanceLeft;
      expect(poolAccrued).to.be.lessThanOrEqual((t.consumptionTokens + t.promotionTokens) / 9n);
      expect(poolAccrued).to.be.greaterThan(
        (t.consumptionTokens + t.promotionTokens) / 9n - BigInt(poolMints.length + 1),
      );
      const servicer = report.holders.find((h) => h.role === "servicer");
      expect(servicer?.balance).to.equal(t.poolTokens);
    });

    it("mint_referrerBoundAtFirstOrder: the chain's binding equals the first order's referrer, for every member", () => {
      const firstReferrer = new Map<string, string>();
      for (const event of report.events) {
        if (event.kind !== "order") continue;
        if (!firstReferrer.has(event.customer)) firstReferrer.set(event.customer, event.referrer);
        else expect(event.referrer, `later order of ${event.customer}`).to.equal(ZeroAddress);
      }
      for (const holder of report.holders.filter((h) => h.role === "member")) {
        expect(holder.referrer, holder.address).to.equal(firstReferrer.get(holder.address));
        expect(holder.referrer, holder.address).to.equal(model.referrers.get(holder.address) ?? ZeroAddress);
      }
      expect(report.totals.referredMembers).to.be.greaterThan(100);
    });

    it("orders_bothPathsCountEachOrderOnce: recorded orders by their ids 1..n, payments by (hash, customer), none skipped", async () => {
      const orders = report.events.filter((e): e is Extract<LedgerEvent, { kind: "order" }> => e.kind === "order");
      expect(new Set(orders.map((o) => o.orderHash)).size).to.equal(orders.length);
      const recorded = orders.filter((o) => o.path === "recorded");
      const checkouts = orders.filter((o) => o.path === "checkout");
      expect(checkouts.length).to.equal(report.totals.checkoutOrders);
      expect(recorded.length).to.equal(report.totals.recordedOrders);
      expect(report.totals.checkoutOrders).to.be.greaterThan(50);
      expect(report.totals.recordedOrders).to.be.greaterThan(50);
      expect(recorded.map((o) => o.orderId)).to.deep.equal(recorded.map((_, k) => BigInt(k + 1)));
      expect(checkouts.every((o) => o.orderId === 0n)).to.equal(true);
      expect(model.skippedOrderIds).to.deep.equal([]);
      for (const order of recorded.filter((_, k) => k % 10 === 0)) {
        expect(await deployment.shop.isOrderIdUsed(order.orderId)).to.equal(true);
      }
      expect(await deployment.shop.isOrderIdUsed(BigInt(recorded.length + 1))).to.equal(false);
      for (const order of checkouts.filter((_, k) => k % 10 === 0)) {
        const [status, amount] = await deployment.shop.payment(order.orderHash, order.customer);
        expect(status, order.orderHash).to.equal(CAPTURED);
        // What is left to refund: the captured amount, or nothing for a refunded order.
        const refunded = report.events.some((e) => e.kind === "refund" && e.orderHash === order.orderHash);
        expect(amount).to.equal(refunded ? 0n : order.amount);
      }
    });
  });

  describe("payments", () => {
    const orders = (): OrderEvent[] => report.events.filter((e): e is OrderEvent => e.kind === "order");
    const authorizations = (): Map<string, AuthorizeEvent> =>
      new Map(
        report.events.flatMap((e): [string, AuthorizeEvent][] => (e.kind === "authorize" ? [[e.orderHash, e]] : [])),
      );

    it("payments_heldOrdersCountOnTheirCaptureDay: confirmed that evening, silent ones auto-captured a week later", async () => {
      const p = report.payments;
      const held = authorizations();
      const byStep = (step: string): OrderEvent[] => orders().filter((o) => o.capture === step);
      const confirmed = byStep("confirm");
      const auto = byStep("autoCapture");
      // A quarter of the planned checkout-path orders are online orders.
      const planned = confirmed.length + auto.length + byStep("charge").length - p.refunded.count;
      expect(confirmed.length + auto.length).to.be.within(Math.floor(planned * 0.15), Math.ceil(planned * 0.35));
      expect([confirmed.length, auto.length]).to.deep.equal([p.confirmed.count, p.autoCaptured.count]);
      expect(auto).to.have.length(4);
      expect(new Set(auto.map((o) => o.customer)).size).to.equal(4);
      for (const order of confirmed) {
        const terms = held.get(order.orderHash);
        expect(terms?.day, order.orderHash).to.equal(order.day);
        expect([order.amount, order.held]).to.deep.equal([terms?.amount, terms?.amount]);
      }
      for (const order of auto) {
        const terms = held.get(order.orderHash);
        if (terms === undefined) throw new Error(`no authorization of ${order.orderHash}`);
        expect(terms.day, "silent orders are of the first two weeks").to.be.lessThanOrEqual(14);
        expect(order.day, "counted a week later").to.equal(terms.day + 7);
        expect(order.amount).to.equal(terms.amount);
        // The window is 7 days; the expiry a week after it.
        expect(terms.expiry - terms.autoCaptureAt).to.be.greaterThan(7n * 86_400n - 60n);
      }
      // The chain counted each on its capture day: the keeper's autoCapture came at or after autoCaptureAt.
      const captured = await deployment.shop.queryFilter(deployment.shop.filters.PaymentCaptured());
      const kinds = new Map(captured.map((log) => [log.args.orderHash, log.args.kind]));
      for (const order of auto) expect(kinds.get(order.orderHash)).to.equal(2n); // CaptureKind.Auto
      for (const order of confirmed) expect(kinds.get(order.orderHash)).to.equal(1n); // CaptureKind.Customer
      for (const log of captured.filter((l) => l.args.kind === 2n)) {
        const block = await log.getBlock();
        const terms = held.get(log.args.orderHash);
        expect(BigInt(block.timestamp)).to.be.greaterThanOrEqual(terms?.autoCaptureAt ?? 2n ** 64n);
        expect(BigInt(block.timestamp)).to.be.lessThan(terms?.expiry ?? 0n);
      }
      const sumOf = (list: OrderEvent[]): bigint => sum(list.map((o) => o.amount));
      expect(p.confirmed.amount).to.equal(sumOf(confirmed));
      expect(p.autoCaptured.amount).to.equal(sumOf(auto));
      // Every authorization ended: confirmed, auto-captured, returned or partly captured; nothing held at the end.
      expect(p.authorized.count).to.equal(
        p.confirmed.count + p.autoCaptured.count + p.returned.count + p.partlyCaptured.count,
      );
      expect(p.authorized.amount).to.equal(
        p.confirmed.amount + p.autoCaptured.amount + p.returned.amount + p.partlyCaptured.held,
      );
      expect(p.heldAtEnd).to.equal(0n);
      expect(model.held).to.equal(0n);
    });

    it("payments_returnedOrdersNeverCount: requested within the window, voided, no revenue and no tokens", async () => {
      const p = report.payments;
      const voids = report.events.filter((e) => e.kind === "void");
      const requested = new Set(report.events.flatMap((e) => (e.kind === "requestReturn" ? [e.orderHash] : [])));
      const held = authorizations();
      const plannedOrders = orders().length - p.partlyCaptured.count - p.refunded.count;
      expect(voids).to.have.length(Math.round(plannedOrders * 0.03));
      expect(p.returned.count).to.equal(voids.length);
      expect(p.returned.amount).to.equal(sum(voids.map((v) => v.amount)));
      expect(p.returned.amount).to.be.greaterThan(0n);
      const counted = await deployment.shop.queryFilter(deployment.shop.filters.OrderCounted());
      const countedHashes = new Set(counted.map((log) => log.args.orderHash));
      for (const v of voids) {
        const terms = held.get(v.orderHash);
        if (terms === undefined) throw new Error(`no authorization of ${v.orderHash}`);
        expect(requested.has(v.orderHash), "return requested first").to.equal(true);
        expect(v.day, "within the window").to.be.lessThan(terms.day + 7);
        expect(v.amount).to.equal(terms.amount);
        expect(countedHashes.has(v.orderHash), "never counted").to.equal(false);
        const [status, amount] = await deployment.shop.payment(v.orderHash, v.customer);
        expect([status, amount]).to.deep.equal([NONE, 0n]);
      }
      // The chain's order ledger is the simulation's: every counted order, and its revenue, to the wei.
      expect(counted).to.have.length(orders().length);
      expect(sum(counted.map((log) => log.args.amount))).to.equal(report.totals.revenue.wei);
      expect(report.dayReports.reduce((a, d) => a + d.returned, 0)).to.equal(voids.length);
    });

    it("payments_partialCaptureCountsTheKeptPart: the operator captures part, the rest goes back", async () => {
      const p = report.payments;
      const partial = orders().filter((o) => o.capture === "capture");
      expect(partial).to.have.length(2);
      expect(p.partlyCaptured.count).to.equal(2);
      for (const order of partial) {
        expect(order.amount).to.be.greaterThan(0n);
        expect(order.amount).to.be.lessThan(order.held);
        const [status, amount] = await deployment.shop.payment(order.orderHash, order.customer);
        expect([status, amount]).to.deep.equal([CAPTURED, order.amount]);
      }
      expect(p.partlyCaptured.amount).to.equal(sum(partial.map((o) => o.amount)));
      expect(p.partlyCaptured.held).to.equal(sum(partial.map((o) => o.held)));
      expect(p.partlyCaptured.returned).to.equal(p.partlyCaptured.held - p.partlyCaptured.amount);
      // What went back to the customers: the voided payments and the rest of the partial captures.
      expect(model.returned).to.equal(p.returned.amount + p.partlyCaptured.returned);
      // The captured part is a final order: in its member's spend.
      for (const order of partial) {
        const member = report.holders.find((h) => h.address === order.customer);
        expect(member?.spend ?? 0n).to.be.greaterThanOrEqual(order.amount);
      }
    });

    it("refunds_takeBackExactlyTheModelsTokens: floor(minted × refunded / captured) from customer and referrer", async () => {
      const p = report.payments;
      const refunds = report.events.filter((e): e is Extract<LedgerEvent, { kind: "refund" }> => e.kind === "refund");
      expect(refunds).to.have.length(3);
      expect(refunds.map((r) => r.clawedBack)).to.deep.equal(model.predictedTakeBacks);
      expect(model.takeBackMismatches).to.deep.equal([]);
      let consumption = 0n;
      let promotion = 0n;
      for (const refund of refunds) {
        const charge = orders().find((o) => o.orderHash === refund.orderHash);
        if (charge === undefined) throw new Error(`no charge of ${refund.orderHash}`);
        expect(charge.capture).to.equal("charge");
        // Refunded in full, within the refund deadline (the return window after the capture).
        expect(refund.amount).to.equal(charge.amount);
        expect(refund.day).to.be.greaterThan(charge.day);
        expect(refund.day).to.be.lessThanOrEqual(charge.day + 7);
        // A full refund takes back everything the order minted: floor(minted × captured / captured).
        const c = charge.minted & MASK_96;
        const r = charge.minted >> 96n;
        expect(c).to.equal((charge.amount * ONE_TOKEN) / YDC_RULES.spendPerToken);
        expect(refund.clawedBack).to.equal(
          ((c * refund.amount) / charge.amount) | (((r * refund.amount) / charge.amount) << 96n),
        );
        expect(refund.unrecovered).to.equal(0n);
        consumption += c;
        promotion += r;
      }
      expect(promotion, "a refunded customer was referred").to.be.greaterThan(0n);
      expect([p.refunded.consumptionTakenBack, p.refunded.promotionTakenBack]).to.deep.equal([consumption, promotion]);
      expect(model.takenBack).to.deep.equal({ consumption, promotion });
      // On chain: burns (Transfer to the zero address) of exactly those tokens.
      const burns = await deployment.token.queryFilter(deployment.token.filters.Transfer(undefined, ZeroAddress));
      expect(sum(burns.map((log) => log.args.value))).to.equal(consumption + promotion);
      expect(sum(report.dayReports.map((d) => d.takenBack))).to.equal(consumption + promotion);
      // Their revenue stays on chain (the merchant paid their dividends), reported apart from the final orders.
      expect(p.refunded.amount).to.equal(report.totals.refundedRevenue.wei);
      expect(sum(report.dayReports.map((d) => d.refundedOrderRevenue))).to.equal(p.refunded.amount);
      for (const day of report.dayReports) expect(day.revenueOnChain, `day ${day.day}`).to.equal(day.revenue);
      expect(p.refunded.deposited).to.be.greaterThan(0n);
      expect(p.refunded.deposited).to.be.lessThanOrEqual(p.refunded.amount);
    });

    it("payments_shopCoinIsBalancePlusHeldPlusOwed: every night and at the end, nothing held then", async () => {
      const p = report.payments;
      const coin = await provider.getBalance(report.addresses.shop);
      expect(coin).to.equal(p.shopCoin);
      expect(await deployment.shop.merchantBalance()).to.equal(p.merchantBalance);
      expect(coin).to.equal(p.merchantBalance + p.heldAtEnd + p.returnsOwed);
      expect([p.heldAtEnd, p.returnsOwed]).to.deep.equal([0n, 0n]);
      let heldSomeNight = false;
      for (const day of report.dayReports) {
        const held = modelHeldAt(model, day.day);
        expect(day.shopCoinAtEnd, `day ${day.day}`).to.equal(day.merchantBalanceAtEnd + held + day.returnsOwedAtEnd);
        if (held > 0n) heldSomeNight = true;
      }
      expect(heldSomeNight, "silent customers' payments are held overnight").to.equal(true);
    });
  });

  describe("interview figures", () => {
    it("wuyou_meetsInterviewFigures: ≥ 1,000 YDC, ≥ 300,000 CNY revenue, ≥ 60,000 CNY dividends, 200 members", () => {
      const members = report.holders.filter((h) => h.role === "member");
      expect(members).to.have.length(INTERVIEW.members);
      expect(members.every((m) => m.orders > 0 && m.balance > 0n)).to.equal(true);
      expect(report.totals.members).to.equal(200);
      expect(report.totals.tokensIssued).to.be.greaterThanOrEqual(1_000n * ONE_TOKEN);
      // On the final orders: the members' spend leaves the refunded orders out.
      const revenue = sum(members.map((m) => m.spend));
      expect(revenue).to.equal(report.totals.finalRevenue.wei);
      expect(revenue).to.equal(report.totals.revenue.wei - report.totals.refundedRevenue.wei);
      expect(revenue).to.be.greaterThanOrEqual(300_000n * WEI_PER_CNY);
      const finalDividends = sum(
        report.dayReports.map((d) => ((d.revenue - d.refundedOrderRevenue) * 2_000n) / 10_000n),
      );
      expect(report.totals.finalDividends.wei).to.equal(finalDividends);
      expect(finalDividends).to.be.lessThan(report.totals.dividendsSettled.wei);
      expect(finalDividends).to.be.greaterThanOrEqual(60_000n * WEI_PER_CNY);
    });

    it("wuyou_meetsInterviewAverages: average spend ≥ 1,500 CNY and average member dividend ≥ 300 CNY", () => {
      const members = report.holders.filter((h) => h.role === "member");
      const averageSpend = sum(members.map((m) => m.spend)) / BigInt(members.length);
      const averageDividend = sum(members.map((m) => m.claimed + m.claimable)) / BigInt(members.length);
      expect(averageSpend).to.equal(report.totals.averageSpend.wei);
      expect(averageDividend).to.equal(report.totals.averageDividend.wei);
      expect(averageSpend).to.be.greaterThanOrEqual(1_500n * WEI_PER_CNY);
      expect(averageDividend).to.be.greaterThanOrEqual(300n * WEI_PER_CNY);
    });
  });
});

describe("Wuyou Tea simulation determinism (7 days, 40 members)", function () {
  const run = async (seed: string): Promise<WuyouReport> =>
    (await runWuyou(await network.create(), { seed, days: 7, members: 40, founders: 8 })).report;

  it("runWuyou_sameSeedSameFigures: two runs of one seed agree on every figure and event", async function () {
    this.timeout(120_000);
    const [a, b] = [await run("determinism"), await run("determinism")];
    expect(a.events).to.deep.equal(b.events);
    expect(a.holders).to.deep.equal(b.holders);
    expect(a.totals.revenue).to.deep.equal(b.totals.revenue);
    expect(a.totals.dividendsSettled).to.deep.equal(b.totals.dividendsSettled);
    expect(a.totals.claimed).to.deep.equal(b.totals.claimed);
    expect(a.totals.tokensIssued).to.equal(b.totals.tokensIssued);
    const other = await run("another seed");
    expect(other.totals.revenue.wei).to.not.equal(a.totals.revenue.wei);
  });
});
