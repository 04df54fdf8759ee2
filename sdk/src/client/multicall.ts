/**
 * Batched reads: many view calls in few `eth_call`s through Multicall3's `aggregate3` (at its canonical address on
 * every chain that has it), at one block, with a bounded number of requests in flight. Where Multicall3 is absent
 * (a fresh local node) the same reads are made one `eth_call` each, still bounded, with the same results and the
 * same errors as {@link readContract}.
 *
 * @packageDocumentation
 */
import { decodeFunctionResult, encodeFunctionData, type Abi } from "viem";
import { decodeContractError } from "../contract-errors.js";
import { InvalidAmountError } from "../errors.js";
import type { Address, Hex } from "../types.js";
import { validateAddress } from "../validation.js";
import { optionalBlock, parametersOf } from "../internal/parameters.js";
import {
  ChainCallError,
  decodeResult,
  encodeCall,
  readContract,
  type ReadContractParameters,
  type ReadFunctionName,
  type ReadResult,
} from "./contract.js";
import type { Transport } from "./transport.js";

/** Multicall3's address: the same on every chain it is deployed on (see multicall3.com for the list). */
export const MULTICALL3_ADDRESS: Address = "0xcA11bde05977b3631167028862bE2a173976CA11";

/** Calls per `aggregate3` request by default. */
export const DEFAULT_CALLS_PER_BATCH = 250;
/** Requests in flight at once by default (batches, or single calls without Multicall3). */
export const DEFAULT_READ_CONCURRENCY = 4;
/** Calldata bytes per `aggregate3` request at most (a batch is cut earlier when its calls are long). */
const MAX_BATCH_BYTES = 120_000;

const aggregate3Abi = [
  {
    type: "function",
    name: "aggregate3",
    stateMutability: "payable",
    inputs: [
      {
        name: "calls",
        type: "tuple[]",
        components: [
          { name: "target", type: "address" },
          { name: "allowFailure", type: "bool" },
          { name: "callData", type: "bytes" },
        ],
      },
    ],
    outputs: [
      {
        name: "returnData",
        type: "tuple[]",
        components: [
          { name: "success", type: "bool" },
          { name: "returnData", type: "bytes" },
        ],
      },
    ],
  },
] as const;

/** How the reads of one call are batched: every read model that makes many reads takes these. */
export interface ReadBatching {
  /**
   * The Multicall3 contract to batch through (default {@link MULTICALL3_ADDRESS}), or `false` for one `eth_call`
   * per read. Without code there, the reads fall back to one `eth_call` each by themselves.
   */
  readonly multicall?: string | false;
  /** Calls per `aggregate3` request (default {@link DEFAULT_CALLS_PER_BATCH}, 1 to 5,000). */
  readonly callsPerBatch?: number;
  /** Requests in flight at once (default {@link DEFAULT_READ_CONCURRENCY}, 1 to 64). */
  readonly concurrency?: number;
}

/** One read of a {@link readContracts} call; `R` is its decoded result (see {@link contractRead}). */
export interface ContractRead<R = unknown> {
  readonly address: Address;
  readonly abi: Abi;
  readonly functionName: string;
  readonly args: readonly unknown[];
  /** Type only: the decoded result. Never set. */
  readonly resultType?: R;
}

/**
 * One read for {@link readContracts}, typed like {@link readContract}'s parameters (without the block: the batch
 * has one).
 *
 * @example
 * ```ts
 * const read = contractRead({ address: token, abi: dividendTokenAbi, functionName: "claimable", args: [holder] });
 * ```
 */
export function contractRead<const A extends Abi, N extends ReadFunctionName<A>>(
  read: Omit<ReadContractParameters<A, N>, "blockNumber">,
): ContractRead<ReadResult<A, N>> {
  return read as unknown as ContractRead<ReadResult<A, N>>;
}

/** The outcome of one read: its decoded result, or the error {@link readContract} would have thrown. */
export type ReadOutcome<R> =
  { readonly status: "success"; readonly result: R } | { readonly status: "failure"; readonly error: Error };

/** The decoded result type of a {@link ContractRead}. */
export type ContractReadResult<T> = T extends ContractRead<infer R> ? R : never;

/** Parameters of {@link readContracts}. */
export interface ReadContractsParameters<T extends readonly ContractRead[]> extends ReadBatching {
  /** The reads, in the order of the outcomes. */
  readonly contracts: T;
  /** Read every call at this block (default: the latest block, read once for the whole call). */
  readonly blockNumber?: bigint;
}

