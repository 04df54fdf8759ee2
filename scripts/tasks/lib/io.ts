/**
 * Output of the merchant tasks: human text (or, with `--json`, one JSON document) on stdout, progress and warnings on
 * stderr, and {@link runTask}, which turns any failure into `error: <message>` and an exit code.
 */
import { createWriteStream } from "node:fs";
import { rename, writeFile, open } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { classifyError } from "./errors.js";

/** Options every task has. */
export interface CommonArgs {
  readonly json: boolean;
}

/** A JSON replacer that writes bigints as decimal strings. */
export function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** JSON text of `value`, bigints as decimal strings. */
export function toJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, jsonReplacer, indent);
}

/** Writes a line to stderr (progress, notes). */
export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Runs a task body: prints its result (JSON with `--json`, else the text `human` makes of it) and sets
 * `process.exitCode` from {@link classifyError} on failure, printing `error: <message>` on stderr (and an error
 * object on stdout with `--json`). Never throws, so Hardhat prints no stack trace.
 */
export async function runTask<T>(
  args: CommonArgs,
  body: () => Promise<T>,
  human: (result: T) => string,
): Promise<void> {
  try {
    const result = await body();
    process.stdout.write(args.json ? `${toJson({ ok: true, ...result })}\n` : `${human(result)}\n`);
  } catch (error) {
    const { exitCode, code, message } = classifyError(error);
    process.stderr.write(`error: ${message}\n`);
    if (process.env.SHAREMALL_DEBUG === "1" && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    if (args.json) process.stdout.write(`${toJson({ ok: false, error: { code, message, exitCode } })}\n`);
    process.exitCode = exitCode;
  }
}

/**
 * A task action as Hardhat's `setAction` lazily imports it: fills the options left unset, then runs `body` through
 * {@link runTask} (`human` renders the result without `--json`).
 */
export function taskAction<Args extends CommonArgs, T extends object>(
  body: (args: Args, hre: HardhatRuntimeEnvironment) => Promise<T>,
  human: (result: T, args: Args) => string,
): (raw: { [K in keyof Args]: Args[K] | undefined }, hre: HardhatRuntimeEnvironment) => Promise<void> {
  return async (raw, hre) => {
    const args = withEmptyDefaults<Args>(raw);
    await runTask(
      args,
      () => body(args, hre),
      (result) => human(result, args),
    );
  };
}

/**
 * Writes a file atomically: a temporary file in the same directory, flushed to disk, then renamed over the target,
 * so a crash leaves either the old or the new content, never half of it. `content` is the text, or its pieces in
 * order (streamed, e.g. a large batch file from SDK `batchFileChunks`).
 */
export async function writeFileAtomic(file: string, content: string | Iterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  if (typeof content === "string") await writeFile(tmp, content);
  else await pipeline(Readable.from(content), createWriteStream(tmp));
  const handle = await open(tmp, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}

/** Progress of long work on stderr: count, rate and time left, at most once a second (and at the end). */
export class Progress {
  private readonly started = Date.now();
  private lastPrinted = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
  ) {}

  update(done: number, force = false): void {
    const now = Date.now();
    if (!force && now - this.lastPrinted < 1000 && done < this.total) return;
    this.lastPrinted = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = done / seconds;
    const left = rate > 0 ? (this.total - done) / rate : Infinity;
    const percent = this.total === 0 ? 100 : (done * 100) / this.total;
    note(
      `${this.label}: ${done}/${this.total} (${percent.toFixed(1)} %), ${rate.toFixed(1)}/s, ` +
        `${Number.isFinite(left) ? `~${formatDuration(left)} left` : "time left unknown"}`,
    );
  }
}

/** `75` -> `"1m15s"`. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i], i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Task arguments with every option left out (`undefined`) as the empty string, which the actions treat as unset. */
export function withEmptyDefaults<T extends object>(raw: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === undefined ? "" : v])) as T;
}
