/**
 * The published shape of @sharemall/sdk (docs/sdk-package.md): builds sdk/ with sdk/tsconfig.build.json, packs it
 * with `npm pack`, installs the tarball into a clean temporary ESM project (offline: ethers, viem and hash-wasm are
 * linked from this repository's node_modules) and checks there that the types resolve and are real (a correct file
 * type-checks, a wrong one does not) and that the runtime reproduces test/vectors.
 */
import { expect } from "chai";
import { id } from "ethers";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
interface SdkManifest {
  readonly name: string;
  readonly main: string;
  readonly types: string;
  readonly exports: Readonly<Record<"." | "./typechain", { readonly types: string; readonly import: string }>>;
  readonly dependencies: Readonly<Record<string, string>>;
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
  hashOrder,
  newSalt,
  type ContractRevertError,
  type Hex,
  type MerkleBatch,
  type PrivateOrderInput,
  type TokenRules,
} from "@sharemall/sdk";
import {
  IShop__factory,
  ShopPayments__factory,
  Shop__factory,
  type DividendToken,
  type IShop,
  type Shop,
  type ShareMallFactory,
} from "@sharemall/sdk/typechain";
import { JsonRpcProvider } from "ethers";

const provider = new JsonRpcProvider("http://127.0.0.1:8545");
// A shop clone answers the whole IShop interface; the Shop type has the order and settlement functions only.
const shop: IShop = IShop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3", provider);
export const today: Promise<bigint> = shop.today();
export const used: Promise<boolean> = shop.isOrderIdUsed(1001n);
export const settle: Shop["settle"] = Shop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3").settle;
// Deploying an implementation: the payments module first, then Shop given its address.
export const deployShop = (payments: string): Promise<string> =>
  new Shop__factory().getDeployTransaction(payments).then((tx) => tx.data);
export const paymentsModule = ShopPayments__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3").modules;
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

/** Loads the installed package the way an ESM consumer does and prints what it computes from the vectors. */
const RUNTIME_MJS = `import { readFileSync } from "node:fs";
import { buildBatch, hashOrder, newSalt } from "@sharemall/sdk";
import { Shop__factory } from "@sharemall/sdk/typechain";

const orders = JSON.parse(readFileSync(process.argv[2], "utf8"));
const batch = JSON.parse(readFileSync(process.argv[3], "utf8"));
const orderHashes = orders.vectors.map((v) => hashOrder(v.input, { shop: v.shop, chainId: v.chainId, salt: v.salt }));
const built = await buildBatch(batch.leaves, { firstOrderId: batch.firstOrderId });
let deepImport = "imported";
try {
  await import("@sharemall/sdk/dist/index.js");
} catch (e) {
  deepImport = e.code;
}
const shop = Shop__factory.connect("0x5FbDB2315678afecb367f032d93F642f64180aa3");
const settleSelector = shop.interface.getFunction("settle").selector;
console.log(JSON.stringify({ orderHashes, root: built.root, salt: newSalt(), deepImport, settleSelector, connected: await shop.getAddress() }));
`;

