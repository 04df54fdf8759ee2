/**
 * The one place where the SDK encodes contract calls and decodes results and logs, with viem's ABI codec over the
 * `as const` ABIs of `../abis.js`, so results have the same shape whichever {@link Transport} carries the bytes
 * (ethers or viem): structs as objects with named fields, several outputs as a tuple, integers of 48 bits or fewer
 * as `number` and wider ones as `bigint`, addresses checksummed, bytes as lower-case hex (the shapes viem's types
 * describe).
 *
 * @packageDocumentation
 */
import {
  decodeEventLog,
  decodeFunctionResult,
  encodeFunctionData,
  getAddress,
  toEventSelector,
  type AbiEvent,
  type AbiFunction,
  type AbiParameter,
} from "viem";
import type {
  Abi,
  ContractEventName,
  ContractFunctionArgs,
  ContractFunctionName,
  ContractFunctionReturnType,
  GetEventArgs,
} from "viem";
import { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "../abis.js";
import { toContractError } from "../contract-errors.js";
import { describeValue, InvalidAmountError, InvalidOrderError, NotAContractError, ShareMallError } from "../errors.js";
import type { Address, Hex } from "../types.js";
import { validateAddress, validateAmount } from "../validation.js";
import { optionalBlock, parametersOf } from "../internal/parameters.js";
import type { RawLog, RawLogFilter, RawReceipt, Transport } from "./transport.js";

/**
 * A chain or transport failure that is not a contract revert; `cause` is what the library threw. Codes:
 * `"CHAIN_CALL_FAILED"` (a read or a send that failed), `"RECEIPT_UNKNOWN"` (the transaction was sent — see
 * `transactionHash` — but its receipt could not be read: it may be mined), `"TRANSACTION_REVERTED"`, `"BAD_RESULT"`.
 */
export class ChainCallError extends ShareMallError {
  constructor(
    message: string,
    /** The original error. */
    readonly cause: unknown,
    code: string = "CHAIN_CALL_FAILED",
    /** The transaction concerned, when it was sent. */
    readonly transactionHash?: Hex,
  ) {
    super(code, message);
  }
}

/** Every ShareMall ABI together: the events a ShareMall transaction can emit (a settle emits token events too). */
export const shareMallAbi = /* @__PURE__ */ joinAbis(shopAbi, dividendTokenAbi, shareMallFactoryAbi);

function joinAbis<
  const A extends readonly unknown[],
  const B extends readonly unknown[],
  const C extends readonly unknown[],
>(a: A, b: B, c: C): readonly [...A, ...B, ...C] {
  return [...a, ...b, ...c];
}

/** View and pure functions of `A`. */
export type ReadFunctionName<A extends Abi> = ContractFunctionName<A, "view" | "pure">;
/** State-changing functions of `A`. */
export type WriteFunctionName<A extends Abi> = ContractFunctionName<A, "nonpayable" | "payable">;
/** The argument tuple of function `N` of `A`. */
export type FunctionArgs<
  A extends Abi,
  N extends ContractFunctionName<A, "view" | "pure" | "nonpayable" | "payable">,
> = ContractFunctionArgs<A, "view" | "pure" | "nonpayable" | "payable", N>;
/** The decoded result of view function `N` of `A`. */
export type ReadResult<A extends Abi, N extends ReadFunctionName<A>> = ContractFunctionReturnType<
  A,
  "view" | "pure",
  N
>;

/** A decoded log of event `N` of `A`, with where it was emitted. */
export type DecodedEvent<A extends Abi, N extends ContractEventName<A> = ContractEventName<A>> = {
  [K in N]: {
    readonly eventName: K;
    readonly args: GetEventArgs<A, K, { EnableUnion: false; IndexedOnly: false; Required: true }>;
    readonly address: Address;
    readonly blockNumber: bigint;
    readonly transactionHash: Hex;
    readonly logIndex: number;
  };
}[N];

/** What {@link writeContract} returns once the transaction is mined. */
export interface WriteResult {
  readonly hash: Hex;
  readonly receipt: RawReceipt;
  /** The transaction's logs decoded with every ShareMall ABI (logs of other contracts are left out). */
  readonly events: readonly DecodedEvent<typeof shareMallAbi>[];
}

/** The functions and events of one ABI, by name and by topic 0. */
interface AbiIndex {
  readonly functions: ReadonlyMap<string, AbiFunction>;
  readonly events: ReadonlyMap<string, AbiEvent>;
  readonly topics: ReadonlyMap<Hex, AbiEvent>;
}

const indexes = new WeakMap<object, AbiIndex>();

function indexOf(abi: Abi): AbiIndex {
  if (!Array.isArray(abi)) {
    throw new ShareMallError("INVALID_ABI", `Expected an ABI (an array of fragments), got ${describeValue(abi)}`);
  }
  let index = indexes.get(abi);
  if (index === undefined) {
    const functions = new Map<string, AbiFunction>();
    const events = new Map<string, AbiEvent>();
    const topics = new Map<Hex, AbiEvent>();
    for (const item of abi) {
      // The first of two same-named items wins: the combined ABIs repeat inherited events.
      if (item.type === "function" && !functions.has(item.name)) functions.set(item.name, item);
      if (item.type === "event" && !events.has(item.name)) {
        events.set(item.name, item);
        const topic = toEventSelector(item);
        if (!topics.has(topic)) topics.set(topic, item);
      }
    }
    index = { functions, events, topics };
    indexes.set(abi, index);
  }
  return index;
}

function functionOf(abi: Abi, fn: string): AbiFunction {
  const fragment = indexOf(abi).functions.get(fn);
  if (fragment === undefined) throw new ShareMallError("UNKNOWN_FUNCTION", `The ABI has no function ${fn}`);
  return fragment;
}

/** `type[]` or `type[N]`: the element type, else `undefined`. */
function arrayChild(param: AbiParameter): AbiParameter | undefined {
  const match = /^(.*)\[(\d*)\]$/.exec(param.type);
  if (match === null) return undefined;
  return { ...param, type: match[1]! } as AbiParameter;
}

function componentsOf(param: AbiParameter): readonly AbiParameter[] | undefined {
  return param.type === "tuple" ? ((param as { components?: readonly AbiParameter[] }).components ?? []) : undefined;
}

/** Refuses a malformed address or unsigned integer argument with the SDK's typed error, before the encoder sees it. */
function checkArgument(field: string, param: AbiParameter, value: unknown): void {
  const child = arrayChild(param);
  if (child !== undefined) {
    if (!Array.isArray(value)) throw new InvalidOrderError(field, `expected an array, got ${describeValue(value)}`);
    value.forEach((v: unknown, i: number) => checkArgument(`${field}[${i}]`, child, v));
    return;
  }
  const components = componentsOf(param);
  if (components !== undefined) {
    if (typeof value !== "object" || value === null) {
      throw new InvalidOrderError(field, `expected a struct, got ${describeValue(value)}`);
    }
    const record = value as Record<string, unknown> & unknown[];
    components.forEach((c, i) =>
      checkArgument(`${field}.${c.name || i}`, c, Array.isArray(value) ? record[i] : record[c.name ?? ""]),
    );
    return;
  }
  if (param.type === "address") {
    validateAddress(field, value, { allowZero: true });
    return;
  }
  const uint = /^uint(\d*)$/.exec(param.type);
  if (uint !== null) {
    const bits = BigInt(uint[1] === "" ? 256 : Number(uint[1]));
    validateAmount(field, value, { max: (1n << bits) - 1n });
  }
}

/** Checks the contract address and, for a write, the value, as every public entry point does. */
function checkTarget(address: unknown, value?: unknown): Address {
  const target = validateAddress("contract", address);
  if (value !== undefined) validateAmount("value", value);
  return target;
}

function failure(error: unknown, what: string): Error {
  const revert = toContractError(error);
  if (revert !== undefined) return revert;
  if (error instanceof ShareMallError) return error;
  const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return new ChainCallError(`${what} failed: ${detail}`, error);
}

/**
 * Encodes calldata for function `fn` of `abi`.
 *
 * @example
 * ```ts
 * const data = encodeCall(shopAbi, "dayRecord", [20786n]);
 * ```
 */
export function encodeCall<
  const A extends Abi,
  N extends ContractFunctionName<A, "view" | "pure" | "nonpayable" | "payable">,
>(abi: A, fn: N, args: FunctionArgs<A, N>): Hex {
  const fragment = functionOf(abi, fn);
  const values = args as unknown as readonly unknown[];
  if (!Array.isArray(values) || values.length !== fragment.inputs.length) {
    throw new InvalidOrderError(`${fn} arguments`, `expected ${fragment.inputs.length} argument(s)`);
  }
  fragment.inputs.forEach((input, i) => checkArgument(`${fn}.${input.name || i}`, input, values[i]));
  try {
    return encodeFunctionData({ abi: [fragment], functionName: fragment.name, args: values } as never);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new InvalidOrderError(`${fn} arguments`, detail);
  }
}

/**
 * Decodes the return data of function `fn` of `abi`: one output as itself, several as a tuple, structs as objects
 * (see the module doc). Throws a `ChainCallError` (code `BAD_RESULT`) when `data` does not decode. For return data read another way (one's
 * own multicall, a trace).
 *
 * @example
 * ```ts
 * const record = decodeResult(shopAbi, "dayRecord", returnData) as { revenue: bigint; orderCount: bigint };
 * ```
 */
export function decodeResult(abi: Abi, fn: string, data: Hex): unknown {
  const fragment = functionOf(abi, fn);
  try {
    return decodeFunctionResult({ abi: [fragment], functionName: fragment.name, data } as never);
  } catch (error) {
    throw new ChainCallError(`${fn} returned data that does not decode: ${data}`, error, "BAD_RESULT");
  }
}

/** Parameters of {@link readContract} (viem's names). */
export interface ReadContractParameters<A extends Abi, N extends ReadFunctionName<A>> {
  /** The contract. */
  readonly address: Address;
  readonly abi: A;
  /** A view or pure function of `abi`. */
  readonly functionName: N;
  readonly args: FunctionArgs<A, N>;
  /** Read the state at this block (default: the latest). */
  readonly blockNumber?: bigint;
}

/**
 * Calls view function `functionName` of the contract at `address` (an `eth_call`, at `blockNumber` when given) and
 * decodes its result.
 *
 * @returns The decoded result: one output as itself, several as a tuple.
 * @throws {@link ContractRevertError} when the contract reverts with a ShareMall error; {@link ChainCallError}
 * for any other failure.
 * @example
 * ```ts
 * const record = await readContract(transport, {
 *   address: shop,
 *   abi: shopAbi,
 *   functionName: "dayRecord",
 *   args: [day],
 * });
 * console.log(record.revenue, record.orderCount);
 * ```
 */
export async function readContract<const A extends Abi, N extends ReadFunctionName<A>>(
  transport: Transport,
  parameters: ReadContractParameters<A, N>,
): Promise<ReadResult<A, N>> {
  const { address, abi, functionName: fn, args, blockNumber } = parametersOf("readContract", parameters);
  const block = optionalBlock(blockNumber);
  const target = checkTarget(address);
  const data = encodeCall(abi, fn as never, args as never);
  let result: Hex;
  try {
    result = await transport.call({ to: target, data, ...(block !== undefined ? { blockNumber: block } : {}) });
  } catch (error) {
    throw failure(error, `${fn} on ${address}`);
  }
  try {
    return decodeResult(abi, fn, result) as ReadResult<A, N>;
  } catch (error) {
    throw new ChainCallError(
      `${fn} on ${address} returned data that does not decode: ${result}`,
      (error as ChainCallError).cause,
      "BAD_RESULT",
    );
  }
}

/** Options of {@link writeContract}: the {@link WriteContractParameters} besides the call itself. */
export interface WriteOptions {
  /** Native coin to send, in wei. */
  readonly value?: bigint;
}

/** Parameters of {@link writeContract} (viem's names). */
export interface WriteContractParameters<A extends Abi, N extends WriteFunctionName<A>> extends WriteOptions {
  /** The contract. */
  readonly address: Address;
  readonly abi: A;
  /** A state-changing function of `abi`. */
  readonly functionName: N;
  readonly args: FunctionArgs<A, N>;
}

/**
 * Sends a transaction calling `functionName` of the contract at `address`, waits for it to be mined, and decodes its
 * events.
 *
 * @throws {@link ContractRevertError} when the contract reverts with a ShareMall error (at gas estimation or
 * mined); {@link ChainCallError} (`cause`: the original error) for any other failure, code `"TRANSACTION_REVERTED"`
 * for a mined revert whose reason cannot be found.
 * @example
 * ```ts
 * const { hash, events } = await writeContract(transport, {
 *   address: shop,
 *   abi: shopAbi,
 *   functionName: "settle",
 *   args: [day],
 *   value: missing,
 * });
 * for (const e of events) if (e.eventName === "DaySettled") console.log(e.args.fromEscrow, e.args.fromBalance);
 * ```
 */
export async function writeContract<const A extends Abi, N extends WriteFunctionName<A>>(
  transport: Transport,
  parameters: WriteContractParameters<A, N>,
): Promise<WriteResult> {
  const { address, abi, functionName: fn, args, ...options } = parametersOf("writeContract", parameters);
  const target = checkTarget(address, options.value);
  const data = encodeCall(abi, fn, args);
  if ((await transport.code(target)) === "0x") throw new NotAContractError("contract", target);
  const call = { to: target, data, ...(options.value !== undefined ? { value: options.value } : {}) };
  let hash: Hex;
  let receipt: RawReceipt;
  try {
    hash = await transport.send(call);
  } catch (error) {
    // A lost response may still have delivered the transaction: callers re-run idempotently (e.g. skipCounted).
    throw failure(error, `${fn} on ${address}`);
  }
  try {
    receipt = await transport.waitForReceipt(hash);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new ChainCallError(
      `${fn} on ${address} was sent as ${hash} but its receipt could not be read (it may be mined): ${detail}`,
      error,
      "RECEIPT_UNKNOWN",
      hash,
    );
  }
  if (receipt.status === "reverted") {
    // Replay the call to find the reason (it reproduces unless the state changed since).
    let replayError: unknown;
    try {
      await transport.call(call);
    } catch (error) {
      replayError = error;
    }
    const revert = toContractError(replayError);
    if (revert !== undefined) throw revert;
    throw new ChainCallError(
      `${fn} on ${address} reverted in transaction ${hash}`,
      replayError,
      "TRANSACTION_REVERTED",
    );
  }
  return { hash, receipt, events: decodeLogs(shareMallAbi, receipt.logs) };
}

/**
 * Decodes the logs that are events of `abi`; logs it does not know (or that do not decode) are left out.
 *
 * @example
 * ```ts
 * const events = decodeLogs(shopAbi, receipt.logs);
 * const counted = events.filter((e) => e.eventName === "OrderCounted");
 * ```
 */
export function decodeLogs<const A extends Abi>(abi: A, logs: readonly RawLog[]): DecodedEvent<A>[] {
  const { topics } = indexOf(abi);
  const out: DecodedEvent<A>[] = [];
  for (const log of logs) {
    const topic = log.topics[0];
    if (topic === undefined) continue;
    const fragment = topics.get(topic.toLowerCase() as Hex);
    if (fragment === undefined) continue;
    let args: unknown;
    try {
      ({ args } = decodeEventLog({
        abi: [fragment],
        data: log.data,
        topics: log.topics as [Hex, ...Hex[]],
      }));
    } catch {
      continue;
    }
    out.push({
      eventName: fragment.name,
      args,
      address: getAddress(log.address) as Address,
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
    } as unknown as DecodedEvent<A>);
  }
  return out;
}

/**
 * The topic-0 hash of event `name` of `abi` (for log filters).
 *
 * @example
 * ```ts
 * const topic = eventTopic(dividendTokenAbi, "DividendsClaimed");
 * ```
 */
export function eventTopic<const A extends Abi>(abi: A, name: ContractEventName<A>): Hex {
  const fragment = indexOf(abi).events.get(name);
  if (fragment === undefined) throw new ShareMallError("UNKNOWN_EVENT", `The ABI has no event ${name}`);
  return toEventSelector(fragment);
}

/** Progress of {@link getLogsPaged}. */
export interface LogPageProgress {
  /** Last block queried so far. */
  readonly toBlock: bigint;
  /** Blocks queried so far and in all. */
  readonly doneBlocks: bigint;
  readonly totalBlocks: bigint;
  /** Logs found so far. */
  readonly logs: number;
}

/** Options of {@link getLogsPaged}: the block range and paging of its {@link GetLogsPagedParameters}. */
export interface LogPagingOptions {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Blocks per query (default 2,000); halved whenever the node refuses a page as too large. */
  readonly pageSize?: bigint;
  readonly onProgress?: (progress: LogPageProgress) => void;
}

/** Parameters of {@link getLogsPaged}: the log filter (`address`, `topics`) and the range and paging. */
export interface GetLogsPagedParameters extends Omit<RawLogFilter, "fromBlock" | "toBlock">, LogPagingOptions {}

/** Default blocks per `eth_getLogs` query, within the limits of common public RPC endpoints. */
export const DEFAULT_LOG_PAGE_SIZE = 2_000n;

const TOO_LARGE =
  /more than \d+ results|too many (results|logs|blocks)|range (is )?too (large|wide|big)|block range|limit exceeded|exceed(s|ed)? (the )?(max|limit)|response size|query timeout|-32005/i;

/**
 * Whether `error` (or one of its causes) is a node refusing a log query as too large.
 *
 * @example
 * ```ts
 * isLogRangeError(new Error("query returned more than 10000 results")); // true
 * ```
 */
export function isLogRangeError(error: unknown): boolean {
  const seen = new Set<unknown>();
  let level: unknown[] = [error];
  for (let depth = 0; depth < 8 && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node === "string") {
        if (TOO_LARGE.test(node)) return true;
        continue;
      }
      if (typeof node !== "object" || node === null || seen.has(node)) continue;
      seen.add(node);
      const record = node as Record<string, unknown>;
      for (const key of ["message", "shortMessage", "details", "error", "info", "cause"]) {
        if (key in record) next.push(record[key]);
      }
    }
    level = next;
  }
  return false;
}

