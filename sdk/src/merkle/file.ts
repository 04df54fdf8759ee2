/**
 * The batch file: the JSON an operator keeps (and hands out) for an anchored batch — every order's leaf data and
 * proof. Schema (version 2, core v2: leaves keyed by order id):
 *
 * ```json
 * { "version": 2, "shop": "0x…", "chainId": 31337, "batchId": "7", "root": "0x…", "firstOrderId": "1001",
 *   "orderCount": 2, "totalRevenue": "40000000000000000",
 *   "leafEncoding": ["uint256","bytes32","address","uint256","address"],
 *   "entries": [{ "index": 0, "orderId": "1001", "orderHash": "0x…", "customer": "0x…",
 *                 "amount": "10000000000000000", "referrer": "0x…", "proof": ["0x…"] }] }
 * ```
 *
 * Entry `i` has index `i` and order id `firstOrderId + i`, the first word of its leaf. Version 1 files (core v1,
 * leaves keyed by index) are refused: their leaves cannot mint on a v2 shop.
 *
 * @packageDocumentation
 */
import type { IHasher } from "hash-wasm";
import { describeValue, MerkleBatchError } from "../errors.js";
import { compare32, wasmKeccak, writeHex } from "../internal/bytes.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import { validateAddress, validateAmount, validateBytes32, validateChainId } from "../validation.js";
import {
  BATCH_LEAF_ENCODING,
  MAX_BATCH_ORDERS,
  buildFlatBatch,
  validateFirstOrderId,
  type BatchOrderInput,
  type MerkleBatch,
} from "./batch.js";

/** One entry of a batch file: an order's leaf data and its proof. */
export interface BatchFileEntry {
  /** Position in the batch. */
  readonly index: number;
  /** The order id, `firstOrderId + index`, decimal string (the leaf's first word; `mintFromBatch`'s `orderId`). */
  readonly orderId: string;
  readonly orderHash: Hex;
  readonly customer: Address;
  /** Amount in wei, decimal string. */
  readonly amount: string;
  readonly referrer: Address;
  readonly proof: readonly Hex[];
}

/** The batch file format version this SDK writes and reads. */
export const BATCH_FILE_VERSION = 2;

/** A batch file, version 2. */
export interface BatchFile {
  readonly version: 2;
  readonly shop: Address;
  /** The chain id: a JSON number when it is a safe integer (always in practice), else a decimal string. */
  readonly chainId: number | string;
  /** The merchant's label of the batch, decimal string (optional; the shop itself keys batches by root). */
  readonly batchId?: string;
  readonly root: Hex;
  /** The order id of entry 0, decimal string: the `firstOrderId` the batch is anchored with. */
  readonly firstOrderId: string;
  readonly orderCount: number;
  /** Sum of the amounts in wei, decimal string. */
  readonly totalRevenue: string;
  readonly leafEncoding: readonly string[];
  readonly entries: readonly BatchFileEntry[];
}

/** Where a batch belongs: written into its batch file. */
export interface BatchFileMeta {
  readonly shop: string;
  readonly chainId: IntegerLike;
  /** The batch id, once known. */
  readonly batchId?: IntegerLike;
}

/** What {@link importBatchFile} may additionally insist on. */
export interface BatchFileExpectations {
  readonly shop?: string;
  readonly chainId?: IntegerLike;
  /** The root read from the chain. */
  readonly root?: string;
}

/** A checked batch file, with the batch rebuilt from it. */
export interface ImportedBatch {
  /** The file, normalised (checksummed addresses, lower-case hashes). */
  readonly file: BatchFile;
  /** The batch rebuilt from the entries (its root is the file's root). */
  readonly batch: MerkleBatch;
  readonly shop: Address;
  readonly chainId: bigint;
  readonly batchId?: bigint;
}

interface Header {
  readonly version: 2;
  readonly shop: Address;
  readonly chainId: number | string;
  readonly batchId?: string;
  readonly root: Hex;
  readonly firstOrderId: string;
  readonly orderCount: number;
  readonly totalRevenue: string;
  readonly leafEncoding: readonly string[];
}

function header(batch: MerkleBatch, meta: BatchFileMeta): Header {
  const shop = validateAddress("shop", meta.shop);
  const chainId = validateChainId(meta.chainId);
  const batchId = meta.batchId === undefined ? undefined : validateAmount("batchId", meta.batchId).toString();
  return {
    version: BATCH_FILE_VERSION,
    shop,
    chainId: chainId <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(chainId) : chainId.toString(),
    ...(batchId === undefined ? {} : { batchId }),
    root: batch.root,
    firstOrderId: batch.firstOrderId.toString(),
    orderCount: batch.orderCount,
    totalRevenue: batch.totalRevenue.toString(),
    leafEncoding: [...BATCH_LEAF_ENCODING],
  };
}

