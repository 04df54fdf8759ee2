import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { Interface } from "ethers";
import {
  ABIS_FILE,
  ABI_CONTRACTS,
  compact,
  generateAbisSource,
  readArtifactAbis,
  undeclaredShopErrors,
} from "../../../scripts/gen-abis.js";
import {
  dividendTokenAbi,
  dividendTokenErrorsAbi,
  dividendTokenReadAbi,
  shareMallFactoryAbi,
  shareMallFactoryErrorsAbi,
  shareMallFactoryReadAbi,
  shopAbi,
  shopErrorsAbi,
  shopReadAbi,
} from "../../../sdk/src/index.js";

describe("SDK ABIs (sdk/src/abis.ts)", () => {
  it("sdk/src/abis.ts equals what scripts/gen-abis.ts generates from the current artifacts (run `npm run abis`)", async () => {
    const expected = await generateAbisSource(await readArtifactAbis());
    const actual = await readFile(ABIS_FILE, "utf8");
    expect(actual === expected, "sdk/src/abis.ts is stale: run `npm run abis`").to.equal(true);
  });

  it("each exported ABI constant is its artifact's abi without internalType, empty names and anonymous: false (the shop's: IShop)", async () => {
    const artifacts = await readArtifactAbis();
    expect(shopAbi).to.deep.equal(compact(artifacts.Shop));
    expect(dividendTokenAbi).to.deep.equal(compact(artifacts.DividendToken));
    expect(shareMallFactoryAbi).to.deep.equal(compact(artifacts.ShareMallFactory));
    expect(JSON.stringify(shopAbi)).to.not.include("internalType");
    // Compacting changes no signature: every function, event and error keeps its selector.
    for (const [abi, artifact] of [
      [shopAbi, artifacts.Shop],
      [dividendTokenAbi, artifacts.DividendToken],
      [shareMallFactoryAbi, artifacts.ShareMallFactory],
    ] as const) {
      const signatures = (i: Interface): string[] => i.fragments.map((f) => f.format("full")).sort();
      expect(signatures(new Interface(abi as never))).to.deep.equal(signatures(new Interface(artifact as never)));
    }
    expect(ABI_CONTRACTS.map((c) => c.constant)).to.deep.equal(["shopAbi", "dividendTokenAbi", "shareMallFactoryAbi"]);
    expect(ABI_CONTRACTS.map((c) => c.artifact)).to.deep.equal([
      "interfaces/IShop.sol/IShop.json",
      "payouts/DividendToken.sol/DividendToken.json",
      "factory/ShareMallFactory.sol/ShareMallFactory.json",
    ]);
  });

  it("the read ABIs are the view functions of each ABI, and the errors ABIs hold every error once", () => {
    const views = (abi: readonly { type: string; stateMutability?: string }[]) =>
      abi.filter((i) => i.type === "function" && (i.stateMutability === "view" || i.stateMutability === "pure"));
    expect(shopReadAbi).to.deep.equal(views(shopAbi));
    expect(dividendTokenReadAbi).to.deep.equal(views(dividendTokenAbi));
    expect(shareMallFactoryReadAbi).to.deep.equal(views(shareMallFactoryAbi));
    expect(shopReadAbi.length).to.be.greaterThan(20);
    const selectors = (abi: readonly unknown[]) => {
      const out: string[] = [];
      new Interface(abi as never).forEachError((e) => out.push(e.selector));
      return out;
    };
    const all = new Set([...selectors(shopAbi), ...selectors(dividendTokenAbi), ...selectors(shareMallFactoryAbi)]);
    const listed = [
      ...selectors(shopErrorsAbi),
      ...selectors(dividendTokenErrorsAbi),
      ...selectors(shareMallFactoryErrorsAbi),
    ];
    expect(new Set(listed).size, "an error listed twice").to.equal(listed.length);
    expect([...all].sort()).to.deep.equal([...listed].sort());
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
