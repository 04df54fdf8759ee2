/**
 * EIP-5792 (`wallet_getCapabilities`, `wallet_sendCalls`, `wallet_getCallsStatus`): when the wallet executes a batch
 * of calls atomically on the page's chain (`atomic.status` "supported" or "ready"; older wallets: `atomicBatch`
 * `supported`), claim all sends one batch with one `claim()` per token instead of the factory's `claimMany`.
 */
import { encodeFunctionData } from "viem";
import { dividendTokenAbi } from "../../sdk/src/abis.js";
import { decodeLogs } from "../../sdk/src/client/contract.js";
import type { RawLog } from "../../sdk/src/client/transport.js";
import type { Address, Hex } from "../../sdk/src/types.js";
import type { Eip1193Provider } from "./wallet.js";

/** Which EIP-5792 dialect the wallet speaks: "2" (`atomic`, status codes) or "1" (`atomicBatch`, status words). */
export type BatchVersion = "1" | "2";

const hexChain = (id: number): Hex => `0x${id.toString(16)}`;

/** Whether the wallet batches atomically on `chainId` (and in which dialect); null when not (or it cannot tell). */
export async function atomicBatchSupport(
  provider: Eip1193Provider,
  account: Address,
  chainId: number,
): Promise<BatchVersion | null> {
  let capabilities: unknown;
  try {
    capabilities = await provider.request({ method: "wallet_getCapabilities", params: [account, [hexChain(chainId)]] });
  } catch {
    return null; // a wallet without EIP-5792
  }
  if (typeof capabilities !== "object" || capabilities === null) return null;
  const all = capabilities as Record<string, unknown>;
  // Keys are hex chain ids; "0x0" applies to every chain.
  for (const key of Object.keys(all)) {
    if (key !== "0x0" && Number.parseInt(key, 16) !== chainId) continue;
    const forChain = all[key] as { atomic?: { status?: unknown }; atomicBatch?: { supported?: unknown } } | null;
    const status = forChain?.atomic?.status;
    if (status === "supported" || status === "ready") return "2";
    if (forChain?.atomicBatch?.supported === true) return "1";
  }
  return null;
}

/** A receipt as EIP-5792 returns it (the fields the page reads). */
interface CallsReceipt {
  readonly status?: string;
  readonly transactionHash?: Hex;
  readonly logs?: readonly {
    address: Address;
    topics: readonly Hex[];
    data: Hex;
    blockNumber?: Hex;
    logIndex?: Hex;
    transactionHash?: Hex;
  }[];
}

/** A batch the wallet accepted. */
export interface SentBatch {
  readonly id: string;
  readonly version: BatchVersion;
}

/** Sends one `claim()` per token as one atomic batch; resolves with the batch id once the wallet accepted it. */
export async function sendClaimBatch(
  provider: Eip1193Provider,
  account: Address,
  chainId: number,
  tokens: readonly Address[],
  version: BatchVersion,
): Promise<SentBatch> {
  const calls = tokens.map((token) => ({
    to: token,
    data: encodeFunctionData({ abi: dividendTokenAbi, functionName: "claim", args: [] }),
    value: "0x0",
  }));
  const request =
    version === "2"
      ? { version: "2.0.0", chainId: hexChain(chainId), from: account, atomicRequired: true, calls }
      : { version: "1.0", chainId: hexChain(chainId), from: account, calls };
  const result = await provider.request({ method: "wallet_sendCalls", params: [request] });
  const id = typeof result === "string" ? result : (result as { id?: unknown } | null)?.id;
  if (typeof id !== "string") throw new Error(`wallet_sendCalls answered no batch id: ${JSON.stringify(result)}`);
  return { id, version };
}

/** What a confirmed claim batch paid. */
export interface BatchOutcome {
  /** Wei paid, from the tokens' `DividendsClaimed` events of the batch's receipts. */
  readonly total: bigint;
  readonly recipient: Address;
  /** The batch's (first) transaction. */
  readonly hash: Hex | undefined;
}

/**
 * What `account` was paid in `logs`, and to whom: the `DividendsClaimed` events of `tokens` only, so that another
 * contract in the receipts (a smart account, a recipient) cannot make up a payment.
 */
export function claimedIn(
  logs: readonly RawLog[],
  account: Address,
  tokens: readonly Address[],
): { total: bigint; recipient: Address } {
  const known = new Set(tokens.map((token) => token.toLowerCase()));
  let total = 0n;
  let recipient = account;
  for (const event of decodeLogs(dividendTokenAbi, logs)) {
    if (!known.has(event.address.toLowerCase())) continue;
    if (event.eventName === "DividendsClaimed" && event.args.holder.toLowerCase() === account.toLowerCase()) {
      total += event.args.amount;
      recipient = event.args.recipient;
    }
  }
  return { total, recipient };
}

/** A batch the wallet or the chain refused. */
export class BatchFailedError extends Error {}

/** Polls `wallet_getCallsStatus` every `intervalMs` until the batch is final. */
export async function waitForBatch(
  provider: Eip1193Provider,
  batch: SentBatch,
  account: Address,
  tokens: readonly Address[],
  intervalMs = 1_000,
  timeoutMs = 15 * 60_000,
): Promise<BatchOutcome> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await provider.request({ method: "wallet_getCallsStatus", params: [batch.id] })) as {
      status?: unknown;
      receipts?: readonly CallsReceipt[];
    } | null;
    const code = status?.status;
    const done = code === 200 || code === "CONFIRMED";
    const failed = typeof code === "number" && code >= 400;
    if (done || failed) {
      const receipts = status?.receipts ?? [];
      if (failed || receipts.some((r) => r.status !== undefined && r.status !== "0x1")) {
        throw new BatchFailedError(`The wallet's batch ${batch.id} failed (status ${String(code)}).`);
      }
      const logs: RawLog[] = receipts.flatMap((receipt) =>
        (receipt.logs ?? []).map((log) => ({
          address: log.address,
          topics: log.topics,
          data: log.data,
          blockNumber: BigInt(log.blockNumber ?? 0),
          transactionHash: log.transactionHash ?? receipt.transactionHash ?? "0x",
          logIndex: Number(log.logIndex ?? 0),
        })),
      );
      const { total, recipient } = claimedIn(logs, account, tokens);
      return { total, recipient, hash: receipts[0]?.transactionHash };
    }
    if (Date.now() > deadline) throw new BatchFailedError(`The wallet did not finish batch ${batch.id} in time.`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
