/**
 * Merkle batches of orders (order path 4), laid out exactly as OpenZeppelin's `StandardMerkleTree` with leaf
 * encoding `["uint256", "bytes32", "address", "uint256", "address"]` = `[orderId, orderHash, customer, amount,
 * referrer]`. A batch's leaves carry consecutive order ids from the batch's `firstOrderId` (the operator's order
 * numbers, shared with recorded orders and receipts: each id counts once in the shop).
 *
 * The builder keeps the whole tree in one flat `Uint8Array` in OpenZeppelin's array layout (node `i` has children
 * `2i + 1` and `2i + 2`; the leaves, sorted by hash, fill the last `n` slots in reverse order) and hashes with
 * hash-wasm's Keccak on byte views, so no hex string is made on the hot path.
 *
 * @packageDocumentation
 */
import type { IHasher } from "hash-wasm";
import {
  describeValue,
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  MerkleBatchError,
} from "../errors.js";
import { NIBBLE, compare32, hexAt, wasmKeccak, writeHex, writeUint96, writeU32 } from "../internal/bytes.js";
import { sortRecords32 } from "../internal/sort.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import { UINT64_MAX, validateOrderId, validateWeiAmount } from "../validation.js";

/** The leaf encoding of ShareMall batches, as OpenZeppelin's `StandardMerkleTree` names it. */
export const BATCH_LEAF_ENCODING: readonly ["uint256", "bytes32", "address", "uint256", "address"] = [
  "uint256",
  "bytes32",
  "address",
  "uint256",
  "address",
];

/** Most orders one batch may hold (the shop refuses `orderCount > 2^24`). */
export const MAX_BATCH_ORDERS = 1 << 24;

/** One order of a batch as given by the caller; its leaf index is its position in the batch, its order id
 * `firstOrderId + index`. */
export interface BatchOrderInput {
  /** The order hash (see `hashOrder`); not zero. */
  readonly orderHash: string;
  /** The buyer; not the zero address. */
  readonly customer: string;
  /** Amount in wei, `1 .. 2^96 - 1`. */
  readonly amount: IntegerLike;
  /** The referrer, or `undefined`/`null`/zero address for none; never the customer. */
  readonly referrer?: string | null;
}

/** One validated leaf of a batch: the arguments of `Shop.mintFromBatch` besides the root and proof. */
export interface BatchLeaf {
  /** Position in the batch, `0 .. orderCount - 1`. */
  readonly index: number;
  /** The order's id, `firstOrderId + index` (its bit in the shop's order-id bitmap). */
  readonly orderId: bigint;
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly amount: bigint;
  readonly referrer: Address;
}

/** A multiproof in OpenZeppelin's format (`StandardMerkleTree.getMultiProof`), plus the leaves' hashes. */
export interface BatchMultiProof {
  /** The proven leaves, in the order `MerkleProof.multiProofVerify` consumes them (not the request order). */
  readonly leaves: readonly BatchLeaf[];
  /** The double-keccak hashes of `leaves`, same order: the `leaves` argument of `MerkleProof.multiProofVerify`. */
  readonly leafHashes: readonly Hex[];
  readonly proof: readonly Hex[];
  readonly proofFlags: readonly boolean[];
}

/**
 * A built batch: its root, totals, leaves and proofs. Immutable.
 *
 * @example
 * ```ts
 * const batch = await buildBatch(orders, { firstOrderId: 1001n });
 * const { orderId, orderHash, customer, amount, referrer } = batch.leaf(3);
 * await shop.mintFromBatch(batch.root, orderId, orderHash, customer, amount, referrer, batch.proof(3));
 * ```
 */