/** Which transports were found without Multicall3 at which address (they read one call at a time from then on). */
const missing = new WeakMap<Transport, Set<Address>>();

/** Checks the {@link ReadBatching} options (read models call it before their first read). */
export function checkBatching(batching: ReadBatching): {
  multicall: Address | undefined;
  callsPerBatch: number;
  concurrency: number;
} {
  const integer = (field: string, value: number | undefined, fallback: number, max: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1 || value > max) {
      throw new InvalidAmountError(field, value, `must be an integer from 1 to ${max}`);
    }
    return value;
  };
  return {
    multicall:
      batching.multicall === false ? undefined : validateAddress("multicall", batching.multicall ?? MULTICALL3_ADDRESS),
    callsPerBatch: integer("callsPerBatch", batching.callsPerBatch, DEFAULT_CALLS_PER_BATCH, 5_000),
    concurrency: integer("concurrency", batching.concurrency, DEFAULT_READ_CONCURRENCY, 64),
  };
}

/** Runs `tasks` with at most `limit` in flight, and returns their results in order. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

/** A revert with data inside a batch as the error a direct `eth_call` would have given. */
function revertError(read: ContractRead, data: Hex): Error {
  const decoded = decodeContractError(data);
  if (decoded !== undefined) return decoded;
  const detail = `execution reverted (data ${data})`;
  return new ChainCallError(
    `${read.functionName} on ${read.address} failed: ${detail}`,
    Object.assign(new Error(detail), { data }),
  );
}

/** Decodes one result, or the BAD_RESULT error {@link readContract} gives (e.g. no code at the address). */
function outcomeOf(read: ContractRead, data: Hex): ReadOutcome<unknown> {
  try {
    return { status: "success", result: decodeResult(read.abi, read.functionName, data) };
  } catch (error) {
    return {
      status: "failure",
      error: new ChainCallError(
        `${read.functionName} on ${read.address} returned data that does not decode: ${data}`,
        (error as ChainCallError).cause,
        "BAD_RESULT",
      ),
    };
  }
}

async function single(transport: Transport, read: ContractRead, blockNumber: bigint): Promise<ReadOutcome<unknown>> {
  try {
    const result = await readContract(transport, { ...read, blockNumber } as never);
    return { status: "success", result };
  } catch (error) {
    return { status: "failure", error: error as Error };
  }
}

/**
 * One `aggregate3` request for `reads`; `undefined` when the answer does not decode as aggregate3's (no Multicall3
 * at that address, at that block).
 */
async function batch(
  transport: Transport,
  multicall: Address,
  reads: readonly ContractRead[],
  data: readonly Hex[],
  blockNumber: bigint,
  concurrency: number,
): Promise<ReadOutcome<unknown>[] | undefined> {
  const calldata = encodeFunctionData({
    abi: aggregate3Abi,
    functionName: "aggregate3",
    args: [reads.map((r, i) => ({ target: r.address, allowFailure: true, callData: data[i] }))],
  });
  const answer = await transport.call({ to: multicall, data: calldata, blockNumber });
  let results: readonly { success: boolean; returnData: Hex }[];
  try {
    results = decodeFunctionResult({ abi: aggregate3Abi, functionName: "aggregate3", data: answer });
  } catch {
    return undefined;
  }
  if (results.length !== reads.length) return undefined;
  const outcomes = results.map((r, i) =>
    r.success
      ? outcomeOf(reads[i], r.returnData)
      : r.returnData === "0x"
        ? undefined
        : ({ status: "failure", error: revertError(reads[i], r.returnData) } as const),
  );
  // A call that failed without data may have run out of the batch's gas rather than reverted: it is read alone,
  // which gives readContract's own error if it does revert.
  const retried = await pool(
    outcomes.flatMap((o, i) => (o === undefined ? [() => single(transport, reads[i], blockNumber)] : [])),
    concurrency,
  );
  return outcomes.map((o) => o ?? retried.shift()!);
}

