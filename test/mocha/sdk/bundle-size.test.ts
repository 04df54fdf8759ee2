/**
 * What the SDK costs a viem user's bundle: esbuild bundles (minified, browser, ESM) a page that reads a block number
 * with viem alone, and the same page that also lists a holder's tokens with `fromViem` + `fetchHolderTokens`. The
 * difference is the SDK's share; the target is 40 KB (40,000 bytes). The figures are printed, with the SDK's largest
 * modules.
 */
import { expect } from "chai";
import { build, type Metafile } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TARGET_BYTES = 40_000;

const VIEM_ONLY = `import { createPublicClient, http } from "viem";
const publicClient = createPublicClient({ transport: http("http://127.0.0.1:8545") });
export const block = await publicClient.getBlockNumber();
`;

const WITH_SDK = `${VIEM_ONLY}import { fetchHolderTokens, fromViem } from "./sdk/src/index.js";
export const tokens = await fetchHolderTokens(fromViem({ publicClient }), {
  factory: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  holder: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
});
`;

interface Bundle {
  readonly bytes: number;
  readonly inputs: Metafile["outputs"][string]["inputs"];
}

async function bundle(contents: string): Promise<Bundle> {
  const result = await build({
    stdin: { contents, resolveDir: ROOT, loader: "ts", sourcefile: "page.ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const [output] = Object.values(result.metafile.outputs);
  return { bytes: result.outputFiles[0].contents.length, inputs: output.inputs };
}

const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;

describe("SDK bundle size (esbuild, minified)", function () {
  this.timeout(120_000);

  it(`fromViem + fetchHolderTokens add at most ${kb(TARGET_BYTES)} to a viem page, and nothing of ethers`, async function () {
    const base = await bundle(VIEM_ONLY);
    const withSdk = await bundle(WITH_SDK);
    const added = withSdk.bytes - base.bytes;
    const sdkModules = Object.entries(withSdk.inputs)
      .filter(([path]) => path.startsWith("sdk/src/"))
      .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput);
    console.log(
      `      viem alone ${kb(base.bytes)}; with fromViem + fetchHolderTokens ${kb(withSdk.bytes)}: ` +
        `the SDK adds ${kb(added)} (target ${kb(TARGET_BYTES)})`,
    );
    console.log(
      `      largest SDK modules: ${sdkModules
        .slice(0, 5)
        .map(([path, input]) => `${path.replace("sdk/src/", "")} ${kb(input.bytesInOutput)}`)
        .join(", ")}`,
    );
    expect(Object.keys(withSdk.inputs).filter((path) => path.includes("node_modules/ethers/"))).to.deep.equal([]);
    expect(Object.keys(withSdk.inputs).filter((path) => path.includes("hash-wasm"))).to.deep.equal([]);
    expect(sdkModules.length, "SDK modules in the bundle").to.be.greaterThan(3);
    expect(added).to.be.at.most(TARGET_BYTES);
  });
});
