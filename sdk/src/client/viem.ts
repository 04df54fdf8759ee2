/**
 * The viem v2 adapter of {@link Transport}: moves bytes between the SDK and a viem `PublicClient` (+ optional
 * `WalletClient`). Only viem's types are imported: the caller passes clients built with its own viem.
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

/** A log or receipt log as viem returns it. */
interface ViemLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockNumber: bigint | null;
  readonly transactionHash: string | null;
  readonly logIndex: number | null;
}

/**
 * The members of a viem `PublicClient` the adapter uses. Any chain's client has them: mainnet, Base, Optimism and
 * other chains with their own formatters, or a custom `defineChain` (a plain `PublicClient` parameter would refuse
 * clients whose chain formats blocks differently).
 */
export interface ViemPublicClient {
  getChainId(): Promise<number>;
  getBlockNumber(args: { cacheTime: number }): Promise<bigint>;
  getBlock(args: { blockTag: "latest" }): Promise<{ readonly timestamp: bigint; readonly gasLimit: bigint }>;
  estimateGas(args: { to: Address; data: Hex; value?: bigint; account?: Address }): Promise<bigint>;
  getBalance(args: { address: Address }): Promise<bigint>;
  getCode(args: { address: Address }): Promise<string | undefined>;
  call(args: {
    to: Address;
    data: Hex;
    value?: bigint;
    account?: Address;
    blockNumber?: bigint;
  }): Promise<{ readonly data?: string | undefined }>;
  waitForTransactionReceipt(args: { hash: Hex }): Promise<{
    readonly transactionHash: string;
    readonly blockNumber: bigint;
    readonly gasUsed: bigint;
    readonly status: "success" | "reverted";
    readonly logs: readonly ViemLog[];
  }>;
  request(args: { method: "eth_getLogs"; params: never }): Promise<unknown>;
}

/** The members of a viem `WalletClient` the adapter uses (any chain, any account type). */
export interface ViemWalletClient {
  readonly account?: { readonly address: string } | undefined;
  readonly chain?: unknown;
  getAddresses(): Promise<readonly string[]>;
  sendTransaction(args: never): Promise<string>;
  signTypedData(args: never): Promise<string>;
}

/** The clients {@link fromViem} takes. */
export interface ViemClients {
  readonly publicClient: ViemPublicClient;
  /** Needed to send transactions and sign; its `account` (or its first address) is the sender. */
  readonly walletClient?: ViemWalletClient;
  /** Refuse to work on any other chain (see `requireChain`). */
  readonly chainId?: IntegerLike;
}

/** An `eth_getLogs` log as the node returns it. */
interface RpcLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly blockNumber: string | null;
  readonly transactionHash: string | null;
  readonly logIndex: string | null;
}

const hex = (value: string): Hex => value.toLowerCase() as Hex;
const quantity = (value: bigint): Hex => `0x${value.toString(16)}`;

function noSigner(what: string): ShareMallError {
  return new ShareMallError("NO_SIGNER", `${what} needs a signer: pass a walletClient to fromViem`);
}

/**
 * A {@link Transport} over viem clients. Errors are viem's errors, with their revert data for `toContractError`.
 *
 * @example
 * ```ts
 * const publicClient = createPublicClient({ chain: base, transport: http() });
 * const walletClient = createWalletClient({ chain: base, transport: custom(window.ethereum), account });
 * const transport = fromViem({ publicClient, walletClient });
 * ```
 */
