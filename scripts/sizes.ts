/**
 * Prints the runtime size of every deployed implementation and its headroom under the EIP-170 limit (24,576 bytes),
 * and fails when any headroom is below 4 KiB (4,096 bytes), so that each contract keeps room for the features that
 * land in it later. `npm run sizes` builds first; CI runs it.
 *
 * Sizes are read from the Hardhat artifacts, i.e. with the optimizer settings of hardhat.config.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** EIP-170: the largest runtime code a contract may have. */
export const SIZE_LIMIT = 24_576;
/** Headroom every implementation must keep. */
export const MIN_HEADROOM = 4_096;

/** The contracts that are deployed as implementations (every shop and token is a clone of one of them). */
export const IMPLEMENTATIONS = [
  { source: "contracts/shop/Shop.sol", name: "Shop", role: "shop: order intake and settlement (clone target)" },
  { source: "contracts/shop/ShopPayments.sol", name: "ShopPayments", role: "shop: held payments, refunds (module)" },
  { source: "contracts/shop/ShopAdmin.sol", name: "ShopAdmin", role: "shop: tokens, rules, roles, pool (module)" },
  { source: "contracts/shop/ShopLens.sol", name: "ShopLens", role: "shop: every view (module)" },
  { source: "contracts/payouts/DividendToken.sol", name: "DividendToken", role: "token: ERC-20 and dividends" },
  { source: "contracts/factory/ShareMallFactory.sol", name: "ShareMallFactory", role: "factory and registry" },
] as const;

export interface SizeRow {
  name: string;
  role: string;
  bytes: number;
  headroom: number;
  ok: boolean;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Reads each implementation's deployed bytecode from the artifacts. */
export async function measureSizes(root: string = ROOT): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  for (const { source, name, role } of IMPLEMENTATIONS) {
    const file = path.join(root, "artifacts", source, `${name}.json`);
    const artifact = JSON.parse(await readFile(file, "utf8")) as { deployedBytecode?: string };
    const code = artifact.deployedBytecode;
    if (typeof code !== "string" || !code.startsWith("0x")) throw new Error(`${file} has no deployedBytecode`);
    const bytes = (code.length - 2) / 2;
    const headroom = SIZE_LIMIT - bytes;
    rows.push({ name, role, bytes, headroom, ok: headroom >= MIN_HEADROOM });
  }
  return rows;
}

const self = fileURLToPath(import.meta.url);
if (process.argv.slice(1).some((arg) => path.resolve(arg) === self)) {
  const rows = await measureSizes();
  const fmt = (n: number): string => n.toLocaleString("en-US");
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log(
    `Runtime size of each implementation (limit ${fmt(SIZE_LIMIT)} bytes, headroom required ${fmt(MIN_HEADROOM)})`,
  );
  for (const row of rows) {
    console.log(
      `  ${row.name.padEnd(width)}  ${fmt(row.bytes).padStart(6)} bytes  headroom ${fmt(row.headroom).padStart(6)}` +
        `  ${row.ok ? "ok  " : "FAIL"}  ${row.role}`,
    );
  }
  const failing = rows.filter((row) => !row.ok);
  if (failing.length > 0) {
    console.error(`Headroom under ${fmt(MIN_HEADROOM)} bytes: ${failing.map((row) => row.name).join(", ")}`);
    process.exitCode = 1;
  }
}
