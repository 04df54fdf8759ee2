/**
 * Reporting side of the gas benchmark: result rows, the console table, the snapshot gate and the generated
 * sections of docs/benchmarks.md. Chain-free: it only formats and compares numbers.
 */
import { readFile, writeFile } from "node:fs/promises";
import * as prettier from "prettier";
import type { Breakdown } from "./gas-trace.js";

/** One line of the results table. */
export interface Row {
  /** Stable key, used in gas-snapshot.json and .bench/gas.json. */
  id: string;
  /** What was measured, as shown in the tables. */
  label: string;
  /** The figure shown: gas, gas per order, or a percentage (`unit`). */
  value: number;
  unit: "gas" | "%";
  /** Gas of the measured transaction; present for transactions, which the snapshot gates. */
  txGas?: number;
  /** `value` is `txGas` divided by this (e.g. 100 for a per-order figure of a 100-order batch). */
  perUnit?: number;
  /** Upper bound for `value` (for "%", bound on its absolute value); absent for informational rows. */
  target?: number;
  /** Comparable figures of other protocols. */
  anchor?: string;
}

export type Status = "ok" | "FAIL" | "info";

/** A row's standing against its target. */
export function status(row: Row): Status {
  if (row.target === undefined) return "info";
  const value = row.unit === "%" ? Math.abs(row.value) : row.value;
  return value <= row.target ? "ok" : "FAIL";
}

/** Snapshot file: gas of every measured transaction, by row id. */
export interface Snapshot {
  $comment?: string;
  gas: Record<string, number>;
}

/** How a row compares with the committed snapshot. */
export interface SnapshotCheck {
  id: string;
  label: string;
  measured: number;
  snapshot?: number;
  /** (measured - snapshot) / snapshot, in percent. */
  change?: number;
  regression: boolean;
}

/** Allowed growth over the snapshot before the benchmark fails, in percent. */
export const REGRESSION_TOLERANCE_PERCENT = 1;

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 12345 -> "12,345"; percentages with two decimals and a sign. */
export function formatValue(value: number, unit: Row["unit"]): string {
  if (unit === "%") return `${value >= 0 ? "+" : ""}${value.toFixed(2)} %`;
  return integer.format(value);
}

function formatTarget(row: Row): string {
  if (row.target === undefined) return "-";
  return row.unit === "%" ? `within ±${row.target} %` : `<= ${integer.format(row.target)}`;
}

function formatChange(change: number | undefined): string {
  if (change === undefined) return "new";
  return `${change >= 0 ? "+" : ""}${change.toFixed(2)} %`;
}

/** Compares every transaction row with the snapshot. */
export function checkSnapshot(rows: Row[], snapshot: Snapshot | undefined): SnapshotCheck[] {
  return rows.flatMap((row) => {
    if (row.txGas === undefined) return [];
    const previous = snapshot?.gas[row.id];
    const change = previous === undefined ? undefined : ((row.txGas - previous) / previous) * 100;
    return [
      {
        id: row.id,
        label: row.label,
        measured: row.txGas,
        snapshot: previous,
        change,
        regression: change !== undefined && change > REGRESSION_TOLERANCE_PERCENT,
      },
    ];
  });
}

/** The snapshot to commit for `rows`. */
export function makeSnapshot(rows: Row[]): Snapshot {
  const gas: Record<string, number> = {};
  for (const row of rows) if (row.txGas !== undefined) gas[row.id] = row.txGas;
  return {
    $comment:
      "gasUsed of each benchmarked transaction (scripts/bench-gas.ts). `npm run bench:gas` fails when one grows " +
      "by more than 1 %; regenerate with `BENCH_UPDATE=1 npm run bench:gas`.",
    gas,
  };
}

function pad(cells: string[][], rightAligned: Set<number>): string[] {
  const widths = cells[0].map((_, col) => Math.max(...cells.map((row) => row[col].length)));
  return cells.map((row) =>
    row.map((cell, col) => (rightAligned.has(col) ? cell.padStart(widths[col]) : cell.padEnd(widths[col]))).join("  "),
  );
}

