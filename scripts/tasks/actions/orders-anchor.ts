/**
 * `orders:anchor`: hashes the orders of a CSV/JSON file (SDK `hashOrder`, salts and the batch's first order id kept
 * in a state file), builds the Merkle batch (SDK `buildBatch` with its `firstOrderId`), checks that its order-id
 * range is free (no id used, no overlap with another anchored batch), writes the batch file (SDK
 * `batchFileChunks`), the salts and one file per customer (its leaves, proofs and order disclosures, SDK
 * `createDisclosure`) — all before sending — and anchors the root (SDK `anchorBatch`). Resumable: a re-run
 * recomputes the same root and does not anchor it twice.
 *
 * Test hook: SHAREMALL_CRASH_BEFORE_ANCHOR=1 kills the process (SIGKILL) after the files are written, before the
 * root is sent.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import {
  anchorBatch,
  batchFileChunks,
  buildBatch,
  createDisclosure,
  readContract,
  shopAbi,
  type Address,
  type Hex,
} from "../../../sdk/src/index.js";
import { firstOrderIdOption, fromBlockOption, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { note, Progress, taskAction, toJson, writeFileAtomic } from "../lib/io.js";
import { startOrderRun } from "../lib/order-run.js";
import { defaultStatePath, saveState, type HashedOrder } from "../lib/orders-file.js";
import { anchoredBatches, usedOrderIds } from "../lib/shop-check.js";

interface Args {
  shop: string;
  file: string;
  state: string;
  out: string;
  firstOrderId: string;
  fromBlock: string;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (args.file === "") throw new InputError("missing --file");
    const firstOrderIdArg = firstOrderIdOption(args.firstOrderId);
    const fromBlock = fromBlockOption(args.fromBlock);
    const statePath = args.state !== "" ? args.state : defaultStatePath(args.file, "anchor");
    const prefix = args.out !== "" ? args.out : args.file;

    const { chain, prepared } = await startOrderRun(hre, {
      shop,
      file: args.file,
      statePath,
      kind: "anchor",
      firstOrderId: firstOrderIdArg,
    });
    // Only --final-only (orders:record) can leave no orders to prepare.
    if (prepared === undefined) throw new InputError(`${args.file}: no orders`);
    const t = chain.transport;
    const hashed = prepared.orders;
    const firstOrderId = prepared.firstOrderId;
    const lastOrderId = firstOrderId + BigInt(hashed.length) - 1n;
    const batch = await buildBatch(
      hashed.map((o) => ({
        orderHash: o.orderHash,
        customer: o.order.customer,
        amount: o.order.amount,
        referrer: o.order.referrer,
      })),
      { firstOrderId },
    );
    const existing = await readContract(t, { address: shop, abi: shopAbi, functionName: "batch", args: [batch.root] });
    const alreadyAnchored = existing.orderCount !== 0;
    if (!alreadyAnchored) {
      // The batch's ids must be free: none used by a recorded order, a receipt or a minted leaf (the bitmap) ...
      const used = await usedOrderIds(
        t,
        shop,
        hashed.map((o) => o.chainOrderId),
        "orders:anchor",
      );
      if (used.size > 0) {
        const first = hashed.find((o) => used.has(o.chainOrderId))!;
        throw new InputError(
          `${used.size} of the batch's order ids ${firstOrderId}..${lastOrderId} are used in the shop already ` +
            `(first: ${first.where}, chain order id ${first.chainOrderId}): their leaves could never mint; anchor ` +
            `the batch at ids nobody uses (--first-order-id, or the chainOrderId column)`,
        );
      }
      // ... nor held by another anchored batch, whose unminted leaves the bitmap does not show.
      const overlap = (await anchoredBatches(t, shop, fromBlock, "orders:anchor")).find(
        (b) => b.firstOrderId <= lastOrderId && firstOrderId <= b.lastOrderId,
      );
      if (overlap !== undefined) {
        throw new InputError(
          `the batch's order ids ${firstOrderId}..${lastOrderId} overlap those of batch ${overlap.root} ` +
            `(${overlap.firstOrderId}..${overlap.lastOrderId}, anchored on day ${overlap.day}): a leaf of either ` +
            `would be unmintable once the other's minted; anchor at ids after ${overlap.lastOrderId}` +
            (prepared.orders.some((o) => o.resumed)
              ? ` (the state file ${statePath} fixes the first id: pass another --state)`
              : ""),
        );
      }
    }
    await saveState(prepared);

    // Files first: the customers' proofs exist before the root is on chain.
    const meta = { shop, chainId: chain.chainId };
    const batchPath = `${prefix}.batch.json`;
    const saltsPath = `${prefix}.salts.json`;
    const customersDir = `${prefix}.customers`;
    await writeFileAtomic(batchPath, batchFileChunks(batch, meta));
    await writeFileAtomic(
      saltsPath,
      `${toJson({
        version: 2,
        kind: "orders:anchor",
        shop,
        chainId: chain.chainId.toString(),
        root: batch.root,
        firstOrderId: firstOrderId.toString(),
        orders: hashed.map((o, index) => ({
          at: o.where,
          index,
          orderId: o.order.orderId,
          chainOrderId: o.chainOrderId.toString(),
          customer: o.order.customer,
          orderHash: o.orderHash,
          salt: o.salt,
        })),
      })}\n`,
    );
    await mkdir(customersDir, { recursive: true });
    const byCustomer = new Map<Address, number[]>();
    hashed.forEach((o, i) => {
      const indices = byCustomer.get(o.order.customer);
      if (indices === undefined) byCustomer.set(o.order.customer, [i]);
      else indices.push(i);
    });
    const progress =
      byCustomer.size >= 1000 ? new Progress("orders:anchor: writing customer files", byCustomer.size) : undefined;
    let written = 0;
    for (const [customer, indices] of byCustomer) {
      await writeFileAtomic(
        path.join(customersDir, `${customer}.json`),
        `${toJson({
          version: 2,
          shop,
          chainId: chain.chainId.toString(),
          root: batch.root,
          firstOrderId: firstOrderId.toString(),
          customer,
          leaves: indices.map((index) => {
            const o: HashedOrder = hashed[index];
            return {
              index,
              orderId: o.chainOrderId.toString(),
              orderHash: o.orderHash,
              amount: o.order.amount.toString(),
              referrer: o.order.referrer,
              proof: batch.proof(index),
              disclosure: createDisclosure(o.order, { shop, chainId: chain.chainId, salt: o.salt }),
            };
          }),
        })}\n`,
      );
      progress?.update(++written);
    }

    let transaction: Hex | null = null;
    let day: bigint = BigInt(existing.day);
    if (alreadyAnchored) {
      note(`orders:anchor: root ${batch.root} is already anchored (day ${existing.day}); not sent again`);
    } else {
      if (process.env.SHAREMALL_CRASH_BEFORE_ANCHOR === "1") {
        note("orders:anchor: SHAREMALL_CRASH_BEFORE_ANCHOR=1: crashing on purpose");
        process.kill(process.pid, "SIGKILL");
      }
      const anchored = await anchorBatch(t, { shop, batch });
      transaction = anchored.hash;
      day = anchored.day;
    }
    return {
      shop,
      chainId: chain.chainId,
      root: batch.root,
      firstOrderId,
      lastOrderId,
      orderCount: batch.orderCount,
      totalRevenue: batch.totalRevenue,
      day,
      alreadyAnchored,
      transaction,
      batchFile: batchPath,
      saltsFile: saltsPath,
      customersDir,
      customers: byCustomer.size,
      state: statePath,
    };
  },
  (r) =>
    `${r.alreadyAnchored ? "Already anchored" : "Anchored"} batch ${r.root}: ${r.orderCount} order(s) with order ` +
    `ids ${r.firstOrderId}..${r.lastOrderId}, ${r.totalRevenue} wei, day ${r.day}` +
    `${r.transaction !== null ? ` (transaction ${r.transaction})` : ""}\n` +
    `  batch file: ${r.batchFile}\n  salts: ${r.saltsFile}\n  per-customer proofs: ${r.customersDir}/ (${r.customers} customers)`,
);
