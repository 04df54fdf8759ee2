/**
 * `payments:void`: voids the held payments of a CSV file (`orderHash,customer`), one transaction each (SDK
 * `voidPayment`, operator only): all of each payment goes back to its customer. Every row is checked before anything
 * is sent (its terms, `PaymentAuthorized`, and that it is held: a captured payment is refunded, not voided).
 * Resumable: a re-run skips the rows whose latest payment was voided already (or reclaimed by the customer).
 */
import { formatEther } from "ethers";
import { voidPayment } from "../../../sdk/src/index.js";
import { taskAction } from "../lib/io.js";
import {
  failIfAny,
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

const LABEL = "payments:void";

function summary(r: { voided: number; skipped: number; failed: number; returnedWei: bigint }) {
  return (
    `Voided ${r.voided} payment(s) (${formatEther(r.returnedWei)} returned to customers), ${r.skipped} skipped, ` +
    `${r.failed} failed`
  );
}

export default taskAction(
  async (args: Args, hre) => {
    const run = await startPaymentRun(hre, args, "none", LABEL);
    const { shop, fromBlock, every } = run;
    const bad: BadRow[] = [];
    const outcomes: RowOutcome[] = [];
    const jobs: RowJob[] = [];
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
      if (s.status === "none") {
        if (s.last === "voided" || s.last === "reclaimed") {
          outcome.status = "skipped";
          outcome.reason = `${s.last === "voided" ? "already voided" : "reclaimed by the customer"} in ${s.lastTx}`;
        } else {
          bad.push({
            line: row.line,
            message: `no ${who} (no PaymentAuthorized from block ${fromBlock}; check --from-block)`,
          });
        }
        continue;
      }
      if (s.status === "captured") {
        bad.push({ line: row.line, message: `${who} is captured, not held: refund it (payments:refund) instead` });
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
      jobs.push({
        outcome,
        send: async () => {
          const result = await voidPayment(run.chain.transport, { shop, payment: terms });
          return { hash: result.hash, amountWei: result.returnedWei };
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
      voided: counts.done,
      skipped: counts.skipped,
      failed: counts.failed,
      returnedWei: outcomes.reduce((sum, o) => sum + (o.status === "done" ? (o.amountWei ?? 0n) : 0n), 0n),
      transactions: counts.done,
      outcomes,
    };
    failIfAny(LABEL, outcomes, [summary(result), ...outcomeLines(outcomes)].join("\n"));
    return result;
  },
  (r) => [summary(r), ...outcomeLines(r.outcomes)].join("\n"),
);
