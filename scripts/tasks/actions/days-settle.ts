/** `days:settle`: SDK `settleAllUnsettled` (every unsettled past day, oldest first; `--fund` deposits the shortfall). */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatEther } from "ethers";
import { settleAllUnsettled } from "../../../sdk/src/index.js";
import { connect, shopAddress } from "../lib/chain.js";
import { Progress, taskAction } from "../lib/io.js";

interface Args {
  shop: string;
  fund: boolean;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    const chain = await connect(hre);
    let progress: Progress | undefined;
    const result = await settleAllUnsettled(chain.transport, shop, {
      fund: args.fund ? "deposit-missing" : "none",
      onProgress: ({ done, total }) => {
        progress ??= new Progress("days:settle", total);
        progress.update(done);
      },
    });
    return {
      shop,
      settled: result.settled.map((d) => ({
        day: d.day,
        dividends: d.dividends,
        fromBalance: d.fromBalance,
        transaction: d.hash,
      })),
      days: result.settled.length,
      dividends: result.settled.reduce((sum, d) => sum + d.dividends, 0n),
      deposited: result.deposited,
      depositTransaction: result.depositHash ?? null,
    };
  },
  (r) =>
    r.days === 0
      ? "Nothing to settle: no unsettled past day owes dividends"
      : [
          ...(r.deposited > 0n ? [`Deposited ${formatEther(r.deposited)} (${r.depositTransaction})`] : []),
          ...r.settled.map(
            (d) => `  day ${d.day}: ${formatEther(d.dividends)} to holders, ${formatEther(d.fromBalance)} from balance`,
          ),
          `Settled ${r.days} day(s): ${formatEther(r.dividends)} in dividends`,
        ].join("\n"),
);
