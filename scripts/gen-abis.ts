/**
 * Generates sdk/src/abis.ts — the ABIs a ShareMall client talks to, as `as const` literals — from the Hardhat
 * artifacts. Run with `npm run abis` (builds first). test/mocha/sdk/abis.test.ts checks that the committed file equals
 * what {@link generateAbisSource} makes of the current artifacts, so the SDK cannot drift.
 *
 * A shop clone is four implementations behind one address (`Shop`, whose fallback delegates to `ShopPayments`,
 * whose fallback delegates to `ShopAdmin`, whose fallback delegates to `ShopLens`): the shop's ABI is therefore the
 * interface `IShop`, the whole ABI of a clone, not the artifact of the `Shop` contract (which only has the order and
 * settlement functions).
 * The generator refuses to write the file if an implementation can raise an error that `IShop` does not declare
 * ({@link undeclaredShopErrors}), so that every revert of a shop decodes.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";

/** The ABIs the SDK ships, the artifact each comes from (relative to artifacts/contracts) and its constant. */
export const ABI_CONTRACTS = [
  {
    contract: "Shop",
    artifact: "interfaces/IShop.sol/IShop.json",
    constant: "shopAbi",
    doc:
      "ABI of a ShareMall shop clone: the interface `IShop` (orders, payments and refunds, receipts, batches, " +
      "settlement, tokens, rules, pool, roles, withdrawals and every view), served by the `Shop`, `ShopPayments`, " +
      "`ShopAdmin` and `ShopLens` implementations behind one address.",
  },
  {
    contract: "DividendToken",
    artifact: "payouts/DividendToken.sol/DividendToken.json",
    constant: "dividendTokenAbi",
    doc: "ABI of a ShareMall `DividendToken` (EIP-1167 clone): ERC-20 with native-coin dividends pulled by holders.",
  },
  {
    contract: "ShareMallFactory",
    artifact: "factory/ShareMallFactory.sol/ShareMallFactory.json",
    constant: "shareMallFactoryAbi",
    doc:
      "ABI of the `ShareMallFactory`: creates shops, registers the tokens they deploy, and claims across tokens " +
      "(`claimMany`).",
  },
] as const;

/** The shop implementations, each of whose errors `IShop` must declare. */
export const SHOP_IMPLEMENTATIONS = [
  "shop/Shop.sol/Shop.json",
  "shop/ShopPayments.sol/ShopPayments.json",
  "shop/ShopAdmin.sol/ShopAdmin.json",
  "shop/ShopLens.sol/ShopLens.json",
] as const;

/** The repository root (this file lives in scripts/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the generated module is written. */
export const ABIS_FILE = path.join(ROOT, "sdk", "src", "abis.ts");

/** One ABI item, as far as the generator looks at it. */
interface AbiItem {
  readonly type: string;
  readonly name?: string;
}

/** ABIs by contract name, as read from the artifacts, and the shop implementations' ABIs. */
export type ContractAbis = Record<(typeof ABI_CONTRACTS)[number]["contract"], readonly unknown[]> & {
  /** The ABIs of `Shop`, `ShopPayments`, `ShopAdmin` and `ShopLens`, whose errors `IShop` must all declare. */
  readonly shopImplementations: readonly (readonly unknown[])[];
};

async function readAbi(root: string, artifact: string): Promise<unknown[]> {
  const file = path.join(root, "artifacts", "contracts", artifact);
  const parsed = JSON.parse(await readFile(file, "utf8")) as { abi?: unknown };
  if (!Array.isArray(parsed.abi)) throw new Error(`${file} has no "abi" array`);
  return parsed.abi as unknown[];
}

/**
 * Reads the ABIs from the artifacts of {@link ABI_CONTRACTS} and {@link SHOP_IMPLEMENTATIONS}.
 *
 * @param root - The repository root.
 * @returns The ABI of each contract, and of each shop implementation.
 */
export async function readArtifactAbis(root: string = ROOT): Promise<ContractAbis> {
  const abis: Record<string, readonly unknown[]> = {};
  for (const { contract, artifact } of ABI_CONTRACTS) abis[contract] = await readAbi(root, artifact);
  const shopImplementations: unknown[][] = [];
  for (const artifact of SHOP_IMPLEMENTATIONS) shopImplementations.push(await readAbi(root, artifact));
  return { ...abis, shopImplementations } as unknown as ContractAbis;
}

/**
 * The custom errors of the shop implementations that the shop's ABI (`IShop`) does not declare, sorted by name: empty
 * unless `IShop` fell behind its implementations.
 *
 * @param abis - The ABIs read by {@link readArtifactAbis}.
 * @returns The names of the undeclared errors.
 */
