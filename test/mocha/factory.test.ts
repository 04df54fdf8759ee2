import { expect } from "chai";
import { getCreateAddress, ZeroAddress, id } from "ethers";
import {
  addShop,
  addToken,
  ADMIN_ROLE,
  asShopAdmin,
  load,
  ONE,
  rulesWith,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
} from "./fixture.js";

describe("ShareMallFactory", () => {
  describe("constructor", () => {
    it("records both implementations", async () => {
      const d = await load();
      const shopImpl = await d.factory.shopImplementation();
      const tokenImpl = await d.factory.tokenImplementation();
      expect(await d.ethers.provider.getCode(shopImpl)).to.not.equal("0x");
      expect(await d.ethers.provider.getCode(tokenImpl)).to.not.equal("0x");
      expect(shopImpl).to.not.equal(tokenImpl);
    });

    it("reverts FactoryInvalidImplementation when either implementation has no code", async () => {
      const d = await load();
      const shopImpl = await d.factory.shopImplementation();
      const tokenImpl = await d.factory.tokenImplementation();
      const empty = d.signers[9].address;
      const Factory = await d.ethers.getContractFactory("ShareMallFactory");
      await expect(Factory.deploy(empty, tokenImpl))
        .to.be.revertedWithCustomError(d.factory, "FactoryInvalidImplementation")
        .withArgs(empty);
      await expect(Factory.deploy(shopImpl, empty))
        .to.be.revertedWithCustomError(d.factory, "FactoryInvalidImplementation")
        .withArgs(empty);
      await expect(Factory.deploy(ZeroAddress, tokenImpl))
        .to.be.revertedWithCustomError(d.factory, "FactoryInvalidImplementation")
        .withArgs(ZeroAddress);
    });
  });

  describe("createShop", () => {
    it("registers and initialises the shop, granting the admin and operator roles only", async () => {
      const d = await load();
      const [, , , admin, operator, creator] = d.signers;
      const params = { admin: admin.address, operator: operator.address, utcOffset: -5 * 3600, name: "Corner Store" };
      const countBefore = await d.factory.shopCount();
      const address = await d.factory.connect(creator).createShop.staticCall(params);
      await expect(d.factory.connect(creator).createShop(params))
        .to.emit(d.factory, "ShopCreated")
        .withArgs(address, admin.address, creator.address, -5 * 3600, "Corner Store");
      const shop = await d.ethers.getContractAt("IShop", address);
      expect(await d.factory.shopCount()).to.equal(countBefore + 1n);
      expect(await d.factory.shopAt(countBefore)).to.equal(address);
      expect(await d.factory.isShop(address)).to.equal(true);
      expect(await shop.factory()).to.equal(await d.factory.getAddress());
      expect(await shop.utcOffset()).to.equal(-5n * 3600n);
      expect(await shop.tokenCount()).to.equal(0n);
      expect(await shop.hasRole(ADMIN_ROLE, admin.address)).to.equal(true);
      expect(await shop.hasRole(await shop.OPERATOR_ROLE(), operator.address)).to.equal(true);
      expect(await shop.hasRole(ADMIN_ROLE, creator.address)).to.equal(false);
      expect(await shop.hasRole(await shop.OPERATOR_ROLE(), admin.address)).to.equal(false);
    });

    it("emits ShopInitialized from the shop with the factory as initialiser", async () => {
      const d = await load();
      const [, , , admin] = d.signers;
      const params = { admin: admin.address, operator: ZeroAddress, utcOffset: 0, name: "" };
      const address = await d.factory.createShop.staticCall(params);
      const shop = await d.ethers.getContractAt("IShop", address);
      await expect(d.factory.createShop(params))
        .to.emit(shop, "ShopInitialized")
        .withArgs(await d.factory.getAddress(), admin.address, 0);
    });

    it("grants no operator role when the operator is the zero address; the admin can grant it later", async () => {
      const d = await load();
      const [, , , admin, operator] = d.signers;
      const params = { admin: admin.address, operator: ZeroAddress, utcOffset: UTC_PLUS_8, name: "No operator" };
      const address = await d.factory.createShop.staticCall(params);
      await d.factory.createShop(params);
      const shop = await d.ethers.getContractAt("IShop", address);
      const role = await shop.OPERATOR_ROLE();
      for (const account of [admin, operator, d.admin, d.operator]) {
        expect(await shop.hasRole(role, account.address)).to.equal(false);
      }
      await expect(shop.connect(admin).grantRole(role, operator.address))
        .to.emit(shop, "RoleGranted")
        .withArgs(role, operator.address, admin.address);
      expect(await shop.hasRole(role, operator.address)).to.equal(true);
    });

    it("reverts ShopInvalidAdmin for a zero admin", async () => {
      const d = await load();
      await expect(d.factory.createShop({ admin: ZeroAddress, operator: d.operator.address, utcOffset: 0, name: "x" }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAdmin")
        .withArgs(ZeroAddress);
    });

    it("accepts UTC offsets from -12:00 to +14:00 and reverts ShopInvalidUtcOffset outside", async () => {
      const d = await load();
      const base = { admin: d.admin.address, operator: ZeroAddress, name: "tz" };
      const min = -12 * 3600;
      const max = 14 * 3600;
      for (const utcOffset of [min, max]) {
        const address = await d.factory.createShop.staticCall({ ...base, utcOffset });
        await d.factory.createShop({ ...base, utcOffset });
        expect(await (await d.ethers.getContractAt("IShop", address)).utcOffset()).to.equal(BigInt(utcOffset));
      }
      for (const utcOffset of [min - 1, max + 1]) {
        await expect(d.factory.createShop({ ...base, utcOffset }))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidUtcOffset")
          .withArgs(utcOffset);
      }
    });
  });

  describe("createShopDeterministic", () => {
    it("deploys at predictShopAddress(creator, salt)", async () => {
      const d = await load();
      const [, , , admin, creator] = d.signers;
      const salt = id("wuyou-second-branch");
      const predicted = await d.factory.predictShopAddress(creator.address, salt);
      expect(await d.ethers.provider.getCode(predicted)).to.equal("0x");
      const params = { admin: admin.address, operator: ZeroAddress, utcOffset: UTC_PLUS_8, name: "Branch" };
      await expect(d.factory.connect(creator).createShopDeterministic(params, salt))
        .to.emit(d.factory, "ShopCreated")
        .withArgs(predicted, admin.address, creator.address, UTC_PLUS_8, "Branch");
      expect(await d.factory.isShop(predicted)).to.equal(true);
      const shop = await d.ethers.getContractAt("IShop", predicted);
      expect(await shop.hasRole(ADMIN_ROLE, admin.address)).to.equal(true);
    });

    it("reverts when the same creator reuses a salt, but another creator may use it", async () => {
      const d = await load();
      const [, , , admin, creator, other] = d.signers;
      const salt = id("salt");
      const params = { admin: admin.address, operator: ZeroAddress, utcOffset: 0, name: "Once" };
      await d.factory.connect(creator).createShopDeterministic(params, salt);
      await expect(d.factory.connect(creator).createShopDeterministic(params, salt)).to.be.revertedWithCustomError(
        d.factory,
        "FailedDeployment",
      );
      const otherPredicted = await d.factory.predictShopAddress(other.address, salt);
      expect(otherPredicted).to.not.equal(await d.factory.predictShopAddress(creator.address, salt));
      await d.factory.connect(other).createShopDeterministic(params, salt);
      expect(await d.factory.isShop(otherPredicted)).to.equal(true);
    });
  });

  describe("registry views", () => {
    it("shopAt reverts FactoryIndexOutOfRange past the end", async () => {
      const d = await load();
      const length = await d.factory.shopCount();
      expect(await d.factory.shopAt(length - 1n)).to.equal(await d.shop.getAddress());
      await expect(d.factory.shopAt(length))
        .to.be.revertedWithCustomError(d.factory, "FactoryIndexOutOfRange")
        .withArgs(length, length);
      await expect(d.factory.shopAt(length + 5n))
        .to.be.revertedWithCustomError(d.factory, "FactoryIndexOutOfRange")
        .withArgs(length + 5n, length);
    });

    it("shops pages the list in creation order, clipped to its end", async () => {
      const d = await load();
      const [, , , admin, operator] = d.signers;
      const created = [await d.shop.getAddress()];
      for (let k = 0; k < 3; k++) created.push(await (await addShop(d, admin, operator)).getAddress());
      expect(await d.factory.shopCount()).to.equal(BigInt(created.length));
      expect(await d.factory.shops(0, 100)).to.deep.equal(created);
      expect(await d.factory.shops(1, 2)).to.deep.equal(created.slice(1, 3));
      expect(await d.factory.shops(3, 2)).to.deep.equal(created.slice(3));
      expect(await d.factory.shops(0, 0)).to.deep.equal([]);
      expect(await d.factory.shops(created.length, 5)).to.deep.equal([]);
      expect(await d.factory.shops(created.length + 7, 5)).to.deep.equal([]);
      for (let k = 0; k < created.length; k++) expect(await d.factory.shopAt(k)).to.equal(created[k]);
    });

    it("isShop, shopOfToken and shopTokens know only this factory's shops and tokens", async () => {
      const d = await load();
      const shopAddress = await d.shop.getAddress();
      const tokenAddress = await d.token.getAddress();
      expect(await d.factory.isShop(shopAddress)).to.equal(true);
      expect(await d.factory.isShop(tokenAddress)).to.equal(false);
      expect(await d.factory.isShop(d.admin.address)).to.equal(false);
      expect(await d.factory.shopOfToken(tokenAddress)).to.equal(shopAddress);
      expect(await d.factory.shopOfToken(shopAddress)).to.equal(ZeroAddress);
      expect(await d.factory.shopOfToken(d.admin.address)).to.equal(ZeroAddress);
      expect(await d.factory.shopTokens(shopAddress)).to.deep.equal([tokenAddress]);
      expect(await d.factory.shopTokens(d.admin.address)).to.deep.equal([]);
      expect(await d.factory.shopTokens(tokenAddress)).to.deep.equal([]);
    });

    it("deploys each token at predictTokenAddress(shop, i), the address of the shop's (i + 1)-th CREATE, and lists it under its shop", async () => {
      const d = await load();
      const shopAddress = await d.shop.getAddress();
      expect(await d.token.getAddress()).to.equal(await d.factory.predictTokenAddress(shopAddress, 0));
      expect(await d.token.getAddress()).to.equal(getCreateAddress({ from: shopAddress, nonce: 1 }));
      const params = tokenParams(rulesWith({ dividendBps: 500n }), {
        name: "Mall",
        symbol: "MALL",
        transferable: true,
      });
      const predicted = await d.factory.predictTokenAddress(shopAddress, 1);
      expect(predicted).to.equal(getCreateAddress({ from: shopAddress, nonce: 2 }));
      expect(await d.ethers.provider.getCode(predicted)).to.equal("0x");
      await expect(d.shop.createToken(params)).to.emit(d.factory, "TokenDeployed").withArgs(shopAddress, predicted, 1);
      expect(await d.factory.shopOfToken(predicted)).to.equal(shopAddress);
      expect(await d.factory.shopTokens(shopAddress)).to.deep.equal([await d.token.getAddress(), predicted]);
      expect(await d.shop.tokens()).to.deep.equal([await d.token.getAddress(), predicted]);
      expect((await d.shop.tokenConfig(1)).token).to.equal(predicted);
      const token = await d.ethers.getContractAt("DividendToken", predicted);
      expect(await token.shop()).to.equal(shopAddress);
      expect(await token.factory()).to.equal(await d.factory.getAddress());
      expect(await token.transferable()).to.equal(true);
      expect(await token.name()).to.equal("Mall");
    });

    it("predictTokenAddress is pure: it depends on the shop and index only, covers indices 0 to 7, and reverts FactoryIndexOutOfRange from 8", async () => {
      const d = await load();
      const shop = d.signers[9].address;
      for (let i = 0; i < 8; i++) {
        expect(await d.factory.predictTokenAddress(shop, i)).to.equal(getCreateAddress({ from: shop, nonce: i + 1 }));
      }
      for (const i of [8n, 9n, (1n << 256n) - 1n]) {
        await expect(d.factory.predictTokenAddress(shop, i))
          .to.be.revertedWithCustomError(d.factory, "FactoryIndexOutOfRange")
          .withArgs(i, 8n);
      }
      // The eighth token of a shop lands where predicted too.
      for (let i = 1; i < 8; i++) await addToken(d, tokenParams(rulesWith({ dividendBps: 0n }), { symbol: `T${i}` }));
      expect((await d.shop.tokens())[7]).to.equal(await d.factory.predictTokenAddress(await d.shop.getAddress(), 7));
    });

    it("keeps the tokens of two shops apart", async () => {
      const d = await load();
      const [, , , admin, operator] = d.signers;
      const second = await addShop(d, admin, operator);
      const { token } = await addToken(d, tokenParams(rulesWith({})), second, admin);
      expect(await d.factory.shopOfToken(await token.getAddress())).to.equal(await second.getAddress());
      expect(await d.factory.shopTokens(await second.getAddress())).to.deep.equal([await token.getAddress()]);
      expect(await d.factory.shopTokens(await d.shop.getAddress())).to.deep.equal([await d.token.getAddress()]);
    });
  });

  describe("registerToken", () => {
    it("reverts FactoryNotShop for any caller that is not a shop of the factory: the shop's admin, its operator, a token, a stranger", async () => {
      const d = await load();
      const [admin, operator, , stranger] = d.signers;
      const token = await d.token.getAddress();
      for (const caller of [admin, operator, stranger]) {
        await expect(d.factory.connect(caller).registerToken(0, token))
          .to.be.revertedWithCustomError(d.factory, "FactoryNotShop")
          .withArgs(caller.address);
      }
      await d.helpers.setBalance(token, ONE);
      const asToken = await d.ethers.getImpersonatedSigner(token);
      await expect(d.factory.connect(asToken).registerToken(0, token))
        .to.be.revertedWithCustomError(d.factory, "FactoryNotShop")
        .withArgs(token);
      await d.helpers.stopImpersonatingAccount(token);
    });

    it("reverts FactoryUnexpectedToken when a shop registers another address than its next CREATE's, or one without code", async () => {
      const d = await load();
      const shopAddress = await d.shop.getAddress();
      await d.helpers.setBalance(shopAddress, ONE);
      const asShop = await d.ethers.getImpersonatedSigner(shopAddress);
      const expected0 = await d.factory.predictTokenAddress(shopAddress, 0);
      const expected1 = await d.factory.predictTokenAddress(shopAddress, 1);
      const other = await addShop(d, d.admin, d.operator);
      const { token: foreign } = await addToken(d, tokenParams(WUYOU_RULES), other);
      const foreignAddress = await foreign.getAddress();
      // Another shop's token, an account without code, the right address before the token exists.
      for (const [index, token, expected] of [
        [0n, foreignAddress, expected0],
        [1n, d.signers[9].address, expected1],
        [1n, expected1, expected1],
        [1n, await d.token.getAddress(), expected1],
      ] as const) {
        await expect(d.factory.connect(asShop).registerToken(index, token))
          .to.be.revertedWithCustomError(d.factory, "FactoryUnexpectedToken")
          .withArgs(token, expected);
      }
      await expect(d.factory.connect(asShop).registerToken(8, expected1))
        .to.be.revertedWithCustomError(d.factory, "FactoryIndexOutOfRange")
        .withArgs(8n, 8n);
      await d.helpers.stopImpersonatingAccount(shopAddress);
      expect(await d.factory.shopOfToken(foreignAddress)).to.equal(await other.getAddress());
      expect(await d.factory.shopOfToken(expected1)).to.equal(ZeroAddress);
    });
  });

  describe("implementations", () => {
    it("the shop implementation cannot be initialised (its constructor disabled initialisers for both modules' storage)", async () => {
      const d = await load();
      const impl = await d.ethers.getContractAt("IShop", await d.factory.shopImplementation());
      // InvalidInitialization is raised by the admin module and is not in IShop's ABI: decode it with ShopAdmin's.
      const admin = await asShopAdmin(d);
      await expect(impl.initialize(d.admin.address, d.operator.address, 0)).to.be.revertedWithCustomError(
        admin,
        "InvalidInitialization",
      );
      expect(await impl.hasRole(ADMIN_ROLE, d.admin.address)).to.equal(false);
    });

    it("a shop clone cannot be initialised again", async () => {
      const d = await load();
      const [, , , attacker] = d.signers;
      const admin = await asShopAdmin(d);
      await expect(
        d.shop.connect(attacker).initialize(attacker.address, attacker.address, 0),
      ).to.be.revertedWithCustomError(admin, "InvalidInitialization");
      expect(await d.shop.hasRole(ADMIN_ROLE, attacker.address)).to.equal(false);
    });

    it("the token implementation rejects use with DividendTokenNotAClone", async () => {
      const d = await load();
      const impl = await d.ethers.getContractAt("DividendToken", await d.factory.tokenImplementation());
      await expect(impl.shop()).to.be.revertedWithCustomError(d.token, "DividendTokenNotAClone");
      await expect(impl.factory()).to.be.revertedWithCustomError(d.token, "DividendTokenNotAClone");
      await expect(impl.name()).to.be.revertedWithCustomError(d.token, "DividendTokenNotAClone");
      await expect(impl.transferable()).to.be.revertedWithCustomError(d.token, "DividendTokenNotAClone");
      await expect(impl.mintOrder(d.admin.address, 1, ZeroAddress, 0, 0)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotAClone",
      );
      await expect(impl.mintBatch([1n], 0)).to.be.revertedWithCustomError(d.token, "DividendTokenNotAClone");
      await expect(impl.distribute(0, 1, { value: 1 })).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotAClone",
      );
      await expect(impl.claimFor(d.admin.address, d.admin.address)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotAClone",
      );
      await expect(impl.transfer(d.operator.address, 0)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotAClone",
      );
    });
  });
});
