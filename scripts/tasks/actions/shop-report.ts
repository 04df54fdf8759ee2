/**
 * `shop:report`: a shop's days (SDK `fetchShopDays`: revenue, dividends owed, settlement status, unfunded debt) and,
 * per token, its supply and top holders (holders found from the token's Transfer events with SDK `getLogsPaged`).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import { formatEther } from "ethers";
import {
  decodeLogs,
  dividendTokenAbi,
  eventTopic,
  fetchShopDays,
  getLogsPaged,
  readContract,
  shopAbi,
  validateAmount,
  type Address,
} from "../../../sdk/src/index.js";
import { connect, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { mapLimit, note, taskAction } from "../lib/io.js";
import { requireShop } from "../lib/shop-check.js";

interface Args {
  shop: string;
  fromDay: string;
  toDay: string;
  top: number;
  fromBlock: string;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (!Number.isSafeInteger(args.top) || args.top < 0) throw new InputError(`--top ${args.top}: expected 0 or more`);
    const fromDay = args.fromDay === "" ? undefined : validateAmount("fromDay", args.fromDay);
    const toDay = args.toDay === "" ? undefined : validateAmount("toDay", args.toDay);
    const fromBlock = validateAmount("fromBlock", args.fromBlock);
    const chain = await connect(hre);
    const t = chain.transport;
    await requireShop(t, shop);
    const days = await fetchShopDays(t, shop, {
      ...(fromDay !== undefined ? { fromDay } : {}),
      ...(toDay !== undefined ? { toDay } : {}),
    });
    const tokens = await readContract(t, shop, shopAbi, "tokens", []);
    const toBlock = await t.blockNumber();
    const tokenReports = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      const logs = await getLogsPaged(
        t,
        { address: token, topics: [eventTopic(dividendTokenAbi, "Transfer")] },
        {
          fromBlock,
          toBlock,
          onProgress: (p) => {
            if (p.totalBlocks > 20_000n) note(`shop:report: token ${i}: ${p.doneBlocks}/${p.totalBlocks} blocks`);
          },
        },
      );
      const holders = new Set<Address>();
      for (const e of decodeLogs(dividendTokenAbi, logs)) {
        if (e.eventName === "Transfer") holders.add(e.args.to as Address);
      }
      holders.delete("0x0000000000000000000000000000000000000000");
      const totalSupply = await readContract(t, token, dividendTokenAbi, "totalSupply", []);
      const balances = await mapLimit([...holders], 8, async (holder) => ({
        holder,
        balance: await readContract(t, token, dividendTokenAbi, "balanceOf", [holder]),
      }));
      const top = balances
        .filter((b) => b.balance > 0n)
        .sort((a, b) => (a.balance > b.balance ? -1 : a.balance < b.balance ? 1 : a.holder.localeCompare(b.holder)))
        .slice(0, args.top);
      tokenReports.push({
        tokenIndex: i,
        token,
        name: await readContract(t, token, dividendTokenAbi, "name", []),
        symbol: await readContract(t, token, dividendTokenAbi, "symbol", []),
        totalSupply,
        holders: balances.filter((b) => b.balance > 0n).length,
        topHolders: await mapLimit(top, 8, async (b) => ({
          holder: b.holder,
          balance: b.balance,
          shareBps: totalSupply === 0n ? 0n : (b.balance * 10_000n) / totalSupply,
          claimable: await readContract(t, token, dividendTokenAbi, "claimable", [b.holder]),
        })),
      });
    }
    const merchantBalance = await readContract(t, shop, shopAbi, "merchantBalance", []);
    return {
      shop,
      chainId: chain.chainId,
      today: days.today,
      fromDay: days.fromDay,
      toDay: days.toDay,
      days: days.days,
      totals: {
        revenue: days.days.reduce((s, d) => s + d.revenue, 0n),
        orders: days.days.reduce((s, d) => s + d.orderCount, 0n),
        dividends: days.days.reduce((s, d) => s + d.owed, 0n),
      },
      unsettled: days.unsettled,
      unfundedTotal: days.unfundedTotal,
      merchantBalance,
      tokens: tokenReports,
    };
  },
  (r) => {
    const lines = [
      `Shop ${r.shop} on chain ${r.chainId}, days ${r.fromDay}..${r.toDay} (today ${r.today})`,
      `  day        orders  revenue                  dividends                status`,
    ];
    for (const d of r.days) {
      lines.push(
        `  ${String(d.day).padEnd(10)} ${String(d.orderCount).padStart(6)}  ${formatEther(d.revenue).padEnd(24)} ` +
          `${formatEther(d.owed).padEnd(24)} ${d.settled ? "settled" : d.day < r.today ? `unsettled (unfunded ${formatEther(d.unfunded)})` : "open (today)"}`,
      );
    }
    if (r.days.length === 0) lines.push("  (no orders in this range)");
    lines.push(
      `  total: ${r.totals.orders} order(s), revenue ${formatEther(r.totals.revenue)}, dividends ${formatEther(r.totals.dividends)}`,
      `  unsettled past days: ${r.unsettled.length}, unfunded ${formatEther(r.unfundedTotal)}; merchant balance ${formatEther(r.merchantBalance)}`,
    );
    for (const tk of r.tokens) {
      lines.push(
        `Token ${tk.tokenIndex} ${tk.symbol} (${tk.name}) ${tk.token}: supply ${formatEther(tk.totalSupply)}, ${tk.holders} holder(s)`,
      );
      for (const h of tk.topHolders) {
        lines.push(
          `  ${h.holder}  ${formatEther(h.balance).padEnd(24)} ${(Number(h.shareBps) / 100).toFixed(2).padStart(6)} %  claimable ${formatEther(h.claimable)}`,
        );
      }
    }
    return lines.join("\n");
  },
);
