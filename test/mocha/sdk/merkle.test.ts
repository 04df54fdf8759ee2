import { expect } from "chai";
import { getAddress, id, keccak256, toBeHex, zeroPadValue } from "ethers";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  BATCH_LEAF_ENCODING,
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidOrderError,
  MAX_ORDER_ID,
  MerkleBatchError,
  ZERO_ADDRESS,
  buildBatch,
  hashBatchLeaf,
  processMultiProof,
  processProof,
  verifyBatchMultiProof,
  verifyBatchProof,
  type BatchOrderInput,
  type MerkleBatch,
} from "../../../sdk/src/index.js";
import { ALICE, BOB } from "./helpers.js";

/** A deterministic pseudo-random address (lower case, checksummed or upper case by `i % 3`). */
function address(seed: string, i: number): string {
  const lower = zeroPadValue(toBeHex(BigInt(keccak256(id(`${seed}-${i}`))) >> 96n), 20);
  if (i % 3 === 0) return lower;
  if (i % 3 === 1) return getAddress(lower);
  return "0x" + lower.slice(2).toUpperCase();
}

function makeOrders(n: number, seed = "orders"): BatchOrderInput[] {
  return Array.from({ length: n }, (_, i) => ({
    orderHash: id(`${seed}-order-${i}`),
    customer: address(`${seed}-customer`, i),
    amount: BigInt(i + 1) * 10n ** 15n + BigInt(i),
    referrer: i % 4 === 0 ? undefined : i % 4 === 1 ? ZERO_ADDRESS : address(`${seed}-referrer`, i % 7),
  }));
}

type OzValue = [bigint, string, string, bigint, string];

/** The first order id of the tests' batches. */
const FIRST = 1001n;

/**
 * First order ids for the size sweep: small, across the builder's 32-bit carry (ids 2^32 - 3 .. 2^32 + n) and at the
 * top of the 64-bit range (the last leaf has id 2^64 - 1).
 */
function firstFor(n: number): bigint {
  if (n % 3 === 1) return 1n;
  if (n % 3 === 2) return (1n << 32n) - 3n;
  return MAX_ORDER_ID - BigInt(n) + 1n;
}

function ozTree(orders: readonly BatchOrderInput[], firstOrderId: bigint = FIRST): StandardMerkleTree<OzValue> {
  const values: OzValue[] = orders.map((o, i) => [
    firstOrderId + BigInt(i),
    o.orderHash,
    o.customer,
    BigInt(o.amount),
    o.referrer ?? ZERO_ADDRESS,
  ]);
  return StandardMerkleTree.of(values, [...BATCH_LEAF_ENCODING]);
}

/** Deterministic subsets of 0..n-1 for multiproofs. */
function subsets(n: number): number[][] {
  const out: number[][] = [[0], [n - 1], Array.from({ length: n }, (_, i) => i)];
  if (n > 2) out.push([n - 1, 0, Math.floor(n / 2)]);
  if (n > 5) out.push(Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 1));
  if (n > 50) out.push([7, 3, 40, 41, 42, n - 2]);
  return out;
}

async function expectThrows<E extends Error>(
  type: abstract new (...args: never[]) => E,
  fn: () => Promise<unknown>,
): Promise<E> {
  try {
    await fn();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as E;
  }
  return expect.fail(`expected ${type.name}`);
}

