import { expect } from "chai";
import { ZeroAddress } from "ethers";
import { load, ONE, WUYOU_RULES } from "../fixture.js";

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

  describe("DividendToken.mint", () => {
    it("reverts ERC20InvalidReceiver for the zero address even when its shop calls it", async () => {
      // The shop never mints to the zero address (customers and pool recipients are checked first): this drives
      // the token's own guard directly, as the shop.
      const d = await load();
      const shopAddress = await d.shop.getAddress();
      await d.helpers.impersonateAccount(shopAddress);
      await d.helpers.setBalance(shopAddress, ONE);
      const asShop = await d.ethers.getSigner(shopAddress);
      await expect(d.token.connect(asShop).mint(ZeroAddress, ONE))
        .to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver")
        .withArgs(ZeroAddress);
      await d.helpers.stopImpersonatingAccount(shopAddress);
      expect(await d.token.totalSupply()).to.equal(0n);
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