function entry(batch: MerkleBatch, index: number): BatchFileEntry {
  const leaf = batch.leaf(index);
  return {
    index,
    orderId: leaf.orderId.toString(),
    orderHash: leaf.orderHash,
    customer: leaf.customer,
    amount: leaf.amount.toString(),
    referrer: leaf.referrer,
    proof: batch.proof(index),
  };
}

/**
 * The batch file of a batch, as an object (for `JSON.stringify`). For very large batches (JSON text beyond a few
 * hundred MB) use {@link batchFileChunks} instead.
 *
 * @param batch - The built batch.
 * @param meta - Shop, chain id and optional batch id.
 * @returns The batch file.
 * @throws Typed validation errors for a bad shop, chain id or batch id.
 * @example
 * ```ts
 * await writeFile("batch-7.json", JSON.stringify(exportBatchFile(batch, { shop, chainId: 31337, batchId: 7 })));
 * ```
 */
export function exportBatchFile(batch: MerkleBatch, meta: BatchFileMeta): BatchFile {
  const head = header(batch, meta);
  const entries: BatchFileEntry[] = [];
  for (let i = 0; i < batch.orderCount; i++) entries.push(entry(batch, i));
  return { ...head, entries };
}

/**
 * The batch file as JSON text in chunks (one entry per line), for streaming to disk: parsing the concatenation
 * gives exactly {@link exportBatchFile}'s object. Memory stays flat whatever the batch size.
 *
 * @param batch - The built batch.
 * @param meta - Shop, chain id and optional batch id.
 * @returns A generator of text chunks.
 * @example
 * ```ts
 * import { createWriteStream } from "node:fs";
 * import { Readable } from "node:stream";
 * import { pipeline } from "node:stream/promises";
 * await pipeline(Readable.from(batchFileChunks(batch, { shop, chainId: 1 })), createWriteStream("batch.json"));
 * ```
 */
export function* batchFileChunks(batch: MerkleBatch, meta: BatchFileMeta): Generator<string, void, undefined> {
  const head = JSON.stringify(header(batch, meta));
  yield `${head.slice(0, -1)},\n"entries":[\n`;
  const chunk: string[] = [];
  for (let i = 0; i < batch.orderCount; i++) {
    chunk.push(JSON.stringify(entry(batch, i)) + (i + 1 < batch.orderCount ? ",\n" : "\n"));
    if (chunk.length === 1024) {
      yield chunk.join("");
      chunk.length = 0;
    }
  }
  if (chunk.length > 0) yield chunk.join("");
  yield "]}\n";
}

const TOP_KEYS = new Set([
  "version",
  "shop",
  "chainId",
  "batchId",
  "root",
  "firstOrderId",
  "orderCount",
  "totalRevenue",
  "leafEncoding",
  "entries",
]);
const BYTES32_RE = /^0x[0-9a-fA-F]{64}$/;
const ENTRY_KEYS = new Set(["index", "orderId", "orderHash", "customer", "amount", "referrer", "proof"]);

/**
 * Reads and checks a batch file: validates every field (typed errors naming `entries[i].field`), checks that
 * entry `i` has index `i` and order id `firstOrderId + i`, that `orderCount` and `totalRevenue` match the entries,
 * rebuilds the tree from the entries and checks its root, and checks every entry's proof against the root. Errors
 * name the entry at fault. A version 1 file (core v1, leaves keyed by index) is refused with a `MerkleBatchError`
 * on `version` that says so.
 *
 * @param input - The JSON text or the parsed object.
 * @param expected - Optional shop, chain id and root (e.g. read from the chain) the file must match.
 * @returns The normalised file and the rebuilt batch.
 * @throws {@link MerkleBatchError} (with `entry` set when one entry is at fault) or a typed validation error.
 * @example
 * ```ts
 * const { batch, file } = await importBatchFile(await readFile("batch-7.json", "utf8"), { root: anchoredRoot });
 * const e = file.entries[42];
 * await shop.mintFromBatch(batch.root, e.orderId, e.orderHash, e.customer, e.amount, e.referrer, e.proof);
 * ```
 */