describe("SDK Merkle batches", () => {
  for (const n of [1, 2, 3, 4, 5, 7, 8, 17, 64, 1000]) {
    it(`buildBatch matches StandardMerkleTree for ${n} leaves (order ids from ${firstFor(n)}): root, every leaf hash and proof, multiproofs`, async () => {
      const orders = makeOrders(n, `n${n}`);
      const first = firstFor(n);
      const batch = await buildBatch(orders, { firstOrderId: first });
      const oz = ozTree(orders, first);
      expect(batch.root).to.equal(oz.root);
      expect(batch.firstOrderId).to.equal(first);
      expect(batch.orderCount).to.equal(n);
      expect(batch.totalRevenue).to.equal(orders.reduce((s, o) => s + BigInt(o.amount), 0n));
      for (let i = 0; i < n; i++) {
        expect(batch.proof(i), `proof ${i}`).to.deep.equal(oz.getProof(i));
        expect(batch.leafHash(i), `leaf ${i}`).to.equal(oz.leafHash(oz.at(i)!));
      }
      for (const indices of subsets(n)) {
        const ours = batch.multiProof(indices);
        const theirs = oz.getMultiProof(indices);
        expect(ours.proof, `multiproof ${indices}`).to.deep.equal(theirs.proof);
        expect(ours.proofFlags).to.deep.equal(theirs.proofFlags);
        expect(ours.leaves.map((l) => l.orderId)).to.deep.equal(theirs.leaves.map((v) => v[0]));
        expect(ours.leaves.map((l) => first + BigInt(l.index))).to.deep.equal(theirs.leaves.map((v) => v[0]));
        expect(ours.leafHashes).to.deep.equal(theirs.leaves.map((v) => oz.leafHash(v)));
        expect(processMultiProof(ours.leafHashes, ours.proof, ours.proofFlags)).to.equal(batch.root);
      }
    });
  }

  it("an empty multiproof is [root], as in OpenZeppelin", async () => {
    const orders = makeOrders(5);
    const batch = await buildBatch(orders, { firstOrderId: FIRST });
    const mp = batch.multiProof([]);
    expect(mp.proof).to.deep.equal(ozTree(orders).getMultiProof([]).proof);
    expect(mp.proof).to.deep.equal([batch.root]);
    expect(processMultiProof([], mp.proof, mp.proofFlags)).to.equal(batch.root);
  });

  describe("leaves and proofs", () => {
    let orders: BatchOrderInput[];
    let batch: MerkleBatch;
    before(async () => {
      orders = makeOrders(13, "leaves");
      batch = await buildBatch(orders, { firstOrderId: FIRST });
    });

    it("leaf(i) returns the order with index i and order id firstOrderId + i, checksummed addresses, lower-case hash and zero for no referrer", () => {
      for (let i = 0; i < orders.length; i++) {
        const leaf = batch.leaf(i);
        expect(leaf.index).to.equal(i);
        expect(leaf.orderId).to.equal(FIRST + BigInt(i));
        expect(leaf.orderHash).to.equal(orders[i].orderHash.toLowerCase());
        expect(leaf.customer).to.equal(getAddress(orders[i].customer));
        expect(leaf.referrer).to.equal(getAddress(orders[i].referrer ?? ZERO_ADDRESS));
        expect(leaf.amount).to.equal(BigInt(orders[i].amount));
      }
      expect([...batch.leaves()].map((l) => l.index)).to.deep.equal(orders.map((_, i) => i));
    });

    it("hashBatchLeaf equals the batch's leaf hash, and verifyBatchProof accepts every proof", () => {
      for (let i = 0; i < orders.length; i++) {
        expect(hashBatchLeaf({ ...orders[i], orderId: FIRST + BigInt(i) })).to.equal(batch.leafHash(i));
        expect(hashBatchLeaf({ ...orders[i], orderId: (FIRST + BigInt(i)).toString() })).to.equal(batch.leafHash(i));
        expect(verifyBatchProof(batch.root, batch.leaf(i), batch.proof(i))).to.equal(true);
        expect(processProof(batch.leafHash(i), batch.proof(i))).to.equal(batch.root);
      }
    });

    it("StandardMerkleTree.verify accepts the SDK's proofs", () => {
      for (let i = 0; i < orders.length; i++) {
        const l = batch.leaf(i);
        const value = [l.orderId, l.orderHash, l.customer, l.amount, l.referrer];
        expect(StandardMerkleTree.verify(batch.root, [...BATCH_LEAF_ENCODING], value, batch.proof(i))).to.equal(true);
      }
    });

    it("verifyBatchProof rejects another order id, amount, customer, referrer, order hash, proof or root", () => {
      const leaf = batch.leaf(5);
      const proof = batch.proof(5);
      expect(verifyBatchProof(batch.root, { ...leaf, orderId: leaf.orderId + 1n }, proof)).to.equal(false);
      // The index is not part of the leaf: the order id is.
      expect(verifyBatchProof(batch.root, { ...leaf, index: 6 }, proof)).to.equal(true);
      expect(verifyBatchProof(batch.root, { ...leaf, amount: leaf.amount + 1n }, proof)).to.equal(false);
      expect(verifyBatchProof(batch.root, { ...leaf, customer: ALICE }, proof)).to.equal(false);
      expect(verifyBatchProof(batch.root, { ...leaf, referrer: BOB }, proof)).to.equal(false);
      expect(verifyBatchProof(batch.root, { ...leaf, orderHash: id("other") }, proof)).to.equal(false);
      expect(verifyBatchProof(batch.root, leaf, [...proof.slice(0, -1), id("x")])).to.equal(false);
      expect(verifyBatchProof(batch.root, leaf, proof.slice(0, -1))).to.equal(false);
      expect(verifyBatchProof(id("root"), leaf, proof)).to.equal(false);
    });

    it("verifyBatchMultiProof accepts the multiproof and rejects a tampered leaf, proof or flags", () => {
      const mp = batch.multiProof([2, 9, 11]);
      expect(verifyBatchMultiProof(batch.root, mp)).to.equal(true);
      const leaves = mp.leaves.map((l, k) => (k === 1 ? { ...l, amount: l.amount + 1n } : l));
      expect(verifyBatchMultiProof(batch.root, { ...mp, leaves })).to.equal(false);
      expect(verifyBatchMultiProof(batch.root, { ...mp, proof: [id("x"), ...mp.proof.slice(1)] })).to.equal(false);
      expect(verifyBatchMultiProof(batch.root, { ...mp, proofFlags: mp.proofFlags.slice(1) })).to.equal(false);
      expect(verifyBatchMultiProof(batch.root, { ...mp, proofFlags: mp.proofFlags.map((f) => !f) })).to.equal(false);
    });

    it("writeProof streams the same bytes as proof(i)", () => {
      const out = new Uint8Array(32 * 32);
      for (let i = 0; i < orders.length; i++) {
        const words = batch.writeProof(i, out, 32);
        const hex = Array.from(
          { length: words },
          (_, k) => "0x" + Buffer.from(out.subarray(32 + 32 * k, 64 + 32 * k)).toString("hex"),
        );
        expect(hex).to.deep.equal(batch.proof(i));
      }
    });

    it("forEachProof visits every order once with the bytes of proof(i)", () => {
      const seen: number[] = [];
      batch.forEachProof((index, proof, words) => {
        seen.push(index);
        const hex = Array.from(
          { length: words },
          (_, k) => "0x" + Buffer.from(proof.subarray(32 * k, 32 * k + 32)).toString("hex"),
        );
        expect(hex).to.deep.equal(batch.proof(index));
      });
      expect([...seen].sort((a, b) => a - b)).to.deep.equal(orders.map((_, i) => i));
    });

    it("writeProof refuses a buffer too small for the proof", () => {
      expect(() => batch.writeProof(0, new Uint8Array(31))).to.throw(RangeError);
    });

    it("proof, leaf and multiProof refuse out-of-range and duplicated indices", () => {
      expect(() => batch.proof(13)).to.throw(MerkleBatchError, /out of range/);
      expect(() => batch.leaf(-1)).to.throw(MerkleBatchError);
      expect(() => batch.leafHash(1.5)).to.throw(MerkleBatchError);
      expect(() => batch.multiProof([1, 1])).to.throw(MerkleBatchError, /duplicated/);
      expect(() => batch.multiProof([0, 99])).to.throw(MerkleBatchError);
    });
  });

  describe("buildBatch validation (typed error naming the order, before any tree exists)", () => {
    const good = makeOrders(4, "validation");
    const patch = (i: number, p: Partial<Record<keyof BatchOrderInput, unknown>>): BatchOrderInput[] =>
      good.map((o, k) => (k === i ? ({ ...o, ...p } as BatchOrderInput) : o));

    it("refuses an empty batch", async () => {
      await expectThrows(MerkleBatchError, () => buildBatch([], { firstOrderId: FIRST }));
    });

    it("refuses a missing, zero, negative, fractional or non-integer firstOrderId, and ids past 2^64 - 1", async () => {
      const missing = await expectThrows(MerkleBatchError, () =>
        (buildBatch as unknown as (orders: BatchOrderInput[]) => Promise<MerkleBatch>)(good),
      );
      expect(missing.field).to.equal("firstOrderId");
      expect(missing.message).to.include("firstOrderId");
      for (const firstOrderId of [0n, -1n, 1.5, "abc", "-3", null, undefined, 2n ** 64n]) {
        const e = await expectThrows(MerkleBatchError, () =>
          buildBatch(good, { firstOrderId: firstOrderId as bigint }),
        );
        expect(e.field, String(firstOrderId)).to.equal("firstOrderId");
      }
      // Four orders from 2^64 - 4 end at 2^64 - 1: fine; from 2^64 - 3 the last would pass it.
      expect((await buildBatch(good, { firstOrderId: MAX_ORDER_ID - 3n })).firstOrderId).to.equal(MAX_ORDER_ID - 3n);
      const over = await expectThrows(MerkleBatchError, () => buildBatch(good, { firstOrderId: MAX_ORDER_ID - 2n }));
      expect(over.message).to.include("2^64 - 1");
      expect((await buildBatch(good, { firstOrderId: "42" })).leaf(3).orderId).to.equal(45n);
      expect((await buildBatch(good, { firstOrderId: 42 })).root).to.equal(
        (await buildBatch(good, { firstOrderId: 42n })).root,
      );
    });

    it("hashBatchLeaf refuses a core v1 leaf (an index, no order id) and a bad order id", () => {
      const v1 = { index: 0, orderHash: good[0].orderHash, customer: good[0].customer, amount: 1n };
      expect(() => hashBatchLeaf(v1 as unknown as Parameters<typeof hashBatchLeaf>[0])).to.throw(
        InvalidOrderError,
        /order id/,
      );
      for (const orderId of [0n, -1n, 2n ** 64n, 1.5]) {
        expect(() => hashBatchLeaf({ ...good[0], orderId })).to.throw(InvalidAmountError, /orderId/);
      }
    });

    it("refuses a batch whose total revenue reaches 2^96 wei (the shop's cap per batch)", async () => {
      const half = 1n << 95n;
      const e = await expectThrows(MerkleBatchError, () =>
        buildBatch(
          [
            { ...good[0], amount: half },
            { ...good[1], amount: half },
          ],
          { firstOrderId: FIRST },
        ),
      );
      expect(e.field).to.equal("totalRevenue");
      const ok = await buildBatch(
        [
          { ...good[0], amount: half },
          { ...good[1], amount: half - 1n },
        ],
        { firstOrderId: FIRST },
      );
      expect(ok.totalRevenue).to.equal((1n << 96n) - 1n);
    });

    it("refuses a malformed or zero order hash", async () => {
      const e = await expectThrows(InvalidBytes32Error, () =>
        buildBatch(patch(1, { orderHash: "0x1234" }), { firstOrderId: FIRST }),
      );
      expect(e.field).to.equal("orders[1].orderHash");
      const z = await expectThrows(InvalidBytes32Error, () =>
        buildBatch(patch(2, { orderHash: `0x${"0".repeat(64)}` }), { firstOrderId: FIRST }),
      );
      expect(z.field).to.equal("orders[2].orderHash");
      await expectThrows(InvalidBytes32Error, () =>
        buildBatch(patch(0, { orderHash: `0x${"g".repeat(64)}` }), { firstOrderId: FIRST }),
      );
    });

    it("refuses a bad-checksum, malformed or zero customer", async () => {
      const bad = getAddress(good[2].customer).replace(/[a-f]/, (c) => c.toUpperCase());
      const e = await expectThrows(InvalidAddressError, () =>
        buildBatch(patch(2, { customer: bad }), { firstOrderId: FIRST }),
      );
      expect(e.field).to.equal("orders[2].customer");
      expect(e.reason).to.match(/checksum/);
      await expectThrows(InvalidAddressError, () =>
        buildBatch(patch(0, { customer: "0x12" }), { firstOrderId: FIRST }),
      );
      await expectThrows(InvalidAddressError, () => buildBatch(patch(0, { customer: 7 }), { firstOrderId: FIRST }));
      const z = await expectThrows(InvalidAddressError, () =>
        buildBatch(patch(3, { customer: ZERO_ADDRESS }), { firstOrderId: FIRST }),
      );
      expect(z.field).to.equal("orders[3].customer");
    });

    it("a zero referrer string does not make a zero customer acceptable later in the batch", async () => {
      const orders = patch(3, { customer: ZERO_ADDRESS });
      orders[0] = { ...orders[0], referrer: ZERO_ADDRESS };
      await expectThrows(InvalidAddressError, () => buildBatch(orders, { firstOrderId: FIRST }));
    });

    it("refuses an amount of 0, 2^96 or a fraction", async () => {
      for (const amount of [0n, 2n ** 96n, 0.5]) {
        const e = await expectThrows(InvalidAmountError, () =>
          buildBatch(patch(1, { amount }), { firstOrderId: FIRST }),
        );
        expect(e.field).to.equal("orders[1].amount");
      }
    });

    it("refuses a self-referral and a malformed referrer", async () => {
      const e = await expectThrows(MerkleBatchError, () =>
        buildBatch(patch(2, { referrer: good[2].customer.toLowerCase() }), { firstOrderId: FIRST }),
      );
      expect(e.entry).to.equal(2);
      expect(e.field).to.equal("orders[2].referrer");
      const r = await expectThrows(InvalidAddressError, () =>
        buildBatch(patch(1, { referrer: "nobody" }), { firstOrderId: FIRST }),
      );
      expect(r.field).to.equal("orders[1].referrer");
    });

    it("refuses a duplicated order hash, naming both positions", async () => {
      const e = await expectThrows(MerkleBatchError, () =>
        buildBatch(patch(3, { orderHash: good[1].orderHash.toUpperCase().replace("0X", "0x") }), {
          firstOrderId: FIRST,
        }),
      );
      expect(e.entry).to.equal(3);
      expect(e.message).to.include("orders[1]");
    });
  });
});
