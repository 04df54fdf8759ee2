import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { hashOrder, type Address } from "../../../sdk/src/index.js";
import { parseCsv, parseCsvRows } from "../../../scripts/tasks/lib/csv.js";
import { InputError } from "../../../scripts/tasks/lib/errors.js";
import { prepareOrders, readOrderFile, saveState } from "../../../scripts/tasks/lib/orders-file.js";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const SHOP = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as Address;
const HEADER = "orderId,customer,amount,referrer,createdAt,currency,fiatAmount,quotedRate,items";

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("CSV parser (scripts/tasks/lib/csv)", () => {
  it("parseCsvRows reads quoted fields with commas, doubled quotes and line breaks, and their start lines", () => {
    const rows = parseCsvRows('a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",z\nlast,');
    expect(rows).to.deep.equal([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["two\nlines", "z"] },
      { line: 6, fields: ["last", ""] },
    ]);
  });

  it("parseCsvRows strips a UTF-8 BOM and keeps an empty quoted field", () => {
    expect(parseCsvRows('\uFEFFa\n""\n')).to.deep.equal([
      { line: 1, fields: ["a"] },
      { line: 2, fields: [""] },
    ]);
  });

  it("parseCsvRows refuses an unterminated quote, a stray quote and text after a closing quote, with the line", () => {
    expect(thrown(() => parseCsvRows('a\n"open\nstill', "f.csv")).message).to.equal(
      "f.csv line 2: unterminated quoted field",
    );
    expect(thrown(() => parseCsvRows('a\nb"c', "f.csv")).message).to.match(
      /^f\.csv line 2: a quote inside an unquoted/,
    );
    expect(thrown(() => parseCsvRows('a\n"b"c', "f.csv")).message).to.match(/^f\.csv line 2: unexpected "c" after/);
  });

  it("parseCsv maps records to columns and refuses a record with the wrong field count or a repeated column", () => {
    expect(parseCsv("x,y\n1,2\n").records).to.deep.equal([{ line: 2, fields: { x: "1", y: "2" } }]);
    expect(thrown(() => parseCsv("x,y\n1,2\n3\n", "f.csv")).message).to.match(
      /^f\.csv line 3: 1 field\(s\), the header has 2/,
    );
    expect(thrown(() => parseCsv("x,x\n", "f.csv")).message).to.equal('f.csv line 1: column "x" appears twice');
    expect(thrown(() => parseCsv("", "f.csv"))).to.be.instanceOf(InputError);
  });
});

