import { expect } from "chai";
import { ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  addShop,
  addToken,
  CaptureKind,
  anchorTree,
  consumptionOf,
  dividendOf,
  escrowOf,
  hashOf,
  load,
  merkleBatch,
  mintLeaf,
  nextDay,
  nextOrderIds,
  ONE,
  order,
  orderIdOf,
  owedOf,
  packMinted,
  PaymentStatus,
  paymentStatus,
  refundDeadlineOf,
  referralShareOf,
  rulesWith,
  signedReceipt,
  tokenDayOf,
  tokenDayWith,
  tokenParams,
  type Deployment,
  WUYOU_RULES,
} from "./fixture.js";

/** OrderPath enum of IShop. */
const RECORDED = 0;
const RECEIPT = 1;
const CHECKOUT = 2;
const MERKLE_BATCH = 3;
/** Largest revenue of one token-day: 2^104 - 1 wei. */
const MAX_DAY_REVENUE = (1n << 104n) - 1n;
const UINT96_MAX = (1n << 96n) - 1n;

/**
 * One operator path (recorded, receipt or Merkle batch leaf), counting an order with a given order id. `prepare`
 * runs first (a Merkle batch anchors its one-leaf tree, which counts the revenue), then `count` counts the order.
 */
interface IdPath {
  path: number;
  prepare?: (
    d: Deployment,
    id: bigint,
    label: string,
    amount: bigint,
    customer: HardhatEthersSigner,
  ) => Promise<unknown>;
  count: (d: Deployment, id: bigint, label: string, amount: bigint, customer: HardhatEthersSigner) => Promise<unknown>;
}

/** A one-leaf batch of the order, its root the leaf itself. */
function oneLeaf(id: bigint, label: string, amount: bigint, customer: HardhatEthersSigner) {
  return merkleBatch([{ orderHash: hashOf(label), customer: customer.address, amount }], id);
}

const ID_PATHS: Record<string, IdPath> = {
  recordOrder: {
    path: RECORDED,
    count: async (d, id, label, amount, customer) =>
      d.shop.connect(d.operator).recordOrder(order(label, customer.address, amount, ZeroAddress, id)),
  },
  redeemReceipt: {
    path: RECEIPT,
    count: async (d, id, label, amount, customer) => {
      const { receipt, signature } = await signedReceipt(d, d.operator, {
        customer: customer.address,
        amount,
        orderHash: hashOf(label),
        orderId: id,
      });
      return d.shop.connect(customer).redeemReceipt(receipt, d.operator.address, signature);
    },
  },
  mintFromBatch: {
    path: MERKLE_BATCH,
    prepare: async (d, id, label, amount, customer) => anchorTree(d, oneLeaf(id, label, amount, customer)),
    count: async (d, id, label, amount, customer) => mintLeaf(d, oneLeaf(id, label, amount, customer), 0, customer),
  },
};

