import { expect } from "chai";
import { readFileSync } from "node:fs";
import { id, ZeroAddress, ZeroHash, type Interface } from "ethers";
import { anyValue } from "@nomicfoundation/hardhat-ethers-chai-matchers/withArgs";
import type {
  DividendToken,
  IShop,
  RogueCloner,
  ShopAdmin,
  ShopPayments,
} from "../../../types/ethers-contracts/index.js";
import {
  ADMIN_ROLE,
  addShop,
  asShopAdmin,
  DAY,
  load,
  ONE,
  paymentOf,
  rulesWith,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
  type IShopBase,
} from "../fixture.js";
import { expectSolvent, ledger, settledHoldings } from "./helpers.js";

async function implementations(d: Deployment): Promise<{ shopImpl: IShop; tokenImpl: DividendToken }> {
  const shopImpl = (await d.ethers.getContractAt("IShop", await d.factory.shopImplementation())) as unknown as IShop;
  const tokenImpl = (await d.ethers.getContractAt(
    "DividendToken",
    await d.factory.tokenImplementation(),
  )) as unknown as DividendToken;
  return { shopImpl, tokenImpl };
}

async function rogue(d: Deployment): Promise<{ cloner: RogueCloner; address: string }> {
  const cloner = (await d.ethers.deployContract("RogueCloner")) as unknown as RogueCloner;
  return { cloner, address: await cloner.getAddress() };
}