export function undeclaredShopErrors(abis: ContractAbis): string[] {
  const declared = new Set((abis.Shop as AbiItem[]).filter((i) => i.type === "error").map((i) => i.name));
  const missing = new Set<string>();
  for (const abi of abis.shopImplementations) {
    for (const item of abi as AbiItem[]) {
      if (item.type === "error" && item.name !== undefined && !declared.has(item.name)) missing.add(item.name);
    }
  }
  return [...missing].sort();
}

/**
 * An ABI without what encoders, decoders and viem's types do not read: `internalType` (Solidity's type names, e.g.
 * `struct DayRecord`: about a third of the ABIs' size in a bundle), empty parameter names and `anonymous: false`
 * (the default).
 *
 * @param abi - An artifact's ABI.
 * @returns The same ABI, without those fields at any depth.
 */
export function compact(abi: readonly unknown[]): unknown[] {
  const drop = (key: string, value: unknown): boolean =>
    key === "internalType" || (key === "name" && value === "") || (key === "anonymous" && value === false);
  return JSON.parse(JSON.stringify(abi, (key, value: unknown) => (drop(key, value) ? undefined : value)));
}

interface AbiErrorItem extends AbiItem {
  readonly inputs: readonly { readonly type: string }[];
}

/**
 * The custom errors of each ABI in {@link ABI_CONTRACTS} that no ABI before it declares (by signature), compacted.
 *
 * @param abis - The ABI of each contract.
 * @returns The error items of each contract.
 */
export function errorsOf(abis: ContractAbis): Record<(typeof ABI_CONTRACTS)[number]["contract"], unknown[]> {
  const seen = new Set<string>();
  const out: Record<string, unknown[]> = {};
  for (const { contract } of ABI_CONTRACTS) {
    out[contract] = [];
    for (const item of compact(abis[contract]) as AbiErrorItem[]) {
      if (item.type !== "error") continue;
      const signature = `${item.name}(${item.inputs.map((i) => i.type).join(",")})`;
      if (seen.has(signature)) continue;
      seen.add(signature);
      out[contract].push(item);
    }
  }
  return out as Record<(typeof ABI_CONTRACTS)[number]["contract"], unknown[]>;
}

/**
 * The source of sdk/src/abis.ts for `abis`, formatted with the repository's prettier configuration. Pure: same
 * input, same output.
 *
 * @param abis - The ABI of each contract.
 * @returns The TypeScript module text.
 */
export async function generateAbisSource(abis: ContractAbis): Promise<string> {
  const missing = undeclaredShopErrors(abis);
  if (missing.length > 0) {
    throw new Error(`IShop does not declare errors its implementations can raise: ${missing.join(", ")}`);
  }
  const parts = [
    "/**",
    " * ABIs of the ShareMall contracts, as `as const` literals for typed clients (viem, abitype) and for",
    " * {@link decodeContractError}. GENERATED by scripts/gen-abis.ts from the Hardhat artifacts (`npm run abis`): do",
    " * not edit by hand.",
    " *",
    " * @packageDocumentation",
    " */",
    "",
  ];
  for (const { contract, constant, doc } of ABI_CONTRACTS) {
    parts.push(`/** ${doc} */`, `export const ${constant} = ${JSON.stringify(compact(abis[contract]))} as const;`, "");
  }
  for (const { contract, constant } of ABI_CONTRACTS) {
    const views = (compact(abis[contract]) as { type: string; stateMutability?: string }[]).filter(
      (item) => item.type === "function" && (item.stateMutability === "view" || item.stateMutability === "pure"),
    );
    parts.push(
      `/** The view functions of {@link ${constant}} only: enough for reads, a fraction of the size in a bundle. */`,
      `export const ${constant.replace(/Abi$/, "ReadAbi")} = ${JSON.stringify(views)} as const;`,
      "",
    );
  }
  const errors = errorsOf(abis);
  for (const { contract, constant } of ABI_CONTRACTS) {
    parts.push(
      `/** The custom errors of {@link ${constant}} that no ABI above it declares: what {@link decodeContractError}`,
      " * decodes, without pulling whole ABIs into a bundle that only reads. */",
      `export const ${constant.replace(/Abi$/, "ErrorsAbi")} = ${JSON.stringify(errors[contract])} as const;`,
      "",
    );
  }
  const options = (await resolveConfig(ABIS_FILE)) ?? {};
  return format(parts.join("\n"), { ...options, filepath: ABIS_FILE });
}

/** Reads the artifacts and writes sdk/src/abis.ts. */
export async function main(): Promise<void> {
  const source = await generateAbisSource(await readArtifactAbis());
  await writeFile(ABIS_FILE, source);
  console.log(`wrote ${path.relative(ROOT, ABIS_FILE)}`);
}

// Run only as a script (`hardhat run scripts/gen-abis.ts`), not when a test imports the generator.
const self = fileURLToPath(import.meta.url);
if (process.argv.slice(1).some((arg) => path.resolve(arg) === self)) {
  await main();
}