describe("SDK package (@sharemall/sdk: build, npm pack, install into a clean project)", function () {
  this.timeout(180_000);

  let tmp = "";
  let project = "";
  let noViem = "";
  let packed: PackResult;
  let manifest: SdkManifest;

  before(function () {
    const t0 = Date.now();
    const lap = (what: string): void => log(`${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    manifest = readJson<SdkManifest>(join(SDK, "package.json"));
    tmp = mkdtempSync(join(tmpdir(), "sharemall-sdk-pack-"));

    // The build script starts from an empty sdk/dist; `hardhat test` has generated the TypeChain types it ships.
    run(process.execPath, [BUILD], ROOT);
    lap("built sdk/dist (SDK + TypeChain)");

    const packs = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", tmp], SDK)) as PackResult[];
    packed = packs[0];
    lap(`packed ${packed.filename} (${packed.files.length} files)`);

    project = join(tmp, "consumer");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    const modules = join(ROOT, "node_modules");
    run(
      "npm",
      [
        ...INSTALL,
        join(tmp, packed.filename),
        join(modules, "ethers"),
        join(modules, "viem"),
        join(modules, "hash-wasm"),
      ],
      project,
    );
    lap("installed the tarball (+ ethers, viem, hash-wasm linked from node_modules)");

    noViem = join(tmp, "consumer-without-viem");
    mkdirSync(noViem);
    writeFileSync(join(noViem, "package.json"), JSON.stringify({ name: "no-viem", private: true, type: "module" }));
    run("npm", [...INSTALL, join(tmp, packed.filename), join(modules, "ethers"), join(modules, "hash-wasm")], noViem);
    lap("installed the tarball without viem");

    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          lib: ["es2023"],
          module: "node16",
          moduleResolution: "node16",
          target: "es2022",
          strict: true,
          noEmit: true,
          types: [],
          skipLibCheck: true,
        },
        files: ["good.ts"],
      }),
    );
    writeFileSync(
      join(project, "tsconfig.bad.json"),
      JSON.stringify({ extends: "./tsconfig.json", files: ["bad.ts"] }),
    );
    writeFileSync(join(project, "good.ts"), GOOD_TS);
    writeFileSync(join(project, "bad.ts"), BAD_TS);
    writeFileSync(join(project, "runtime.mjs"), RUNTIME_MJS);
  });

  after(function () {
    if (tmp !== "") rmSync(tmp, { recursive: true, force: true });
  });

  it("npm pack: the tarball is @sharemall/sdk 0.2.0 with package.json, LICENSE and dist/ only, holding every entry point", function () {
    expect(packed.name).to.equal("@sharemall/sdk");
    expect(packed.version).to.equal("0.2.0");
    const paths = packed.files.map((f) => f.path);
    const stray = paths.filter((p) => p !== "package.json" && p !== "LICENSE" && !p.startsWith("dist/"));
    expect(paths).to.include("LICENSE");
    expect(stray, "files outside dist/").to.deep.equal([]);
    const sources = paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"));
    expect(sources, "TypeScript sources in the tarball").to.deep.equal([]);
    const entries = [manifest.main, manifest.types];
    for (const path of [".", "./typechain"] as const) {
      entries.push(manifest.exports[path].types, manifest.exports[path].import);
    }
    for (const entry of entries) expect(paths).to.include(entry.replace(/^\.\//, ""));
    expect(paths).to.include("dist/index.d.ts.map");
    // TypeChain ships the deployable contracts and their interfaces (in the contracts' folders), never the test mocks.
    expect(paths).to.include("dist/typechain/factories/shop/Shop__factory.js");
    expect(paths).to.include("dist/typechain/factories/factory/ShareMallFactory__factory.js");
    expect(paths).to.include("dist/typechain/factories/payouts/DividendToken__factory.js");
    expect(paths).to.include("dist/typechain/interfaces/IShop.d.ts");
    expect(paths).to.include("dist/typechain/factories/interfaces/IShop__factory.js");
    expect(paths.filter((p) => /PlainERC20|RejectingReceiver|Mock/.test(p))).to.deep.equal([]);
  });

  it("npm install: the installed dependency hash-wasm satisfies the package's pin, which equals the root's", function () {
    const root = readJson<{ dependencies: Record<string, string> }>(join(ROOT, "package.json"));
    const installed = readJson<{ version: string }>(join(project, "node_modules", "hash-wasm", "package.json"));
    expect(manifest.dependencies["hash-wasm"]).to.equal(root.dependencies["hash-wasm"]);
    expect(installed.version).to.equal(manifest.dependencies["hash-wasm"]);
    const sdk = readJson<{ name: string }>(join(project, "node_modules", "@sharemall", "sdk", "package.json"));
    expect(sdk.name).to.equal("@sharemall/sdk");
  });

  it("tsc (strict, node16): a consumer importing from @sharemall/sdk type-checks", function () {
    const t0 = Date.now();
    const { status, output } = tsc(["-p", "tsconfig.json"], project);
    log(`type-checked good.ts (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    expect(output).to.equal("");
    expect(status).to.equal(0);
  });

  it("tsc (strict, node16): wrong calls into @sharemall/sdk fail type-checking (the types are real, not any)", function () {
    const t0 = Date.now();
    const { status, output } = tsc(["-p", "tsconfig.bad.json"], project);
    log(`type-checked bad.ts (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
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

  it("node (ESM): the installed package reproduces test/vectors order hashes and batch root; deep imports are closed", function () {
    const t0 = Date.now();
    const out = JSON.parse(
      run(process.execPath, [join(project, "runtime.mjs"), ORDER_VECTORS, BATCH_VECTORS], project),
    ) as RuntimeOutput;
    log(`ran runtime.mjs (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    const orders = readJson<{ vectors: readonly OrderVector[] }>(ORDER_VECTORS);
    const batch = readJson<BatchVectors>(BATCH_VECTORS);
    expect(orders.vectors.length).to.be.greaterThan(0);
    expect(out.orderHashes).to.deep.equal(orders.vectors.map((v) => v.orderHash));
    expect(out.root).to.equal(batch.root);
    expect(out.salt).to.match(/^0x[0-9a-f]{64}$/);
    expect(out.deepImport).to.equal("ERR_PACKAGE_PATH_NOT_EXPORTED");
    expect(out.settleSelector).to.equal(id("settle(uint256)").slice(0, 10));
    expect(out.connected).to.equal("0x5FbDB2315678afecb367f032d93F642f64180aa3");
  });

  it("node (ESM): viem is an optional peer: without viem installed the package still loads and hashes", function () {
    expect(() => run(process.execPath, ["--input-type=module", "-e", 'await import("viem")'], noViem)).to.throw();
    const v = readJson<{ vectors: readonly OrderVector[] }>(ORDER_VECTORS).vectors[0];
    const script =
      'import { hashOrder } from "@sharemall/sdk"; const v = JSON.parse(process.argv[1]); ' +
      "console.log(hashOrder(v.input, { shop: v.shop, chainId: v.chainId, salt: v.salt }));";
    const hash = run(process.execPath, ["--input-type=module", "-e", script, JSON.stringify(v)], noViem).trim();
    expect(hash).to.equal(v.orderHash);
  });
});
