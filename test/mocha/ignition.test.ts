import { expect } from "chai";
import { network } from "hardhat";
import ShareMall from "../../deploy/modules/ShareMall.js";

describe("Ignition module deploy/modules/ShareMall", () => {
  it("deploys a factory wired to locked implementations", async () => {
    const { ethers, ignition } = await network.create();
    const { factory, shopImplementation, tokenImplementation } = await ignition.deploy(ShareMall);
    expect(await factory.shopImplementation()).to.equal(await shopImplementation.getAddress());
    expect(await factory.tokenImplementation()).to.equal(await tokenImplementation.getAddress());
    const [admin] = await ethers.getSigners();
    const shop = await ethers.getContractAt("Shop", await shopImplementation.getAddress());
    await expect(shop.initialize(admin.address, admin.address, 0)).to.be.revertedWithCustomError(
      shop,
      "InvalidInitialization",
    );
    expect(await factory.shopCount()).to.equal(0n);
  });
});
