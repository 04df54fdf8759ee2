/**
 * `npm run app`: the holder page against a local demo chain. Starts `hardhat node` on 127.0.0.1:8545 (APP_RPC_PORT
 * to change), seeds it (factory, two shops, three tokens, holders with settled dividends, a pending rule change:
 * test/mocha/browser/support/demo-chain.ts) and serves app/ with the Vite dev server (APP_PORT, default 5173), its
 * `/config.json` made for that chain and answered from memory: nothing in the work tree is written (the tracked
 * app/public/config.json stays as it is). WALLETCONNECT_PROJECT_ID offers WalletConnect; APP_FIAT_PER_ETH (default
 * 25000) is the demo's CNY rate. Ctrl-C stops both.
 *
 * To claim from a browser wallet, import one of the demo holders' keys (the well-known `hardhat node` development
 * keys, printed below; never use them on a real chain) and add the network (the page offers to).
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type Plugin } from "vite";
import { DEMO_ACCOUNTS, devWallet, seedDemo } from "../test/mocha/browser/support/demo-chain.js";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const rpcPort = Number(process.env.APP_RPC_PORT ?? 8545);
const appPort = Number(process.env.APP_PORT ?? 5173);
const rpcUrl = `http://127.0.0.1:${rpcPort}`;

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    });
    return response.ok;
  } catch {
    return false;
  }
}

if (await answers(rpcUrl)) {
  console.error(`Something already answers JSON-RPC on ${rpcUrl}: stop it, or set APP_RPC_PORT to another port.`);
  process.exit(1);
}

const cli = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");
const node = spawn(process.execPath, [cli, "node", "--hostname", "127.0.0.1", "--port", `${rpcPort}`], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
  env: { ...process.env, FORCE_COLOR: "0" },
});
let nodeOutput = "";
node.stdout.on("data", (chunk: Buffer) => (nodeOutput += chunk.toString()));
node.stderr.on("data", (chunk: Buffer) => (nodeOutput += chunk.toString()));
let nodeAlive = true;
node.once("exit", () => (nodeAlive = false));
const stopNode = (): void => {
  if (nodeAlive) node.kill("SIGTERM");
};
process.once("exit", stopNode);

const deadline = Date.now() + 120_000;
while (!(await answers(rpcUrl))) {
  if (!nodeAlive || Date.now() > deadline) {
    console.error(`hardhat node did not start on ${rpcUrl}:\n${nodeOutput}`);
    stopNode();
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
}
console.log(`hardhat node on ${rpcUrl} (chain 31337)`);

const demo = await seedDemo(rpcUrl, { log: (line) => console.log(`  ${line}`) });
const projectId = process.env.WALLETCONNECT_PROJECT_ID ?? "";
const config = {
  chainId: demo.chainId,
  chainName: "ShareMall demo (Hardhat)",
  rpcUrl,
  factory: demo.factory,
  currencySymbol: "ETH",
  fromBlock: 0,
  fiat: { currency: "CNY", perNative: process.env.APP_FIAT_PER_ETH ?? "25000" },
  ...(projectId !== "" ? { walletConnectProjectId: projectId } : {}),
};
const configJson = `${JSON.stringify(config, null, 2)}\n`;

/** Answers `/config.json` with the demo chain's configuration, ahead of app/public/config.json. */
const demoConfig: Plugin = {
  name: "sharemall-demo-config",
  configureServer(dev) {
    dev.middlewares.use((request, response, next) => {
      if (request.url?.split("?")[0] !== "/config.json") return next();
      response.setHeader("content-type", "application/json");
      response.setHeader("cache-control", "no-store");
      response.end(configJson);
    });
  },
};
console.log(`Serving /config.json for this chain from memory:\n${configJson}`);

const server = await createServer({
  configFile: path.join(root, "app/vite.config.ts"),
  plugins: [demoConfig],
  server: { host: "127.0.0.1", port: appPort, strictPort: true },
});
await server.listen();
const url = server.resolvedUrls?.local[0] ?? `http://127.0.0.1:${appPort}/`;
console.log("");
console.log(`Holder page: ${url}`);
console.log(`Read only:   ${url}?address=${demo.accounts.alice}`);
console.log("Demo holders (hardhat node development keys: for this local chain only):");
for (const name of ["alice", "bob", "carol"] as const) {
  console.log(`  ${name.padEnd(6)} ${demo.accounts[name]}  key ${devWallet(DEMO_ACCOUNTS[name]).privateKey}`);
}
console.log("Ctrl-C stops the page and the node.");

const shutdown = async (): Promise<void> => {
  await server.close();
  stopNode();
  process.exit(0);
};
process.once("SIGINT", () => void shutdown());
process.once("SIGTERM", () => void shutdown());
