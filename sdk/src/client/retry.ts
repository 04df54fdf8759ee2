/**
 * Retries for flaky RPC endpoints: {@link withRetry} wraps a {@link Transport} so that reads which fail for a
 * transient reason (timeouts, dropped connections, HTTP 429/5xx, overloaded nodes) are tried again with backoff.
 * Transactions and signatures are never re-sent: a lost response may still have delivered them, so the SDK's batch
 * functions are made to be re-run instead (see `recordOrders`' `skipCounted`, `settleAllUnsettled`, claims).
 *
 * @packageDocumentation
 */
import { toContractError } from "../contract-errors.js";
import { ShareMallError } from "../errors.js";
import type { Address, Hex } from "../types.js";
import { ChainCallError, isLogRangeError } from "./contract.js";
import type { RawCall, RawEstimate, RawLogFilter, RawRead, Transport } from "./transport.js";

/** Options of {@link withRetry} (its parameters object: `withRetry(transport, { attempts })`). */
export interface RetryOptions {
  /** Attempts per read, the first included (default 4). */
  readonly attempts?: number;
  /** Delay before the first retry in ms, doubled each time (default 250). */
  readonly baseDelayMs?: number;
  /** Called before each retry (for logs or progress output). */
  readonly onRetry?: (info: { readonly method: string; readonly attempt: number; readonly error: unknown }) => void;
}

const TRANSIENT_CODES = new Set(["TIMEOUT", "NETWORK_ERROR", "SERVER_ERROR", "ECONNRESET", "ECONNREFUSED", "EPIPE"]);
const TRANSIENT_NAMES = new Set(["HttpRequestError", "TimeoutError", "SocketClosedError", "LimitExceededRpcError"]);
const TRANSIENT_TEXT =
  /timed? ?out|ECONNRESET|ECONNREFUSED|EPIPE|socket hang up|fetch failed|network error|\b(429|502|503|504)\b|rate.?limit|too many requests|temporarily unavailable|overloaded|header not found|missing response/i;

/**
 * Whether `error` is worth retrying: a transport failure (timeout, dropped connection, HTTP 429/5xx, overloaded
 * node), never a contract revert, a log range refusal (the pager splits those) or an SDK validation error.
 *
 * @example
 * ```ts
 * isTransientError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })); // true
 * ```
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof ShareMallError && !(error instanceof ChainCallError)) return false;
  if (toContractError(error) !== undefined || isLogRangeError(error)) return false;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e);) {
    seen.add(e);
    if (typeof e !== "object") return TRANSIENT_TEXT.test(String(e));
    const record = e as { code?: unknown; name?: unknown; message?: unknown; shortMessage?: unknown; cause?: unknown };
    if (typeof record.code === "string" && TRANSIENT_CODES.has(record.code)) return true;
    if (typeof record.name === "string" && TRANSIENT_NAMES.has(record.name)) return true;
    for (const text of [record.shortMessage, record.message]) {
      if (typeof text === "string" && TRANSIENT_TEXT.test(text)) return true;
    }
    e = record.cause;
  }
  return false;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A transport whose reads (`call`, `estimateGas`, `getLogs`, `waitForReceipt`, block and balance queries) are retried
 * on transient failures with exponential backoff; after the last attempt a {@link ChainCallError} with code
 * `"CHAIN_UNAVAILABLE"` says how many attempts failed and keeps the last error as its cause. `send` and
 * `signTypedData` are passed through once, never repeated.
 *
 * @param transport - Any transport.
 * @param options - Attempts, first delay and a retry callback.
 * @throws {@link ShareMallError} `"INVALID_RETRY"` for attempts outside 1..20 or a negative delay.
 * @example
 * ```ts
 * const transport = withRetry(fromEthers(wallet), {
 *   attempts: 5,
 *   onRetry: (r) => console.warn(`retrying ${r.method}`),
 * });
 * ```
 */
export function withRetry(transport: Transport, options: WithRetryParameters = {}): Transport {
  const attempts = options.attempts ?? 4;
  const baseDelayMs = options.baseDelayMs ?? 250;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 20) {
    throw new ShareMallError("INVALID_RETRY", `attempts must be an integer from 1 to 20, got ${attempts}`);
  }
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new ShareMallError("INVALID_RETRY", `baseDelayMs must be a non-negative number, got ${baseDelayMs}`);
  }
  const retried =
    <A extends unknown[], R>(method: string, f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await f(...args);
        } catch (error) {
          if (!isTransientError(error)) throw error;
          if (attempt >= attempts) {
            const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
            throw new ChainCallError(
              `${method} failed ${attempts} time(s), the node looks unavailable: ${detail}`,
              error,
              "CHAIN_UNAVAILABLE",
            );
          }
          options.onRetry?.({ method, attempt, error });
          await sleep(baseDelayMs * 2 ** (attempt - 1));
        }
      }
    };
  return {
    library: transport.library,
    chainId: retried("chainId", () => transport.chainId()),
    blockNumber: retried("blockNumber", () => transport.blockNumber()),
    latestTimestamp: retried("latestTimestamp", () => transport.latestTimestamp()),
    blockGasLimit: retried("blockGasLimit", () => transport.blockGasLimit()),
    estimateGas: retried("estimateGas", (call: RawEstimate) => transport.estimateGas(call)),
    balance: retried("balance", (address: Address) => transport.balance(address)),
    code: retried("code", (address: Address) => transport.code(address)),
    call: retried("call", (call: RawRead) => transport.call(call)),
    account: retried("account", () => transport.account()),
    send: (call: RawCall) => transport.send(call),
    waitForReceipt: retried("waitForReceipt", (hash: Hex) => transport.waitForReceipt(hash)),
    getLogs: retried("getLogs", (filter: RawLogFilter) => transport.getLogs(filter)),
    signTypedData: (payload) => transport.signTypedData(payload),
  };
}

/** Parameters of {@link withRetry}: its {@link RetryOptions}. */
export type WithRetryParameters = RetryOptions;
