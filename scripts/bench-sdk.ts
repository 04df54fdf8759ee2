/**
 * Benchmark of the SDK's Merkle batch builder (docs/order-hashing.md, "Merkle batches").
 *
 *   npm run bench:sdk
 *   BENCH_SDK_LARGE=200000 BENCH_SDK_OZ=20000 npm run bench:sdk     smaller sizes for a quick look
 *
 * 1. Large batch (default 1,000,000 orders): build the tree and compute every proof (`forEachProof`: tree order,
 *    one reused buffer, so no proof is kept), print the time and the process's peak RSS. Target: < 15 s and < 2 GB. This runs
 *    first, so the peak RSS is that of the large batch (plus the Hardhat runtime's baseline, printed too).
 * 2. Against OpenZeppelin (default 100,000 orders): the SDK builds the tree and every proof as hex strings; then
 *    `StandardMerkleTree.of` does the same on the same leaves and `getProof` for each. The roots and every proof must
 *    be identical; target: the SDK at least 10x faster.
 *
 * Inputs are realistic: checksummed customer addresses (each one's checksum is verified), a referrer on two orders
 * out of three drawn from 1,000 referrers, amounts of 0.001 .. 1 coin, order ids from {@link FIRST_ORDER_ID} (just
 * below 2^32, so the ids cross the builder's 32-bit carry). Exits with code 1 if a target is missed.
 */
import { cpus, loadavg } from "node:os";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { buildBatch, BATCH_LEAF_ENCODING, type BatchOrderInput } from "../sdk/src/index.js";
import { checksumAt, hexAt, keccakBytes, wasmKeccak, writeU32 } from "../sdk/src/internal/bytes.js";

const LARGE = Number(process.env.BENCH_SDK_LARGE ?? 1_000_000);
const OZ_SIZE = Number(process.env.BENCH_SDK_OZ ?? 100_000);
const MAX_SECONDS = 15;
const MAX_RSS_BYTES = 2 * 1024 ** 3;
const MIN_SPEEDUP = 10;
/** The order id of the first leaf of each benchmark batch (leaf i has id FIRST_ORDER_ID + i). */
const FIRST_ORDER_ID = (1n << 32n) - 1_000n;

const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
/** CPU seconds (user + system) since `since`: wall time is inflated when other processes compete for the cores. */
const cpuSince = (since: NodeJS.CpuUsage): string => {
  const c = process.cpuUsage(since);
  return `${((c.user + c.system) / 1e6).toFixed(2)} s`;
};

/** Deterministic orders: order hashes and customers derived from keccak256 of a seed and the index. */
async function makeOrders(n: number, seed: number): Promise<BatchOrderInput[]> {
  const hasher = await wasmKeccak();
  const buf = new Uint8Array(8);
  writeU32(buf, 0, seed);
  const referrers: string[] = [];
  for (let r = 0; r < 1000; r++) {
    writeU32(buf, 4, 0x8000_0000 + r);
    referrers.push(checksumAt(hasher, keccakBytes(hasher, buf), 12));
  }
  const orders: BatchOrderInput[] = new Array<BatchOrderInput>(n);
  for (let i = 0; i < n; i++) {
    writeU32(buf, 4, i);
    const h = keccakBytes(hasher, buf);
    orders[i] = {
      orderHash: hexAt(h, 0, 32),
      customer: checksumAt(hasher, h, 6),
      amount: BigInt(1 + (h[0] << 8) + h[1]) * 10n ** 15n,
      referrer: i % 3 === 0 ? undefined : referrers[i % 1000],
    };
  }
  return orders;
}

