import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  ADMIN_ROLE,
  anchorTree,
  asShopAdmin,
  dividendOf,
  hashOf,
  load,
  merkleBatch,
  mintLeaf,
  ONE,
  order,
  rulesWith,
  signedReceipt,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";
import type { RejectingReceiver } from "../../types/ethers-contracts/index.js";

type Who = "admin" | "operator" | "poolManager" | "stranger";
type Expected =
  | { role: "admin" | "operator" | "poolManager" }
  | { error: "DividendTokenNotShop" | "DividendTokenNotFactory" | "FactoryNotShop" | "ShopNotLeafCustomer" };

interface Privileged {
  name: string;
  call: (d: Deployment, caller: HardhatEthersSigner) => Promise<unknown>;
  wrong: Who[];
  expected: Expected;
}

function signerOf(d: Deployment, who: Who): HardhatEthersSigner {
  return { admin: d.admin, operator: d.operator, poolManager: d.poolManager, stranger: d.signers[9] }[who];
}

async function roleId(d: Deployment, role: "admin" | "operator" | "poolManager"): Promise<string> {
  if (role === "admin") return ADMIN_ROLE;
  if (role === "operator") return d.shop.OPERATOR_ROLE();
  return d.shop.POOL_MANAGER_ROLE();
}

const customer = "0x00000000000000000000000000000000000c0ffe";

const PRIVILEGED: Privileged[] = [
  {
    name: "shop.createToken",
    call: (d, c) => d.shop.connect(c).createToken(tokenParams(rulesWith({ dividendBps: 0n }))),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.changeRules",
    call: (d, c) => d.shop.connect(c).changeRules(0, rulesWith({ dividendBps: 3000n })),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.cancelRulesChange",
    call: (d, c) => d.shop.connect(c).cancelRulesChange(0),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.withdraw",
    call: (d, c) => d.shop.connect(c).withdraw(c.address, 1n),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.grantRole",
    call: async (d, c) => d.shop.connect(c).grantRole(await d.shop.OPERATOR_ROLE(), c.address),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.revokeRole",
    call: async (d, c) => d.shop.connect(c).revokeRole(await d.shop.OPERATOR_ROLE(), d.operator.address),
    wrong: ["operator", "poolManager", "stranger"],
    expected: { role: "admin" },
  },
  {
    name: "shop.recordOrder",
    call: (d, c) => d.shop.connect(c).recordOrder(order("role", customer, ONE)),
    wrong: ["admin", "poolManager", "stranger"],
    expected: { role: "operator" },
  },
  {
    name: "shop.recordOrders",
    call: (d, c) => d.shop.connect(c).recordOrders([order("role", customer, ONE)]),
    wrong: ["admin", "poolManager", "stranger"],
    expected: { role: "operator" },
  },
  {
    name: "shop.anchorBatch",
    call: (d, c) => d.shop.connect(c).anchorBatch(id("role-root"), 1, 1, ONE),
    wrong: ["admin", "poolManager", "stranger"],
    expected: { role: "operator" },
  },
  {
    name: "shop.mintFromBatch (the leaf's customer or an operator)",
    call: async (d, c) => {
      const tree = merkleBatch([{ orderHash: hashOf("role-leaf"), customer, amount: ONE }]);
      await anchorTree(d, tree);
      return mintLeaf(d, tree, 0, c);
    },
    wrong: ["admin", "poolManager", "stranger"],
    expected: { error: "ShopNotLeafCustomer" },
  },
  {
    name: "shop.mintFromPool",
    call: (d, c) => d.shop.connect(c).mintFromPool(0, c.address, 1n, id("reason")),
    wrong: ["admin", "operator", "stranger"],
    expected: { role: "poolManager" },
  },
  {
    name: "token.mintOrder",
    call: (d, c) => d.token.connect(c).mintOrder(c.address, ONE, ZeroAddress, 0n, 0n),
    wrong: ["admin", "operator", "poolManager", "stranger"],
    expected: { error: "DividendTokenNotShop" },
  },
  {
    name: "token.mintBatch",
    call: (d, c) => d.token.connect(c).mintBatch([(BigInt(c.address) << 96n) | ONE], 0n),
    wrong: ["admin", "operator", "poolManager", "stranger"],
    expected: { error: "DividendTokenNotShop" },
  },
  {
    name: "token.distribute",
    call: (d, c) => d.token.connect(c).distribute(0, 0, { value: 1n }),
    wrong: ["admin", "operator", "poolManager", "stranger"],
    expected: { error: "DividendTokenNotShop" },
  },
  {
    name: "token.claimFor",
    call: (d, c) => d.token.connect(c).claimFor(c.address, c.address),
    wrong: ["admin", "operator", "poolManager", "stranger"],
    expected: { error: "DividendTokenNotFactory" },
  },
  {
    name: "factory.registerToken",
    call: async (d, c) => d.factory.connect(c).registerToken(0, await d.token.getAddress()),
    wrong: ["admin", "operator", "poolManager", "stranger"],
    expected: { error: "FactoryNotShop" },
  },
];

