import { expect } from "chai";
import { id } from "ethers";
import {
  InvalidAddressError,
  MerkleBatchError,
  BATCH_FILE_VERSION,
  batchFileChunks,
  buildBatch,
  exportBatchFile,
  importBatchFile,
  type BatchFile,
  type MerkleBatch,
} from "../../../sdk/src/index.js";
import { ALICE, BOB, CAROL, SHOP } from "./helpers.js";

const CUSTOMERS = [ALICE, BOB, CAROL];
const META = { shop: SHOP, chainId: 31337, batchId: 7n } as const;
/** The order id of the test batch's first leaf. */
const FIRST = 5001n;

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends object ? Mutable<T[K]> : T[K] };

/** A deep, mutable copy of a batch file for tampering. */
function copy(file: BatchFile): Mutable<BatchFile> {
  return JSON.parse(JSON.stringify(file)) as Mutable<BatchFile>;
}

async function refused(file: unknown, check: (e: MerkleBatchError) => void): Promise<void> {
  try {
    await importBatchFile(file as BatchFile);
  } catch (error) {
    expect(error).to.be.instanceOf(MerkleBatchError);
    check(error as MerkleBatchError);
    return;
  }
  expect.fail("importBatchFile accepted a tampered file");
}

describe("SDK batch files", () => {
  let batch: MerkleBatch;
  let file: BatchFile;

  before(async () => {
    batch = await buildBatch(
      Array.from({ length: 11 }, (_, i) => ({
        orderHash: id(`file-order-${i}`),
        customer: CUSTOMERS[i % 3],
        amount: BigInt(i + 1) * 10n ** 16n,
        referrer: i % 3 === 0 ? BOB : undefined,
      })),
      { firstOrderId: FIRST },
    );
    file = exportBatchFile(batch, META);
  });

  it("exportBatchFile writes the spec schema (version 2): header with firstOrderId, decimal strings, one entry with order id and proof per order", () => {
    expect(file.version).to.equal(2);
    expect(BATCH_FILE_VERSION).to.equal(2);
    expect(file.firstOrderId).to.equal("5001");
    expect(file.shop).to.equal(SHOP);
    expect(file.chainId).to.equal(31337);
    expect(file.batchId).to.equal("7");
    expect(file.root).to.equal(batch.root);
    expect(file.orderCount).to.equal(11);
    expect(file.totalRevenue).to.equal(batch.totalRevenue.toString());
    expect(file.leafEncoding).to.deep.equal(["uint256", "bytes32", "address", "uint256", "address"]);
    expect(file.entries).to.have.length(11);
    expect(Object.keys(file)).to.deep.equal([
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
    file.entries.forEach((e, i) => {
      expect(e.index).to.equal(i);
      expect(e.orderId).to.equal((FIRST + BigInt(i)).toString());
      expect(e.amount).to.equal((BigInt(i + 1) * 10n ** 16n).toString());
      expect(e.proof).to.deep.equal(batch.proof(i));
    });
    expect(Object.keys(exportBatchFile(batch, { shop: SHOP, chainId: 1 }))).to.not.include("batchId");
  });

  it("round-trips through JSON text: importBatchFile returns the same file and root", async () => {
    const imported = await importBatchFile(JSON.stringify(file), { shop: SHOP, chainId: "31337", root: batch.root });
    expect(imported.file).to.deep.equal(file);
    expect(imported.batch.root).to.equal(batch.root);
    expect(imported.batch.firstOrderId).to.equal(FIRST);
    expect(imported.batch.leaf(10).orderId).to.equal(FIRST + 10n);
    expect(imported.chainId).to.equal(31337n);
    expect(imported.batchId).to.equal(7n);
    expect(imported.shop).to.equal(SHOP);
  });

  it("batchFileChunks streams the same JSON, one entry per line", () => {
    const chunks = [...batchFileChunks(batch, META)];
    const text = chunks.join("");
    expect(JSON.parse(text)).to.deep.equal(file);
    expect(text.split("\n").filter((l) => l.startsWith('{"index":'))).to.have.length(11);
  });

  it("imports a file with lower-case addresses and upper-case hashes, normalising them", async () => {
    const f = copy(file);
    f.shop = f.shop.toLowerCase() as `0x${string}`;
    f.entries[4].customer = f.entries[4].customer.toLowerCase() as `0x${string}`;
    f.entries[4].orderHash = f.entries[4].orderHash.toUpperCase().replace("0X", "0x") as `0x${string}`;
    expect((await importBatchFile(f)).file).to.deep.equal(file);
  });

  describe("tampering is detected and names the entry or field", () => {
    const entryCases: [string, (f: Mutable<BatchFile>) => void, number][] = [
      ["an amount", (f) => (f.entries[3].amount = (BigInt(f.entries[3].amount) + 1n).toString()), 3],
      ["a customer", (f) => (f.entries[5].customer = ALICE === f.entries[5].customer ? BOB : ALICE), 5],
      ["a referrer", (f) => (f.entries[6].referrer = CAROL), 6],
      ["an order hash", (f) => (f.entries[2].orderHash = id("forged") as `0x${string}`), 2],
      ["a proof element", (f) => (f.entries[1].proof[0] = id("forged") as `0x${string}`), 1],
      ["a truncated proof", (f) => f.entries[9].proof.pop(), 9],
      [
        "two entries' amounts swapped",
        (f) => {
          const a = f.entries[7].amount;
          f.entries[7].amount = f.entries[8].amount;
          f.entries[8].amount = a;
        },
        7,
      ],
    ];
    for (const [name, tamper, entry] of entryCases) {
      it(`${name}: MerkleBatchError for entry ${entry}`, async () => {
        const f = copy(file);
        tamper(f);
        await refused(f, (e) => {
          expect(e.entry).to.equal(entry);
          expect(e.message).to.include(`entry ${entry}`);
        });
      });
    }

    const fieldCases: [string, (f: Mutable<BatchFile>) => unknown, string | RegExp][] = [
      ["the root", (f) => (f.root = id("forged") as `0x${string}`), "root"],
      [
        "a removed entry (count and revenue adjusted)",
        (f) => {
          const e = f.entries.pop()!;
          f.orderCount -= 1;
          f.totalRevenue = (BigInt(f.totalRevenue) - BigInt(e.amount)).toString();
        },
        "root",
      ],
      ["totalRevenue", (f) => (f.totalRevenue = (BigInt(f.totalRevenue) + 1n).toString()), "totalRevenue"],
      ["orderCount", (f) => (f.orderCount += 1), "orderCount"],
      ["an entry index", (f) => (f.entries[4].index = 5), "entries[4].index"],
      ["an entry's order id", (f) => (f.entries[4].orderId = (FIRST + 5n).toString()), "entries[4].orderId"],
      [
        "an entry's order id given as a number",
        (f) => ((f.entries[2] as Record<string, unknown>).orderId = 5003),
        "entries[2].orderId",
      ],
      [
        "a missing entry order id",
        (f) => delete (f.entries[0] as Record<string, unknown>).orderId,
        "entries[0].orderId",
      ],
      [
        "firstOrderId shifted (every entry then has the wrong id)",
        (f) => (f.firstOrderId = (FIRST + 1n).toString()),
        "entries[0].orderId",
      ],
      ["firstOrderId zero", (f) => (f.firstOrderId = "0"), "firstOrderId"],
      ["firstOrderId missing", (f) => delete (f as Record<string, unknown>).firstOrderId, "firstOrderId"],
      ["firstOrderId as a number", (f) => ((f as Record<string, unknown>).firstOrderId = 5001), "firstOrderId"],
      ["the leaf encoding", (f) => (f.leafEncoding[3] = "uint96"), "leafEncoding"],
      ["the version", (f) => ((f as { version: number }).version = 3), "version"],
      ["an unknown top-level field", (f) => ((f as Record<string, unknown>).note = "x"), "note"],
      ["an unknown entry field", (f) => ((f.entries[0] as Record<string, unknown>).salt = "x"), "entries[0].salt"],
      [
        "an amount given as a number",
        (f) => ((f.entries[0] as Record<string, unknown>).amount = 5),
        "entries[0].amount",
      ],
      ["entries not an array", (f) => ((f as Record<string, unknown>).entries = {}), "entries"],
    ];
    for (const [name, tamper, field] of fieldCases) {
      it(`${name}: MerkleBatchError on ${String(field)}`, async () => {
        const f = copy(file);
        tamper(f);
        await refused(f, (e) => expect(e.field).to.equal(field));
      });
    }

    it("a bad address checksum: InvalidAddressError on entries[i].customer", async () => {
      const f = copy(file);
      f.entries[2].customer = f.entries[2].customer.replace(/[a-f]/, (c) => c.toUpperCase()) as `0x${string}`;
      try {
        await importBatchFile(f);
        expect.fail("accepted");
      } catch (error) {
        expect(error).to.be.instanceOf(InvalidAddressError);
        expect((error as InvalidAddressError).field).to.equal("entries[2].customer");
      }
    });

    it("expectations: another shop, chain or root than expected", async () => {
      for (const [expected, field] of [
        [{ shop: ALICE }, "shop"],
        [{ chainId: 1 }, "chainId"],
        [{ root: id("other root") }, "root"],
      ] as const) {
        try {
          await importBatchFile(file, expected);
          expect.fail("accepted");
        } catch (error) {
          expect(error).to.be.instanceOf(MerkleBatchError);
          expect((error as MerkleBatchError).field).to.equal(field);
        }
      }
    });

    it("a version 1 file (core v1, leaves keyed by index) is refused with a message saying to rebuild it", async () => {
      const f = copy(file) as Record<string, unknown>;
      f.version = 1;
      delete f.firstOrderId;
      for (const e of f.entries as Record<string, unknown>[]) delete e.orderId;
      await refused(f, (e) => {
        expect(e.field).to.equal("version");
        expect(e.message).to.include("version 1");
        expect(e.message).to.include("buildBatch(orders, { firstOrderId })");
      });
    });

    it("text that is not JSON, or not an object", async () => {
      await refused("{not json", (e) => expect(e.reason).to.match(/JSON/));
      await refused("[]", (e) => expect(e.reason).to.match(/object/));
    });
  });
});
