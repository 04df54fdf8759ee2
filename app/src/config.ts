/**
 * The shop's configuration, read at run time from `config.json` next to `index.html`, so one build serves any
 * chain: the shop edits the JSON, not the code.
 */
import { getAddress, isAddress } from "viem";

/** A fixed rate of the chain's coin in the shop's currency, for estimates (`config.json` `fiat`). */
export interface FiatRate {
  /** ISO 4217 code, e.g. "CNY". */
  readonly currency: string;
  /** Units of `currency` per 1 native coin, as a decimal string, e.g. "23456.78". */
  readonly perNative: string;
  /** Optional: when the rate was taken (shown with it), e.g. "2026-12-01". */
  readonly asOf: string | null;
}

/** `config.json`. */
export interface AppConfig {
  /** EIP-155 chain id of the chain the factory is on. */
  readonly chainId: number;
  /** Human name of that chain (shown to holders and offered to wallets). */
  readonly chainName: string;
  /** HTTPS (or, locally, HTTP) JSON-RPC endpoint the page reads through; must allow CORS. */
  readonly rpcUrl: string;
  /** The ShareMallFactory address. */
  readonly factory: `0x${string}`;
  /** Symbol of the chain's native coin, e.g. "ETH", "BNB", "MATIC". */
  readonly currencySymbol: string;
  /** Optional: block the factory was deployed in; event history is read from there (default 0). */
  readonly fromBlock: bigint;
  /** Optional: block explorer base URL (links to transactions), e.g. "https://etherscan.io". */
  readonly explorerUrl: string | null;
  /** Optional: WalletConnect Cloud project id; without one the page does not offer WalletConnect. */
  readonly walletConnectProjectId: string | null;
  /** Optional: the rate for estimates in the shop's currency; without one, only native amounts are shown. */
  readonly fiat: FiatRate | null;
  /** Optional: seconds between checks for a new block (claimable amounts refresh on each); default 4. */
  readonly refreshSeconds: number;
}

/** A `config.json` that is missing, not JSON, or has a bad field. */
export class ConfigError extends Error {}

function field(raw: Record<string, unknown>, name: string): unknown {
  if (!(name in raw)) throw new ConfigError(`"${name}" is missing`);
  return raw[name];
}

function text(raw: Record<string, unknown>, name: string): string {
  const value = field(raw, name);
  if (typeof value !== "string" || value.trim() === "") throw new ConfigError(`"${name}" must be a non-empty string`);
  return value.trim();
}

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`"${name}" is not a URL: ${value}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigError(`"${name}" must be an http(s) URL: ${value}`);
  }
  return value.replace(/\/+$/, "");
}

function parseFiat(raw: unknown): FiatRate | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`"fiat" must be an object like {"currency": "CNY", "perNative": "23456.78"}`);
  }
  const { currency, perNative, asOf } = raw as Record<string, unknown>;
  if (typeof currency !== "string" || !/^[A-Z]{3}$/.test(currency)) {
    throw new ConfigError(`"fiat.currency" must be an ISO 4217 code such as "CNY", got ${JSON.stringify(currency)}`);
  }
  try {
    new Intl.NumberFormat("en", { style: "currency", currency });
  } catch {
    throw new ConfigError(`"fiat.currency" is not a currency this browser knows: ${currency}`);
  }
  if (typeof perNative !== "string" || !/^\d{1,15}(\.\d{1,18})?$/.test(perNative) || !/[1-9]/.test(perNative)) {
    throw new ConfigError(`"fiat.perNative" must be a positive decimal string such as "23456.78"`);
  }
  if (asOf !== undefined && asOf !== null && typeof asOf !== "string") {
    throw new ConfigError(`"fiat.asOf" must be a string such as "2026-12-01"`);
  }
  return { currency, perNative, asOf: typeof asOf === "string" && asOf.trim() !== "" ? asOf.trim() : null };
}

/** Validates parsed `config.json`. */
export function parseConfig(raw: unknown): AppConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError("expected a JSON object");
  const record = raw as Record<string, unknown>;
  const chainId = field(record, "chainId");
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new ConfigError(`"chainId" must be a positive integer, got ${JSON.stringify(chainId)}`);
  }
  const factory = text(record, "factory");
  if (!isAddress(factory, { strict: false })) throw new ConfigError(`"factory" is not an address: ${factory}`);
  const fromBlockRaw = record.fromBlock ?? 0;
  if (typeof fromBlockRaw !== "number" || !Number.isSafeInteger(fromBlockRaw) || fromBlockRaw < 0) {
    throw new ConfigError(`"fromBlock" must be a block number, got ${JSON.stringify(fromBlockRaw)}`);
  }
  const explorer = record.explorerUrl;
  if (explorer !== undefined && explorer !== null && explorer !== "" && typeof explorer !== "string") {
    throw new ConfigError(`"explorerUrl" must be a URL string`);
  }
  const projectId = record.walletConnectProjectId;
  if (
    projectId !== undefined &&
    projectId !== null &&
    (typeof projectId !== "string" || !/^[0-9a-zA-Z]*$/.test(projectId))
  ) {
    throw new ConfigError(`"walletConnectProjectId" must be the project id string of WalletConnect Cloud`);
  }
  const refreshRaw = record.refreshSeconds ?? 4;
  if (typeof refreshRaw !== "number" || !Number.isFinite(refreshRaw) || refreshRaw < 0.2 || refreshRaw > 3600) {
    throw new ConfigError(`"refreshSeconds" must be a number of seconds from 0.2 to 3600`);
  }
  return {
    chainId,
    chainName: text(record, "chainName"),
    rpcUrl: httpUrl("rpcUrl", text(record, "rpcUrl")),
    factory: getAddress(factory),
    currencySymbol: text(record, "currencySymbol"),
    fromBlock: BigInt(fromBlockRaw),
    explorerUrl: typeof explorer === "string" && explorer !== "" ? httpUrl("explorerUrl", explorer) : null,
    walletConnectProjectId: typeof projectId === "string" && projectId !== "" ? projectId : null,
    fiat: parseFiat(record.fiat),
    refreshSeconds: refreshRaw,
  };
}

/** Fetches and validates `config.json` (never cached, so a shop's edit shows at the next load). */
export async function loadConfig(url = "./config.json"): Promise<AppConfig> {
  let response: Response;
  try {
    response = await fetch(url, { cache: "no-store" });
  } catch (error) {
    throw new ConfigError(`cannot fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!response.ok) throw new ConfigError(`cannot fetch ${url}: HTTP ${response.status}`);
  let raw: unknown;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigError(`${url} is not valid JSON`);
  }
  return parseConfig(raw);
}
