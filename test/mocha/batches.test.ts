import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { getBytes, id, keccak256, ZeroAddress, ZeroHash } from "ethers";
import {
  addShop,
  addToken,
  anchorTree,
  batchLeaf,
  consumptionOf,
  DAY,
  hashOf,
  hashPair,
  LEAF_ENCODING,
  load,
  merkleBatch,
  mintLeaf,
  MintModel,
  nextDay,
  nextOrderIds,
  order,
  owedOf,
  PaymentStatus,
  paymentStatus,
  processProof,
  referralShareOf,
  rulesWith,
  signedReceipt,
  tokenParams,
  type BatchOrder,
  type Leaf,
  type Rules,
} from "./fixture.js";

/** IShop.OrderPath.MerkleBatch. */
const MERKLE_BATCH = 3n;
const MAX_BATCH_ORDERS = 1n << 24n;
const UINT96_MAX = (1n << 96n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;
const COIN = 10n ** 18n;

/** Rules with every minting branch active: a 10 % referral share, one token per two referees whose first order is
 * at least 0.1 coin, pool 1/9, 20 % dividends. */
const RULES: Rules = rulesWith({ referralsPerToken: 2n, minFirstOrder: 10n ** 17n });

function valueOf(l: Leaf): [bigint, string, string, bigint, string] {
  return [l.orderId, l.orderHash, l.customer, l.amount, l.referrer];
}

function sum(list: BatchOrder[]): bigint {
  return list.reduce((total, e) => total + e.amount, 0n);
}

/** Mints `leaf` (possibly tampered) of `tree` with `proof`, as `from` (the operator by default). */
function mintAs(d: Awaited<ReturnType<typeof load>>, root: string, leaf: Leaf, proof: string[], from = d.operator) {
  return d.shop
    .connect(from)
    .mintFromBatch(root, leaf.orderId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof);
}

/** Intrinsic calldata gas (EIP-2028): 4 per zero byte, 16 per other byte. */
function calldataGas(data: string): bigint {
  return getBytes(data).reduce((total, byte) => total + (byte === 0 ? 4n : 16n), 0n);
}

/** `batch(root)` as [day, firstOrderId, orderCount, mintedCount, unmintedRevenue, tokenCount]. */
async function batchOf(d: Awaited<ReturnType<typeof load>>, root: string): Promise<bigint[]> {
  const b = await d.shop.batch(root);
  return [b.day, b.firstOrderId, b.orderCount, b.mintedCount, b.unmintedRevenue, b.tokenCount];
}

describe("Shop Merkle batches (order path 4)", () => {
  describe("tree format", () => {
    it("StandardMerkleTree leaves (orderId, orderHash, customer, amount, referrer) equal the fixture's batchLeaf; a one-leaf root is its leaf", async () => {
      const [customer, referrer] = [id("c").slice(0, 42), id("r").slice(0, 42)];
      const tree = merkleBatch(
        [
          { orderHash: hashOf("t0"), customer, amount: 5n, referrer },
          { orderHash: hashOf("t1"), customer, amount: 7n },
        ],
        41n,
      );
      const st = StandardMerkleTree.of(tree.leaves.map(valueOf), LEAF_ENCODING);
      expect(tree.leaves.map((l) => l.orderId)).to.deep.equal([41n, 42n]);
      for (const l of tree.leaves) {
        expect(st.leafHash(valueOf(l))).to.equal(batchLeaf(l.orderId, l.orderHash, l.customer, l.amount, l.referrer));
      }
      expect(tree.root).to.equal(hashPair(st.leafHash(valueOf(tree.leaves[0])), st.leafHash(valueOf(tree.leaves[1]))));
      const single = merkleBatch([{ orderHash: hashOf("t0"), customer, amount: 5n, referrer }], 41n);
      expect(single.root).to.equal(batchLeaf(41n, hashOf("t0"), customer, 5n, referrer));
      expect(single.proof(0)).to.deep.equal([]);
    });
  });

  describe("anchorBatch", () => {
    it("anchorBatch reverts AccessControlUnauthorizedAccount for the admin, the pool manager and a stranger", async () => {
      const d = await load(RULES);
      const role = await d.shop.OPERATOR_ROLE();
      for (const caller of [d.admin, d.poolManager, d.signers[9]]) {
        await expect(d.shop.connect(caller).anchorBatch(id("root"), 1, 1, 1))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
      }
      // A newly granted operator may.
      await d.shop.connect(d.admin).grantRole(role, d.signers[9].address);
      await d.shop.connect(d.signers[9]).anchorBatch(id("root"), 1, 1, 1);
      expect((await d.shop.batch(id("root"))).orderCount).to.equal(1n);
    });

    it("anchorBatch counts the revenue and order count on the anchoring day, stores the batch and emits BatchAnchored", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const { token: mall } = await addToken(d, tokenParams(rulesWith({ dividendBps: 500n }), { symbol: "M" }));
      const day = await nextDay(d.helpers);
      const daysBefore = await d.shop.revenueDayCount();
      // An ordinary order the same day adds to the batch's figures.
      await d.shop.connect(d.operator).recordOrder(order("same-day", alice.address, 3n * COIN));
      const revenue = 123n * COIN + 4567n;
      await expect(d.shop.connect(d.operator).anchorBatch(id("batch-1"), 5000, 1000, revenue))
        .to.emit(d.shop, "BatchAnchored")
        .withArgs(id("batch-1"), day, 5000n, 1000n, revenue);
      expect(await d.shop.dayRecord(day)).to.deep.equal([revenue + 3n * COIN, 1001n, false]);
      const t0 = await d.shop.tokenDay(0, day);
      expect(t0.owed).to.equal(owedOf([revenue, 3n * COIN], RULES));
      expect(t0.escrowed).to.equal(0n);
      // Every token counts the batch's revenue.
      expect((await d.shop.tokenDay(1, day)).revenue).to.equal(revenue + 3n * COIN);
      expect(await batchOf(d, id("batch-1"))).to.deep.equal([day, 5000n, 1000n, 0n, revenue, 2n]);
      expect(await d.shop.revenueDayCount()).to.equal(daysBefore + 1n);
      // Nothing is minted at anchoring, and no id is used.
      expect(await d.token.totalSupply()).to.equal(consumptionOf(3n * COIN, RULES));
      expect(await mall.totalSupply()).to.equal(consumptionOf(3n * COIN, RULES));
      expect(await d.shop.isOrderIdUsed(5000n)).to.equal(false);
    });

    it("anchorBatch uses the same execution gas for 10-, 1,000- and 100,000-order batches", async () => {
      const revenue = 10n ** 21n;
      const make = (n: number) =>
        merkleBatch(
          Array.from({ length: n }, (_, i) => ({
            orderHash: hashOf(`gas-${n}-${i}`),
            customer: id(`customer-${i % 7}`).slice(0, 42),
            amount: revenue / BigInt(n),
          })),
          1n,
        );
      // Real trees for 10 and 1,000 orders; the contract sees only a root, so a 100,000-order root can be any hash.
      const roots: [string, number][] = [
        [make(10).root, 10],
        [make(1000).root, 1000],
        [keccak256(id("a 100,000-order root")), 100_000],
      ];
      const execution: bigint[] = [];
      for (const [root, count] of roots) {
        const d = await load(RULES); // the same state each time: the first batch of a fresh day
        const tx = await d.shop.connect(d.operator).anchorBatch(root, 1, count, revenue);
        const receipt = await tx.wait();
        if (receipt === null || receipt.status !== 1) throw new Error("anchorBatch failed");
        execution.push(receipt.gasUsed - 21_000n - calldataGas(tx.data));
      }
      expect(execution[1]).to.equal(execution[0]);
      expect(execution[2]).to.equal(execution[0]);
    });

    it("anchorBatch reverts ShopInvalidBatch for first id 0, 0 or more than 2^24 orders, ids past 2^64 - 1, 0 revenue or revenue above 2^96 - 1", async () => {
      const d = await load(RULES);
      const op = d.shop.connect(d.operator);
      const cases: [bigint, bigint, bigint][] = [
        [0n, 1n, 1n],
        [1n, 0n, 1n],
        [1n, MAX_BATCH_ORDERS + 1n, 1n],
        [1n, (1n << 32n) + 1n, 1n], // would truncate to 1 in a 32-bit field
        [UINT64_MAX, 2n, 1n], // the last id would be 2^64
        [UINT64_MAX - MAX_BATCH_ORDERS + 2n, MAX_BATCH_ORDERS, 1n],
        [1n, 1n, 0n],
        [1n, 1n, UINT96_MAX + 1n],
      ];
      for (const [first, count, revenue] of cases) {
        await expect(op.anchorBatch(id("bad"), first, count, revenue))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidBatch")
          .withArgs(first, count, revenue);
      }
      // The bounds themselves are valid.
      await op.anchorBatch(id("max"), 1, MAX_BATCH_ORDERS, UINT96_MAX);
      expect((await d.shop.batch(id("max"))).orderCount).to.equal(MAX_BATCH_ORDERS);
      await op.anchorBatch(id("last ids"), UINT64_MAX - MAX_BATCH_ORDERS + 1n, MAX_BATCH_ORDERS, 1);
      await op.anchorBatch(id("last id"), UINT64_MAX, 1, 1);
      expect((await d.shop.batch(id("last id"))).firstOrderId).to.equal(UINT64_MAX);
      expect(await batchOf(d, id("bad"))).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n]);
    });

    it("anchorBatch reverts ShopBatchAlreadyAnchored for a root anchored before, also on a later day and by another operator", async () => {
      const d = await load(RULES);
      const role = await d.shop.OPERATOR_ROLE();
      await d.shop.connect(d.admin).grantRole(role, d.signers[9].address);
      const day = await d.shop.today();
      await d.shop.connect(d.operator).anchorBatch(id("once"), 10, 3, 300);
      await expect(d.shop.connect(d.operator).anchorBatch(id("once"), 10, 3, 300))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchAlreadyAnchored")
        .withArgs(id("once"));
      await nextDay(d.helpers);
      await expect(d.shop.connect(d.signers[9]).anchorBatch(id("once"), 99, 5, 999))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchAlreadyAnchored")
        .withArgs(id("once"));
      expect(await d.shop.dayRecord(day)).to.deep.equal([300n, 3n, false]);
      expect(await batchOf(d, id("once"))).to.deep.equal([day, 10n, 3n, 0n, 300n, 1n]);
    });
  });

  describe("mintFromBatch", () => {
    it("mintFromBatch mints each leaf's consumption and its referrer's promotion by the rules, on the batch's day, and the day settles normally", async () => {
      const d = await load(RULES);
      const [, , , c1, c2, c3, c4, r1, r2, keeper] = d.signers;
      const list: BatchOrder[] = [
        { orderHash: hashOf("b0"), customer: c1.address, amount: 9n * 10n ** 17n + 1n, referrer: r1.address },
        { orderHash: hashOf("b1"), customer: c2.address, amount: 2n * 10n ** 17n, referrer: r1.address },
        { orderHash: hashOf("b2"), customer: c3.address, amount: 5n * 10n ** 16n, referrer: r2.address },
        { orderHash: hashOf("b3"), customer: c4.address, amount: 1_234_567_890_123_456_789n },
        { orderHash: hashOf("b4"), customer: c1.address, amount: 3n * COIN + 7n },
        { orderHash: hashOf("b5"), customer: c3.address, amount: 4n * 10n ** 17n, referrer: r2.address },
      ];
      const tree = merkleBatch(list);
      const day = await nextDay(d.helpers);
      await anchorTree(d, tree);
      const record = await d.shop.dayRecord(day);
      const owed = (await d.shop.tokenDay(0, day)).owed;
      expect(owed).to.equal(owedOf([sum(list)], RULES));
      const revenueDays = await d.shop.revenueDayCount();
      const model = new MintModel(RULES);
      const holders = [c1, c2, c3, c4, r1, r2].map((s) => s.address);
      const check = async () => {
        for (const h of holders) expect(await d.token.balanceOf(h)).to.equal(model.balanceOf(h));
        expect(await d.token.totalSupply()).to.equal(model.supply);
        expect(await d.shop.poolAllowance(0)).to.equal(model.allowance);
        // Minting never counts revenue again, on any day.
        const now = await d.shop.dayRecord(day);
        expect([now.revenue, now.orderCount]).to.deep.equal([record.revenue, record.orderCount]);
        expect((await d.shop.tokenDay(0, day)).owed).to.equal(owed);
        expect(await d.shop.revenueDayCount()).to.equal(revenueDays);
      };

      // Leaves 0-2 on the batch's day, submitted by the operator on the customers' behalf.
      for (const i of [0, 1, 2]) {
        const l = tree.leaves[i];
        const tx = mintLeaf(d, tree, i);
        await expect(tx)
          .to.emit(d.shop, "OrderCounted")
          .withArgs(l.orderHash, l.customer, day, l.orderId, MERKLE_BATCH, l.amount);
        await expect(tx).to.emit(d.shop, "ReferrerBound").withArgs(l.customer, l.referrer);
        model.order(l.customer, l.amount, l.referrer, true);
        expect(await d.shop.isOrderIdUsed(l.orderId)).to.equal(true);
        await check();
      }
      // c2's first order reached minFirstOrder: r1 has two qualifying referees and got the bonus token.
      expect(await d.shop.qualifiedReferrals(0, r1.address)).to.equal(2n);
      expect(model.balanceOf(r1.address)).to.be.greaterThan(COIN);

      // The next day, the batch's day settles with what the anchor counted.
      const today = await nextDay(d.helpers);
      await expect(d.shop.connect(keeper).settle(day, { value: owed }))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, 0n, owed);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(owed);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      const claimable = await d.token.claimable(c1.address);
      expect(claimable).to.be.greaterThan(0n);

      // Leaves 3-5 a day later, each submitted by its customer: OrderCounted still names the batch's day, nothing
      // counts on today.
      const customers = new Map([c1, c2, c3, c4].map((c) => [c.address, c]));
      for (const i of [3, 4, 5]) {
        const l = tree.leaves[i];
        await expect(mintLeaf(d, tree, i, customers.get(l.customer)!))
          .to.emit(d.shop, "OrderCounted")
          .withArgs(l.orderHash, l.customer, day, l.orderId, MERKLE_BATCH, l.amount);
        model.order(l.customer, l.amount, l.referrer, true);
        await check();
      }
      expect(await d.shop.dayRecord(today)).to.deep.equal([0n, 0n, false]);
      expect((await d.shop.tokenDay(0, today)).owed).to.equal(0n);
      expect(await batchOf(d, tree.root)).to.deep.equal([day, tree.firstOrderId, 6n, 6n, 0n, 1n]);
      // Later mints do not dilute the dividends already settled.
      expect(await d.token.claimable(c1.address)).to.equal(claimable);
      expect(await d.token.claimable(c4.address)).to.equal(0n);
      // The operator that submitted leaves got nothing.
      expect(await d.token.balanceOf(d.operator.address)).to.equal(0n);
    });

    it("mintFromBatch reverts ShopOrderIdUsed for a second mint of the same leaf, by the customer or an operator", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const tree = merkleBatch([
        { orderHash: hashOf("m0"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("m1"), customer: bob.address, amount: COIN },
      ]);
      await anchorTree(d, tree);
      await mintLeaf(d, tree, 0);
      const supply = await d.token.totalSupply();
      for (const from of [alice, d.operator]) {
        await expect(mintLeaf(d, tree, 0, from))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
          .withArgs(tree.firstOrderId);
      }
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await batchOf(d, tree.root)).to.deep.equal([await d.shop.today(), tree.firstOrderId, 2n, 1n, COIN, 1n]);
    });

    it("mintFromBatch reverts ShopInvalidProof for a wrong proof, another leaf's proof or id, a tampered field and an empty proof", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const tree = merkleBatch([
        { orderHash: hashOf("p0"), customer: alice.address, amount: COIN },
        { orderHash: hashOf("p1"), customer: bob.address, amount: 2n * COIN },
        { orderHash: hashOf("p2"), customer: carol.address, amount: 3n * COIN },
        { orderHash: hashOf("p3"), customer: carol.address, amount: 4n * COIN },
      ]);
      const { root, proof } = tree;
      await anchorTree(d, tree);
      const l1 = tree.leaves[1];
      const invalid = async (l: Leaf, p: string[]) =>
        expect(mintAs(d, root, l, p))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
          .withArgs(root, l.orderId);

      await invalid(l1, proof(2)); // another leaf's proof
      await invalid(l1, [...proof(1)].reverse());
      await invalid(l1, [id("junk"), ...proof(1).slice(1)]);
      await invalid(l1, []);
      await invalid({ ...l1, orderId: l1.orderId + 1n }, proof(1)); // leaf 1's data and proof, at leaf 2's id
      await invalid({ ...l1, orderId: l1.orderId + 1n }, proof(2)); // leaf 1's data at leaf 2's id, with its proof
      await invalid({ ...l1, amount: 2n * COIN + 1n }, proof(1));
      await invalid({ ...l1, amount: COIN }, proof(1)); // a smaller amount is a tamper too
      await invalid({ ...l1, customer: alice.address }, proof(1));
      await invalid({ ...l1, referrer: carol.address }, proof(1));
      await invalid({ ...l1, orderHash: hashOf("p9") }, proof(1));
      // Nothing was minted or marked.
      expect(await d.shop.isOrderIdUsed(l1.orderId)).to.equal(false);
      expect(await d.shop.isOrderIdUsed(l1.orderId + 1n)).to.equal(false);
      expect(await d.token.totalSupply()).to.equal(0n);
      // The genuine data and proof still mint.
      await mintLeaf(d, tree, 1);
      expect(await d.shop.isOrderIdUsed(l1.orderId)).to.equal(true);
    });

    it("mintFromBatch reverts ShopInvalidProof for an inner node presented as a leaf", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const tree = merkleBatch(
        ["n0", "n1", "n2", "n3"].map((label, i) => ({
          orderHash: hashOf(label),
          customer: i % 2 === 0 ? alice.address : bob.address,
          amount: COIN,
        })),
      );
      const st = StandardMerkleTree.of(tree.leaves.map(valueOf), LEAF_ENCODING);
      const root = tree.root;
      await anchorTree(d, tree);
      // The parent of leaf 0 and its sibling, and the proof of that inner node (the rest of leaf 0's proof).
      const full = tree.proof(0);
      const inner = hashPair(st.leafHash(valueOf(tree.leaves[0])), full[0]);
      const upper = full.slice(1);
      // A verifier that took the node as given would accept it.
      expect(processProof(inner, upper)).to.equal(root);
      // The shop hashes the leaf data twice, so no leaf data hashes to the inner node: try the node as the order hash
      // (with leaf 0's other fields, and with blank ones), and leaf 0's own data with the shortened proof.
      const l0 = tree.leaves[0];
      const attempts: Leaf[] = [
        { ...l0, orderHash: inner },
        { orderId: l0.orderId, orderHash: inner, customer: ZeroAddress, amount: 1n, referrer: ZeroAddress },
        l0,
      ];
      for (const l of attempts) {
        await expect(mintAs(d, root, l, upper))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
          .withArgs(root, l.orderId);
      }
      // Nor is an inner node a batch root of its own.
      await expect(
        d.shop.connect(alice).mintFromBatch(inner, l0.orderId, l0.orderHash, alice.address, COIN, ZeroAddress, []),
      )
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(inner);
      expect(await batchOf(d, root)).to.deep.equal([await d.shop.today(), tree.firstOrderId, 4n, 0n, 4n * COIN, 1n]);
    });

    it("mintFromBatch reverts ShopBatchOrderIdOutOfRange for an id outside [firstOrderId, firstOrderId + orderCount), even with a valid proof", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const tree = merkleBatch(
        [0, 1, 2, 3].map((i) => ({ orderHash: hashOf(`r${i}`), customer: alice.address, amount: COIN })),
      );
      const { root, proof, firstOrderId } = tree;
      // The operator anchors only 3 of the tree's 4 orders: leaf 3 proves but is out of range.
      await d.shop.connect(d.operator).anchorBatch(root, firstOrderId, 3, 4n * COIN);
      for (const orderId of [firstOrderId + 3n, firstOrderId + 4n, firstOrderId - 1n, 0n, UINT64_MAX]) {
        await expect(mintAs(d, root, { ...tree.leaves[3], orderId }, proof(3)))
          .to.be.revertedWithCustomError(d.shop, "ShopBatchOrderIdOutOfRange")
          .withArgs(root, orderId, firstOrderId, 3n);
      }
      expect(await d.shop.isOrderIdUsed(firstOrderId + 3n)).to.equal(false);
      await mintLeaf(d, tree, 2);
      expect(await d.shop.isOrderIdUsed(firstOrderId + 2n)).to.equal(true);
    });

    it("mintFromBatch reverts ShopUnknownBatch for a root never anchored", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const tree = merkleBatch([{ orderHash: hashOf("u0"), customer: alice.address, amount: COIN }]);
      await expect(mintLeaf(d, tree, 0))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(tree.root);
      await expect(mintAs(d, ZeroHash, tree.leaves[0], []))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(ZeroHash);
      // A root anchored on another shop of the factory is unknown here.
      const other = await addShop(d, d.admin, d.operator);
      await addToken(d, tokenParams(RULES), other);
      await anchorTree(d, tree, tree.totalRevenue, other);
      await expect(mintLeaf(d, tree, 0))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(tree.root);
      expect((await other.batch(tree.root)).orderCount).to.equal(1n);
      expect(await batchOf(d, tree.root)).to.deep.equal([0n, 0n, 0n, 0n, 0n, 0n]);
      expect(await d.shop.isOrderIdUsed(tree.firstOrderId)).to.equal(false);
    });

    it("mintFromBatch reverts ShopOrderIdUsed for a leaf whose id counted on path 1 or 2, or in an earlier batch (the leaf stays unminted)", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const tree = merkleBatch(
        ["x1", "x1b", "x2", "x3"].map((label) => ({ orderHash: hashOf(label), customer: alice.address, amount: COIN })),
      );
      await anchorTree(d, tree);
      const ids = tree.leaves.map((l) => l.orderId);
      // The operator reused the batch's ids by mistake on the other paths, and in an earlier batch.
      await d.shop.connect(d.operator).recordOrder(order("other-1", alice.address, 5n, ZeroAddress, ids[0]));
      await d.shop.connect(d.operator).recordOrders([order("other-1b", alice.address, 5n, ZeroAddress, ids[1])]);
      const r = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount: 5n,
        orderHash: hashOf("other-2"),
        orderId: ids[2],
      });
      await d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature);
      const earlier = merkleBatch([{ orderHash: hashOf("other-3"), customer: alice.address, amount: 5n }], ids[3]);
      await anchorTree(d, earlier);
      await mintLeaf(d, earlier, 0);
      const supply = await d.token.totalSupply();
      for (let i = 0; i < tree.leaves.length; i++) {
        await expect(mintLeaf(d, tree, i))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
          .withArgs(ids[i]);
      }
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await batchOf(d, tree.root)).to.deep.equal([
        await d.shop.today(),
        tree.firstOrderId,
        4n,
        0n,
        4n * COIN,
        1n,
      ]);
    });

    it("mintFromBatch mints leaves whose order hashes a stranger counted first for itself on any path, or in the same batch", async () => {
      const d = await load(RULES);
      const [, , , alice, , , mallory] = d.signers;
      const tree = merkleBatch([
        { orderHash: hashOf("y1"), customer: alice.address, amount: COIN },
        { orderHash: hashOf("y1b"), customer: alice.address, amount: COIN },
        { orderHash: hashOf("y2"), customer: alice.address, amount: COIN },
        { orderHash: hashOf("y3"), customer: alice.address, amount: COIN },
        // The same hash for the stranger in the batch itself, minted first.
        { orderHash: hashOf("y4"), customer: mallory.address, amount: 1n },
        { orderHash: hashOf("y4"), customer: alice.address, amount: COIN },
      ]);
      await anchorTree(d, tree);
      // The stranger saw the batch file and uses every leaf's hash for itself, for a wei each.
      await d.shop.connect(d.operator).recordOrder(order("y1", mallory.address, 1n));
      await d.shop.connect(d.operator).recordOrders([order("y1b", mallory.address, 1n)]);
      const r = await signedReceipt(d, d.operator, { customer: mallory.address, amount: 1n, orderHash: hashOf("y2") });
      await d.shop.connect(mallory).redeemReceipt(r.receipt, d.operator.address, r.signature);
      await d.shop.connect(mallory).charge(hashOf("y3"), ZeroAddress, { value: 1n });
      await mintLeaf(d, tree, 4, mallory);
      const today = await d.shop.today();
      for (const i of [0, 1, 2, 3, 5]) {
        const l = tree.leaves[i];
        await expect(mintLeaf(d, tree, i, alice))
          .to.emit(d.shop, "OrderCounted")
          .withArgs(l.orderHash, alice.address, today, l.orderId, MERKLE_BATCH, COIN);
        expect(await d.shop.isOrderIdUsed(l.orderId)).to.equal(true);
      }
      expect(await d.token.balanceOf(alice.address)).to.equal(5n * consumptionOf(COIN, RULES));
      expect((await d.shop.batch(tree.root)).mintedCount).to.equal(6n);
    });

    it("after mintFromBatch the leaf's id cannot count on path 1 or 2 nor in another batch; a charge of its hash is another order", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const tree = merkleBatch([{ orderHash: hashOf("first"), customer: alice.address, amount: COIN }]);
      const orderId = tree.firstOrderId;
      await anchorTree(d, tree);
      await mintLeaf(d, tree, 0);
      const used = (tx: Promise<unknown>) =>
        expect(tx).to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed").withArgs(orderId);
      await used(d.shop.connect(d.operator).recordOrder(order("first", alice.address, 1n, ZeroAddress, orderId)));
      const r = await signedReceipt(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("first"),
        orderId,
      });
      await used(d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature));
      // The same order in a second batch (another root: another amount) cannot mint again.
      const again = merkleBatch([{ orderHash: hashOf("first"), customer: alice.address, amount: 2n * COIN }], orderId);
      await anchorTree(d, again);
      await used(mintLeaf(d, again, 0));
      // Charges carry no id: the customer's charge with the same hash is its own order.
      await d.shop.connect(alice).charge(hashOf("first"), ZeroAddress, { value: 1n });
      expect(await paymentStatus(d.shop, hashOf("first"), alice.address)).to.equal(PaymentStatus.Captured);
    });

    it("mintFromBatch reverts ShopNotLeafCustomer for any caller but the leaf's customer or an operator", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, stranger, second] = d.signers;
      const tree = merkleBatch([
        { orderHash: hashOf("c0"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("c1"), customer: alice.address, amount: COIN },
        { orderHash: hashOf("c2"), customer: alice.address, amount: COIN },
      ]);
      await anchorTree(d, tree);
      // Neither the admin, the pool manager, the leaf's referrer nor a stranger may choose when a leaf mints (and
      // under which rules): the check comes first, even for an unknown root.
      for (const caller of [d.admin, d.poolManager, bob, stranger]) {
        await expect(mintLeaf(d, tree, 0, caller))
          .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
          .withArgs(caller.address, alice.address);
        await expect(mintAs(d, id("unknown root"), tree.leaves[0], [], caller))
          .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
          .withArgs(caller.address, alice.address);
      }
      expect((await d.shop.batch(tree.root)).mintedCount).to.equal(0n);
      expect(await d.token.totalSupply()).to.equal(0n);
      // The customer, the operator and any other operator may.
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), second.address);
      await mintLeaf(d, tree, 0, alice);
      await mintLeaf(d, tree, 1, d.operator);
      await mintLeaf(d, tree, 2, second);
      expect((await d.shop.batch(tree.root)).mintedCount).to.equal(3n);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * consumptionOf(COIN, RULES));
      // A revoked operator may no longer.
      await d.shop.connect(d.admin).revokeRole(await d.shop.OPERATOR_ROLE(), second.address);
      const more = merkleBatch([{ orderHash: hashOf("c3"), customer: alice.address, amount: COIN }]);
      await anchorTree(d, more);
      await expect(mintLeaf(d, more, 0, second))
        .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
        .withArgs(second.address, alice.address);
    });

    it("mintFromBatch reverts ShopBatchRevenueExceeded on the leaf whose amount crosses the anchored revenue", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const tree = merkleBatch([
        { orderHash: hashOf("e0"), customer: alice.address, amount: 5n * COIN },
        { orderHash: hashOf("e1"), customer: bob.address, amount: 4n * COIN },
        { orderHash: hashOf("e2"), customer: carol.address, amount: 3n * COIN },
        { orderHash: hashOf("e3"), customer: carol.address, amount: COIN },
      ]);
      const root = tree.root;
      // The leaves add up to 13 coin; the operator anchors 10.
      const revenue = 10n * COIN;
      await anchorTree(d, tree, revenue);
      const day = await d.shop.today();
      await mintLeaf(d, tree, 0);
      expect((await d.shop.batch(root)).unmintedRevenue).to.equal(5n * COIN);
      await mintLeaf(d, tree, 1);
      expect(await batchOf(d, root)).to.deep.equal([day, tree.firstOrderId, 4n, 2n, COIN, 1n]);
      await expect(mintLeaf(d, tree, 2))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchRevenueExceeded")
        .withArgs(root, COIN, 3n * COIN);
      expect(await d.shop.isOrderIdUsed(tree.leaves[2].orderId)).to.equal(false);
      // A leaf that still fits mints and uses the rest up exactly.
      await mintLeaf(d, tree, 3);
      expect(await batchOf(d, root)).to.deep.equal([day, tree.firstOrderId, 4n, 3n, 0n, 1n]);
      await expect(mintLeaf(d, tree, 2))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchRevenueExceeded")
        .withArgs(root, 0n, 3n * COIN);
      // Minted amounts never exceed the revenue the anchor counted, which is still the day's revenue.
      expect(await d.shop.dayRecord(day)).to.deep.equal([revenue, 4n, false]);
      const minted = [0, 1, 3].map((i) => consumptionOf(tree.leaves[i].amount, RULES));
      expect(await d.token.totalSupply()).to.equal(minted.reduce((a, b) => a + b, 0n));
    });

    it("isOrderIdUsed tracks each leaf's id on its own, across bitmap words, and batch() counts the minted leaves", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const amount = 10n ** 15n;
      // Ids from the start of a bitmap word: leaves 255 and 256 sit in two words.
      const first = (nextOrderIds(600) + 255n) & ~255n;
      const tree = merkleBatch(
        Array.from({ length: 300 }, (_, i) => ({ orderHash: hashOf(`w${i}`), customer: alice.address, amount })),
        first,
      );
      await anchorTree(d, tree);
      const minted = [0, 255, 256, 299];
      for (const i of minted) await mintLeaf(d, tree, i);
      for (const i of [0, 1, 254, 255, 256, 257, 298, 299, 300]) {
        expect(await d.shop.isOrderIdUsed(first + BigInt(i))).to.equal(minted.includes(i));
      }
      expect(await d.shop.orderIdBitmap(first >> 8n)).to.equal(1n | (1n << 255n));
      expect(await d.shop.orderIdBitmap((first >> 8n) + 1n)).to.equal(1n | (1n << 43n));
      expect(await batchOf(d, tree.root)).to.deep.equal([
        await d.shop.today(),
        first,
        300n,
        BigInt(minted.length),
        300n * amount - BigInt(minted.length) * amount,
        1n,
      ]);
    });

    it("mintFromBatch applies the referral rules: ShopSelfReferral, the bound referrer wins over the leaf's (ReferrerMismatch), and a binding made by a leaf holds on other paths", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol, dave, erin] = d.signers;
      // bob is bound to carol by a recorded order; erin is known without a referrer.
      await d.shop.connect(d.operator).recordOrder(order("bind", bob.address, COIN, carol.address));
      await d.shop.connect(d.operator).recordOrder(order("plain", erin.address, COIN));
      const tree = merkleBatch([
        { orderHash: hashOf("s0"), customer: alice.address, amount: COIN, referrer: alice.address },
        { orderHash: hashOf("s1"), customer: bob.address, amount: COIN, referrer: dave.address },
        { orderHash: hashOf("s2"), customer: erin.address, amount: COIN, referrer: dave.address },
        { orderHash: hashOf("s3"), customer: bob.address, amount: COIN, referrer: carol.address },
        { orderHash: hashOf("s4"), customer: bob.address, amount: COIN },
        { orderHash: hashOf("s5"), customer: dave.address, amount: COIN, referrer: alice.address },
      ]);
      await anchorTree(d, tree);
      await expect(mintLeaf(d, tree, 0))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
      // A leaf naming another referrer than the bound one (carol for bob, none for erin) cannot be corrected once
      // anchored: it mints with the bound referrer instead of reverting for ever.
      const carolBefore = await d.token.balanceOf(carol.address);
      await expect(mintLeaf(d, tree, 1))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(bob.address, carol.address, dave.address);
      await expect(mintLeaf(d, tree, 2))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(erin.address, ZeroAddress, dave.address);
      // Naming the bound referrer again, or none, mints too, and the bound referrer gets the share every time.
      await expect(mintLeaf(d, tree, 3)).to.not.emit(d.shop, "ReferrerMismatch");
      await mintLeaf(d, tree, 4);
      const share = referralShareOf(consumptionOf(COIN, RULES), RULES);
      expect(await d.token.balanceOf(carol.address)).to.equal(carolBefore + 3n * share);
      expect(await d.token.balanceOf(dave.address)).to.equal(0n);
      expect(await d.shop.customerOf(erin.address)).to.deep.equal([ZeroAddress, true]);
      // dave's first order comes from the batch and binds alice; a recorded order naming another referrer counts
      // with alice (ReferrerMismatch).
      await expect(mintLeaf(d, tree, 5))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(dave.address, alice.address);
      expect(await d.shop.customerOf(dave.address)).to.deep.equal([alice.address, true]);
      const aliceBefore = await d.token.balanceOf(alice.address);
      await expect(d.shop.connect(d.operator).recordOrder(order("later", dave.address, COIN, bob.address)))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(dave.address, alice.address, bob.address);
      expect((await d.token.balanceOf(alice.address)) - aliceBefore).to.equal(share);
      expect(await d.shop.isOrderIdUsed(tree.leaves[0].orderId)).to.equal(false);
      expect(await d.shop.isOrderIdUsed(tree.leaves[1].orderId)).to.equal(true);
    });
  });

  describe("the tokens a batch mints: those the shop had when it was anchored", () => {
    it("a token created after anchoring mints nothing for the batch's leaves (its holders did not share the batch's revenue), and tokenCount records the snapshot", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const day = await nextDay(d.helpers);
      const tree = merkleBatch([
        { orderHash: hashOf("snap-0"), customer: alice.address, amount: 3n * COIN, referrer: bob.address },
      ]);
      await anchorTree(d, tree);
      expect((await d.shop.batch(tree.root)).tokenCount).to.equal(1n);
      const laterRules = rulesWith({ dividendBps: 1000n, spendPerToken: 10n ** 17n });
      const { token: later } = await addToken(d, tokenParams(laterRules, { symbol: "LATE" }));
      // A batch anchored now, with both tokens, mints both.
      const after = merkleBatch([{ orderHash: hashOf("snap-1"), customer: alice.address, amount: COIN }]);
      await anchorTree(d, after);
      expect((await d.shop.batch(after.root)).tokenCount).to.equal(2n);

      await expect(mintLeaf(d, tree, 0, alice)).to.not.emit(later, "Transfer");
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(3n * COIN, RULES));
      expect(await later.balanceOf(alice.address)).to.equal(0n);
      expect(await later.balanceOf(bob.address)).to.equal(0n);
      // The binding still counts for every token afterwards.
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      await mintLeaf(d, after, 0, alice);
      expect(await later.balanceOf(alice.address)).to.equal(consumptionOf(COIN, laterRules));
      expect(await later.balanceOf(bob.address)).to.equal(referralShareOf(consumptionOf(COIN, laterRules), laterRules));
      // The later token counted only the second batch's revenue, the first token both.
      expect((await d.shop.tokenDay(0, day)).revenue).to.equal(4n * COIN);
      expect((await d.shop.tokenDay(1, day)).revenue).to.equal(COIN);
    });
  });

  // Leaves mint in any order and under the rules in force when they mint: what that means for referrals and notice.
  describe("mint order and rules at mint time", () => {
    it("mintFromBatch: minting a customer's later leaf first does not block its first-order leaf that names the referrer", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      // Alice's first order (referred by bob) and her second order, as the operator records them on path 1: the
      // referrer named on the first order only.
      const tree = merkleBatch([
        { orderHash: hashOf("first"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("second"), customer: alice.address, amount: 2n * COIN },
      ]);
      await anchorTree(d, tree);
      // Leaves mint in any order: the operator mints the second order first. A leaf without a referrer leaves a
      // new customer unbound, so the first-order leaf still binds bob.
      await mintLeaf(d, tree, 1, d.operator);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
      await mintLeaf(d, tree, 0, alice);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.token.balanceOf(alice.address)).to.equal(
        consumptionOf(COIN, RULES) + consumptionOf(2n * COIN, RULES),
      );
      expect(await d.token.balanceOf(bob.address)).to.equal(referralShareOf(consumptionOf(COIN, RULES), RULES));
    });

    it("mintFromBatch mints by the rules in force at mint time (documented limitation: mint promptly)", async () => {
      const d = await load(RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      const amount = 3n * COIN;
      const tree = merkleBatch([{ orderHash: hashOf("old-rules"), customer: alice.address, amount }]);
      await anchorTree(d, tree);
      // After the batch counted, the merchant makes consumption stingier (twice the spend per token): it waits
      // out the one-day notice period, which protects orders made before it, and then applies.
      const stingier = { ...RULES, spendPerToken: 2n * RULES.spendPerToken };
      await d.shop.connect(d.admin).changeRules(0, stingier);
      await d.helpers.time.increase(DAY + 1);
      await d.shop.applyPendingRules(0);
      await mintLeaf(d, tree, 0);
      // The order was counted under the old rules but mints under the rules in force now (half as many tokens):
      // see docs/architecture.md, "Rules at mint time".
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(amount, stingier));
      expect(consumptionOf(amount, stingier)).to.be.lessThan(consumptionOf(amount, RULES));
    });
  });
});