/**
 * Makes many view calls at one block: through Multicall3's `aggregate3` in batches of `callsPerBatch`, at most
 * `concurrency` requests in flight; without Multicall3 at `multicall` (or with `multicall: false`), one `eth_call`
 * per read, equally bounded. A read that fails does not fail the others: its outcome carries the error
 * {@link readContract} would have thrown (a decoded `ContractRevertError`, or a `ChainCallError`). Through
 * Multicall3 the calls' `msg.sender` is Multicall3, not the signer; every ShareMall view ignores its caller.
 *
 * @param transport - Any transport.
 * @param parameters - `contracts` (built with {@link contractRead} for typed results), `blockNumber`, and the
 * {@link ReadBatching} options.
 * @returns One outcome per read, in order.
 * @throws The SDK's typed input errors (a malformed address or argument) before anything is read.
 * @example
 * ```ts
 * const [balance, owed] = await readContracts(transport, {
 *   contracts: [
 *     contractRead({ address: token, abi: dividendTokenAbi, functionName: "balanceOf", args: [me] }),
 *     contractRead({ address: token, abi: dividendTokenAbi, functionName: "claimable", args: [me] }),
 *   ] as const,
 * });
 * if (owed.status === "success") console.log(owed.result);
 * ```
 */
export async function readContracts<const T extends readonly ContractRead[]>(
  transport: Transport,
  parameters: ReadContractsParameters<T>,
): Promise<{ -readonly [K in keyof T]: ReadOutcome<ContractReadResult<T[K]>> }> {
  const { contracts, blockNumber, ...batching } = parametersOf("readContracts", parameters);
  const { multicall, callsPerBatch, concurrency } = checkBatching(batching);
  const reads = contracts.map((read, i) => ({
    ...read,
    address: validateAddress(`contracts[${i}].address`, read.address),
  }));
  // Every argument encodes (or the call is refused) before the first request.
  const data = reads.map((read) => encodeCall(read.abi, read.functionName as never, read.args as never));
  type Out = { -readonly [K in keyof T]: ReadOutcome<ContractReadResult<T[K]>> };
  if (reads.length === 0) return [] as unknown as Out;
  const block = optionalBlock(blockNumber) ?? (await transport.blockNumber());
  const singles = async (from: number, to: number): Promise<ReadOutcome<unknown>[]> =>
    pool(
      reads.slice(from, to).map((read) => () => single(transport, read, block)),
      concurrency,
    );
  if (multicall === undefined || missing.get(transport)?.has(multicall) === true) {
    return (await singles(0, reads.length)) as unknown as Out;
  }
  const chunks: [number, number][] = [];
  for (let start = 0; start < reads.length;) {
    let end = start;
    let bytes = 0;
    while (
      end < reads.length &&
      end - start < callsPerBatch &&
      (end === start || bytes + data[end].length / 2 <= MAX_BATCH_BYTES)
    ) {
      bytes += data[end].length / 2;
      end++;
    }
    chunks.push([start, end]);
    start = end;
  }
  const run = async ([from, to]: [number, number]): Promise<ReadOutcome<unknown>[]> => {
    if (missing.get(transport)?.has(multicall) === true) return singles(from, to);
    let outcomes: ReadOutcome<unknown>[] | undefined;
    try {
      outcomes = await batch(transport, multicall, reads.slice(from, to), data.slice(from, to), block, concurrency);
    } catch {
      // The batch itself failed (too large for the node's gas cap, a rate limit): read its calls one by one.
      return singles(from, to);
    }
    if (outcomes === undefined) {
      if (!missing.has(transport)) missing.set(transport, new Set());
      missing.get(transport)!.add(multicall);
      return singles(from, to);
    }
    return outcomes;
  };
  // The first batch alone tells whether Multicall3 is there; the others follow, `concurrency` at a time.
  const first = await run(chunks[0]);
  const rest = await pool(
    chunks.slice(1).map((chunk) => () => run(chunk)),
    concurrency,
  );
  return [first, ...rest].flat() as unknown as Out;
}

/**
 * {@link readContracts} for read models: every result, or the first failure (in read order) thrown, as a run of
 * {@link readContract} calls one after another would have thrown it.
 */
export async function readAll<const T extends readonly ContractRead[]>(
  transport: Transport,
  parameters: ReadContractsParameters<T>,
): Promise<{ -readonly [K in keyof T]: ContractReadResult<T[K]> }> {
  const outcomes = (await readContracts(transport, parameters)) as readonly ReadOutcome<unknown>[];
  const out: unknown[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === "failure") throw outcome.error;
    out.push(outcome.result);
  }
  return out as { -readonly [K in keyof T]: ContractReadResult<T[K]> };
}
