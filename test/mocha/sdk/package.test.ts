/**
 * The published shape of @sharemall/sdk (docs/sdk-package.md): builds sdk/ (ESM, CommonJS, TypeChain), packs it with
 * `npm pack` and installs the tarball into three clean temporary projects (offline: the dependencies are linked from
 * this repository's node_modules): an ESM project with ethers and viem, a CommonJS one, and a viem-only one without
 * ethers. In each it checks that the types resolve and are real (a correct file type-checks, a wrong one does not)
 * and that the runtime reproduces test/vectors.
 */
import { expect } from "chai";
import { id } from "ethers";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SDK = join(ROOT, "sdk");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const BUILD = join(ROOT, "scripts", "build-sdk.mjs");
const ORDER_VECTORS = join(ROOT, "test", "vectors", "order-hash.json");
const BATCH_VECTORS = join(ROOT, "test", "vectors", "merkle-batch.json");

/** Child processes run under this Node (Node 22 from node_modules/.bin under `npx hardhat`), npm included. */
const ENV = { ...process.env, PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ""}` };

interface PackedFile {
  readonly path: string;
}
interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly PackedFile[];
}
interface ConditionTarget {
  readonly types: string;
  readonly default: string;
}
interface SdkManifest {
  readonly name: string;
  readonly version: string;
  readonly main: string;
  readonly types: string;
  readonly exports: Readonly<
    Record<
      "." | "./typechain",
      { readonly import: ConditionTarget; readonly require: ConditionTarget; readonly default: string }
    >
  >;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly peerDependenciesMeta: Readonly<Record<string, { readonly optional?: boolean }>>;
}
interface OrderVector {
  readonly shop: string;
  readonly chainId: string;
  readonly salt: string;
  readonly input: unknown;
  readonly orderHash: string;
}
interface BatchVectors {
  readonly firstOrderId: string;
  readonly leaves: readonly { readonly orderHash: string; readonly customer: string; readonly amount: string }[];
  readonly root: string;
}
interface RuntimeOutput {
  readonly orderHashes: readonly string[];
  readonly root: string;
  readonly salt: string;
  readonly deepImport: string;
  readonly settleSelector: string;
  readonly connected: string;
}
interface ViemRuntimeOutput {
  readonly ethers: string;
  readonly orderHash: string;
  readonly chainId: string;
  readonly decoded: string;
}

function log(message: string): void {
  console.log(`      [sdk package] ${message}`);
}

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, env: ENV, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** Runs tsc; returns its exit status and output (tsc writes diagnostics to stdout). */
function tsc(args: readonly string[], cwd: string): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd, env: ENV, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/**
 * Offline install: no registry, no lifecycle scripts, no lockfile. Local directories are installed as links (npm's
 * default `install-links=false`), so nothing is copied and the linked packages resolve their own dependencies from
 * this repository's node_modules.
 */
const INSTALL = ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"];

/** A consumer that uses the package as documented; must type-check under strict node16 resolution. */
const GOOD_TS = `import {
  buildBatch,
  decodeContractError,
  defineRules,
  fromEthers,
  hashOrder,
  newSalt,
  type ContractRevertError,
  type Hex,
  type MerkleBatch,
  type PrivateOrderInput,
  type TokenRules,
  type Transport,
} from "@sharemall/sdk";
import {
  IShop__factory,
  IShopPayments__factory,
  type DividendToken,
  type IShop,
  type Shop,
  type ShareMallFactory,
} from "@sharemall/sdk/typechain";
import { JsonRpcProvider, Wallet } from "ethers";

