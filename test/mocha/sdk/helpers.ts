/**
 * Shared fixtures of the SDK tests, and the generator of the committed test vectors (test/vectors/*.json) and of
 * the block of test/solidity/OrderHash.t.sol that embeds them. `vectors.test.ts` checks that the files match what
 * this module generates; `UPDATE_VECTORS=1 npx hardhat test mocha test/mocha/sdk/vectors.test.ts` rewrites them.
 */
import { getAddress, id } from "ethers";
import {
  buildBatch,
  createDisclosure,
  encodeOrder,
  hashOrder,
  type Address,
  type BatchOrderInput,
  type Hex,
  type PrivateOrderInput,
  type PrivateOrderJson,
} from "../../../sdk/src/index.js";

/** Hardhat's default accounts 0..3 and the first contract address of account 0: fixed, well-known addresses. */
export const SHOP: Address = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
export const ALICE: Address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
export const BOB: Address = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
export const CAROL: Address = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

/** A valid order used as the base of the tests: Wuyou Tea, 2 x 150 CNY at the demo rate 1 CNY = 10^15 wei. */
export const BASE_ORDER: PrivateOrderInput = {
  orderId: "WY-2026-000001",
  customer: ALICE,
  amount: 300n * 10n ** 15n,
  referrer: BOB,
  currency: "CNY",
  fiatAmount: 30_000n,
  quotedRate: 10n ** 15n,
  createdAt: 1_767_225_600n,
  items: [{ sku: "YDC-TEA-250G", quantity: 2n, unitPrice: 15_000n }],
};

export const BASE_SALT: Hex = id("ShareMall test vector salt 0") as Hex;
export const BASE_CONTEXT = { shop: SHOP, chainId: 31_337n, salt: BASE_SALT } as const;

/** An order input as stored in JSON (integers as numbers or decimal strings). */
export type OrderInputJson = {
  readonly [K in keyof PrivateOrderInput]: K extends "items"
    ? readonly { readonly sku: string; readonly quantity: number | string; readonly unitPrice: number | string }[]
    : K extends "referrer"
      ? string | null
      : string | number;
};

export interface OrderVector {
  readonly name: string;
  readonly description: string;
  readonly shop: Address;
  readonly chainId: string;
  readonly salt: Hex;
  /** What the caller passes (not necessarily normalised). */
  readonly input: OrderInputJson;
  /** The normalised order the hash commits to. */
  readonly order: PrivateOrderJson;
  /** `abi.encode(tag, shop, chainId, salt, order)`. */
  readonly encoded: Hex;
  readonly orderHash: Hex;
}

export interface OrderVectorsFile {
  readonly description: string;
  readonly domain: string;
  readonly tag: Hex;
  readonly abiTypes: readonly string[];
  readonly vectors: readonly OrderVector[];
}

interface VectorInput {
  readonly name: string;
  readonly description: string;
  readonly shop: Address;
  readonly chainId: string;
  readonly salt: Hex;
  readonly input: OrderInputJson;
}

const VECTOR_INPUTS: readonly VectorInput[] = [
  {
    name: "wuyou-tea",
    description: "Wuyou Tea order with a referrer: 2 x 150.00 CNY at 1 CNY = 10^15 wei, one item.",
    shop: SHOP,
    chainId: "31337",
    salt: BASE_SALT,
    input: {
      orderId: "WY-2026-000001",
      customer: ALICE,
      amount: "300000000000000000",
      referrer: BOB,
      currency: "CNY",
      fiatAmount: 30000,
      quotedRate: "1000000000000000",
      createdAt: 1767225600,
      items: [{ sku: "YDC-TEA-250G", quantity: 2, unitPrice: 15000 }],
    },
  },
  {
    name: "native-only",
    description: "Priced in the native coin only: currency XXX, no fiat amount or rate, no items, no referrer.",
    shop: SHOP,
    chainId: "1",
    salt: id("ShareMall test vector salt 1") as Hex,
    input: {
      orderId: "1",
      customer: BOB,
      amount: 1,
      referrer: null,
      currency: "XXX",
      fiatAmount: 0,
      quotedRate: 0,
      createdAt: 0,
      items: [],
    },
  },
  {
    name: "normalisation",
    description:
      "Input needing normalisation: lower-case addresses and currency, a decomposed e + U+0301 (NFC: U+00E9), " +
      "Chinese text, items in the merchant's (unsorted) order.",
    shop: SHOP.toLowerCase() as Address,
    chainId: "8453",
    salt: (id("ShareMall test vector salt 2") as string).toUpperCase().replace("0X", "0x") as Hex,
    input: {
      orderId: "订单-Cafe\u0301-42",
      customer: CAROL.toLowerCase(),
      amount: "123456789012345678",
      referrer: ALICE.toLowerCase(),
      currency: "cny",
      fiatAmount: "1288",
      quotedRate: "95852825320000",
      createdAt: "1767229200",
      items: [
        { sku: "乌龙茶-Oolong-100g", quantity: "3", unitPrice: 388 },
        { sku: "A-TEA-CUP", quantity: 1, unitPrice: "0" },
        { sku: "M-GIFT-BOX", quantity: 1, unitPrice: 124 },
      ],
    },
  },
  {
    name: "extremes",
    description: "Range limits: amount 2^96 - 1, fiat amount 2^256 - 1, createdAt 10^11 - 1, chain id above 2^53.",
    shop: SHOP,
    chainId: "9007199254740993",
    salt: `0x${"ff".repeat(32)}`,
    input: {
      orderId: "x".repeat(64),
      customer: ALICE,
      amount: ((1n << 96n) - 1n).toString(),
      referrer: "0x0000000000000000000000000000000000000000",
      currency: "USD",
      fiatAmount: ((1n << 256n) - 1n).toString(),
      quotedRate: (1n << 200n).toString(),
      createdAt: "99999999999",
      items: [{ sku: "S", quantity: ((1n << 64n) + 1n).toString(), unitPrice: ((1n << 255n) + 7n).toString() }],
    },
  },
];

