import { expect } from "chai";
import { id, ZeroAddress, type Interface } from "ethers";
import { ADMIN_ROLE, dayOf, load, nextDay, ONE, order, owedOf, signedReceipt, WUYOU_RULES } from "../fixture.js";
import { expectSolvent, ledger, settledHoldings } from "./helpers.js";

describe("Security: role escalation", () => {
  it("operator and pool manager cannot grant, revoke or take any role", async () => {
    const d = await load();
    const [adminRole, operatorRole, poolRole] = [
      ADMIN_ROLE,
      await d.shop.OPERATOR_ROLE(),
      await d.shop.POOL_MANAGER_ROLE(),
    ];
    // Every role is administered by the admin role only.
    for (const role of [adminRole, operatorRole, poolRole]) expect(await d.shop.getRoleAdmin(role)).to.equal(adminRole);
    for (const caller of [d.operator, d.poolManager]) {
      for (const role of [adminRole, operatorRole, poolRole]) {
        await expect(d.shop.connect(caller).grantRole(role, caller.address))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, adminRole);
        await expect(d.shop.connect(caller).revokeRole(role, d.admin.address))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, adminRole);
      }
    }
    expect(await d.shop.hasRole(adminRole, d.operator.address)).to.equal(false);
    expect(await d.shop.hasRole(adminRole, d.poolManager.address)).to.equal(false);
    expect(await d.shop.hasRole(operatorRole, d.poolManager.address)).to.equal(false);
    expect(await d.shop.hasRole(poolRole, d.operator.address)).to.equal(false);
  });

  it("renounceRole for another account reverts AccessControlBadConfirmation", async () => {
    const d = await load();
    const adminRole = ADMIN_ROLE;
    const operatorRole = await d.shop.OPERATOR_ROLE();
    await expect(d.shop.connect(d.operator).renounceRole(adminRole, d.admin.address)).to.be.revertedWithCustomError(
      d.shop,
      "AccessControlBadConfirmation",
    );
    await expect(d.shop.connect(d.admin).renounceRole(operatorRole, d.operator.address)).to.be.revertedWithCustomError(
      d.shop,
      "AccessControlBadConfirmation",
    );
    expect(await d.shop.hasRole(adminRole, d.admin.address)).to.equal(true);
    expect(await d.shop.hasRole(operatorRole, d.operator.address)).to.equal(true);
  });

  it("an operator that renounces (or is revoked) can no longer record orders, and its unredeemed receipts die", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const operatorRole = await d.shop.OPERATOR_ROLE();
    const signed = await signedReceipt(d, d.operator, {
      customer: alice.address,
      amount: ONE,
      orderHash: id("renounced-receipt"),
    });
    await d.shop.connect(d.operator).renounceRole(operatorRole, d.operator.address);
    await expect(d.shop.connect(d.operator).recordOrder(order("after-renounce", alice.address, ONE)))
      .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
      .withArgs(d.operator.address, operatorRole);
    await expect(d.shop.connect(alice).redeemReceipt(signed.receipt, d.operator.address, signed.signature))
      .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
      .withArgs(d.operator.address);
    expect(await d.shop.revenueDayCount()).to.equal(0n);
    // Re-granted by the admin, the same receipt is good again (revocation is not a receipt blacklist).
    await d.shop.grantRole(operatorRole, d.operator.address);
    await d.shop.connect(alice).redeemReceipt(signed.receipt, d.operator.address, signed.signature);
    expect(await d.shop.isOrderIdUsed(signed.receipt.orderId)).to.equal(true);
  });

  it("the pool manager cannot mint beyond the allowance nor mint the token directly; a revoked one cannot mint", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    await d.shop.connect(d.operator).recordOrder(order("pool", alice.address, 9n * ONE));
    const allowance = await d.shop.poolAllowance(0);
    expect(allowance > 0n).to.equal(true);
    await expect(d.shop.connect(d.poolManager).mintFromPool(0, bob.address, allowance + 1n, id("r")))
      .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
      .withArgs(0, allowance, allowance + 1n);
    await expect(d.token.connect(d.poolManager).mintBatch([(BigInt(bob.address) << 96n) | 1n], 0n))
      .to.be.revertedWithCustomError(d.token, "DividendTokenNotShop")
      .withArgs(d.poolManager.address);
    await d.shop.connect(d.poolManager).mintFromPool(0, bob.address, allowance, id("r"));
    expect(await d.shop.poolAllowance(0)).to.equal(0n);
    await expect(d.shop.connect(d.poolManager).mintFromPool(0, bob.address, 1n, id("r")))
      .to.be.revertedWithCustomError(d.shop, "ShopPoolAllowanceExceeded")
      .withArgs(0, 0n, 1n);
    await d.shop.connect(d.operator).recordOrder(order("pool-2", alice.address, 9n * ONE));
    await d.shop.revokeRole(await d.shop.POOL_MANAGER_ROLE(), d.poolManager.address);
    await expect(d.shop.connect(d.poolManager).mintFromPool(0, bob.address, 1n, id("r"))).to.be.revertedWithCustomError(
      d.shop,
      "AccessControlUnauthorizedAccount",
    );
  });

  it("no role (nor the platform) can take holders' dividends: escrow and settled coin stay in the token", async () => {
    const d = await load();
    const [, , , alice, bob] = d.signers;
    const holders = [alice.address, bob.address];
    await settledHoldings(d, holders, [ONE, ONE], "no-take");
    // A charge escrows today's share in the token.
    await d.shop.connect(alice).charge(id("no-take-checkout"), ZeroAddress, { value: ONE });
    await d.shop.deposit({ value: ONE });
    const before = await ledger(d, d.shop, [d.token], holders);
    for (const caller of [d.admin, d.operator, d.poolManager]) {
      await expect(d.token.connect(caller).claimFor(alice.address, caller.address)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotFactory",
      );
      await expect(d.token.connect(caller).distribute(0, 0, { value: 1n })).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotShop",
      );
    }
    // The admin empties the merchant balance: the tokens keep every wei of holders' money.
    await d.shop.withdraw(d.admin.address, before.merchantBalance);
    const after = await ledger(d, d.shop, [d.token], holders);
    expect(after.tokenCoin).to.deep.equal(before.tokenCoin);
    expect(after.claimable).to.deep.equal(before.claimable);
    expect(after.merchantBalance).to.equal(0n);
    expectSolvent(after);
    // The platform (factory deployer) holds no role in the shop; the factory has no owner and holds no coin.
    const factoryAddress = await d.factory.getAddress();
    for (const role of [ADMIN_ROLE, await d.shop.OPERATOR_ROLE()]) {
      expect(await d.shop.hasRole(role, factoryAddress)).to.equal(false);
    }
    const factoryAbi: Interface = d.factory.interface;
    expect(factoryAbi.getFunction("owner")).to.equal(null);
    expect(await d.ethers.provider.getBalance(factoryAddress)).to.equal(0n);
  });

  it("the last admin renouncing locks admin actions forever, but settlement from the balance still pays holders", async () => {
    const d = await load();
    const [, , , alice] = d.signers;
    const adminRole = ADMIN_ROLE;
    const day = dayOf(await d.helpers.time.latest());
    await d.shop.connect(d.operator).recordOrder(order("orphan", alice.address, ONE));
    await d.shop.deposit({ value: ONE });
    await d.shop.renounceRole(adminRole, d.admin.address);
    await expect(d.shop.withdraw(d.admin.address, 1n)).to.be.revertedWithCustomError(
      d.shop,
      "AccessControlUnauthorizedAccount",
    );
    await expect(d.shop.grantRole(adminRole, d.admin.address)).to.be.revertedWithCustomError(
      d.shop,
      "AccessControlUnauthorizedAccount",
    );
    await nextDay(d.helpers);
    await d.shop.connect(d.signers[9]).settle(day);
    const owed = owedOf([ONE], WUYOU_RULES);
    expect(await d.shop.merchantBalance()).to.equal(ONE - owed);
    // Alice is the only holder: she gets the whole day (less sub-wei rounding).
    const claimable = await d.token.claimable(alice.address);
    expect(claimable <= owed && owed - claimable <= 1n).to.equal(true);
  });
});
