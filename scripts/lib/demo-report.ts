/**
 * The demo's report files: a machine-readable JSON summary (`reports/wuyou-tea.json`) and a self-contained HTML page
 * (`reports/wuyou-tea.html`) with inline CSS and inline SVG charts drawn here (no chart library, no fonts, scripts or
 * images fetched from anywhere), so the page opens offline.
 *
 * Both are pure functions of a {@link WuyouReport}: no clock, no randomness, no locale, so the same seed gives
 * byte-identical files. The only dates shown are the simulated month's, derived from the chain's day index.
 *
 * - `buildDemoSummary(report)`: the JSON-safe summary (wei as decimal strings, exact CNY and YDC decimals);
 * - `renderDemoJson(summary)` / `renderDemoHtml(summary)`: the two files' contents;
 * - `writeDemoReports(summary, dir)`: writes both and returns their paths.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatUnits } from "ethers";
import { UTC_OFFSET, formatCny, formatTokens, interviewChecks, ledgerChecks, localTime } from "./wuyou.js";
import type { InterviewCheck, LedgerCheck, WuyouReport } from "./wuyou.js";

// ---------------------------------------------------------------- Summary

/** A CNY figure: wei at the demo rate (decimal string) and the exact CNY decimal (`"363303.6"`). */
export interface CnyFigure {
  wei: string;
  cny: string;
}

/** A YDC figure: token-wei (decimal string) and the exact decimal number of tokens (`"1382.36…"`). */
export interface YdcFigure {
  wei: string;
  ydc: string;
}

/** One simulated day. */
export interface DemoDay {
  /** 1-based day of the month. */
  day: number;
  /** The shop's local date (UTC+8), `YYYY-MM-DD`. */
  date: string;
  orders: number;
  checkoutOrders: number;
  recordedOrders: number;
  newMembers: number;
  /** Members who have ordered by the end of the day. */
  members: number;
  revenue: CnyFigure;
  checkoutRevenue: CnyFigure;
  recordedRevenue: CnyFigure;
  /** Dividends settled to YDC for this day's revenue (by the keeper, at 00:05 the next day). */
  dividendsSettled: CnyFigure;
  /**
   * When the keeper settled the day and when its payouts reached the holders (null for a day without orders). Times
   * are the blocks' timestamps in the shop's time zone (UTC+8) on the next day; lags are seconds after the midnight
   * that ended the day.
   */
  keeper: {
    settledAt: string;
    settleLagSeconds: number;
    /** The day's debt beyond its escrow: paid from a deposit the merchant made, or sent by the keeper. */
    funding: "deposit" | "keeper" | "none";
    paidOutAt: string | null;
    payoutLagSeconds: number | null;
    /** Pushed to the holders who take payouts; the opted-out holders' share stays claimable. */
    pushed: CnyFigure;
    holdersPaid: number;
    payoutTransactions: number;
  } | null;
  /** YDC minted during the day (`total` = consumption + promotion + pool), and taken back by the day's refunds. */
  minted: { consumption: YdcFigure; promotion: YdcFigure; pool: YdcFigure; total: YdcFigure; takenBack: YdcFigure };
  /** YDC supply at the end of the day (read from the chain): the previous day's plus `total` less `takenBack`. */
  supply: YdcFigure;
  /** The day's payment steps (counted orders by how they counted; authorizations, returns and refunds made that day). */
  payments: {
    charged: number;
    confirmed: number;
    autoCaptured: number;
    partlyCaptured: number;
    authorized: number;
    returned: number;
    refunded: number;
  };
  /** Revenue of the day's orders that were refunded later (it stays in `revenue`). */
  refundedOrderRevenue: CnyFigure;
}

/** A count of payments and their CNY. */
export interface DemoTally {
  count: number;
  amount: CnyFigure;
}

/** Dividends paid into the token and claimed by the holders, to the end of a calendar day (day `days + 1` included). */
export interface DemoPayoutDay {
  day: number;
  date: string;
  /** Dividends settled by the end of the day (the settlement of day d − 1 runs at 00:05 on day d). */
  settledToDate: CnyFigure;
  /** Claims paid during the day. */
  claimed: CnyFigure;
  /** Claims paid by the end of the day. */
  claimedToDate: CnyFigure;
}

/** A holder at the end, ranked by balance. */
export interface DemoHolder {
  rank: number;
  address: string;
  role: "member" | "servicer";
  joinDay: number;
  orders: number;
  /** Members whose referrer (bound on chain) is this holder. */
  referees: number;
  spend: CnyFigure;
  balance: YdcFigure;
  /** Share of the supply in percent, two decimals (rounded down). */
  sharePercent: string;
  claimed: CnyFigure;
  claimable: CnyFigure;
  /** claimed + claimable. */
  dividends: CnyFigure;
}

/** One bar of the balance histogram: holders with `from` ≤ balance < `to` YDC (`to` null: open-ended). */
export interface DemoBucket {
  label: string;
  from: string;
  to: string | null;
  members: number;
  servicers: number;
}

/** Everything the report files show. */
export interface DemoSummary {
  schema: "sharemall/wuyou-demo@2";
  shop: { name: string; nameZh: string; token: string };
  seed: string;
  days: number;
  period: { from: string; to: string; timeZone: string; firstChainDay: string };
  /** Wei per CNY at the demo rate. */
  weiPerCny: string;
  rules: Record<string, string>;
  addresses: WuyouReport["addresses"];
  /** Every interview figure met and every ledger check reconciled. */
  ok: boolean;
  interview: InterviewCheck[];
  ledger: LedgerCheck[];
  /** The month's on-chain payments (see `WuyouReport.payments`). */
  payments: {
    charged: DemoTally;
    authorized: DemoTally;
    confirmed: DemoTally;
    autoCaptured: DemoTally;
    /** Returned within the window and voided: never counted. */
    returned: DemoTally;
    /** `amount` captured of `held`; `returned` went back to the customer. */
    partlyCaptured: DemoTally & { held: CnyFigure; returned: CnyFigure };
    /** Refunded in full after capture; the YDC taken back from the customers and their referrers. */
    refunded: DemoTally & {
      takenBack: YdcFigure;
      consumptionTakenBack: YdcFigure;
      promotionTakenBack: YdcFigure;
      unrecovered: YdcFigure;
      deposited: CnyFigure;
      /** Dividends settled on the refunded orders' revenue (paid by the merchant; they stay with the holders). */
      dividends: CnyFigure;
    };
    heldAtEnd: CnyFigure;
    returnsOwed: CnyFigure;
    shopCoin: CnyFigure;
    merchantBalance: CnyFigure;
  };
  totals: {
    /** Revenue counted on chain, refunded orders included. */
    revenue: CnyFigure;
    /** Revenue of the final orders: what the interview checks use. */
    finalRevenue: CnyFigure;
    refundedRevenue: CnyFigure;
    /** 20 % of each day's final revenue: what the interview checks use. */
    finalDividends: CnyFigure;
    dividendsPromised: CnyFigure;
    dividendsSettled: CnyFigure;
    claimed: CnyFigure;
    claimable: CnyFigure;
    rolloverWei: string;
    dustWei: string;
    tokenCoinBalanceWei: string;
    tokensIssued: YdcFigure;
    consumptionTokens: YdcFigure;
    promotionTokens: YdcFigure;
    poolTokens: YdcFigure;
    poolAllowanceLeft: YdcFigure;
    members: number;
    referredMembers: number;
    orders: number;
    finalOrders: number;
    checkoutOrders: number;
    recordedOrders: number;
    averageSpend: CnyFigure;
    memberDividends: CnyFigure;
    averageDividend: CnyFigure;
    servicerDividends: CnyFigure;
    transactions: number;
  };
  daily: DemoDay[];
  payouts: DemoPayoutDay[];
  holders: {
    count: number;
    /** Gini coefficient of the balances (0 = equal, 1 = one holder has all), three decimals, rounded down. */
    gini: string;
    /** Share of the supply held by the ten largest holders, percent, two decimals. */
    top10SharePercent: string;
    /** Median balance of the members. */
    medianMemberBalance: YdcFigure;
    histogram: DemoBucket[];
    /** Every holder, largest balance first (ties by address). */
    ranked: DemoHolder[];
  };
}

