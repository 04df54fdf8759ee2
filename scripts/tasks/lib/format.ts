/**
 * How the merchant tasks print amounts and days for people: coin amounts rounded, grouped and with their unit
 * ("1,234.5679 ETH"), token amounts with their symbol, shop days as dates. `--json` output keeps the exact values.
 */

/** The native coin's symbol of well-known chains; others print "coin" (SHAREMALL_COIN_SYMBOL overrides both). */
const COIN_SYMBOLS: Readonly<Record<string, string>> = {
  "1": "ETH",
  "10": "ETH",
  "56": "BNB",
  "137": "POL",
  "8453": "ETH",
  "42161": "ETH",
  "11155111": "ETH",
  "84532": "ETH",
  "31337": "ETH",
};

/** The unit printed after coin amounts on chain `chainId`. */
export function coinSymbol(chainId: bigint): string {
  const override = process.env.SHAREMALL_COIN_SYMBOL;
  if (override !== undefined && override.trim() !== "") return override.trim();
  return COIN_SYMBOLS[chainId.toString()] ?? "coin";
}

/**
 * An 18-decimal amount rounded half up to `decimals` places, with thousands separators and trailing zeros kept:
 * `1234567890123456789012n` -> `"1,234.5679"`. Amounts that round to zero but are not zero print as `"<0.0001"`.
 */
export function formatUnits18(amount: bigint, decimals = 4): string {
  const negative = amount < 0n;
  const abs = negative ? -amount : amount;
  const scale = 10n ** BigInt(18 - decimals);
  const rounded = (abs + scale / 2n) / scale;
  if (rounded === 0n && abs > 0n) return `${negative ? ">-" : "<"}0.${"0".repeat(decimals - 1)}1`;
  const whole = (rounded / 10n ** BigInt(decimals)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const fraction = (rounded % 10n ** BigInt(decimals)).toString().padStart(decimals, "0");
  return `${negative ? "-" : ""}${whole}${decimals > 0 ? `.${fraction}` : ""}`;
}

/** A coin amount in wei with its unit: `"1,234.5679 ETH"`. */
export function formatCoin(wei: bigint, chainId: bigint): string {
  return `${formatUnits18(wei)} ${coinSymbol(chainId)}`;
}

/** A token amount (18 decimals) with its symbol: `"12.5000 WYT"`. */
export function formatTokens(amount: bigint, symbol: string): string {
  return `${formatUnits18(amount)} ${symbol}`;
}

/**
 * The date of shop day `day` (days since 1970-01-01 in the shop's own time zone, as `Shop.today()` counts them):
 * `20790n` -> `"2026-12-03"`.
 */
export function dayDate(day: bigint): string {
  return new Date(Number(day) * 86_400_000).toISOString().slice(0, 10);
}

/** `"1 holder"`, `"3 holders"`. */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n.toString()} ${BigInt(n) === 1n ? one : many}`;
}