export async function importBatchFile(
  input: string | BatchFile,
  expected: BatchFileExpectations = {},
): Promise<ImportedBatch> {
  let data: unknown = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new MerkleBatchError(`not valid JSON: ${(error as Error).message}`);
    }
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new MerkleBatchError("a batch file is a JSON object");
  }
  const raw = data as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key)) throw new MerkleBatchError("unknown field", undefined, key);
  }
  if (raw.version === 1) {
    throw new MerkleBatchError(
      "version 1 batch file (core v1: leaves keyed by their index) cannot mint on a core v2 shop, whose leaves carry " +
        "order ids: rebuild the batch with buildBatch(orders, { firstOrderId }), anchor the new root and hand out " +
        "the new file",
      undefined,
      "version",
    );
  }
  if (raw.version !== BATCH_FILE_VERSION) {
    throw new MerkleBatchError(
      `unsupported version ${String(raw.version)} (this SDK reads version ${BATCH_FILE_VERSION})`,
      undefined,
      "version",
    );
  }
  const shop = validateAddress("shop", raw.shop);
  if (typeof raw.chainId !== "number" && typeof raw.chainId !== "string") {
    throw new MerkleBatchError("expected a number or decimal string", undefined, "chainId");
  }
  const chainId = validateChainId(raw.chainId);
  let batchId: bigint | undefined;
  if (raw.batchId !== undefined) {
    if (typeof raw.batchId !== "string") throw new MerkleBatchError("expected a decimal string", undefined, "batchId");
    batchId = validateAmount("batchId", raw.batchId);
  }
  const root = validateBytes32("root", raw.root, { allowZero: false });
  if (
    !Array.isArray(raw.leafEncoding) ||
    raw.leafEncoding.length !== BATCH_LEAF_ENCODING.length ||
    raw.leafEncoding.some((t, i) => t !== BATCH_LEAF_ENCODING[i])
  ) {
    throw new MerkleBatchError(`expected ${JSON.stringify(BATCH_LEAF_ENCODING)}`, undefined, "leafEncoding");
  }
  const orderCount = raw.orderCount;
  if (
    typeof orderCount !== "number" ||
    !Number.isInteger(orderCount) ||
    orderCount < 1 ||
    orderCount > MAX_BATCH_ORDERS
  ) {
    throw new MerkleBatchError(`expected an integer 1 .. 2^24, got ${String(orderCount)}`, undefined, "orderCount");
  }
  if (typeof raw.firstOrderId !== "string") {
    throw new MerkleBatchError("expected a decimal string (the order id of entry 0)", undefined, "firstOrderId");
  }
  const firstOrderId = validateFirstOrderId(raw.firstOrderId, orderCount);
  if (typeof raw.totalRevenue !== "string") {
    throw new MerkleBatchError("expected a decimal string", undefined, "totalRevenue");
  }
  const totalRevenue = validateAmount("totalRevenue", raw.totalRevenue);
  if (!Array.isArray(raw.entries)) throw new MerkleBatchError("expected an array", undefined, "entries");
  const entries = raw.entries as unknown[];
  if (entries.length !== orderCount) {
    throw new MerkleBatchError(
      `orderCount is ${orderCount} but the file has ${entries.length} entries`,
      undefined,
      "orderCount",
    );
  }
  if (expected.shop !== undefined && validateAddress("expected.shop", expected.shop) !== shop) {
    throw new MerkleBatchError(`file is for shop ${shop}, expected ${String(expected.shop)}`, undefined, "shop");
  }
  if (expected.chainId !== undefined && validateChainId(expected.chainId) !== chainId) {
    throw new MerkleBatchError(
      `file is for chain ${chainId}, expected ${String(expected.chainId)}`,
      undefined,
      "chainId",
    );
  }
  if (expected.root !== undefined && validateBytes32("expected.root", expected.root) !== root) {
    throw new MerkleBatchError(
      `file root ${root} is not the expected root ${String(expected.root)}`,
      undefined,
      "root",
    );
  }

  // Entry shape, index and proof format.
  const orders: BatchOrderInput[] = new Array<BatchOrderInput>(orderCount);
  const proofs: Hex[][] = new Array<Hex[]>(orderCount);
  for (let i = 0; i < orderCount; i++) {
    const e = entries[i];
    if (typeof e !== "object" || e === null || Array.isArray(e)) {
      throw new MerkleBatchError("expected an object", i, `entries[${i}]`);
    }
    const r = e as Record<string, unknown>;
    for (const key of Object.keys(r)) {
      if (!ENTRY_KEYS.has(key)) throw new MerkleBatchError("unknown field", i, `entries[${i}].${key}`);
    }
    if (r.index !== i) {
      throw new MerkleBatchError(
        `index ${String(r.index)} at position ${i}; entry i must have index i`,
        i,
        `entries[${i}].index`,
      );
    }
    if (typeof r.orderId !== "string" || r.orderId !== (firstOrderId + BigInt(i)).toString()) {
      throw new MerkleBatchError(
        `order id ${describeValue(r.orderId)} at position ${i}; entry i must have order id firstOrderId + i = ` +
          `"${firstOrderId + BigInt(i)}"`,
        i,
        `entries[${i}].orderId`,
      );
    }
    if (typeof r.amount !== "string")
      throw new MerkleBatchError("expected a decimal string", i, `entries[${i}].amount`);
    if (typeof r.referrer !== "string") {
      throw new MerkleBatchError("expected an address (zero address for none)", i, `entries[${i}].referrer`);
    }
    if (!Array.isArray(r.proof)) throw new MerkleBatchError("expected an array of bytes32", i, `entries[${i}].proof`);
    // The field name is built only on error (files have millions of proof hashes).
    proofs[i] = (r.proof as unknown[]).map((p, k) =>
      typeof p === "string" && BYTES32_RE.test(p)
        ? (p.toLowerCase() as Hex)
        : validateBytes32(`entries[${i}].proof[${k}]`, p),
    );
    orders[i] = {
      // Types are checked by the builder, which names the entry and field.
      orderHash: r.orderHash as string,
      customer: r.customer as string,
      amount: r.amount,
      referrer: r.referrer,
    };
  }

  const hasher = await wasmKeccak();
  const batch = buildFlatBatch(orders, "entries", hasher, firstOrderId);
  const rootBytes = new Uint8Array(32);
  writeHex(root, rootBytes, 0, 32);
  if (batch.root !== root) {
    // Name the first entry whose proof does not lead to the root, unless none does (then the root is at fault).
    let firstBad = -1;
    let bad = 0;
    for (let i = 0; i < orderCount; i++) {
      if (!proofLeadsTo(hasher, batch.leafHash(i), proofs[i], rootBytes)) {
        if (firstBad < 0) firstBad = i;
        bad++;
      }
    }
    if (firstBad >= 0 && bad < orderCount) {
      throw new MerkleBatchError(
        `its leaf and proof do not verify against root ${root}`,
        firstBad,
        `entries[${firstBad}]`,
      );
    }
    throw new MerkleBatchError(
      bad === orderCount
        ? `no entry verifies against root ${root}; the entries rebuild root ${batch.root}`
        : `the entries rebuild root ${batch.root}, not ${root}: the anchored tree holds leaves the file lacks`,
      undefined,
      "root",
    );
  }
  // The rebuilt tree has the file's root, so its proofs verify: an entry's proof verifies if it equals the rebuilt
  // one, and otherwise it is folded to find out.
  for (let i = 0; i < orderCount; i++) {
    const ours = batch.proof(i);
    const theirs = proofs[i];
    if (ours.length === theirs.length && ours.every((h, k) => h === theirs[k])) continue;
    if (!proofLeadsTo(hasher, batch.leafHash(i), theirs, rootBytes)) {
      throw new MerkleBatchError(`its proof does not verify against root ${root}`, i, `entries[${i}].proof`);
    }
  }
  if (batch.totalRevenue !== totalRevenue) {
    throw new MerkleBatchError(
      `file says ${totalRevenue} but the entries sum to ${batch.totalRevenue}`,
      undefined,
      "totalRevenue",
    );
  }

  const file: BatchFile = exportBatchFileWithProofs(batch, shop, chainId, batchId, proofs);
  return { file, batch, shop, chainId, ...(batchId === undefined ? {} : { batchId }) };
}