const cny = (wei: bigint): CnyFigure => ({ wei: wei.toString(), cny: trimDecimal(formatUnits(wei, 15)) });
const ydc = (wei: bigint): YdcFigure => ({ wei: wei.toString(), ydc: trimDecimal(formatUnits(wei, 18)) });

/** `"12.0"` -> `"12"`; `"1.50"` stays `"1.50"`… ethers prints at least one decimal, which is noise for integers. */
function trimDecimal(text: string): string {
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** The shop's local date of a chain day index (days since the epoch in UTC+8). */
function dateOf(chainDay: bigint): string {
  return new Date(Number(chainDay) * 86_400_000).toISOString().slice(0, 10);
}

/** a / b in percent with two decimals, rounded down. */
function percent(a: bigint, b: bigint): string {
  if (b === 0n) return "0.00";
  const basis = (a * 10_000n) / b;
  return `${basis / 100n}.${(basis % 100n).toString().padStart(2, "0")}`;
}

/** Bucket width in token-wei: a 1-2-5 step giving about ten buckets up to the 95th percentile of member balances. */
function bucketWidth(memberBalances: readonly bigint[]): bigint {
  const sorted = [...memberBalances].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const p95 = sorted.length === 0 ? 10n ** 18n : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  const raw = p95 / 10n;
  for (let unit = 10n ** 16n; ; unit *= 10n) {
    for (const step of [1n, 2n, 5n]) if (step * unit >= raw) return step * unit;
  }
}

/** Builds the report's summary (JSON-safe, deterministic) from a finished simulation. */
export function buildDemoSummary(report: WuyouReport): DemoSummary {
  const t = report.totals;
  const interview = interviewChecks(report);
  const ledger = ledgerChecks(report);

  // Daily series.
  const daily: DemoDay[] = report.dayReports.map((d) => {
    const mintedTotal = d.consumptionMinted + d.promotionMinted + d.poolMinted;
    return {
      day: d.day,
      date: dateOf(d.chainDay),
      orders: d.orders,
      checkoutOrders: d.checkoutOrders,
      recordedOrders: d.recordedOrders,
      newMembers: d.newMembers,
      members: d.membersSoFar,
      revenue: cny(d.revenue),
      checkoutRevenue: cny(d.checkoutRevenue),
      recordedRevenue: cny(d.recordedRevenue),
      dividendsSettled: cny(d.settled),
      keeper:
        d.settledAt === 0n
          ? null
          : {
              settledAt: localTime(d.settledAt),
              settleLagSeconds: Number(d.settleLagSeconds),
              funding: d.funding,
              paidOutAt: d.paidOutAt === 0n ? null : localTime(d.paidOutAt),
              payoutLagSeconds: d.paidOutAt === 0n ? null : Number(d.payoutLagSeconds),
              pushed: cny(d.pushedWei),
              holdersPaid: d.holdersPaid,
              payoutTransactions: d.payoutTransactions,
            },
      minted: {
        consumption: ydc(d.consumptionMinted),
        promotion: ydc(d.promotionMinted),
        pool: ydc(d.poolMinted),
        total: ydc(mintedTotal),
        takenBack: ydc(d.takenBack),
      },
      supply: ydc(d.supplyAtEnd),
      payments: {
        charged: d.charged,
        confirmed: d.confirmed,
        autoCaptured: d.autoCaptured,
        partlyCaptured: d.partlyCaptured,
        authorized: d.authorized,
        returned: d.returned,
        refunded: d.refunded,
      },
      refundedOrderRevenue: cny(d.refundedOrderRevenue),
    };
  });

  // Payouts per calendar day: settlements of day d − 1 happen on day d; claims carry the day they were paid.
  const claimedOn = new Map<number, bigint>();
  for (const event of report.events) {
    if (event.kind === "claim") claimedOn.set(event.day, (claimedOn.get(event.day) ?? 0n) + event.amount);
  }
  const payouts: DemoPayoutDay[] = [];
  let settledToDate = 0n;
  let claimedToDate = 0n;
  for (let day = 1; day <= report.days + 1; day++) {
    if (day > 1) settledToDate += report.dayReports[day - 2]?.settled ?? 0n;
    const claimed = claimedOn.get(day) ?? 0n;
    claimedToDate += claimed;
    payouts.push({
      day,
      date: dateOf(report.firstChainDay + BigInt(day - 1)),
      settledToDate: cny(settledToDate),
      claimed: cny(claimed),
      claimedToDate: cny(claimedToDate),
    });
  }

  // Holders.
  const referees = new Map<string, number>();
  for (const h of report.holders) {
    if (h.referrer !== "0x0000000000000000000000000000000000000000") {
      referees.set(h.referrer, (referees.get(h.referrer) ?? 0) + 1);
    }
  }
  const supply = t.tokensIssued;
  const ordered = [...report.holders].sort((a, b) =>
    a.balance === b.balance ? (a.address < b.address ? -1 : 1) : a.balance > b.balance ? -1 : 1,
  );
  const ranked: DemoHolder[] = ordered.map((h, k) => ({
    rank: k + 1,
    address: h.address,
    role: h.role,
    joinDay: h.joinDay,
    orders: h.orders,
    referees: referees.get(h.address) ?? 0,
    spend: cny(h.spend),
    balance: ydc(h.balance),
    sharePercent: percent(h.balance, supply),
    claimed: cny(h.claimed),
    claimable: cny(h.claimable),
    dividends: cny(h.claimed + h.claimable),
  }));
  // Gini = (2 Σ i·x_i − (n + 1) Σ x) / (n Σ x), x ascending, i from 1; exact, then three decimals rounded down.
  const ascending = [...ordered].reverse().map((h) => h.balance);
  const n = BigInt(ascending.length);
  const total = ascending.reduce((a, b) => a + b, 0n);
  const weighted = ascending.reduce((a, b, i) => a + BigInt(i + 1) * b, 0n);
  const giniMilli = n === 0n || total === 0n ? 0n : ((2n * weighted - (n + 1n) * total) * 1000n) / (n * total);
  const gini = `${giniMilli / 1000n}.${(giniMilli % 1000n).toString().padStart(3, "0")}`;
  const top10 = ordered.slice(0, 10).reduce((a, h) => a + h.balance, 0n);
  const memberBalances = report.holders.filter((h) => h.role === "member").map((h) => h.balance);
  const memberSorted = [...memberBalances].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const median =
    memberSorted.length === 0
      ? 0n
      : memberSorted.length % 2 === 1
        ? memberSorted[(memberSorted.length - 1) / 2]
        : (memberSorted[memberSorted.length / 2 - 1] + memberSorted[memberSorted.length / 2]) / 2n;

  const width = bucketWidth(memberBalances);
  const maxMember = memberSorted[memberSorted.length - 1] ?? 0n;
  const fullBuckets = Math.min(12, Number(maxMember / width) + 1);
  const histogram: DemoBucket[] = [];
  for (let k = 0; k < fullBuckets; k++) {
    const from = BigInt(k) * width;
    const open = k === fullBuckets - 1;
    const to = open ? null : from + width;
    histogram.push({
      label: open ? `≥ ${formatShort(from)}` : `${formatShort(from)}–${formatShort(from + width)}`,
      from: trimDecimal(formatUnits(from, 18)),
      to: to === null ? null : trimDecimal(formatUnits(to, 18)),
      members: 0,
      servicers: 0,
    });
  }
  for (const h of report.holders) {
    const k = Math.min(fullBuckets - 1, Number(h.balance / width));
    if (h.role === "member") histogram[k].members++;
    else histogram[k].servicers++;
  }

  const rules = report.rules;
  const p = report.payments;
  const tally = (x: { count: number; amount: bigint }): DemoTally => ({ count: x.count, amount: cny(x.amount) });
  return {
    schema: "sharemall/wuyou-demo@2",
    shop: { name: "Wuyou Tea", nameZh: "吾有茶", token: "YDC" },
    seed: report.seed,
    days: report.days,
    period: {
      from: dateOf(report.firstChainDay),
      to: dateOf(report.firstChainDay + BigInt(report.days - 1)),
      timeZone: `UTC+${UTC_OFFSET / 3600}`,
      firstChainDay: report.firstChainDay.toString(),
    },
    weiPerCny: report.weiPerCny.toString(),
    rules: {
      spendPerToken: rules.spendPerToken.toString(),
      minFirstOrder: rules.minFirstOrder.toString(),
      referralsPerToken: rules.referralsPerToken.toString(),
      dividendBps: rules.dividendBps.toString(),
      referralBps: rules.referralBps.toString(),
      maxSupply: rules.maxSupply.toString(),
      poolNum: rules.poolNum.toString(),
      poolDen: rules.poolDen.toString(),
    },
    addresses: { ...report.addresses },
    ok: interview.every((c) => c.ok) && ledger.every((c) => c.ok),
    interview,
    ledger,
    payments: {
      charged: tally(p.charged),
      authorized: tally(p.authorized),
      confirmed: tally(p.confirmed),
      autoCaptured: tally(p.autoCaptured),
      returned: tally(p.returned),
      partlyCaptured: {
        ...tally(p.partlyCaptured),
        held: cny(p.partlyCaptured.held),
        returned: cny(p.partlyCaptured.returned),
      },
      refunded: {
        ...tally(p.refunded),
        takenBack: ydc(p.refunded.consumptionTakenBack + p.refunded.promotionTakenBack),
        consumptionTakenBack: ydc(p.refunded.consumptionTakenBack),
        promotionTakenBack: ydc(p.refunded.promotionTakenBack),
        unrecovered: ydc(p.refunded.unrecovered),
        deposited: cny(p.refunded.deposited),
        dividends: cny(t.dividendsSettled.wei - t.finalDividends.wei),
      },
      heldAtEnd: cny(p.heldAtEnd),
      returnsOwed: cny(p.returnsOwed),
      shopCoin: cny(p.shopCoin),
      merchantBalance: cny(p.merchantBalance),
    },
    totals: {
      revenue: cny(t.revenue.wei),
      finalRevenue: cny(t.finalRevenue.wei),
      refundedRevenue: cny(t.refundedRevenue.wei),
      finalDividends: cny(t.finalDividends.wei),
      dividendsPromised: cny(t.dividendsPromised.wei),
      dividendsSettled: cny(t.dividendsSettled.wei),
      claimed: cny(t.claimed.wei),
      claimable: cny(t.claimable.wei),
      rolloverWei: t.rollover.toString(),
      dustWei: t.dust.toString(),
      tokenCoinBalanceWei: t.tokenCoinBalance.toString(),
      tokensIssued: ydc(t.tokensIssued),
      consumptionTokens: ydc(t.consumptionTokens),
      promotionTokens: ydc(t.promotionTokens),
      poolTokens: ydc(t.poolTokens),
      poolAllowanceLeft: ydc(t.poolAllowanceLeft),
      members: t.members,
      referredMembers: t.referredMembers,
      orders: t.orders,
      finalOrders: t.finalOrders,
      checkoutOrders: t.checkoutOrders,
      recordedOrders: t.recordedOrders,
      averageSpend: cny(t.averageSpend.wei),
      memberDividends: cny(t.memberDividends.wei),
      averageDividend: cny(t.averageDividend.wei),
      servicerDividends: cny(t.servicerDividends.wei),
      transactions: t.transactions,
    },
    daily,
    payouts,
    holders: {
      count: report.holders.length,
      gini,
      top10SharePercent: percent(top10, supply),
      medianMemberBalance: ydc(median),
      histogram,
      ranked,
    },
  };
}

/** Token-wei as a short decimal for bucket labels: 2, 2.5, 0.2. */
function formatShort(tokenWei: bigint): string {
  const text = formatUnits(tokenWei, 18);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
}

/** The JSON file's contents (two-space indent, trailing newline). */
export function renderDemoJson(summary: DemoSummary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** Where {@link writeDemoReports} put the files. */
export interface DemoReportPaths {
  html: string;
  json: string;
}

/** Writes `wuyou-tea.html` and `wuyou-tea.json` into `dir` (created if missing). */
export async function writeDemoReports(summary: DemoSummary, dir: string): Promise<DemoReportPaths> {
  await mkdir(dir, { recursive: true });
  const paths = { html: path.join(dir, "wuyou-tea.html"), json: path.join(dir, "wuyou-tea.json") };
  await writeFile(paths.json, renderDemoJson(summary));
  await writeFile(paths.html, renderDemoHtml(summary));
  return paths;
}

// ---------------------------------------------------------------- Formatting helpers

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** A plain number with thousands separators and fixed decimals (locale-independent). */
function groupNumber(value: number, decimals = 0): string {
  const [whole, fraction] = value.toFixed(decimals).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

const cnyText = (figure: CnyFigure): string => formatCny(BigInt(figure.wei));
/** A keeper time (`YYYY-MM-DD HH:MM:SS`) as its clock time and its lag behind the midnight. */
const keeperTime = (at: string, lagSeconds: number): string =>
  `${at.slice(11)} (+${Math.floor(lagSeconds / 60)} min ${lagSeconds % 60} s)`;
const ydcText = (figure: YdcFigure): string => formatTokens(BigInt(figure.wei));
/** CNY as a float for drawing (never for figures shown as numbers). */
const cnyValue = (figure: CnyFigure): number => Number(BigInt(figure.wei) / 10n ** 13n) / 100;
const ydcValue = (figure: YdcFigure): number => Number(BigInt(figure.wei) / 10n ** 14n) / 10_000;
const coord = (value: number): string => {
  const text = value.toFixed(1);
  return text.endsWith(".0") ? text.slice(0, -2) : text;
};

function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

// ---------------------------------------------------------------- SVG charts

const WIDTH = 720;
const HEIGHT = 320;
const MARGIN = { left: 84, right: 32, top: 34, bottom: 48 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Colours with at least 3:1 contrast against the white plot background. */
const COLOURS = {
  green: "#1f6f50",
  amber: "#b0601a",
  purple: "#6a4c93",
  blue: "#2b67a8",
  grey: "#5f6b66",
  red: "#b00020",
} as const;

/** A 1-2-2.5-5 step so that `max` spans about `count` gridlines. */
function niceStep(max: number, count = 5): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  const step = m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10;
  return step * power;
}

interface Axis {
  max: number;
  step: number;
}

function yAxis(dataMax: number, threshold?: number): Axis {
  const top = Math.max(dataMax, threshold ?? 0) * 1.05;
  const step = niceStep(top);
  return { max: Math.max(step, Math.ceil(top / step) * step), step };
}

const yOf = (value: number, axis: Axis): number => MARGIN.top + PLOT_H - (value / axis.max) * PLOT_H;

/** Gridlines and labels of the y axis, the x axis line, and the axis titles. */
function frame(axis: Axis, yFormat: (value: number) => string, xTitle: string, yTitle: string): string {
  const parts: string[] = [];
  for (let value = 0; value <= axis.max + axis.step / 1000; value += axis.step) {
    const y = coord(yOf(value, axis));
    parts.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`,
      `<text class="tick" x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${escapeHtml(yFormat(value))}</text>`,
    );
  }
  const bottom = MARGIN.top + PLOT_H;
  parts.push(`<line class="axis" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(
    `<text class="axis-title" x="${MARGIN.left + PLOT_W / 2}" y="${HEIGHT - 6}" text-anchor="middle">${escapeHtml(xTitle)}</text>`,
  );
  parts.push(`<text class="axis-title" x="8" y="14" dominant-baseline="middle">${escapeHtml(yTitle)}</text>`);
  return parts.join("");
}

function thresholdLine(axis: Axis, threshold: { value: number; label: string } | undefined): string {
  if (threshold === undefined) return "";
  const y = coord(yOf(threshold.value, axis));
  return (
    `<line class="threshold" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>` +
    `<text class="threshold-label" x="${MARGIN.left + 6}" y="${coord(yOf(threshold.value, axis) - 6)}">${escapeHtml(threshold.label)}</text>`
  );
}

function svgOpen(id: string, title: string, desc: string): string {
  return (
    `<svg class="chart-svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="${id}-title ${id}-desc">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>`
  );
}

/** One series of a bar chart; the series of a chart are stacked in order, bottom first. */
interface BarSeries {
  key: string;
  label: string;
  colour: string;
  values: number[];
  /** Exact value of each bar, written to `data-value` (and compared with the JSON summary by the tests). */
  exact: string[];
  /** Tooltip text of each bar. */
  tooltip: string[];
}

interface Legend {
  label: string;
  colour: string;
  /** Drawn as a line (solid, or dashed) rather than a filled square. */
  line?: boolean;
  dashed?: boolean;
}

function legend(items: readonly Legend[]): string {
  return `<ul class="legend">${items
    .map(
      (item) =>
        `<li><span class="swatch${item.dashed === true ? " dashed" : item.line === true ? " line" : ""}" style="--c:${item.colour}"></span>${escapeHtml(item.label)}</li>`,
    )
    .join("")}</ul>`;
}

function figure(id: string, heading: string, svg: string, caption: string, items: readonly Legend[]): string {
  return (
    `<figure class="chart" id="${id}"><h3>${escapeHtml(heading)}</h3><div class="scroll">${svg}</div>` +
    `<figcaption>${items.length > 0 ? legend(items) : ""}<p>${caption}</p></figcaption></figure>`
  );
}

/** A (stacked) bar chart over categories (days or buckets). */
function barChart(options: {
  id: string;
  title: string;
  desc: string;
  categories: readonly string[];
  /** `data-<categoryAttr>` value of each category (the day number, or the bucket index). */
  categoryKeys: readonly string[];
  categoryAttr: string;
  /** Label every n-th category on the x axis (and the first). */
  labelEvery: number;
  series: readonly BarSeries[];
  xTitle: string;
  yTitle: string;
  yFormat: (value: number) => string;
  threshold?: { value: number; label: string };
}): string {
  const count = options.categories.length;
  const totals = options.categories.map((_, k) => options.series.reduce((a, s) => a + s.values[k], 0));
  const axis = yAxis(Math.max(0, ...totals), options.threshold?.value);
  const band = PLOT_W / count;
  const barWidth = Math.max(2, band * 0.72);
  const parts: string[] = [svgOpen(options.id, options.title, options.desc)];
  parts.push(frame(axis, options.yFormat, options.xTitle, options.yTitle));
  for (let k = 0; k < count; k++) {
    const x = MARGIN.left + band * k + (band - barWidth) / 2;
    let base = 0;
    for (const series of options.series) {
      const value = series.values[k];
      const yTop = yOf(base + value, axis);
      const height = yOf(base, axis) - yTop;
      parts.push(
        `<rect x="${coord(x)}" y="${coord(yTop)}" width="${coord(barWidth)}" height="${coord(height)}" fill="${series.colour}" ` +
          `data-series="${series.key}" data-${options.categoryAttr}="${options.categoryKeys[k]}" data-value="${series.exact[k]}">` +
          `<title>${escapeHtml(series.tooltip[k])}</title></rect>`,
      );
      base += value;
    }
    if (k === 0 || (k + 1) % options.labelEvery === 0) {
      parts.push(
        `<text class="tick" x="${coord(MARGIN.left + band * (k + 0.5))}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${escapeHtml(options.categories[k])}</text>`,
      );
    }
  }
  parts.push(thresholdLine(axis, options.threshold));
  parts.push("</svg>");
  return parts.join("");
}

/** One line of an x/y chart. */
interface LineSeries {
  key: string;
  label: string;
  colour: string;
  points: readonly { x: number; y: number; exact?: string; day?: number; tooltip?: string }[];
  /** Draw a step line (value holds until the next point). */
  step?: boolean;
  dashed?: boolean;
  /** Mark every point with a dot carrying its data attributes. */
  markers?: boolean;
}

/** A line chart over a numeric x domain. */
function lineChart(options: {
  id: string;
  title: string;
  desc: string;
  xDomain: readonly [number, number];
  xTicks: readonly { value: number; label: string }[];
  lines: readonly LineSeries[];
  xTitle: string;
  yTitle: string;
  yFormat: (value: number) => string;
  yMax?: number;
  threshold?: { value: number; label: string };
}): string {
  const dataMax = Math.max(0, ...options.lines.flatMap((l) => l.points.map((p) => p.y)));
  const axis =
    options.yMax === undefined
      ? yAxis(dataMax, options.threshold?.value)
      : { max: options.yMax, step: options.yMax / 4 };
  const [x0, x1] = options.xDomain;
  const xOf = (x: number): number => MARGIN.left + ((x - x0) / (x1 - x0)) * PLOT_W;
  const parts: string[] = [svgOpen(options.id, options.title, options.desc)];
  parts.push(frame(axis, options.yFormat, options.xTitle, options.yTitle));
  for (const tick of options.xTicks) {
    parts.push(
      `<text class="tick" x="${coord(xOf(tick.value))}" y="${MARGIN.top + PLOT_H + 18}" text-anchor="middle">${escapeHtml(tick.label)}</text>`,
    );
  }
  parts.push(thresholdLine(axis, options.threshold));
  for (const line of options.lines) {
    const path: string[] = [];
    line.points.forEach((p, k) => {
      const x = coord(xOf(p.x));
      const y = coord(yOf(p.y, axis));
      if (k === 0) path.push(`M${x} ${y}`);
      else if (line.step === true) path.push(`H${x}V${y}`);
      else path.push(`L${x} ${y}`);
    });
    parts.push(
      `<path class="line${line.dashed === true ? " dashed" : ""}" d="${path.join("")}" stroke="${line.colour}" data-line="${line.key}"/>`,
    );
    if (line.markers === true) {
      for (const p of line.points) {
        parts.push(
          `<circle cx="${coord(xOf(p.x))}" cy="${coord(yOf(p.y, axis))}" r="3.5" fill="${line.colour}" ` +
            `data-series="${line.key}" data-day="${p.day ?? p.x}" data-value="${p.exact ?? p.y}">` +
            `<title>${escapeHtml(p.tooltip ?? `${line.label}: ${p.y}`)}</title></circle>`,
        );
      }
    }
  }
  parts.push("</svg>");
  return parts.join("");
}

// ---------------------------------------------------------------- HTML

const CSS = `
:root{--fg:#1c2a23;--muted:#4f5d56;--bg:#f7f5ef;--card:#fff;--line:#d8dcd3;--ok:#1a6b37;--bad:#b00020;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Microsoft YaHei",sans-serif}
main{max-width:900px;margin:0 auto;padding:20px 16px 48px}
header h1{font-size:1.7rem;line-height:1.25;margin:.2em 0 .3em}
header .zh{color:#1f6f50}
.lede{color:var(--muted);margin:.2em 0}
h2{font-size:1.3rem;margin:0 0 .6em;padding-top:.4em;border-top:2px solid var(--line)}
h3{font-size:1.05rem;margin:0 0 .4em}
section{margin:32px 0}
.status{margin:16px 0;padding:12px 14px;border-radius:8px;font-weight:600;background:#e6f2ea;border:1px solid #9cc8ab}
.status.bad{background:#fbe9ec;border-color:#e2a3ae;color:var(--bad)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:10px;margin:0;padding:0;list-style:none}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.card .label{display:block;color:var(--muted);font-size:.85rem}
.card .value{display:block;font-size:1.3rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .unit{font-size:.8rem;font-weight:500;color:var(--muted)}
.card .target{display:block;font-size:.85rem}
.chart{margin:0 0 28px;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
.chart-svg{display:block;width:100%;min-width:480px;height:auto;font-size:14px}
.chart-svg .grid{stroke:#e4e7e1;stroke-width:1}
.chart-svg .axis{stroke:#8a948e;stroke-width:1}
.chart-svg .tick{fill:var(--muted)}
.chart-svg .axis-title{fill:var(--muted);font-size:.93em}
.chart-svg .threshold{stroke:#b00020;stroke-width:1.5;stroke-dasharray:6 4}
.chart-svg .threshold-label{fill:#b00020;font-size:.93em}
.chart-svg .line{fill:none;stroke-width:2.5;stroke-linejoin:round}
.chart-svg .line.dashed{stroke-dasharray:7 5}
.chart-svg .diagonal{stroke:#8a948e;stroke-width:1.5;stroke-dasharray:4 4}
figcaption p{margin:.4em 0 0;color:var(--muted);font-size:.9rem}
.legend{list-style:none;margin:8px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 18px;font-size:.9rem}
.swatch{display:inline-block;width:14px;height:14px;border-radius:3px;margin-right:6px;vertical-align:-2px;background:var(--c)}
.swatch.line{height:0;border-top:3px solid var(--c);background:none;border-radius:0;vertical-align:3px}
.swatch.dashed{height:0;border-top:3px dashed var(--c);background:none;border-radius:0;vertical-align:3px}
.table-wrap{overflow-x:auto;background:var(--card);border:1px solid var(--line);border-radius:8px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums;font-size:.95rem}
caption{text-align:left;padding:8px 10px;color:var(--muted);font-size:.9rem}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#f0efe8;font-weight:600}
.num{text-align:right;white-space:nowrap}
.mark{font-weight:700;text-align:center}
.ok{color:var(--ok)}
.bad{color:var(--bad)}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
td code{white-space:nowrap;overflow-wrap:normal}
details{margin-top:12px}
summary{cursor:pointer;font-weight:600}
ul.checks{list-style:none;padding:0;margin:0}
ul.checks li{padding:8px 10px;border-bottom:1px solid var(--line);background:var(--card)}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:4px 14px;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
footer{color:var(--muted);font-size:.9rem;border-top:2px solid var(--line);padding-top:12px}
@media (max-width:520px){main{padding:12px 10px 32px}.chart-svg{font-size:19px}.cards{grid-template-columns:repeat(2,1fr)}.card .value{font-size:1.1rem}header h1{font-size:1.4rem}th,td{padding:6px 7px}dl.facts{grid-template-columns:1fr}dl.facts dd{margin-bottom:6px}}
`.trim();

function checkMark(ok: boolean): string {
  return `<span class="${ok ? "ok" : "bad"}" role="img" aria-label="${ok ? "met" : "missed"}">${ok ? "✓" : "✗"}</span>`;
}

/** The report page: one self-contained HTML file. */
export function renderDemoHtml(summary: DemoSummary): string {
  const t = summary.totals;
  const days = summary.daily;
  const dayLabels = days.map((d) => String(d.day));
  const dayKeys = days.map((d) => String(d.day));
  const labelEvery = days.length > 15 ? 5 : 1;
  const dayTip = (d: DemoDay): string => `Day ${d.day} (${d.date})`;
  const interviewTarget = (key: string): InterviewCheck | undefined => summary.interview.find((c) => c.key === key);
  const cnyAxis = (value: number): string => groupNumber(value);
  const dayTicks = (last: number): { value: number; label: string }[] => {
    const ticks = [{ value: 1, label: "1" }];
    for (let d = 5; d <= last; d += 5) ticks.push({ value: d, label: String(d) });
    if (last % 5 !== 0) {
      // Keep the last day labelled without crowding the multiple of five next to it.
      if (last - ticks[ticks.length - 1].value < 3) ticks.pop();
      ticks.push({ value: last, label: String(last) });
    }
    return ticks;
  };
  const interviewOk = summary.interview.filter((c) => c.ok).length;
  const ledgerOk = summary.ledger.filter((c) => c.ok).length;

  // Revenue per day, stacked by order path.
  const revenueChart = barChart({
    id: "chart-revenue",
    title: "Daily revenue, CNY",
    desc:
      `Revenue counted on each of the ${days.length} days, stacked by how the orders reached the chain: recorded ` +
      `by the operator in batches, or paid by the customer on chain (charged, or held and captured: on the capture ` +
      `day, with the amount captured). Total ${cnyText(t.revenue)} CNY, of which ${cnyText(t.refundedRevenue)} CNY ` +
      `refunded later.`,
    categories: dayLabels,
    categoryKeys: dayKeys,
    categoryAttr: "day",
    labelEvery,
    series: [
      {
        key: "recordedRevenue",
        label: "recorded by the operator",
        colour: COLOURS.green,
        values: days.map((d) => cnyValue(d.recordedRevenue)),
        exact: days.map((d) => d.recordedRevenue.cny),
        tooltip: days.map((d) => `${dayTip(d)}: recorded orders ${cnyText(d.recordedRevenue)} CNY`),
      },
      {
        key: "checkoutRevenue",
        label: "checkout",
        colour: COLOURS.amber,
        values: days.map((d) => cnyValue(d.checkoutRevenue)),
        exact: days.map((d) => d.checkoutRevenue.cny),
        tooltip: days.map((d) => `${dayTip(d)}: checkouts ${cnyText(d.checkoutRevenue)} CNY`),
      },
    ],
    xTitle: "day of the month",
    yTitle: "CNY",
    yFormat: cnyAxis,
  });

  const membersChart = lineChart({
    id: "chart-members",
    title: "Community members",
    desc: `Members who have ordered, at the end of each day: ${days[0]?.members ?? 0} on day 1, ${t.members} at the end.`,
    xDomain: [1, Math.max(2, days.length)],
    xTicks: dayTicks(days.length),
    lines: [
      {
        key: "members",
        label: "members",
        colour: COLOURS.blue,
        markers: true,
        points: days.map((d) => ({
          x: d.day,
          y: d.members,
          exact: String(d.members),
          tooltip: `${dayTip(d)}: ${d.members} members (+${d.newMembers})`,
        })),
      },
    ],
    xTitle: "day of the month",
    yTitle: "members",
    yFormat: (v) => groupNumber(v),
    threshold: { value: 200, label: "interview: 200 members" },
  });

  const dividendChart = barChart({
    id: "chart-dividends",
    title: "Dividends settled per day, CNY",
    desc:
      `Dividends settled to the YDC holders for each day's revenue (20 %), paid just after the shop's midnight. ` +
      `Total ${cnyText(t.dividendsSettled)} CNY.`,
    categories: dayLabels,
    categoryKeys: dayKeys,
    categoryAttr: "day",
    labelEvery,
    series: [
      {
        key: "dividendsSettled",
        label: "dividends settled",
        colour: COLOURS.green,
        values: days.map((d) => cnyValue(d.dividendsSettled)),
        exact: days.map((d) => d.dividendsSettled.cny),
        tooltip: days.map((d) => `${dayTip(d)}: ${cnyText(d.dividendsSettled)} CNY settled for the day's revenue`),
      },
    ],
    xTitle: "day of the month (revenue day)",
    yTitle: "CNY",
    yFormat: cnyAxis,
  });

  const payouts = summary.payouts;
  const lastPayout = payouts[payouts.length - 1];
  const payoutChart = lineChart({
    id: "chart-payouts",
    title: "Dividends paid to holders and claimed, cumulative CNY",
    desc:
      `Cumulative dividends settled into the token (each day's settlement runs at 00:05 the next day) and ` +
      `cumulative claims by the holders, to day ${lastPayout?.day ?? 0}: settled ${cnyText(t.dividendsSettled)} CNY, ` +
      `claimed ${cnyText(t.claimed)} CNY, still claimable ${cnyText(t.claimable)} CNY.`,
    xDomain: [1, Math.max(2, payouts.length)],
    xTicks: dayTicks(payouts.length),
    lines: [
      {
        key: "settledToDate",
        label: "settled",
        colour: COLOURS.green,
        step: true,
        markers: true,
        points: payouts.map((p) => ({
          x: p.day,
          y: cnyValue(p.settledToDate),
          exact: p.settledToDate.cny,
          tooltip: `Day ${p.day} (${p.date}): ${cnyText(p.settledToDate)} CNY settled so far`,
        })),
      },
      {
        key: "claimedToDate",
        label: "claimed",
        colour: COLOURS.amber,
        step: true,
        dashed: true,
        markers: true,
        points: payouts.map((p) => ({
          x: p.day,
          y: cnyValue(p.claimedToDate),
          exact: p.claimedToDate.cny,
          tooltip: `Day ${p.day} (${p.date}): ${cnyText(p.claimedToDate)} CNY claimed so far (${cnyText(p.claimed)} that day)`,
        })),
      },
    ],
    xTitle: `calendar day (day ${payouts.length} is the morning after the month)`,
    yTitle: "CNY",
    yFormat: cnyAxis,
    threshold: { value: 60_000, label: "interview: 60,000 CNY" },
  });

  const tokenChart = barChart({
    id: "chart-tokens",
    title: "YDC issued per day",
    desc:
      `YDC minted each day, stacked by kind: consumption (one per 300 CNY), promotion (5 % to the referrer) and the ` +
      `management pool paid to the service provider weekly. Total ${ydcText(t.tokensIssued)} YDC.`,
    categories: dayLabels,
    categoryKeys: dayKeys,
    categoryAttr: "day",
    labelEvery,
    series: [
      {
        key: "consumption",
        label: "consumption",
        colour: COLOURS.green,
        values: days.map((d) => ydcValue(d.minted.consumption)),
        exact: days.map((d) => d.minted.consumption.ydc),
        tooltip: days.map((d) => `${dayTip(d)}: ${ydcText(d.minted.consumption)} YDC for consumption`),
      },
      {
        key: "promotion",
        label: "promotion",
        colour: COLOURS.amber,
        values: days.map((d) => ydcValue(d.minted.promotion)),
        exact: days.map((d) => d.minted.promotion.ydc),
        tooltip: days.map((d) => `${dayTip(d)}: ${ydcText(d.minted.promotion)} YDC for promotion`),
      },
      {
        key: "pool",
        label: "management pool",
        colour: COLOURS.purple,
        values: days.map((d) => ydcValue(d.minted.pool)),
        exact: days.map((d) => d.minted.pool.ydc),
        tooltip: days.map((d) => `${dayTip(d)}: ${ydcText(d.minted.pool)} YDC from the management pool`),
      },
    ],
    xTitle: "day of the month",
    yTitle: "YDC",
    yFormat: (v) => groupNumber(v),
  });

  const supplyChart = lineChart({
    id: "chart-supply",
    title: "YDC supply, cumulative",
    desc: `Total YDC supply at the end of each day, read from the chain: ${ydcText(t.tokensIssued)} YDC at the end.`,
    xDomain: [1, Math.max(2, days.length)],
    xTicks: dayTicks(days.length),
    lines: [
      {
        key: "supply",
        label: "supply",
        colour: COLOURS.green,
        markers: true,
        points: days.map((d) => ({
          x: d.day,
          y: ydcValue(d.supply),
          exact: d.supply.ydc,
          tooltip: `${dayTip(d)}: supply ${ydcText(d.supply)} YDC`,
        })),
      },
    ],
    xTitle: "day of the month",
    yTitle: "YDC",
    yFormat: (v) => groupNumber(v),
    threshold: { value: 1_000, label: "interview: 1,000 YDC" },
  });

  // Holder distribution.
  const histogram = summary.holders.histogram;
  const histogramChart = barChart({
    id: "chart-holders",
    title: "Holders by YDC balance",
    desc:
      `Number of holders in each balance range (YDC): ${summary.holders.count} holders, ` +
      `median member balance ${ydcText(summary.holders.medianMemberBalance)} YDC; the service provider, paid from ` +
      `the management pool, is counted separately.`,
    categories: histogram.map((b) => b.label),
    categoryKeys: histogram.map((_, k) => String(k)),
    categoryAttr: "bucket",
    labelEvery: 1,
    series: [
      {
        key: "members",
        label: "members",
        colour: COLOURS.green,
        values: histogram.map((b) => b.members),
        exact: histogram.map((b) => String(b.members)),
        tooltip: histogram.map((b) => `${b.label} YDC: ${b.members} member${b.members === 1 ? "" : "s"}`),
      },
      {
        key: "servicers",
        label: "service provider",
        colour: COLOURS.purple,
        values: histogram.map((b) => b.servicers),
        exact: histogram.map((b) => String(b.servicers)),
        tooltip: histogram.map((b) => `${b.label} YDC: ${b.servicers} service provider`),
      },
    ],
    xTitle: "balance, YDC",
    yTitle: "holders",
    yFormat: (v) => groupNumber(v),
  });

  const ascending = [...summary.holders.ranked].reverse();
  const supplyWei = BigInt(t.tokensIssued.wei);
  let cumulative = 0n;
  const lorenzPoints = [{ x: 0, y: 0 }];
  ascending.forEach((h, k) => {
    cumulative += BigInt(h.balance.wei);
    lorenzPoints.push({
      x: ((k + 1) * 100) / ascending.length,
      y: supplyWei === 0n ? 0 : Number((cumulative * 1_000_000n) / supplyWei) / 10_000,
    });
  });
  const lorenzChart = lineChart({
    id: "chart-lorenz",
    title: "Lorenz curve of YDC balances",
    desc:
      `Share of the supply held by the smallest x % of holders. The diagonal is perfect equality. Gini coefficient ` +
      `${summary.holders.gini}; the ten largest holders hold ${summary.holders.top10SharePercent} % of the supply.`,
    xDomain: [0, 100],
    xTicks: [0, 20, 40, 60, 80, 100].map((v) => ({ value: v, label: `${v} %` })),
    lines: [
      {
        key: "equality",
        label: "equal shares",
        colour: "#8a948e",
        dashed: true,
        points: [
          { x: 0, y: 0 },
          { x: 100, y: 100 },
        ],
      },
      { key: "lorenz", label: "YDC balances", colour: COLOURS.green, points: lorenzPoints },
    ],
    xTitle: "holders, smallest balances first",
    yTitle: "share of YDC",
    yFormat: (v) => `${groupNumber(v)} %`,
    yMax: 100,
  });

  const top10 = summary.holders.ranked.slice(0, 10);
  const topTable =
    `<div class="table-wrap"><table id="top-holders"><caption>Ten largest YDC holders at the end of the month</caption>` +
    `<thead><tr><th scope="col" class="num">#</th><th scope="col">holder</th><th scope="col">role, joined</th>` +
    `<th scope="col" class="num">YDC</th><th scope="col" class="num">share</th><th scope="col" class="num">spent, CNY</th>` +
    `<th scope="col" class="num">dividends, CNY</th><th scope="col" class="num">referees</th></tr></thead><tbody>` +
    top10
      .map(
        (h) =>
          `<tr data-rank="${h.rank}" data-address="${h.address}" data-value="${h.balance.ydc}">` +
          `<td class="num">${h.rank}</td><td><code title="${h.address}">${shortAddress(h.address)}</code></td>` +
          `<td>${h.role === "servicer" ? "service provider" : `member, day ${h.joinDay}`}</td>` +
          `<td class="num">${ydcText(h.balance)}</td><td class="num">${h.sharePercent} %</td>` +
          `<td class="num">${cnyText(h.spend)}</td><td class="num">${cnyText(h.dividends)}</td>` +
          `<td class="num">${h.referees}</td></tr>`,
      )
      .join("") +
    `</tbody></table></div>`;

  // Interview comparison.
  const interviewTable =
    `<div class="table-wrap"><table id="interview"><caption>The interview's figures for Wuyou Tea after about a month, ` +
    `beside the simulation</caption><thead><tr><th scope="col">figure</th><th scope="col" class="num">simulated</th>` +
    `<th scope="col" class="num">interview</th><th scope="col" class="mark">met</th></tr></thead><tbody>` +
    summary.interview
      .map(
        (c) =>
          `<tr data-check="${c.key}" data-ok="${c.ok}"><td>${escapeHtml(c.label)}</td>` +
          `<td class="num" data-simulated>${escapeHtml(c.simulated)}</td><td class="num">${escapeHtml(c.target)}</td>` +
          `<td class="mark">${checkMark(c.ok)}</td></tr>`,
      )
      .join("") +
    `</tbody></table></div>`;

  const ledgerList =
    `<ul class="checks" id="ledger">` +
    summary.ledger
      .map((c) => `<li data-check="${c.key}" data-ok="${c.ok}">${checkMark(c.ok)} ${escapeHtml(c.label)}</li>`)
      .join("") +
    `</ul>`;

  const card = (key: string, label: string, value: string, unit: string, exact: string): string => {
    const check = interviewTarget(key);
    return (
      `<li class="card" data-figure="${key}" data-value="${exact}"><span class="label">${escapeHtml(label)}</span>` +
      `<span class="value">${escapeHtml(value)}${unit === "" ? "" : ` <span class="unit">${escapeHtml(unit)}</span>`}</span>` +
      (check === undefined
        ? ""
        : `<span class="target">${checkMark(check.ok)} interview ${escapeHtml(check.target)}</span>`) +
      `</li>`
    );
  };
  const cards =
    `<ul class="cards">` +
    card("revenue", "revenue, final orders", cnyText(t.finalRevenue), "CNY", t.finalRevenue.cny) +
    card("dividends", "dividends, final orders (20 %)", cnyText(t.finalDividends), "CNY", t.finalDividends.cny) +
    card("tokensIssued", "tokens issued", ydcText(t.tokensIssued), "YDC", t.tokensIssued.ydc) +
    card("members", "community members", String(t.members), "", String(t.members)) +
    card("averageSpend", "average spend per member", cnyText(t.averageSpend), "CNY", t.averageSpend.cny) +
    card("averageDividend", "average dividend per member", cnyText(t.averageDividend), "CNY", t.averageDividend.cny) +
    `</ul>`;

  // Payments and returns.
  const pay = summary.payments;
  const paymentRow = (key: string, label: string, count: string, amount: CnyFigure, note: string): string =>
    `<tr data-payment="${key}" data-count="${count}" data-value="${amount.cny}"><td>${escapeHtml(label)}</td>` +
    `<td class="num">${count}</td><td class="num">${cnyText(amount)}</td><td>${escapeHtml(note)}</td></tr>`;
  const paymentsTable =
    `<div class="table-wrap"><table id="payments"><caption>The month's on-chain payments: how each counted and what ` +
    `went back</caption><thead><tr><th scope="col">payment</th><th scope="col" class="num">count</th>` +
    `<th scope="col" class="num">CNY</th><th scope="col">what happened</th></tr></thead><tbody>` +
    paymentRow(
      "charged",
      "charged",
      String(pay.charged.count),
      pay.charged.amount,
      `paid and final at once (in the shop); ${pay.refunded.count} of them refunded later`,
    ) +
    paymentRow(
      "authorized",
      "authorized (held)",
      String(pay.authorized.count),
      pay.authorized.amount,
      "online orders: held for the customer, not revenue until captured",
    ) +
    paymentRow(
      "confirmed",
      "confirmed by the customer",
      String(pay.confirmed.count),
      pay.confirmed.amount,
      "received the same evening: counted that day",
    ) +
    paymentRow(
      "autoCaptured",
      "auto-captured by the keeper",
      String(pay.autoCaptured.count),
      pay.autoCaptured.amount,
      "silent customers: counted a week later, just after the return window",
    ) +
    paymentRow(
      "returned",
      "returned within the window",
      String(pay.returned.count),
      pay.returned.amount,
      "return requested, voided by the operator: all back to the customer, never counted",
    ) +
    paymentRow(
      "partlyCaptured",
      "partly captured",
      String(pay.partlyCaptured.count),
      pay.partlyCaptured.amount,
      `captured of ${cnyText(pay.partlyCaptured.held)} CNY held; ${cnyText(pay.partlyCaptured.returned)} CNY back ` +
        `to the customers; the captured part is a final order`,
    ) +
    paymentRow(
      "refunded",
      "refunded after capture",
      String(pay.refunded.count),
      pay.refunded.amount,
      `from the merchant balance (deposited ${cnyText(pay.refunded.deposited)} CNY first); ` +
        `${ydcText(pay.refunded.takenBack)} YDC taken back (consumption ${ydcText(pay.refunded.consumptionTakenBack)}, ` +
        `promotion ${ydcText(pay.refunded.promotionTakenBack)}); their revenue and ` +
        `${cnyText(pay.refunded.dividends)} CNY of dividends stay`,
    ) +
    paymentRow("heldAtEnd", "held at the end", "", pay.heldAtEnd, "every payment was captured or returned") +
    `</tbody></table></div>`;
  const paymentsNote =
    `<p>The interview checks use the <strong>final orders</strong>: ${t.finalOrders} orders, ` +
    `${cnyText(t.finalRevenue)} CNY of revenue and ${cnyText(t.finalDividends)} CNY of dividends (20 % of each ` +
    `day's final revenue). The ${pay.refunded.count} refunded orders' ${cnyText(t.refundedRevenue)} CNY stay on chain ` +
    `as revenue counted (${cnyText(t.revenue)} CNY in all) on which the merchant paid ` +
    `${cnyText(pay.refunded.dividends)} CNY of dividends (${cnyText(t.dividendsSettled)} CNY settled in all). ` +
    `A held payment counts on its capture day, with the amount captured; a returned one never counts.</p>`;

  const dailyTable =
    `<details><summary>Daily figures (table)</summary><div class="table-wrap"><table id="daily">` +
    `<caption>Every day of the month; the keeper settles its dividends just after midnight and pushes them to ` +
    `the holders who take payouts</caption><thead><tr>` +
    `<th scope="col" class="num">day</th><th scope="col">date</th><th scope="col" class="num">orders</th>` +
    `<th scope="col" class="num">members</th><th scope="col" class="num">revenue, CNY</th>` +
    `<th scope="col" class="num">dividends, CNY</th><th scope="col" class="num">YDC minted</th>` +
    `<th scope="col" class="num">YDC supply</th><th scope="col">settled (UTC+8)</th>` +
    `<th scope="col">paid out (UTC+8)</th></tr></thead><tbody>` +
    days
      .map(
        (d) =>
          `<tr data-day="${d.day}"><td class="num">${d.day}</td><td>${d.date}</td><td class="num">${d.orders}</td>` +
          `<td class="num">${d.members}</td><td class="num">${cnyText(d.revenue)}</td>` +
          `<td class="num">${cnyText(d.dividendsSettled)}</td><td class="num">${ydcText(d.minted.total)}</td>` +
          `<td class="num">${ydcText(d.supply)}</td>` +
          `<td data-keeper="settled">${d.keeper === null ? "no orders" : keeperTime(d.keeper.settledAt, d.keeper.settleLagSeconds)}</td>` +
          `<td data-keeper="paid">${d.keeper === null || d.keeper.paidOutAt === null ? "—" : `${keeperTime(d.keeper.paidOutAt, d.keeper.payoutLagSeconds ?? 0)}, ${cnyText(d.keeper.pushed)} CNY to ${d.keeper.holdersPaid} holders`}</td></tr>`,
      )
      .join("") +
    `</tbody></table></div></details>`;

  const rules = summary.rules;
  const weiPerCny = BigInt(summary.weiPerCny);
  const facts: [string, string][] = [
    ["period", `${summary.period.from} to ${summary.period.to} (${summary.period.timeZone}), ${summary.days} days`],
    ["seed", summary.seed],
    [
      "YDC rules",
      `one token per ${groupNumber(Number(BigInt(rules.spendPerToken) / weiPerCny))} CNY spent; ` +
        `${Number(rules.dividendBps) / 100} % of each day's revenue as dividends; referrers earn ` +
        `${Number(rules.referralBps) / 100} % of their referees' tokens; the management pool accrues ` +
        `${rules.poolNum} per ${rules.poolDen} tokens minted; non-transferable`,
    ],
    [
      "orders",
      `${t.orders} counted: ${t.checkoutOrders} paid by the customers on chain (charged or captured), ` +
        `${t.recordedOrders} recorded by the operator in batches; ${t.finalOrders} final, ` +
        `${pay.refunded.count} refunded after capture`,
    ],
    [
      "revenue",
      `final orders ${cnyText(t.finalRevenue)} CNY; counted on chain ${cnyText(t.revenue)} CNY, of which ` +
        `${cnyText(t.refundedRevenue)} CNY refunded later`,
    ],
    [
      "YDC issued",
      `${ydcText(t.tokensIssued)}: consumption ${ydcText(t.consumptionTokens)}, promotion ${ydcText(t.promotionTokens)}, ` +
        `pool ${ydcText(t.poolTokens)} (allowance left ${ydcText(t.poolAllowanceLeft)})`,
    ],
    [
      "dividends",
      `settled ${cnyText(t.dividendsSettled)} CNY (promised ${cnyText(t.dividendsPromised)}); claimed ` +
        `${cnyText(t.claimed)}, still claimable ${cnyText(t.claimable)}; members earned ${cnyText(t.memberDividends)}, ` +
        `the service provider ${cnyText(t.servicerDividends)}; the token keeps ${t.rolloverWei} wei for the next ` +
        `distribution and ${t.dustWei} wei of rounding dust`,
    ],
    [
      "exchange rate",
      `1 CNY = ${summary.weiPerCny.replace(/\B(?=(\d{3})+(?!\d))/g, ",")} wei of the native coin (fixed for the demo)`,
    ],
    ["transactions", String(t.transactions)],
  ];
  const factList =
    `<dl class="facts">` +
    facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join("") +
    `</dl>`;

  const a = summary.addresses;
  const addressList =
    `<dl class="facts">` +
    (
      [
        ["factory", a.factory],
        ["shop", a.shop],
        ["YDC token", a.token],
        ["merchant admin", a.admin],
        ["operator", a.operator],
        ["pool manager", a.poolManager],
        ["service provider", a.servicer],
        ["keeper", a.keeper],
      ] as const
    )
      .map(([k, v]) => `<dt>${k}</dt><dd><code>${v}</code></dd>`)
      .join("") +
    `</dl>`;

  const allOk = summary.ok;
  const status =
    `<p class="status${allOk ? "" : " bad"}" role="status">${checkMark(allOk)} ` +
    `${interviewOk}/${summary.interview.length} interview figures met, ` +
    `${ledgerOk}/${summary.ledger.length} ledger checks reconciled</p>`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>吾有茶 Wuyou Tea: a month on ShareMall (seed ${escapeHtml(summary.seed)})</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<h1><span class="zh" lang="zh-Hans">吾有茶</span> Wuyou Tea: a month of dividend-sharing commerce</h1>
<p class="lede">A simulation of the interview's reference shop on ShareMall: ${t.members} community members buy tea, earn the brand token YDC by buying and referring, and share 20 % of every day's revenue as dividends in the chain's native coin. Every figure below was read from the chain (an in-process Hardhat network) or reconciled with it.</p>
<p class="lede">${escapeHtml(summary.period.from)} to ${escapeHtml(summary.period.to)} (${escapeHtml(summary.period.timeZone)}) · seed <code>${escapeHtml(summary.seed)}</code> · 1 CNY = 10<sup>15</sup> wei</p>
${status}
</header>
<section aria-labelledby="h-figures">
<h2 id="h-figures">Key figures</h2>
${cards}
</section>
<section aria-labelledby="h-interview">
<h2 id="h-interview">Against the interview</h2>
${interviewTable}
</section>
<section aria-labelledby="h-payments">
<h2 id="h-payments">Payments and returns</h2>
${paymentsTable}
${paymentsNote}
</section>
<section aria-labelledby="h-revenue">
<h2 id="h-revenue">Revenue and community</h2>
${figure(
  "fig-revenue",
  "Daily revenue",
  revenueChart,
  "On-chain payments escrow the dividend share when they count (charged, or captured); the operator's recorded orders are funded at settlement.",
  [
    { label: "recorded by the operator", colour: COLOURS.green },
    { label: "paid on chain (charged or captured)", colour: COLOURS.amber },
  ],
)}
${figure("fig-members", "Community members", membersChart, "Members join by referral; 20-odd founders on day 1.", [
  { label: "members who have ordered", colour: COLOURS.blue, line: true },
  { label: "interview figure", colour: COLOURS.red, dashed: true },
])}
</section>
<section aria-labelledby="h-dividends">
<h2 id="h-dividends">Dividends</h2>
${figure(
  "fig-dividends",
  "Dividends settled per day",
  dividendChart,
  "20 % of each day's revenue, settled to the token just after the shop's midnight (UTC+8).",
  [{ label: "dividends settled for the day's revenue", colour: COLOURS.green }],
)}
${figure(
  "fig-payouts",
  "Dividends settled and claimed, cumulative",
  payoutChart,
  "The keeper pushes each day's dividends to the holders who take payouts minutes after the shop's midnight; the opted-out holders claim (some mid-month, most through the factory's claimMany the morning after the month), a few keep theirs for later.",
  [
    { label: "settled into the token", colour: COLOURS.green, line: true },
    { label: "paid to holders (pushed or claimed)", colour: COLOURS.amber, dashed: true },
    { label: "interview figure", colour: COLOURS.red, dashed: true },
  ],
)}
</section>
<section aria-labelledby="h-tokens">
<h2 id="h-tokens">Tokens issued</h2>
${figure(
  "fig-tokens",
  "YDC issued per day",
  tokenChart,
  "Tokens are earned, never sold: by buying, by referring, and (from the management pool) by serving the community.",
  [
    { label: "consumption", colour: COLOURS.green },
    { label: "promotion", colour: COLOURS.amber },
    { label: "management pool", colour: COLOURS.purple },
  ],
)}
${figure("fig-supply", "YDC supply", supplyChart, "The supply at the end of each day, read from the chain.", [
  { label: "supply", colour: COLOURS.green, line: true },
  { label: "interview figure", colour: COLOURS.red, dashed: true },
])}
</section>
<section aria-labelledby="h-holders">
<h2 id="h-holders">Holder distribution</h2>
${figure(
  "fig-holders",
  "Holders by balance",
  histogramChart,
  `${summary.holders.count} holders; median member balance ${ydcText(summary.holders.medianMemberBalance)} YDC.`,
  [
    { label: "members", colour: COLOURS.green },
    { label: "service provider", colour: COLOURS.purple },
  ],
)}
${figure(
  "fig-lorenz",
  "Lorenz curve",
  lorenzChart,
  `Gini coefficient ${summary.holders.gini}; the ten largest holders hold ${summary.holders.top10SharePercent} % of the supply.`,
  [
    { label: "YDC balances", colour: COLOURS.green, line: true },
    { label: "equal shares", colour: "#8a948e", dashed: true },
  ],
)}
${topTable}
</section>
<section aria-labelledby="h-ledger">
<h2 id="h-ledger">Ledger checks</h2>
${ledgerList}
${dailyTable}
</section>
<section aria-labelledby="h-facts">
<h2 id="h-facts">The month in numbers</h2>
${factList}
<details><summary>Contract and actor addresses</summary>${addressList}</details>
</section>
<footer>
<p>Generated by <code>npm run demo</code> (<code>scripts/demo.ts</code>) from seed <code>${escapeHtml(summary.seed)}</code>; the same seed gives this page byte for byte. <code>WUYOU_SEED=… npm run demo</code> simulates another month. Machine-readable figures: <code>wuyou-tea.json</code> next to this file.</p>
</footer>
</main>
</body>
</html>
`;
}
