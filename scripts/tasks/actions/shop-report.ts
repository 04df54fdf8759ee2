/**
 * `shop:report`: a shop's days (SDK `fetchShopDays`: revenue, dividends owed and distributed, settlement status —
 * settled, partly settled (escrow released, debt still owed), unsettled or open — and the unfunded debt, per day and
 * per token) and, per token, its supply and top holders (holders found from the token's Transfer events with SDK
 * `getLogsPaged`). Then the payments (SDK `fetchShopPayments`, `summarizePayments`): money held (held and
 * return-requested payments), captured payments, returns within the window (voided, reclaimed, the rest of partial
 * captures), refunds after capture (with the tokens taken back), returns owed to customers, and the return window
 * (`fetchReturnWindow`, with a pending change).
 */
import {
  decodeLogs,
  dividendTokenAbi,
  eventTopic,
  fetchReturnWindow,
  fetchShopPayments,
  fetchShopDays,
  getLogsPaged,
  PaymentHistoryMismatchError,
  summarizePayments,
  readContract,
  shopAbi,
  validateAmount,
  type Address,
  type ShopDay,
  type ShopPayment,
  type Transport,
} from "../../../sdk/src/index.js";
import { connect, fromBlockOption, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { mapLimit, note, taskAction } from "../lib/io.js";
import { requireShop } from "../lib/shop-check.js";
import { dayDate, formatCoin, formatTokens, plural } from "../lib/format.js";

/** Where a day stands: settled in full, partly settled (escrow out, debt owed), unsettled, or still open. */
type DayStatus = "settled" | "partly settled" | "unsettled" | "open" | "nothing owed";

function dayStatus(d: ShopDay, today: bigint): DayStatus {
  if (d.settled) return "settled";
  if (d.owed === 0n) return d.day < today ? "nothing owed" : "open";
  if (d.partlySettled) return "partly settled";
  return d.day < today ? "unsettled" : "open";
}

function describeStatus(status: DayStatus, unfunded: bigint, chainId: bigint): string {
  if (status === "partly settled") {
    return `partly settled (escrow released; ${formatCoin(unfunded, chainId)} still owed)`;
  }
  if (status === "unsettled") return `unsettled (unfunded ${formatCoin(unfunded, chainId)})`;
  if (status === "open") return "open (today)";
  return status;
}

/** `604800` -> `"7 days"`, `5400` -> `"1.5 hours"`. */
function describeWindow(seconds: bigint): string {
  const s = Number(seconds);
  if (s % 86_400 === 0) return `${s / 86_400} day(s)`;
  if (s >= 86_400) return `${(s / 86_400).toFixed(2)} day(s)`;
  return `${(s / 3600).toFixed(2)} hour(s)`;
}

/** The shop's payments, read again if a step was mined while reading. */
async function readPayments(t: Transport, shop: Address, fromBlock: bigint): Promise<ShopPayment[]> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchShopPayments(t, { shop, fromBlock });
    } catch (error) {
      if (!(error instanceof PaymentHistoryMismatchError) || attempt >= 2) throw error;
    }
  }
}