describe("order files and the state file (scripts/tasks/lib/orders-file)", () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(tmpdir(), "sharemall-orders-"))));
  after(async () => rm(dir, { recursive: true, force: true }));

  async function write(name: string, body: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, body);
    return file;
  }

  it("readOrderFile reads a CSV with defaults, ISO dates and items into SDK-normalised orders", async () => {
    const file = await write(
      "ok.csv",
      `${HEADER}\nA-1,${ALICE.toLowerCase()},100,,2025-11-25T10:00:00+08:00,cny,300,7,"TEA:2:150;CUP:1:0"\n` +
        `A-2,${BOB},5,${ALICE},1764036000,,,,\n`,
    );
    const orders = await readOrderFile(file);
    expect(orders.map((o) => o.where)).to.deep.equal(["line 2", "line 3"]);
    expect(orders[0].order).to.deep.include({ customer: ALICE, amount: 100n, currency: "CNY", createdAt: 1764036000n });
    expect(orders[0].order.items).to.deep.equal([
      { sku: "TEA", quantity: 2n, unitPrice: 150n },
      { sku: "CUP", quantity: 1n, unitPrice: 0n },
    ]);
    expect(orders[1].order).to.deep.include({ referrer: ALICE, currency: "XXX", fiatAmount: 0n, items: [] });
  });

  it("readOrderFile names the line of a zero amount, a self-referral, a bad date and an unknown column", async () => {
    const cases: [string, RegExp][] = [
      [
        `${HEADER}\nA-1,${ALICE},0,,1764036000,,,,\n`,
        /line 2: Invalid amount for "amount": "0" \(below the minimum 1\)/,
      ],
      [`${HEADER}\nA-1,${ALICE},1,${ALICE},1764036000,,,,\n`, /line 2: .*cannot refer itself/],
      [`${HEADER}\n\nA-1,${ALICE},1,,yesterday,,,,\n`, /line 3: createdAt "yesterday"/],
      [`orderId,customer,amount,createdAt,refferer\n`, /line 1: unknown column "refferer"/],
    ];
    for (const [i, [body, message]] of cases.entries()) {
      const file = await write(`bad-${i}.csv`, body);
      const error = await readOrderFile(file).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error, body).to.be.instanceOf(InputError);
      expect(error?.message).to.match(message);
    }
  });

  it("readOrderFile reads JSON orders and names the array index of a bad one", async () => {
    const ok = await write(
      "ok.json",
      JSON.stringify({ orders: [{ orderId: "J-1", customer: ALICE, amount: "7", createdAt: 1 }] }),
    );
    expect((await readOrderFile(ok))[0].order.amount).to.equal(7n);
    const bad = await write(
      "bad.json",
      JSON.stringify([{ orderId: "J-1", customer: ALICE, amount: "7", createdAt: 1, tip: 1 }]),
    );
    const error = await readOrderFile(bad).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.match(/^bad\.json orders\[0\]: Invalid order field "tip"/);
  });

  it("readOrderFile reads chainOrderId (CSV column or JSON field) and refuses a bad, empty, repeated or missing one", async () => {
    const numbered = await write(
      "numbered.csv",
      `chainOrderId,${HEADER}\n1001,A-1,${ALICE},100,,1764036000,,,,\n18446744073709551615,A-2,${BOB},5,,1764036000,,,,\n`,
    );
    expect((await readOrderFile(numbered)).map((o) => o.chainOrderId)).to.deep.equal([1001n, (1n << 64n) - 1n]);
    const json = await write(
      "numbered.json",
      JSON.stringify([{ chainOrderId: 7, orderId: "J-1", customer: ALICE, amount: "7", createdAt: 1 }]),
    );
    const [fromJson] = await readOrderFile(json);
    expect(fromJson.chainOrderId).to.equal(7n);
    expect(fromJson.order.orderId).to.equal("J-1");
    const cases: [string, string, RegExp][] = [
      ["zero.csv", `chainOrderId,${HEADER}\n0,A-1,${ALICE},1,,1764036000,,,,\n`, /line 2: .*"chainOrderId".*0/],
      [
        "big.csv",
        `chainOrderId,${HEADER}\n18446744073709551616,A-1,${ALICE},1,,1764036000,,,,\n`,
        /line 2: .*"chainOrderId"/,
      ],
      [
        "text.csv",
        `chainOrderId,${HEADER}\nWY-1,A-1,${ALICE},1,,1764036000,,,,\n`,
        /line 2: chainOrderId "WY-1" is not/,
      ],
      [
        "empty.csv",
        `chainOrderId,${HEADER}\n1,A-1,${ALICE},1,,1764036000,,,,\n,A-2,${BOB},1,,1764036000,,,,\n`,
        /line 3: empty chainOrderId/,
      ],
      [
        "repeated.csv",
        `chainOrderId,${HEADER}\n5,A-1,${ALICE},1,,1764036000,,,,\n5,A-2,${BOB},1,,1764036000,,,,\n`,
        /line 3: duplicate chainOrderId 5 \(first at line 2\)/,
      ],
      [
        "some.json",
        JSON.stringify([
          { chainOrderId: "1", orderId: "J-1", customer: ALICE, amount: "7", createdAt: 1 },
          { orderId: "J-2", customer: BOB, amount: "7", createdAt: 1 },
        ]),
        /orders\[1\]: no chainOrderId, though other orders have one/,
      ],
    ];
    for (const [name, body, message] of cases) {
      const error = await readOrderFile(await write(name, body)).catch((e: unknown) => e as Error);
      expect(error, name).to.be.instanceOf(InputError);
      expect((error as Error).message, name).to.match(message);
    }
  });

  it("prepareOrders reuses saved salts and ids on a re-run and refuses an order edited since its salt was saved", async () => {
    const file = await write("state.csv", `chainOrderId,${HEADER}\n41,S-1,${ALICE},100,,1764036000,,,,\n`);
    const statePath = `${file}.record-state.json`;
    const context = { shop: SHOP, chainId: 31337n, statePath, kind: "record" as const, block: 12n };
    const prepared = await prepareOrders(await readOrderFile(file), context);
    const first = prepared.orders;
    expect(first[0]).to.deep.include({ resumed: false, chainOrderId: 41n });
    expect(first[0].orderHash).to.equal(
      hashOrder(first[0].order, { shop: SHOP, chainId: 31337n, salt: first[0].salt }),
    );
    // Nothing is written until the caller saves (after its checks, before it sends).
    expect(await readFile(statePath, "utf8").catch(() => "absent")).to.equal("absent");
    await saveState(prepared);
    const saved = JSON.parse(await readFile(statePath, "utf8")) as {
      version: number;
      startBlock: string;
      orders: Record<string, { salt: string; chainOrderId: string }>;
    };
    expect(saved).to.deep.include({ version: 2, startBlock: "12" });
    expect(saved.orders["S-1"]).to.deep.include({ salt: first[0].salt, chainOrderId: "41" });

    const second = await prepareOrders(await readOrderFile(file), { ...context, block: 99n });
    expect(second.startBlock).to.equal(12n);
    expect(second.orders[0]).to.deep.include({ resumed: true, salt: first[0].salt, orderHash: first[0].orderHash });

    await writeFile(file, `chainOrderId,${HEADER}\n41,S-1,${ALICE},101,,1764036000,,,,\n`);
    const error = await prepareOrders(await readOrderFile(file), context).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.match(/line 2: order "S-1" changed since its hash/);
    await writeFile(file, `chainOrderId,${HEADER}\n42,S-1,${ALICE},100,,1764036000,,,,\n`);
    const renumbered = await prepareOrders(await readOrderFile(file), context).catch((e: unknown) => e as Error);
    expect((renumbered as Error).message).to.match(/line 2: order "S-1" had chain order id 41 in .*, now 42/);
    const otherShop = await prepareOrders(await readOrderFile(file), { ...context, chainId: 1n }).catch(
      (e: unknown) => e as Error,
    );
    expect((otherShop as Error).message).to.match(
      /is for record on shop .*, chain 31337; this run is record on shop .*, chain 1/,
    );
    const v1 = await write("v1-state.json", JSON.stringify({ version: 1, kind: "record", orders: {} }));
    const old = await prepareOrders(await readOrderFile(file), { ...context, statePath: v1 }).catch(
      (e: unknown) => e as Error,
    );
    expect((old as Error).message).to.match(/version-1 state file \(core v1/);
  });

  it("prepareOrders numbers a file without chainOrderId from --first-order-id and continues the saved sequence", async () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => `N-${i + 1},${i % 2 ? BOB : ALICE},${i + 1},,1764036000,,,,`).join("\n");
    const file = await write("sequence.csv", `${HEADER}\n${rows(3)}\n`);
    const statePath = `${file}.record-state.json`;
    const context = { shop: SHOP, chainId: 31337n, statePath, kind: "record" as const, block: 5n };
    const missing = await prepareOrders(await readOrderFile(file), context).catch((e: unknown) => e as Error);
    expect(missing).to.be.instanceOf(InputError);
    expect((missing as Error).message).to.match(/no chainOrderId column: give --first-order-id/);

    const first = await prepareOrders(await readOrderFile(file), { ...context, firstOrderId: 500n });
    expect(first.orders.map((o) => o.chainOrderId)).to.deep.equal([500n, 501n, 502n]);
    expect(first.numbered).to.equal(3);
    await saveState(first);
    // Two more orders: the saved ones keep their ids, the new ones continue the sequence (no option needed).
    await writeFile(file, `${HEADER}\n${rows(5)}\n`);
    const more = await prepareOrders(await readOrderFile(file), context);
    expect(more.orders.map((o) => o.chainOrderId)).to.deep.equal([500n, 501n, 502n, 503n, 504n]);
    expect(more.numbered).to.equal(2);
    const other = await prepareOrders(await readOrderFile(file), { ...context, firstOrderId: 900n }).catch(
      (e: unknown) => e as Error,
    );
    expect((other as Error).message).to.match(/--first-order-id 900: state file .* numbers these orders from 500/);
    const both = await write("both.csv", `chainOrderId,${HEADER}\n1,B-1,${ALICE},1,,1764036000,,,,\n`);
    const twice = await prepareOrders(await readOrderFile(both), {
      ...context,
      statePath: `${both}.state`,
      firstOrderId: 1n,
    }).catch((e: unknown) => e as Error);
    expect((twice as Error).message).to.match(/gives every order its chainOrderId already/);
  });

  it("prepareOrders gives a batch consecutive ids from its first order's and keeps its firstOrderId on a re-run", async () => {
    const file = await write(
      "batch.csv",
      `${HEADER}\nB-1,${ALICE},1,,1764036000,,,,\nB-2,${BOB},2,,1764036000,,,,\nB-3,${ALICE},3,,1764036000,,,,\n`,
    );
    const statePath = `${file}.anchor-state.json`;
    const context = { shop: SHOP, chainId: 31337n, statePath, kind: "anchor" as const, block: 1n };
    const prepared = await prepareOrders(await readOrderFile(file), { ...context, firstOrderId: 7000n });
    expect(prepared.firstOrderId).to.equal(7000n);
    expect(prepared.orders.map((o) => o.chainOrderId)).to.deep.equal([7000n, 7001n, 7002n]);
    await saveState(prepared);
    const again = await prepareOrders(await readOrderFile(file), context);
    expect(again.firstOrderId).to.equal(7000n);
    expect(again.orders.map((o) => o.salt)).to.deep.equal(prepared.orders.map((o) => o.salt));
    const moved = await prepareOrders(await readOrderFile(file), { ...context, firstOrderId: 8000n }).catch(
      (e: unknown) => e as Error,
    );
    expect((moved as Error).message).to.match(/numbers these orders from 7000/);

    const gap = await write(
      "gap.csv",
      `chainOrderId,${HEADER}\n10,G-1,${ALICE},1,,1764036000,,,,\n11,G-2,${BOB},1,,1764036000,,,,\n13,G-3,${ALICE},1,,1764036000,,,,\n`,
    );
    const broken = await prepareOrders(await readOrderFile(gap), { ...context, statePath: `${gap}.state` }).catch(
      (e: unknown) => e as Error,
    );
    expect((broken as Error).message).to.match(/line 4: chainOrderId 13 breaks the batch's sequence \(expected 12/);
  });
});