export interface MerkleBatch {
  /** The Merkle root, as `StandardMerkleTree.of(values, BATCH_LEAF_ENCODING).root` computes it. */
  readonly root: Hex;
  /** The order id of leaf 0; leaf `i` has id `firstOrderId + i`. */
  readonly firstOrderId: bigint;
  /** Number of orders (leaves). */
  readonly orderCount: number;
  /** Sum of the amounts in wei (the `totalRevenue` to anchor). */
  readonly totalRevenue: bigint;
  /** The leaf data of order `index`. */
  leaf(index: number): BatchLeaf;
  /** The leaf hash of order `index`: `keccak256(keccak256(abi.encode(orderId, orderHash, customer, amount,
   * referrer)))`. */
  leafHash(index: number): Hex;
  /** The proof of order `index`, identical to `StandardMerkleTree.getProof(index)`. */
  proof(index: number): Hex[];
  /**
   * Writes the proof of order `index` as raw 32-byte words into `out` at `offset` (no hex strings; for streaming
   * millions of proofs). Returns the number of words (at most 25 for 2^24 leaves: size `out` for that).
   */
  writeProof(index: number, out: Uint8Array, offset?: number): number;
  /**
   * Calls `fn(index, proof, words)` for every order, in tree order (ascending leaf hash, not index order), with the
   * proof as `words` raw 32-byte words at the start of `proof`, a buffer reused between calls (copy what you keep).
   * Tree order walks the tree with good memory locality: the fastest way to stream millions of proofs.
   */
  forEachProof(fn: (index: number, proof: Uint8Array, words: number) => void): void;
  /** A multiproof of the given orders, identical to `StandardMerkleTree.getMultiProof(indices)`. */
  multiProof(indices: readonly number[]): BatchMultiProof;
  /** Every leaf, in index order. */
  leaves(): IterableIterator<BatchLeaf>;
}

/** Label used in error fields: `orders` for {@link buildBatch}, `entries` for batch files. */
type ListName = "orders" | "entries";

/** The batch's data in flat form, as the builder makes it. */
class FlatBatch implements MerkleBatch {
  readonly root: Hex;

  constructor(
    readonly firstOrderId: bigint,
    readonly orderCount: number,
    readonly totalRevenue: bigint,
    private readonly orderHashes: readonly Hex[],
    private readonly customers: readonly Address[],
    private readonly referrers: readonly Address[],
    private readonly amounts: readonly bigint[],
    /** `(2n - 1) * 32` bytes: the OpenZeppelin tree array. */
    private readonly tree: Uint8Array,
    /** Tree index of each order's leaf. */
    private readonly treeIndexOf: Uint32Array,
    /** Order index of the leaf at tree index `t` is `orderAt[2n - 2 - t]`. */
    private readonly orderAt: Uint32Array,
  ) {
    this.root = hexAt(tree, 0, 32);
    this.tree32 = new Int32Array(tree.buffer, tree.byteOffset, tree.length >> 2);
  }

  /** The same tree as 32-bit words, for fast copies. */
  private readonly tree32: Int32Array;

  leaf(index: number): BatchLeaf {
    this.check(index);
    return {
      index,
      orderId: this.firstOrderId + BigInt(index),
      orderHash: this.orderHashes[index],
      customer: this.customers[index],
      amount: this.amounts[index],
      referrer: this.referrers[index],
    };
  }

  leafHash(index: number): Hex {
    this.check(index);
    return hexAt(this.tree, this.treeIndexOf[index] * 32, 32);
  }

  proof(index: number): Hex[] {
    this.check(index);
    const proof: Hex[] = [];
    for (let t = this.treeIndexOf[index]; t > 0; t = (t - 1) >> 1) {
      proof.push(hexAt(this.tree, (t & 1 ? t + 1 : t - 1) * 32, 32));
    }
    return proof;
  }

  writeProof(index: number, out: Uint8Array, offset = 0): number {
    this.check(index);
    let t = this.treeIndexOf[index];
    const words = 31 - Math.clz32(t + 1); // the leaf's depth
    if (!Number.isInteger(offset) || offset < 0 || offset + words * 32 > out.length) {
      throw new RangeError(`writeProof needs ${words * 32} bytes from offset ${offset}, the buffer has ${out.length}`);
    }
    const start = out.byteOffset + offset;
    if ((start & 3) === 0) {
      // Aligned: copy 4 bytes at a time.
      const tree32 = this.tree32;
      const out32 = new Int32Array(out.buffer, start, words * 8);
      for (let w = 0; t > 0; t = (t - 1) >> 1, w += 8) {
        const s = (t & 1 ? t + 1 : t - 1) * 8;
        for (let k = 0; k < 8; k++) out32[w + k] = tree32[s + k];
      }
    } else {
      const tree = this.tree;
      for (let o = offset; t > 0; t = (t - 1) >> 1, o += 32) {
        const s = (t & 1 ? t + 1 : t - 1) * 32;
        for (let k = 0; k < 32; k++) out[o + k] = tree[s + k];
      }
    }
    return words;
  }