describe("Roles", () => {
  describe("every privileged function rejects the wrong caller", () => {
    for (const entry of PRIVILEGED) {
      it(`${entry.name} reverts for ${entry.wrong.join(", ")}`, async () => {
        const d = await load();
        for (const who of entry.wrong) {
          const caller = signerOf(d, who);
          const expected = entry.expected;
          if ("role" in expected) {
            const role = await roleId(d, expected.role);
            await expect(entry.call(d, caller))
              .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
              .withArgs(caller.address, role);
          } else {
            if (expected.error === "ShopNotLeafCustomer") {
              await expect(entry.call(d, caller))
                .to.be.revertedWithCustomError(d.shop, expected.error)
                .withArgs(caller.address, customer);
              continue;
            }
            const contract = expected.error === "FactoryNotShop" ? d.factory : d.token;
            await expect(entry.call(d, caller))
              .to.be.revertedWithCustomError(contract, expected.error)
              .withArgs(caller.address);
          }
        }
      });
    }
  });

  describe("granted roles work", () => {
    it("the fixture's roles are held by the admin, operator and pool manager only", async () => {
      const d = await load();
      const admin = await (await asShopAdmin(d)).DEFAULT_ADMIN_ROLE();
      const operator = await d.shop.OPERATOR_ROLE();
      const pool = await d.shop.POOL_MANAGER_ROLE();
      expect(admin).to.equal(ZeroHash);
      expect(admin).to.equal(ADMIN_ROLE);
      expect(operator).to.equal(id("sharemall.role.operator"));
      expect(pool).to.equal(id("sharemall.role.pool-manager"));
      const table: [string, HardhatEthersSigner, boolean[]][] = [
        ["admin", d.admin, [true, false, false]],
        ["operator", d.operator, [false, true, false]],
        ["pool manager", d.poolManager, [false, false, true]],
        ["stranger", d.signers[9], [false, false, false]],
      ];
      for (const [, signer, held] of table) {
        expect([
          await d.shop.hasRole(admin, signer.address),
          await d.shop.hasRole(operator, signer.address),
          await d.shop.hasRole(pool, signer.address),
        ]).to.deep.equal(held);
      }
      for (const role of [operator, pool]) expect(await d.shop.getRoleAdmin(role)).to.equal(admin);
    });

    it("the factory (and the shop's creator when not its admin) hold no role in a shop", async () => {
      const d = await load();
      const factory = await d.factory.getAddress();
      const creator = d.signers[14];
      const params = { admin: d.signers[15].address, operator: ZeroAddress, utcOffset: 0, name: "x" };
      const address = await d.factory.connect(creator).createShop.staticCall(params);
      await d.factory.connect(creator).createShop(params);
      const other = await d.ethers.getContractAt("IShop", address);
      for (const shop of [d.shop, other]) {
        for (const role of [ADMIN_ROLE, await shop.OPERATOR_ROLE(), await shop.POOL_MANAGER_ROLE()]) {
          expect(await shop.hasRole(role, factory)).to.equal(false);
          expect(await shop.hasRole(role, creator.address)).to.equal(false);
        }
      }
    });

    it("a granted operator records orders until the role is revoked", async () => {
      const d = await load();
      const stranger = d.signers[9];
      const role = await d.shop.OPERATOR_ROLE();
      await expect(d.shop.grantRole(role, stranger.address))
        .to.emit(d.shop, "RoleGranted")
        .withArgs(role, stranger.address, d.admin.address);
      await d.shop.connect(stranger).recordOrder(order("granted", customer, ONE));
      await d.shop.connect(stranger).recordOrders([order("granted-2", customer, ONE)]);
      expect(await d.shop.isOrderIdUsed(order("granted", customer, ONE).orderId)).to.equal(true);
      await d.shop.revokeRole(role, stranger.address);
      await expect(d.shop.connect(stranger).recordOrder(order("revoked", customer, ONE)))
        .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
        .withArgs(stranger.address, role);
      // The original operator can renounce its own role.
      await d.shop.connect(d.operator).renounceRole(role, d.operator.address);
      expect(await d.shop.hasRole(role, d.operator.address)).to.equal(false);
    });

    it("the order paths read the roles the admin module grants: a granted operator anchors, mints leaves and signs receipts until revoked", async () => {
      const d = await load();
      const second = d.signers[9];
      const role = await d.shop.OPERATOR_ROLE();
      const tree = merkleBatch([
        { orderHash: hashOf("g0"), customer, amount: ONE },
        { orderHash: hashOf("g1"), customer, amount: ONE },
      ]);
      const receipt = await signedReceipt(d, second, { customer, amount: ONE, orderHash: hashOf("g2") });
      await expect(anchorTree(d, tree, tree.totalRevenue, d.shop, second))
        .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
        .withArgs(second.address, role);
      await d.shop.grantRole(role, second.address);
      expect(await d.shop.hasRole(role, second.address)).to.equal(true);
      await anchorTree(d, tree, tree.totalRevenue, d.shop, second);
      await mintLeaf(d, tree, 0, second);
      await d.shop.redeemReceipt(receipt.receipt, second.address, receipt.signature);
      await d.shop.revokeRole(role, second.address);
      await expect(mintLeaf(d, tree, 1, second))
        .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
        .withArgs(second.address, customer);
      const late = await signedReceipt(d, second, { customer, amount: ONE, orderHash: hashOf("g3") });
      await expect(d.shop.redeemReceipt(late.receipt, second.address, late.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
        .withArgs(second.address);
      expect((await d.shop.batch(tree.root)).mintedCount).to.equal(1n);
    });

    it("a granted pool manager mints from the pool", async () => {
      const d = await load();
      const stranger = d.signers[9];
      await d.shop.connect(d.operator).recordOrder(order("o", customer, WUYOU_RULES.spendPerToken * 9n));
      await d.shop.grantRole(await d.shop.POOL_MANAGER_ROLE(), stranger.address);
      await expect(d.shop.connect(stranger).mintFromPool(0, stranger.address, 1n, id("r")))
        .to.emit(d.shop, "PoolMinted")
        .withArgs(0, stranger.address, 1n, id("r"));
    });

    it("a granted admin creates tokens, changes rules and withdraws; the old admin may renounce", async () => {
      const d = await load();
      const next = d.signers[9];
      const admin = ADMIN_ROLE;
      await d.shop.grantRole(admin, next.address);
      await d.shop.connect(d.admin).renounceRole(admin, d.admin.address);
      await d.shop.connect(next).createToken(tokenParams(rulesWith({ dividendBps: 0n })));
      await d.shop.connect(next).changeRules(0, rulesWith({ dividendBps: 2500n }));
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.connect(next).withdraw(next.address, ONE)).to.changeEtherBalance(d.ethers, next, ONE);
      await expect(d.shop.connect(d.admin).changeRules(0, rulesWith({ dividendBps: 2600n })))
        .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
        .withArgs(d.admin.address, admin);
    });
  });

  describe("merchant balance", () => {
    it("deposit adds to the merchant balance for anyone; zero reverts ShopZeroValue", async () => {
      const d = await load();
      const stranger = d.signers[9];
      await expect(d.shop.connect(stranger).deposit({ value: 123n }))
        .to.emit(d.shop, "Deposited")
        .withArgs(stranger.address, 123n);
      expect(await d.shop.merchantBalance()).to.equal(123n);
      await expect(d.shop.connect(stranger).deposit()).to.be.revertedWithCustomError(d.shop, "ShopZeroValue");
    });

    it("withdraw pays out of the merchant balance only, never the escrowed dividends", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const wallet = d.signers[13];
      const amount = 5n * ONE + 3n;
      await d.shop.connect(alice).charge(hashOf("c"), ZeroAddress, { value: amount });
      const balance = amount - dividendOf(amount, WUYOU_RULES);
      expect(await d.shop.merchantBalance()).to.equal(balance);
      await expect(d.shop.withdraw(wallet.address, balance + 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInsufficientBalance")
        .withArgs(balance, balance + 1n);
      const tx = d.shop.withdraw(wallet.address, balance);
      await expect(tx).to.emit(d.shop, "Withdrawn").withArgs(wallet.address, balance);
      await expect(tx).to.changeEtherBalances(d.ethers, [d.shop, wallet, d.token], [-balance, balance, 0n]);
      expect(await d.shop.merchantBalance()).to.equal(0n);
      expect(await d.ethers.provider.getBalance(await d.shop.getAddress())).to.equal(0n);
      await expect(d.shop.withdraw(wallet.address, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopInsufficientBalance")
        .withArgs(0n, 1n);
    });

    it("withdraw reverts ShopZeroAddress and ShopZeroValue", async () => {
      const d = await load();
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.withdraw(ZeroAddress, 1n)).to.be.revertedWithCustomError(d.shop, "ShopZeroAddress");
      await expect(d.shop.withdraw(d.admin.address, 0n)).to.be.revertedWithCustomError(d.shop, "ShopZeroValue");
    });

    it("withdraw to a recipient that rejects the coin reverts ShopWithdrawalFailed and keeps the balance", async () => {
      const d = await load();
      const receiver = (await d.ethers.deployContract("RejectingReceiver")) as unknown as RejectingReceiver;
      const to = await receiver.getAddress();
      await d.shop.deposit({ value: ONE });
      await expect(d.shop.withdraw(to, ONE / 2n))
        .to.be.revertedWithCustomError(d.shop, "ShopWithdrawalFailed")
        .withArgs(to, ONE / 2n);
      expect(await d.shop.merchantBalance()).to.equal(ONE);
      expect(await d.ethers.provider.getBalance(await d.shop.getAddress())).to.equal(ONE);
      await receiver.setAccepting(true);
      await expect(d.shop.withdraw(to, ONE / 2n)).to.changeEtherBalance(d.ethers, to, ONE / 2n);
    });
  });
});
