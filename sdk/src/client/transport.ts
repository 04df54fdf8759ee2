/**
 * The one seam between the SDK and a chain library. Everything the SDK does on chain goes through a
 * {@link Transport}: ABI encoding and decoding, error decoding and all logic live once in the SDK, and an adapter
 * only moves bytes. `fromEthers` and `fromViem` (see `./ethers.js`, `./viem.js`) build one from an ethers v6
 * `Signer`/`Provider` or a viem `PublicClient` (+ optional `WalletClient`).
 *
 * @packageDocumentation
 */
import { WrongChainError } from "../errors.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import { validateChainId } from "../validation.js";
import { parametersOf } from "../internal/parameters.js";

/** A call or transaction to a contract: raw calldata, already encoded by the SDK. */
export interface RawCall {
  readonly to: Address;
  readonly data: Hex;
  /** Native coin sent with the call, in wei. */
  readonly value?: bigint;
}

/** An `eth_call`: a {@link RawCall}, optionally at a past block (default: the latest). */
export interface RawRead extends RawCall {
  /** The block whose state the call reads (a number, not a tag); absent: the latest block. */
  readonly blockNumber?: bigint;
}

/** A log as every adapter returns it. */
export interface RawLog {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Hex;
  readonly blockNumber: bigint;
  readonly transactionHash: Hex;
  readonly logIndex: number;
}

/** A call to estimate, optionally from a given account (default: the signer's). */
export interface RawEstimate extends RawCall {
  readonly from?: Address;
}

/** A mined transaction. */
export interface RawReceipt {
  readonly transactionHash: Hex;
  readonly blockNumber: bigint;
  readonly gasUsed: bigint;
  readonly status: "success" | "reverted";
  readonly logs: readonly RawLog[];
}

/** A log query over an inclusive block range (adapters do not page: the SDK does). */
export interface RawLogFilter {
  readonly address?: Address | readonly Address[];
  /** Topic filters by position; `null` matches anything, an array matches any of its values. */
  readonly topics?: readonly (Hex | readonly Hex[] | null)[];
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
}

/** EIP-712 typed data as wallets take it. */
export interface TypedDataPayload {
  readonly domain: Readonly<Record<string, unknown>>;
  readonly types: Readonly<Record<string, readonly { readonly name: string; readonly type: string }[]>>;
  readonly primaryType: string;
  readonly message: Readonly<Record<string, unknown>>;
}

/**
 * What the SDK needs from a chain library. Read methods work with a provider alone; `account`, `send` and
 * `signTypedData` need a signer (they throw a `ShareMallError` with code `"NO_SIGNER"` otherwise). Failures of
 * `call` and `send` must keep the revert data where `toContractError` finds it (ethers and viem both do).
 */
export interface Transport {
  /** `"ethers"` or `"viem"`: for messages only, never for logic. */
  readonly library: "ethers" | "viem";
  chainId(): Promise<bigint>;
  blockNumber(): Promise<bigint>;
  /** Timestamp (unix seconds) of the latest block. */
  latestTimestamp(): Promise<bigint>;
  /** Gas limit of the latest block (the SDK keeps batch transactions under a share of it). */
  blockGasLimit(): Promise<bigint>;
  /** `eth_estimateGas` of a call, from `from` or the signer's account. Reverts carry their data, like `call`. */
  estimateGas(call: RawEstimate): Promise<bigint>;
  balance(address: Address): Promise<bigint>;
  /** The code at `address` (`"0x"` when there is none) at the latest block. */
  code(address: Address): Promise<Hex>;
  /** `eth_call` at `call.blockNumber` (default: the latest block), from the signer's account when there is one. */
  call(call: RawRead): Promise<Hex>;
  /** The signer's address, or `undefined` for a read-only transport. */
  account(): Promise<Address | undefined>;
  /** Sends a transaction from the signer and returns its hash (does not wait). */
  send(call: RawCall): Promise<Hex>;
  /** Waits until `hash` is mined and returns its receipt (reverted transactions included). */
  waitForReceipt(hash: Hex): Promise<RawReceipt>;
  getLogs(filter: RawLogFilter): Promise<RawLog[]>;
  signTypedData(payload: TypedDataPayload): Promise<Hex>;
}

/** Parameters of {@link requireChain}. */
export interface RequireChainParameters {
  /** The only chain the transport may work on. */
  readonly chainId: IntegerLike;
}

/**
 * A transport that refuses to work on any chain but `chainId`: reads check the chain once, and every transaction
 * and signature checks it again right before it is sent (a browser wallet can switch networks at any time). On a
 * mismatch nothing is sent and a {@link WrongChainError} names both chains. `fromEthers` and `fromViem` apply it
 * when given a `chainId` option.
 *
 * @param transport - Any transport.
 * @param parameters - `chainId`: the chain the shop lives on.
 * @throws `InvalidChainIdError` for a malformed chain id.
 * @example
 * ```ts
 * const transport = requireChain(fromEthers(signer), { chainId: 8453n }); // Base mainnet only
 * await claim(transport, { token }); // WrongChainError if the signer's provider is on another chain
 * ```
 */
export function requireChain(transport: Transport, parameters: RequireChainParameters): Transport {
  const expected = validateChainId(parametersOf("requireChain", parameters).chainId);
  const check = async (): Promise<void> => {
    const actual = await transport.chainId();
    if (actual !== expected) throw new WrongChainError(expected, actual);
  };
  let checked: Promise<void> | undefined;
  const once = (): Promise<void> => {
    checked ??= check().catch((error: unknown) => {
      checked = undefined; // a failed or wrong check is retried next time
      throw error;
    });
    return checked;
  };
  const read =
    <A extends unknown[], R>(f: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      await once();
      return f(...args);
    };
  return {
    library: transport.library,
    chainId: async () => {
      await once();
      return expected;
    },
    blockNumber: read(() => transport.blockNumber()),
    latestTimestamp: read(() => transport.latestTimestamp()),
    blockGasLimit: read(() => transport.blockGasLimit()),
    estimateGas: read((call: RawEstimate) => transport.estimateGas(call)),
    balance: read((address: Address) => transport.balance(address)),
    code: read((address: Address) => transport.code(address)),
    call: read((call: RawRead) => transport.call(call)),
    account: () => transport.account(),
    send: async (call: RawCall) => {
      await check();
      return transport.send(call);
    },
    waitForReceipt: (hash: Hex) => transport.waitForReceipt(hash),
    getLogs: read((filter: RawLogFilter) => transport.getLogs(filter)),
    signTypedData: async (payload: TypedDataPayload) => {
      await check();
      return transport.signTypedData(payload);
    },
  };
}
