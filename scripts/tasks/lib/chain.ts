/**
 * The chain side of the merchant tasks: the network connection from `--network`, an SDK transport over its first
 * account (ethers adapter `fromEthers`), a gas estimator for `recordOrders`, and where the factory and the shop are.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { JsonRpcProvider, Provider, Signer } from "ethers";
import {
  fromEthers,
  ShareMallError,
  validateAddress,
  validateAmount,
  validateOrderId,
  type Address,
  type Transport,
} from "../../../sdk/src/index.js";
import { InputError } from "./errors.js";

/** A connected task: the SDK transport, the ethers signer and provider, the chain id and the sending account. */
export interface Chain {
  readonly transport: Transport;
  readonly signer: Signer;
  readonly provider: Provider;
  readonly chainId: bigint;
  readonly account: Address;
  readonly networkName: string;
  close(): Promise<void>;
}

/** Key errors of the libraries under Hardhat: a key of the wrong length or not hex. */
const BAD_KEY = /Field\.fromBytes|private key|expected 32 bytes|invalid (hex|key)|HHE30\b/i;

/**
 * A malformed account key of `--network` as one line naming the variable, or `undefined` for any other error.
 *
 * @param error - What connecting or reading the signers threw.
 * @param network - The network's name.
 */
export function badKeyError(error: unknown, network: string): InputError | undefined {
  const message = error instanceof Error ? error.message : String(error);
  if (!BAD_KEY.test(message)) return undefined;
  const variable = network === "custom" ? "SHAREMALL_PRIVATE_KEY" : `the account key of network "${network}"`;
  return new InputError(
    `${variable} is not a private key: expected 0x followed by 64 hex digits (${message.split("\n")[0]})`,
  );
}

/** Connects to the task's `--network` and signs with its first account. */
export async function connect(hre: HardhatRuntimeEnvironment): Promise<Chain> {
  const network = hre.globalOptions.network ?? "default";
  let connection: Awaited<ReturnType<typeof hre.network.getOrCreate>>;
  let signers: Awaited<ReturnType<typeof connection.ethers.getSigners>>;
  try {
    connection = await hre.network.getOrCreate();
    signers = await connection.ethers.getSigners();
  } catch (error) {
    throw badKeyError(error, network) ?? error;
  }
  if (signers.length === 0) {
    throw new InputError(
      `network "${connection.networkName}" has no account to sign with (set its key, e.g. SHAREMALL_PRIVATE_KEY)`,
    );
  }
  const signer = signers[0];
  const provider = connection.ethers.provider;
  const chainId = (await provider.getNetwork()).chainId;
  return {
    transport: fromEthers(signer, { chainId }),
    signer,
    provider,
    chainId,
    account: validateAddress("account", await signer.getAddress()),
    networkName: connection.networkName,
    close: () => connection.close(),
  };
}

/** Waits until the account has no pending transaction (after a crash, one may still be mined), up to `timeoutMs`. */
export async function waitForPending(chain: Chain, timeoutMs: number, onWait: (n: number) => void): Promise<void> {
  const provider = chain.provider as JsonRpcProvider;
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const pending = await provider.getTransactionCount(chain.account, "pending");
    const latest = await provider.getTransactionCount(chain.account, "latest");
    if (pending <= latest) return;
    if (!told) onWait(pending - latest);
    told = true;
    if (Date.now() > deadline) {
      throw new Error(`${pending - latest} transaction(s) of ${chain.account} still pending after ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** An address option, checked by the SDK; `what` names it in the error. */
export function addressOption(what: string, value: string): Address {
  if (value === "") throw new InputError(`missing --${what}`);
  return validateAddress(what, value);
}

/** `--first-order-id`: a chain order id, `1 .. 2^64 - 1`, or undefined when not given. */
export function firstOrderIdOption(value: string): bigint | undefined {
  if (value === "") return undefined;
  if (!/^[0-9]+$/.test(value.trim())) {
    throw new InputError(
      `--first-order-id ${JSON.stringify(value)}: expected an order id (a whole number 1 .. 2^64 - 1)`,
    );
  }
  try {
    return validateOrderId("firstOrderId", value.trim());
  } catch (error) {
    if (error instanceof ShareMallError) throw new InputError(`--first-order-id: ${error.message}`);
    throw error;
  }
}

/**
 * `--from-block`, else the SHAREMALL_FROM_BLOCK variable, else 0: the first block scanned for the shop's events
 * (its creation block on a long chain).
 */
export function fromBlockOption(value: string): bigint {
  const text = value !== "" ? value : (process.env.SHAREMALL_FROM_BLOCK ?? "");
  if (text === "") return 0n;
  if (!/^[0-9]+$/.test(text.trim())) {
    throw new InputError(`--from-block ${JSON.stringify(text)}: expected a block number`);
  }
  return validateAmount("fromBlock", text.trim());
}

/**
 * The shop: `--shop`, else the SHAREMALL_SHOP variable.
 */
export function shopAddress(option: string): Address {
  const value = option !== "" ? option : (process.env.SHAREMALL_SHOP ?? "");
  if (value === "") throw new InputError("missing --shop (or the SHAREMALL_SHOP variable)");
  return validateAddress("shop", value);
}

/**
 * The factory: `--factory`, else the SHAREMALL_FACTORY variable, else the Ignition deployment of the ShareMall module
 * on this chain (`deploy/deployments/chain-<id>/deployed_addresses.json`). Given a transport, a recorded factory without
 * code is refused with how to deploy afresh ({@link staleDeploymentMessage}).
 */
export async function factoryAddress(
  hre: HardhatRuntimeEnvironment,
  option: string,
  chainId: bigint,
  transport?: Transport,
) {
  const value = option !== "" ? option : (process.env.SHAREMALL_FACTORY ?? "");
  if (value !== "") return validateAddress("factory", value);
  const file = path.join(hre.config.paths.root, "deploy", "deployments", `chain-${chainId}`, "deployed_addresses.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(
      `missing --factory: give it (or SHAREMALL_FACTORY), or deploy deploy/modules/ShareMall.ts with Ignition on chain ${chainId}`,
    );
  }
  const addresses = JSON.parse(text) as Record<string, string>;
  const factory = addresses["ShareMall#ShareMallFactory"];
  if (factory === undefined) throw new InputError(`${file} has no ShareMall#ShareMallFactory`);
  const address = validateAddress("factory", factory);
  if (transport !== undefined && (await transport.code(address)) === "0x") {
    throw new InputError(staleDeploymentMessage(path.dirname(file), address, chainId, hre.globalOptions.network));
  }
  return address;
}

/**
 * Why a recorded Ignition deployment is stale and how to deploy afresh: the chain was reset under the same chain id
 * (a restarted `hardhat node` or anvil), so the addresses Ignition recorded have no code, and Ignition itself would
 * answer "nothing new to deploy".
 *
 * @param dir - The deployment folder, e.g. deploy/deployments/chain-31337.
 * @param address - A recorded address without code.
 * @param chainId - The chain.
 * @param network - The `--network` name, for the command.
 */
export function staleDeploymentMessage(dir: string, address: string, chainId: bigint, network = "localhost"): string {
  const folder = path.relative(process.cwd(), dir) || dir;
  return (
    `${folder} is stale: the factory it records (${address}) has no code on chain ${chainId}, so the chain was ` +
    `reset since that deployment. Deploy again with \`npx hardhat ignition deploy deploy/modules/ShareMall.ts ` +
    `--network ${network} --reset\` (npm run deploy:local does this by itself), or pass --factory`
  );
}
