import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { hashOrder, type Address } from "../../../sdk/src/index.js";
import { parseCsv, parseCsvRows } from "../../../scripts/tasks/lib/csv.js";
import { InputError } from "../../../scripts/tasks/lib/errors.js";
import { hashWithState, readOrderFile } from "../../../scripts/tasks/lib/orders-file.js";

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

  it("hashWithState reuses saved salts on a re-run and refuses an order edited since its salt was saved", async () => {
    const file = await write("state.csv", `${HEADER}\nS-1,${ALICE},100,,1764036000,,,,\n`);
    const statePath = `${file}.record-state.json`;
    const context = { shop: SHOP, chainId: 31337n, statePath, kind: "record" as const };
    const first = await hashWithState(await readOrderFile(file), context);
    expect(first[0].resumed).to.equal(false);
    expect(first[0].orderHash).to.equal(
      hashOrder(first[0].order, { shop: SHOP, chainId: 31337n, salt: first[0].salt }),
    );
    const saved = JSON.parse(await readFile(statePath, "utf8")) as { orders: Record<string, { salt: string }> };
    expect(saved.orders["S-1"].salt).to.equal(first[0].salt);

    const second = await hashWithState(await readOrderFile(file), context);
    expect(second[0]).to.deep.include({ resumed: true, salt: first[0].salt, orderHash: first[0].orderHash });

    await writeFile(file, `${HEADER}\nS-1,${ALICE},101,,1764036000,,,,\n`);
    const error = await hashWithState(await readOrderFile(file), context).catch((e: unknown) => e as Error);
    expect((error as Error).message).to.match(/line 2: order "S-1" changed since its hash/);
    const otherShop = await hashWithState(await readOrderFile(file), { ...context, chainId: 1n }).catch(
      (e: unknown) => e as Error,
    );
    expect((otherShop as Error).message).to.match(
      /is for record on shop .*, chain 31337; this run is record on shop .*, chain 1/,
    );
  });
});
