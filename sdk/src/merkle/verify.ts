/**
 * Synchronous verification of batch leaves, proofs and multiproofs (ethers' Keccak; no wasm needed), with the
 * semantics of OpenZeppelin's `MerkleProof.verify` / `multiProofVerify` and `StandardMerkleTree.verify`.
 *
 * @packageDocumentation
 */
import { concat, encodeAbiParameters, keccak256 } from "viem";
import { InvalidOrderError, MerkleBatchError } from "../errors.js";
import type { Hex, IntegerLike } from "../types.js";
import {
  validateAddress,
  validateBytes32,
  validateOptionalAddress,
  validateOrderId,
  validateWeiAmount,
} from "../validation.js";
import { BATCH_LEAF_ENCODING, type BatchOrderInput } from "./batch.js";

/**
 * A leaf as given to the verify helpers: an order plus its order id (a {@link BatchLeaf} from `batch.leaf(i)` or a
 * batch file entry will do). Since core v2 a leaf is keyed by its order id, not by its position in the batch.
 */
export interface BatchLeafInput extends BatchOrderInput {
  /** The leaf's order id, `firstOrderId + index`, `1 .. 2^64 - 1`. */
  readonly orderId: IntegerLike;
  /** The leaf's position in the batch (not hashed; carried by `BatchLeaf` and batch file entries). */
  readonly index?: number | bigint;
}

/** A multiproof to verify: OpenZeppelin's `{ leaves, proof, proofFlags }` with leaf data as leaves. */
export interface BatchMultiProofInput {
  readonly leaves: readonly BatchLeafInput[];
  readonly proof: readonly string[];
  readonly proofFlags: readonly boolean[];
}

/** {@link BATCH_LEAF_ENCODING} as ABI parameters, for the encoder. */
const LEAF_PARAMETERS = BATCH_LEAF_ENCODING.map((type) => ({ type })) as unknown as readonly [
  { type: "uint256" },
  { type: "bytes32" },
  { type: "address" },
  { type: "uint256" },
  { type: "address" },
];

/**
 * The leaf hash of one batch order: `keccak256(bytes.concat(keccak256(abi.encode(orderId, orderHash, customer,
 * amount, referrer))))`, as the shop computes it in `mintFromBatch`. Validates the leaf first.
 *
 * @param leaf - The order and its order id.
 * @returns The leaf hash.
 * @throws Typed validation errors for a malformed field; {@link InvalidOrderError} for a leaf without an `orderId`
 * (a core v1 leaf, keyed by index).
 * @example
 * ```ts
 * hashBatchLeaf({ orderId: 1001n, orderHash, customer: alice, amount: 10n ** 16n }); // "0x..."
 * ```
 */
export function hashBatchLeaf(leaf: BatchLeafInput): Hex {
  if (typeof leaf !== "object" || leaf === null) throw new InvalidOrderError("leaf", "expected an object");
  if (leaf.orderId === undefined) {
    throw new InvalidOrderError(
      "orderId",
      "a batch leaf is keyed by its order id (firstOrderId + index) since core v2, not by its index",
    );
  }
  const orderId = validateOrderId("orderId", leaf.orderId);
  const orderHash = validateBytes32("orderHash", leaf.orderHash, { allowZero: false });
  const customer = validateAddress("customer", leaf.customer);
  const amount = validateWeiAmount("amount", leaf.amount);
  const referrer = validateOptionalAddress("referrer", leaf.referrer);
  const encoded = encodeAbiParameters(LEAF_PARAMETERS, [orderId, orderHash, customer, amount, referrer]);
  return keccak256(keccak256(encoded));
}

/**
 * Keccak-256 of the sorted pair `(a, b)`: an inner node of the tree (OpenZeppelin `Hashes.commutativeKeccak256`).
 *
 * @param a - One node.
 * @param b - The other node.
 * @returns `keccak256(min(a, b) ++ max(a, b))`.
 * @example
 * ```ts
 * hashPair(leafA, leafB) === hashPair(leafB, leafA); // true
 * ```
 */
export function hashPair(a: string, b: string): Hex {
  const x = validateBytes32("node", a);
  const y = validateBytes32("node", b);
  return keccak256(x < y ? concat([x, y]) : concat([y, x]));
}

