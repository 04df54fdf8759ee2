/**
 * Support for the merchant task tests: runs a task as the CLI does (`node hardhat/dist/src/cli.js <task> --network
 * custom ...`) against a real `hardhat node`, the `custom` network pointed at it through its configuration variables.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { JsonRpcProvider } from "ethers";
import { fromEthers, type Address, type Transport } from "../../../sdk/src/index.js";
import { rpc, type HardhatNode } from "../support/hardhat-node.js";

const require = createRequire(import.meta.url);
const CLI = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");

/** Private key and address of the node's account 0 (the merchant in these tests). */
export const MERCHANT_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const MERCHANT = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266" as Address;
/** Other development accounts of the node (unlocked there). */
export const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as Address;
export const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC" as Address;
export const CAROL = "0x90F79bf6EB2c4f870365E785982E1f101E93b906" as Address;
export const DAVE = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65" as Address;

/** What a task run produced. */
export interface TaskRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `hardhat <args>` with the `custom` network's variables pointing at `node`. */
export function runCli(node: HardhatNode, args: readonly string[], env: Record<string, string> = {}): Promise<TaskRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        FORCE_COLOR: "0",
        SHAREMALL_RPC_URL: node.url,
        SHAREMALL_PRIVATE_KEY: MERCHANT_KEY,
        SHAREMALL_CHAIN_ID: "31337",
        ...env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs a task on the `custom` network with `--json` and returns its parsed stdout (fails loudly otherwise). */
export async function runJson<T = Record<string, unknown>>(
  node: HardhatNode,
  taskName: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<T> {
  const run = await runCli(node, [taskName, "--network", "custom", ...args, "--json"], env);
  if (run.code !== 0) throw new Error(`${taskName} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return JSON.parse(run.stdout) as T;
}

/** A read-only SDK transport and an ethers provider on the node; `signer(address)` for its unlocked accounts. */
export function nodeClient(node: HardhatNode) {
  const provider = new JsonRpcProvider(node.url, 31337, { staticNetwork: true, cacheTimeout: -1 });
  const reader: Transport = fromEthers(provider);
  return {
    provider,
    reader,
    signer: async (address: Address): Promise<Transport> => fromEthers(await provider.getSigner(address)),
  };
}

/** Moves the node's clock forward by `seconds` and mines a block. */
export async function advanceTime(node: HardhatNode, seconds: number): Promise<void> {
  await rpc(node.url, "evm_increaseTime", [seconds]);
  await rpc(node.url, "evm_mine", []);
}

/** The account's nonce and the block number: unchanged when a task sent nothing. */
export async function chainMark(node: HardhatNode): Promise<{ nonce: string; block: string }> {
  return {
    nonce: await rpc<string>(node.url, "eth_getTransactionCount", [MERCHANT, "latest"]),
    block: await rpc<string>(node.url, "eth_blockNumber", []),
  };
}