  forEachProof(fn: (index: number, proof: Uint8Array, words: number) => void): void {
    const buffer = new Uint8Array(32 * 32);
    const last = 2 * this.orderCount - 2;
    // Leaf slots from the last one (smallest hash) to the first.
    for (let t = last; t >= this.orderCount - 1; t--) {
      const index = this.orderAt[last - t];
      fn(index, buffer, this.writeProof(index, buffer));
    }
  }

  multiProof(indices: readonly number[]): BatchMultiProof {
    if (!Array.isArray(indices)) throw new MerkleBatchError("multiProof expects an array of leaf indices");
    for (const index of indices) this.check(index);
    // OpenZeppelin core.getMultiProof on tree indices, sorted descending.
    const treeIndices = indices.map((i) => this.treeIndexOf[i]).sort((a, b) => b - a);
    for (let k = 1; k < treeIndices.length; k++) {
      if (treeIndices[k] === treeIndices[k - 1]) throw new MerkleBatchError("cannot prove a duplicated index");
    }
    const stack = treeIndices.slice();
    const proof: Hex[] = [];
    const proofFlags: boolean[] = [];
    let head = 0;
    while (head < stack.length && stack[head] > 0) {
      const j = stack[head++];
      const s = j & 1 ? j + 1 : j - 1;
      const p = (j - 1) >> 1;
      if (head < stack.length && s === stack[head]) {
        proofFlags.push(true);
        head++;
      } else {
        proofFlags.push(false);
        proof.push(hexAt(this.tree, s * 32, 32));
      }
      stack.push(p);
    }
    if (treeIndices.length === 0) proof.push(this.root);
    const last = 2 * this.orderCount - 2;
    const leaves = treeIndices.map((t) => this.leaf(this.orderAt[last - t]));
    const leafHashes = treeIndices.map((t) => hexAt(this.tree, t * 32, 32));
    return { leaves, leafHashes, proof, proofFlags };
  }

  *leaves(): IterableIterator<BatchLeaf> {
    for (let i = 0; i < this.orderCount; i++) yield this.leaf(i);
  }

  private check(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.orderCount) {
      throw new MerkleBatchError(`leaf index ${String(index)} out of range 0 .. ${this.orderCount - 1}`);
    }
  }
}

/**
 * Builds a Merkle batch: validates every order (typed errors naming `orders[i].field`), refuses self-referrals (the
 * shop would revert them at mint time) and duplicated order hashes (the same order twice), hashes the leaves, and
 * builds the tree in OpenZeppelin `StandardMerkleTree` layout (same root, proofs and multiproofs).
 *
 * @param orders - The orders in batch order; order `i` gets leaf index `i` and order id `firstOrderId + i`.
 * 1 .. 2^24 orders.
 * @param options - `firstOrderId`: the order id of the first order, at least 1; the batch takes the ids
 * `firstOrderId .. firstOrderId + orderCount - 1`, which no recorded order, receipt or other batch of the shop may
 * use (an id counts once per shop: a leaf whose id is used elsewhere can never mint). `anchorBatch` checks the range
 * against the ids already used; ids of other anchored batches whose leaves have not minted yet are not on chain
 * until they mint, so allocate ranges from one sequence.
 * @returns The batch.
 * @throws `InvalidBytes32Error`, `InvalidAddressError`, `InvalidAmountError` for a bad field; {@link MerkleBatchError}
 * for an empty or oversized batch, a duplicated order hash, a self-referral or a bad `firstOrderId`.
 * @example
 * ```ts
 * const batch = await buildBatch([
 *   { orderHash: hashOrder(order1, ctx1), customer: alice, amount: 10n ** 16n },
 *   { orderHash: hashOrder(order2, ctx2), customer: bob, amount: 3n * 10n ** 16n, referrer: alice },
 * ], { firstOrderId: 1n });
 * await shop.anchorBatch(batch.root, batch.firstOrderId, batch.orderCount, batch.totalRevenue);
 * const proof = batch.proof(1);
 * ```
 */
export async function buildBatch(
  orders: readonly BatchOrderInput[],
  options: { readonly firstOrderId: IntegerLike },
): Promise<MerkleBatch> {
  if (typeof options !== "object" || options === null) {
    throw new MerkleBatchError(
      "buildBatch(orders, { firstOrderId }) needs the order id of the batch's first order (since core v2 every " +
        "batch leaf carries an order id)",
      undefined,
      "firstOrderId",
    );
  }
  const firstOrderId = validateFirstOrderId(options.firstOrderId, Array.isArray(orders) ? orders.length : 0);
  return buildFlatBatch(orders, "orders", await wasmKeccak(), firstOrderId);
}

