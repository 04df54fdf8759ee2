/** Number, date and address formatting for the page (pure functions of the current language). */
import { lang } from "./i18n.js";

const WEI = 10n ** 18n;

/** Groups the integer part of a decimal string by thousands. */
function group(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * An 18-decimal amount (wei, or token-wei) as a decimal string rounded down to `digits` decimals, trailing zeros
 * dropped; a non-zero amount below the last digit shows as "< 0.000001".
 */
export function formatUnits18(value: bigint, digits = 6): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const step = 10n ** BigInt(18 - digits);
  if (abs > 0n && abs < step) return `< 0.${"0".repeat(digits - 1)}1`;
  const whole = abs / WEI;
  const fraction = ((abs % WEI) / step).toString().padStart(digits, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${group(whole.toString())}${fraction === "" ? "" : "." + fraction}`;
}

/** `part / total` as a percentage with two decimals (rounded down), e.g. "12.34 %". */
export function formatShare(part: bigint, total: bigint): string {
  if (total === 0n) return "0 %";
  const hundredths = (part * 10_000n) / total;
  const whole = hundredths / 100n;
  const fraction = (hundredths % 100n).toString().padStart(2, "0");
  if (part > 0n && hundredths === 0n) return "< 0.01 %";
  return `${whole}.${fraction} %`;
}

/** `0x1234…abcd`. */
export function shortAddress(address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`;
}

/** A unix time (seconds) as a local date and time in the page's language. */
export function formatDateTime(unixSeconds: bigint): string {
  return new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(Number(unixSeconds) * 1000),
  );
}

/** A shop day (days since 1970-01-01 in the shop's time zone) as a short date, e.g. "Nov 26" / "11月26日". */
export function formatShopDay(day: bigint, withYear = false): string {
  const options: Intl.DateTimeFormatOptions = withYear
    ? { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }
    : { month: "short", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(lang(), options).format(new Date(Number(day) * 86_400_000));
}
