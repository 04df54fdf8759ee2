/**
 * Coverage gate: fails unless at least 95 % of the lines AND of the statements of the production contracts
 * (`contracts/**`, but not `contracts/test/**`, the mocks) are covered, in total and in every file.
 *
 * Inputs: one or more coverage runs, each an LCOV file and Hardhat's printed report.
 * - `npm run coverage` runs the mocha tests and the Solidity tests under coverage one after the other and keeps
 *   each run's `coverage/lcov.info` and printed output as `coverage/runs/<name>.lcov` and `<name>.txt`. (One
 *   combined `hardhat test --coverage` of the whole suite reported lines that only the mocha tests run as uncovered,
 *   although each runner alone reported them covered: see docs/testing.md.)
 * - Without `coverage/runs/`, the single run `coverage/lcov.info` + `coverage/summary.txt` is read.
 * Lines come from the LCOV (`DA:<line>,<count>`): a line is covered if any run covered it (exact union).
 * Statements come from the printed "Coverage Report" table (Hardhat's LCOV has no statement records); it gives
 * percentages only, so a file's figure is the best of its runs, a lower bound of the union.
 *
 * Every production source file must be in the report: `contracts/**\/*.sol` but `contracts/test/**` and the
 * interfaces (`contracts/interfaces/**`, which have no executable lines), so a file added in a new folder cannot
 * slip past the gate by never being instrumented.
 * Prints per-file lines and statements (with the uncovered lines) and the totals. Plain Node (type stripping).
 * Options (environment): COVERAGE_MIN (default 95), COVERAGE_DIR (default `coverage`).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIR = path.resolve(ROOT, process.env.COVERAGE_DIR ?? "coverage");
const MIN = Number(process.env.COVERAGE_MIN ?? "95");

interface FileLines {
  found: number;
  hit: number;
  uncovered: number[];
}

interface FileStatements {
  linePercent: number;
  statementPercent: number;
}

/** Whether a path (relative to the root, any separator) is a production contract. */
function isProduction(file: string): boolean {
  const p = file.split(path.sep).join("/").replace(/^\.\//, "");
  return p.startsWith("contracts/") && !p.startsWith("contracts/test/") && p.endsWith(".sol");
}

/** Production sources that must be in the report: everything under contracts/ but mocks and interfaces. */
async function productionSources(): Promise<string[]> {
  const dir = path.join(ROOT, "contracts");
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".sol"))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)))
    .filter((file) => isProduction(file) && !file.split(path.sep).join("/").startsWith("contracts/interfaces/"))
    .sort();
}

/** Line hits per file: file -> line -> hits. */
type LineHits = Map<string, Map<number, number>>;

function parseLcov(text: string, into: LineHits = new Map()): LineHits {
  let current: { name: string; lines: Map<number, number> } | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("SF:")) {
      const name = path.relative(ROOT, path.resolve(ROOT, line.slice(3)));
      current = { name, lines: new Map() };
    } else if (line.startsWith("DA:") && current !== undefined) {
      const [lineNo, count] = line.slice(3).split(",");
      const n = Number(lineNo);
      current.lines.set(n, Math.max(current.lines.get(n) ?? 0, Number(count)));
    } else if (line === "end_of_record" && current !== undefined) {
      const merged = into.get(current.name) ?? new Map<number, number>();
      for (const [n, count] of current.lines) merged.set(n, Math.max(merged.get(n) ?? 0, count));
      into.set(current.name, merged);
      current = undefined;
    }
  }
  return into;
}

function summarise(lines: Map<number, number>): FileLines {
  const uncovered = [...lines].filter(([, count]) => count === 0).map(([n]) => n);
  return { found: lines.size, hit: lines.size - uncovered.length, uncovered: uncovered.sort((a, b) => a - b) };
}

/** Rows of Hardhat's "Coverage Report" table: `║ path │ line % │ statement % │ uncovered lines ║`. */
function parseSummary(text: string): Map<string, FileStatements> {
  const rows = new Map<string, FileStatements>();
  const plain = text.replace(/\u001b\[[0-9;]*m/g, "");
  const start = plain.lastIndexOf("Coverage Report");
  if (start < 0) return rows;
  for (const raw of plain.slice(start).split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith("║") || !line.includes("│")) continue;
    const cells = line
      .replace(/^║/, "")
      .replace(/║$/, "")
      .split("│")
      .map((cell) => cell.trim());
    if (cells.length < 3) continue;
    const linePercent = Number(cells[1]);
    const statementPercent = Number(cells[2]);
    if (!Number.isFinite(linePercent) || !Number.isFinite(statementPercent) || cells[1] === "") continue;
    rows.set(cells[0], { linePercent, statementPercent });
  }
  return rows;
}

/** Compresses sorted line numbers into ranges: 3-5, 9. */
function ranges(lines: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j] + 1) j++;
    out.push(i === j ? `${lines[i]}` : `${lines[i]}-${lines[j]}`);
    i = j + 1;
  }
  return out.join(", ");
}

function percent(hit: number, found: number): number {
  return found === 0 ? 100 : (hit * 100) / found;
}

async function readOrExplain(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch {
    throw new Error(`${path.relative(ROOT, file)} is missing: run \`npm run coverage\` first`);
  }
}