/** Largest order id (the shop stores ids as `uint64`). */
export const MAX_ORDER_ID = UINT64_MAX;

/**
 * Checks a batch's first order id: an order id (`validateOrderId`: an integer `1 .. 2^64 - 1`) such that all `count`
 * ids fit in 64 bits.
 *
 * @param value - The first order id.
 * @param count - Orders in the batch.
 * @returns The id as a bigint.
 * @throws {@link MerkleBatchError} naming `firstOrderId`.
 * @example
 * ```ts
 * validateFirstOrderId(1001n, 10); // 1001n
 * ```
 */
export function validateFirstOrderId(value: unknown, count: number): bigint {
  let id: bigint;
  try {
    id = validateOrderId("firstOrderId", value);
  } catch (error) {
    if (error instanceof InvalidAmountError) {
      throw new MerkleBatchError(
        `expected an order id of at least 1 and at most 2^64 - 1, got ${describeValue(value)} (${error.reason})`,
        undefined,
        "firstOrderId",
      );
    }
    throw error;
  }
  if (id + BigInt(Math.max(count, 1)) - 1n > MAX_ORDER_ID) {
    throw new MerkleBatchError(`order ids from ${id} for ${count} orders pass 2^64 - 1`, undefined, "firstOrderId");
  }
  return id;
}

const ZERO_32 = new Uint8Array(32);
const ZERO_ADDRESS_CHECKSUMMED = "0x0000000000000000000000000000000000000000" as Address;
const UINT96_LIMIT = 1n << 96n;

/**
 * The synchronous builder behind {@link buildBatch} and batch-file import (internal: not exported by the SDK's
 * index). `list` names the input in error fields (`orders[i]` or `entries[i]`).
 *
 * @param orders - The orders.
 * @param list - `"orders"` or `"entries"`.
 * @param hasher - The hash-wasm Keccak-256 instance.
 * @param firstOrderId - The order id of the first order, already checked with {@link validateFirstOrderId}.
 * @returns The batch.
 * @example
 * ```ts
 * const batch = buildFlatBatch(orders, "orders", await wasmKeccak(), 1n);
 * ```
 */
