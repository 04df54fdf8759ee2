import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { network } from "hardhat";
import { id } from "ethers";
import ShareMall from "../../../deploy/modules/ShareMall.js";
import {
  MerchantShopSpecError,
  merchantShopModule,
  parametersFileFromEnvironment,
  validateMerchantShopSpec,
  type MerchantShopSpecInput,
} from "../../../deploy/lib/merchant-shop.js";
import { defineRules } from "../../../sdk/src/index.js";

async function wuyouSpec(): Promise<MerchantShopSpecInput> {
  const file = JSON.parse(await readFile("deploy/parameters/wuyou-tea.json", "utf8")) as {
    MerchantShop: MerchantShopSpecInput;
  };
  return file.MerchantShop;
}

describe("Ignition module deploy/lib/merchant-shop (MerchantShop)", () => {
  it("merchantShopModule deploys the shop at the factory's predicted address with its tokens in order", async () => {
    const { ethers, ignition } = await network.create();
    const { factory } = await ignition.deploy(ShareMall);
    const spec = await wuyouSpec();
    const secondRules = { spendPerToken: "1", dividend: "5%" };
    const validated = validateMerchantShopSpec({
      ...spec,
      factory: await factory.getAddress(),
      tokens: [...spec.tokens, { name: "Wuyou Mall", symbol: "WYM", noticeDays: 2, rules: secondRules }],
    });
    const deployed = await ignition.deploy(merchantShopModule(validated));
    const [deployer] = await ethers.getSigners();
    const shop = await ethers.getContractAt("IShop", await deployed.shop.getAddress());
    expect(await shop.getAddress()).to.equal(await factory.predictShopAddress(deployer.address, id(spec.salt!)));
    expect(await shop.tokens()).to.deep.equal([await deployed.token0.getAddress(), await deployed.token1.getAddress()]);
    // The shop deployed its tokens itself, where the factory predicts them.
    for (const [i, token] of [deployed.token0, deployed.token1].entries()) {
      expect(await token.getAddress()).to.equal(await factory.predictTokenAddress(await shop.getAddress(), i));
      expect(await token.shop()).to.equal(await shop.getAddress());
    }
    expect(await shop.utcOffset()).to.equal(8n * 3600n);
    expect(await shop.hasRole(await shop.OPERATOR_ROLE(), deployer.address)).to.equal(true);
    expect((await shop.currentRules(0)).spendPerToken).to.equal(
      defineRules(spec.tokens[0].rules as never).spendPerToken,
    );
    expect((await shop.tokenConfig(0)).noticePeriod).to.equal(7n * 86_400n);
    expect((await shop.currentRules(1)).dividendBps).to.equal(500n);
    expect((await shop.tokenConfig(1)).noticePeriod).to.equal(2n * 86_400n);
  });

  it("validateMerchantShopSpec refuses bad rules, offsets, fields and dividends above 100 % with a clear message", async () => {
    const spec = await wuyouSpec();
    const bad: [unknown, RegExp][] = [
      [
        { ...spec, tokens: [{ ...spec.tokens[0], rules: { spendPerToken: "0.3", dividend: "20" } }] },
        /tokens\[0\]: Invalid rules field "dividend": "20" \(missing "%"/,
      ],
      [{ ...spec, utcOffsetHours: 15 }, /"utcOffsetHours" 15/],
      [{ ...spec, factory: "0x1234" }, /Invalid address for "factory"/],
      [{ ...spec, shopName: "x" }, /unknown field "shopName"/],
      [
        {
          ...spec,
          tokens: [spec.tokens[0], { ...spec.tokens[0], symbol: "B", rules: { spendPerToken: "1", dividend: "90%" } }],
        },
        /dividends total 11000 bps/,
      ],
    ];
    for (const [input, message] of bad) {
      let error: unknown;
      try {
        validateMerchantShopSpec(input);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(MerchantShopSpecError);
      expect((error as Error).message).to.match(message);
    }
  });

  it("parametersFileFromEnvironment takes --parameters from the command line and refuses its absence", () => {
    const saved = process.env.SHAREMALL_SHOP_PARAMETERS;
    delete process.env.SHAREMALL_SHOP_PARAMETERS;
    try {
      expect(
        parametersFileFromEnvironment(["node", "cli", "--parameters", "deploy/parameters/wuyou-tea.json"]),
      ).to.match(/deploy\/parameters\/wuyou-tea\.json$/);
      expect(() => parametersFileFromEnvironment(["node", "cli"])).to.throw(MerchantShopSpecError, /--parameters/);
    } finally {
      if (saved !== undefined) process.env.SHAREMALL_SHOP_PARAMETERS = saved;
    }
  });
});
