/**
 * Estimates of native amounts in the shop's currency, from the fixed rate in `config.json` (`fiat`): the chain's coin
 * has no fixed price, so the page always marks these figures as estimates and names the rate it used.
 */
import type { FiatRate } from "./config.js";

const WEI_DECIMALS = 18n;

/** Digits after the point of `currency` (2 for CNY, 0 for JPY). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `wei` × rate in the currency's minor units (cents, fen), rounded half up; exact (bigint arithmetic). */
export function fiatMinorUnits(wei: bigint, rate: FiatRate): bigint {
  const [whole, fraction = ""] = rate.perNative.split(".");
  const scaled = BigInt(whole + fraction); // rate × 10^fraction.length
  const digits = BigInt(minorDigits(rate.currency));
  const denominator = 10n ** (WEI_DECIMALS + BigInt(fraction.length) - digits);
  const negative = wei < 0n;
  const abs = negative ? -wei : wei;
  const rounded = (abs * scaled * 2n + denominator) / (2n * denominator);
  return negative ? -rounded : rounded;
}

/** Minor units as the currency in the page's language, e.g. "¥1,234.56". */
export function formatFiat(minor: bigint, currency: string, locale: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const decimal = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    // "¥", not "CN¥": the rate note beside the figures names the currency by its code.
    currencyDisplay: "narrowSymbol",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // A decimal string keeps every digit (Intl.NumberFormat v3); no float rounding.
  return format.format(`${negative ? "-" : ""}${decimal}` as unknown as number);
}
