/**
 * `payments:refund`: refunds captured payments from a CSV file (`orderHash,customer,amount`, amount in wei), one
 * transaction each (SDK `refundPayment`, operator only), from the merchant balance; the order's tokens are taken back
 * in proportion. Every row is checked before anything is sent: its capture's terms (`PaymentCaptured`), that it is
 * captured, before its refund deadline, the amount at most what is still refundable; and the merchant balance for the
 * whole file (`--fund` deposits what is missing first).
 *
 * Resumable without refunding twice: a journal next to the file (`<file>.refund-journal.json`, written atomically)
 * records each row as "sending" (with the refundable amount before it) before its transaction and "done" (with the
 * transaction) once mined. A re-run skips the rows done; a row left "sending" by a crash is looked up on chain: if the
 * refundable amount dropped by the row's amount its refund was mined (done), if it is unchanged it is sent again, and
 * anything else is refused.
 *
 * Test hook: SHAREMALL_CRASH_BEFORE_JOURNAL=n kills the process right after its n-th refund is mined, before the
 * journal records it done.
 */
import { readFile } from "node:fs/promises";
import { formatEther } from "ethers";
import {
  deposit,
  readContract,
  refundPayment,
  shopAbi,
  type Address,
  type CaptureTerms,
  type Hex,
} from "../../../sdk/src/index.js";
import { InputError } from "../lib/errors.js";
import { note, taskAction, toJson, writeFileAtomic } from "../lib/io.js";
import {
  failIfAny,
  isoTime,
  outcomeLines,
  refuseBadRows,
  sendRows,
  startPaymentRun,
  stateOf,
  tally,
  type BadRow,
  type RowJob,
  type RowOutcome,
} from "../lib/payment-run.js";
import { paymentKey } from "../lib/payments-file.js";

interface Args {
  shop: string;
  file: string;
  journal: string;
  fromBlock: string;
  progressEvery: number;
  fund: boolean;
  json: boolean;
}

const LABEL = "payments:refund";

/** A journal entry: a row's refund, before its transaction ("sending") and once mined ("done"). */
interface JournalEntry {
  line: number;
  amountWei: string;
  /** Wei refundable before this row's refund. */
  refundableBefore: string;
  state: "sending" | "done";
  transaction?: Hex;
}

interface Journal {
  version: 1;
  kind: "payments:refund";
  shop: Address;
  chainId: string;
  rows: Record<string, JournalEntry>;
}

async function readJournal(file: string, shop: Address, chainId: bigint): Promise<Journal> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return { version: 1, kind: "payments:refund", shop, chainId: chainId.toString(), rows: {} };
    }
    throw error;
  }
  let data: Journal;
  try {
    data = JSON.parse(text) as Journal;
  } catch (error) {
    throw new InputError(`journal ${file} is not valid JSON (${(error as Error).message})`);
  }
  if (data.version !== 1 || data.kind !== "payments:refund" || typeof data.rows !== "object" || data.rows === null) {
    throw new InputError(`journal ${file} is not a payments:refund journal`);
  }
  if (data.shop !== shop || data.chainId !== chainId.toString()) {
    throw new InputError(
      `journal ${file} is for shop ${data.shop} on chain ${data.chainId}, this run for shop ${shop} on chain ` +
        `${chainId} (pass another --journal)`,
    );
  }
  return data;
}

/** Per token: token-wei taken back and not recovered (customer and referrer together). */
interface TokenTotals {
  tokenIndex: number;
  clawedBack: bigint;
  unrecovered: bigint;
}

function summary(r: { refunded: number; skipped: number; failed: number; refundedWei: bigint; deposited: bigint }) {
  return (
    `Refunded ${r.refunded} payment(s) (${formatEther(r.refundedWei)} from the merchant balance), ${r.skipped} ` +
    `skipped, ${r.failed} failed` +
    (r.deposited > 0n ? `; deposited ${formatEther(r.deposited)} first` : "")
  );
}

