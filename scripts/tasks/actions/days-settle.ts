/**
 * `days:settle`: SDK `settleAllUnsettled` — every unsettled past day, oldest first. A settlement always releases the
 * day's checkout escrow to the holders and pays the rest (the debt of recorded, receipt and batch orders) from the
 * merchant balance only if the balance covers all of it. By default the task refuses up front when the balance is
 * short; `--fund` deposits what it lacks first; `--partial` settles what the balance allows (every escrow goes out,
 * each day's debt is paid oldest first while the balance lasts) and reports what is still owed.
 */
import { formatEther } from "ethers";
import {
  InsufficientMerchantBalanceError,
  settleAllUnsettled,
  type SettleAllResult,
  type SettledDay,
} from "../../../sdk/src/index.js";
import { connect, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { Progress, taskAction } from "../lib/io.js";

interface Args {
  shop: string;
  fund: boolean;
  partial: boolean;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (args.fund && args.partial) {
      throw new InputError(
        "--fund and --partial exclude each other: deposit what is missing, or settle what the balance allows",
      );
    }
    const chain = await connect(hre);
    let progress: Progress | undefined;
    let result: SettleAllResult;
    try {
      result = await settleAllUnsettled(chain.transport, {
        shop,
        fund: args.fund ? "deposit-missing" : args.partial ? "partial" : "none",
        onProgress: ({ done, total }) => {
          progress ??= new Progress("days:settle", total);
          progress.update(done);
        },
      });
    } catch (error) {
      if (error instanceof InsufficientMerchantBalanceError) {
        error.message +=
          "; nothing sent: --fund deposits what is missing first, --partial releases the checkout escrow and pays " +
          "what the balance covers";
      }
      throw error;
    }
    const sum = (f: (d: SettledDay) => bigint) => result.settled.reduce((s, d) => s + f(d), 0n);
    return {
      shop,
      mode: args.fund ? "fund" : args.partial ? "partial" : "full",
      settled: result.settled.map((d) => ({
        day: d.day,
        dividends: d.dividends,
        fromEscrow: d.fromEscrow,
        fromBalance: d.fromBalance,
        settled: d.settled,
        stillOwed: d.stillOwed,
        missing: d.shortfall?.missing ?? 0n,
        transaction: d.hash,
      })),
      days: result.settled.length,
      settledInFull: result.settled.filter((d) => d.settled).length,
      dividends: sum((d) => d.dividends),
      fromEscrow: sum((d) => d.fromEscrow),
      fromBalance: sum((d) => d.fromBalance),
      deposited: result.deposited,
      depositTransaction: result.depositHash ?? null,
      owing: result.owing.map((d) => ({ day: d.day, unfunded: d.unfunded })),
      stillOwed: result.unpaid,
    };
  },
  (r) => {
    const lines: string[] = [];
    if (r.deposited > 0n) lines.push(`Deposited ${formatEther(r.deposited)} (${r.depositTransaction})`);
    for (const d of r.settled) {
      lines.push(
        `  day ${d.day}: ${formatEther(d.dividends)} to holders (${formatEther(d.fromEscrow)} from escrow, ` +
          `${formatEther(d.fromBalance)} from balance)` +
          (d.settled ? ", settled" : `, partly settled: ${formatEther(d.stillOwed)} still owed`),
      );
    }
    if (r.days === 0 && r.owing.length === 0) return "Nothing to settle: no unsettled past day owes dividends";
    if (r.days > 0) {
      lines.push(
        `Settled ${r.days} day(s) (${r.settledInFull} in full): ${formatEther(r.dividends)} in dividends, ` +
          `${formatEther(r.fromEscrow)} from escrow, ${formatEther(r.fromBalance)} from the balance`,
      );
    }
    if (r.owing.length > 0) {
      lines.push(
        `Still owed: ${formatEther(r.stillOwed)} on ${r.owing.length} day(s) ` +
          `(${r.owing.map((d) => `day ${d.day}: ${formatEther(d.unfunded)}`).join(", ")}); deposit it and run ` +
          `days:settle again, or run it with --fund`,
      );
    }
    return lines.join("\n");
  },
);
