/**
 * Whether the Ignition deployment recorded for the chain of `--network` (deploy/deployments/chain-<id>) is still on
 * that chain. A chain reset under the same id (a restarted `hardhat node` or anvil) leaves the folder behind, and
 * Ignition then answers "nothing new to deploy" for contracts that have no code. Exit code 0: no deployment recorded,
 * or every recorded contract has code; 3: stale (printed with the fix); 1: the check failed.
 *
 * Usage: npx hardhat run scripts/check-deployment.ts --network localhost   (npm run deploy:local runs it first)
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { staleDeploymentMessage } from "./tasks/lib/chain.js";

const connection = await network.getOrCreate();
const provider = connection.ethers.provider;
const chainId = (await provider.getNetwork()).chainId;
const dir = path.join("deploy", "deployments", `chain-${chainId}`);
let recorded: Record<string, string> | undefined;
try {
  recorded = JSON.parse(await readFile(path.join(dir, "deployed_addresses.json"), "utf8")) as Record<string, string>;
} catch {
  recorded = undefined;
}
if (recorded === undefined) {
  console.log(`check-deployment: no deployment recorded for chain ${chainId}`);
} else {
  const missing: string[] = [];
  for (const [future, address] of Object.entries(recorded)) {
    if ((await provider.getCode(address)) === "0x") missing.push(`${future} at ${address}`);
  }
  if (missing.length === 0) {
    console.log(
      `check-deployment: ${dir}: all ${Object.keys(recorded).length} contracts have code on chain ${chainId}`,
    );
  } else {
    const factory = recorded["ShareMall#ShareMallFactory"] ?? missing[0];
    console.error(`check-deployment: ${staleDeploymentMessage(dir, factory, chainId, connection.networkName)}`);
    console.error(`check-deployment: without code: ${missing.join(", ")}`);
    process.exitCode = 3;
  }
}
await connection.close();
