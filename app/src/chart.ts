/** The holder's daily dividends as an inline SVG bar chart (no chart library). */
import type { DayAmount } from "./data.js";
import { s } from "./dom.js";
import { formatShopDay, formatUnits18 } from "./format.js";
import { t } from "./i18n.js";

const HEIGHT = 220;
const LEFT = 8;
const RIGHT = 8;
const TOP = 24;
const BOTTOM = 28;

/** A "nice" axis maximum at or above `max` (1, 2 or 5 times a power of ten, in wei). */
function niceMax(max: bigint): bigint {
  if (max <= 0n) return 1n;
  let step = 1n;
  while (step * 10n <= max) step *= 10n;
  for (const m of [1n, 2n, 5n, 10n]) if (step * m >= max) return step * m;
  return step * 10n;
}

/** The chart: one bar per day, the axis maximum, gridlines, a few date labels, a tooltip per bar. */
export function dailyChart(days: readonly DayAmount[], coin: string, WIDTH = 640): SVGSVGElement {
  const max = niceMax(days.reduce((m, d) => (d.amount > m ? d.amount : m), 0n));
  const plotW = WIDTH - LEFT - RIGHT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(days.length, 1);
  const barW = Math.max(2, slot * 0.7);
  const total = days.reduce((sum, d) => sum + d.amount, 0n);
  const svg = s("svg", {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    role: "img",
    "aria-label": t("chart.total", { amount: formatUnits18(total), coin }),
    class: "chart",
    "data-testid": "daily-chart",
    "data-total-wei": total.toString(),
  });
  for (const fraction of [0, 0.5, 1]) {
    const y = TOP + plotH * (1 - fraction);
    svg.append(s("line", { x1: LEFT, x2: WIDTH - RIGHT, y1: y, y2: y, class: "grid" }));
  }
  svg.append(
    s("text", { x: LEFT, y: TOP - 8, class: "axis" }, `${formatUnits18(max)} ${coin}`),
    s("text", { x: LEFT, y: TOP + plotH / 2 - 4, class: "axis" }, formatUnits18(max / 2n)),
  );
  days.forEach((d, i) => {
    // Scaled in 1/10^6 of the axis so that tiny amounts still get a visible bar.
    const ratio = Number((d.amount * 1_000_000n) / max) / 1_000_000;
    const h = d.amount > 0n ? Math.max(1.5, plotH * ratio) : 0;
    const x = LEFT + slot * i + (slot - barW) / 2;
    const bar = s(
      "rect",
      {
        x: x.toFixed(2),
        y: (TOP + plotH - h).toFixed(2),
        width: barW.toFixed(2),
        height: h.toFixed(2),
        rx: 2,
        class: "bar",
        "data-day": d.day.toString(),
        "data-wei": d.amount.toString(),
      },
      s("title", {}, t("chart.bar", { date: formatShopDay(d.day, true), amount: formatUnits18(d.amount), coin })),
    );
    svg.append(bar);
    const labelEvery = Math.max(1, Math.ceil(days.length / (WIDTH < 500 ? 4 : 6)));
    const last = i === days.length - 1;
    if ((days.length - 1 - i) % labelEvery === 0) {
      svg.append(
        s(
          "text",
          {
            x: (last ? WIDTH - RIGHT : x + barW / 2).toFixed(2),
            y: HEIGHT - 8,
            class: "axis",
            "text-anchor": last ? "end" : "middle",
          },
          formatShopDay(d.day),
        ),
      );
    }
  });
  return svg;
}