export function buildFlatBatch(
  orders: readonly BatchOrderInput[],
  list: ListName,
  hasher: IHasher,
  firstOrderId: bigint,
): MerkleBatch {
  if (!Array.isArray(orders)) throw new MerkleBatchError(`${list} must be an array`);
  const n = orders.length;
  if (n === 0) throw new MerkleBatchError("a batch needs at least one order", undefined, list);
  if (n > MAX_BATCH_ORDERS) {
    throw new MerkleBatchError(`a batch holds at most 2^24 orders, got ${n}`, undefined, list);
  }
  const orderHashes: Hex[] = new Array<Hex>(n);
  const customers: Address[] = new Array<Address>(n);
  const referrers: Address[] = new Array<Address>(n);
  const amounts: bigint[] = new Array<bigint>(n);
  const hashBytes = new Uint8Array(n * 32);
  const leaves = new Uint8Array(n * 32);
  // abi.encode(uint256 orderId, bytes32 orderHash, address customer, uint256 amount, address referrer): 5 words.
  const enc = new Uint8Array(160);
  // Order ids fit in 64 bits: the high and low 32-bit halves of the current id, carried by hand.
  let idHi = Number(firstOrderId >> 32n);
  let idLo = Number(firstOrderId & 0xffffffffn);
  const parser = new AddressParser(hasher, list);
  let total = 0n;

  for (let i = 0; i < n; i++) {
    const order = orders[i];
    if (typeof order !== "object" || order === null) {
      throw new MerkleBatchError("expected an object with orderHash, customer, amount, referrer", i, `${list}[${i}]`);
    }
    writeU32(enc, 24, idHi);
    writeU32(enc, 28, idLo);
    if (++idLo === 0x100000000) {
      idLo = 0;
      idHi++;
    }
    // orderHash (field names are built only on error: this loop runs millions of times)
    const oh = order.orderHash;
    if (typeof oh !== "string" || oh.length !== 66 || oh[0] !== "0" || oh[1] !== "x" || !writeHex(oh, enc, 32, 32)) {
      throw new InvalidBytes32Error(`${list}[${i}].orderHash`, oh, "expected 0x followed by 64 hex digits");
    }
    if (compare32(enc, 32, ZERO_32, 0) === 0) {
      throw new InvalidBytes32Error(`${list}[${i}].orderHash`, oh, "must not be zero");
    }
    for (let k = 0, o = i * 32; k < 32; k++) hashBytes[o + k] = enc[32 + k];
    orderHashes[i] = (/[A-F]/.test(oh) ? oh.toLowerCase() : oh) as Hex;
    // customer, amount, referrer
    const customer = parser.parse(order.customer, enc, 76, i, "customer", false, false);
    customers[i] = customer;
    let amount = order.amount;
    if (typeof amount !== "bigint" || amount < 1n || amount >= UINT96_LIMIT) {
      amount = validateWeiAmount(`${list}[${i}].amount`, amount);
    }
    amounts[i] = amount;
    total += amount;
    writeUint96(enc, 96, amount);
    const ref = order.referrer;
    if (ref === undefined || ref === null) {
      for (let k = 140; k < 160; k++) enc[k] = 0;
      referrers[i] = ZERO_ADDRESS_CHECKSUMMED;
    } else {
      const referrer = parser.parse(ref, enc, 140, i, "referrer", true, true);
      if (referrer === customer) {
        throw new MerkleBatchError(
          "a customer cannot refer itself (the shop reverts ShopSelfReferral)",
          i,
          `${list}[${i}].referrer`,
        );
      }
      referrers[i] = referrer;
    }
    // leaf = keccak256(bytes.concat(keccak256(enc)))
    hasher.init();
    hasher.update(enc);
    const inner = hasher.digest("binary");
    hasher.init();
    hasher.update(inner);
    leaves.set(hasher.digest("binary"), i * 32);
  }
  // The shop anchors at most 2^96 - 1 wei per batch (its per-day debt is a uint128 of revenue × 10,000).
  if (total >= UINT96_LIMIT) {
    throw new MerkleBatchError(
      `total revenue ${total} wei is 2^96 or more: split the batch`,
      undefined,
      "totalRevenue",
    );
  }

  // An order hash commits to one order (its salt and the merchant's order number included): a repeated hash is the
  // same order twice in the batch, which would count its revenue twice. Refused, as `recordOrders` refuses it.
  const byHash = sortRecords32(hashBytes, n);
  for (let k = 1; k < n; k++) {
    if (compare32(hashBytes, byHash[k - 1] * 32, hashBytes, byHash[k] * 32) === 0) {
      const first = Math.min(byHash[k - 1], byHash[k]);
      const second = Math.max(byHash[k - 1], byHash[k]);
      throw new MerkleBatchError(
        `duplicated order hash ${orderHashes[second]} (also at ${list}[${first}]): the same order twice would count its revenue twice`,
        second,
        `${list}[${second}].orderHash`,
      );
    }
  }

  // OpenZeppelin layout: leaves sorted ascending by hash, leaf k at tree index size - 1 - k.
  const perm = sortRecords32(leaves, n);
  const size = 2 * n - 1;
  const tree = new Uint8Array(size * 32);
  const tree32 = new Int32Array(tree.buffer);
  const leaves32 = new Int32Array(leaves.buffer);
  const treeIndexOf = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const src = perm[k] * 8;
    const dst = size - 1 - k;
    for (let w = 0, o = dst * 8; w < 8; w++) tree32[o + w] = leaves32[src + w];
    treeIndexOf[perm[k]] = dst;
  }
  // Inner nodes: keccak256 of the sorted pair. Children 2i + 1 and 2i + 2 are adjacent in memory, so a sorted
  // pair is hashed in place and a reversed one through a 64-byte scratch buffer (one update call either way).
  const pair = new Uint8Array(64);
  const pair32 = new Int32Array(pair.buffer);
  for (let i = n - 2; i >= 0; i--) {
    const l = (2 * i + 1) * 32;
    hasher.init();
    if (compare32(tree, l, tree, l + 32) <= 0) {
      hasher.update(tree.subarray(l, l + 64));
    } else {
      const w = l >> 2;
      for (let k = 0; k < 8; k++) {
        pair32[k] = tree32[w + 8 + k];
        pair32[8 + k] = tree32[w + k];
      }
      hasher.update(pair);
    }
    tree.set(hasher.digest("binary"), i * 32);
  }
  return new FlatBatch(firstOrderId, n, total, orderHashes, customers, referrers, amounts, tree, treeIndexOf, perm);
}