export function fromViem({ publicClient, walletClient, chainId }: ViemClients): Transport {
  const accountOf = async (): Promise<Address | undefined> => {
    if (walletClient === undefined) return undefined;
    if (walletClient.account !== undefined) return getAddress(walletClient.account.address) as Address;
    const [first] = await walletClient.getAddresses();
    return first === undefined ? undefined : (getAddress(first) as Address);
  };
  const signerAccount = async (what: string): Promise<Address> => {
    const account = await accountOf();
    if (walletClient === undefined || account === undefined) throw noSigner(what);
    return account;
  };
  const rawLog = (log: RpcLog): RawLog => ({
    address: getAddress(log.address) as Address,
    topics: log.topics.map(hex),
    data: hex(log.data),
    blockNumber: BigInt(log.blockNumber ?? 0),
    transactionHash: hex(log.transactionHash ?? "0x"),
    logIndex: Number(log.logIndex ?? 0),
  });
  const transport: Transport = {
    library: "viem",
    chainId: async () => BigInt(await publicClient.getChainId()),
    blockNumber: () => publicClient.getBlockNumber({ cacheTime: 0 }),
    latestTimestamp: async () => (await publicClient.getBlock({ blockTag: "latest" })).timestamp,
    blockGasLimit: async () => (await publicClient.getBlock({ blockTag: "latest" })).gasLimit,
    estimateGas: async (call: RawEstimate) => {
      const account = call.from ?? (await accountOf());
      return publicClient.estimateGas({
        to: call.to,
        data: call.data,
        ...(call.value !== undefined ? { value: call.value } : {}),
        ...(account !== undefined ? { account } : {}),
      });
    },
    balance: (address: Address) => publicClient.getBalance({ address }),
    code: async (address: Address) => hex((await publicClient.getCode({ address })) ?? "0x"),
    call: async (call: RawRead) => {
      const account = await accountOf();
      const { data } = await publicClient.call({
        to: call.to,
        data: call.data,
        ...(call.value !== undefined ? { value: call.value } : {}),
        ...(call.blockNumber !== undefined ? { blockNumber: call.blockNumber } : {}),
        ...(account !== undefined ? { account } : {}),
      });
      return hex(data ?? "0x");
    },
    account: accountOf,
    send: async (call: RawCall) => {
      const address = await signerAccount("Sending a transaction");
      // A local account (privateKeyToAccount) signs here and goes out as eth_sendRawTransaction; a JSON-RPC
      // account (a browser wallet) is asked to send with eth_sendTransaction.
      const request = {
        account: walletClient!.account ?? address,
        chain: walletClient!.chain ?? null,
        to: call.to,
        data: call.data,
        ...(call.value !== undefined ? { value: call.value } : {}),
      };
      return hex(await walletClient!.sendTransaction(request as never));
    },
    waitForReceipt: async (hash: Hex): Promise<RawReceipt> => {
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      return {
        transactionHash: hex(receipt.transactionHash),
        blockNumber: receipt.blockNumber,
        gasUsed: receipt.gasUsed,
        status: receipt.status,
        logs: receipt.logs.map((log) =>
          rawLog({
            address: log.address,
            topics: log.topics,
            data: log.data,
            blockNumber: quantity(log.blockNumber ?? receipt.blockNumber),
            transactionHash: log.transactionHash,
            logIndex: quantity(BigInt(log.logIndex ?? 0)),
          }),
        ),
      };
    },
    getLogs: async (filter: RawLogFilter) => {
      const params = {
        ...(filter.address !== undefined
          ? { address: typeof filter.address === "string" ? filter.address : [...filter.address] }
          : {}),
        ...(filter.topics !== undefined
          ? { topics: filter.topics.map((t) => (t === null || typeof t === "string" ? t : [...t])) }
          : {}),
        fromBlock: quantity(filter.fromBlock),
        toBlock: quantity(filter.toBlock),
      };
      // Raw eth_getLogs: viem's getLogs takes events, not raw topics, and the SDK decodes logs itself.
      const logs = (await publicClient.request({
        method: "eth_getLogs",
        params: [params] as never,
      })) as unknown as RpcLog[];
      return logs.map(rawLog);
    },
    signTypedData: async (payload: TypedDataPayload) => {
      const address = await signerAccount("Signing typed data");
      const request = {
        account: walletClient!.account ?? address,
        domain: payload.domain,
        types: payload.types,
        primaryType: payload.primaryType,
        message: payload.message,
      };
      return hex(await walletClient!.signTypedData(request as never));
    },
  };
  return chainId === undefined ? transport : requireChain(transport, { chainId });
}
