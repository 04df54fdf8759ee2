import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  addToken,
  batchLeaf,
  consumptionOf,
  dividendOf,
  escrowOf,
  hashOf,
  load,
  nextDay,
  ONE,
  order,
  owedOf,
  referralShareOf,
  rulesWith,
  signedReceipt,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "./fixture.js";

/** OrderPath enum of IShop. */
const RECORDED = 0;
const RECEIPT = 1;
const CHECKOUT = 2;
const MERKLE_BATCH = 3;

/**
 * One order-intake path, for a given customer. `prepare` runs first (it may count revenue: a Merkle batch counts its
 * revenue when anchored), then `count` counts the order hash for the customer. `path` is the OrderCounted path.
 */
interface Path {
  path: number;
  prepare?: (d: Deployment, label: string, amount: bigint, customer: HardhatEthersSigner) => Promise<unknown>;
  count: (d: Deployment, label: string, amount: bigint, customer: HardhatEthersSigner) => Promise<unknown>;
}
const PATHS: Record<string, Path> = {
  recordOrder: {
    path: RECORDED,
    count: async (d, label, amount, customer) =>
      d.shop.connect(d.operator).recordOrder(order(label, customer.address, amount)),
  },
  recordOrders: {
    path: RECORDED,
    count: async (d, label, amount, customer) =>
      d.shop.connect(d.operator).recordOrders([order(label, customer.address, amount)]),
  },
  checkout: {
    path: CHECKOUT,
    count: async (d, label, amount, customer) =>
      d.shop.connect(customer).checkout(hashOf(label), ZeroAddress, { value: amount }),
  },
  redeemReceipt: {
    path: RECEIPT,
    count: async (d, label, amount, customer) => {
      const { receipt, signature } = await signedReceipt(d, d.operator, {
        customer: customer.address,
        amount,
        orderHash: hashOf(label),
      });
      return d.shop.connect(customer).redeemReceipt(receipt, d.operator.address, signature);
    },
  },
  mintFromBatch: {
    path: MERKLE_BATCH,
    // A one-leaf tree: its root is the leaf and the proof is empty. The customer mints its own leaf.
    prepare: async (d, label, amount, customer) =>
      d.shop
        .connect(d.operator)
        .anchorBatch(batchLeaf(0n, hashOf(label), customer.address, amount, ZeroAddress), 1, amount),
    count: async (d, label, amount, customer) =>
      d.shop
        .connect(customer)
        .mintFromBatch(
          batchLeaf(0n, hashOf(label), customer.address, amount, ZeroAddress),
          0,
          hashOf(label),
          customer.address,
          amount,
          ZeroAddress,
          [],
        ),
  },
};

