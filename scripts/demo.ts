/**
 * `npm run demo`: one month of Wuyou Tea (吾有茶), the interview's reference shop, on an in-process Hardhat network.
 *
 * Prints a line per settled day, then the month's totals beside the interview's figures with ✓/✗, and the ledger
 * reconciliation (promised = settled, claimed + claimable + dust = what the token holds, every holder's dividends =
 * the off-chain model). Exits non-zero if any figure misses or the ledger does not reconcile.
 *
 * Environment: WUYOU_SEED (default "wuyou-tea") picks another deterministic month.
 */
import { network } from "hardhat";
import {
  formatCny,
  formatTokens,
  interviewChecks,
  modelClaimable,
  replayLedger,
  runWuyou,
  withinOf,
} from "./lib/wuyou.js";

const seed = process.env.WUYOU_SEED ?? "wuyou-tea";
const connection = await network.create();
const { report } = await runWuyou(connection, { seed, onProgress: (line) => console.log(line) });
const t = report.totals;

// Ledger reconciliation against the off-chain model.
const model = replayLedger(report.rules, report.events);
let holdersMatching = 0;
let holdersWithinRational = 0;
for (const holder of report.holders) {
  const predicted = model.holders.get(holder.address);
  if (predicted === undefined) continue;
  if (
    predicted.balance === holder.balance &&
    predicted.claimed === holder.claimed &&
    modelClaimable(model, predicted) === holder.claimable
  ) {
    holdersMatching++;
  }
  if (withinOf(holder.claimed + holder.claimable, predicted.rational, BigInt(predicted.settlementsHeld))) {
    holdersWithinRational++;
  }
}
const holderCount = report.holders.length;
const ledger = [
  {
    label: "dividends settled = promised (Σ floor(revenue × 20 %))",
    ok: t.dividendsSettled.wei === t.dividendsPromised.wei,
  },
  {
    label: "token coin = claimable + rollover + dust, dust ≤ 1 wei per holder update",
    ok:
      t.tokenCoinBalance === t.dividendsSettled.wei - t.claimed.wei &&
      t.dust >= 0n &&
      t.dust <= BigInt([...model.holders.values()].reduce((a, h) => a + h.roundings + 1, 0) + report.days),
  },
  {
    label: `holders equal to the 2^64 accumulator model (${holdersMatching}/${holderCount})`,
    ok: holdersMatching === holderCount,
  },
  {
    label: `holders within 1 wei per settlement of exact pro rata (${holdersWithinRational}/${holderCount})`,
    ok: holdersWithinRational === holderCount,
  },
];

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - [...text].length));
const padLeft = (text: string, width: number): string => " ".repeat(Math.max(0, width - [...text].length)) + text;
const mark = (ok: boolean): string => (ok ? "✓" : "✗");

console.log("");
console.log(`Wuyou Tea (吾有茶), ${report.days} days, seed "${report.seed}", demo rate 1 CNY = 10^15 wei`);
console.log(`${"-".repeat(78)}`);
console.log(`${pad("figure", 30)}${padLeft("simulated", 22)}   ${pad("interview", 16)}`);
const checks = interviewChecks(report);
for (const check of checks) {
  console.log(`${pad(check.label, 30)}${padLeft(check.simulated, 22)}   ${pad(check.target, 16)} ${mark(check.ok)}`);
}
console.log(`${"-".repeat(78)}`);
console.log(
  `revenue ${formatCny(t.revenue.wei)} CNY (${t.revenue.wei} wei) from ${t.orders} orders: ` +
    `${t.checkoutOrders} checkouts, ${t.recordedOrders} recorded in operator batches`,
);
console.log(
  `dividends promised ${formatCny(t.dividendsPromised.wei)} CNY (${t.dividendsPromised.wei} wei), ` +
    `settled ${formatCny(t.dividendsSettled.wei)} CNY (${t.dividendsSettled.wei} wei)`,
);
console.log(
  `claimed ${formatCny(t.claimed.wei)} CNY, still claimable ${formatCny(t.claimable.wei)} CNY, ` +
    `rollover ${t.rollover} wei, dust ${t.dust} wei, token holds ${t.tokenCoinBalance} wei`,
);
console.log(
  `YDC issued ${formatTokens(t.tokensIssued)}: consumption ${formatTokens(t.consumptionTokens)}, ` +
    `promotion ${formatTokens(t.promotionTokens)}, pool ${formatTokens(t.poolTokens)} ` +
    `(pool allowance left ${formatTokens(t.poolAllowanceLeft)}); ` +
    `${formatCny((t.revenue.wei * 10n ** 18n) / t.tokensIssued)} CNY of revenue per YDC`,
);
console.log(
  `members ${t.members} (${t.referredMembers} referred), member dividends ${formatCny(t.memberDividends.wei)} CNY, ` +
    `servicer dividends ${formatCny(t.servicerDividends.wei)} CNY`,
);
console.log(`${"-".repeat(78)}`);
for (const line of ledger) console.log(`${pad(line.label, 74)} ${mark(line.ok)}`);
console.log(`${t.transactions} transactions, simulated in ${(report.elapsedMs / 1000).toFixed(1)} s`);

if (!checks.every((c) => c.ok) || !ledger.every((l) => l.ok)) {
  console.error("wuyou demo: some figures miss (✗ above)");
  process.exitCode = 1;
}