/**
 * Queries logs over `[fromBlock, toBlock]` page by page, oldest first. A page the node refuses as too large
 * ("query returned more than 10000 results", "block range too large", ...) is halved and retried, down to one block.
 * `fromBlock = toBlock + 1` is an empty range (an incremental sync with no new block) and returns no logs.
 *
 * @throws `InvalidAmountError` for a negative block or `fromBlock > toBlock + 1`, `InvalidAddressError` for a bad
 * filter address; {@link ChainCallError} for other failures, or when a single block is still too large.
 * @example
 * ```ts
 * const logs = await getLogsPaged(transport, {
 *   address: shop,
 *   topics: [eventTopic(shopAbi, "OrderCounted")],
 *   fromBlock: 0n,
 *   toBlock: await transport.blockNumber(),
 *   onProgress: (p) => console.log(`${p.doneBlocks}/${p.totalBlocks} blocks`),
 * });
 * ```
 */
export async function getLogsPaged(transport: Transport, parameters: GetLogsPagedParameters): Promise<RawLog[]> {
  const { address, topics, fromBlock, toBlock, pageSize, onProgress } = parametersOf("getLogsPaged", parameters);
  const filter = { ...(address !== undefined ? { address } : {}), ...(topics !== undefined ? { topics } : {}) };
  const options = { pageSize, onProgress };
  let size = options.pageSize ?? DEFAULT_LOG_PAGE_SIZE;
  if (size < 1n) throw new ShareMallError("INVALID_PAGE_SIZE", `Invalid log page size ${size}: it must be >= 1`);
  validateAmount("fromBlock", fromBlock);
  validateAmount("toBlock", toBlock);
  // fromBlock = toBlock + 1 is the empty range of an incremental sync with no new block; anything beyond is a mistake.
  if (fromBlock === toBlock + 1n) return [];
  if (fromBlock > toBlock) {
    throw new InvalidAmountError("fromBlock", fromBlock, `must not be after toBlock ${toBlock}`);
  }
  if (filter.address !== undefined) {
    const list = typeof filter.address === "string" ? [filter.address] : filter.address;
    list.forEach((a, i) => validateAddress(list.length === 1 ? "address" : `address[${i}]`, a));
  }
  const total = toBlock - fromBlock + 1n;
  const logs: RawLog[] = [];
  let start = fromBlock;
  while (start <= toBlock) {
    const end = start + size - 1n < toBlock ? start + size - 1n : toBlock;
    let page: RawLog[];
    try {
      page = await transport.getLogs({ ...filter, fromBlock: start, toBlock: end });
    } catch (error) {
      if (isLogRangeError(error) && end > start) {
        size = (end - start + 1n) / 2n;
        continue;
      }
      throw failure(error, `eth_getLogs over blocks ${start}..${end}`);
    }
    logs.push(...page);
    start = end + 1n;
    options.onProgress?.({ toBlock: end, doneBlocks: end - fromBlock + 1n, totalBlocks: total, logs: logs.length });
  }
  return logs;
}