describe("Shop orders", () => {
  describe("recordOrder (path 1)", () => {
    it("counts the amount as the day's revenue and emits OrderCounted", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const a1 = 1234567890123n;
      const a2 = 10n ** 18n + 7n;
      expect(await d.shop.today()).to.equal(day);
      const daysBefore = await d.shop.revenueDayCount();
      await expect(d.shop.connect(d.operator).recordOrder(order("a1", alice.address, a1)))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("a1"), alice.address, day, RECORDED, a1);
      await d.shop.connect(d.operator).recordOrder(order("a2", bob.address, a2));
      const record = await d.shop.dayRecord(day);
      expect(record.revenue).to.equal(a1 + a2);
      expect(record.orderCount).to.equal(2n);
      expect(record.settled).to.equal(false);
      expect(await d.shop.isOrderCounted(hashOf("a1"), alice.address)).to.equal(true);
      expect(await d.shop.isOrderCounted(hashOf("a2"), bob.address)).to.equal(true);
      expect(await d.shop.isOrderCounted(hashOf("a3"), alice.address)).to.equal(false);
      // An order hash counts for its customer only.
      expect(await d.shop.isOrderCounted(hashOf("a1"), bob.address)).to.equal(false);
      // One revenue day, however many orders.
      expect(await d.shop.revenueDayCount()).to.equal(daysBefore + 1n);
      const [owed, escrowed] = await d.shop.tokenDay(0, day);
      expect(owed).to.equal(owedOf([a1, a2], WUYOU_RULES));
      expect(escrowed).to.equal(0n);
    });

    it("counts orders of another day in that day's record", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day1 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("d1", alice.address, 100n));
      const day2 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("d2", alice.address, 250n));
      expect((await d.shop.dayRecord(day1)).revenue).to.equal(100n);
      expect((await d.shop.dayRecord(day2)).revenue).to.equal(250n);
      expect((await d.shop.dayRecord(day2)).orderCount).to.equal(1n);
    });

    it("reverts ShopInvalidOrderHash, ShopInvalidCustomer and ShopInvalidAmount", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const op = d.shop.connect(d.operator);
      await expect(
        op.recordOrder({ orderHash: ZeroHash, customer: alice.address, amount: 1n, referrer: ZeroAddress }),
      ).to.be.revertedWithCustomError(d.shop, "ShopInvalidOrderHash");
      await expect(op.recordOrder(order("c", ZeroAddress, 1n)))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidCustomer")
        .withArgs(hashOf("c"));
      await expect(op.recordOrder(order("z", alice.address, 0n)))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("z"), 0n);
      expect(await d.shop.isOrderCounted(hashOf("c"), ZeroAddress)).to.equal(false);
      expect(await d.shop.isOrderCounted(hashOf("z"), alice.address)).to.equal(false);
    });
  });

  describe("recordOrders (path 1, batch)", () => {
    it("counts every order of the batch in one day record", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const day = await nextDay(d.helpers);
      const batch = [
        order("b1", alice.address, 3n * 10n ** 17n),
        order("b2", bob.address, 7n * 10n ** 17n + 1n),
        order("b3", carol.address, 1n),
        order("b4", alice.address, 5n * 10n ** 16n),
      ];
      const amounts = batch.map((o) => BigInt(o.amount));
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      for (const o of batch) {
        await expect(tx).to.emit(d.shop, "OrderCounted").withArgs(o.orderHash, o.customer, day, RECORDED, o.amount);
      }
      const record = await d.shop.dayRecord(day);
      expect(record.revenue).to.equal(amounts.reduce((a, b) => a + b, 0n));
      expect(record.orderCount).to.equal(BigInt(batch.length));
      expect((await d.shop.tokenDay(0, day))[0]).to.equal(owedOf(amounts, WUYOU_RULES));
      for (const o of batch) expect(await d.shop.isOrderCounted(o.orderHash, o.customer)).to.equal(true);
    });

    it("reverts ShopEmptyBatch for an empty batch", async () => {
      const d = await load();
      await expect(d.shop.connect(d.operator).recordOrders([])).to.be.revertedWithCustomError(d.shop, "ShopEmptyBatch");
    });

    it("is all or nothing: a duplicate inside the batch reverts it whole", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const batch = [
        order("x1", bob.address, 10n ** 18n, alice.address),
        order("x2", alice.address, 10n ** 18n),
        order("x1", bob.address, 5n),
      ];
      await expect(d.shop.connect(d.operator).recordOrders(batch))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("x1"));
      expect(await d.shop.isOrderCounted(hashOf("x1"), bob.address)).to.equal(false);
      expect(await d.shop.isOrderCounted(hashOf("x2"), alice.address)).to.equal(false);
      expect((await d.shop.dayRecord(day)).orderCount).to.equal(0n);
      expect(await d.token.totalSupply()).to.equal(0n);
      const [referrer, known] = await d.shop.customerOf(bob.address);
      expect(referrer).to.equal(ZeroAddress);
      expect(known).to.equal(false);
    });

    it("is all or nothing: an invalid last order reverts the valid ones before it", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const batch = [order("v1", alice.address, 10n ** 18n), order("v2", alice.address, 0n)];
      await expect(d.shop.connect(d.operator).recordOrders(batch))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("v2"), 0n);
      expect(await d.shop.isOrderCounted(hashOf("v1"), alice.address)).to.equal(false);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
    });
  });

  describe("receipt (path 2) and Merkle batch (path 4)", () => {
    it("redeemReceipt counts an operator-signed EIP-712 receipt like a recorded order", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken * 2n + 1n;
      const { receipt, signature, digest } = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("rc"),
        referrer: bob.address,
      });
      expect(await d.shop.receiptDigest(receipt)).to.equal(digest);
      // Anyone may submit it; the tokens go to the receipt's customer.
      await expect(d.shop.connect(d.signers[9]).redeemReceipt(receipt, d.operator.address, signature))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("rc"), alice.address, day, RECEIPT, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(amount, WUYOU_RULES));
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
    });

    it("anchorBatch counts the batch revenue on the anchoring day; mintFromBatch mints the leaf on that day", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken * 3n;
      const root = batchLeaf(0n, hashOf("leaf"), alice.address, amount, ZeroAddress);
      await d.shop.connect(d.operator).anchorBatch(root, 1, amount);
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect((await d.shop.tokenDay(0, day))[0]).to.equal(owedOf([amount], WUYOU_RULES));
      await nextDay(d.helpers);
      await expect(d.shop.connect(alice).mintFromBatch(root, 0, hashOf("leaf"), alice.address, amount, ZeroAddress, []))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("leaf"), alice.address, day, MERKLE_BATCH, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * 10n ** 18n);
      // Minting a leaf adds no revenue: it was counted when anchored.
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect((await d.shop.dayRecord(day + 1n)).revenue).to.equal(0n);
      expect((await d.shop.tokenDay(0, day))[0]).to.equal(owedOf([amount], WUYOU_RULES));
    });
  });

  describe("duplicate order hashes (the same customer)", () => {
    for (const [firstName, first] of Object.entries(PATHS)) {
      for (const [secondName, second] of Object.entries(PATHS)) {
        it(`${secondName} reverts ShopOrderAlreadyCounted for the customer's order hash already counted by ${firstName}`, async () => {
          const d = await load();
          const customer = d.signers[5];
          await first.prepare?.(d, "dup", 1000n, customer);
          await first.count(d, "dup", 1000n, customer);
          expect(await d.shop.isOrderCounted(hashOf("dup"), customer.address)).to.equal(true);
          await second.prepare?.(d, "dup", 2000n, customer);
          const record = await d.shop.dayRecord(await d.shop.today());
          const supply = await d.token.totalSupply();
          await expect(second.count(d, "dup", 2000n, customer))
            .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
            .withArgs(hashOf("dup"));
          expect(await d.shop.dayRecord(await d.shop.today())).to.deep.equal(record);
          expect(await d.token.totalSupply()).to.equal(supply);
        });
      }
    }
  });

  describe("another customer's use of an order hash never blocks the customer's order", () => {
    // The order hash commits to its customer (docs/order-hashing.md): the same hash for another customer is another
    // order. Counting it once per hash would let anyone who saw a pending hash block the order for 1 wei.
    for (const [firstName, first] of Object.entries(PATHS)) {
      for (const [secondName, second] of Object.entries(PATHS)) {
        it(`${secondName} counts the customer's order after ${firstName} counted its hash for a stranger (1 wei)`, async () => {
          const d = await load();
          const [, , , , , victim, stranger] = d.signers;
          const amount = WUYOU_RULES.spendPerToken * 2n;
          await first.prepare?.(d, "pending", 1n, stranger);
          await first.count(d, "pending", 1n, stranger);
          expect(await d.shop.isOrderCounted(hashOf("pending"), stranger.address)).to.equal(true);
          expect(await d.shop.isOrderCounted(hashOf("pending"), victim.address)).to.equal(false);
          await second.prepare?.(d, "pending", amount, victim);
          const day = await d.shop.today();
          await expect(second.count(d, "pending", amount, victim))
            .to.emit(d.shop, "OrderCounted")
            .withArgs(hashOf("pending"), victim.address, day, second.path, amount);
          expect(await d.shop.isOrderCounted(hashOf("pending"), victim.address)).to.equal(true);
          expect(await d.token.balanceOf(victim.address)).to.equal(consumptionOf(amount, WUYOU_RULES));
          expect(await d.token.balanceOf(stranger.address)).to.equal(consumptionOf(1n, WUYOU_RULES));
          expect((await d.shop.dayRecord(day)).orderCount).to.equal(2n);
        });
      }
    }

    it("a stranger's 1-wei checkouts with a victim's pending hashes block none of its receipt, batch leaf or recorded batch", async () => {
      const d = await load();
      const [, , , alice, bob, carol, mallory] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken;
      const labels = ["receipt", "leaf", "batch-1", "batch-2"];
      // The hashes were seen pending (a signed receipt, an anchored batch file, an operator's queued batch).
      const { receipt, signature } = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("receipt"),
        referrer: bob.address,
      });
      const root = batchLeaf(0n, hashOf("leaf"), alice.address, amount, ZeroAddress);
      await d.shop.connect(d.operator).anchorBatch(root, 1, amount);
      for (const label of labels) {
        await d.shop.connect(mallory).checkout(hashOf(label), ZeroAddress, { value: 1n });
        expect(await d.shop.isOrderCounted(hashOf(label), mallory.address)).to.equal(true);
      }
      await expect(d.shop.connect(alice).redeemReceipt(receipt, d.operator.address, signature))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("receipt"), alice.address, day, RECEIPT, amount);
      await expect(d.shop.connect(alice).mintFromBatch(root, 0, hashOf("leaf"), alice.address, amount, ZeroAddress, []))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("leaf"), alice.address, day, MERKLE_BATCH, amount);
      const batch = [order("batch-1", alice.address, amount), order("batch-2", carol.address, amount)];
      await d.shop.connect(d.operator).recordOrders(batch);
      for (const o of [...batch, order("receipt", alice.address, amount), order("leaf", alice.address, amount)]) {
        expect(await d.shop.isOrderCounted(o.orderHash, o.customer)).to.equal(true);
      }
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * ONE);
      expect(await d.token.balanceOf(carol.address)).to.equal(ONE);
      expect(await d.token.balanceOf(bob.address)).to.equal(referralShareOf(3n * ONE, WUYOU_RULES));
      expect(await d.shop.dayRecord(day)).to.deep.equal([4n * amount + 4n, 8n, false]);
    });
  });

  describe("checkout (path 3)", () => {
    it("escrows amount * dividendBps / 10000 in each token and credits the rest to the merchant", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const mallRules = rulesWith({ dividendBps: 333n, spendPerToken: 10n ** 17n });
      const { token: mall } = await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      const amount = 10n ** 18n + 12_345n;
      const escrow0 = dividendOf(amount, WUYOU_RULES);
      const escrow1 = dividendOf(amount, mallRules);
      const balanceBefore = await d.shop.merchantBalance();
      const tx = d.shop.connect(alice).checkout(hashOf("co"), ZeroAddress, { value: amount });
      await expect(tx)
        .to.emit(d.shop, "CheckoutPaid")
        .withArgs(hashOf("co"), escrow0 + escrow1);
      await expect(tx).to.emit(d.shop, "OrderCounted").withArgs(hashOf("co"), alice.address, day, CHECKOUT, amount);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop, d.token, mall],
        [-amount, amount - escrow0 - escrow1, escrow0, escrow1],
      );
      expect(await d.shop.merchantBalance()).to.equal(balanceBefore + amount - escrow0 - escrow1);
      expect(await d.ethers.provider.getBalance(await d.shop.getAddress())).to.equal(await d.shop.merchantBalance());
      expect(await d.shop.tokenDay(0, day)).to.deep.equal([owedOf([amount], WUYOU_RULES), escrow0]);
      expect(await d.shop.tokenDay(1, day)).to.deep.equal([owedOf([amount], mallRules), escrow1]);
      const record = await d.shop.dayRecord(day);
      expect(record.revenue).to.equal(amount);
      expect(record.orderCount).to.equal(1n);
    });

    it("mints to the paying customer and binds its referrer", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const amount = 3n * WUYOU_RULES.spendPerToken;
      await expect(d.shop.connect(alice).checkout(hashOf("co"), bob.address, { value: amount }))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(alice.address, bob.address);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * 10n ** 18n);
      expect(await d.token.balanceOf(bob.address)).to.equal((3n * 10n ** 18n * WUYOU_RULES.referralBps) / 10_000n);
    });

    it("never escrows more than a dust payment, even when two tokens' whole-wei debts both step up", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const mallRules = rulesWith({ dividendBps: 2000n });
      await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      // A recorded order leaves each token 0.9 wei short of a whole wei; a 1-wei checkout then raises both debts
      // by a whole wei (2 wei in all), more than the payment.
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 4n));
      await d.shop.connect(alice).checkout(hashOf("dust"), ZeroAddress, { value: 1n });
      const [owed0, escrow0] = await d.shop.tokenDay(0, day);
      const [owed1, escrow1] = await d.shop.tokenDay(1, day);
      expect([owed0, owed1]).to.deep.equal([owedOf([4n, 1n], WUYOU_RULES), owedOf([4n, 1n], mallRules)]);
      expect(escrow0 + escrow1).to.equal(1n);
      expect(escrow0 <= owed0 && escrow1 <= owed1).to.equal(true);
    });

    it("accumulates escrow and revenue over several checkouts of a day", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const amounts = [10_004n, 10_004n, 999_999n];
      await d.shop.connect(alice).checkout(hashOf("c1"), ZeroAddress, { value: amounts[0] });
      await d.shop.connect(bob).checkout(hashOf("c2"), ZeroAddress, { value: amounts[1] });
      await d.shop.connect(alice).checkout(hashOf("c3"), ZeroAddress, { value: amounts[2] });
      const escrow = amounts.reduce((sum, a, k) => sum + escrowOf(amounts.slice(0, k), a, WUYOU_RULES), 0n);
      const owed = owedOf(amounts, WUYOU_RULES);
      expect(await d.shop.tokenDay(0, day)).to.deep.equal([owed, escrow]);
      // Each checkout escrows the increase of the whole-wei debt: a day of checkouts only is escrowed in full,
      // although each share on its own would round down (floor(2000.8) + floor(2000.8) < floor(4001.6)).
      expect(escrow).to.equal(owed);
      expect(amounts.reduce((sum, a) => sum + dividendOf(a, WUYOU_RULES), 0n)).to.be.lessThan(owed);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(escrow);
      expect((await d.shop.dayRecord(day)).revenue).to.equal(amounts.reduce((a, b) => a + b, 0n));
    });

    it("reverts ShopInvalidAmount without value, ShopInvalidOrderHash for a zero hash", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await expect(d.shop.connect(alice).checkout(hashOf("free"), ZeroAddress))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("free"), 0n);
      await expect(d.shop.connect(alice).checkout(ZeroHash, ZeroAddress, { value: 1n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopInvalidOrderHash",
      );
    });

    it("reverts ShopInvalidAmount for a value that does not fit in 96 bits", async () => {
      // One token per 1e18 wei, so the largest accepted amount mints a supply that still fits in 96 bits.
      const d = await load(rulesWith({ spendPerToken: 10n ** 18n }));
      const [, , , alice] = d.signers;
      const tooMuch = 1n << 96n;
      await d.helpers.setBalance(alice.address, tooMuch * 2n);
      await expect(d.shop.connect(alice).checkout(hashOf("whale"), ZeroAddress, { value: tooMuch }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("whale"), tooMuch);
      // The largest 96-bit amount is accepted.
      await d.shop.connect(alice).checkout(hashOf("whale"), ZeroAddress, { value: tooMuch - 1n });
      expect(await d.shop.isOrderCounted(hashOf("whale"), alice.address)).to.equal(true);
      expect(await d.token.balanceOf(alice.address)).to.equal(tooMuch - 1n);
    });
  });
});
