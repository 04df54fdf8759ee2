/**
 * `npm run demo` end to end: runs scripts/demo.ts in its own Hardhat process (as `npm run demo` does, minus the
 * setup step), then checks its console output and its report files against the interview's figures for Wuyou Tea
 * (≥ 1,000 YDC, ≥ 300,000 CNY revenue, ≥ 60,000 CNY dividends, 200 members, ≥ 1,500 CNY average spend, ≥ 300 CNY
 * average dividend), checks that the HTML page is self-contained, carries its SVG charts and shows the JSON summary's
 * numbers, and that the same seed gives byte-identical files (a second, in-process run of the same simulation).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parseUnits } from "ethers";
import { network } from "hardhat";
import { buildDemoSummary, renderDemoHtml, renderDemoJson } from "../../scripts/lib/demo-report.js";
import type { DemoSummary } from "../../scripts/lib/demo-report.js";
import { formatCny, formatTokens, runWuyou } from "../../scripts/lib/wuyou.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const HARDHAT_CLI = path.join(ROOT, "node_modules", "hardhat", "dist", "src", "cli.js");
const SEED = "wuyou-tea";

/** The interview's figures for Wuyou Tea (the reference case), in their own units. */
const INTERVIEW_MIN = {
  tokensIssued: 1_000n,
  revenueCny: 300_000n,
  dividendsCny: 60_000n,
  members: 200,
  averageSpendCny: 1_500n,
  averageDividendCny: 300n,
} as const;

const cnyWei = (cny: bigint): bigint => cny * 10n ** 15n;
const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HARDHAT_CLI, "run", "scripts/demo.ts"], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** "1,382.36" -> 138236n (hundredths), as the demo prints CNY and YDC figures. */
function hundredths(text: string): bigint {
  const match = /^([\d,]+)\.(\d{2})$/.exec(text);
  if (match === null) throw new Error(`not a figure with two decimals: ${text}`);
  return BigInt(match[1].replace(/,/g, "") + match[2]);
}

/** Attributes of every `<tag …>` opening tag of `html`. */
function elements(html: string, tag: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, "g"))) {
    const attributes: Record<string, string> = {};
    for (const attribute of match[1].matchAll(/([\w:-]+)(?:="([^"]*)")?/g))
      attributes[attribute[1]] = attribute[2] ?? "";
    found.push(attributes);
  }
  return found;
}

