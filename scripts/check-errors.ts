/**
 * Branch check by custom errors: every custom error in the ABIs of the deployed production contracts (the artifacts
 * of `contracts/**\/*.sol` with runtime code: the six of `DEPLOYED` below, `shop/Shop.sol`, `shop/ShopPayments.sol`,
 * `shop/ShopAdmin.sol`, `shop/ShopLens.sol`, `payouts/DividendToken.sol`, `factory/ShareMallFactory.sol` — not `contracts/test/**` mocks,
 * not the interfaces, whose errors the contracts inherit, and not the abstract building blocks (`intake/`,
 * `ledger/`, `settlement/`) and libraries, which are only ever deployed as part of those six) must be expected by
 * at least one test:
 * - a mocha test: `.revertedWithCustomError(contract, "Name")` anywhere under `test/mocha/`;
 * - a Solidity test: `X.Name.selector` (e.g. `IShop.ShopNothingToSettle.selector` in `vm.expectRevert`) anywhere
 *   under `test/solidity/`.
 * A few errors come into an ABI from an inherited OpenZeppelin base but no code path can raise them; they are listed
 * in `UNREACHABLE` below, each with the reason, and the script also reports whether the error's selector occurs in
 * the contract's runtime bytecode at all. The script fails if an error is neither expected nor listed, or if a listed
 * one is no longer in any ABI or is expected by a test after all (a stale entry).
 *
 * Run with `npm run check:errors` (builds first). Plain Node (type stripping): no Hardhat runtime needed.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { id } from "ethers";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Errors that are in an ABI only because an OpenZeppelin base declares them, with why no call can raise them.
 * Keep this list short and argued: anything reachable must be tested instead.
 */
const UNREACHABLE: Readonly<Record<string, string>> = {
  "DividendToken.ERC20InvalidApprover":
    "declared by IERC20Errors; no DividendToken code raises it: approve() sets msg.sender's allowance (never the " +
    "zero address) and transferFrom() lowers the allowance in place",
  "Shop.NotInitializing":
    "Initializable's onlyInitializing guards only __AccessControl_init, which runs only in ShopAdmin's " +
    "initializer (reached through Shop's fallback), where _isInitializing() is true; Shop's own code has no " +
    "onlyInitializing function",
  "ShopLens.NotInitializing":
    "declared by Initializable, which ShopLens inherits through the shared storage layout; ShopLens has no " +
    "onlyInitializing function (it only reads)",
  "ShopAdmin.NotInitializing":
    "Initializable's onlyInitializing guards only __AccessControl_init, which ShopAdmin calls only inside its " +
    "initializer, where _isInitializing() is true",
  "ShopAdmin.CloneArgumentsTooLong":
    "Clones.cloneWithImmutableArgs: raised for immutable args over 24,531 bytes; a token's args are at most " +
    "20+20+1+1+64+1+16 = 123 bytes (createToken caps the name at 64 and the symbol at 16 bytes)",
  "ShopAdmin.InsufficientBalance":
    "Clones raises it when the cloner's balance is below the value sent to the clone; createToken always clones " +
    "with value 0",
  "ShareMallFactory.InsufficientBalance":
    "Clones raises it when the factory's balance is below the value sent to the clone; the factory always " +
    "clones shops with value 0",
};

/** The deployed production contracts: the check fails if one of them has no artifact (a path changed). */
const DEPLOYED: readonly string[] = [
  "contracts/shop/Shop.sol:Shop",
  "contracts/shop/ShopPayments.sol:ShopPayments",
  "contracts/shop/ShopAdmin.sol:ShopAdmin",
  "contracts/shop/ShopLens.sol:ShopLens",
  "contracts/payouts/DividendToken.sol:DividendToken",
  "contracts/factory/ShareMallFactory.sol:ShareMallFactory",
];

interface AbiInput {
  type: string;
  components?: AbiInput[];
}
interface AbiItem {
  type: string;
  name?: string;
  inputs?: AbiInput[];
}
interface Artifact {
  contractName: string;
  sourceName: string;
  abi: AbiItem[];
  deployedBytecode: string;
}

interface ErrorEntry {
  contract: string;
  name: string;
  signature: string;
  selector: string;
  inBytecode: boolean;
}

/** Canonical ABI type of an input (tuples expanded), for the error signature and selector. */
function canonicalType(input: AbiInput): string {
  if (input.type.startsWith("tuple")) {
    const inner = (input.components ?? []).map(canonicalType).join(",");
    return `(${inner})${input.type.slice("tuple".length)}`;
  }
  return input.type;
}

async function listFiles(dir: string, keep: (file: string) => boolean): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true, recursive: true });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter(keep)
    .sort();
}

