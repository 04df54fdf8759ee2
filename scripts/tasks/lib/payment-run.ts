/**
 * What `payments:capture`, `payments:void` and `payments:refund` share: the start (read and validate the file,
 * connect, check the shop and the operator role, wait for the account's pending transactions, read where every
 * payment of the file stands), the check of every row before anything is sent (a bad row is refused with its line,
 * exit code 2), and the loop that sends one transaction per row with progress every `--progress-every` rows, a row
 * that the shop or the SDK refuses on the way counted as failed with its reason, and the summary.
 *
 * Test hook: SHAREMALL_CRASH_AFTER_ROWS=n kills the process (SIGKILL) right after its n-th mined row.
 */
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  ChainCallError,
  ContractRevertError,
  InsufficientMerchantBalanceError,
  MissingRoleError,
  NotAContractError,
  ShareMallError,
  type Address,
  type Hex,
} from "../../../sdk/src/index.js";
import { connect, fromBlockOption, shopAddress, waitForPending, type Chain } from "./chain.js";
import { InputError } from "./errors.js";
import { formatDuration, note } from "./io.js";
import { paymentStates, requireOperator, type PaymentState } from "./payment-history.js";
import { paymentKey, readPaymentFile, type AmountColumn, type PaymentRow } from "./payments-file.js";
import { requireShop } from "./shop-check.js";

/** What became of a row. */
export type RowStatus = "done" | "skipped" | "failed" | "not sent";

/** A row's outcome, as the summary and `--json` give it. */
export interface RowOutcome {
  readonly line: number;
  readonly orderHash: Hex;
  readonly customer: Address;
  status: RowStatus;
  /** Why it was skipped or failed. */
  reason?: string;
  /** Wei the row moved (captured, returned, refunded). */
  amountWei?: bigint;
  transaction?: Hex;
}

/** A started payment run. */
export interface PaymentRun {
  readonly chain: Chain;
  readonly shop: Address;
  /** First block the payments' events are read from (`--from-block`). */
  readonly fromBlock: bigint;
  /** Progress line every this many rows (`--progress-every`). */
  readonly every: number;
  readonly rows: readonly PaymentRow[];
  readonly states: ReadonlyMap<string, PaymentState>;
  /** The earliest time a transaction sent now can be mined at (latest block time + 1). */
  readonly now: bigint;
  readonly name: string;
}

/** The options every payment task takes. */
export interface PaymentRunOptions {
  shop: string;
  file: string;
  fromBlock: string;
  progressEvery: number;
}

/**
 * Checks the shared options, reads the file (refused before connecting if bad), connects and reads the payments (see
 * the module comment).
 */
export async function startPaymentRun(
  hre: HardhatRuntimeEnvironment,
  options: PaymentRunOptions,
  amount: AmountColumn,
  label: string,
): Promise<PaymentRun> {
  const shop = shopAddress(options.shop);
  if (options.file === "") throw new InputError("missing --file");
  const every = progressEveryOption(options.progressEvery);
  const fromBlock = fromBlockOption(options.fromBlock);
  const rows = await readPaymentFile(options.file, amount);
  const chain = await connect(hre);
  await requireShop(chain.transport, shop);
  await requireOperator(chain.transport, shop, chain.account);
  await waitForPending(chain, 120_000, (n) => note(`waiting for ${n} pending transaction(s) of ${chain.account}`));
  const states = await paymentStates(chain.transport, shop, rows, fromBlock, label);
  const now = (await chain.transport.latestTimestamp()) + 1n;
  return { chain, shop, fromBlock, every, rows, states, now, name: path.basename(options.file) };
}

/** The state of a row's payment. */
export function stateOf(run: PaymentRun, row: PaymentRow): PaymentState {
  return run.states.get(paymentKey(row.orderHash, row.customer))!;
}

/** `2026-11-25T10:00:00Z` of unix seconds. */
export function isoTime(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().replace(".000Z", "Z");
}

/** A row the check refused: its line and why. */
export interface BadRow {
  readonly line: number;
  readonly message: string;
}

