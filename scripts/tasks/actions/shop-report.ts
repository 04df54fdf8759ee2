/**
 * `shop:report`: a shop's days (SDK `fetchShopDays`: revenue, dividends owed and distributed, settlement status —
 * settled, partly settled (escrow released, debt still owed), unsettled or open — and the unfunded debt, per day and
 * per token) and, per token, its supply and top holders (holders found from the token's Transfer events with SDK
 * `getLogsPaged`).
 */
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
  type ShopDay,
} from "../../../sdk/src/index.js";
import { connect, fromBlockOption, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { mapLimit, note, taskAction } from "../lib/io.js";
import { requireShop } from "../lib/shop-check.js";

/** Where a day stands: settled in full, partly settled (escrow out, debt owed), unsettled, or still open. */
type DayStatus = "settled" | "partly settled" | "unsettled" | "open" | "nothing owed";

function dayStatus(d: ShopDay, today: bigint): DayStatus {
  if (d.settled) return "settled";
  if (d.owed === 0n) return d.day < today ? "nothing owed" : "open";
  if (d.partlySettled) return "partly settled";
  return d.day < today ? "unsettled" : "open";
}

function describeStatus(status: DayStatus, unfunded: bigint): string {
  if (status === "partly settled") return `partly settled (escrow released; ${formatEther(unfunded)} still owed)`;
  if (status === "unsettled") return `unsettled (unfunded ${formatEther(unfunded)})`;
  if (status === "open") return "open (today)";
  return status;
}

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
    const fromBlock = fromBlockOption(args.fromBlock);
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
      days: days.days.map((d) => ({ ...d, status: dayStatus(d, days.today) })),
      totals: {
        revenue: days.days.reduce((s, d) => s + d.revenue, 0n),
        orders: days.days.reduce((s, d) => s + d.orderCount, 0n),
        dividends: days.days.reduce((s, d) => s + d.owed, 0n),
        distributed: days.days.reduce((s, d) => s + d.distributed, 0n),
        stillOwed: days.days.reduce((s, d) => s + (d.owed - d.distributed), 0n),
      },
      unsettled: days.unsettled,
      partlySettled: days.days.filter((d) => d.partlySettled).map((d) => d.day),
      unfundedTotal: days.unfundedTotal,
      merchantBalance,
      tokens: tokenReports,
    };
  },
  (r) => {
    const lines = [
      `Shop ${r.shop} on chain ${r.chainId}, days ${r.fromDay}..${r.toDay} (today ${r.today})`,
      `  day        orders  revenue                  dividends                distributed              status`,
    ];
    for (const d of r.days) {
      lines.push(
        `  ${String(d.day).padEnd(10)} ${String(d.orderCount).padStart(6)}  ${formatEther(d.revenue).padEnd(24)} ` +
          `${formatEther(d.owed).padEnd(24)} ${formatEther(d.distributed).padEnd(24)} ${describeStatus(d.status, d.unfunded)}`,
      );
      if (d.tokens.length > 1) {
        for (const tk of d.tokens) {
          lines.push(
            `    ${(r.tokens[tk.tokenIndex]?.symbol ?? `token ${tk.tokenIndex}`).padEnd(8)} revenue ${formatEther(tk.revenue)}, ` +
              `${(Number(tk.dividendBps) / 100).toFixed(2)} %: ${formatEther(tk.owed)} owed, ` +
              `${formatEther(tk.distributed)} distributed` +
              (tk.settled ? "" : tk.unfunded > 0n ? `, ${formatEther(tk.unfunded)} unfunded` : ""),
          );
        }
      }
    }
    if (r.days.length === 0) lines.push("  (no orders in this range)");
    lines.push(
      `  total: ${r.totals.orders} order(s), revenue ${formatEther(r.totals.revenue)}, dividends ` +
        `${formatEther(r.totals.dividends)}, distributed ${formatEther(r.totals.distributed)}`,
      `  unsettled past days: ${r.unsettled.length}` +
        (r.partlySettled.length > 0 ? ` (partly settled: ${r.partlySettled.join(", ")})` : "") +
        `, still owed by the merchant ${formatEther(r.unfundedTotal)}; merchant balance ${formatEther(r.merchantBalance)}` +
        (r.unfundedTotal > r.merchantBalance
          ? ` (deposit ${formatEther(r.unfundedTotal - r.merchantBalance)} more, or days:settle --fund)`
          : r.unsettled.length > 0
            ? " (days:settle pays it)"
            : ""),
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