describe("Shop orders", () => {
  describe("recordOrder (path 1)", () => {
    it("counts the amount as the day's revenue, marks the order id used and emits OrderCounted with the id", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const a1 = 1234567890123n;
      const a2 = 10n ** 18n + 7n;
      expect(await d.shop.today()).to.equal(day);
      const daysBefore = await d.shop.revenueDayCount();
      await expect(d.shop.connect(d.operator).recordOrder(order("a1", alice.address, a1)))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("a1"), alice.address, day, orderIdOf("a1"), RECORDED, a1);
      await d.shop.connect(d.operator).recordOrder(order("a2", bob.address, a2));
      const record = await d.shop.dayRecord(day);
      expect(record.revenue).to.equal(a1 + a2);
      expect(record.orderCount).to.equal(2n);
      expect(record.settled).to.equal(false);
      expect(await d.shop.isOrderIdUsed(orderIdOf("a1"))).to.equal(true);
      expect(await d.shop.isOrderIdUsed(orderIdOf("a2"))).to.equal(true);
      expect(await d.shop.isOrderIdUsed(orderIdOf("a3"))).to.equal(false);
      // A recorded order is not an on-chain payment: the customer has no payment record for its hash.
      expect(await paymentStatus(d.shop, hashOf("a1"), alice.address)).to.equal(PaymentStatus.None);
      // One revenue day, however many orders.
      expect(await d.shop.revenueDayCount()).to.equal(daysBefore + 1n);
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({
          revenue: a1 + a2,
          dividendBps: WUYOU_RULES.dividendBps,
          owed: owedOf([a1, a2], WUYOU_RULES),
        }),
      );
    });

    it("counts orders of another day in that day's record", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day1 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("d1", alice.address, 100n));
      const day2 = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("d2", alice.address, 250n));
      expect(await d.shop.dayRecord(day1)).to.deep.equal([100n, 1n, false]);
      expect(await d.shop.dayRecord(day2)).to.deep.equal([250n, 1n, false]);
    });

    it("reverts ShopInvalidOrderHash, ShopInvalidCustomer, ShopInvalidAmount and ShopInvalidOrderId(0), marking nothing", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const op = d.shop.connect(d.operator);
      await expect(
        op.recordOrder({
          orderId: 7n,
          orderHash: ZeroHash,
          customer: alice.address,
          amount: 1n,
          referrer: ZeroAddress,
        }),
      ).to.be.revertedWithCustomError(d.shop, "ShopInvalidOrderHash");
      await expect(op.recordOrder(order("c", ZeroAddress, 1n)))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidCustomer")
        .withArgs(hashOf("c"));
      await expect(op.recordOrder(order("z", alice.address, 0n)))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("z"), 0n);
      await expect(op.recordOrder(order("no-id", alice.address, 1n, ZeroAddress, 0n)))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidOrderId")
        .withArgs(0n);
      for (const id of [7n, orderIdOf("c"), orderIdOf("z"), 0n]) expect(await d.shop.isOrderIdUsed(id)).to.equal(false);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(0n);
    });

    it("reverts ShopOrderIdUsed for an order id that counted already, whatever its hash, customer and amount", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const id = orderIdOf("first");
      await d.shop.connect(d.operator).recordOrder(order("first", alice.address, ONE));
      const record = await d.shop.dayRecord(await d.shop.today());
      const supply = await d.token.totalSupply();
      for (const again of [
        order("first", alice.address, ONE),
        order("another hash", alice.address, 2n * ONE, ZeroAddress, id),
        order("first", bob.address, 5n, ZeroAddress, id),
      ]) {
        await expect(d.shop.connect(d.operator).recordOrder(again))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
          .withArgs(id);
      }
      expect(await d.shop.dayRecord(await d.shop.today())).to.deep.equal(record);
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
    });

    it("dedupes by order id, not by hash: the same hash and customer under a new id is another order and counts", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const amount = WUYOU_RULES.spendPerToken;
      const [first, second] = [nextOrderIds(1), nextOrderIds(1)];
      await d.shop.connect(d.operator).recordOrder(order("reorder", alice.address, amount, ZeroAddress, first));
      await expect(d.shop.connect(d.operator).recordOrder(order("reorder", alice.address, amount, ZeroAddress, second)))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("reorder"), alice.address, await d.shop.today(), second, RECORDED, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(2n * ONE);
    });
  });

  describe("recordOrders (path 1, batch)", () => {
    it("counts every order of the batch in one day record, each OrderCounted with its id", async () => {
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
        await expect(tx)
          .to.emit(d.shop, "OrderCounted")
          .withArgs(o.orderHash, o.customer, day, o.orderId, RECORDED, o.amount);
      }
      await expect(tx).to.not.emit(d.shop, "OrderSkipped");
      const record = await d.shop.dayRecord(day);
      expect(record.revenue).to.equal(amounts.reduce((a, b) => a + b, 0n));
      expect(record.orderCount).to.equal(BigInt(batch.length));
      expect((await d.shop.tokenDay(0, day)).owed).to.equal(owedOf(amounts, WUYOU_RULES));
      for (const o of batch) expect(await d.shop.isOrderIdUsed(o.orderId)).to.equal(true);
    });

    it("reverts ShopEmptyBatch for an empty batch", async () => {
      const d = await load();
      await expect(d.shop.connect(d.operator).recordOrders([])).to.be.revertedWithCustomError(d.shop, "ShopEmptyBatch");
    });

    it("skips an order whose id counted on chain with OrderSkipped and counts the rest (v1 reverted the whole batch)", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const day = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("early", alice.address, ONE));
      const batch = [
        order("k1", bob.address, 2n * ONE),
        order("late copy", carol.address, 5n * ONE, ZeroAddress, orderIdOf("early")),
        order("k3", carol.address, 3n * ONE),
      ];
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      await expect(tx).to.emit(d.shop, "OrderSkipped").withArgs(orderIdOf("early"), hashOf("late copy"), carol.address);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("k1"), bob.address, day, orderIdOf("k1"), RECORDED, 2n * ONE);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("k3"), carol.address, day, orderIdOf("k3"), RECORDED, 3n * ONE);
      expect(await d.shop.dayRecord(day)).to.deep.equal([6n * ONE, 3n, false]);
      expect(await d.token.balanceOf(carol.address)).to.equal(consumptionOf(3n * ONE, WUYOU_RULES));
    });

    it("skips a repeated id within one batch: the first order with the id counts, the repeat is OrderSkipped", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const id = nextOrderIds(1);
      const batch = [
        order("x1", bob.address, ONE, alice.address, id),
        order("x2", alice.address, ONE),
        order("x1-again", bob.address, 5n, ZeroAddress, id),
      ];
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      await expect(tx).to.emit(d.shop, "OrderSkipped").withArgs(id, hashOf("x1-again"), bob.address);
      await expect(tx).to.emit(d.shop, "OrderCounted").withArgs(hashOf("x1"), bob.address, day, id, RECORDED, ONE);
      expect(await d.shop.dayRecord(day)).to.deep.equal([2n * ONE, 2n, false]);
      expect(await d.token.balanceOf(bob.address)).to.equal(consumptionOf(ONE, WUYOU_RULES));
      expect(await d.shop.customerOf(bob.address)).to.deep.equal([alice.address, true]);
    });

    it("sent twice, a batch counts once: the second time every order is OrderSkipped and nothing changes (v1 reverted)", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const batch = [order("t1", alice.address, ONE, bob.address), order("t2", bob.address, 2n * ONE)];
      await d.shop.connect(d.operator).recordOrders(batch);
      const record = await d.shop.dayRecord(day);
      const supply = await d.token.totalSupply();
      const config = await d.shop.tokenConfig(0);
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      for (const o of batch)
        await expect(tx).to.emit(d.shop, "OrderSkipped").withArgs(o.orderId, o.orderHash, o.customer);
      await expect(tx).to.not.emit(d.shop, "OrderCounted");
      await expect(tx).to.not.emit(d.token, "Transfer");
      expect(await d.shop.dayRecord(day)).to.deep.equal(record);
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await d.shop.tokenConfig(0)).to.deep.equal(config);
    });

    it("still reverts the whole batch for an invalid order: zero id, hash, customer or amount, or a self-referral", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const valid = order("v1", alice.address, ONE);
      const cases: [ReturnType<typeof order>, string, unknown[]][] = [
        [order("v2", alice.address, 1n, ZeroAddress, 0n), "ShopInvalidOrderId", [0n]],
        [{ ...order("v2", alice.address, 1n), orderHash: ZeroHash }, "ShopInvalidOrderHash", []],
        [order("v2", ZeroAddress, 1n), "ShopInvalidCustomer", [hashOf("v2")]],
        [order("v2", alice.address, 0n), "ShopInvalidAmount", [hashOf("v2"), 0n]],
        [order("v2", d.signers[4].address, 1n, d.signers[4].address), "ShopSelfReferral", [d.signers[4].address]],
      ];
      for (const [bad, error, args] of cases) {
        const assertion = expect(d.shop.connect(d.operator).recordOrders([valid, bad])).to.be.revertedWithCustomError(
          d.shop,
          error,
        );
        if (args.length > 0) await assertion.withArgs(...args);
        else await assertion;
      }
      expect(await d.shop.isOrderIdUsed(valid.orderId)).to.equal(false);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
    });

    it("one customer cannot block the batch: its 1-wei charge reusing its order hash does not stop the order (v1 reverted ShopOrderAlreadyCounted)", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken;
      const batch = [
        order("q1", alice.address, amount),
        order("q2", bob.address, amount),
        order("q3", carol.address, amount),
      ];
      // Bob saw the operator's queued batch and pays a 1-wei charge with his order's hash first.
      await d.shop.connect(bob).charge(hashOf("q2"), ZeroAddress, { value: 1n });
      expect(await paymentStatus(d.shop, hashOf("q2"), bob.address)).to.equal(PaymentStatus.Captured);
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      for (const o of batch) {
        await expect(tx)
          .to.emit(d.shop, "OrderCounted")
          .withArgs(o.orderHash, o.customer, day, o.orderId, RECORDED, amount);
      }
      await expect(tx).to.not.emit(d.shop, "OrderSkipped");
      expect(await d.shop.dayRecord(day)).to.deep.equal([3n * amount + 1n, 4n, false]);
      for (const c of [alice, carol]) expect(await d.token.balanceOf(c.address)).to.equal(ONE);
      expect(await d.token.balanceOf(bob.address)).to.equal(ONE + consumptionOf(1n, WUYOU_RULES));
    });

    it("one customer cannot block the batch: a charge binding another referrer first makes its order count with the bound referrer, with ReferrerMismatch (v1 reverted ShopReferrerAlreadyBound)", async () => {
      const d = await load();
      const [, , , alice, bob, carol, mallory] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = 10n * WUYOU_RULES.spendPerToken;
      // The operator's batch names carol as bob's referrer; bob front-runs it with a 1-wei charge naming mallory.
      const batch = [order("r1", alice.address, amount), order("r2", bob.address, amount, carol.address)];
      await expect(d.shop.connect(bob).charge(hashOf("bob's own"), mallory.address, { value: 1n }))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(bob.address, mallory.address);
      const malloryBefore = await d.token.balanceOf(mallory.address);
      const tx = d.shop.connect(d.operator).recordOrders(batch);
      await expect(tx).to.emit(d.shop, "ReferrerMismatch").withArgs(bob.address, mallory.address, carol.address);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("r2"), bob.address, day, orderIdOf("r2"), RECORDED, amount);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("r1"), alice.address, day, orderIdOf("r1"), RECORDED, amount);
      expect(await d.shop.dayRecord(day)).to.deep.equal([2n * amount + 1n, 3n, false]);
      // The bound referrer gets the share; the named one nothing.
      expect(await d.token.balanceOf(carol.address)).to.equal(0n);
      expect((await d.token.balanceOf(mallory.address)) - malloryBefore).to.equal(
        referralShareOf(consumptionOf(amount, WUYOU_RULES), WUYOU_RULES),
      );
      expect(await d.shop.customerOf(bob.address)).to.deep.equal([mallory.address, true]);
    });

    it("keeps ids of one batch in any order and across bitmap words exact (ids 255, 256, 1, 511, 512, 2)", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const base = nextOrderIds(1024) & ~255n;
      const offsets = [255n, 256n, 1n, 511n, 512n, 2n];
      const batch = offsets.map((k) => order(`w${k}`, alice.address, 10n, ZeroAddress, base + 512n + k));
      await d.shop.connect(d.operator).recordOrders(batch);
      const word = (base + 512n) >> 8n;
      expect(await d.shop.orderIdBitmap(word)).to.equal((1n << 255n) | (1n << 1n) | (1n << 2n));
      expect(await d.shop.orderIdBitmap(word + 1n)).to.equal((1n << 0n) | (1n << 255n));
      expect(await d.shop.orderIdBitmap(word + 2n)).to.equal(1n << 0n);
      expect(await d.shop.orderIdBitmap(word + 3n)).to.equal(0n);
      for (const k of [0n, 3n, 254n, 257n, 510n, 513n]) {
        expect(await d.shop.isOrderIdUsed(base + 512n + k)).to.equal(false);
      }
      for (const o of batch) expect(await d.shop.isOrderIdUsed(o.orderId)).to.equal(true);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(6n);
    });
  });

  describe("order ids are one shop-wide set for the recorded, receipt and batch-leaf paths", () => {
    for (const [firstName, first] of Object.entries(ID_PATHS)) {
      for (const [secondName, second] of Object.entries(ID_PATHS)) {
        it(`${secondName} reverts ShopOrderIdUsed for an id that ${firstName} counted (another order hash and amount)`, async () => {
          const d = await load();
          const customer = d.signers[5];
          const id = nextOrderIds(1);
          await first.prepare?.(d, id, "one", 1000n, customer);
          await first.count(d, id, "one", 1000n, customer);
          expect(await d.shop.isOrderIdUsed(id)).to.equal(true);
          await second.prepare?.(d, id, "two", 2000n, customer);
          const record = await d.shop.dayRecord(await d.shop.today());
          const supply = await d.token.totalSupply();
          await expect(second.count(d, id, "two", 2000n, customer))
            .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
            .withArgs(id);
          expect(await d.shop.dayRecord(await d.shop.today())).to.deep.equal(record);
          expect(await d.token.totalSupply()).to.equal(supply);
        });
      }
      it(`recordOrders skips (OrderSkipped) an id that ${firstName} counted`, async () => {
        const d = await load();
        const customer = d.signers[5];
        const id = nextOrderIds(1);
        await first.prepare?.(d, id, "one", 1000n, customer);
        await first.count(d, id, "one", 1000n, customer);
        const tx = d.shop.connect(d.operator).recordOrders([order("two", customer.address, 2000n, ZeroAddress, id)]);
        await expect(tx).to.emit(d.shop, "OrderSkipped").withArgs(id, hashOf("two"), customer.address);
        await expect(tx).to.not.emit(d.shop, "OrderCounted");
      });
    }

    it("a charge has no order id: it neither uses nor is blocked by an id, and emits OrderCounted with id 0", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const id = orderIdOf("paid");
      await d.shop.connect(d.operator).recordOrder(order("paid", alice.address, 100n));
      const bitmap = await d.shop.orderIdBitmap(id >> 8n);
      await expect(d.shop.connect(alice).charge(hashOf("paid"), ZeroAddress, { value: 100n }))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("paid"), alice.address, await d.shop.today(), 0n, CHECKOUT, 100n);
      expect(await d.shop.orderIdBitmap(id >> 8n)).to.equal(bitmap);
      expect(await d.shop.isOrderIdUsed(0n)).to.equal(false);
    });

    it("isOrderIdUsed and orderIdBitmap agree bit by bit: id = word * 256 + bit", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const word = nextOrderIds(512) >> 8n;
      const ids = [word * 256n, word * 256n + 1n, word * 256n + 255n];
      for (const id of ids) {
        await d.shop.connect(d.operator).recordOrder(order(`bit-${id}`, alice.address, 1n, ZeroAddress, id));
      }
      expect(await d.shop.orderIdBitmap(word)).to.equal(1n | 2n | (1n << 255n));
      expect(await d.shop.orderIdBitmap(word + 1n)).to.equal(0n);
      expect(await d.shop.isOrderIdUsed(word * 256n + 2n)).to.equal(false);
      expect(await d.shop.isOrderIdUsed(word * 256n + 256n)).to.equal(false);
      // The largest id a receipt or leaf can carry (uint64) is an id like any other.
      const max = (1n << 64n) - 1n;
      await d.shop.connect(d.operator).recordOrder(order("max-id", alice.address, 1n, ZeroAddress, max));
      expect(await d.shop.isOrderIdUsed(max)).to.equal(true);
      expect(await d.shop.orderIdBitmap(max >> 8n)).to.equal(1n << 255n);
    });
  });

  describe("receipt (path 2) and Merkle batch (path 4)", () => {
    it("redeemReceipt counts an operator-signed EIP-712 receipt like a recorded order, with its id", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken * 2n + 1n;
      const id = nextOrderIds(1);
      const { receipt, signature, digest } = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("rc"),
        referrer: bob.address,
        orderId: id,
      });
      expect(await d.shop.receiptDigest(receipt)).to.equal(digest);
      // Anyone may submit it; the tokens go to the receipt's customer.
      await expect(d.shop.connect(d.signers[9]).redeemReceipt(receipt, d.operator.address, signature))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("rc"), alice.address, day, id, RECEIPT, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(amount, WUYOU_RULES));
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect(await d.shop.isOrderIdUsed(id)).to.equal(true);
    });

    it("anchorBatch counts the batch revenue on the anchoring day; mintFromBatch mints the leaf on that day", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = WUYOU_RULES.spendPerToken * 3n;
      const tree = merkleBatch([{ orderHash: hashOf("leaf"), customer: alice.address, amount }]);
      await anchorTree(d, tree);
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect((await d.shop.tokenDay(0, day)).owed).to.equal(owedOf([amount], WUYOU_RULES));
      await nextDay(d.helpers);
      await expect(mintLeaf(d, tree, 0, alice))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("leaf"), alice.address, day, tree.firstOrderId, MERKLE_BATCH, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * ONE);
      // Minting a leaf adds no revenue: it was counted when anchored.
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect((await d.shop.dayRecord(day + 1n)).revenue).to.equal(0n);
      expect((await d.shop.tokenDay(0, day)).owed).to.equal(owedOf([amount], WUYOU_RULES));
    });
  });

  describe("a shop without tokens takes no order", () => {
    it("recordOrder, recordOrders, charge, redeemReceipt and anchorBatch revert ShopNoTokens", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const empty = await addShop(d, d.admin, d.operator);
      expect(await empty.tokenCount()).to.equal(0n);
      const noTokens = (p: Promise<unknown>) => expect(p).to.be.revertedWithCustomError(empty, "ShopNoTokens");
      await noTokens(empty.connect(d.operator).recordOrder(order("n1", alice.address, ONE)));
      await noTokens(empty.connect(d.operator).recordOrders([order("n2", alice.address, ONE)]));
      await noTokens(empty.connect(alice).charge(hashOf("n3"), ZeroAddress, { value: ONE }));
      const { receipt, signature } = await signedReceipt(
        d,
        d.operator,
        { customer: alice.address, amount: ONE, orderHash: hashOf("n4") },
        empty,
      );
      await noTokens(empty.connect(alice).redeemReceipt(receipt, d.operator.address, signature));
      await noTokens(
        anchorTree(d, merkleBatch([{ orderHash: hashOf("n5"), customer: alice.address, amount: ONE }]), ONE, empty),
      );
      // Nothing was kept: no revenue day, no used id, no paid charge, no coin.
      expect(await empty.revenueDayCount()).to.equal(0n);
      expect(await empty.isOrderIdUsed(orderIdOf("n1"))).to.equal(false);
      expect(await paymentStatus(empty, hashOf("n3"), alice.address)).to.equal(PaymentStatus.None);
      expect(await d.ethers.provider.getBalance(await empty.getAddress())).to.equal(0n);
      // Once it has a token, the same orders count.
      await addToken(d, tokenParams(WUYOU_RULES), empty);
      await empty.connect(d.operator).recordOrder(order("n1", alice.address, ONE));
      expect((await empty.dayRecord(await empty.today())).orderCount).to.equal(1n);
    });
  });

  describe("a day's capacity", () => {
    it("a token-day holds revenue up to 2^104 - 1 wei; one more wei reverts ShopDayCapacityExceeded on every path", async () => {
      // One token per 2^95 wei keeps the supply small; no dividends, so the test needs no coin for escrow.
      const d = await load(rulesWith({ spendPerToken: 1n << 95n, dividendBps: 0n }));
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      // 256 orders of 2^96 - 1 wei, then 255 wei: exactly 2^104 - 1.
      for (let k = 0; k < 4; k++) {
        const batch = Array.from({ length: 64 }, (_, i) => order(`cap-${k}-${i}`, alice.address, UINT96_MAX));
        await d.shop.connect(d.operator).recordOrders(batch);
      }
      await d.shop.connect(d.operator).recordOrder(order("cap-last", alice.address, 255n));
      expect((await d.shop.dayRecord(day)).revenue).to.equal(MAX_DAY_REVENUE);
      expect((await d.shop.tokenDay(0, day)).revenue).to.equal(MAX_DAY_REVENUE);
      const full = (p: Promise<unknown>) =>
        expect(p).to.be.revertedWithCustomError(d.shop, "ShopDayCapacityExceeded").withArgs(day);
      await full(d.shop.connect(d.operator).recordOrder(order("one more", alice.address, 1n)));
      await full(d.shop.connect(d.operator).recordOrders([order("one more", alice.address, 1n)]));
      await full(d.shop.connect(alice).charge(hashOf("one more"), ZeroAddress, { value: 1n }));
      const r = await signedReceipt(d, d.operator, { customer: alice.address, amount: 1n, orderHash: hashOf("r") });
      await full(d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature));
      await full(anchorTree(d, merkleBatch([{ orderHash: hashOf("b"), customer: alice.address, amount: 1n }])));
      expect(await d.shop.dayRecord(day)).to.deep.equal([MAX_DAY_REVENUE, 257n, false]);
      // The next day starts empty.
      const next = await nextDay(d.helpers);
      await d.shop.connect(d.operator).recordOrder(order("next day", alice.address, 1n));
      expect(await d.shop.dayRecord(next)).to.deep.equal([1n, 1n, false]);
    });
  });

  describe("a day's order count", () => {
    it("a token-day counts up to 2^32 - 1 orders (Merkle batches count all theirs at anchoring); one more reverts ShopDayCapacityExceeded", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const op = d.shop.connect(d.operator);
      const max = 1n << 24n;
      // 255 batches of 2^24 orders and one of 2^24 - 1, 1 wei of revenue each: 2^32 - 1 orders.
      for (let k = 0n; k < 255n; k++) await op.anchorBatch(hashOf(`count-${k}`), 1n + k * max, max, 1n);
      await op.anchorBatch(hashOf("count-last"), 1n + 255n * max, max - 1n, 1n);
      expect(await d.shop.dayRecord(day)).to.deep.equal([256n, (1n << 32n) - 1n, false]);
      await expect(op.recordOrder(order("one more", alice.address, 1n)))
        .to.be.revertedWithCustomError(d.shop, "ShopDayCapacityExceeded")
        .withArgs(day);
      await expect(op.anchorBatch(hashOf("count-more"), 1n << 40n, 1n, 1n))
        .to.be.revertedWithCustomError(d.shop, "ShopDayCapacityExceeded")
        .withArgs(day);
      await nextDay(d.helpers);
      await op.recordOrder(order("one more", alice.address, 1n));
      expect((await d.shop.dayRecord(day + 1n)).orderCount).to.equal(1n);
    });
  });

  describe("charge (path 3, checkout)", () => {
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
      const tx = d.shop.connect(alice).charge(hashOf("co"), ZeroAddress, { value: amount });
      // The event carries the capture's terms; the escrow shows in the token-days and the tokens' coin below.
      await expect(tx)
        .to.emit(d.shop, "PaymentCaptured")
        .withArgs(hashOf("co"), alice.address, CaptureKind.Charge, amount, await refundDeadlineOf(d.shop, tx), [
          packMinted(consumptionOf(amount, WUYOU_RULES)),
          packMinted(consumptionOf(amount, mallRules)),
        ]);
      await expect(tx).to.emit(d.shop, "OrderCounted").withArgs(hashOf("co"), alice.address, day, 0n, CHECKOUT, amount);
      await expect(tx).to.changeEtherBalances(
        d.ethers,
        [alice, d.shop, d.token, mall],
        [-amount, amount - escrow0 - escrow1, escrow0, escrow1],
      );
      expect(await d.shop.merchantBalance()).to.equal(balanceBefore + amount - escrow0 - escrow1);
      expect(await d.ethers.provider.getBalance(await d.shop.getAddress())).to.equal(await d.shop.merchantBalance());
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({ revenue: amount, dividendBps: 2000n, owed: owedOf([amount], WUYOU_RULES), escrowed: escrow0 }),
      );
      expect(await tokenDayOf(d.shop, 1, day)).to.deep.equal(
        tokenDayWith({ revenue: amount, dividendBps: 333n, owed: owedOf([amount], mallRules), escrowed: escrow1 }),
      );
      expect(await d.shop.dayRecord(day)).to.deep.equal([amount, 1n, false]);
      expect(await d.shop.payment(hashOf("co"), alice.address)).to.deep.equal([PaymentStatus.Captured, amount]);
    });

    it("mints to the paying customer and binds its referrer", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const amount = 3n * WUYOU_RULES.spendPerToken;
      await expect(d.shop.connect(alice).charge(hashOf("co"), bob.address, { value: amount }))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(alice.address, bob.address);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * ONE);
      expect(await d.token.balanceOf(bob.address)).to.equal((3n * ONE * WUYOU_RULES.referralBps) / 10_000n);
    });

    it("reverts ShopOrderAlreadyCounted for a double submission by the same customer; another customer's same hash counts", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      await d.shop.connect(alice).charge(hashOf("twice"), ZeroAddress, { value: 1000n });
      const record = await d.shop.dayRecord(await d.shop.today());
      const balance = await d.shop.merchantBalance();
      await expect(d.shop.connect(alice).charge(hashOf("twice"), ZeroAddress, { value: 2000n }))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("twice"));
      expect(await d.shop.dayRecord(await d.shop.today())).to.deep.equal(record);
      expect(await d.shop.merchantBalance()).to.equal(balance);
      // The hash commits to its customer: the same hash paid by bob is bob's order.
      await d.shop.connect(bob).charge(hashOf("twice"), ZeroAddress, { value: 2000n });
      expect(await paymentStatus(d.shop, hashOf("twice"), bob.address)).to.equal(PaymentStatus.Captured);
      expect(await paymentStatus(d.shop, hashOf("twice"), d.signers[6].address)).to.equal(PaymentStatus.None);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(2n);
    });

    it("reverts ShopReferrerAlreadyBound when a bound customer's charge names another referrer (only charge is strict)", async () => {
      const d = await load();
      const [, , , alice, bob, carol] = d.signers;
      await d.shop.connect(alice).charge(hashOf("c1"), bob.address, { value: 100n });
      await expect(d.shop.connect(alice).charge(hashOf("c2"), carol.address, { value: 100n }))
        .to.be.revertedWithCustomError(d.shop, "ShopReferrerAlreadyBound")
        .withArgs(alice.address, bob.address, carol.address);
      // A charge without referrer, or naming the bound one, counts.
      await d.shop.connect(alice).charge(hashOf("c3"), ZeroAddress, { value: 100n });
      await d.shop.connect(alice).charge(hashOf("c4"), bob.address, { value: 100n });
      expect(await paymentStatus(d.shop, hashOf("c2"), alice.address)).to.equal(PaymentStatus.None);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(3n);
    });

    it("a stranger's 1-wei charges with a victim's pending hashes block none of its receipt, batch leaf or recorded batch", async () => {
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
      const tree = merkleBatch([{ orderHash: hashOf("leaf"), customer: alice.address, amount }]);
      await anchorTree(d, tree);
      for (const label of labels) {
        await d.shop.connect(mallory).charge(hashOf(label), ZeroAddress, { value: 1n });
        expect(await paymentStatus(d.shop, hashOf(label), mallory.address)).to.equal(PaymentStatus.Captured);
      }
      await expect(d.shop.connect(alice).redeemReceipt(receipt, d.operator.address, signature))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("receipt"), alice.address, day, receipt.orderId, RECEIPT, amount);
      await expect(mintLeaf(d, tree, 0, alice))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("leaf"), alice.address, day, tree.firstOrderId, MERKLE_BATCH, amount);
      const batch = [order("batch-1", alice.address, amount), order("batch-2", carol.address, amount)];
      await d.shop.connect(d.operator).recordOrders(batch);
      for (const o of batch) expect(await d.shop.isOrderIdUsed(o.orderId)).to.equal(true);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * ONE);
      expect(await d.token.balanceOf(carol.address)).to.equal(ONE);
      expect(await d.token.balanceOf(bob.address)).to.equal(referralShareOf(3n * ONE, WUYOU_RULES));
      expect(await d.shop.dayRecord(day)).to.deep.equal([4n * amount + 4n, 8n, false]);
    });

    it("never escrows more than a dust payment, even when two tokens' whole-wei debts both step up", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const mallRules = rulesWith({ dividendBps: 2000n });
      const { token: mall } = await addToken(d, tokenParams(mallRules));
      const day = await nextDay(d.helpers);
      // A recorded order leaves each token 0.8 wei short of a whole wei; a 1-wei charge then raises both debts
      // by a whole wei (2 wei in all), more than the payment: the first token escrows the wei, the second nothing.
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, 4n));
      const tx = d.shop.connect(alice).charge(hashOf("dust"), ZeroAddress, { value: 1n });
      await expect(tx)
        .to.emit(d.shop, "PaymentCaptured")
        .withArgs(hashOf("dust"), alice.address, CaptureKind.Charge, 1n, await refundDeadlineOf(d.shop, tx), [
          packMinted(consumptionOf(1n, WUYOU_RULES)),
          packMinted(consumptionOf(1n, mallRules)),
        ]);
      await expect(tx).to.changeEtherBalances(d.ethers, [alice, d.token, mall, d.shop], [-1n, 1n, 0n, 0n]);
      const [t0, t1] = [await tokenDayOf(d.shop, 0, day), await tokenDayOf(d.shop, 1, day)];
      expect([t0.owed, t1.owed]).to.deep.equal([owedOf([4n, 1n], WUYOU_RULES), owedOf([4n, 1n], mallRules)]);
      expect([t0.escrowed, t1.escrowed]).to.deep.equal([1n, 0n]);
      expect(await d.shop.merchantBalance()).to.equal(0n);
    });

    it("accumulates escrow and revenue over several charges of a day", async () => {
      const d = await load();
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const amounts = [10_004n, 10_004n, 999_999n];
      await d.shop.connect(alice).charge(hashOf("c1"), ZeroAddress, { value: amounts[0] });
      await d.shop.connect(bob).charge(hashOf("c2"), ZeroAddress, { value: amounts[1] });
      await d.shop.connect(alice).charge(hashOf("c3"), ZeroAddress, { value: amounts[2] });
      const escrow = amounts.reduce((sum, a, k) => sum + escrowOf(amounts.slice(0, k), a, WUYOU_RULES), 0n);
      const owed = owedOf(amounts, WUYOU_RULES);
      const revenue = amounts.reduce((a, b) => a + b, 0n);
      expect(await tokenDayOf(d.shop, 0, day)).to.deep.equal(
        tokenDayWith({ revenue, dividendBps: 2000n, owed, escrowed: escrow }),
      );
      // Each charge escrows the increase of the whole-wei debt: a day of charges only is escrowed in full,
      // although each share on its own would round down (floor(2000.8) + floor(2000.8) < floor(4001.6)).
      expect(escrow).to.equal(owed);
      expect(amounts.reduce((sum, a) => sum + dividendOf(a, WUYOU_RULES), 0n)).to.be.lessThan(owed);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(escrow);
      expect((await d.shop.dayRecord(day)).revenue).to.equal(revenue);
    });

    it("reverts ShopInvalidAmount without value, ShopInvalidOrderHash for a zero hash", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      await expect(d.shop.connect(alice).charge(hashOf("free"), ZeroAddress))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("free"), 0n);
      await expect(d.shop.connect(alice).charge(ZeroHash, ZeroAddress, { value: 1n })).to.be.revertedWithCustomError(
        d.shop,
        "ShopInvalidOrderHash",
      );
      expect(await paymentStatus(d.shop, ZeroHash, alice.address)).to.equal(PaymentStatus.None);
    });

    it("reverts ShopInvalidAmount for a value that does not fit in 96 bits", async () => {
      // One token per 1e18 wei: the largest accepted amount is counted in full, and mints up to the token's 2^95 - 1
      // supply limit.
      const d = await load(rulesWith({ spendPerToken: 10n ** 18n }));
      const [, , , alice] = d.signers;
      const tooMuch = 1n << 96n;
      await d.helpers.setBalance(alice.address, tooMuch * 2n);
      await expect(d.shop.connect(alice).charge(hashOf("whale"), ZeroAddress, { value: tooMuch }))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("whale"), tooMuch);
      // The largest 96-bit amount is accepted.
      await d.shop.connect(alice).charge(hashOf("whale"), ZeroAddress, { value: tooMuch - 1n });
      expect(await paymentStatus(d.shop, hashOf("whale"), alice.address)).to.equal(PaymentStatus.Captured);
      expect(await d.token.balanceOf(alice.address)).to.equal((1n << 95n) - 1n);
      expect((await d.shop.dayRecord(await d.shop.today())).revenue).to.equal(tooMuch - 1n);
    });
  });
});
