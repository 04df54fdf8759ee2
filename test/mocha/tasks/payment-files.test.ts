import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { InputError } from "../../../scripts/tasks/lib/errors.js";
import { readOrderFile } from "../../../scripts/tasks/lib/orders-file.js";
import { readPaymentFile, type AmountColumn } from "../../../scripts/tasks/lib/payments-file.js";

const ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const HASH = `0x${"ab".repeat(32)}`;

describe("payment files and paidAt (scripts/tasks/lib/payments-file, orders-file)", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "sharemall-payment-files-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function read(body: string, amount: AmountColumn) {
    const file = path.join(dir, "p.csv");
    await writeFile(file, body);
    return readPaymentFile(file, amount);
  }

  async function refused(body: string, amount: AmountColumn): Promise<string> {
    try {
      await read(body, amount);
    } catch (error) {
      expect(error).to.be.instanceOf(InputError);
      return (error as Error).message;
    }
    throw new Error("expected a refusal");
  }

  it("reads rows with a blank or given amount, in wei, and their lines", async () => {
    const rows = await read(
      `orderHash,customer,amount\n${HASH},${ALICE},\n\n${HASH.replace("ab", "cd")},${ALICE},5\n`,
      "optional",
    );
    expect(rows).to.deep.equal([
      { line: 2, orderHash: HASH, customer: ALICE },
      { line: 4, orderHash: HASH.replace("ab", "cd"), customer: ALICE, amountWei: 5n },
    ]);
  });

  it("refuses columns, amounts and repeated payments with the file, line and field", async () => {
    expect(await refused(`orderHash,customer,amount\n${HASH},${ALICE},1\n`, "none")).to.equal(
      'p.csv line 1: unknown column "amount" (columns: orderHash, customer)',
    );
    expect(await refused(`orderHash,customer\n${HASH},${ALICE}\n`, "required")).to.equal(
      'p.csv line 1: missing column "amount"',
    );
    expect(await refused(`orderHash,customer,amount\n${HASH},${ALICE},0\n`, "required")).to.match(
      /^p\.csv line 2: Invalid amount for "amount"/,
    );
    expect(await refused(`orderHash,customer,amount\n${HASH},${ALICE},1e18\n`, "optional")).to.match(
      /^p\.csv line 2: Invalid amount for "amount": "1e18" \(expected wei/,
    );
    expect(await refused(`orderHash,customer\n${HASH},0x1234\n`, "none")).to.match(
      /^p\.csv line 2: Invalid address for "customer"/,
    );
    expect(await refused(`orderHash,customer\n${HASH},${ALICE}\n${HASH},${ALICE}\n`, "none")).to.match(
      /^p\.csv line 3: payment of .* is also on line 2/,
    );
    expect(await refused(`orderHash,customer\n`, "none")).to.equal("p.csv: no rows");
  });

  it("order files read paidAt (unix seconds or ISO, not hashed) and name the line of a bad one", async () => {
    const file = path.join(dir, "o.csv");
    await writeFile(
      file,
      `orderId,customer,amount,createdAt,paidAt\nA,${ALICE},1,1764036000,2026-11-26T00:00:00Z\nB,${ALICE},1,1764036000,\n`,
    );
    const orders = await readOrderFile(file);
    expect(orders.map((o) => o.paidAt)).to.deep.equal([1_795_651_200n, undefined]);
    await writeFile(file, `orderId,customer,amount,createdAt,paidAt\nA,${ALICE},1,1764036000,yesterday\n`);
    const error = await readOrderFile(file).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).to.equal('o.csv line 2: paidAt "yesterday": expected unix seconds or an ISO 8601 date-time');
  });
});