/** The results as a console table, with the snapshot comparison of each transaction row. */
export function consoleTable(rows: Row[], checks: SnapshotCheck[]): string {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const cells = [["operation", "measured", "target", "anchor", "status", "snapshot", "change"]];
  for (const row of rows) {
    const check = byId.get(row.id);
    cells.push([
      row.label,
      formatValue(row.value, row.unit),
      formatTarget(row),
      row.anchor ?? "",
      status(row),
      check?.snapshot === undefined ? "-" : integer.format(check.snapshot / (row.perUnit ?? 1)),
      check === undefined ? "" : formatChange(check.change) + (check.regression ? " REGRESSION" : ""),
    ]);
  }
  const lines = pad(cells, new Set([1, 5, 6]));
  lines.splice(1, 0, "-".repeat(Math.max(...lines.map((line) => line.length))));
  return lines.join("\n");
}

/** The results as a markdown table for docs/benchmarks.md. */
export function markdownTable(rows: Row[]): string {
  const lines = ["| Operation | Measured | Target | Anchor | Status |", "| --- | ---: | --- | --- | --- |"];
  for (const row of rows) {
    const cells = [row.label, formatValue(row.value, row.unit), formatTarget(row), row.anchor ?? "", status(row)];
    lines.push(`| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`);
  }
  return lines.join("\n");
}

/** One markdown table per traced transaction: where its gas goes. */
export function markdownBreakdowns(breakdowns: { label: string; breakdown: Breakdown }[]): string {
  return breakdowns
    .map(({ label, breakdown }) => {
      const lines = [`#### ${label}: ${integer.format(breakdown.gasUsed)} gas`, "", "| Component | Count | Gas |"];
      lines.push("| --- | ---: | ---: |");
      for (const line of breakdown.lines) {
        lines.push(`| ${line.component} | ${integer.format(line.count)} | ${integer.format(line.gas)} |`);
      }
      if (breakdown.unexplained !== 0) lines.push(`| not accounted for | | ${integer.format(breakdown.unexplained)} |`);
      return lines.join("\n");
    })
    .join("\n\n");
}

/** A breakdown split into state-and-protocol costs (what no implementation of the same design avoids) and the rest. */
export function splitFixed(breakdown: Breakdown): { fixed: number; execution: number; terms: string[] } {
  let fixed = 0;
  let execution = 0;
  const terms: string[] = [];
  for (const line of breakdown.lines) {
    if (!line.fixed) {
      execution += line.gas;
      continue;
    }
    fixed += line.gas;
    const each = line.gas / line.count;
    terms.push(
      line.count > 1 && Number.isInteger(each)
        ? `${line.count} x ${integer.format(each)} ${line.short}`
        : `${integer.format(line.gas)} ${line.short}${line.count > 1 ? ` (${line.count})` : ""}`,
    );
  }
  return { fixed, execution, terms };
}

/** For each missed target with a traced transaction: the measured figure, the fixed part and its arithmetic. */
export function markdownFloors(rows: Row[], breakdowns: Map<string, Breakdown>): string {
  const failed = rows.filter((row) => status(row) === "FAIL");
  if (failed.length === 0) return "Every target is met.";
  return failed
    .map((row) => {
      const head = `- **${row.label}**: ${formatValue(row.value, row.unit)}, target ${formatTarget(row)}.`;
      const breakdown = breakdowns.get(row.id);
      if (breakdown === undefined) return `${head} (Derived figure: see the breakdowns.)`;
      const { fixed, execution, terms } = splitFixed(breakdown);
      const scope =
        (row.perUnit ?? 1) === 1 ? "" : ` For the whole transaction (${integer.format(breakdown.gasUsed)}):`;
      return (
        `${head}${scope} State, calls, logs and intrinsic gas: ${terms.join(" + ")} = **${integer.format(fixed)}**; ` +
        `execution (computation, hashing, warm accesses): ${integer.format(execution)}.`
      );
    })
    .join("\n");
}

/** Replaces the text between `<!-- bench-gas:NAME:start -->` and `<!-- bench-gas:NAME:end -->` in `file`. */
export async function writeDocSections(file: string, sections: Record<string, string>): Promise<void> {
  let text = await readFile(file, "utf8");
  for (const [name, body] of Object.entries(sections)) {
    const start = `<!-- bench-gas:${name}:start -->`;
    const end = `<!-- bench-gas:${name}:end -->`;
    const from = text.indexOf(start);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`${file}: markers ${start} ... ${end} not found`);
    text = `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
  }
  await writeFormatted(file, text);
}

/** Writes `text` to `file` formatted by the project's prettier settings, so `prettier --check` stays clean. */
export async function writeFormatted(file: string, text: string): Promise<void> {
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(text, { ...options, filepath: file }));
}
