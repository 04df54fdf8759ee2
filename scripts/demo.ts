/**
 * `npm run demo`: one month of Wuyou Tea (吾有茶), the interview's reference shop, on an in-process Hardhat network.
 *
 * Prints a line per settled day, then the month's totals beside the interview's figures with ✓/✗ (on the final
 * orders: refunded orders' revenue is shown apart), the payments (charged, authorized, confirmed, auto-captured,
 * returned, partly captured, refunded, held at the end), and the ledger reconciliation (promised = settled,
 * claimable + rollover + dust = what the token holds, the token's accumulator, every holder's dividends and the pool
 * allowance = the off-chain model, each day's supply change = the model's minting less its take-backs, the payments'
 * mints and take-backs = the model's, the shop's coin = merchant balance + held + returns owed). Writes the report
 * files — a self-contained HTML page with charts (`reports/wuyou-tea.html`) and a JSON
 * summary (`reports/wuyou-tea.json`) — and prints their paths. Exits non-zero if any figure misses or the ledger does not reconcile (the files are written anyway).
 *
 * Environment: WUYOU_SEED (default "wuyou-tea") picks another deterministic month; WUYOU_REPORT_DIR (default
 * `reports/` at the repository root) is where the report files go.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import { buildDemoSummary, writeDemoReports } from "./lib/demo-report.js";
import { formatCny, formatTokens, interviewChecks, ledgerChecks, runWuyou } from "./lib/wuyou.js";

const seed = process.env.WUYOU_SEED ?? "wuyou-tea";
const connection = await network.create();
const { report } = await runWuyou(connection, { seed, onProgress: (line) => console.log(line) });
const t = report.totals;
const p = report.payments;

// Ledger reconciliation against the off-chain model.
const ledger = ledgerChecks(report);

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
  `revenue counted ${formatCny(t.revenue.wei)} CNY (${t.revenue.wei} wei) from ${t.orders} orders: ` +
    `${t.checkoutOrders} paid on chain, ${t.recordedOrders} recorded in operator batches`,
);
console.log(
  `final orders ${t.finalOrders}, ${formatCny(t.finalRevenue.wei)} CNY (the interview checks' revenue); ` +
    `refunded orders ${p.refunded.count}, ${formatCny(t.refundedRevenue.wei)} CNY (counted on chain, dividends paid on it)`,
);
console.log(
  `dividends promised ${formatCny(t.dividendsPromised.wei)} CNY (${t.dividendsPromised.wei} wei), ` +
    `settled ${formatCny(t.dividendsSettled.wei)} CNY (${t.dividendsSettled.wei} wei), ` +
    `of which final orders ${formatCny(t.finalDividends.wei)} CNY, refunded orders ` +
    `${formatCny(t.dividendsSettled.wei - t.finalDividends.wei)} CNY`,
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
const tally = (x: { count: number; amount: bigint }): string => `${x.count} (${formatCny(x.amount)} CNY)`;
console.log(
  `payments: charged ${tally(p.charged)}, authorized ${tally(p.authorized)}, confirmed ${tally(p.confirmed)}, ` +
    `auto-captured ${tally(p.autoCaptured)}`,
);
console.log(
  `returned within the window ${tally(p.returned)}, never counted; partly captured ${p.partlyCaptured.count} ` +
    `(${formatCny(p.partlyCaptured.amount)} of ${formatCny(p.partlyCaptured.held)} CNY, ` +
    `${formatCny(p.partlyCaptured.returned)} CNY back)`,
);
console.log(
  `refunded after capture ${tally(p.refunded)}, YDC taken back ` +
    `${formatTokens(p.refunded.consumptionTakenBack + p.refunded.promotionTakenBack)} ` +
    `(consumption ${formatTokens(p.refunded.consumptionTakenBack)}, promotion ` +
    `${formatTokens(p.refunded.promotionTakenBack)}); the merchant deposited ${formatCny(p.refunded.deposited)} CNY`,
);
console.log(
  `held at the end ${formatCny(p.heldAtEnd)} CNY; shop coin ${p.shopCoin} wei = merchant balance ` +
    `${p.merchantBalance} + held ${p.heldAtEnd} + returns owed ${p.returnsOwed}`,
);
console.log(`${"-".repeat(78)}`);
for (const line of ledger) console.log(`${pad(line.label, 74)} ${mark(line.ok)}`);
console.log(`${t.transactions} transactions, simulated in ${(report.elapsedMs / 1000).toFixed(1)} s`);

// Report files: the same seed gives byte-identical files.
const reportDir = path.resolve(process.env.WUYOU_REPORT_DIR ?? fileURLToPath(new URL("../reports/", import.meta.url)));
const paths = await writeDemoReports(buildDemoSummary(report), reportDir);
const shown = (file: string): string => {
  const relative = path.relative(process.cwd(), file);
  return relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
};
console.log(`HTML report: ${shown(paths.html)}`);
console.log(`JSON summary: ${shown(paths.json)}`);

if (!checks.every((c) => c.ok) || !ledger.every((l) => l.ok)) {
  console.error("wuyou demo: some figures miss (✗ above)");
  process.exitCode = 1;
}