/**
 * Folds a proof onto a leaf hash (OpenZeppelin `MerkleProof.processProof`).
 *
 * @param leafHash - The leaf hash.
 * @param proof - The sibling hashes, leaf to root.
 * @returns The root the proof leads to.
 * @example
 * ```ts
 * processProof(batch.leafHash(3), batch.proof(3)) === batch.root; // true
 * ```
 */
export function processProof(leafHash: string, proof: readonly string[]): Hex {
  let node = validateBytes32("leafHash", leafHash);
  if (!Array.isArray(proof)) throw new MerkleBatchError("proof must be an array of bytes32");
  for (const sibling of proof) node = hashPair(node, sibling);
  return node;
}

/**
 * Verifies that a leaf belongs to the tree with `root` (what `Shop.mintFromBatch` checks).
 *
 * @param root - The anchored root.
 * @param leaf - The order and its order id.
 * @param proof - Its proof.
 * @returns Whether the proof leads from the leaf to `root`.
 * @throws Typed validation errors for a malformed leaf or root.
 * @example
 * ```ts
 * verifyBatchProof(batch.root, batch.leaf(5), batch.proof(5)); // true
 * ```
 */
export function verifyBatchProof(root: string, leaf: BatchLeafInput, proof: readonly string[]): boolean {
  const r = validateBytes32("root", root);
  return processProof(hashBatchLeaf(leaf), proof) === r;
}

/**
 * Folds a multiproof (OpenZeppelin `MerkleProof.processMultiProof`) and returns the root it leads to.
 *
 * @param leafHashes - The leaf hashes, in the multiproof's order.
 * @param proof - The proof hashes.
 * @param proofFlags - The flags.
 * @returns The root.
 * @throws {@link MerkleBatchError} if the sizes do not fit together (as OpenZeppelin reverts `MerkleProofInvalidMultiproof`).
 * @example
 * ```ts
 * const mp = batch.multiProof([1, 4]);
 * processMultiProof(mp.leafHashes, mp.proof, mp.proofFlags) === batch.root; // true
 * ```
 */
export function processMultiProof(
  leafHashes: readonly string[],
  proof: readonly string[],
  proofFlags: readonly boolean[],
): Hex {
  const leaves = leafHashes.map((h) => validateBytes32("leafHashes[]", h));
  const proofs = proof.map((h) => validateBytes32("proof[]", h));
  if (leaves.length + proofs.length !== proofFlags.length + 1) {
    throw new MerkleBatchError(
      `invalid multiproof: ${leaves.length} leaves + ${proofs.length} proof hashes != ${proofFlags.length} flags + 1`,
    );
  }
  if (proofs.length < proofFlags.filter((f) => !f).length) {
    throw new MerkleBatchError("invalid multiproof: fewer proof hashes than false flags");
  }
  // OpenZeppelin's queue: leaves first, then the hashes made so far, in order.
  const queue: Hex[] = leaves.slice();
  let head = 0;
  let proofPos = 0;
  for (const flag of proofFlags) {
    const a = queue[head++];
    const b = flag ? queue[head++] : proofs[proofPos++];
    if (a === undefined || b === undefined) throw new MerkleBatchError("invalid multiproof: flags consume too much");
    queue.push(hashPair(a, b));
  }
  if (queue.length - head + proofs.length - proofPos !== 1) {
    throw new MerkleBatchError("invalid multiproof: it does not fold to a single root");
  }
  return head < queue.length ? queue[queue.length - 1] : proofs[proofPos];
}

/**
 * Verifies a multiproof of batch leaves against a root (OpenZeppelin `MerkleProof.multiProofVerify` with the
 * double-hashed leaves).
 *
 * @param root - The anchored root.
 * @param multiproof - `{ leaves, proof, proofFlags }`, leaves as order data with their order ids.
 * @returns Whether the multiproof leads to `root`; `false` also for a malformed multiproof.
 * @throws Typed validation errors for malformed leaf data.
 * @example
 * ```ts
 * verifyBatchMultiProof(batch.root, batch.multiProof([0, 2, 3])); // true
 * ```
 */
export function verifyBatchMultiProof(root: string, multiproof: BatchMultiProofInput): boolean {
  const r = validateBytes32("root", root);
  const leafHashes = multiproof.leaves.map((leaf) => hashBatchLeaf(leaf));
  try {
    return processMultiProof(leafHashes, multiproof.proof, multiproof.proofFlags) === r;
  } catch (error) {
    if (error instanceof MerkleBatchError) return false;
    throw error;
  }
}
