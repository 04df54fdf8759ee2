import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { concat, getBytes, id, keccak256, ZeroAddress, ZeroHash } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  addShop,
  batchLeaf,
  consumptionOf,
  DAY,
  hashOf,
  load,
  MintModel,
  nextDay,
  order,
  owedOf,
  referralShareOf,
  rulesWith,
  signedReceipt,
  type Deployment,
  type Rules,
} from "./fixture.js";

/** IShop.OrderPath.MerkleBatch. */
const MERKLE_BATCH = 3n;
const LEAF_ENCODING = ["uint256", "bytes32", "address", "uint256", "address"];
const MAX_BATCH_ORDERS = 1n << 24n;
const UINT96_MAX = (1n << 96n) - 1n;
const COIN = 10n ** 18n;

/** Rules with every minting branch active: a 10 % referral share, one token per two referees whose first order is
 * at least 0.1 coin, pool 1/9, 20 % dividends. */
const RULES: Rules = rulesWith({ referralsPerToken: 2n, minFirstOrder: 10n ** 17n });

/** One order of a batch: the leaf data [index, orderHash, customer, amount, referrer]. */
interface Entry {
  index: bigint;
  orderHash: string;
  customer: string;
  amount: bigint;
  referrer: string;
}
type LeafValue = [bigint, string, string, bigint, string];

/** Entries indexed 0..n-1 in the given order. */
function entries(list: Omit<Entry, "index">[]): Entry[] {
  return list.map((e, i) => ({ ...e, index: BigInt(i) }));
}

function valueOf(e: Entry): LeafValue {
  return [e.index, e.orderHash, e.customer, e.amount, e.referrer];
}

/** The OpenZeppelin StandardMerkleTree of the batch; `proof(i)` is the proof of entry i. */
function treeOf(list: Entry[]): { root: string; proof: (i: number) => string[] } {
  const tree = StandardMerkleTree.of(list.map(valueOf), LEAF_ENCODING);
  return { root: tree.root, proof: (i) => tree.getProof(i) };
}

function sum(list: Entry[]): bigint {
  return list.reduce((total, e) => total + e.amount, 0n);
}

