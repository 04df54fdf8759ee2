/**
 * The ethers v6 adapter of {@link Transport}: moves bytes between the SDK and an ethers `Signer` or `Provider`.
 * It imports nothing from ethers, not even types: it describes the few members it uses ({@link EthersSigner},
 * {@link EthersProvider}), which ethers v6's classes have, so the SDK installs and type-checks without ethers.
 *
 * @packageDocumentation
 */
import { getAddress } from "viem";
import { ShareMallError } from "../errors.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import type {
  RawCall,
  RawEstimate,
  RawLog,
  RawLogFilter,
  RawRead,
  RawReceipt,
  Transport,
  TypedDataPayload,
} from "./transport.js";
import { requireChain } from "./transport.js";

/** An ethers v6 log: the fields the adapter reads. */
export interface EthersLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockNumber: number;
  readonly transactionHash: string;
  readonly index: number;
}

/** An ethers v6 transaction receipt: the fields the adapter reads. */
export interface EthersTransactionReceipt {
  readonly hash: string;
  readonly blockNumber: number;
  readonly gasUsed: bigint;
  readonly status: number | null;
  readonly logs: readonly EthersLog[];
}

/** A transaction request as the adapter gives it to ethers. */
export interface EthersTransactionRequest {
  readonly to: string;
  readonly data: string;
  readonly value?: bigint;
  readonly from?: string;
  readonly nonce?: number;
  readonly blockTag?: bigint;
}

/** The members of an ethers v6 `Provider` (`JsonRpcProvider`, `BrowserProvider`, ...) the adapter uses. */
export interface EthersProvider {
  getNetwork(): Promise<{ readonly chainId: bigint }>;
  getBlockNumber(): Promise<number>;
  getBlock(blockTag: "latest"): Promise<{ readonly timestamp: number; readonly gasLimit: bigint } | null>;
  estimateGas(tx: EthersTransactionRequest): Promise<bigint>;
  getBalance(address: string): Promise<bigint>;
  getCode(address: string): Promise<string>;
  call(tx: EthersTransactionRequest): Promise<string>;
  getTransactionReceipt(hash: string): Promise<EthersTransactionReceipt | null>;
  getLogs(filter: {
    address?: string | string[];
    topics?: (string | string[] | null)[];
    fromBlock: bigint;
    toBlock: bigint;
  }): Promise<readonly EthersLog[]>;
}

/** The members of an ethers v6 `Signer` (`Wallet`, `JsonRpcSigner`, a Hardhat signer, ...) the adapter uses. */
export interface EthersSigner {
  readonly provider: EthersProvider | null;
  getAddress(): Promise<string>;
  sendTransaction(tx: EthersTransactionRequest): Promise<{ readonly hash: string }>;
  signTypedData(
    domain: Readonly<Record<string, unknown>>,
    types: Record<string, { name: string; type: string }[]>,
    value: Readonly<Record<string, unknown>>,
  ): Promise<string>;
}

type Signer = EthersSigner;
type Provider = EthersProvider;

function isSigner(runner: Signer | Provider): runner is Signer {
  return typeof (runner as Signer).getAddress === "function" && typeof (runner as Signer).signTypedData === "function";
}

/** A signer that sends through its node's `eth_sendTransaction` (ethers' `JsonRpcSigner`): the node keeps nonces. */
function signsThroughNode(signer: Signer): boolean {
  return typeof (signer as { sendUncheckedTransaction?: unknown }).sendUncheckedTransaction === "function";
}

const hex = (value: string): Hex => value.toLowerCase() as Hex;

function rawLog(log: EthersLog): RawLog {
  return {
    address: getAddress(log.address) as Address,
    topics: log.topics.map(hex),
    data: hex(log.data),
    blockNumber: BigInt(log.blockNumber),
    transactionHash: hex(log.transactionHash),
    logIndex: log.index,
  };
}

function rawReceipt(receipt: EthersTransactionReceipt): RawReceipt {
  return {
    transactionHash: hex(receipt.hash),
    blockNumber: BigInt(receipt.blockNumber),
    gasUsed: receipt.gasUsed,
    status: receipt.status === 1 ? "success" : "reverted",
    logs: receipt.logs.map(rawLog),
  };
}

function noSigner(what: string): ShareMallError {
  return new ShareMallError("NO_SIGNER", `${what} needs a signer: this ethers transport only has a provider`);
}

/**
 * A {@link Transport} over an ethers v6 `Signer` (reads through its provider, sends and signs as the signer) or a
 * `Provider` (read only). Errors are the ethers errors, with their revert data for `toContractError`.
 *
 * @param runner - An ethers `Signer` connected to a provider, or a `Provider`.
 * @param options - `chainId`: refuse to work on any other chain (see `requireChain`).
 * @throws {@link ShareMallError} `"NO_PROVIDER"` for a signer without a provider.
 * @example
 * ```ts
 * const transport = fromEthers(await new BrowserProvider(window.ethereum).getSigner());
 * const record = await readContract(transport, {
 *   address: shop,
 *   abi: shopAbi,
 *   functionName: "dayRecord",
 *   args: [day],
 * });
 * ```
 */