/** Builds the order vectors file from the fixed inputs with the SDK. */
export function makeOrderVectors(): OrderVectorsFile {
  return {
    description:
      "ShareMall order-hash test vectors (docs/order-hashing.md). orderHash = keccak256(encoded); input is what the " +
      "caller passes, order the normalised order the hash commits to. Generated by test/mocha/sdk/helpers.ts.",
    domain: "ShareMall.OrderHash.v1",
    tag: id("ShareMall.OrderHash.v1") as Hex,
    abiTypes: ["bytes32", "address", "uint256", "bytes32", orderTupleType()],
    vectors: VECTOR_INPUTS.map((v) => {
      const input = v.input as unknown as PrivateOrderInput;
      const context = { shop: v.shop, chainId: v.chainId, salt: v.salt };
      const disclosure = createDisclosure(input, context);
      return {
        ...v,
        order: disclosure.order,
        encoded: encodeOrder(input, context),
        orderHash: hashOrder(input, context),
      };
    }),
  };
}

function orderTupleType(): string {
  return (
    "tuple(string orderId,address customer,uint256 amount,address referrer,string currency,uint256 fiatAmount," +
    "uint256 quotedRate,uint256 createdAt,tuple(string sku,uint256 quantity,uint256 unitPrice)[] items)"
  );
}

export interface BatchVectorLeaf {
  readonly index: number;
  /** `firstOrderId + index`, decimal string: the leaf's first word. */
  readonly orderId: string;
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly amount: string;
  readonly referrer: Address;
}

export interface BatchVectorsFile {
  readonly description: string;
  readonly leafEncoding: readonly string[];
  /** The order id of leaf 0, decimal string. */
  readonly firstOrderId: string;
  readonly leaves: readonly BatchVectorLeaf[];
  readonly root: Hex;
  readonly leafHashes: readonly Hex[];
  readonly proofs: readonly (readonly Hex[])[];
  readonly multiProof: {
    readonly indices: readonly number[];
    /** The proven leaves' indices and order ids, in the multiproof's order. */
    readonly leafIndices: readonly number[];
    readonly leafOrderIds: readonly string[];
    readonly leafHashes: readonly Hex[];
    readonly proof: readonly Hex[];
    readonly proofFlags: readonly boolean[];
  };
}

/** The first order id of the Merkle batch vector. */
export const BATCH_VECTOR_FIRST_ORDER_ID = 1001n;

/**
 * The batch of the Merkle vectors: the order vectors' hashes plus one more order, with order ids from
 * {@link BATCH_VECTOR_FIRST_ORDER_ID}. The range-limit vector's amount (2^96 - 1) is halved so that the batch stays
 * within the shop's 2^96 - 1 wei per batch.
 */
export async function makeBatchVectors(orders: OrderVectorsFile): Promise<BatchVectorsFile> {
  const inputs: BatchOrderInput[] = orders.vectors.map((v) => ({
    orderHash: v.orderHash,
    customer: v.order.customer,
    amount: BigInt(v.order.amount) >= 1n << 95n ? BigInt(v.order.amount) / 2n : v.order.amount,
    referrer: v.order.referrer,
  }));
  inputs.push({ orderHash: id("ShareMall batch vector order 4"), customer: CAROL, amount: 5n * 10n ** 17n });
  const batch = await buildBatch(inputs, { firstOrderId: BATCH_VECTOR_FIRST_ORDER_ID });
  const leaves = [...batch.leaves()].map((l) => ({
    index: l.index,
    orderId: l.orderId.toString(),
    orderHash: l.orderHash,
    customer: l.customer,
    amount: l.amount.toString(),
    referrer: l.referrer,
  }));
  const mp = batch.multiProof([0, 3, 4]);
  return {
    description:
      "ShareMall Merkle batch vectors: StandardMerkleTree leaves [orderId, orderHash, customer, amount, referrer], " +
      "orderId = firstOrderId + index. Generated by test/mocha/sdk/helpers.ts; checked against " +
      "@openzeppelin/merkle-tree and in Solidity.",
    leafEncoding: ["uint256", "bytes32", "address", "uint256", "address"],
    firstOrderId: batch.firstOrderId.toString(),
    leaves,
    root: batch.root,
    leafHashes: leaves.map((l) => batch.leafHash(l.index)),
    proofs: leaves.map((l) => batch.proof(l.index)),
    multiProof: {
      indices: [0, 3, 4],
      leafIndices: mp.leaves.map((l) => l.index),
      leafOrderIds: mp.leaves.map((l) => l.orderId.toString()),
      leafHashes: mp.leafHashes,
      proof: mp.proof,
      proofFlags: mp.proofFlags,
    },
  };
}

