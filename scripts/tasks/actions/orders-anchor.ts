/**
 * `orders:anchor`: hashes the orders of a CSV/JSON file (SDK `hashOrder`, salts kept in a state file), builds the
 * Merkle batch (SDK `buildBatch`), writes the batch file (SDK `batchFileChunks`), the salts and one file per customer
 * (its leaves, proofs and order disclosures, SDK `createDisclosure`) — all before sending — and anchors the root
 * (SDK `anchorBatch`). Resumable: a re-run recomputes the same root and does not anchor it twice.
 */
import { createWriteStream } from "node:fs";
import { mkdir, rename } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import {
  anchorBatch,
  batchFileChunks,
  buildBatch,
  createDisclosure,
  readContract,
  shopAbi,
  ShareMallError,
  type Address,
  type Hex,
} from "../../../sdk/src/index.js";
import { connect, shopAddress, waitForPending } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { note, taskAction, toJson, writeFileAtomic } from "../lib/io.js";
import { defaultStatePath, hashWithState, readOrderFile, type HashedOrder } from "../lib/orders-file.js";
import { countedOnChain, requireShop } from "../lib/shop-check.js";

interface Args {
  shop: string;
  file: string;
  state: string;
  out: string;
  json: boolean;
}

async function writeChunksAtomic(file: string, chunks: Iterable<string>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  await pipeline(Readable.from(chunks), createWriteStream(tmp));
  await rename(tmp, file);
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (args.file === "") throw new InputError("missing --file");
    const orders = await readOrderFile(args.file);
    const statePath = args.state !== "" ? args.state : defaultStatePath(args.file, "anchor");
    const prefix = args.out !== "" ? args.out : args.file;

    const chain = await connect(hre);
    await requireShop(chain.transport, shop);
    await waitForPending(chain, 120_000, (n) => note(`waiting for ${n} pending transaction(s) of ${chain.account}`));
    const hashed = await hashWithState(orders, { shop, chainId: chain.chainId, statePath, kind: "anchor" });
    const batch = await buildBatch(
      hashed.map((o) => ({
        orderHash: o.orderHash,
        customer: o.order.customer,
        amount: o.order.amount,
        referrer: o.order.referrer,
      })),
    );
    const existing = await readContract(chain.transport, shop, shopAbi, "batch", [batch.root]);
    const alreadyAnchored = existing.orderCount !== 0;
    if (!alreadyAnchored) {
      const counted = await countedOnChain(chain.transport, shop, hashed, "orders:anchor");
      const first = counted.findIndex((c) => c);
      if (first >= 0) {
        throw new ShareMallError(
          "ORDERS_ALREADY_COUNTED",
          `${counted.filter((c) => c).length} order(s) already count on chain (first: ${hashed[first].where}, ` +
            `orderId ${JSON.stringify(hashed[first].order.orderId)}): their leaves could never mint; remove them`,
        );
      }
    }

    // Files first: the customers' proofs exist before the root is on chain.
    const meta = { shop, chainId: chain.chainId };
    const batchPath = `${prefix}.batch.json`;
    const saltsPath = `${prefix}.salts.json`;
    const customersDir = `${prefix}.customers`;
    await writeChunksAtomic(batchPath, batchFileChunks(batch, meta));
    await writeFileAtomic(
      saltsPath,
      `${toJson({
        version: 1,
        kind: "orders:anchor",
        shop,
        chainId: chain.chainId.toString(),
        root: batch.root,
        orders: hashed.map((o, index) => ({
          at: o.where,
          index,
          orderId: o.order.orderId,
          customer: o.order.customer,
          orderHash: o.orderHash,
          salt: o.salt,
        })),
      })}\n`,
    );
    await mkdir(customersDir, { recursive: true });
    const byCustomer = new Map<Address, number[]>();
    hashed.forEach((o, i) => byCustomer.set(o.order.customer, [...(byCustomer.get(o.order.customer) ?? []), i]));
    for (const [customer, indices] of byCustomer) {
      await writeFileAtomic(
        path.join(customersDir, `${customer}.json`),
        `${toJson({
          version: 1,
          shop,
          chainId: chain.chainId.toString(),
          root: batch.root,
          customer,
          leaves: indices.map((index) => {
            const o: HashedOrder = hashed[index];
            return {
              index,
              orderHash: o.orderHash,
              amount: o.order.amount.toString(),
              referrer: o.order.referrer,
              proof: batch.proof(index),
              disclosure: createDisclosure(o.order, { shop, chainId: chain.chainId, salt: o.salt }),
            };
          }),
        })}\n`,
      );
    }

    let transaction: Hex | null = null;
    let day: bigint = BigInt(existing.day);
    if (alreadyAnchored) {
      note(`orders:anchor: root ${batch.root} is already anchored (day ${existing.day}); not sent again`);
    } else {
      const anchored = await anchorBatch(chain.transport, shop, batch);
      transaction = anchored.hash;
      day = anchored.day;
    }
    return {
      shop,
      chainId: chain.chainId,
      root: batch.root,
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
    `${r.alreadyAnchored ? "Already anchored" : "Anchored"} batch ${r.root}: ${r.orderCount} order(s), ` +
    `${r.totalRevenue} wei, day ${r.day}${r.transaction !== null ? ` (transaction ${r.transaction})` : ""}\n` +
    `  batch file: ${r.batchFile}\n  salts: ${r.saltsFile}\n  per-customer proofs: ${r.customersDir}/ (${r.customers} customers)`,
);