/** Entries of the address cache before it is cleared (bounds its memory). */
const ADDRESS_CACHE_SIZE = 1 << 16;

/**
 * Parses addresses into ABI words with the rules of `validateAddress` (0x and 40 hex digits; mixed case must be
 * the EIP-55 checksum; zero only where allowed) and returns them checksummed, using the wasm Keccak and, for
 * referrers, a cache of recently seen strings.
 */
class AddressParser {
  private readonly cache = new Map<string, Address>();
  private readonly ascii = new Uint8Array(40);
  private readonly codes = new Array<number>(42).fill(0);

  constructor(
    private readonly hasher: IHasher,
    private readonly list: ListName,
  ) {
    this.codes[0] = 48;
    this.codes[1] = 120;
  }

  /**
   * Writes the address `value` into `enc[offset .. offset + 20)` and returns it checksummed. `cached`: look the
   * string up in (and add it to) the cache; worth it for referrers, which repeat a lot, not for customers.
   */
  parse(
    value: unknown,
    enc: Uint8Array,
    offset: number,
    i: number,
    name: string,
    allowZero: boolean,
    cached: boolean,
  ): Address {
    if (typeof value !== "string" || value.length !== 42 || value.charCodeAt(0) !== 48 || value.charCodeAt(1) !== 120) {
      throw this.error(i, name, value, typeof value === "string" ? "expected 0x followed by 40 hex digits" : "");
    }
    // One pass: decode, note which letter cases occur and whether all bytes are zero.
    const ascii = this.ascii;
    let lower = false;
    let upper = false;
    let any = 0;
    for (let k = 0; k < 20; k++) {
      const hi = value.charCodeAt(2 + 2 * k);
      const lo = value.charCodeAt(3 + 2 * k);
      const a = hi < 128 ? NIBBLE[hi] : 255;
      const b = lo < 128 ? NIBBLE[lo] : 255;
      if ((a | b) > 15) throw this.error(i, name, value, "expected 0x followed by 40 hex digits");
      const byte = (a << 4) | b;
      enc[offset + k] = byte;
      any |= byte;
      if (hi >= 97) lower = true;
      else if (hi >= 65) upper = true;
      if (lo >= 97) lower = true;
      else if (lo >= 65) upper = true;
      ascii[2 * k] = hi | 0x20;
      ascii[2 * k + 1] = lo | 0x20;
    }
    if (any === 0) {
      if (!allowZero) throw this.error(i, name, value, "the zero address is not allowed here");
      return ZERO_ADDRESS_CHECKSUMMED;
    }
    if (cached) {
      const known = this.cache.get(value);
      if (known !== undefined) return known;
    }
    const hasher = this.hasher;
    hasher.init();
    hasher.update(ascii);
    const h = hasher.digest("binary");
    let result: Address;
    if (lower && upper) {
      // Mixed case: must be the exact checksum.
      for (let k = 0; k < 40; k++) {
        const c = value.charCodeAt(2 + k);
        if (c < 65) continue;
        const nibble = k & 1 ? h[k >> 1] & 0x0f : h[k >> 1] >> 4;
        if (nibble >= 8 !== c < 97) {
          throw this.error(i, name, value, "bad EIP-55 checksum (mixed case must be the exact checksum)");
        }
      }
      result = value as Address;
    } else {
      const codes = this.codes;
      for (let k = 0; k < 40; k++) {
        const c = ascii[k];
        const nibble = k & 1 ? h[k >> 1] & 0x0f : h[k >> 1] >> 4;
        codes[2 + k] = nibble >= 8 && c >= 97 ? c - 32 : c;
      }
      result = String.fromCharCode.apply(null, codes) as Address;
    }
    if (cached) {
      if (this.cache.size >= ADDRESS_CACHE_SIZE) this.cache.clear();
      this.cache.set(value, result);
    }
    return result;
  }

  private error(i: number, name: string, value: unknown, reason: string): InvalidAddressError {
    const why = reason === "" ? `expected a string, got ${value === null ? "null" : typeof value}` : reason;
    return new InvalidAddressError(`${this.list}[${i}].${name}`, value, why);
  }
}
