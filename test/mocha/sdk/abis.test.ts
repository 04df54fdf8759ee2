import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { ABIS_FILE, ABI_CONTRACTS, generateAbisSource, readArtifactAbis } from "../../../scripts/gen-abis.js";
import { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "../../../sdk/src/index.js";

describe("SDK ABIs (sdk/src/abis.ts)", () => {
  it("sdk/src/abis.ts equals what scripts/gen-abis.ts generates from the current artifacts (run `npm run abis`)", async () => {
    const expected = await generateAbisSource(await readArtifactAbis());
    const actual = await readFile(ABIS_FILE, "utf8");
    expect(actual === expected, "sdk/src/abis.ts is stale: run `npm run abis`").to.equal(true);
  });

  it("each exported ABI constant deep-equals its artifact's abi", async () => {
    const artifacts = await readArtifactAbis();
    expect(shopAbi).to.deep.equal(artifacts.Shop);
    expect(dividendTokenAbi).to.deep.equal(artifacts.DividendToken);
    expect(shareMallFactoryAbi).to.deep.equal(artifacts.ShareMallFactory);
    expect(ABI_CONTRACTS.map((c) => c.constant)).to.deep.equal(["shopAbi", "dividendTokenAbi", "shareMallFactoryAbi"]);
  });

  it("generateAbisSource changes when an artifact gains an error, so drift is detected", async () => {
    const artifacts = await readArtifactAbis();
    const base = await generateAbisSource(artifacts);
    const changed = await generateAbisSource({
      ...artifacts,
      Shop: [...artifacts.Shop, { type: "error", name: "ShopBrandNewError", inputs: [] }],
    });
    expect(changed).to.not.equal(base);
    expect(changed).to.contain("ShopBrandNewError");
    expect(await generateAbisSource(artifacts)).to.equal(base);
  });
});
