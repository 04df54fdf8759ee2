import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { Interface } from "ethers";
import {
  ABIS_FILE,
  ABI_CONTRACTS,
  generateAbisSource,
  readArtifactAbis,
  undeclaredShopErrors,
} from "../../../scripts/gen-abis.js";
import { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "../../../sdk/src/index.js";

describe("SDK ABIs (sdk/src/abis.ts)", () => {
  it("sdk/src/abis.ts equals what scripts/gen-abis.ts generates from the current artifacts (run `npm run abis`)", async () => {
    const expected = await generateAbisSource(await readArtifactAbis());
    const actual = await readFile(ABIS_FILE, "utf8");
    expect(actual === expected, "sdk/src/abis.ts is stale: run `npm run abis`").to.equal(true);
  });

  it("each exported ABI constant deep-equals its artifact's abi (the shop's: IShop, the clone's whole interface)", async () => {
    const artifacts = await readArtifactAbis();
    expect(shopAbi).to.deep.equal(artifacts.Shop);
    expect(dividendTokenAbi).to.deep.equal(artifacts.DividendToken);
    expect(shareMallFactoryAbi).to.deep.equal(artifacts.ShareMallFactory);
    expect(ABI_CONTRACTS.map((c) => c.constant)).to.deep.equal(["shopAbi", "dividendTokenAbi", "shareMallFactoryAbi"]);
    expect(ABI_CONTRACTS.map((c) => c.artifact)).to.deep.equal([
      "interfaces/IShop.sol/IShop.json",
      "payouts/DividendToken.sol/DividendToken.json",
      "factory/ShareMallFactory.sol/ShareMallFactory.json",
    ]);
  });

  it("shopAbi has every function of the Shop, ShopPayments, ShopAdmin and ShopLens implementations a clone answers, and no constructor", async () => {
    const artifacts = await readArtifactAbis();
    const shop = new Interface(shopAbi);
    const names = new Set<string>();
    shop.forEachFunction((f) => names.add(f.format("sighash")));
    const missing: string[] = [];
    for (const abi of artifacts.shopImplementations) {
      new Interface(abi as never).forEachFunction((f) => {
        if (!names.has(f.format("sighash"))) missing.push(f.format("sighash"));
      });
    }
    // IShop declares every function a clone answers, OpenZeppelin's DEFAULT_ADMIN_ROLE and supportsInterface too.
    expect(missing.sort()).to.deep.equal([]);
    expect((shopAbi as readonly { type: string }[]).some((item) => item.type === "constructor")).to.equal(false);
    for (const fn of [
      "recordOrders",
      "anchorBatch",
      "orderIdBitmap",
      "isOrderIdUsed",
      "payment",
      "authorize",
      "capture",
      "refund",
      "returnWindow",
      "poolAllowance",
    ]) {
      expect(names.has(shop.getFunction(fn)!.format("sighash")), fn).to.equal(true);
    }
  });

  it("IShop declares every custom error the Shop, ShopPayments, ShopAdmin and ShopLens implementations can raise", async () => {
    const artifacts = await readArtifactAbis();
    expect(undeclaredShopErrors(artifacts)).to.deep.equal([]);
    const declared = new Set<string>(shopAbi.filter((i) => i.type === "error").map((i) => i.name));
    for (const name of ["InvalidInitialization", "FailedDeployment", "AccessControlUnauthorizedAccount"]) {
      expect(declared.has(name), name).to.equal(true);
    }
    // The check fails when an implementation error is missing from IShop.
    const shopWithout = (artifacts.Shop as { type: string; name?: string }[]).filter(
      (i) => !(i.type === "error" && i.name === "InvalidInitialization"),
    );
    expect(undeclaredShopErrors({ ...artifacts, Shop: shopWithout })).to.deep.equal(["InvalidInitialization"]);
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