describe("Security: initialisation of implementations and clones", () => {
  describe("Shop", () => {
    it("initialize on the shop implementation reverts InvalidInitialization for anyone", async () => {
      const d = await load();
      const shopAdmin = await asShopAdmin(d);
      const { shopImpl } = await implementations(d);
      const attacker = d.signers[9];
      await expect(
        shopImpl.connect(attacker).initialize(attacker.address, attacker.address, UTC_PLUS_8),
      ).to.be.revertedWithCustomError(shopAdmin, "InvalidInitialization");
      // The implementation has no admin: nobody can create tokens, grant roles or withdraw through it.
      expect(await shopImpl.hasRole(ADMIN_ROLE, attacker.address)).to.equal(false);
      await expect(shopImpl.connect(attacker).createToken(tokenParams(WUYOU_RULES))).to.be.revertedWithCustomError(
        shopImpl,
        "AccessControlUnauthorizedAccount",
      );
      await expect(
        shopImpl.connect(attacker).grantRole(await shopImpl.OPERATOR_ROLE(), attacker.address),
      ).to.be.revertedWithCustomError(shopImpl, "AccessControlUnauthorizedAccount");
    });

    it("initialize on a shop clone reverts InvalidInitialization, for its admin, a stranger and the factory", async () => {
      const d = await load();
      const shopAdmin = await asShopAdmin(d);
      const stranger = d.signers[9];
      for (const caller of [d.admin, stranger]) {
        await expect(
          d.shop.connect(caller).initialize(stranger.address, stranger.address, 0),
        ).to.be.revertedWithCustomError(shopAdmin, "InvalidInitialization");
      }
      const factoryAddress = await d.factory.getAddress();
      await d.helpers.setBalance(factoryAddress, ONE);
      const factory = await d.ethers.getImpersonatedSigner(factoryAddress);
      await expect(
        d.shop.connect(factory).initialize(stranger.address, stranger.address, 0),
      ).to.be.revertedWithCustomError(shopAdmin, "InvalidInitialization");
      await d.helpers.stopImpersonatingAccount(factoryAddress);
      expect(await d.shop.hasRole(ADMIN_ROLE, stranger.address)).to.equal(false);
      expect(await d.shop.hasRole(ADMIN_ROLE, d.admin.address)).to.equal(true);
    });

    it("a rogue clone of the shop implementation, made outside the factory, cannot deploy factory tokens", async () => {
      const d = await load();
      const { shopImpl } = await implementations(d);
      const { cloner, address } = await rogue(d);
      await cloner.cloneShop(await shopImpl.getAddress(), UTC_PLUS_8);
      const rogueShop = await cloner.lastShop();
      expect(await d.factory.isShop(rogueShop)).to.equal(false);
      // Only the factory's own initialize call makes a shop whose factory is the real one; the rogue clone's
      // "factory" is whoever initialised it, so its createToken never reaches the real factory.
      const rogueContract = (await d.ethers.getContractAt("IShop", rogueShop)) as unknown as IShop;
      expect(await rogueContract.factory()).to.equal(address);
      // Its createToken asks its "factory" (the cloner, which has no token implementation) and fails.
      await expect(cloner.createRogueToken(rogueShop, tokenParams(WUYOU_RULES))).to.be.revert(d.ethers);
      expect(await rogueContract.tokenCount()).to.equal(0n);
      // Asked directly, the real factory refuses a caller that is not one of its shops, even naming a real token.
      await expect(cloner.registerDirect(await d.factory.getAddress(), await d.token.getAddress()))
        .to.be.revertedWithCustomError(d.factory, "FactoryNotShop")
        .withArgs(address);
      expect(await d.factory.shopOfToken(await d.token.getAddress())).to.equal(await d.shop.getAddress());
      expect(await d.factory.shopCount()).to.equal(1n);
    });

    it("createShopDeterministic cannot be front-run: the salt is bound to the creator", async () => {
      const d = await load();
      const [, , , merchant] = d.signers;
      const attacker = d.signers[9];
      const salt = id("wuyou-2");
      const predicted = await d.factory.predictShopAddress(merchant.address, salt);
      const params = { admin: attacker.address, operator: attacker.address, utcOffset: UTC_PLUS_8, name: "Squat" };
      const squatted = await d.factory.connect(attacker).createShopDeterministic.staticCall(params, salt);
      await d.factory.connect(attacker).createShopDeterministic(params, salt);
      expect(squatted).to.not.equal(predicted);
      const own = { admin: merchant.address, operator: ZeroAddress, utcOffset: UTC_PLUS_8, name: "Wuyou 2" };
      await d.factory.connect(merchant).createShopDeterministic(own, salt);
      const shop = (await d.ethers.getContractAt("IShop", predicted)) as unknown as IShop;
      expect(await shop.hasRole(ADMIN_ROLE, merchant.address)).to.equal(true);
      expect(await shop.hasRole(ADMIN_ROLE, attacker.address)).to.equal(false);
    });
  });

  describe("ShopPayments (the payments module, called directly)", () => {
    /** A payment's terms, for the module's own (empty) storage. */
    function terms(customer: string, expiry = 0n): IShopBase.PaymentStruct {
      return { orderHash: id("direct"), customer, referrer: ZeroAddress, amount: ONE, autoCaptureAt: 0n, expiry };
    }
    const capture = (customer: string): IShopBase.CaptureStruct => ({
      orderHash: id("direct"),
      customer,
      amount: ONE,
      refundDeadline: 0n,
      minted: [],
    });
    /** What every state-changing function of the module does when called on the module itself, by `caller`. */
    const DIRECT: Record<string, { call: (m: ShopPayments, caller: string) => Promise<unknown>; error: string }> = {
      capture: { call: (m, c) => m.capture(terms(c), 1n), error: "AccessControlUnauthorizedAccount" },
      void: { call: (m, c) => m.void(terms(c)), error: "AccessControlUnauthorizedAccount" },
      refund: { call: (m, c) => m.refund(capture(c), 1n), error: "AccessControlUnauthorizedAccount" },
      setReturnWindow: { call: (m) => m.setReturnWindow(14 * DAY), error: "AccessControlUnauthorizedAccount" },
      // Someone else's payment: only its customer may take these steps.
      confirm: { call: (m) => m.confirm(terms(ZeroAddress)), error: "ShopNotPaymentCustomer" },
      reclaim: { call: (m) => m.reclaim(terms(ZeroAddress)), error: "ShopNotPaymentCustomer" },
      requestReturn: { call: (m) => m.requestReturn(terms(ZeroAddress)), error: "ShopNotPaymentCustomer" },
      // Its own: none is held there.
      autoCapture: { call: (m, c) => m.autoCapture(terms(c)), error: "ShopPaymentNotHeld" },
      withdrawReturns: { call: (m, c) => m.withdrawReturns(c), error: "ShopNoReturnsOwed" },
      // A customer may hold a payment there (checked below): it can only ever take it back itself.
      authorize: { call: (m) => m.authorize(ZeroHash, ZeroAddress, 0n, { value: ONE }), error: "ShopInvalidOrderHash" },
    };

    it("every state-changing function of the module refuses anyone, on the module's own storage, which has no roles", async () => {
      const d = await load();
      const [payments] = await d.shop.modules();
      const module = (await d.ethers.getContractAt("ShopPayments", payments)) as unknown as ShopPayments;
      const abi = JSON.parse(
        readFileSync(
          new URL("../../../artifacts/contracts/shop/ShopPayments.sol/ShopPayments.json", import.meta.url),
          "utf8",
        ),
      ) as { abi: { type: string; name?: string; stateMutability?: string }[] };
      const functions = abi.abi
        .filter((f) => f.type === "function" && (f.stateMutability === "nonpayable" || f.stateMutability === "payable"))
        .map((f) => f.name ?? "");
      expect(functions.sort()).to.deep.equal(Object.keys(DIRECT).sort());
      for (const caller of [d.admin, d.operator, d.poolManager, d.signers[9]]) {
        for (const [name, entry] of Object.entries(DIRECT)) {
          await expect(entry.call(module.connect(caller), caller.address), name).to.be.revertedWithCustomError(
            module,
            entry.error,
          );
        }
        // The clone's admin is no admin of the module.
        await expect(module.connect(caller).setReturnWindow(14 * DAY))
          .to.be.revertedWithCustomError(module, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ADMIN_ROLE);
      }
      // Nor can it be initialised: the initializer (the admin module's, reached through its fallback) is disabled.
      const asShop = (await d.ethers.getContractAt("IShop", payments)) as unknown as IShop;
      const shopAdmin = await asShopAdmin(d);
      await expect(asShop.initialize(d.admin.address, d.admin.address, 0)).to.be.revertedWithCustomError(
        shopAdmin,
        "InvalidInitialization",
      );
      expect(await asShop.hasRole(ADMIN_ROLE, d.admin.address)).to.equal(false);
      expect(await asShop.tokenCount()).to.equal(0n);
      expect(await d.ethers.provider.getBalance(payments)).to.equal(0n);
    });

    it("its own receive reverts ShopNotAClone: coin sent to the module is refused", async () => {
      const d = await load();
      const [payments] = await d.shop.modules();
      const module = (await d.ethers.getContractAt("ShopPayments", payments)) as unknown as ShopPayments;
      for (const sender of [d.admin, d.signers[9]]) {
        await expect(sender.sendTransaction({ to: payments, value: 1n })).to.be.revertedWithCustomError(
          module,
          "ShopNotAClone",
        );
      }
      expect(await d.ethers.provider.getBalance(payments)).to.equal(0n);
      // A clone takes the same transfer as a deposit.
      await expect(d.signers[9].sendTransaction({ to: await d.shop.getAddress(), value: 1n }))
        .to.emit(d.shop, "Deposited")
        .withArgs(d.signers[9].address, 1n);
    });

    it("a payment held on the module itself can be moved by nobody but its customer, who reclaims it after the expiry", async () => {
      const d = await load();
      const [payments] = await d.shop.modules();
      const module = (await d.ethers.getContractAt("ShopPayments", payments)) as unknown as ShopPayments;
      const [, , , alice] = d.signers;
      const expiry = BigInt(await d.helpers.time.latest()) + BigInt(DAY);
      const tx = module.connect(alice).authorize(id("on the module"), ZeroAddress, expiry, { value: ONE });
      const held = await paymentOf(module as unknown as IShop, tx);
      expect(await d.ethers.provider.getBalance(payments)).to.equal(ONE);
      // No operator there: no capture, no void; the module has no tokens, so a confirm cannot count it.
      for (const caller of [d.admin, d.operator]) {
        await expect(module.connect(caller).capture(held, ONE)).to.be.revertedWithCustomError(
          module,
          "AccessControlUnauthorizedAccount",
        );
        await expect(module.connect(caller).void(held)).to.be.revertedWithCustomError(
          module,
          "AccessControlUnauthorizedAccount",
        );
      }
      await expect(module.connect(alice).confirm(held)).to.be.revertedWithCustomError(module, "ShopNoTokens");
      await expect(module.connect(alice).reclaim(held))
        .to.be.revertedWithCustomError(module, "ShopPaymentNotExpired")
        .withArgs(expiry, anyValue);
      await d.helpers.time.increaseTo(expiry);
      await expect(module.connect(d.signers[9]).reclaim(held))
        .to.be.revertedWithCustomError(module, "ShopNotPaymentCustomer")
        .withArgs(d.signers[9].address, alice.address);
      const reclaim = module.connect(alice).reclaim(held);
      await expect(reclaim).to.emit(module, "PaymentReclaimed").withArgs(id("on the module"), alice.address, ONE);
      await expect(reclaim).to.changeEtherBalances(d.ethers, [alice, payments], [ONE, -ONE]);
    });

    it("the Shop implementation refuses a payments module without code: its constructor reverts ShopInvalidModule", async () => {
      const d = await load();
      const { shopImpl } = await implementations(d);
      const factory = await d.ethers.getContractFactory("Shop");
      for (const address of [ZeroAddress, d.signers[9].address, "0x000000000000000000000000000000000000dEaD"]) {
        await expect(factory.deploy(address))
          .to.be.revertedWithCustomError(shopImpl, "ShopInvalidModule")
          .withArgs(address);
      }
      // With a module that has code it deploys, and serves that module's functions through it.
      const [payments] = await d.shop.modules();
      const another = await factory.deploy(payments);
      const asShop = (await d.ethers.getContractAt("IShop", await another.getAddress())) as unknown as IShop;
      expect((await asShop.modules())[0]).to.equal(payments);
    });
  });

  describe("ShopAdmin (the admin module, called directly)", () => {
    /** What every state-changing function of the module does when called on the module itself, by anyone. */
    const DIRECT: Record<
      string,
      { call: (admin: ShopAdmin, caller: string) => Promise<unknown>; error: string | null }
    > = {
      initialize: { call: (m, c) => m.initialize(c, c, 0), error: "InvalidInitialization" },
      createToken: { call: (m) => m.createToken(tokenParams(WUYOU_RULES)), error: "AccessControlUnauthorizedAccount" },
      changeRules: { call: (m) => m.changeRules(0, WUYOU_RULES), error: "AccessControlUnauthorizedAccount" },
      cancelRulesChange: { call: (m) => m.cancelRulesChange(0), error: "AccessControlUnauthorizedAccount" },
      applyPendingRules: { call: (m) => m.applyPendingRules(0), error: "ShopUnknownToken" },
      mintFromPool: { call: (m, c) => m.mintFromPool(0, c, 1n, id("r")), error: "AccessControlUnauthorizedAccount" },
      withdraw: { call: (m, c) => m.withdraw(c, 1n), error: "AccessControlUnauthorizedAccount" },
      grantRole: { call: (m, c) => m.grantRole(ADMIN_ROLE, c), error: "AccessControlUnauthorizedAccount" },
      revokeRole: { call: (m, c) => m.revokeRole(ADMIN_ROLE, c), error: "AccessControlUnauthorizedAccount" },
      // Renouncing a role one does not hold changes nothing.
      renounceRole: { call: (m, c) => m.renounceRole(ADMIN_ROLE, c), error: null },
    };

    it("every clone and the implementation forward to one payments, one admin and one view module, which report themselves", async () => {
      const d = await load();
      const { shopImpl } = await implementations(d);
      const [payments, module, lens] = await d.shop.modules();
      const fromImpl = await (await d.ethers.getContractAt("IShop", await shopImpl.getAddress())).modules();
      expect([...fromImpl]).to.deep.equal([payments, module, lens]);
      // The payments module answers it itself, from its own code.
      const paymentsModule = (await d.ethers.getContractAt("ShopPayments", payments)) as unknown as ShopPayments;
      expect([...(await paymentsModule.modules())]).to.deep.equal([payments, module, lens]);
      for (const code of [payments, module, lens]) expect(await d.ethers.provider.getCode(code)).to.not.equal("0x");
      expect(new Set([await d.shop.getAddress(), await shopImpl.getAddress(), payments, module, lens]).size).to.equal(
        5,
      );
      // The admin module no longer reports modules: the selector falls through to the views, which do not have it.
      const adminAsPayments = (await d.ethers.getContractAt("ShopPayments", module)) as unknown as ShopPayments;
      await expect(adminAsPayments.modules()).to.be.revert(d.ethers);
      // A second shop of the factory shares all three.
      const other = await addShop(d, d.admin, d.operator);
      expect([...(await other.modules())]).to.deep.equal([payments, module, lens]);
    });

    it("called directly, the module cannot be initialised and holds nothing: every state-changing function fails or changes nothing, for anyone", async () => {
      const d = await load();
      const [, module] = await d.shop.modules();
      const admin = (await d.ethers.getContractAt("ShopAdmin", module)) as unknown as ShopAdmin;
      // Every state-changing function of its ABI has an entry here.
      const abi = JSON.parse(
        readFileSync(
          new URL("../../../artifacts/contracts/shop/ShopAdmin.sol/ShopAdmin.json", import.meta.url),
          "utf8",
        ),
      ) as { abi: { type: string; name?: string; stateMutability?: string }[] };
      const functions = abi.abi
        .filter((f) => f.type === "function" && (f.stateMutability === "nonpayable" || f.stateMutability === "payable"))
        .map((f) => f.name ?? "");
      expect(functions.sort()).to.deep.equal(Object.keys(DIRECT).sort());
      for (const caller of [d.admin, d.operator, d.poolManager, d.signers[9]]) {
        for (const [name, entry] of Object.entries(DIRECT)) {
          const call = entry.call(admin.connect(caller), caller.address);
          if (entry.error === null) await expect(call, name).to.not.be.revert(d.ethers);
          else await expect(call, name).to.be.revertedWithCustomError(admin, entry.error);
        }
      }
      // Its own storage was never initialised: no roles, no tokens, no factory, no balance (the views reach the view
      // module through the admin module's fallback, in the admin module's own storage).
      const moduleViews = await d.ethers.getContractAt("IShop", module);
      expect(await admin.hasRole(ADMIN_ROLE, d.admin.address)).to.equal(false);
      expect(await moduleViews.tokenCount()).to.equal(0n);
      expect(await moduleViews.factory()).to.equal(ZeroAddress);
      expect(await moduleViews.merchantBalance()).to.equal(0n);
      // It takes no coin: it has no receive function, and its functions are not payable.
      await expect(d.signers[9].sendTransaction({ to: module, value: 1n })).to.be.revert(d.ethers);
      expect(await d.ethers.provider.getBalance(module)).to.equal(0n);
    });

    it("a clone's admin calls run in the clone's storage: a grant through the clone is not a grant on the module", async () => {
      const d = await load();
      const [, module] = await d.shop.modules();
      const admin = (await d.ethers.getContractAt("ShopAdmin", module)) as unknown as ShopAdmin;
      const stranger = d.signers[9];
      await d.shop.grantRole(await d.shop.OPERATOR_ROLE(), stranger.address);
      expect(await d.shop.hasRole(await d.shop.OPERATOR_ROLE(), stranger.address)).to.equal(true);
      expect(await admin.hasRole(await d.shop.OPERATOR_ROLE(), stranger.address)).to.equal(false);
      await d.shop.createToken(tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "X" }));
      expect(await d.shop.tokenCount()).to.equal(2n);
      expect(await (await d.ethers.getContractAt("IShop", module)).tokenCount()).to.equal(0n);
      expect(await (await asShopAdmin(d)).supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
    });
  });

  describe("DividendToken", () => {
    it("the token implementation has no clone arguments: every call that needs them reverts DividendTokenNotAClone", async () => {
      const d = await load();
      const { tokenImpl } = await implementations(d);
      const attacker = d.signers[9];
      const notAClone = "DividendTokenNotAClone";
      await expect(
        tokenImpl.connect(attacker).mintOrder(attacker.address, ONE, ZeroAddress, 0n, 0n),
      ).to.be.revertedWithCustomError(tokenImpl, notAClone);
      await expect(
        tokenImpl.connect(attacker).mintBatch([(BigInt(attacker.address) << 96n) | ONE], 0n, { value: 1n }),
      ).to.be.revertedWithCustomError(tokenImpl, notAClone);
      await expect(tokenImpl.connect(attacker).distribute(0, ONE, { value: 1n })).to.be.revertedWithCustomError(
        tokenImpl,
        notAClone,
      );
      await expect(
        tokenImpl.connect(attacker).claimFor(attacker.address, attacker.address),
      ).to.be.revertedWithCustomError(tokenImpl, notAClone);
      await expect(tokenImpl.connect(attacker).transfer(attacker.address, 0)).to.be.revertedWithCustomError(
        tokenImpl,
        notAClone,
      );
      await expect(tokenImpl.name()).to.be.revertedWithCustomError(tokenImpl, notAClone);
      await expect(tokenImpl.shop()).to.be.revertedWithCustomError(tokenImpl, notAClone);
      // Nothing to claim there, and no supply.
      await expect(tokenImpl.connect(attacker).claim()).to.be.revertedWithCustomError(
        tokenImpl,
        "DividendTokenNothingToClaim",
      );
      expect(await tokenImpl.totalSupply()).to.equal(0n);
    });

    it("a token clone has no initializer: its shop and factory are fixed, and nobody else can mint or distribute", async () => {
      const d = await load();
      const attacker = d.signers[9];
      // The ABI has no initialize at all.
      const tokenAbi: Interface = d.token.interface;
      expect(tokenAbi.getFunction("initialize")).to.equal(null);
      expect(await d.token.shop()).to.equal(await d.shop.getAddress());
      expect(await d.token.factory()).to.equal(await d.factory.getAddress());
      await expect(d.token.connect(attacker).mintOrder(attacker.address, ONE, ZeroAddress, 0n, 0n))
        .to.be.revertedWithCustomError(d.token, "DividendTokenNotShop")
        .withArgs(attacker.address);
      await expect(d.token.connect(d.admin).distribute(0, ONE))
        .to.be.revertedWithCustomError(d.token, "DividendTokenNotShop")
        .withArgs(d.admin.address);
    });

    it("a rogue token clone naming the real factory is unknown to it: claimMany refuses it, real holders lose nothing", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const { tokenImpl } = await implementations(d);
      const { cloner } = await rogue(d);
      await settledHoldings(d, [alice.address], [ONE], "rogue-token");
      await cloner.cloneToken(await tokenImpl.getAddress(), await d.factory.getAddress());
      const rogueAddress = await cloner.lastToken();
      const rogueToken = (await d.ethers.getContractAt("DividendToken", rogueAddress)) as unknown as DividendToken;
      expect(await rogueToken.factory()).to.equal(await d.factory.getAddress());
      expect(await d.factory.shopOfToken(rogueAddress)).to.equal(ZeroAddress);
      // The rogue "shop" can mint and distribute its own token (its own coin), but nothing links it to the factory.
      await cloner.mintRogue(rogueAddress, alice.address, ONE);
      await cloner.distributeRogue(rogueAddress, 0, { value: 1000n });
      const before = await ledger(d, d.shop, [d.token], [alice.address]);
      await expect(d.factory.connect(alice).claimMany([rogueAddress, await d.token.getAddress()], alice.address))
        .to.be.revertedWithCustomError(d.factory, "FactoryUnknownToken")
        .withArgs(rogueAddress);
      // The real token cannot be minted by the rogue "shop".
      await expect(cloner.mintRogue(await d.token.getAddress(), alice.address, ONE)).to.be.revertedWithCustomError(
        d.token,
        "DividendTokenNotShop",
      );
      const after = await ledger(d, d.shop, [d.token], [alice.address]);
      expect(after).to.deep.equal(before);
      expectSolvent(after);
    });
  });
});