/** The payments part of the report. */
async function paymentsReport(t: Transport, shop: Address, fromBlock: bigint) {
  const payments = await readPayments(t, shop, fromBlock);
  const s = summarizePayments(payments);
  const captured = payments.filter((p) => p.status === "captured" || p.status === "refunded");
  const byKind = { operator: 0, customer: 0, auto: 0, charge: 0 };
  for (const p of captured) if (p.kind !== undefined) byKind[p.kind] += 1;
  const requested = payments.filter((p) => p.status === "returnRequested");
  const tokens = new Map<number, { tokenIndex: number; clawedBack: bigint; unrecovered: bigint }>();
  let refundCount = 0;
  for (const p of payments) {
    for (const r of p.refunds) {
      refundCount++;
      for (const c of r.clawedBack) {
        const tk = tokens.get(c.tokenIndex) ?? { tokenIndex: c.tokenIndex, clawedBack: 0n, unrecovered: 0n };
        tk.clawedBack += c.customer + c.referrer;
        tokens.set(c.tokenIndex, tk);
      }
      for (const u of r.unrecovered) {
        const tk = tokens.get(u.tokenIndex) ?? { tokenIndex: u.tokenIndex, clawedBack: 0n, unrecovered: 0n };
        tk.unrecovered += u.customer + u.referrer;
        tokens.set(u.tokenIndex, tk);
      }
    }
  }
  // Returns owed: to the customers whose address rejected a return or refund (less what they withdrew since).
  const owedTo = [...new Set(payments.filter((p) => p.owedWei > 0n).map((p) => p.customer))];
  const owed = await mapLimit(owedTo, 8, async (customer) => ({
    customer,
    owedWei: await readContract(t, { address: shop, abi: shopAbi, functionName: "returnsOwed", args: [customer] }),
  }));
  const window = await fetchReturnWindow(t, { shop });
  return {
    count: s.count,
    held: { count: s.counts.held + s.counts.returnRequested, wei: s.heldWei },
    returnRequested: { count: requested.length, wei: requested.reduce((sum, p) => sum + p.heldWei, 0n) },
    captured: { count: captured.length, wei: s.capturedWei, byKind },
    returned: {
      voided: { count: s.counts.voided, wei: s.voidedWei },
      reclaimed: { count: s.counts.reclaimed, wei: s.reclaimedWei },
      partialCaptureWei: s.partialReturnWei,
    },
    refunds: {
      count: refundCount,
      wei: s.refundedWei,
      refundedInFull: s.counts.refunded,
      tokens: [...tokens.values()].sort((a, b) => a.tokenIndex - b.tokenIndex),
    },
    netCapturedWei: s.netCapturedWei,
    returnsOwed: {
      customers: owed.filter((o) => o.owedWei > 0n).length,
      wei: owed.reduce((sum, o) => sum + o.owedWei, 0n),
      owed: owed.filter((o) => o.owedWei > 0n),
    },
    returnWindow: {
      seconds: window.windowSeconds,
      pendingSeconds: window.pendingSeconds,
      pendingAt: window.pendingAt,
    },
  };
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
    const days = await fetchShopDays(t, {
      shop,
      ...(fromDay !== undefined ? { fromDay } : {}),
      ...(toDay !== undefined ? { toDay } : {}),
    });
    const tokens = await readContract(t, { address: shop, abi: shopAbi, functionName: "tokens", args: [] });
    const toBlock = await t.blockNumber();
    const tokenReports = [];
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      const logs = await getLogsPaged(t, {
        address: token,
        topics: [eventTopic(dividendTokenAbi, "Transfer")],
        fromBlock,
        toBlock,
        onProgress: (p) => {
          if (p.totalBlocks > 20_000n) note(`shop:report: token ${i}: ${p.doneBlocks}/${p.totalBlocks} blocks`);
        },
      });
      const holders = new Set<Address>();
      for (const e of decodeLogs(dividendTokenAbi, logs)) {
        if (e.eventName === "Transfer") holders.add(e.args.to as Address);
      }
      holders.delete("0x0000000000000000000000000000000000000000");
      const totalSupply = await readContract(t, {
        address: token,
        abi: dividendTokenAbi,
        functionName: "totalSupply",
        args: [],
      });
      const balances = await mapLimit([...holders], 8, async (holder) => ({
        holder,
        balance: await readContract(t, {
          address: token,
          abi: dividendTokenAbi,
          functionName: "balanceOf",
          args: [holder],
        }),
      }));
      const top = balances
        .filter((b) => b.balance > 0n)
        .sort((a, b) => (a.balance > b.balance ? -1 : a.balance < b.balance ? 1 : a.holder.localeCompare(b.holder)))
        .slice(0, args.top);
      tokenReports.push({
        tokenIndex: i,
        token,
        name: await readContract(t, { address: token, abi: dividendTokenAbi, functionName: "name", args: [] }),
        symbol: await readContract(t, { address: token, abi: dividendTokenAbi, functionName: "symbol", args: [] }),
        totalSupply,
        holders: balances.filter((b) => b.balance > 0n).length,
        topHolders: await mapLimit(top, 8, async (b) => ({
          holder: b.holder,
          balance: b.balance,
          shareBps: totalSupply === 0n ? 0n : (b.balance * 10_000n) / totalSupply,
          claimable: await readContract(t, {
            address: token,
            abi: dividendTokenAbi,
            functionName: "claimable",
            args: [b.holder],
          }),
        })),
      });
    }
    const merchantBalance = await readContract(t, {
      address: shop,
      abi: shopAbi,
      functionName: "merchantBalance",
      args: [],
    });
    const payments = await paymentsReport(t, shop, fromBlock);
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
      payments,
    };
  },
  (r) => {
    const coin = (wei: bigint): string => formatCoin(wei, r.chainId);
    const col = (wei: bigint): string => coin(wei).padStart(22);
    const lines = [
      `Shop ${r.shop} on chain ${r.chainId}, ${dayDate(r.fromDay)} to ${dayDate(r.toDay)} ` +
        `(today ${dayDate(r.today)}, in the shop's time zone)`,
      `  date        orders                revenue              dividends            distributed  status`,
    ];
    for (const d of r.days) {
      lines.push(
        `  ${dayDate(d.day)}  ${String(d.orderCount).padStart(6)} ${col(d.revenue)} ${col(d.owed)} ${col(d.distributed)}  ` +
          describeStatus(d.status, d.unfunded, r.chainId),
      );
      if (d.tokens.length > 1) {
        for (const tk of d.tokens) {
          lines.push(
            `    ${(r.tokens[tk.tokenIndex]?.symbol ?? `token ${tk.tokenIndex}`).padEnd(8)} revenue ${coin(tk.revenue)}, ` +
              `${(Number(tk.dividendBps) / 100).toFixed(2)} %: ${coin(tk.owed)} owed, ` +
              `${coin(tk.distributed)} distributed` +
              (tk.settled ? "" : tk.unfunded > 0n ? `, ${coin(tk.unfunded)} unfunded` : ""),
          );
        }
      }
    }
    if (r.days.length === 0) lines.push("  (no orders in this range)");
    lines.push(
      `  total: ${plural(r.totals.orders, "order")}, revenue ${coin(r.totals.revenue)}, dividends ` +
        `${coin(r.totals.dividends)}, distributed ${coin(r.totals.distributed)}`,
      `  unsettled past days: ${r.unsettled.length}` +
        (r.partlySettled.length > 0 ? ` (partly settled: ${r.partlySettled.map(dayDate).join(", ")})` : "") +
        `, still owed by the merchant ${coin(r.unfundedTotal)}; merchant balance ${coin(r.merchantBalance)}` +
        (r.unfundedTotal > r.merchantBalance
          ? ` (deposit ${coin(r.unfundedTotal - r.merchantBalance)} more, or days:settle --fund)`
          : r.unsettled.length > 0
            ? " (days:settle pays it)"
            : ""),
    );
    const p = r.payments;
    const symbol = (i: number) => r.tokens[i]?.symbol ?? `token ${i}`;
    const kinds = Object.entries(p.captured.byKind)
      .filter(([, n]) => n > 0)
      .map(([kind, n]) => `${n} ${kind}`);
    const w = p.returnWindow;
    lines.push(
      `Payments: ${p.held.count} held (${coin(p.held.wei)}), of which ${p.returnRequested.count} return ` +
        `requested (${coin(p.returnRequested.wei)}); ${p.captured.count} captured ` +
        `(${coin(p.captured.wei)}${kinds.length > 0 ? `: ${kinds.join(", ")}` : ""})`,
      `  returns within the window: ${p.returned.voided.count} voided (${coin(p.returned.voided.wei)}), ` +
        `${p.returned.reclaimed.count} reclaimed (${coin(p.returned.reclaimed.wei)}), ` +
        `${coin(p.returned.partialCaptureWei)} returned by partial captures`,
      `  refunds after capture: ${p.refunds.count} (${coin(p.refunds.wei)}; ${p.refunds.refundedInFull} ` +
        `payment(s) refunded in full)` +
        (p.refunds.tokens.length > 0
          ? `, tokens taken back: ${p.refunds.tokens
              .map(
                (tk) =>
                  formatTokens(tk.clawedBack, symbol(tk.tokenIndex)) +
                  (tk.unrecovered > 0n
                    ? ` (${formatTokens(tk.unrecovered, symbol(tk.tokenIndex))} no longer held)`
                    : ""),
              )
              .join(", ")}`
          : ""),
      `  returns owed to customers: ${coin(p.returnsOwed.wei)} (${p.returnsOwed.customers} customer(s); ` +
        `they withdraw with withdrawReturns)`,
      `  return window: ${describeWindow(w.seconds)}` +
        (w.pendingAt !== 0n
          ? ` (${describeWindow(w.pendingSeconds)} from ${new Date(Number(w.pendingAt) * 1000).toISOString()})`
          : ""),
    );
    for (const tk of r.tokens) {
      const shown = tk.topHolders.length < tk.holders ? ` (the top ${tk.topHolders.length} shown)` : "";
      lines.push(
        `Token ${tk.tokenIndex} ${tk.symbol} (${tk.name}) ${tk.token}: supply ${formatTokens(tk.totalSupply, tk.symbol)}, ` +
          `${plural(tk.holders, "holder")}${shown}`,
      );
      for (const h of tk.topHolders) {
        lines.push(
          `  ${h.holder}  ${formatTokens(h.balance, tk.symbol).padStart(24)} ` +
            `${(Number(h.shareBps) / 100).toFixed(2).padStart(6)} %  claimable ${coin(h.claimable)}`,
        );
      }
    }
    return lines.join("\n");
  },
);
