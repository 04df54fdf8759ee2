/**
 * `payments:capture`: captures the held payments of a CSV file (`orderHash,customer[,amount]`; amount in wei, blank
 * for all of it), one transaction each (SDK `capturePayment`, operator only). Every row is checked before anything
 * is sent: its payment's terms (`PaymentAuthorized`), that it is still held, not expired, and the amount at most the
 * held one. Resumable: the status on chain is the record, so a re-run skips the rows captured already (by this task,
 * the customer's confirm or an auto-capture) and captures the rest.
 */
import { formatEther } from "ethers";
import { capturePayment } from "../../../sdk/src/index.js";
import { taskAction } from "../lib/io.js";
import { CAPTURE_KIND_NAMES } from "../lib/payment-history.js";
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

interface Args {
  shop: string;
  file: string;
  fromBlock: string;
  progressEvery: number;
  json: boolean;
}

const LABEL = "payments:capture";

function summary(r: { captured: number; skipped: number; failed: number; capturedWei: bigint; returnedWei: bigint }) {
  return (
    `Captured ${r.captured} payment(s) (${formatEther(r.capturedWei)}; ${formatEther(r.returnedWei)} returned to ` +
    `customers), ${r.skipped} skipped, ${r.failed} failed`
  );
}

export default taskAction(
  async (args: Args, hre) => {
    const run = await startPaymentRun(hre, args, "optional", LABEL);
    const { shop, fromBlock, every } = run;
    const bad: BadRow[] = [];
    const outcomes: RowOutcome[] = [];
    const jobs: RowJob[] = [];
    let returnedWei = 0n;
    for (const row of run.rows) {
      const s = stateOf(run, row);
      const outcome: RowOutcome = {
        line: row.line,
        orderHash: row.orderHash,
        customer: row.customer,
        status: "not sent",
      };
      outcomes.push(outcome);
      const who = `payment of ${row.customer} for order ${row.orderHash}`;
      if (s.status === "captured") {
        const kind = s.captureKind !== undefined ? ` (${CAPTURE_KIND_NAMES[s.captureKind] ?? "?"})` : "";
        outcome.status = "skipped";
        outcome.reason = `already captured${kind}${s.lastTx !== undefined && s.last === "captured" ? ` in ${s.lastTx}` : ""}`;
        continue;
      }
      if (s.status === "none") {
        if (s.terms === undefined) {
          bad.push({
            line: row.line,
            message: `no ${who} (no PaymentAuthorized from block ${fromBlock}; check --from-block)`,
          });
        } else {
          const how =
            s.last === "voided" ? "voided" : s.last === "reclaimed" ? "reclaimed by the customer" : "no longer held";
          bad.push({
            line: row.line,
            message: `${who} is not held: ${how}${s.lastTx !== undefined ? ` in ${s.lastTx}` : ""}`,
          });
        }
        continue;
      }
      const terms = s.terms;
      if (terms === undefined) {
        bad.push({
          line: row.line,
          message: `${who} is held, but its PaymentAuthorized is before block ${fromBlock}: give an earlier --from-block`,
        });
        continue;
      }
      if (terms.amountWei !== s.amountWei) {
        bad.push({
          line: row.line,
          message: `${who}: the shop holds ${s.amountWei} wei, its terms say ${terms.amountWei}`,
        });
        continue;
      }
      if (run.now >= terms.expiry) {
        bad.push({
          line: row.line,
          message: `${who} expired at ${isoTime(terms.expiry)}: it can no longer be captured (void it, or the customer reclaims it)`,
        });
        continue;
      }
      const amount = row.amountWei ?? terms.amountWei;
      if (amount > terms.amountWei) {
        bad.push({
          line: row.line,
          message: `"amount" ${amount} wei is over the ${terms.amountWei} wei held for ${who}`,
        });
        continue;
      }
      if (s.status === "returnRequested") outcome.reason = "return requested: captured what the customer keeps";
      jobs.push({
        outcome,
        send: async () => {
          const result = await capturePayment(run.chain.transport, { shop, payment: terms, amountWei: amount });
          returnedWei += result.returnedWei;
          return { hash: result.hash, amountWei: amount };
        },
      });
    }
    refuseBadRows(run.name, bad);
    await sendRows(LABEL, jobs, every);
    const counts = tally(outcomes);
    const result = {
      shop,
      chainId: run.chain.chainId,
      file: args.file,
      rows: outcomes.length,
      captured: counts.done,
      skipped: counts.skipped,
      failed: counts.failed,
      capturedWei: outcomes.reduce((sum, o) => sum + (o.status === "done" ? (o.amountWei ?? 0n) : 0n), 0n),
      returnedWei,
      transactions: counts.done,
      outcomes,
    };
    failIfAny(LABEL, outcomes, [summary(result), ...outcomeLines(outcomes)].join("\n"));
    return result;
  },
  (r) => [summary(r), ...outcomeLines(r.outcomes)].join("\n"),
);