function exportBatchFileWithProofs(
  batch: MerkleBatch,
  shop: Address,
  chainId: bigint,
  batchId: bigint | undefined,
  proofs: Hex[][],
): BatchFile {
  const head = header(batch, { shop, chainId, ...(batchId === undefined ? {} : { batchId }) });
  const entries: BatchFileEntry[] = [];
  for (let i = 0; i < batch.orderCount; i++) {
    const leaf = batch.leaf(i);
    entries.push({
      index: i,
      orderId: leaf.orderId.toString(),
      orderHash: leaf.orderHash,
      customer: leaf.customer,
      amount: leaf.amount.toString(),
      referrer: leaf.referrer,
      proof: proofs[i],
    });
  }
  return { ...head, entries };
}

/** Folds `proof` onto `leafHash` with the wasm hasher and compares with `root`. */
function proofLeadsTo(hasher: IHasher, leafHash: Hex, proof: readonly Hex[], root: Uint8Array): boolean {
  const node = new Uint8Array(32);
  const sibling = new Uint8Array(32);
  writeHex(leafHash, node, 0, 32);
  for (const p of proof) {
    writeHex(p, sibling, 0, 32);
    hasher.init();
    if (compare32(node, 0, sibling, 0) <= 0) {
      hasher.update(node);
      hasher.update(sibling);
    } else {
      hasher.update(sibling);
      hasher.update(node);
    }
    node.set(hasher.digest("binary"));
  }
  return compare32(node, 0, root, 0) === 0;
}
