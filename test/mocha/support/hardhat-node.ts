/**
 * Starts a real `hardhat node` (a separate process serving JSON-RPC over HTTP) for end-to-end tests, so the code
 * under test talks to a node exactly as it would to a public RPC endpoint — not to the in-process network.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);

/** The mnemonic `hardhat node` derives its funded development accounts from. */
export const HARDHAT_NODE_MNEMONIC = "test test test test test test test test test test test junk";

/** A running node and how to stop it. */
export interface HardhatNode {
  /** HTTP JSON-RPC endpoint, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  readonly port: number;
  /** Everything the node has printed so far (for failure messages). */
  output(): string;
  /** Stops the node and waits for the process to exit. */
  stop(): Promise<void>;
}

/** Asks the OS for a free TCP port on the loopback interface. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

/** Sends one JSON-RPC request and returns its result (throws on a JSON-RPC error). */
export async function rpc<T>(url: string, method: string, params: readonly unknown[] = []): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: T; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/**
 * Starts `hardhat node` on a free port with the project's config and resolves once it answers `eth_chainId`.
 *
 * @param options.timeoutMs how long to wait for the node to answer (it compiles first if the build is stale).
 */
export async function startHardhatNode(options: { timeoutMs?: number } = {}): Promise<HardhatNode> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const port = await freePort();
  const cli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
  // process.execPath is the Node 22 binary the tests run under, which Hardhat 3 needs.
  const child: ChildProcess = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", `${port}`], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let alive = true;
  child.once("exit", () => (alive = false));

  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (alive) child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!alive) throw new Error(`hardhat node exited before it answered:\n${output}`);
    try {
      await rpc<string>(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`hardhat node did not answer on ${url} within ${timeoutMs} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  return { url, port, output: () => output, stop };
}