export default taskAction(
  async (args: Args, hre) => {
    const journalPath = args.journal !== "" ? args.journal : `${args.file}.refund-journal.json`;
    const run = await startPaymentRun(hre, args, "required", LABEL);
    const { shop, fromBlock, every } = run;
    const t = run.chain.transport;
    const journal = await readJournal(journalPath, shop, run.chain.chainId);
    const save = () => writeFileAtomic(journalPath, `${toJson(journal)}\n`);
    const crashBeforeJournal = Number(process.env.SHAREMALL_CRASH_BEFORE_JOURNAL ?? "0");

    const bad: BadRow[] = [];
    const outcomes: RowOutcome[] = [];
    const todo: { outcome: RowOutcome; key: string; capture: CaptureTerms; amount: bigint; refundable: bigint }[] = [];
    let recovered = 0;
    for (const row of run.rows) {
      const s = stateOf(run, row);
      const amount = row.amountWei!;
      const key = paymentKey(row.orderHash, row.customer);
      const outcome: RowOutcome = {
        line: row.line,
        orderHash: row.orderHash,
        customer: row.customer,
        status: "not sent",
      };
      outcomes.push(outcome);
      const who = `payment of ${row.customer} for order ${row.orderHash}`;
      const entry = Object.hasOwn(journal.rows, key) ? journal.rows[key] : undefined;
      if (entry !== undefined && BigInt(entry.amountWei) !== amount) {
        bad.push({
          line: row.line,
          message:
            `"amount" ${amount} wei, but ${journalPath} has the refund of this payment as ${entry.amountWei} wei ` +
            `(${entry.state}); restore the amount, or pass another --journal for another refund`,
        });
        continue;
      }
      if (entry?.state === "done") {
        outcome.status = "skipped";
        outcome.reason = `refunded already in ${entry.transaction ?? "an earlier run"} (journal)`;
        continue;
      }
      let refundable = s.amountWei;
      if (entry?.state === "sending") {
        // Its transaction may have been mined after a crash: the refundable amount tells.
        const before = BigInt(entry.refundableBefore);
        if (s.status === "captured" && refundable === before - amount) {
          const tx = s.refunds.find((r) => r.refundableWei === refundable && r.amountWei === amount)?.txHash;
          entry.state = "done";
          if (tx !== undefined) entry.transaction = tx;
          recovered++;
          outcome.status = "skipped";
          outcome.reason = `refunded already${tx !== undefined ? ` in ${tx}` : ""} (mined after an interrupted run)`;
          continue;
        }
        if (!(s.status === "captured" && refundable === before)) {
          bad.push({
            line: row.line,
            message:
              `${who} has ${refundable} wei refundable, neither the ${before} wei before this row's refund nor the ` +
              `${before - amount} after it (${journalPath} has it "sending"): another refund or step happened; ` +
              `check it on chain and fix the row or the journal`,
          });
          continue;
        }
      }
      if (s.status !== "captured") {
        const why =
          s.status === "held" || s.status === "returnRequested"
            ? "is held, not captured: capture it (payments:capture) or void it (payments:void)"
            : s.last === "voided" || s.last === "reclaimed"
              ? `was ${s.last === "voided" ? "voided" : "reclaimed by the customer"}, not captured`
              : `was not captured (no PaymentCaptured from block ${fromBlock}; check --from-block)`;
        bad.push({ line: row.line, message: `${who} ${why}` });
        continue;
      }
      const capture = s.capture;
      if (capture === undefined) {
        bad.push({
          line: row.line,
          message: `${who} is captured, but its PaymentCaptured is before block ${fromBlock}: give an earlier --from-block`,
        });
        continue;
      }
      if (run.now > capture.refundDeadline) {
        bad.push({
          line: row.line,
          message: `${who}: its refund deadline passed at ${isoTime(capture.refundDeadline)}`,
        });
        continue;
      }
      if (refundable === 0n) {
        bad.push({ line: row.line, message: `${who} is refunded in full already (nothing refundable)` });
        continue;
      }
      if (amount > refundable) {
        const refunded = capture.amountWei - refundable;
        bad.push({
          line: row.line,
          message:
            `"amount" ${amount} wei is over the ${refundable} wei still refundable (captured ${capture.amountWei}, ` +
            `refunded ${refunded}) of the ${who}`,
        });
        continue;
      }
      if (entry === undefined && s.refunds.length > 0) {
        note(
          `${LABEL}: line ${row.line}: this payment was refunded before (${s.refunds.length} refund(s), ` +
            `${capture.amountWei - refundable} wei, not by this journal); refunding ${amount} wei more`,
        );
      }
      todo.push({ outcome, key, capture, amount, refundable });
    }
    refuseBadRows(run.name, bad);
    if (recovered > 0) {
      await save();
      note(`${LABEL}: ${recovered} refund(s) of an interrupted run were mined: journaled as done`);
    }

    // The merchant balance must pay the whole file.
    const required = todo.reduce((sum, r) => sum + r.amount, 0n);
    const balance = await readContract(t, { address: shop, abi: shopAbi, functionName: "merchantBalance", args: [] });
    let deposited = 0n;
    if (required > balance) {
      const missing = required - balance;
      if (!args.fund) {
        throw new Error(
          `Merchant balance too low for the refunds of ${run.name}: required ${required} wei (${formatEther(required)}, ` +
            `${todo.length} row(s)), available ${balance} wei (${formatEther(balance)}), missing ${missing} wei ` +
            `(${formatEther(missing)}); nothing sent: deposit at least ${formatEther(missing)} into the shop, or ` +
            `re-run with --fund to deposit it first`,
        );
      }
      const paid = await deposit(t, { shop, amountWei: missing });
      deposited = missing;
      note(`${LABEL}: deposited ${formatEther(missing)} (${paid.hash})`);
    }

    const tokens = new Map<number, TokenTotals>();
    let minedRefunds = 0;
    const jobs: RowJob[] = todo.map((r) => ({
      outcome: r.outcome,
      send: async () => {
        journal.rows[r.key] = {
          line: r.outcome.line,
          amountWei: r.amount.toString(),
          refundableBefore: r.refundable.toString(),
          state: "sending",
        };
        await save();
        const result = await refundPayment(t, { shop, capture: r.capture, amountWei: r.amount });
        for (const c of result.clawedBack) {
          const tk = tokens.get(c.tokenIndex) ?? { tokenIndex: c.tokenIndex, clawedBack: 0n, unrecovered: 0n };
          tk.clawedBack += c.customer + c.referrer;
          tokens.set(c.tokenIndex, tk);
        }
        for (const u of result.unrecovered) {
          const tk = tokens.get(u.tokenIndex) ?? { tokenIndex: u.tokenIndex, clawedBack: 0n, unrecovered: 0n };
          tk.unrecovered += u.customer + u.referrer;
          tokens.set(u.tokenIndex, tk);
        }
        minedRefunds++;
        if (crashBeforeJournal > 0 && minedRefunds >= crashBeforeJournal) {
          note(`${LABEL}: SHAREMALL_CRASH_BEFORE_JOURNAL=${crashBeforeJournal}: crashing on purpose`);
          process.kill(process.pid, "SIGKILL");
        }
        return { hash: result.hash, amountWei: result.refundedWei };
      },
      afterMined: async (hash) => {
        journal.rows[r.key] = { ...journal.rows[r.key], state: "done", transaction: hash };
        await save();
      },
    }));
    try {
      await sendRows(LABEL, jobs, every);
    } finally {
      // A row that failed on chain was not refunded: drop its "sending" entry (the refundable amount is unchanged).
      for (const r of todo) {
        if (r.outcome.status === "failed" && journal.rows[r.key]?.state === "sending") delete journal.rows[r.key];
      }
      if (todo.length > 0) await save();
    }
    const counts = tally(outcomes);
    const result = {
      shop,
      chainId: run.chain.chainId,
      file: args.file,
      journal: journalPath,
      rows: outcomes.length,
      refunded: counts.done,
      skipped: counts.skipped,
      failed: counts.failed,
      refundedWei: outcomes.reduce((sum, o) => sum + (o.status === "done" ? (o.amountWei ?? 0n) : 0n), 0n),
      deposited,
      tokens: [...tokens.values()].sort((a, b) => a.tokenIndex - b.tokenIndex),
      transactions: counts.done,
      outcomes,
    };
    failIfAny(LABEL, outcomes, [summary(result), ...outcomeLines(outcomes)].join("\n"));
    return result;
  },
  (r) =>
    [
      summary(r),
      ...r.tokens.map(
        (tk) =>
          `  token ${tk.tokenIndex}: ${formatEther(tk.clawedBack)} taken back` +
          (tk.unrecovered > 0n ? `, ${formatEther(tk.unrecovered)} no longer held (not recovered)` : ""),
      ),
      ...outcomeLines(r.outcomes),
      `  journal: ${r.journal}`,
    ].join("\n"),
);