/** Production contracts' artifacts: artifacts/contracts/**, minus test mocks and interfaces. */
async function loadArtifacts(): Promise<Artifact[]> {
  const dir = path.join(ROOT, "artifacts", "contracts");
  const files = await listFiles(dir, (file) => {
    const rel = path.relative(dir, file).split(path.sep);
    return (
      file.endsWith(".json") &&
      !file.endsWith(".dbg.json") &&
      rel[0] !== "test" &&
      rel[0] !== "interfaces" &&
      rel.length >= 2 &&
      rel[rel.length - 2].endsWith(".sol")
    );
  });
  if (files.length === 0) throw new Error("no artifacts under artifacts/contracts: run `npx hardhat build` first");
  const artifacts: Artifact[] = [];
  for (const file of files) {
    const artifact = JSON.parse(await readFile(file, "utf8")) as Artifact;
    // Abstract contracts have no runtime code: their errors are the deployed contracts' that inherit them.
    const deployed = (artifact.deployedBytecode ?? "0x").length > 2;
    if (Array.isArray(artifact.abi) && deployed) artifacts.push(artifact);
  }
  const found = new Set(artifacts.map((a) => `${a.sourceName}:${a.contractName}`));
  const absent = DEPLOYED.filter((name) => !found.has(name));
  if (absent.length > 0) throw new Error(`no artifact for ${absent.join(", ")}: update DEPLOYED in this script`);
  return artifacts;
}

function errorsOf(artifacts: Artifact[]): ErrorEntry[] {
  const list: ErrorEntry[] = [];
  for (const artifact of artifacts) {
    const code = (artifact.deployedBytecode ?? "").toLowerCase();
    for (const item of artifact.abi) {
      if (item.type !== "error" || item.name === undefined) continue;
      const signature = `${item.name}(${(item.inputs ?? []).map(canonicalType).join(",")})`;
      const selector = id(signature).slice(0, 10);
      list.push({
        contract: artifact.contractName,
        name: item.name,
        signature,
        selector,
        inBytecode: code.includes(selector.slice(2)),
      });
    }
  }
  return list;
}

/** Error names that tests expect, with the files expecting each. */
async function expectedErrors(): Promise<Map<string, Set<string>>> {
  const expected = new Map<string, Set<string>>();
  const add = (name: string, file: string): void => {
    const files = expected.get(name) ?? new Set<string>();
    files.add(path.relative(ROOT, file));
    expected.set(name, files);
  };
  const mocha = await listFiles(path.join(ROOT, "test", "mocha"), (file) => /\.(ts|js|mts|mjs)$/.test(file));
  const mochaPattern = /revertedWithCustomError\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*["'`]([A-Za-z_$][\w$]*)["'`]/g;
  for (const file of mocha) {
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(mochaPattern)) add(match[1], file);
  }
  const solidity = await listFiles(path.join(ROOT, "test", "solidity"), (file) => file.endsWith(".sol"));
  const selectorPattern = /\b[A-Za-z_]\w*\.([A-Za-z_]\w*)\.selector\b/g;
  for (const file of solidity) {
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(selectorPattern)) add(match[1], file);
  }
  return expected;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

async function main(): Promise<void> {
  const errors = errorsOf(await loadArtifacts());
  const expected = await expectedErrors();

  const missing: ErrorEntry[] = [];
  const stale: string[] = [];
  let tested = 0;
  let unreachable = 0;
  const nameWidth = Math.max(...errors.map((e) => `${e.contract}.${e.signature}`.length)) + 2;
  console.log("Custom errors in the production contracts' ABIs:");
  for (const error of errors) {
    const key = `${error.contract}.${error.name}`;
    const by = expected.get(error.name);
    const reason = UNREACHABLE[key];
    let status: string;
    if (by !== undefined) {
      tested++;
      status = `expected by ${[...by].slice(0, 2).join(", ")}${by.size > 2 ? ` (+${by.size - 2})` : ""}`;
      if (reason !== undefined) stale.push(`${key} is listed as unreachable but ${[...by].join(", ")} expects it`);
    } else if (reason !== undefined) {
      unreachable++;
      const code = error.inBytecode ? "selector in runtime code" : "selector not in runtime code";
      status = `unreachable (${code}): ${reason}`;
    } else {
      missing.push(error);
      status = "NOT EXPECTED BY ANY TEST";
    }
    console.log(`  ${pad(`${error.contract}.${error.signature}`, nameWidth)}${error.selector}  ${status}`);
  }
  const known = new Set(errors.map((e) => `${e.contract}.${e.name}`));
  for (const key of Object.keys(UNREACHABLE)) {
    if (!known.has(key)) stale.push(`${key} is listed as unreachable but is in no ABI`);
  }

  console.log(
    `\n${errors.length} errors: ${tested} expected by tests, ${unreachable} unreachable (listed), ` +
      `${missing.length} not expected.`,
  );
  if (missing.length > 0) {
    console.log("\nErrors no test expects:");
    for (const error of missing) console.log(`  ${error.contract}.${error.signature}  ${error.selector}`);
  }
  if (stale.length > 0) {
    console.log("\nStale entries in UNREACHABLE (scripts/check-errors.ts):");
    for (const line of stale) console.log(`  ${line}`);
  }
  if (missing.length > 0 || stale.length > 0) process.exitCode = 1;
}

await main();