/** Refuses the file (exit code 2, nothing sent) if any row is bad: the first by line, and how many more there are. */
export function refuseBadRows(name: string, bad: readonly BadRow[]): void {
  if (bad.length === 0) return;
  const first = bad[0];
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad row(s))` : "";
  throw new InputError(`${name} line ${first.line}: ${first.message}${more}; nothing sent`);
}

/**
 * Why a row failed, when the error is the row's own (the shop reverted it, or the SDK refused it after a change on
 * chain since the check: captured or voided meanwhile, expired, the deadline passed...); undefined for an error that
 * stops the run (RPC, a missing role, the merchant balance, anything unexpected).
 */
function rowFailure(error: unknown): string | undefined {
  if (error instanceof ContractRevertError) return `${error.errorName}: ${error.message}`.replace(/\s*\n\s*/g, " ");
  if (
    error instanceof ShareMallError &&
    !(error instanceof ChainCallError) &&
    !(error instanceof MissingRoleError) &&
    !(error instanceof NotAContractError) &&
    !(error instanceof InsufficientMerchantBalanceError)
  ) {
    return error.message.replace(/\s*\n\s*/g, " ");
  }
  return undefined;
}

/** One row to send: its outcome (updated in place) and the call that sends it. */
export interface RowJob {
  readonly outcome: RowOutcome;
  readonly send: () => Promise<{ hash: Hex; amountWei: bigint }>;
  /** Called once the row is mined (e.g. to journal it); before the crash hook. */
  readonly afterMined?: (hash: Hex) => Promise<void>;
}

/**
 * Sends the jobs one transaction each, in file order, with progress every `every` rows on stderr. A row's own
 * failure is recorded and the run goes on; any other error stops it, with how far it got (re-run to resume).
 */
export async function sendRows(label: string, jobs: readonly RowJob[], every: number): Promise<void> {
  const started = Date.now();
  const crashAfter = Number(process.env.SHAREMALL_CRASH_AFTER_ROWS ?? "0");
  let done = 0;
  let failed = 0;
  let mined = 0;
  const report = (n: number) => {
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const rate = n / seconds;
    const left = rate > 0 ? (jobs.length - n) / rate : Infinity;
    note(
      `${label}: ${n}/${jobs.length} row(s) sent (${done} done, ${failed} failed), ${rate.toFixed(1)}/s, ` +
        `${Number.isFinite(left) ? `~${formatDuration(left)} left` : "time left unknown"}`,
    );
  };
  for (let k = 0; k < jobs.length; k++) {
    const job = jobs[k];
    try {
      const { hash, amountWei } = await job.send();
      job.outcome.status = "done";
      job.outcome.transaction = hash;
      job.outcome.amountWei = amountWei;
      done++;
      mined++;
      await job.afterMined?.(hash);
      if (crashAfter > 0 && mined >= crashAfter) {
        note(`${label}: SHAREMALL_CRASH_AFTER_ROWS=${crashAfter}: crashing on purpose`);
        process.kill(process.pid, "SIGKILL");
      }
    } catch (error) {
      const reason = rowFailure(error);
      if (reason === undefined) {
        if (error instanceof Error) {
          error.message += ` (at line ${job.outcome.line}, after ${done} row(s) done; re-run to resume)`;
        }
        throw error;
      }
      job.outcome.status = "failed";
      job.outcome.reason = reason;
      failed++;
    }
    if ((k + 1) % every === 0 || k + 1 === jobs.length) report(k + 1);
  }
}

/** Counts of outcomes by status. */
export function tally(outcomes: readonly RowOutcome[]) {
  const count = (s: RowStatus) => outcomes.filter((o) => o.status === s).length;
  return { done: count("done"), skipped: count("skipped"), failed: count("failed") };
}

/** The human summary's lines for skipped and failed rows. */
export function outcomeLines(outcomes: readonly RowOutcome[]): string[] {
  return outcomes
    .filter((o) => o.status === "skipped" || o.status === "failed")
    .map((o) => `  line ${o.line}: ${o.status}: ${o.reason ?? ""}`);
}

/** `--progress-every`: a positive integer. */
export function progressEveryOption(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InputError(`--progress-every ${value}: expected a positive integer`);
  }
  return value;
}

/**
 * Ends a run with failed rows: exit code 1 with the first reason, after the summary went to stderr (the rows done
 * stay done; fix the failed ones and re-run: the done ones are skipped).
 */
export function failIfAny(label: string, outcomes: readonly RowOutcome[], summary: string): void {
  const failedRows = outcomes.filter((o) => o.status === "failed");
  if (failedRows.length === 0) return;
  note(summary);
  const first = failedRows[0];
  throw new Error(
    `${failedRows.length} row(s) failed (first: line ${first.line}: ${first.reason}); the others are done: fix ` +
      `those rows and re-run ${label} (rows done are skipped)`,
  );
}