export function fromEthers(runner: Signer | Provider, options: { readonly chainId?: IntegerLike } = {}): Transport {
  const signer = isSigner(runner) ? runner : undefined;
  const provider: Provider | null = signer !== undefined ? signer.provider : (runner as Provider);
  if (provider === null) throw new ShareMallError("NO_PROVIDER", "The ethers signer is not connected to a provider");
  const tx = (call: RawCall) => ({
    to: call.to,
    data: call.data,
    ...(call.value !== undefined ? { value: call.value } : {}),
  });
  /**
   * The pending nonce read past ethers' request cache (250 ms by default): on a fast chain the SDK sends its next
   * transaction within that time of the previous receipt, and a cached nonce would be reused. Wallets that sign and
   * send themselves (`JsonRpcSigner`: browser wallets, node accounts) keep their own nonces and get none.
   */
  const freshNonce = async (from: Signer): Promise<{ nonce?: number }> => {
    const raw = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
    if (signsThroughNode(from) || typeof raw.send !== "function") return {};
    const count = await raw.send("eth_getTransactionCount", [await from.getAddress(), "pending"]);
    return typeof count === "string" || typeof count === "number" ? { nonce: Number(count) } : {};
  };
  const latestBlock = async () => {
    const block = await provider.getBlock("latest");
    if (block === null) throw new ShareMallError("NO_BLOCK", "The node returned no latest block");
    return block;
  };
  const transport: Transport = {
    library: "ethers",
    chainId: async () => (await provider.getNetwork()).chainId,
    blockNumber: async () => {
      // Past ethers' request cache too: read models pin all their reads to this block, and a block number up to
      // 250 ms old would hide a transaction another client has just had mined.
      const raw = provider as Provider & { send?: (method: string, params: unknown[]) => Promise<unknown> };
      if (typeof raw.send === "function") {
        const latest = await raw.send("eth_blockNumber", []);
        if (typeof latest === "string" || typeof latest === "number" || typeof latest === "bigint") {
          return BigInt(latest);
        }
      }
      return BigInt(await provider.getBlockNumber());
    },
    latestTimestamp: async () => BigInt((await latestBlock()).timestamp),
    blockGasLimit: async () => (await latestBlock()).gasLimit,
    estimateGas: async (call: RawEstimate) => {
      const from = call.from ?? (signer !== undefined ? await signer.getAddress() : undefined);
      return provider.estimateGas({ ...tx(call), ...(from !== undefined ? { from } : {}) });
    },
    balance: (address: Address) => provider.getBalance(address),
    code: async (address: Address) => hex(await provider.getCode(address)),
    call: async (call: RawRead) => {
      const from = signer !== undefined ? await signer.getAddress() : undefined;
      return hex(
        await provider.call({
          ...tx(call),
          ...(from !== undefined ? { from } : {}),
          ...(call.blockNumber !== undefined ? { blockTag: call.blockNumber } : {}),
        }),
      );
    },
    account: async () => (signer !== undefined ? (getAddress(await signer.getAddress()) as Address) : undefined),
    send: async (call: RawCall) => {
      if (signer === undefined) throw noSigner("Sending a transaction");
      const response = await signer.sendTransaction({ ...tx(call), ...(await freshNonce(signer)) });
      return hex(response.hash);
    },
    waitForReceipt: async (hash: Hex) => {
      // Our own polling rather than provider.waitForTransaction, whose block subscription leaves unhandled
      // rejections behind when the endpoint fails; here every failure reaches the caller.
      const interval = Math.max(10, (provider as { pollingInterval?: number }).pollingInterval ?? 1000);
      for (;;) {
        const receipt = await provider.getTransactionReceipt(hash);
        if (receipt !== null) return rawReceipt(receipt);
        await new Promise((resolve) => setTimeout(resolve, interval));
      }
    },
    getLogs: async (filter: RawLogFilter) => {
      const logs = await provider.getLogs({
        ...(filter.address !== undefined
          ? { address: typeof filter.address === "string" ? filter.address : [...filter.address] }
          : {}),
        ...(filter.topics !== undefined
          ? { topics: filter.topics.map((t) => (t === null || typeof t === "string" ? t : [...t])) }
          : {}),
        fromBlock: filter.fromBlock,
        toBlock: filter.toBlock,
      });
      return logs.map(rawLog);
    },
    signTypedData: async (payload: TypedDataPayload) => {
      if (signer === undefined) throw noSigner("Signing typed data");
      const types: Record<string, { name: string; type: string }[]> = {};
      for (const [name, fields] of Object.entries(payload.types)) {
        // ethers derives the domain type itself and refuses it in `types`.
        if (name !== "EIP712Domain") types[name] = fields.map((f) => ({ name: f.name, type: f.type }));
      }
      return hex(await signer.signTypedData(payload.domain, types, payload.message));
    },
  };
  return options.chainId === undefined ? transport : requireChain(transport, { chainId: options.chainId });
}
