import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { encodeAbiParameters, keccak256 as viemKeccak, parseAbiParameters, type Hex as ViemHex } from "viem";
import { ORDER_HASH_ABI_TYPES, ORDER_HASH_TAG } from "../../../sdk/src/index.js";
import {
  SOL_BEGIN,
  SOL_END,
  makeBatchVectors,
  makeOrderVectors,
  renderSolidityVectors,
  squash,
  type BatchVectorsFile,
  type OrderVectorsFile,
} from "./helpers.js";

const ORDER_JSON = new URL("../../vectors/order-hash.json", import.meta.url);
const BATCH_JSON = new URL("../../vectors/merkle-batch.json", import.meta.url);
const SOLIDITY = new URL("../../solidity/OrderHash.t.sol", import.meta.url);
const DOCS = new URL("../../../docs/order-hashing.md", import.meta.url);

/** viem's human-readable form of the order-hash preimage: an encoder independent of ethers (which the SDK uses). */
const VIEM_ORDER_PARAMS = parseAbiParameters(
  "bytes32 tag, address shop, uint256 chainId, bytes32 salt, (string orderId, address customer, uint256 amount, " +
    "address referrer, string currency, uint256 fiatAmount, uint256 quotedRate, uint256 createdAt, " +
    "(string sku, uint256 quantity, uint256 unitPrice)[] items) order",
);

function viemEncode(v: OrderVectorsFile["vectors"][number]): ViemHex {
  const o = v.order;
  return encodeAbiParameters(VIEM_ORDER_PARAMS, [
    ORDER_HASH_TAG,
    v.shop,
    BigInt(v.chainId),
    v.salt.toLowerCase() as ViemHex,
    {
      orderId: o.orderId,
      customer: o.customer,
      amount: BigInt(o.amount),
      referrer: o.referrer,
      currency: o.currency,
      fiatAmount: BigInt(o.fiatAmount),
      quotedRate: BigInt(o.quotedRate),
      createdAt: BigInt(o.createdAt),
      items: o.items.map((i) => ({ sku: i.sku, quantity: BigInt(i.quantity), unitPrice: BigInt(i.unitPrice) })),
    },
  ]);
}

describe("SDK test vectors", () => {
  let orders: OrderVectorsFile;
  let batch: BatchVectorsFile;

  before(async () => {
    orders = makeOrderVectors();
    batch = await makeBatchVectors(orders);
    if (process.env.UPDATE_VECTORS === "1") {
      await writeFile(ORDER_JSON, JSON.stringify(orders, null, 2) + "\n");
      await writeFile(BATCH_JSON, JSON.stringify(batch, null, 2) + "\n");
      const sol = await readFile(SOLIDITY, "utf8");
      const start = sol.indexOf(SOL_BEGIN);
      const end = sol.indexOf(SOL_END) + SOL_END.length;
      await writeFile(SOLIDITY, sol.slice(0, start) + renderSolidityVectors(orders, batch) + sol.slice(end));
    }
  });

  it("order-hash.json: hashOrder reproduces every committed vector (encoding and hash)", async () => {
    const committed = JSON.parse(await readFile(ORDER_JSON, "utf8")) as OrderVectorsFile;
    expect(committed.vectors).to.have.length(4);
    expect(orders).to.deep.equal(committed);
  });

  it("order-hash.json: an independent encoder (viem) gives the same bytes and hash for every vector", async () => {
    const committed = JSON.parse(await readFile(ORDER_JSON, "utf8")) as OrderVectorsFile;
    expect(committed.abiTypes).to.deep.equal(ORDER_HASH_ABI_TYPES);
    for (const v of committed.vectors) {
      const encoded = viemEncode(v);
      expect(encoded, v.name).to.equal(v.encoded);
      expect(viemKeccak(encoded), v.name).to.equal(v.orderHash);
    }
  });

  it("merkle-batch.json: the SDK reproduces it and @openzeppelin/merkle-tree agrees on root, proofs and multiproof", async () => {
    const committed = JSON.parse(await readFile(BATCH_JSON, "utf8")) as BatchVectorsFile;
    expect(batch).to.deep.equal(committed);
    expect(committed.firstOrderId).to.equal("1001");
    committed.leaves.forEach((l, i) => {
      expect(l.index).to.equal(i);
      expect(BigInt(l.orderId)).to.equal(BigInt(committed.firstOrderId) + BigInt(i));
    });
    const values = committed.leaves.map((l) => [l.orderId, l.orderHash, l.customer, l.amount, l.referrer]);
    const tree = StandardMerkleTree.of(values, [...committed.leafEncoding]);
    expect(tree.root).to.equal(committed.root);
    committed.leaves.forEach((l) => expect(tree.getProof(l.index)).to.deep.equal(committed.proofs[l.index]));
    const mp = tree.getMultiProof([...committed.multiProof.indices]);
    expect(mp.proof).to.deep.equal(committed.multiProof.proof);
    expect(mp.proofFlags).to.deep.equal(committed.multiProof.proofFlags);
    expect(mp.leaves.map((l) => l[0])).to.deep.equal(committed.multiProof.leafOrderIds);
    expect(committed.multiProof.leafIndices.map((i) => committed.leaves[i].orderId)).to.deep.equal(
      committed.multiProof.leafOrderIds,
    );
  });

  it("OrderHash.t.sol embeds exactly the committed vectors (rendered from the JSON files)", async () => {
    const committedOrders = JSON.parse(await readFile(ORDER_JSON, "utf8")) as OrderVectorsFile;
    const committedBatch = JSON.parse(await readFile(BATCH_JSON, "utf8")) as BatchVectorsFile;
    const sol = await readFile(SOLIDITY, "utf8");
    const start = sol.indexOf(SOL_BEGIN);
    const end = sol.indexOf(SOL_END);
    expect(start, "begin marker").to.be.greaterThan(0);
    expect(end, "end marker").to.be.greaterThan(start);
    const embedded = sol.slice(start, end + SOL_END.length);
    expect(squash(embedded)).to.equal(squash(renderSolidityVectors(committedOrders, committedBatch)));
  });

  it("docs/order-hashing.md shows every vector's order hash and the worked encoding of vector 0", async () => {
    const docs = await readFile(DOCS, "utf8");
    for (const v of orders.vectors) expect(docs, v.name).to.include(v.orderHash);
    const words = orders.vectors[0].encoded.slice(2).match(/.{64}/g) ?? [];
    expect(words.length).to.be.greaterThan(20);
    for (const w of words) expect(docs).to.include(w);
    expect(docs).to.include(batch.root);
  });
});