/** Sorted-pair node hash, as OpenZeppelin's MerkleProof. */
function nodeHash(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** OpenZeppelin MerkleProof.processProof. */
function processProof(leaf: string, proof: string[]): string {
  return proof.reduce((node, sibling) => nodeHash(node, sibling), leaf);
}

/** Mints leaf `e` as `from`: the operator by default (on the customer's behalf), or the customer itself. */
async function mint(
  d: Deployment,
  root: string,
  e: Entry,
  proof: string[],
  from: HardhatEthersSigner = d.operator,
): Promise<ContractTransactionResponse> {
  return d.shop.connect(from).mintFromBatch(root, e.index, e.orderHash, e.customer, e.amount, e.referrer, proof);
}

async function anchor(d: Deployment, root: string, list: Entry[], revenue: bigint = sum(list)) {
  return d.shop.connect(d.operator).anchorBatch(root, list.length, revenue);
}

/** Intrinsic calldata gas (EIP-2028): 4 per zero byte, 16 per other byte. */
function calldataGas(data: string): bigint {
  return getBytes(data).reduce((total, byte) => total + (byte === 0 ? 4n : 16n), 0n);
}

describe("Shop Merkle batches (order path 4)", () => {
  describe("tree format", () => {
    it("StandardMerkleTree leaves equal the fixture's batchLeaf and a one-leaf root is its leaf", async () => {
      const [customer, referrer] = [id("c").slice(0, 42), id("r").slice(0, 42)];
      const list = entries([
        { orderHash: hashOf("t0"), customer, amount: 5n, referrer },
        { orderHash: hashOf("t1"), customer, amount: 7n, referrer: ZeroAddress },
      ]);
      const tree = StandardMerkleTree.of(list.map(valueOf), LEAF_ENCODING);
      for (const e of list) {
        expect(tree.leafHash(valueOf(e))).to.equal(batchLeaf(e.index, e.orderHash, e.customer, e.amount, e.referrer));
      }
      expect(tree.root).to.equal(nodeHash(tree.leafHash(valueOf(list[0])), tree.leafHash(valueOf(list[1]))));
      const single = StandardMerkleTree.of([valueOf(list[0])], LEAF_ENCODING);
      expect(single.root).to.equal(tree.leafHash(valueOf(list[0])));
    });
  });

  describe("anchorBatch", () => {
    it("anchorBatch reverts AccessControlUnauthorizedAccount for the admin, the pool manager and a stranger", async () => {
      const d = await load(RULES);
      const role = await d.shop.OPERATOR_ROLE();
      for (const caller of [d.admin, d.poolManager, d.signers[9]]) {
        await expect(d.shop.connect(caller).anchorBatch(id("root"), 1, 1))
          .to.be.revertedWithCustomError(d.shop, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, role);
      }
      // A newly granted operator may.
      await d.shop.connect(d.admin).grantRole(role, d.signers[9].address);
      await d.shop.connect(d.signers[9]).anchorBatch(id("root"), 1, 1);
      expect((await d.shop.batch(id("root"))).orderCount).to.equal(1n);
    });

    it("anchorBatch counts the revenue and order count on the anchoring day, stores the batch and emits BatchAnchored", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const day = await nextDay(d.helpers);
      const daysBefore = await d.shop.revenueDayCount();
      // An ordinary order the same day adds to the batch's figures.
      await d.shop.connect(d.operator).recordOrder(order("same-day", alice.address, 3n * COIN));
      const revenue = 123n * COIN + 4567n;
      await expect(d.shop.connect(d.operator).anchorBatch(id("batch-1"), 1000, revenue))
        .to.emit(d.shop, "BatchAnchored")
        .withArgs(id("batch-1"), day, 1000n, revenue);
      expect(await d.shop.dayRecord(day)).to.deep.equal([revenue + 3n * COIN, 1001n, false]);
      const [owed, escrowed] = await d.shop.tokenDay(0, day);
      expect(owed).to.equal(owedOf([revenue, 3n * COIN], RULES));
      expect(owed).to.equal(((revenue + 3n * COIN) * RULES.dividendBps) / 10_000n);
      expect(escrowed).to.equal(0n);
      expect(await d.shop.batch(id("batch-1"))).to.deep.equal([day, 1000n, 0n, revenue]);
      expect(await d.shop.revenueDayCount()).to.equal(daysBefore + 1n);
      // Nothing is minted at anchoring.
      expect(await d.token.totalSupply()).to.equal(consumptionOf(3n * COIN, RULES));
    });

    it("anchorBatch uses the same execution gas for 10-, 1,000- and 100,000-order batches", async () => {
      const revenue = 10n ** 21n;
      const make = (n: number) =>
        entries(
          Array.from({ length: n }, (_, i) => ({
            orderHash: hashOf(`gas-${n}-${i}`),
            customer: id(`customer-${i % 7}`).slice(0, 42),
            amount: revenue / BigInt(n),
            referrer: ZeroAddress,
          })),
        );
      // Real trees for 10 and 1,000 orders; the contract sees only a root, so a 100,000-order root can be any hash.
      const roots: [string, number][] = [
        [treeOf(make(10)).root, 10],
        [treeOf(make(1000)).root, 1000],
        [keccak256(id("a 100,000-order root")), 100_000],
      ];
      const execution: bigint[] = [];
      for (const [root, count] of roots) {
        const d = await load(RULES); // the same state each time: the first batch of a fresh day
        const tx = await d.shop.connect(d.operator).anchorBatch(root, count, revenue);
        const receipt = await tx.wait();
        if (receipt === null || receipt.status !== 1) throw new Error("anchorBatch failed");
        execution.push(receipt.gasUsed - 21_000n - calldataGas(tx.data));
      }
      expect(execution[1]).to.equal(execution[0]);
      expect(execution[2]).to.equal(execution[0]);
    });

    it("anchorBatch reverts ShopInvalidBatch for 0 orders, more than 2^24 orders, 0 revenue or revenue above 2^96-1", async () => {
      const d = await load(RULES);
      const op = d.shop.connect(d.operator);
      const cases: [bigint, bigint][] = [
        [0n, 1n],
        [MAX_BATCH_ORDERS + 1n, 1n],
        [(1n << 32n) + 1n, 1n], // would truncate to 1 in the stored uint32
        [1n, 0n],
        [1n, UINT96_MAX + 1n],
      ];
      for (const [count, revenue] of cases) {
        await expect(op.anchorBatch(id("bad"), count, revenue))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidBatch")
          .withArgs(count, revenue);
      }
      // The bounds themselves are valid.
      await op.anchorBatch(id("max"), MAX_BATCH_ORDERS, UINT96_MAX);
      expect((await d.shop.batch(id("max"))).orderCount).to.equal(MAX_BATCH_ORDERS);
      await op.anchorBatch(id("min"), 1, 1);
      expect(await d.shop.batch(id("bad"))).to.deep.equal([0n, 0n, 0n, 0n]);
    });

    it("anchorBatch reverts ShopBatchAlreadyAnchored for a root anchored before, also on a later day and by another operator", async () => {
      const d = await load(RULES);
      const role = await d.shop.OPERATOR_ROLE();
      await d.shop.connect(d.admin).grantRole(role, d.signers[9].address);
      const day = await d.shop.today();
      await d.shop.connect(d.operator).anchorBatch(id("once"), 3, 300);
      await expect(d.shop.connect(d.operator).anchorBatch(id("once"), 3, 300))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchAlreadyAnchored")
        .withArgs(id("once"));
      await nextDay(d.helpers);
      await expect(d.shop.connect(d.signers[9]).anchorBatch(id("once"), 5, 999))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchAlreadyAnchored")
        .withArgs(id("once"));
      expect(await d.shop.dayRecord(day)).to.deep.equal([300n, 3n, false]);
      expect(await d.shop.batch(id("once"))).to.deep.equal([day, 3n, 0n, 300n]);
    });
  });

  describe("mintFromBatch", () => {
    it("mintFromBatch mints each leaf's consumption and its referrer's promotion by the rules, on the batch's day, and the day settles normally", async () => {
      const d = await load(RULES);
      const [, , , c1, c2, c3, c4, r1, r2, keeper] = d.signers;
      const list = entries([
        { orderHash: hashOf("b0"), customer: c1.address, amount: 9n * 10n ** 17n + 1n, referrer: r1.address },
        { orderHash: hashOf("b1"), customer: c2.address, amount: 2n * 10n ** 17n, referrer: r1.address },
        { orderHash: hashOf("b2"), customer: c3.address, amount: 5n * 10n ** 16n, referrer: r2.address },
        { orderHash: hashOf("b3"), customer: c4.address, amount: 1_234_567_890_123_456_789n, referrer: ZeroAddress },
        { orderHash: hashOf("b4"), customer: c1.address, amount: 3n * COIN + 7n, referrer: ZeroAddress },
        { orderHash: hashOf("b5"), customer: c3.address, amount: 4n * 10n ** 17n, referrer: r2.address },
      ]);
      const { root, proof } = treeOf(list);
      const day = await nextDay(d.helpers);
      await anchor(d, root, list);
      const record = await d.shop.dayRecord(day);
      const [owed] = await d.shop.tokenDay(0, day);
      expect(owed).to.equal(owedOf([sum(list)], RULES));
      const revenueDays = await d.shop.revenueDayCount();
      const model = new MintModel(RULES);
      const holders = [c1, c2, c3, c4, r1, r2].map((s) => s.address);
      const check = async () => {
        for (const h of holders) expect(await d.token.balanceOf(h)).to.equal(model.balanceOf(h));
        expect(await d.token.totalSupply()).to.equal(model.supply);
        expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(model.allowance);
        // Minting never counts revenue again, on any day.
        const now = await d.shop.dayRecord(day);
        expect([now.revenue, now.orderCount]).to.deep.equal([record.revenue, record.orderCount]);
        expect((await d.shop.tokenDay(0, day))[0]).to.equal(owed);
        expect(await d.shop.revenueDayCount()).to.equal(revenueDays);
      };

      // Leaves 0-2 on the batch's day, submitted by the operator on the customers' behalf.
      for (const i of [0, 1, 2]) {
        const e = list[i];
        const tx = mint(d, root, e, proof(i));
        await expect(tx).to.emit(d.shop, "OrderCounted").withArgs(e.orderHash, e.customer, day, MERKLE_BATCH, e.amount);
        await expect(tx).to.emit(d.shop, "BatchLeafMinted").withArgs(root, e.index, e.orderHash);
        await expect(tx).to.emit(d.shop, "ReferrerBound").withArgs(e.customer, e.referrer);
        model.order(e.customer, e.amount, e.referrer);
        await check();
      }
      // c2's first order reached minFirstOrder: r1 has two qualifying referees and got the bonus token.
      expect(await d.shop.qualifiedReferrals(0, r1.address)).to.equal(2n);
      expect(model.balanceOf(r1.address)).to.be.greaterThan(COIN);

      // The next day, the batch's day settles with what the anchor counted.
      const today = await nextDay(d.helpers);
      await expect(d.shop.connect(keeper).settle(day, { value: owed }))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, keeper.address, owed, owed);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(owed);
      expect((await d.shop.dayRecord(day)).settled).to.equal(true);
      const claimable = await d.token.claimable(c1.address);
      expect(claimable).to.be.greaterThan(0n);

      // Leaves 3-5 a day later, each submitted by its customer: OrderCounted still names the batch's day, nothing
      // counts on today.
      const customers = new Map([c1, c2, c3, c4].map((c) => [c.address, c]));
      for (const i of [3, 4, 5]) {
        const e = list[i];
        await expect(mint(d, root, e, proof(i), customers.get(e.customer)!))
          .to.emit(d.shop, "OrderCounted")
          .withArgs(e.orderHash, e.customer, day, MERKLE_BATCH, e.amount);
        model.order(e.customer, e.amount, e.referrer);
        await check();
      }
      expect(await d.shop.dayRecord(today)).to.deep.equal([0n, 0n, false]);
      expect((await d.shop.tokenDay(0, today))[0]).to.equal(0n);
      expect(await d.shop.batch(root)).to.deep.equal([day, BigInt(list.length), BigInt(list.length), 0n]);
      // Later mints do not dilute the dividends already settled.
      expect(await d.token.claimable(c1.address)).to.equal(claimable);
      expect(await d.token.claimable(c4.address)).to.equal(0n);
      // The operator that submitted leaves got nothing.
      expect(await d.token.balanceOf(d.operator.address)).to.equal(0n);
    });

    it("mintFromBatch reverts ShopLeafAlreadyMinted for a second mint of the same leaf", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const list = entries([
        { orderHash: hashOf("m0"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("m1"), customer: bob.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      await mint(d, root, list[0], proof(0));
      const supply = await d.token.totalSupply();
      for (const from of [alice, d.operator]) {
        await expect(mint(d, root, list[0], proof(0), from))
          .to.be.revertedWithCustomError(d.shop, "ShopLeafAlreadyMinted")
          .withArgs(root, 0n);
      }
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await d.shop.batch(root)).to.deep.equal([await d.shop.today(), 2n, 1n, COIN]);
    });

    it("mintFromBatch reverts ShopInvalidProof for a wrong proof, another index's proof or index, a tampered field and an empty proof", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const list = entries([
        { orderHash: hashOf("p0"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("p1"), customer: bob.address, amount: 2n * COIN, referrer: ZeroAddress },
        { orderHash: hashOf("p2"), customer: carol.address, amount: 3n * COIN, referrer: ZeroAddress },
        { orderHash: hashOf("p3"), customer: carol.address, amount: 4n * COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      const invalid = async (e: Entry, p: string[]) =>
        expect(mint(d, root, e, p))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
          .withArgs(root, e.index);

      await invalid(list[1], proof(2)); // another leaf's proof
      await invalid(list[1], [...proof(1)].reverse());
      await invalid(list[1], [id("junk"), ...proof(1).slice(1)]);
      await invalid(list[1], []);
      await invalid({ ...list[1], index: 2n }, proof(1)); // leaf 1's data and proof, at index 2
      await invalid({ ...list[1], index: 2n }, proof(2)); // leaf 1's data at index 2, with index 2's proof
      await invalid({ ...list[1], amount: 2n * COIN + 1n }, proof(1));
      await invalid({ ...list[1], amount: COIN }, proof(1)); // a smaller amount is a tamper too
      await invalid({ ...list[1], customer: alice.address }, proof(1));
      await invalid({ ...list[1], referrer: carol.address }, proof(1));
      await invalid({ ...list[1], orderHash: hashOf("p9") }, proof(1));
      // Nothing was minted or marked.
      expect(await d.shop.isLeafMinted(root, 1)).to.equal(false);
      expect(await d.shop.isLeafMinted(root, 2)).to.equal(false);
      expect(await d.token.totalSupply()).to.equal(0n);
      // The genuine data and proof still mint.
      await mint(d, root, list[1], proof(1));
      expect(await d.shop.isLeafMinted(root, 1)).to.equal(true);
    });

    it("mintFromBatch reverts ShopInvalidProof for an inner node presented as a leaf", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const list = entries([
        { orderHash: hashOf("n0"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("n1"), customer: bob.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("n2"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("n3"), customer: bob.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const tree = StandardMerkleTree.of(list.map(valueOf), LEAF_ENCODING);
      const root = tree.root;
      await anchor(d, root, list);
      // The parent of leaf 0 and its sibling, and the proof of that inner node (the rest of leaf 0's proof).
      const full = tree.getProof(0);
      const inner = nodeHash(tree.leafHash(valueOf(list[0])), full[0]);
      const upper = full.slice(1);
      // A verifier that took the node as given would accept it.
      expect(processProof(inner, upper)).to.equal(root);
      // The shop hashes the leaf data twice, so no leaf data hashes to the inner node: try the node as the order hash
      // (with leaf 0's other fields, and with blank ones), and leaf 0's own data with the shortened proof.
      const attempts: Entry[] = [
        { ...list[0], orderHash: inner },
        { index: 0n, orderHash: inner, customer: ZeroAddress, amount: 1n, referrer: ZeroAddress },
        list[0],
      ];
      for (const e of attempts) {
        await expect(mint(d, root, e, upper))
          .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
          .withArgs(root, e.index);
      }
      // Nor is an inner node a batch root of its own.
      await expect(
        d.shop.connect(alice).mintFromBatch(inner, 0, list[0].orderHash, alice.address, COIN, ZeroAddress, []),
      )
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(inner);
      expect(await d.shop.batch(root)).to.deep.equal([await d.shop.today(), 4n, 0n, 4n * COIN]);
    });

    it("mintFromBatch reverts ShopBatchIndexOutOfRange for index >= orderCount, even with a valid proof", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const list = entries(
        [0, 1, 2, 3].map((i) => ({
          orderHash: hashOf(`r${i}`),
          customer: alice.address,
          amount: COIN,
          referrer: ZeroAddress,
        })),
      );
      const { root, proof } = treeOf(list);
      // The operator anchors only 3 of the tree's 4 orders: leaf 3 proves but is out of range.
      await d.shop.connect(d.operator).anchorBatch(root, 3, 4n * COIN);
      for (const index of [3n, 4n, 1n << 24n, (1n << 256n) - 1n]) {
        await expect(mint(d, root, { ...list[3], index }, proof(3)))
          .to.be.revertedWithCustomError(d.shop, "ShopBatchIndexOutOfRange")
          .withArgs(root, index, 3n);
      }
      expect(await d.shop.isOrderCounted(hashOf("r3"), alice.address)).to.equal(false);
      await mint(d, root, list[2], proof(2));
      expect(await d.shop.isLeafMinted(root, 2)).to.equal(true);
    });

    it("mintFromBatch reverts ShopUnknownBatch for a root never anchored", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const list = entries([{ orderHash: hashOf("u0"), customer: alice.address, amount: COIN, referrer: ZeroAddress }]);
      const { root } = treeOf(list);
      await expect(mint(d, root, list[0], []))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(root);
      await expect(mint(d, ZeroHash, list[0], []))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(ZeroHash);
      // A root anchored on another shop of the factory is unknown here.
      const other = await addShop(d, d.admin, d.operator);
      await other.connect(d.operator).anchorBatch(root, 1, COIN);
      await expect(mint(d, root, list[0], []))
        .to.be.revertedWithCustomError(d.shop, "ShopUnknownBatch")
        .withArgs(root);
      expect((await other.batch(root)).orderCount).to.equal(1n);
      expect(await d.shop.batch(root)).to.deep.equal([0n, 0n, 0n, 0n]);
      expect(await d.shop.isLeafMinted(root, 0)).to.equal(false);
    });

    it("mintFromBatch reverts ShopOrderAlreadyCounted for a leaf whose order hash counted for its customer on path 1, 2 or 3 (the leaf stays unminted)", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const list = entries([
        { orderHash: hashOf("x1"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("x1b"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("x2"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("x3"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      await d.shop.connect(d.operator).recordOrder(order("x1", alice.address, 5n));
      await d.shop.connect(d.operator).recordOrders([order("x1b", alice.address, 5n)]);
      const r = await signedReceipt(d, d.operator, { customer: alice.address, amount: 5n, orderHash: hashOf("x2") });
      await d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature);
      await d.shop.connect(alice).checkout(hashOf("x3"), ZeroAddress, { value: 5n });
      const supply = await d.token.totalSupply();
      for (let i = 0; i < list.length; i++) {
        await expect(mint(d, root, list[i], proof(i)))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
          .withArgs(list[i].orderHash);
        expect(await d.shop.isLeafMinted(root, i)).to.equal(false);
      }
      expect(await d.token.totalSupply()).to.equal(supply);
      expect(await d.shop.batch(root)).to.deep.equal([await d.shop.today(), 4n, 0n, 4n * COIN]);
    });

    it("mintFromBatch mints leaves whose order hashes a stranger counted first for itself on path 1, 2 or 3, or in the same batch", async () => {
      const d = await load(RULES);
      const [, , , alice, , , mallory] = d.signers;
      const list = entries([
        { orderHash: hashOf("y1"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("y1b"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("y2"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("y3"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        // The same hash for the stranger in the batch itself, minted first.
        { orderHash: hashOf("y4"), customer: mallory.address, amount: 1n, referrer: ZeroAddress },
        { orderHash: hashOf("y4"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      // The stranger saw the batch file and front-runs every leaf's hash for itself, for a wei each.
      await d.shop.connect(d.operator).recordOrder(order("y1", mallory.address, 1n));
      await d.shop.connect(d.operator).recordOrders([order("y1b", mallory.address, 1n)]);
      const r = await signedReceipt(d, d.operator, { customer: mallory.address, amount: 1n, orderHash: hashOf("y2") });
      await d.shop.connect(mallory).redeemReceipt(r.receipt, d.operator.address, r.signature);
      await d.shop.connect(mallory).checkout(hashOf("y3"), ZeroAddress, { value: 1n });
      await mint(d, root, list[4], proof(4), mallory);
      for (const i of [0, 1, 2, 3, 5]) {
        await expect(mint(d, root, list[i], proof(i), alice))
          .to.emit(d.shop, "OrderCounted")
          .withArgs(list[i].orderHash, alice.address, await d.shop.today(), MERKLE_BATCH, COIN);
        expect(await d.shop.isOrderCounted(list[i].orderHash, alice.address)).to.equal(true);
      }
      expect(await d.token.balanceOf(alice.address)).to.equal(5n * consumptionOf(COIN, RULES));
      expect((await d.shop.batch(root)).mintedCount).to.equal(6n);
    });

    it("after mintFromBatch the customer's order hash cannot be recorded, checked out, redeemed or minted from another batch", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const e = entries([
        { orderHash: hashOf("first"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
      ])[0];
      const { root } = treeOf([e]);
      await anchor(d, root, [e]);
      await mint(d, root, e, []);
      expect(await d.shop.isOrderCounted(e.orderHash, alice.address)).to.equal(true);
      const already = (tx: Promise<unknown>) =>
        expect(tx).to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted").withArgs(e.orderHash);
      await already(d.shop.connect(d.operator).recordOrder(order("first", alice.address, 1n)));
      await already(d.shop.connect(d.operator).recordOrders([order("first", alice.address, 1n)]));
      await already(d.shop.connect(alice).checkout(e.orderHash, ZeroAddress, { value: 1n }));
      const r = await signedReceipt(d, d.operator, { customer: alice.address, amount: 1n, orderHash: e.orderHash });
      await already(d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature));
      // The same order in a second batch (another root: another amount) cannot mint again.
      const again = entries([
        { orderHash: e.orderHash, customer: alice.address, amount: 2n * COIN, referrer: ZeroAddress },
      ]);
      const second = treeOf(again);
      await anchor(d, second.root, again);
      await already(mint(d, second.root, again[0], []));
      // Two leaves of one batch with the same order hash for the same customer: only the first minted mints.
      const twins = entries([
        { orderHash: hashOf("twin"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("twin"), customer: alice.address, amount: 2n * COIN, referrer: ZeroAddress },
      ]);
      const t = treeOf(twins);
      await anchor(d, t.root, twins);
      await mint(d, t.root, twins[1], t.proof(1));
      await expect(mint(d, t.root, twins[0], t.proof(0)))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("twin"));
    });

    it("mintFromBatch reverts ShopNotLeafCustomer for any caller but the leaf's customer or an operator", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, stranger, second] = d.signers;
      const list = entries([
        { orderHash: hashOf("c0"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("c1"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("c2"), customer: alice.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      // Neither the admin, the pool manager, the leaf's referrer nor a stranger may choose when a leaf mints (and
      // under which rules): the check comes first, even for an unknown root.
      for (const caller of [d.admin, d.poolManager, bob, stranger]) {
        await expect(mint(d, root, list[0], proof(0), caller))
          .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
          .withArgs(caller.address, alice.address);
        await expect(mint(d, id("unknown root"), list[0], [], caller))
          .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
          .withArgs(caller.address, alice.address);
      }
      expect((await d.shop.batch(root)).mintedCount).to.equal(0n);
      expect(await d.token.totalSupply()).to.equal(0n);
      // The customer, the operator and any other operator may.
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), second.address);
      await mint(d, root, list[0], proof(0), alice);
      await mint(d, root, list[1], proof(1), d.operator);
      await mint(d, root, list[2], proof(2), second);
      expect((await d.shop.batch(root)).mintedCount).to.equal(3n);
      expect(await d.token.balanceOf(alice.address)).to.equal(3n * consumptionOf(COIN, RULES));
      // A revoked operator may no longer.
      await d.shop.connect(d.admin).revokeRole(await d.shop.OPERATOR_ROLE(), second.address);
      const more = entries([{ orderHash: hashOf("c3"), customer: alice.address, amount: COIN, referrer: ZeroAddress }]);
      const t = treeOf(more);
      await anchor(d, t.root, more);
      await expect(mint(d, t.root, more[0], [], second))
        .to.be.revertedWithCustomError(d.shop, "ShopNotLeafCustomer")
        .withArgs(second.address, alice.address);
    });

    it("mintFromBatch reverts ShopBatchRevenueExceeded on the leaf whose amount crosses the anchored revenue", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const list = entries([
        { orderHash: hashOf("e0"), customer: alice.address, amount: 5n * COIN, referrer: ZeroAddress },
        { orderHash: hashOf("e1"), customer: bob.address, amount: 4n * COIN, referrer: ZeroAddress },
        { orderHash: hashOf("e2"), customer: carol.address, amount: 3n * COIN, referrer: ZeroAddress },
        { orderHash: hashOf("e3"), customer: carol.address, amount: COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      // The leaves add up to 13 coin; the operator anchors 10.
      const revenue = 10n * COIN;
      await anchor(d, root, list, revenue);
      const day = await d.shop.today();
      await mint(d, root, list[0], proof(0));
      expect((await d.shop.batch(root)).unmintedRevenue).to.equal(5n * COIN);
      await mint(d, root, list[1], proof(1));
      expect(await d.shop.batch(root)).to.deep.equal([day, 4n, 2n, COIN]);
      await expect(mint(d, root, list[2], proof(2)))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchRevenueExceeded")
        .withArgs(root, COIN, 3n * COIN);
      expect(await d.shop.isOrderCounted(hashOf("e2"), carol.address)).to.equal(false);
      // A leaf that still fits mints and uses the rest up exactly.
      await mint(d, root, list[3], proof(3));
      expect(await d.shop.batch(root)).to.deep.equal([day, 4n, 3n, 0n]);
      await expect(mint(d, root, list[2], proof(2)))
        .to.be.revertedWithCustomError(d.shop, "ShopBatchRevenueExceeded")
        .withArgs(root, 0n, 3n * COIN);
      // Minted amounts never exceed the revenue the anchor counted, which is still the day's revenue.
      expect(await d.shop.dayRecord(day)).to.deep.equal([revenue, 4n, false]);
      const minted = [list[0], list[1], list[3]].map((e) => consumptionOf(e.amount, RULES));
      expect(await d.token.totalSupply()).to.equal(minted.reduce((a, b) => a + b, 0n));
    });

    it("isLeafMinted tracks each index on its own, across bitmap words, and batch() counts the minted leaves", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const amount = 10n ** 15n;
      const list = entries(
        Array.from({ length: 300 }, (_, i) => ({
          orderHash: hashOf(`w${i}`),
          customer: alice.address,
          amount,
          referrer: ZeroAddress,
        })),
      );
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      const minted = [0, 255, 256, 299];
      for (const i of minted) await mint(d, root, list[i], proof(i));
      for (const i of [0, 1, 254, 255, 256, 257, 298, 299]) {
        expect(await d.shop.isLeafMinted(root, i)).to.equal(minted.includes(i));
      }
      expect(await d.shop.isLeafMinted(root, 300)).to.equal(false);
      expect(await d.shop.isLeafMinted(id("other root"), 0)).to.equal(false);
      expect(await d.shop.batch(root)).to.deep.equal([
        await d.shop.today(),
        300n,
        BigInt(minted.length),
        300n * amount - BigInt(minted.length) * amount,
      ]);
    });

    it("mintFromBatch applies the referral rules: ShopSelfReferral, the bound referrer wins over the leaf's, and a binding made by a leaf holds on other paths", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol, dave, erin] = d.signers;
      // bob is bound to carol by a recorded order; erin is known without a referrer.
      await d.shop.connect(d.operator).recordOrder(order("bind", bob.address, COIN, carol.address));
      await d.shop.connect(d.operator).recordOrder(order("plain", erin.address, COIN));
      const list = entries([
        { orderHash: hashOf("s0"), customer: alice.address, amount: COIN, referrer: alice.address },
        { orderHash: hashOf("s1"), customer: bob.address, amount: COIN, referrer: dave.address },
        { orderHash: hashOf("s2"), customer: erin.address, amount: COIN, referrer: dave.address },
        { orderHash: hashOf("s3"), customer: bob.address, amount: COIN, referrer: carol.address },
        { orderHash: hashOf("s4"), customer: bob.address, amount: COIN, referrer: ZeroAddress },
        { orderHash: hashOf("s5"), customer: dave.address, amount: COIN, referrer: alice.address },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      await expect(mint(d, root, list[0], proof(0)))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
      // A leaf naming another referrer than the bound one (carol for bob, none for erin) cannot be corrected once
      // anchored: it mints with the bound referrer instead of reverting for ever.
      const carolBefore = await d.token.balanceOf(carol.address);
      await mint(d, root, list[1], proof(1));
      await mint(d, root, list[2], proof(2));
      // Naming the bound referrer again, or none, mints too, and the bound referrer gets the share every time.
      await mint(d, root, list[3], proof(3));
      await mint(d, root, list[4], proof(4));
      const share = referralShareOf(consumptionOf(COIN, RULES), RULES);
      expect(await d.token.balanceOf(carol.address)).to.equal(carolBefore + 3n * share);
      expect(await d.token.balanceOf(dave.address)).to.equal(0n);
      expect(await d.shop.customerOf(erin.address)).to.deep.equal([ZeroAddress, true]);
      // dave's first order comes from the batch and binds alice; a recorded order naming another referrer fails.
      await expect(mint(d, root, list[5], proof(5)))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(dave.address, alice.address);
      expect(await d.shop.customerOf(dave.address)).to.deep.equal([alice.address, true]);
      await expect(d.shop.connect(d.operator).recordOrder(order("later", dave.address, COIN, bob.address)))
        .to.be.revertedWithCustomError(d.shop, "ShopReferrerAlreadyBound")
        .withArgs(dave.address, alice.address, bob.address);
      expect(await d.shop.isLeafMinted(root, 0)).to.equal(false);
      expect(await d.shop.isLeafMinted(root, 1)).to.equal(true);
    });
  });

  // Leaves mint in any order and under the rules in force when they mint: what that means for referrals and notice.
  describe("mint order and rules at mint time", () => {
    it("mintFromBatch: minting a customer's later leaf first does not block its first-order leaf that names the referrer", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      // Alice's first order (referred by bob) and her second order, as the operator records them on path 1: the
      // referrer named on the first order only.
      const list = entries([
        { orderHash: hashOf("first"), customer: alice.address, amount: COIN, referrer: bob.address },
        { orderHash: hashOf("second"), customer: alice.address, amount: 2n * COIN, referrer: ZeroAddress },
      ]);
      const { root, proof } = treeOf(list);
      await anchor(d, root, list);
      // Leaves mint in any order: the operator mints the second order first. A leaf without a referrer leaves a
      // new customer unbound, so the first-order leaf still binds bob.
      await mint(d, root, list[1], proof(1), d.operator);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
      await mint(d, root, list[0], proof(0), alice);
      expect(await d.shop.isLeafMinted(root, 0)).to.equal(true);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.token.balanceOf(alice.address)).to.equal(
        consumptionOf(COIN, RULES) + consumptionOf(2n * COIN, RULES),
      );
      expect(await d.token.balanceOf(bob.address)).to.equal((consumptionOf(COIN, RULES) * RULES.referralBps) / 10_000n);
    });

    it("mintFromBatch: a leaf naming another referrer than the bound one mints with the bound referrer", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      await d.shop
        .connect(d.operator)
        .recordOrder({ orderHash: hashOf("p1"), customer: alice.address, amount: COIN, referrer: bob.address });
      const list = entries([
        { orderHash: hashOf("leaf"), customer: alice.address, amount: COIN, referrer: carol.address },
      ]);
      const { root } = treeOf(list);
      await anchor(d, root, list);
      const bobBefore = await d.token.balanceOf(bob.address);
      // On path 1 this order would revert ShopReferrerAlreadyBound; an anchored leaf cannot be corrected, so it
      // mints rather than lock its revenue's tokens for ever.
      await mint(d, root, list[0], []);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.token.balanceOf(carol.address)).to.equal(0n);
      expect((await d.token.balanceOf(bob.address)) - bobBefore).to.equal(
        (consumptionOf(COIN, RULES) * RULES.referralBps) / 10_000n,
      );
    });

    it("mintFromBatch mints by the rules in force at mint time (documented limitation: mint promptly)", async () => {
      const d = await load(RULES, { noticePeriod: DAY });
      const [, , , alice] = d.signers;
      const amount = 3n * COIN;
      const list = entries([
        { orderHash: hashOf("old-rules"), customer: alice.address, amount, referrer: ZeroAddress },
      ]);
      const { root } = treeOf(list);
      await anchor(d, root, list);
      // After the batch counted, the merchant makes consumption stingier (twice the spend per token): it waits
      // out the one-day notice period, which protects orders made before it, and then applies.
      await d.shop.connect(d.admin).changeRules(0, { ...RULES, spendPerToken: 2n * RULES.spendPerToken });
      await d.helpers.time.increase(DAY + 1);
      await d.shop.applyPendingRules(0);
      await mint(d, root, list[0], []);
      // The order was counted under the old rules but mints under the rules in force now (half as many tokens):
      // see docs/architecture.md, "Rules at mint time".
      const stingier = { ...RULES, spendPerToken: 2n * RULES.spendPerToken };
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(amount, stingier));
      expect(consumptionOf(amount, stingier)).to.be.lessThan(consumptionOf(amount, RULES));
    });
  });
});