const provider = new JsonRpcProvider("http://127.0.0.1:8545");
// An ethers provider and signer fit fromEthers without any cast.
export const reader: Transport = fromEthers(provider);
export const writer: Transport = fromEthers(Wallet.createRandom().connect(provider), { chainId: 31337n });
// A shop clone answers the whole IShop interface; the Shop type has the order and settlement functions only.
const shop: IShop = IShop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3", provider);
export const today: Promise<bigint> = shop.today();
export const used: Promise<boolean> = shop.isOrderIdUsed(1001n);
export const payments = IShopPayments__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3").setReturnWindow;
export type Settle = Shop["settle"];
export type Claim = DividendToken["claim"];
export type Predict = ShareMallFactory["predictTokenAddress"];

const order: PrivateOrderInput = {
  orderId: "T-1",
  customer: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  amount: 10n ** 17n,
  currency: "CNY",
  fiatAmount: 10_000,
  quotedRate: 10n ** 15n,
  createdAt: 1767225600,
  items: [{ sku: "TEA", quantity: 1, unitPrice: 10_000 }],
};
const salt: Hex = newSalt();
const orderHash: Hex = hashOrder(order, { shop: "0x5FbDB2315678afecb367f032d93F642f64180aa3", chainId: 31337n, salt });
export const batch: Promise<MerkleBatch> = buildBatch([{ orderHash, customer: order.customer, amount: order.amount }], {
  firstOrderId: 1001n,
});
export const rules: TokenRules = defineRules({ spendPerToken: "0.1", dividend: "5%" });
export const decoded: ContractRevertError | undefined = decodeContractError("0x");
`;

/** Wrong calls; each must be a type error (were the package's types missing or \`any\`, this would type-check). */
const BAD_TS = `import { buildBatch, defineRules, hashOrder } from "@sharemall/sdk";
import { IShop__factory } from "@sharemall/sdk/typechain";
hashOrder({ orderId: 42 }, { shop: "0x5FbDB2315678afecb367f032d93F642f64180aa3", chainId: 1n, salt: "0x00" });
export const notANumber: number = defineRules({ spendPerToken: null, dividend: "5%" });
export const notAString: string = IShop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3").today();
export const noFirstOrderId = buildBatch([]);
`;

/** The vectors' order hashes and batch root, as a consumer computes them (the ESM and CommonJS bodies share it). */
const VECTORS_BODY = `const orders = JSON.parse(readFileSync(process.argv[2], "utf8"));
const batch = JSON.parse(readFileSync(process.argv[3], "utf8"));
const orderHashes = orders.vectors.map((v) => hashOrder(v.input, { shop: v.shop, chainId: v.chainId, salt: v.salt }));
`;

/** Loads the installed package the way an ESM consumer does and prints what it computes from the vectors. */
const RUNTIME_MJS = `import { readFileSync } from "node:fs";
import { buildBatch, hashOrder, newSalt } from "@sharemall/sdk";
import { IShop__factory } from "@sharemall/sdk/typechain";

${VECTORS_BODY}const built = await buildBatch(batch.leaves, { firstOrderId: batch.firstOrderId });
let deepImport = "imported";
try {
  await import("@sharemall/sdk/dist/index.js");
} catch (e) {
  deepImport = e.code;
}
const shop = IShop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const settleSelector = shop.interface.getFunction("settle").selector;
console.log(JSON.stringify({ orderHashes, root: built.root, salt: newSalt(), deepImport, settleSelector, connected: await shop.getAddress() }));
`;

/** The same as a CommonJS consumer: \`require\`, no top-level await. */
const RUNTIME_CJS = `const { readFileSync } = require("node:fs");
const { buildBatch, hashOrder, newSalt } = require("@sharemall/sdk");
const { IShop__factory } = require("@sharemall/sdk/typechain");