async function large(): Promise<boolean> {
  const orders = await makeOrders(LARGE, 1);
  const rssInputs = process.memoryUsage().rss;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const batch = await buildBatch(orders, { firstOrderId: FIRST_ORDER_ID });
  const t1 = performance.now();
  let words = 0;
  let fold = 0;
  batch.forEachProof((_index, proof, w) => {
    words += w;
    fold ^= proof[w * 32 - 1] ?? 0;
  });
  const t2 = performance.now();
  const peak = peakRss();
  const ok = t2 - t0 < MAX_SECONDS * 1000 && peak < MAX_RSS_BYTES;
  console.log(`\nLarge batch: ${LARGE.toLocaleString("en")} orders`);
  console.table({
    "build (validate, hash leaves, sort, tree)": seconds(t1 - t0),
    "every proof (forEachProof, binary)": seconds(t2 - t1),
    total: seconds(t2 - t0),
    "total CPU time": cpuSince(c0),
    "proof words": words.toLocaleString("en"),
    "RSS after generating inputs": mib(rssInputs),
    "peak RSS of the process": mib(peak),
    target: `< ${MAX_SECONDS} s and < ${mib(MAX_RSS_BYTES)}`,
    result: ok ? "PASS" : "FAIL",
  });
  if (fold < 0) console.log(fold); // keeps the proof loop observable
  return ok;
}

async function againstOpenZeppelin(): Promise<boolean> {
  const orders = await makeOrders(OZ_SIZE, 2);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const batch = await buildBatch(orders, { firstOrderId: FIRST_ORDER_ID });
  const tBuilt = performance.now();
  const ours: string[][] = new Array<string[]>(batch.orderCount);
  for (let i = 0; i < batch.orderCount; i++) ours[i] = batch.proof(i);
  const t1 = performance.now();
  const cpuOurs = cpuSince(c0);

  const values = orders.map((o, i) => [
    FIRST_ORDER_ID + BigInt(i),
    o.orderHash,
    o.customer,
    o.amount,
    o.referrer ?? `0x${"0".repeat(40)}`,
  ]);
  const c2 = process.cpuUsage();
  const t2 = performance.now();
  const tree = StandardMerkleTree.of(values, [...BATCH_LEAF_ENCODING]);
  const tOzBuilt = performance.now();
  const theirs: string[][] = new Array<string[]>(values.length);
  for (let i = 0; i < values.length; i++) theirs[i] = tree.getProof(i);
  const t3 = performance.now();
  const cpuTheirs = cpuSince(c2);

  let sameProofs = true;
  for (let i = 0; i < values.length && sameProofs; i++) {
    sameProofs = ours[i].length === theirs[i].length && ours[i].every((h, k) => h === theirs[i][k]);
  }
  const sameRoot = tree.root === batch.root;
  const speedup = (t3 - t2) / (t1 - t0);
  const treeSpeedup = (tOzBuilt - t2) / (tBuilt - t0);
  const ok = sameRoot && sameProofs && speedup >= MIN_SPEEDUP && treeSpeedup >= MIN_SPEEDUP;
  console.log(`\nSDK vs @openzeppelin/merkle-tree: ${OZ_SIZE.toLocaleString("en")} orders, tree + every proof (hex)`);
  console.table({
    "SDK buildBatch": seconds(tBuilt - t0),
    "SDK proof(i) for all": seconds(t1 - tBuilt),
    "SDK total": `${seconds(t1 - t0)} (CPU ${cpuOurs})`,
    "OZ StandardMerkleTree.of": seconds(tOzBuilt - t2),
    "OZ getProof(i) for all": seconds(t3 - tOzBuilt),
    "OZ total": `${seconds(t3 - t2)} (CPU ${cpuTheirs})`,
    "speedup, tree only": `${treeSpeedup.toFixed(1)}x`,
    "speedup, tree + every proof": `${speedup.toFixed(1)}x`,
    "identical root": sameRoot,
    "identical proofs (all)": sameProofs,
    target: `>= ${MIN_SPEEDUP}x (both), identical output`,
    result: ok ? "PASS" : "FAIL",
  });
  return ok;
}

console.log(
  `Node ${process.version}, ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}; RSS at start ${mib(process.memoryUsage().rss)} (runtime baseline)`,
);
const okLarge = await large();
const okOz = await againstOpenZeppelin();
if (!okLarge || !okOz) process.exitCode = 1;
