import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import { buildBatch, hashPair, processProof, type MerkleBatch } from "../../../sdk/src/index.js";
import { consumptionOf, load, ONE, WUYOU_RULES, type Deployment } from "../fixture.js";
import { ledger } from "./helpers.js";

async function anchoredBatch(d: Deployment): Promise<MerkleBatch> {
  const customers = d.signers.slice(3, 7).map((s) => s.address);
  const batch = await buildBatch(
    customers.map((customer, k) => ({ orderHash: id(`leaf-${k}`), customer, amount: BigInt(k + 1) * ONE })),
  );
  await d.shop.connect(d.operator).anchorBatch(batch.root, batch.orderCount, batch.totalRevenue);
  return batch;
}

describe("Security: Merkle batches (an inner node passed as a leaf)", () => {
  it("mintFromBatch refuses an inner node posing as a leaf, though the shortened proof folds it to the root", async () => {
    const d = await load();
    const batch = await anchoredBatch(d);
    const leaf = batch.leaf(0);
    const proof = batch.proof(0);
    expect(proof.length >= 2).to.equal(true);
    // The parent of leaf 0 and its sibling, and the proof of that inner node.
    const inner = hashPair(batch.leafHash(0), proof[0]);
    const innerProof = proof.slice(1);
    expect(processProof(inner, innerProof)).to.equal(batch.root);
    const [left, right] = [batch.leafHash(0), proof[0]].sort();

    const customers = d.signers.slice(3, 7).map((s) => s.address);
    const before = { batch: await d.shop.batch(batch.root), ledger: await ledger(d, d.shop, [d.token], customers) };
    const operator = d.shop.connect(d.operator);
    // The inner node as the order hash: the shop hashes the leaf fields itself, so it never equals the node.
    await expect(operator.mintFromBatch(batch.root, 0, inner, leaf.customer, leaf.amount, leaf.referrer, innerProof))
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(batch.root, 0);
    // The node's 64-byte preimage spread over the leaf fields (the classic second-preimage attempt).
    await expect(
      operator.mintFromBatch(batch.root, BigInt(left), right, leaf.customer, leaf.amount, ZeroAddress, innerProof),
    ).to.be.revertedWithCustomError(d.shop, "ShopBatchIndexOutOfRange");
    await expect(
      operator.mintFromBatch(batch.root, 0, left, leaf.customer, leaf.amount, ZeroAddress, [right, ...innerProof]),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(batch.root, 0);
    // A real leaf with a proof one level short, or with the wrong index, fails too.
    await expect(
      operator.mintFromBatch(batch.root, 0, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, innerProof),
    ).to.be.revertedWithCustomError(d.shop, "ShopInvalidProof");
    await expect(
      operator.mintFromBatch(batch.root, 1, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof),
    ).to.be.revertedWithCustomError(d.shop, "ShopInvalidProof");

    // Nothing minted, nothing counted.
    expect(await d.shop.batch(batch.root)).to.deep.equal(before.batch);
    expect(await ledger(d, d.shop, [d.token], customers)).to.deep.equal(before.ledger);
    expect(await d.shop.isOrderCounted(inner, leaf.customer)).to.equal(false);

    // The real leaf mints once.
    await operator.mintFromBatch(batch.root, 0, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof);
    expect(await d.token.balanceOf(leaf.customer)).to.equal(consumptionOf(leaf.amount, WUYOU_RULES));
    await expect(
      operator.mintFromBatch(batch.root, 0, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopLeafAlreadyMinted")
      .withArgs(batch.root, 0);
  });
});