${VECTORS_BODY}let deepImport = "required";
try {
  require("@sharemall/sdk/dist/cjs/index.js");
} catch (e) {
  deepImport = e.code;
}
const shop = IShop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const settleSelector = shop.interface.getFunction("settle").selector;
buildBatch(batch.leaves, { firstOrderId: batch.firstOrderId }).then(async (built) => {
  console.log(JSON.stringify({ orderHashes, root: built.root, salt: newSalt(), deepImport, settleSelector, connected: await shop.getAddress() }));
});
`;

/** TypeScript in a CommonJS package: compiled to \`require\`, so it must resolve the \`require\` condition's types. */
const CJS_TS = `import { hashOrder, predictTokenAddress, type Address } from "@sharemall/sdk";
import { IShop__factory } from "@sharemall/sdk/typechain";
export const token: Address = predictTokenAddress("0x5FbDB2315678afecb367f032d93F642f64180aa3", 0);
export const hash: string = hashOrder;
export const factory = IShop__factory.abi;
`;

/**
 * A viem-only project: clients of mainnet, Base, Optimism (chains with their own formatters) and a custom chain all
 * fit \`fromViem\`; type-checked with \`skipLibCheck: false\`, so the package's declarations must not mention ethers.
 */
const VIEM_TS = `import { createPublicClient, createWalletClient, custom, defineChain, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { base, mainnet, optimism } from "viem/chains";
import { claim, fetchHolderTokens, fromViem, type HolderToken, type Transport } from "@sharemall/sdk";

const local = defineChain({
  id: 31337,
  name: "Local",
  nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
  rpcUrls: { default: { http: ["http://127.0.0.1:8545"] } },
});
const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
export const onMainnet: Transport = fromViem({ publicClient: createPublicClient({ chain: mainnet, transport: http() }) });
export const onBase: Transport = fromViem({
  publicClient: createPublicClient({ chain: base, transport: http() }),
  walletClient: createWalletClient({ chain: base, transport: http(), account }),
  chainId: base.id,
});
export const onOptimism: Transport = fromViem({
  publicClient: createPublicClient({ chain: optimism, transport: http() }),
  walletClient: createWalletClient({ chain: optimism, transport: custom({ request: async () => null }) }),
});
export const onLocal: Transport = fromViem({ publicClient: createPublicClient({ chain: local, transport: http() }) });
export const noChain: Transport = fromViem({ publicClient: createPublicClient({ transport: http() }) });
export const TOKENS_CALL = fetchHolderTokens;
export const CLAIM_CALL = claim;
export type Row = HolderToken;
`;

/** Not clients: each must be a type error. */
const VIEM_BAD_TS = `import { createWalletClient, http } from "viem";
import { fromViem } from "@sharemall/sdk";
fromViem({ publicClient: {} });
fromViem({ publicClient: createWalletClient({ transport: http() }) });
`;

/** Runs the SDK with viem and without ethers: hashes a vector and reads the chain id through a viem client. */
const VIEM_RUNTIME_MJS = `import { createPublicClient, custom } from "viem";
import { decodeContractError, fromViem, hashOrder } from "@sharemall/sdk";

let ethers = "installed";
try {
  await import("ethers");
} catch (e) {
  ethers = e.code;
}
const v = JSON.parse(process.argv[2]);
const orderHash = hashOrder(v.input, { shop: v.shop, chainId: v.chainId, salt: v.salt });
const node = { request: async ({ method }) => (method === "eth_chainId" ? "0x7a69" : null) };
const transport = fromViem({ publicClient: createPublicClient({ transport: custom(node) }) });
const chainId = String(await transport.chainId());
// ShopDayNotOver(uint256 day, uint256 today): the error decoder needs viem only.
const data = "0x" + "${"${selector}"}" + (20786).toString(16).padStart(64, "0") + (20785).toString(16).padStart(64, "0");
const decoded = decodeContractError(data)?.message ?? "undecoded";
console.log(JSON.stringify({ ethers, orderHash, chainId, decoded }));
`;

const STRICT = {
  lib: ["es2023"],
  module: "node16",
  moduleResolution: "node16",
  target: "es2022",
  strict: true,
  noEmit: true,
  types: [],
  skipLibCheck: true,
};

function project(
  tmp: string,
  name: string,
  type: "module" | "commonjs",
  links: readonly string[],
  tgz: string,
): string {
  const dir = join(tmp, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, private: true, type }));
  const modules = join(ROOT, "node_modules");
  run("npm", [...INSTALL, tgz, ...links.map((l) => join(modules, l))], dir);
  return dir;
}

function writeTs(dir: string, config: string, file: string, text: string, options: object = STRICT): void {
  writeFileSync(join(dir, file), text);
  writeFileSync(join(dir, config), JSON.stringify({ compilerOptions: options, files: [file] }));
}

function runVectors(dir: string, script: string): RuntimeOutput {
  return JSON.parse(run(process.execPath, [join(dir, script), ORDER_VECTORS, BATCH_VECTORS], dir)) as RuntimeOutput;
}

function expectVectors(out: RuntimeOutput, closed: string): void {
  const orders = readJson<{ vectors: readonly OrderVector[] }>(ORDER_VECTORS);
  const batch = readJson<BatchVectors>(BATCH_VECTORS);
  expect(orders.vectors.length).to.be.greaterThan(0);
  expect(out.orderHashes).to.deep.equal(orders.vectors.map((v) => v.orderHash));
  expect(out.root).to.equal(batch.root);
  expect(out.salt).to.match(/^0x[0-9a-f]{64}$/);
  expect(out.deepImport).to.equal(closed);
  expect(out.settleSelector).to.equal(id("settle(uint256)").slice(0, 10));
  expect(out.connected).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
}

describe("SDK package (@sharemall/sdk: build, npm pack, install into clean ESM, CommonJS and viem-only projects)", function () {
  this.timeout(240_000);

  let tmp = "";
  let esm = "";
  let cjs = "";
  let viemOnly = "";
  let packed: PackResult;
  let manifest: SdkManifest;

  before(function () {
    const t0 = Date.now();
    const lap = (what: string): void => log(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    manifest = readJson<SdkManifest>(join(SDK, "package.json"));
    tmp = mkdtempSync(join(tmpdir(), "sharemall-sdk-pack-"));

    // The build script starts from an empty sdk/dist; `hardhat test` has generated the TypeChain types it ships.
    run(process.execPath, [BUILD], ROOT);
    lap("built sdk/dist (SDK as ESM and CommonJS + TypeChain)");

    const packs = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tmp], SDK)) as PackResult[];
    packed = packs[0];
    const tgz = join(tmp, packed.filename);
    lap(`packed ${packed.filename} (${packed.files.length} files)`);

    const deps = ["hash-wasm", "ox"];
    esm = project(tmp, "consumer-esm", "module", ["ethers", "viem", ...deps], tgz);
    cjs = project(tmp, "consumer-cjs", "commonjs", ["ethers", "viem", ...deps], tgz);
    viemOnly = project(tmp, "consumer-viem-only", "module", ["viem", ...deps], tgz);
    lap("installed the tarball into the ESM, CommonJS and viem-only projects (dependencies linked from node_modules)");

    writeTs(esm, "tsconfig.json", "good.ts", GOOD_TS);
    writeTs(esm, "tsconfig.bad.json", "bad.ts", BAD_TS);
    writeFileSync(join(esm, "runtime.mjs"), RUNTIME_MJS);
    writeTs(cjs, "tsconfig.json", "good.ts", CJS_TS);
    writeFileSync(join(cjs, "runtime.cjs"), RUNTIME_CJS);
    const libChecked = { ...STRICT, lib: ["es2023", "dom"], skipLibCheck: false };
    writeTs(viemOnly, "tsconfig.json", "viem.ts", VIEM_TS, libChecked);
    writeTs(viemOnly, "tsconfig.bad.json", "bad.ts", VIEM_BAD_TS, { ...libChecked, skipLibCheck: true });
    const selector = id("ShopDayNotOver(uint256,uint256)").slice(2, 10);
    writeFileSync(join(viemOnly, "runtime.mjs"), VIEM_RUNTIME_MJS.replace("${selector}", selector));
  });

  after(function () {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("npm pack: package.json, LICENSE, CHANGELOG.md, dist/ and src/ only, holding every entry point of every condition", function () {
    expect(packed.name).to.equal("@sharemall/sdk");
    expect(packed.version).to.equal(manifest.version);
    const paths = packed.files.map((f) => f.path);
    const top = new Set(["package.json", "LICENSE", "CHANGELOG.md"]);
    const stray = paths.filter((p) => !top.has(p) && !p.startsWith("dist/") && !p.startsWith("src/"));
    expect(paths).to.include.members([...top]);
    expect(stray, "files outside dist/ and src/").to.deep.equal([]);
    const entries = [manifest.main, manifest.types];
    for (const path of [".", "./typechain"] as const) {
      const e = manifest.exports[path];
      entries.push(e.import.types, e.import.default, e.require.types, e.require.default, e.default);
    }
    for (const entry of entries) expect(paths).to.include(entry.replace(/^\.\//, ""));
    expect(paths).to.include("dist/cjs/package.json");
    expect(paths.filter((p) => /PlainERC20|RejectingReceiver|Mock/.test(p))).to.deep.equal([]);
  });

  it("npm pack: every declaration map points at a source file that is in the tarball", function () {
    const paths = new Set(packed.files.map((f) => f.path));
    const maps = [...paths].filter((p) => p.endsWith(".d.ts.map"));
    expect(maps.length, "declaration maps").to.be.greaterThan(40);
    expect(
      [...maps].some((p) => p.startsWith("dist/cjs/")),
      "CommonJS declaration maps",
    ).to.equal(true);
    const installed = join(esm, "node_modules", "@sharemall", "sdk");
    const missing: string[] = [];
    for (const map of maps) {
      const { sources } = readJson<{ sources: readonly string[] }>(join(installed, map));
      for (const source of sources) {
        const resolved = join(dirname(map), source).replace(/\\\\/g, "/");
        if (!paths.has(resolved)) missing.push(`${map} -> ${source}`);
      }
    }
    expect(missing).to.deep.equal([]);
  });

  it("npm pack: no contract bytecode: TypeChain ships contract types and interface factories (ABIs) only", function () {
    const paths = packed.files.map((f) => f.path);
    const factories = paths.filter((p) => /__factory\.js$/.test(p));
    expect(factories.length).to.be.greaterThan(0);
    expect(factories.filter((p) => !/\/factories\/interfaces\/I[A-Za-z]+__factory\.js$/.test(p))).to.deep.equal([]);
    expect(paths).to.include("dist/typechain/shop/Shop.d.ts");
    const installed = join(esm, "node_modules", "@sharemall", "sdk");
    const withBytecode = paths.filter(
      (p) => p.endsWith(".js") && /_bytecode|0x6080604052/.test(readFileSync(join(installed, p), "utf8")),
    );
    expect(withBytecode).to.deep.equal([]);
    const unpacked = packed.files.reduce((sum, f) => sum + ((f as { size?: number }).size ?? 0), 0);
    log(`tarball: ${packed.files.length} files, ${(unpacked / 1e6).toFixed(2)} MB unpacked`);
  });

  it("npm install: dependencies are hash-wasm (the root's pin) and ox; ethers is an optional peer, viem a peer", function () {
    const root = readJson<{ dependencies: Record<string, string> }>(join(ROOT, "package.json"));
    expect(Object.keys(manifest.dependencies).sort()).to.deep.equal(["hash-wasm", "ox"]);
    expect(manifest.dependencies["hash-wasm"]).to.equal(root.dependencies["hash-wasm"]);
    const installed = readJson<{ version: string }>(join(esm, "node_modules", "hash-wasm", "package.json"));
    expect(installed.version).to.equal(manifest.dependencies["hash-wasm"]);
    expect(manifest.peerDependenciesMeta.ethers?.optional).to.equal(true);
    expect(manifest.peerDependenciesMeta.viem?.optional ?? false).to.equal(false);
  });

  it("ESM: a consumer (ethers and viem installed) type-checks, strict node16", function () {
    const { status, output } = tsc(["-p", "tsconfig.json"], esm);
    expect(output).to.equal("");
    expect(status).to.equal(0);
  });

  it("ESM: wrong calls into @sharemall/sdk fail type-checking (the types are real, not any)", function () {
    const { status, output } = tsc(["-p", "tsconfig.bad.json"], esm);
    expect(status).to.not.equal(0);
    // Line 3: orderId is a number and the order lacks required fields; line 4: TokenRules is not a number;
    // line 5: the TypeChain shop's today() is a Promise<bigint>, not a string; line 6: buildBatch needs
    // { firstOrderId } since core v2.
    expect(output).to.match(/bad\.ts\(3,\d+\): error TS2\d{3}:/);
    expect(output).to.match(/bad\.ts\(4,\d+\): error TS2322:/);
    expect(output).to.match(/bad\.ts\(5,\d+\): error TS2322:/);
    expect(output).to.match(/bad\.ts\(6,\d+\): error TS2554:/);
    expect(output).to.not.include("TS2307"); // "Cannot find module": the failure must come from the types.
    expect(output).to.not.include("TS7016"); // "Could not find a declaration file".
  });

  it("ESM: the installed package reproduces test/vectors order hashes and batch root; deep imports are closed", function () {
    expectVectors(runVectors(esm, "runtime.mjs"), "ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("CommonJS: require() loads the SDK and its TypeChain factories and reproduces test/vectors", function () {
    expectVectors(runVectors(cjs, "runtime.cjs"), "ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("CommonJS: TypeScript in a CommonJS package resolves the require condition's declarations and checks them", function () {
    const { status, output } = tsc(["-p", "tsconfig.json", "--explainFiles"], cjs);
    expect(output).to.include("node_modules/@sharemall/sdk/dist/cjs/index.d.ts");
    expect(output).to.not.include("node_modules/@sharemall/sdk/dist/index.d.ts");
    // Line 4 assigns a function to a string: the declarations are real under require resolution too.
    expect(output).to.match(/good\.ts\(4,\d+\): error TS2322:/);
    expect(output.match(/error TS/g) ?? []).to.have.length(1);
    expect(status).to.not.equal(0);
  });

  it("viem only (no ethers): clients of mainnet, Base, Optimism and a custom chain fit fromViem (skipLibCheck off)", function () {
    expect(existsSync(join(viemOnly, "node_modules", "ethers"))).to.equal(false);
    const { status, output } = tsc(["-p", "tsconfig.json"], viemOnly);
    expect(output).to.equal("");
    expect(status).to.equal(0);
  });

  it("viem only: what is not a public client is refused by fromViem's types", function () {
    const { status, output } = tsc(["-p", "tsconfig.bad.json"], viemOnly);
    expect(status).to.not.equal(0);
    expect(output).to.match(/bad\.ts\(3,\d+\): error TS2\d{3}:/);
    expect(output).to.match(/bad\.ts\(4,\d+\): error TS2\d{3}:/);
  });

  it("viem only: the SDK loads without ethers, hashes orders, decodes errors and reads through a viem client", function () {
    const v = readJson<{ vectors: readonly OrderVector[] }>(ORDER_VECTORS).vectors[0];
    const out = JSON.parse(
      run(process.execPath, [join(viemOnly, "runtime.mjs"), JSON.stringify(v)], viemOnly),
    ) as ViemRuntimeOutput;
    expect(out.ethers).to.equal("ERR_MODULE_NOT_FOUND");
    expect(out.orderHash).to.equal(v.orderHash);
    expect(out.chainId).to.equal("31337");
    expect(out.decoded).to.include("20786");
  });
});
