import { expect } from "chai";
import { network } from "hardhat";
import ShareMall from "../../deploy/modules/ShareMall.js";
import Upkeep from "../../deploy/modules/Upkeep.js";

describe("Ignition module deploy/modules/ShareMall", () => {
  it("deploys the payments module, then a Shop given it, and a factory wired to locked implementations", async () => {
    const { ethers, ignition } = await network.create();
    const { factory, shopImplementation, tokenImplementation, paymentsModule } = await ignition.deploy(ShareMall);
    expect(await factory.shopImplementation()).to.equal(await shopImplementation.getAddress());
    expect(await factory.tokenImplementation()).to.equal(await tokenImplementation.getAddress());
    const [admin] = await ethers.getSigners();
    // The implementation answers the whole IShop ABI through its fallback (ShopPayments, ShopAdmin, ShopLens), and
    // is locked.
    const shop = await ethers.getContractAt("IShop", await shopImplementation.getAddress());
    await expect(shop.initialize(admin.address, admin.address, 0)).to.be.revertedWithCustomError(
      shop,
      "InvalidInitialization",
    );
    // The Shop was given the payments module deployed with it, which reports the same modules itself.
    const modules = [...(await shop.modules())];
    const [payments, adminModule, lensModule] = modules;
    expect(payments).to.equal(await paymentsModule.getAddress());
    expect([...(await paymentsModule.modules())]).to.deep.equal(modules);
    expect(new Set([...modules, await shopImplementation.getAddress()]).size).to.equal(4);
    for (const module of modules) expect(await ethers.provider.getCode(module)).to.not.equal("0x");
    expect(await ethers.provider.getCode(adminModule)).to.not.equal("0x");
    expect(await ethers.provider.getCode(lensModule)).to.not.equal("0x");
    expect(await factory.shopCount()).to.equal(0n);
  });

  it("deploy/modules/Upkeep deploys ShareMallUpkeep for the factory given as its parameter", async () => {
    const { ignition } = await network.create();
    const { factory } = await ignition.deploy(ShareMall);
    const address = await factory.getAddress();
    const { upkeep } = await ignition.deploy(Upkeep, { parameters: { ShareMallUpkeep: { factory: address } } });
    expect(await upkeep.FACTORY()).to.equal(address);
    expect(await upkeep.SCAN_DAYS()).to.equal(90n);
  });

  it("with --strategy create2 deploys to the same addresses whoever deploys, on every fresh chain", async () => {
    const addresses: string[][] = [];
    for (const deployer of [0, 5]) {
      const { ethers, ignition } = await network.create();
      const from = (await ethers.getSigners())[deployer];
      const { factory, shopImplementation, tokenImplementation, paymentsModule } = await ignition.deploy(ShareMall, {
        strategy: "create2",
        defaultSender: from.address,
      });
      const shop = await ethers.getContractAt("IShop", await shopImplementation.getAddress());
      // The modules the payments module deploys in its constructor follow from its address.
      const [payments, adminModule, lensModule] = await shop.modules();
      expect(payments).to.equal(await paymentsModule.getAddress());
      addresses.push([
        ...(await Promise.all([factory, shopImplementation, tokenImplementation].map((c) => c.getAddress()))),
        payments,
        adminModule,
        lensModule,
      ]);
      expect(await factory.shopImplementation()).to.equal(addresses[addresses.length - 1][1]);
    }
    expect(addresses[1]).to.deep.equal(addresses[0]);
    // Not the plain CREATE addresses of a fresh chain's first account.
    expect(addresses[0][0]).to.not.equal("0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9");
  });
});