/** The runs to merge: coverage/runs/<name>.lcov + <name>.txt, or coverage/lcov.info + summary.txt. */
async function runFiles(): Promise<{ name: string; lcov: string; summary: string }[]> {
  const runsDir = path.join(DIR, "runs");
  let names: string[] = [];
  try {
    names = (await readdir(runsDir)).filter((f) => f.endsWith(".lcov")).map((f) => f.slice(0, -".lcov".length));
  } catch {
    names = [];
  }
  if (names.length === 0) {
    return [{ name: "all", lcov: path.join(DIR, "lcov.info"), summary: path.join(DIR, "summary.txt") }];
  }
  return names.sort().map((name) => ({
    name,
    lcov: path.join(runsDir, `${name}.lcov`),
    summary: path.join(runsDir, `${name}.txt`),
  }));
}

async function main(): Promise<void> {
  const hits: LineHits = new Map();
  const summary = new Map<string, FileStatements>();
  const consistency: string[] = [];
  const runs = await runFiles();
  for (const run of runs) {
    const runHits = parseLcov(await readOrExplain(run.lcov));
    const runSummary = parseSummary(await readOrExplain(run.summary));
    if (runSummary.size === 0) consistency.push(`${path.relative(ROOT, run.summary)} has no Coverage Report table`);
    for (const [file, lines] of runHits) {
      const merged = hits.get(file) ?? new Map<number, number>();
      for (const [n, count] of lines) merged.set(n, Math.max(merged.get(n) ?? 0, count));
      hits.set(file, merged);
      const stats = runSummary.get(file);
      if (stats === undefined) continue;
      const runLines = summarise(lines);
      const runLinePct = percent(runLines.hit, runLines.found);
      if (Math.abs(stats.linePercent - runLinePct) > 0.01 && isProduction(file)) {
        consistency.push(
          `${run.name}: ${file}: the table says ${stats.linePercent} % of lines, the LCOV ${runLinePct.toFixed(2)} %`,
        );
      }
      const best = summary.get(file);
      if (best === undefined || stats.statementPercent > best.statementPercent) summary.set(file, stats);
    }
  }
  const lcov = new Map<string, FileLines>([...hits].map(([file, lines]) => [file, summarise(lines)]));
  console.log(`Runs merged: ${runs.map((r) => r.name).join(", ")}`);

  const files = [...lcov.keys()].filter(isProduction).sort();
  if (files.length === 0) throw new Error("the LCOV report lists no file under contracts/ (outside contracts/test/)");
  const problems: string[] = [...consistency];
  for (const source of await productionSources()) {
    if (!lcov.has(source)) problems.push(`${source}: not in the coverage report (never instrumented)`);
  }
  const width = Math.max(...files.map((f) => f.length), "Total".length) + 2;
  const header = `${"File".padEnd(width)}${"Lines".padStart(18)}${"Statements".padStart(14)}  Uncovered lines`;
  console.log(`Coverage of the production contracts (minimum ${MIN} % of lines and of statements per file):\n`);
  console.log(header);
  console.log("-".repeat(header.length));

  let linesFound = 0;
  let linesHit = 0;
  // Hardhat prints statement percentages, not counts: the statement total weights each file's percentage by its
  // instrumented lines. With every file at the minimum or above, the total is too, whatever the weights.
  let statementWeighted = 0;
  for (const file of files) {
    const lines = lcov.get(file)!;
    const stats = summary.get(file);
    linesFound += lines.found;
    linesHit += lines.hit;
    const linePct = percent(lines.hit, lines.found);
    const statementPct = stats?.statementPercent;
    if (statementPct === undefined) {
      problems.push(`${file}: no statement figure in the printed coverage report`);
    } else {
      statementWeighted += statementPct * lines.found;
      if (statementPct < MIN) problems.push(`${file}: statements ${statementPct.toFixed(2)} % < ${MIN} %`);
    }
    if (linePct < MIN) problems.push(`${file}: lines ${linePct.toFixed(2)} % < ${MIN} %`);
    const lineCell = `${linePct.toFixed(2)} % (${lines.hit}/${lines.found})`;
    const statementCell = statementPct === undefined ? "?" : `${statementPct.toFixed(2)} %`;
    console.log(
      `${file.padEnd(width)}${lineCell.padStart(18)}${statementCell.padStart(14)}  ${ranges(lines.uncovered) || "-"}`,
    );
  }
  const totalLines = percent(linesHit, linesFound);
  const totalStatements = linesFound === 0 ? 100 : statementWeighted / linesFound;
  console.log("-".repeat(header.length));
  const totalLineCell = `${totalLines.toFixed(2)} % (${linesHit}/${linesFound})`;
  console.log(`${"Total".padEnd(width)}${totalLineCell.padStart(18)}${`${totalStatements.toFixed(2)} %`.padStart(14)}`);
  console.log(
    "\n(Lines: union over the runs. Statements: per file the best run, a lower bound; total weighted by lines.)",
  );
  if (totalLines < MIN) problems.push(`total lines ${totalLines.toFixed(2)} % < ${MIN} %`);
  if (totalStatements < MIN) problems.push(`total statements ${totalStatements.toFixed(2)} % < ${MIN} %`);

  const skipped = [...lcov.keys()].filter((f) => !isProduction(f)).sort();
  if (skipped.length > 0) console.log(`\nNot gated (tests, mocks, dependencies): ${skipped.join(", ")}`);

  if (problems.length > 0) {
    console.log(`\nCoverage gate FAILED:`);
    for (const problem of problems) console.log(`  ${problem}`);
    process.exitCode = 1;
  } else {
    console.log(`\nCoverage gate passed: every file and the total at or above ${MIN} % of lines and of statements.`);
  }
}

await main();