describe("npm run demo: Wuyou Tea end to end (scripts/demo.ts, seed wuyou-tea)", function () {
  let dir: string;
  let run: Run;
  let json: string;
  let html: string;
  let summary: DemoSummary;

  before(async function () {
    this.timeout(300_000);
    dir = await mkdtemp(path.join(os.tmpdir(), "sharemall-demo-"));
    run = await runDemo({ WUYOU_SEED: SEED, WUYOU_REPORT_DIR: dir });
    if (run.code !== 0) throw new Error(`demo exited with ${run.code}:\n${run.stdout}\n${run.stderr}`);
    json = await readFile(path.join(dir, "wuyou-tea.json"), "utf8");
    html = await readFile(path.join(dir, "wuyou-tea.html"), "utf8");
    summary = JSON.parse(json) as DemoSummary;
  });

  after(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  describe("console", () => {
    it("demo_exitsZeroAndPrintsReportPaths: exit code 0, every figure ✓, the report files' paths at the end", () => {
      expect(run.code).to.equal(0);
      expect(run.stdout).to.not.include("✗");
      const lines = run.stdout.trimEnd().split("\n");
      expect(lines.at(-2)).to.equal(`HTML report: ${path.join(dir, "wuyou-tea.html")}`);
      expect(lines.at(-1)).to.equal(`JSON summary: ${path.join(dir, "wuyou-tea.json")}`);
      expect(lines.filter((l) => /^day +\d+\/30: \d+ orders?/.test(l.trim()))).to.have.length.greaterThan(25);
    });

    it("demo_printedTotalsMeetInterview: the printed figures reach the interview's thresholds", () => {
      const figure = (label: string): string => {
        const line = run.stdout.split("\n").find((l) => l.startsWith(label));
        if (line === undefined) throw new Error(`no line "${label}" in the demo's output`);
        expect(line.trimEnd().endsWith("✓"), line).to.equal(true);
        const match = /^\s*([\d,]+(?:\.\d{2})?)/.exec(line.slice(label.length));
        if (match === null) throw new Error(`no figure on "${line}"`);
        return match[1];
      };
      expect(hundredths(figure("tokens issued (YDC)"))).to.be.greaterThanOrEqual(INTERVIEW_MIN.tokensIssued * 100n);
      expect(hundredths(figure("revenue, final orders"))).to.be.greaterThanOrEqual(INTERVIEW_MIN.revenueCny * 100n);
      expect(hundredths(figure("dividends, final orders (20 %)"))).to.be.greaterThanOrEqual(
        INTERVIEW_MIN.dividendsCny * 100n,
      );
      expect(Number(figure("community members"))).to.equal(INTERVIEW_MIN.members);
      expect(hundredths(figure("average spend per member"))).to.be.greaterThanOrEqual(
        INTERVIEW_MIN.averageSpendCny * 100n,
      );
      expect(hundredths(figure("average dividend per member"))).to.be.greaterThanOrEqual(
        INTERVIEW_MIN.averageDividendCny * 100n,
      );
    });

    it("demo_printedFiguresEqualJsonSummary: each printed figure is the summary's, with its mark", () => {
      expect(summary.interview).to.have.length(6);
      for (const check of summary.interview) {
        const line = run.stdout.split("\n").find((l) => l.startsWith(check.label));
        expect(line, check.label).to.not.equal(undefined);
        expect(line).to.include(check.simulated);
        expect(line?.trimEnd().endsWith(check.ok ? "✓" : "✗")).to.equal(true);
      }
      for (const check of summary.ledger) expect(run.stdout, check.key).to.include(check.label);
    });
  });

  describe("JSON summary", () => {
    it("demoSummary_meetsInterviewThresholds: tokens, revenue, dividends, members and both averages", () => {
      const t = summary.totals;
      expect(summary.schema).to.equal("sharemall/wuyou-demo@2");
      expect(summary.seed).to.equal(SEED);
      expect(summary.ok).to.equal(true);
      expect(summary.interview.every((c) => c.ok)).to.equal(true);
      expect(summary.ledger.map((c) => [c.key, c.ok])).to.deep.equal([
        ["settledEqualsPromised", true],
        ["coinReconciles", true],
        ["accumulatorMatchesModel", true],
        ["holdersMatchModel", true],
        ["holdersProRata", true],
        ["poolMatchesModel", true],
        ["dailySupply", true],
        ["takeBacksMatchModel", true],
        ["shopCoinReconciles", true],
      ]);
      expect(BigInt(t.tokensIssued.wei)).to.be.greaterThanOrEqual(INTERVIEW_MIN.tokensIssued * 10n ** 18n);
      // The checks use the final orders: the refunded orders' revenue (and its dividends) is reported apart.
      expect(BigInt(t.finalRevenue.wei)).to.be.greaterThanOrEqual(cnyWei(INTERVIEW_MIN.revenueCny));
      expect(BigInt(t.finalDividends.wei)).to.be.greaterThanOrEqual(cnyWei(INTERVIEW_MIN.dividendsCny));
      expect(BigInt(t.finalRevenue.wei)).to.equal(BigInt(t.revenue.wei) - BigInt(t.refundedRevenue.wei));
      expect(summary.interview.find((c) => c.key === "revenue")?.simulated).to.equal(
        `${formatCny(BigInt(t.finalRevenue.wei))} CNY`,
      );
      expect(summary.interview.find((c) => c.key === "dividends")?.simulated).to.equal(
        `${formatCny(BigInt(t.finalDividends.wei))} CNY`,
      );
      expect(t.members).to.equal(INTERVIEW_MIN.members);
      expect(BigInt(t.averageSpend.wei)).to.be.greaterThanOrEqual(cnyWei(INTERVIEW_MIN.averageSpendCny));
      expect(BigInt(t.averageDividend.wei)).to.be.greaterThanOrEqual(cnyWei(INTERVIEW_MIN.averageDividendCny));
      // The averages are the totals over the 200 members.
      expect(BigInt(t.averageSpend.wei)).to.equal(BigInt(t.finalRevenue.wei) / 200n);
      expect(BigInt(t.averageDividend.wei)).to.equal(BigInt(t.memberDividends.wei) / 200n);
    });

    it("demoSummary_dailySeriesAddUpToTotals: revenue, 20 % dividends, minting and supply per day", () => {
      const t = summary.totals;
      expect(summary.daily).to.have.length(summary.days);
      expect(summary.daily.map((d) => d.day)).to.deep.equal(Array.from({ length: summary.days }, (_, k) => k + 1));
      let supply = 0n;
      for (const d of summary.daily) {
        const revenue = BigInt(d.revenue.wei);
        expect(BigInt(d.recordedRevenue.wei) + BigInt(d.checkoutRevenue.wei), `day ${d.day}`).to.equal(revenue);
        expect(BigInt(d.dividendsSettled.wei), `day ${d.day}`).to.equal((revenue * 2_000n) / 10_000n);
        expect(d.recordedOrders + d.checkoutOrders).to.equal(d.orders);
        const minted = [d.minted.consumption, d.minted.promotion, d.minted.pool].map((m) => BigInt(m.wei));
        expect(sum(minted)).to.equal(BigInt(d.minted.total.wei));
        supply += BigInt(d.minted.total.wei) - BigInt(d.minted.takenBack.wei);
        expect(BigInt(d.supply.wei), `supply, day ${d.day}`).to.equal(supply);
      }
      expect(sum(summary.daily.map((d) => BigInt(d.revenue.wei)))).to.equal(BigInt(t.revenue.wei));
      expect(sum(summary.daily.map((d) => BigInt(d.dividendsSettled.wei)))).to.equal(BigInt(t.dividendsSettled.wei));
      expect(supply).to.equal(BigInt(t.tokensIssued.wei));
      expect(summary.daily.at(-1)?.members).to.equal(t.members);
      const payouts = summary.payouts;
      expect(payouts).to.have.length(summary.days + 1);
      expect(payouts.at(-1)?.settledToDate.wei).to.equal(t.dividendsSettled.wei);
      expect(payouts.at(-1)?.claimedToDate.wei).to.equal(t.claimed.wei);
      expect(sum(payouts.map((p) => BigInt(p.claimed.wei)))).to.equal(BigInt(t.claimed.wei));
    });

    it("demoSummary_holderDistributionCoversEveryHolder: ranking, histogram, shares and dividends", () => {
      const { holders, totals } = summary;
      expect(holders.ranked).to.have.length(holders.count);
      expect(holders.count).to.equal(201);
      const balances = holders.ranked.map((h) => BigInt(h.balance.wei));
      expect(sum(balances)).to.equal(BigInt(totals.tokensIssued.wei));
      for (let k = 1; k < balances.length; k++) expect(balances[k] <= balances[k - 1]).to.equal(true);
      expect(holders.histogram.reduce((a, b) => a + b.members + b.servicers, 0)).to.equal(holders.count);
      expect(holders.histogram.reduce((a, b) => a + b.servicers, 0)).to.equal(1);
      const dividends = sum(holders.ranked.map((h) => BigInt(h.dividends.wei)));
      expect(dividends).to.equal(BigInt(totals.claimed.wei) + BigInt(totals.claimable.wei));
      expect(Number(holders.gini)).to.be.greaterThan(0).and.lessThan(1);
    });
  });

  describe("payments", () => {
    it("demoPayments_printedLinesEqualJson: charged, authorized, confirmed, auto-captured, returned, partial, refunded, held", () => {
      const p = summary.payments;
      const line = (start: string): string => {
        const found = run.stdout.split("\n").find((l) => l.startsWith(start));
        if (found === undefined) throw new Error(`no line "${start}" in the demo's output`);
        return found;
      };
      const text = (wei: string): string => formatCny(BigInt(wei));
      const tally = (x: { count: number; amount: { wei: string } }): string => `${x.count} (${text(x.amount.wei)} CNY)`;
      expect(line("payments: ")).to.equal(
        `payments: charged ${tally(p.charged)}, authorized ${tally(p.authorized)}, confirmed ${tally(p.confirmed)}, ` +
          `auto-captured ${tally(p.autoCaptured)}`,
      );
      expect(line("returned within the window ")).to.equal(
        `returned within the window ${tally(p.returned)}, never counted; partly captured ${p.partlyCaptured.count} ` +
          `(${text(p.partlyCaptured.amount.wei)} of ${text(p.partlyCaptured.held.wei)} CNY, ` +
          `${text(p.partlyCaptured.returned.wei)} CNY back)`,
      );
      expect(line("refunded after capture ")).to.include(
        `refunded after capture ${tally(p.refunded)}, YDC taken back ${formatTokens(BigInt(p.refunded.takenBack.wei))}`,
      );
      expect(line("held at the end ")).to.include("held at the end 0.00 CNY; shop coin 0 wei");
      expect(line("final orders ")).to.include(
        `final orders ${summary.totals.finalOrders}, ${text(summary.totals.finalRevenue.wei)} CNY`,
      );
    });

    it("demoPayments_figuresAddUp: every payment ended, returns never counted, refunds took back their tokens", () => {
      const p = summary.payments;
      const t = summary.totals;
      const wei = (figure: { wei: string }): bigint => BigInt(figure.wei);
      // The planned month: a quarter of the checkout-path orders online, 4 silent, ~3 % returned, 2 partial, 3 refunded.
      expect([p.autoCaptured.count, p.partlyCaptured.count, p.refunded.count]).to.deep.equal([4, 2, 3]);
      expect(p.returned.count).to.equal(Math.round((t.orders - p.partlyCaptured.count - p.refunded.count) * 0.03));
      expect(p.confirmed.count + p.autoCaptured.count).to.be.within(
        Math.floor(0.15 * (p.charged.count - p.refunded.count + p.confirmed.count + p.autoCaptured.count)),
        Math.ceil(0.35 * (p.charged.count - p.refunded.count + p.confirmed.count + p.autoCaptured.count)),
      );
      expect(p.authorized.count).to.equal(
        p.confirmed.count + p.autoCaptured.count + p.returned.count + p.partlyCaptured.count,
      );
      expect(wei(p.authorized.amount)).to.equal(
        wei(p.confirmed.amount) + wei(p.autoCaptured.amount) + wei(p.returned.amount) + wei(p.partlyCaptured.held),
      );
      expect(wei(p.partlyCaptured.returned)).to.equal(wei(p.partlyCaptured.held) - wei(p.partlyCaptured.amount));
      expect(wei(p.partlyCaptured.amount)).to.be.greaterThan(0n);
      // Counted on chain: charges and captures, never the returned payments.
      const daily = summary.daily;
      const countOf = (key: keyof DemoSummary["daily"][number]["payments"]): number =>
        daily.reduce((a, d) => a + d.payments[key], 0);
      expect(t.checkoutOrders).to.equal(
        p.charged.count + p.confirmed.count + p.autoCaptured.count + p.partlyCaptured.count,
      );
      expect(countOf("returned")).to.equal(p.returned.count);
      expect(countOf("authorized")).to.equal(p.authorized.count);
      for (const d of daily) {
        const q = d.payments;
        expect(q.charged + q.confirmed + q.autoCaptured + q.partlyCaptured, `day ${d.day}`).to.equal(d.checkoutOrders);
      }
      expect(BigInt(t.checkoutOrders + t.recordedOrders)).to.equal(BigInt(t.orders));
      // Refunds: revenue stays (counted on chain), tokens taken back; the checks use the final orders.
      expect(wei(p.refunded.amount)).to.equal(wei(t.refundedRevenue));
      expect(sum(daily.map((d) => wei(d.refundedOrderRevenue)))).to.equal(wei(t.refundedRevenue));
      expect(wei(p.refunded.takenBack)).to.equal(
        wei(p.refunded.consumptionTakenBack) + wei(p.refunded.promotionTakenBack),
      );
      expect(sum(daily.map((d) => wei(d.minted.takenBack)))).to.equal(wei(p.refunded.takenBack));
      expect(wei(p.refunded.consumptionTakenBack)).to.be.greaterThan(0n);
      expect(wei(p.refunded.unrecovered)).to.equal(0n);
      expect(wei(p.refunded.dividends)).to.equal(wei(t.dividendsSettled) - wei(t.finalDividends));
      expect(wei(p.refunded.dividends)).to.equal(
        sum(
          daily.map(
            (d) =>
              (wei(d.revenue) * 2_000n) / 10_000n - ((wei(d.revenue) - wei(d.refundedOrderRevenue)) * 2_000n) / 10_000n,
          ),
        ),
      );
      expect(t.finalOrders).to.equal(t.orders - p.refunded.count);
      // The shop's coin at the end: nothing held, nothing owed.
      expect([p.heldAtEnd.wei, p.returnsOwed.wei, p.shopCoin.wei, p.merchantBalance.wei]).to.deep.equal([
        "0",
        "0",
        "0",
        "0",
      ]);
    });

    it("demoPayments_htmlTableEqualsJson: one row per payment figure, with the JSON's count and CNY", () => {
      const rows = elements(html, "tr").filter((e) => "data-payment" in e);
      const p = summary.payments;
      expect(rows.map((r) => [r["data-payment"], r["data-count"], r["data-value"]])).to.deep.equal([
        ["charged", String(p.charged.count), p.charged.amount.cny],
        ["authorized", String(p.authorized.count), p.authorized.amount.cny],
        ["confirmed", String(p.confirmed.count), p.confirmed.amount.cny],
        ["autoCaptured", String(p.autoCaptured.count), p.autoCaptured.amount.cny],
        ["returned", String(p.returned.count), p.returned.amount.cny],
        ["partlyCaptured", String(p.partlyCaptured.count), p.partlyCaptured.amount.cny],
        ["refunded", String(p.refunded.count), p.refunded.amount.cny],
        ["heldAtEnd", "", p.heldAtEnd.cny],
      ]);
      expect(html).to.include(`${formatTokens(BigInt(p.refunded.takenBack.wei))} YDC taken back`);
      expect(html).to.include("The interview checks use the <strong>final orders</strong>");
    });
  });

  describe("HTML report", () => {
    it("demoReport_keeperTimesAgreeWithJson: each day's settlement and payout times in the table are the summary's", () => {
      const withOrders = summary.daily.filter((d) => d.orders > 0);
      expect(withOrders.length).to.be.greaterThan(0);
      for (const d of summary.daily) {
        const row = new RegExp(
          `<tr data-day="${d.day}">.*?<td data-keeper="settled">([^<]*)</td><td data-keeper="paid">([^<]*)</td></tr>`,
        ).exec(html);
        expect(row, `day ${d.day}`).to.not.equal(null);
        if (d.keeper === null) {
          expect(d.orders, `day ${d.day}`).to.equal(0);
          expect(row?.[1]).to.equal("no orders");
          continue;
        }
        const k = d.keeper;
        // Settled on the next local day, minutes after midnight, by the keeper; paid out after it.
        expect(k.settledAt.slice(0, 10) > d.date, `day ${d.day} settled the next day`).to.equal(true);
        expect(row?.[1]).to.equal(
          `${k.settledAt.slice(11)} (+${Math.floor(k.settleLagSeconds / 60)} min ${k.settleLagSeconds % 60} s)`,
        );
        expect(k.paidOutAt, `day ${d.day} paid out`).to.not.equal(null);
        expect(k.payoutLagSeconds ?? 0).to.be.at.least(k.settleLagSeconds);
        expect(row?.[2]).to.include(`${k.paidOutAt?.slice(11)} (+`);
        expect(row?.[2]).to.include(`to ${k.holdersPaid} holders`);
        expect(BigInt(k.pushed.wei) <= BigInt(d.dividendsSettled.wei), `day ${d.day} pushed`).to.equal(true);
      }
    });

    it("demoReport_isSelfContained: no network reference, no script, stylesheet or font to fetch", () => {
      expect(html.startsWith("<!doctype html>")).to.equal(true);
      expect(html).to.not.match(/https?:\/\//i);
      expect(html).to.not.match(/\b(src|href|xlink:href)\s*=/i);
      expect(html).to.not.match(/<(script|link|iframe|img|object|embed)\b/i);
      expect(html).to.not.match(/url\(|@import|@font-face/i);
      expect(html).to.match(/<style>[^<]+<\/style>/);
      expect(html).to.include('<meta name="viewport" content="width=device-width, initial-scale=1">');
    });

    it("demoReport_hasAccessibleSvgCharts: revenue, dividends, tokens and holder charts, each titled", () => {
      const svgs = elements(html, "svg");
      const ids = ["revenue", "members", "dividends", "payouts", "tokens", "supply", "holders", "lorenz"].map(
        (name) => `chart-${name}`,
      );
      expect(svgs).to.have.length(ids.length);
      for (const [k, svg] of svgs.entries()) {
        expect(svg.role).to.equal("img");
        expect(svg["aria-labelledby"]).to.equal(`${ids[k]}-title ${ids[k]}-desc`);
        expect(html).to.match(new RegExp(`<title id="${ids[k]}-title">[^<]+</title><desc id="${ids[k]}-desc">[^<]+`));
      }
      expect((html.match(/<\/svg>/g) ?? []).length).to.equal(ids.length);
      expect(elements(html, "rect").length).to.be.greaterThan(5 * summary.days);
      expect(html).to.include("吾有茶");
    });

    it("demoReport_numbersAgreeWithJson: every bar, point, figure, check and top holder is the summary's", () => {
      const marks = [...elements(html, "rect"), ...elements(html, "circle")].filter((e) => "data-series" in e);
      const value = (series: string, day: number): string | undefined => {
        const found = marks.filter((m) => m["data-series"] === series && m["data-day"] === String(day));
        expect(found, `${series}, day ${day}`).to.have.length(1);
        return found[0]["data-value"];
      };
      for (const d of summary.daily) {
        expect(value("recordedRevenue", d.day)).to.equal(d.recordedRevenue.cny);
        expect(value("checkoutRevenue", d.day)).to.equal(d.checkoutRevenue.cny);
        expect(value("dividendsSettled", d.day)).to.equal(d.dividendsSettled.cny);
        expect(value("consumption", d.day)).to.equal(d.minted.consumption.ydc);
        expect(value("promotion", d.day)).to.equal(d.minted.promotion.ydc);
        expect(value("pool", d.day)).to.equal(d.minted.pool.ydc);
        expect(value("supply", d.day)).to.equal(d.supply.ydc);
        expect(value("members", d.day)).to.equal(String(d.members));
      }
      for (const p of summary.payouts) {
        expect(value("settledToDate", p.day)).to.equal(p.settledToDate.cny);
        expect(value("claimedToDate", p.day)).to.equal(p.claimedToDate.cny);
      }
      // The bars add up to the totals (exact decimals back to wei).
      const barSum = (series: string, decimals: number): bigint =>
        sum(marks.filter((m) => m["data-series"] === series).map((m) => parseUnits(m["data-value"], decimals)));
      expect(barSum("recordedRevenue", 15) + barSum("checkoutRevenue", 15)).to.equal(
        BigInt(summary.totals.revenue.wei),
      );
      expect(barSum("dividendsSettled", 15)).to.equal(BigInt(summary.totals.dividendsSettled.wei));
      // The bars are what was minted; the supply is that less the refunds' take-backs.
      expect(barSum("consumption", 18) + barSum("promotion", 18) + barSum("pool", 18)).to.equal(
        BigInt(summary.totals.tokensIssued.wei) + BigInt(summary.payments.refunded.takenBack.wei),
      );
      const bucketMarks = elements(html, "rect").filter((e) => "data-bucket" in e);
      summary.holders.histogram.forEach((bucket, k) => {
        const of = (series: string): string | undefined =>
          bucketMarks.find((m) => m["data-series"] === series && m["data-bucket"] === String(k))?.["data-value"];
        expect(of("members"), bucket.label).to.equal(String(bucket.members));
        expect(of("servicers"), bucket.label).to.equal(String(bucket.servicers));
      });

      // Key figures and the interview table.
      const cards = new Map(elements(html, "li").map((e): [string, string] => [e["data-figure"], e["data-value"]]));
      const t = summary.totals;
      expect(cards.get("revenue")).to.equal(t.finalRevenue.cny);
      expect(cards.get("dividends")).to.equal(t.finalDividends.cny);
      expect(cards.get("tokensIssued")).to.equal(t.tokensIssued.ydc);
      expect(cards.get("members")).to.equal(String(t.members));
      expect(cards.get("averageSpend")).to.equal(t.averageSpend.cny);
      expect(cards.get("averageDividend")).to.equal(t.averageDividend.cny);
      for (const check of summary.interview) {
        const row = new RegExp(
          `<tr data-check="${check.key}" data-ok="${check.ok}"><td>[^<]+</td><td class="num" data-simulated>([^<]+)</td>`,
        ).exec(html);
        expect(row, check.key).to.not.equal(null);
        expect(row?.[1]).to.equal(check.simulated);
      }
      const ledger = elements(html, "li").filter((e) => e["data-check"] !== undefined);
      expect(ledger.map((e) => [e["data-check"], e["data-ok"]])).to.deep.equal(
        summary.ledger.map((c) => [c.key, String(c.ok)]),
      );

      // Top ten holders.
      const top = elements(html, "tr").filter((e) => "data-rank" in e);
      expect(top.map((e) => [e["data-rank"], e["data-address"], e["data-value"]])).to.deep.equal(
        summary.holders.ranked.slice(0, 10).map((h) => [String(h.rank), h.address, h.balance.ydc]),
      );
    });

    it("demoReport_sameSeedByteIdentical: an in-process run of the same seed renders the same JSON and HTML", async function () {
      this.timeout(300_000);
      const { report } = await runWuyou(await network.create(), { seed: SEED });
      const again = buildDemoSummary(report);
      expect(renderDemoJson(again) === json, "JSON differs").to.equal(true);
      expect(renderDemoHtml(again) === html, "HTML differs").to.equal(true);
    });
  });
});