export const SOL_BEGIN = "// ---- BEGIN GENERATED VECTORS";
export const SOL_END = "// ---- END GENERATED VECTORS ----";

function solString(s: string): string {
  const escaped = s.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
  return /^[\x20-\x7e]*$/.test(s) ? `"${escaped}"` : `unicode"${escaped}"`;
}

function solBytes32Array(name: string, values: readonly string[]): string[] {
  return [
    `bytes32[] memory ${name} = new bytes32[](${values.length});`,
    ...values.map((v, i) => `${name}[${i}] = ${v};`),
  ];
}

/** Renders the generated block of OrderHash.t.sol (the lines between the markers, markers included). */
export function renderSolidityVectors(orders: OrderVectorsFile, batch: BatchVectorsFile): string {
  const lines: string[] = [
    `${SOL_BEGIN} (rendered from test/vectors/*.json by test/mocha/sdk/helpers.ts; do not edit) ----`,
  ];
  orders.vectors.forEach((v, n) => {
    const o = v.order;
    lines.push("", `/// @dev Order vector ${n} (${v.name}): ${v.description}`);
    lines.push(`function test_orderHash_vector${n}() public pure {`);
    lines.push(`Item[] memory items = new Item[](${o.items.length});`);
    o.items.forEach((item, i) => {
      lines.push(
        `items[${i}] = Item({sku: ${solString(item.sku)}, quantity: ${item.quantity}, unitPrice: ${item.unitPrice}});`,
      );
    });
    lines.push(
      "PrivateOrder memory order = PrivateOrder({",
      `orderId: ${solString(o.orderId)},`,
      `customer: ${o.customer},`,
      `amount: ${o.amount},`,
      `referrer: ${o.referrer},`,
      `currency: ${solString(o.currency)},`,
      `fiatAmount: ${o.fiatAmount},`,
      `quotedRate: ${o.quotedRate},`,
      `createdAt: ${o.createdAt},`,
      "items: items",
      "});",
      `_checkOrder(${getAddress(v.shop)}, ${v.chainId}, ${v.salt.toLowerCase()}, order, ${v.orderHash}, "vector ${n}");`,
      "}",
    );
  });
  lines.push("", `/// @dev The Merkle batch vector (order ids from ${batch.firstOrderId}): every leaf hash and proof.`);
  lines.push("function test_batchVector_leavesAndProofs() public pure {");
  lines.push(`bytes32 root = ${batch.root};`);
  batch.leaves.forEach((l, i) => {
    lines.push(...solBytes32Array(`proof${i}`, batch.proofs[i]));
    lines.push(
      `_checkLeaf(root, Leaf({orderId: ${l.orderId}, orderHash: ${l.orderHash}, customer: ${l.customer}, ` +
        `amount: ${l.amount}, referrer: ${l.referrer}}), ${batch.leafHashes[i]}, proof${i});`,
    );
  });
  lines.push("}");
  lines.push(
    "",
    "/// @dev The Merkle batch vector's multiproof, checked with OpenZeppelin's MerkleProof.multiProofVerify.",
  );
  lines.push("function test_batchVector_multiProof() public pure {");
  lines.push(`bytes32 root = ${batch.root};`);
  lines.push(`Leaf[] memory leaves = new Leaf[](${batch.multiProof.leafIndices.length});`);
  batch.multiProof.leafIndices.forEach((index, k) => {
    const l = batch.leaves[index];
    lines.push(
      `leaves[${k}] = Leaf({orderId: ${l.orderId}, orderHash: ${l.orderHash}, customer: ${l.customer}, ` +
        `amount: ${l.amount}, referrer: ${l.referrer}});`,
    );
  });
  lines.push(...solBytes32Array("proof", batch.multiProof.proof));
  lines.push(`bool[] memory flags = new bool[](${batch.multiProof.proofFlags.length});`);
  batch.multiProof.proofFlags.forEach((f, i) => lines.push(`flags[${i}] = ${f};`));
  lines.push("_checkMultiProof(root, leaves, proof, flags);");
  lines.push("}");
  lines.push(SOL_END);
  return lines.join("\n");
}

/** Removes all whitespace: the comparison of the rendered and the formatted Solidity ignores layout. */
export function squash(s: string): string {
  return s.replace(/\s+/g, "");
}
