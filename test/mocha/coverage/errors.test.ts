import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { asShopAdmin, load, ONE, rulesWith, tokenParams, WUYOU_RULES } from "../fixture.js";

// Custom errors that no other test expected (scripts/check-errors.ts lists them): each is raised here by the one
// call that can raise it.

describe("custom errors not covered elsewhere", () => {
  describe("DividendToken.transferFrom", () => {
    it("reverts ERC20InvalidSender when `from` is the zero address (zero value, zero allowance)", async () => {
      const d = await load(WUYOU_RULES, { transferable: true });
      const [, , , alice, bob] = d.signers;
      // The zero address never approved anyone, so only a zero-value transferFrom passes the allowance check and
      // reaches the sender check.
      expect(await d.token.allowance(ZeroAddress, alice.address)).to.equal(0n);
      await expect(d.token.connect(alice).transferFrom(ZeroAddress, bob.address, 0n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidSender")
        .withArgs(ZeroAddress);
    });

    it("still says DividendTokenNonTransferable for the zero sender when the token is not transferable", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      await expect(d.token.connect(alice).transferFrom(ZeroAddress, bob.address, 0n)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNonTransferable",
      );
    });
  });

  describe("DividendToken.mintOrder and mintBatch", () => {
    it("revert ERC20InvalidReceiver for the zero address even when its shop calls them", async () => {
      // The shop never mints to the zero address (customers and pool recipients are checked first): this drives
      // the token's own guard directly, as the shop.
      const d = await load();
      const shopAddress = await d.shop.getAddress();
      await d.helpers.impersonateAccount(shopAddress);
      await d.helpers.setBalance(shopAddress, ONE);
      const asShop = await d.ethers.getSigner(shopAddress);
      await expect(d.token.connect(asShop).mintOrder(ZeroAddress, ONE, ZeroAddress, 0n, 0n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      // The promotion's receiver is checked too.
      await expect(d.token.connect(asShop).mintOrder(d.admin.address, ONE, ZeroAddress, ONE, 0n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      await expect(d.token.connect(asShop).mintBatch([ONE], 0n))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      await d.helpers.stopImpersonatingAccount(shopAddress);
      expect(await d.token.totalSupply()).to.equal(0n);
    });
  });

  describe("ShopAdmin.createToken", () => {
    it("reverts FailedDeployment when the call's gas lets the token's CREATE fail but not the shop", async () => {
      // The token clone is deployed with CREATE, which gets all but 1/64 of the gas left: with a gas limit in a
      // narrow window the CREATE runs out of gas while the shop keeps enough to revert with Clones' error.
      const d = await load();
      const params = tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "GAS" });
      const admin = await asShopAdmin(d);
      let window: number | undefined;
      for (let gasLimit = 60_000; gasLimit < 200_000 && window === undefined; gasLimit += 1_000) {
        try {
          await d.shop.createToken.staticCall(params, { gasLimit });
        } catch (error) {
          const data = (error as { data?: string }).data;
          if (data !== undefined && data !== "0x" && admin.interface.parseError(data)?.name === "FailedDeployment") {
            window = gasLimit;
          }
        }
      }
      expect(window, "a gas limit at which createToken reverts FailedDeployment").to.not.equal(undefined);
      await expect(d.shop.createToken(params, { gasLimit: window })).to.be.revertedWithCustomError(
        admin,
        "FailedDeployment",
      );
      expect(await d.shop.tokenCount()).to.equal(1n);
      // With enough gas the same token deploys where predicted.
      await d.shop.createToken(params);
      expect((await d.shop.tokens())[1]).to.equal(await d.factory.predictTokenAddress(await d.shop.getAddress(), 1));
    });
  });

  describe("Shop.renounceRole", () => {
    it("reverts AccessControlBadConfirmation when the caller renounces for another account", async () => {
      const d = await load();
      const role = await d.shop.OPERATOR_ROLE();
      expect(await d.shop.hasRole(role, d.operator.address)).to.equal(true);
      await expect(d.shop.connect(d.admin).renounceRole(role, d.operator.address)).to.be.revertedWithCustomError(
        d.shop,
        "AccessControlBadConfirmation",
      );
      expect(await d.shop.hasRole(role, d.operator.address)).to.equal(true);
    });

    it("lets an account renounce its own role (the confirmation matches)", async () => {
      const d = await load();
      const role = await d.shop.OPERATOR_ROLE();
      await expect(d.shop.connect(d.operator).renounceRole(role, d.operator.address))
        .to.emit(d.shop, "RoleRevoked")
        .withArgs(role, d.operator.address, d.operator.address);
      expect(await d.shop.hasRole(role, d.operator.address)).to.equal(false);
    });
  });
});
