import { expect } from "chai";
import { id, ZeroAddress } from "ethers";
import {
  anchorTree,
  batchLeaf,
  consumptionOf,
  hashPair,
  load,
  merkleBatch,
  mintLeaf,
  ONE,
  processProof,
  WUYOU_RULES,
  type Deployment,
  type Tree,
} from "../fixture.js";
import { ledger } from "./helpers.js";

async function anchoredBatch(d: Deployment): Promise<Tree> {
  const customers = d.signers.slice(3, 7).map((s) => s.address);
  const tree = merkleBatch(
    customers.map((customer, k) => ({ orderHash: id(`leaf-${k}`), customer, amount: BigInt(k + 1) * ONE })),
  );
  await anchorTree(d, tree);
  return tree;
}

describe("Security: Merkle batches (an inner node passed as a leaf)", () => {
  it("mintFromBatch refuses an inner node posing as a leaf, though the shortened proof folds it to the root", async () => {
    const d = await load();
    const tree = await anchoredBatch(d);
    const leaf = tree.leaves[0];
    const proof = tree.proof(0);
    expect(proof.length >= 2).to.equal(true);
    // The parent of leaf 0 and its sibling, and the proof of that inner node.
    const leafHash = batchLeaf(leaf.orderId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer);
    const inner = hashPair(leafHash, proof[0]);
    const innerProof = proof.slice(1);
    expect(processProof(inner, innerProof)).to.equal(tree.root);
    const [left, right] = [leafHash, proof[0]].sort();

    const customers = d.signers.slice(3, 7).map((s) => s.address);
    const before = { batch: await d.shop.batch(tree.root), ledger: await ledger(d, d.shop, [d.token], customers) };
    const operator = d.shop.connect(d.operator);
    const root = tree.root;
    // The inner node as the order hash: the shop hashes the leaf fields itself, so it never equals the node.
    await expect(
      operator.mintFromBatch(root, leaf.orderId, inner, leaf.customer, leaf.amount, leaf.referrer, innerProof),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(root, leaf.orderId);
    // The node's 64-byte preimage spread over the leaf fields (the classic second-preimage attempt): a leaf is the
    // double hash of five words, never the single hash of two.
    await expect(
      operator.mintFromBatch(root, leaf.orderId, left, leaf.customer, leaf.amount, ZeroAddress, [right, ...innerProof]),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(root, leaf.orderId);
    // A real leaf with a proof one level short, or under another leaf's id, fails too.
    await expect(
      operator.mintFromBatch(root, leaf.orderId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, innerProof),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(root, leaf.orderId);
    const otherId = tree.leaves[1].orderId;
    await expect(
      operator.mintFromBatch(root, otherId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof),
    )
      .to.be.revertedWithCustomError(d.shop, "ShopInvalidProof")
      .withArgs(root, otherId);

    // Nothing minted, nothing counted.
    expect(await d.shop.batch(root)).to.deep.equal(before.batch);
    expect(await ledger(d, d.shop, [d.token], customers)).to.deep.equal(before.ledger);
    expect(await d.shop.isOrderIdUsed(leaf.orderId)).to.equal(false);
    expect(await d.shop.isOrderIdUsed(otherId)).to.equal(false);

    // The real leaf mints once.
    await mintLeaf(d, tree, 0);
    expect(await d.token.balanceOf(leaf.customer)).to.equal(consumptionOf(leaf.amount, WUYOU_RULES));
    await expect(mintLeaf(d, tree, 0))
      .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
      .withArgs(leaf.orderId);
  });
});
