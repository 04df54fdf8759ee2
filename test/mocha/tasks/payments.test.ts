import { expect } from "chai";
import { id } from "ethers";
import { access, mkdtemp, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  authorizePayment,
  fetchPaymentStatus,
  readContract,
  setReturnWindow,
  shopAbi,
  type Address,
  type Hex,
  type PaymentTerms,
} from "../../../sdk/src/index.js";
import { startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { advanceTime, ALICE, BOB, CAROL, chainMark, DAVE, MERCHANT, nodeClient, runCli, runJson } from "./support.js";

const COIN = 10n ** 18n;
const DAY = 86_400;

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

interface Outcome {
  line: number;
  status: string;
  reason?: string;
  transaction?: Hex;
}

describe("payment tasks against a hardhat node", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let client: ReturnType<typeof nodeClient>;
  let dir: string;
  let shop: Address;
  const deploymentId = `payments-test-${process.pid}-factory`;
  /** Held payments by name. */
  const held = new Map<string, PaymentTerms>();

  async function authorize(name: string, customer: Address, amountWei: bigint, referrer?: Address) {
    const { payment } = await authorizePayment(await client.signer(customer), {
      shop,
      orderHash: id(`payments test ${name}`),
      amountWei,
      ...(referrer !== undefined ? { referrer } : {}),
    });
    held.set(name, payment);
    return payment;
  }

  const row = (p: PaymentTerms, amount?: bigint | number | string) =>
    amount === undefined ? `${p.orderHash},${p.customer}` : `${p.orderHash},${p.customer},${amount}`;

  const cli = (task: string, args: readonly string[], env: Record<string, string> = {}) =>
    runCli(node, [task, "--network", "custom", "--shop", shop, ...args], env);

  before(async () => {
    node = await startHardhatNode();
    client = nodeClient(node);
    dir = await mkdtemp(path.join(tmpdir(), "sharemall-payments-"));
    const run = await runCli(node, [
      ...["ignition", "deploy", "deploy/modules/ShareMall.ts", "--network", "custom"],
      ...["--deployment-id", deploymentId],
    ]);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    const addresses = JSON.parse(
      await readFile(path.join("deploy", "deployments", deploymentId, "deployed_addresses.json"), "utf8"),
    ) as Record<string, Address>;
    const created = await runJson<{ shop: Address }>(node, "shop:create", [
      ...["--factory", addresses["ShareMall#ShareMallFactory"], "--name", "Pay Tea", "--utc-offset", "8"],
    ]);
    shop = created.shop;
    const tokenFile = path.join(dir, "ydc.json");
    await writeFile(
      tokenFile,
      JSON.stringify({
        name: "Wuyou Dividend Coin",
        symbol: "YDC",
        rules: { spendPerToken: "0.3", dividend: "20%", referral: { share: "10%" } },
      }),
    );
    await runJson(node, "token:create", ["--shop", shop, "--file", tokenFile]);
  });

  after(async () => {
    await node?.stop();
    await rm(path.join("deploy", "deployments", deploymentId), { recursive: true, force: true });
    await rmdir(path.join("deploy", "deployments")).catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("payments:capture captures in full and in part, crashed after two rows resumes from the status on chain, and a third run sends nothing", async () => {
    const a = await authorize("cap-a", ALICE, 3n * COIN);
    const b = await authorize("cap-b", BOB, 2n * COIN, ALICE);
    const c = await authorize("cap-c", CAROL, COIN);
    const d = await authorize("cap-d", DAVE, 6n * 10n ** 17n);
    const file = path.join(dir, "capture.csv");
    // Bob keeps half of his order: 1 of 2 coin is captured, the rest goes back to him. Dave's amount is blank: all.
    await writeFile(
      file,
      ["orderHash,customer,amount", row(a, ""), row(b, COIN), row(c, ""), row(d, "")].join("\n") + "\n",
    );
    const crashed = await cli("payments:capture", ["--file", file, "--progress-every", "1"], {
      SHAREMALL_CRASH_AFTER_ROWS: "2",
    });
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    expect(crashed.stderr).to.match(/payments:capture: 1\/4 row\(s\) sent \(1 done, 0 failed\)/);
    const statuses = async () =>
      Promise.all(
        [a, b, c, d].map(
          async (p) =>
            (await fetchPaymentStatus(client.reader, { shop, orderHash: p.orderHash, customer: p.customer })).status,
        ),
      );
    expect(await statuses()).to.deep.equal(["captured", "captured", "held", "held"]);

    const bobBefore = await client.provider.getBalance(BOB);
    const resumed = await runJson<{
      captured: number;
      skipped: number;
      failed: number;
      capturedWei: string;
      outcomes: Outcome[];
    }>(node, "payments:capture", ["--shop", shop, "--file", file]);
    expect(resumed).to.include({
      captured: 2,
      skipped: 2,
      failed: 0,
      capturedWei: (COIN + 6n * 10n ** 17n).toString(),
    });
    expect(resumed.outcomes.map((o) => o.status)).to.deep.equal(["skipped", "skipped", "done", "done"]);
    expect(resumed.outcomes[0].reason).to.match(/^already captured \(operator\)/);
    expect(await statuses()).to.deep.equal(["captured", "captured", "captured", "captured"]);
    // Bob's capture was 1 coin (refundable), and the other coin went back to him in the crashed run already.
    expect(
      (await fetchPaymentStatus(client.reader, { shop, orderHash: b.orderHash, customer: BOB })).amountWei,
    ).to.equal(COIN);
    expect(await client.provider.getBalance(BOB)).to.equal(bobBefore);

    const before = await chainMark(node);
    const again = await cli("payments:capture", ["--file", file]);
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stdout).to.match(/^Captured 0 payment\(s\) \(0\.0; 0\.0 returned to customers\), 4 skipped, 0 failed/);
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("payments:void returns held payments, resumes after a crash without voiding twice, and skips what the customer reclaimed", async () => {
    const e = await authorize("void-e", ALICE, COIN);
    const f = await authorize("void-f", BOB, COIN);
    const g = await authorize("void-g", CAROL, 5n * 10n ** 17n);
    const file = path.join(dir, "void.csv");
    await writeFile(file, ["orderHash,customer", row(e), row(f), row(g)].join("\r\n"));
    const crashed = await cli("payments:void", ["--file", file], { SHAREMALL_CRASH_AFTER_ROWS: "1" });
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    expect(
      (await fetchPaymentStatus(client.reader, { shop, orderHash: e.orderHash, customer: ALICE })).status,
    ).to.equal("none");
    expect((await fetchPaymentStatus(client.reader, { shop, orderHash: f.orderHash, customer: BOB })).status).to.equal(
      "held",
    );
    const bobBefore = await client.provider.getBalance(BOB);
    const resumed = await runJson<{ voided: number; skipped: number; returnedWei: string; outcomes: Outcome[] }>(
      node,
      "payments:void",
      ["--shop", shop, "--file", file],
    );
    expect(resumed).to.include({ voided: 2, skipped: 1, returnedWei: (15n * 10n ** 17n).toString() });
    expect(resumed.outcomes[0].reason).to.match(/^already voided in 0x[0-9a-f]{64}$/);
    expect(await client.provider.getBalance(BOB)).to.equal(bobBefore + COIN);
    const before = await chainMark(node);
    const again = await runJson<{ voided: number; skipped: number }>(node, "payments:void", [
      "--shop",
      shop,
      "--file",
      file,
    ]);
    expect(again).to.include({ voided: 0, skipped: 3 });
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("refuses bad payment files with the file, line and field, and exit code 2, sending nothing", async () => {
    const h = await authorize("bad-h", DAVE, COIN);
    const a = held.get("cap-a")!;
    const e = held.get("void-e")!;
    const unknown = id("never authorized");
    const cases: { task: string; name: string; body: string; message: RegExp }[] = [
      {
        task: "payments:capture",
        name: "missing-column.csv",
        body: `orderHash,amount\n${h.orderHash},1\n`,
        message: /^error: missing-column\.csv line 1: missing column "customer"/,
      },
      {
        task: "payments:capture",
        name: "bad-hash.csv",
        body: `orderHash,customer\n${row(h)}\n0x1234,${DAVE}\n`,
        message: /^error: bad-hash\.csv line 3: Invalid bytes32 for "orderHash"/,
      },
      {
        task: "payments:capture",
        name: "unknown.csv",
        body: `orderHash,customer,amount\n${row(h, "")}\n${unknown},${DAVE},\n`,
        message: new RegExp(`^error: unknown\\.csv line 3: no payment of ${DAVE} for order ${unknown}`),
      },
      {
        task: "payments:capture",
        name: "over.csv",
        body: `orderHash,customer,amount\n${row(h, 2n * COIN)}\n`,
        message: /^error: over\.csv line 2: "amount" 2000000000000000000 wei is over the 1000000000000000000 wei held/,
      },
      {
        task: "payments:capture",
        name: "fraction.csv",
        body: `orderHash,customer,amount\n${row(h, "0.5")}\n`,
        message: /^error: fraction\.csv line 2: Invalid amount for "amount": "0\.5" \(expected wei/,
      },
      {
        task: "payments:capture",
        name: "voided.csv",
        body: `orderHash,customer\n${row(h)}\n${row(e)}\n`,
        message: /^error: voided\.csv line 3: payment of .* is not held: voided in 0x[0-9a-f]{64}; nothing sent\n$/,
      },
      {
        task: "payments:capture",
        name: "twice.csv",
        body: `orderHash,customer\n${row(h)}\n${row(h)}\n`,
        message: /^error: twice\.csv line 3: payment of .* is also on line 2 \(one row per payment\)/,
      },
      {
        task: "payments:void",
        name: "captured.csv",
        body: `orderHash,customer\n${row(h)}\n${row(a)}\n`,
        message: /^error: captured\.csv line 3: payment of .* is captured, not held: refund it \(payments:refund\)/,
      },
      {
        task: "payments:refund",
        name: "held.csv",
        body: `orderHash,customer,amount\n${row(a, 1)}\n${row(h, 1)}\n`,
        message: /^error: held\.csv line 3: payment of .* is held, not captured: capture it/,
      },
      {
        task: "payments:refund",
        name: "no-amount.csv",
        body: `orderHash,customer,amount\n${row(a, "")}\n`,
        message: /^error: no-amount\.csv line 2: empty "amount" \(wei to refund\)/,
      },
      {
        task: "payments:refund",
        name: "too-much.csv",
        body: `orderHash,customer,amount\n${row(a, 4n * COIN)}\n${row(h, 1)}\n`,
        message:
          /^error: too-much\.csv line 2: "amount" 4000000000000000000 wei is over the 3000000000000000000 wei still refundable \(captured 3000000000000000000, refunded 0\) of the payment of .* \(and 1 more bad row\(s\)\); nothing sent\n$/,
      },
    ];
    const before = await chainMark(node);
    const runs = await Promise.all(
      cases.map(async (c) => {
        const file = path.join(dir, c.name);
        await writeFile(file, c.body);
        return cli(c.task, ["--file", file]);
      }),
    );
    runs.forEach((run, i) => {
      const label = `${cases[i].name}: ${run.stderr}`;
      expect(run.code, label).to.equal(2);
      expect(run.stderr.trim().split("\n"), label).to.have.length(1);
      expect(run.stderr, label).to.match(cases[i].message);
    });
    expect(await exists(path.join(dir, "too-much.csv.refund-journal.json"))).to.equal(false);
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("payments:refund checks the merchant balance up front, journals every refund and, crashed before journaling one, never refunds it twice", async () => {
    const [a, b, c, d] = ["cap-a", "cap-b", "cap-c", "cap-d"].map((n) => held.get(n)!);
    const balance = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "merchantBalance",
      args: [],
    });
    // The captures put 80 % of 5.6 coin in the merchant balance (4.48): a file of 5.5 coin of refunds is short.
    const big = path.join(dir, "refund-big.csv");
    await writeFile(
      big,
      ["orderHash,customer,amount", row(a, 3n * COIN), row(b, COIN), row(c, COIN), row(d, 5n * 10n ** 17n)].join("\n"),
    );
    const before = await chainMark(node);
    const short = await cli("payments:refund", ["--file", big]);
    expect(short.code, short.stderr).to.equal(1);
    const missing = 55n * 10n ** 17n - balance;
    expect(short.stderr).to.match(
      new RegExp(
        `^error: Merchant balance too low for the refunds of refund-big\\.csv: required 5500000000000000000 wei .*missing ${missing} wei .*nothing sent: deposit at least .* or re-run with --fund`,
      ),
    );
    expect(await chainMark(node)).to.deep.equal(before);
    expect(await exists(`${big}.refund-journal.json`)).to.equal(false);

    // Alice returns a third of her order, Bob all of his kept coin, Carol half.
    const file = path.join(dir, "refund.csv");
    await writeFile(
      file,
      ["orderHash,customer,amount", row(a, COIN), row(b, COIN), row(c, 5n * 10n ** 17n)].join("\n"),
    );
    const crashed = await cli("payments:refund", ["--file", file], { SHAREMALL_CRASH_BEFORE_JOURNAL: "1" });
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    const journal = JSON.parse(await readFile(`${file}.refund-journal.json`, "utf8")) as {
      rows: Record<string, { state: string; refundableBefore: string; transaction?: Hex }>;
    };
    const aKey = `${a.orderHash}:${ALICE}`;
    expect(journal.rows[aKey]).to.deep.include({ state: "sending", refundableBefore: (3n * COIN).toString() });
    // The refund was mined, though the journal does not know it.
    expect(
      (await fetchPaymentStatus(client.reader, { shop, orderHash: a.orderHash, customer: ALICE })).amountWei,
    ).to.equal(2n * COIN);

    const resumed = await runJson<{
      refunded: number;
      skipped: number;
      refundedWei: string;
      tokens: { tokenIndex: number; clawedBack: string }[];
      outcomes: Outcome[];
    }>(node, "payments:refund", ["--shop", shop, "--file", file, "--progress-every", "1"]);
    expect(resumed).to.include({ refunded: 2, skipped: 1, refundedWei: (15n * 10n ** 17n).toString() });
    expect(resumed.outcomes[0].reason).to.match(
      /^refunded already in 0x[0-9a-f]{64} \(mined after an interrupted run\)$/,
    );
    // Bob's tokens of his kept coin (and Alice's promotion tokens as his referrer) are taken back.
    expect(BigInt(resumed.tokens[0].clawedBack)).to.be.greaterThan(0n);
    const refundable = await Promise.all(
      [a, b, c].map(
        async (p) =>
          (await fetchPaymentStatus(client.reader, { shop, orderHash: p.orderHash, customer: p.customer })).amountWei,
      ),
    );
    expect(refundable).to.deep.equal([2n * COIN, 0n, 5n * 10n ** 17n]);
    const done = JSON.parse(await readFile(`${file}.refund-journal.json`, "utf8")) as typeof journal;
    expect(Object.values(done.rows).map((r) => r.state)).to.deep.equal(["done", "done", "done"]);
    expect(done.rows[aKey].transaction).to.match(/^0x[0-9a-f]{64}$/);

    // A third run sends nothing; a changed amount is refused against the journal.
    const mark = await chainMark(node);
    const again = await runJson<{ refunded: number; skipped: number }>(node, "payments:refund", [
      "--shop",
      shop,
      "--file",
      file,
    ]);
    expect(again).to.include({ refunded: 0, skipped: 3 });
    await writeFile(file, ["orderHash,customer,amount", row(a, 2n * COIN)].join("\n"));
    const changed = await cli("payments:refund", ["--file", file]);
    expect(changed.code, changed.stderr).to.equal(2);
    expect(changed.stderr).to.match(
      /^error: refund\.csv line 2: "amount" 2000000000000000000 wei, but .* has the refund of this payment as 1000000000000000000 wei \(done\)/,
    );
    expect(await chainMark(node)).to.deep.equal(mark);

    // --fund deposits what the balance lacks, then refunds.
    const fundFile = path.join(dir, "refund-fund.csv");
    const left = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "merchantBalance",
      args: [],
    });
    await writeFile(fundFile, ["orderHash,customer,amount", row(a, 2n * COIN), row(d, 6n * 10n ** 17n)].join("\n"));
    const funded = await runJson<{ refunded: number; deposited: string }>(node, "payments:refund", [
      ...["--shop", shop, "--file", fundFile, "--fund"],
    ]);
    expect(funded.refunded).to.equal(2);
    expect(BigInt(funded.deposited)).to.equal(26n * 10n ** 17n - left);
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "merchantBalance", args: [] }),
    ).to.equal(0n);
  });

  it("shop:report shows held money, captures, returns within the window, refunds with tokens taken back, returns owed and the return window", async () => {
    await authorize("report-r", BOB, 4n * 10n ** 17n);
    await setReturnWindow(await client.signer(MERCHANT), { shop, seconds: 3n * BigInt(DAY) });
    const report = await runJson<{
      payments: {
        held: { count: number; wei: string };
        captured: { count: number; wei: string; byKind: Record<string, number> };
        returned: { voided: { count: number; wei: string } };
        refunds: { count: number; wei: string; refundedInFull: number; tokens: { clawedBack: string }[] };
        returnsOwed: { wei: string };
        returnWindow: { seconds: string; pendingSeconds: string; pendingAt: string };
      };
    }>(node, "shop:report", ["--shop", shop]);
    const p = report.payments;
    // Held: Dave's 1 coin (bad-file test) and Bob's 0.4.
    expect(p.held).to.deep.equal({ count: 2, wei: (14n * 10n ** 17n).toString() });
    expect(p.captured).to.deep.include({ count: 4, wei: (56n * 10n ** 17n).toString() });
    expect(p.captured.byKind.operator).to.equal(4);
    expect(p.returned.voided).to.deep.equal({ count: 3, wei: (25n * 10n ** 17n).toString() });
    expect(p.refunds).to.deep.include({ count: 5, wei: (51n * 10n ** 17n).toString(), refundedInFull: 3 });
    expect(p.returnsOwed.wei).to.equal("0");
    expect(p.returnWindow).to.deep.include({ seconds: String(7 * DAY), pendingSeconds: String(3 * DAY) });

    const human = await cli("shop:report", []);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout).to.match(
      /^Payments: 2 held \(1\.4000 ETH\), of which 0 return requested \(0\.0000 ETH\); 4 captured \(5\.6000 ETH: 4 operator\)$/m,
    );
    expect(human.stdout).to.match(
      /^ {2}returns within the window: 3 voided \(2\.5000 ETH\), 0 reclaimed \(0\.0000 ETH\), 1\.0000 ETH returned by partial captures$/m,
    );
    expect(human.stdout).to.match(
      /^ {2}refunds after capture: 5 \(5\.1000 ETH; 3 payment\(s\) refunded in full\), tokens taken back: [0-9,.]+ YDC/m,
    );
    expect(human.stdout).to.match(/^ {2}returns owed to customers: 0\.0000 ETH \(0 customer\(s\)/m);
    expect(human.stdout).to.match(/^ {2}return window: 7 day\(s\) \(3 day\(s\) from \d{4}-\d\d-\d\dT/m);
  });

  it("orders:record --final-only records only orders whose return window is over and holds the rest back for a later run", async () => {
    const now = Number(await client.provider.getBlock("latest").then((b) => b!.timestamp));
    const file = path.join(dir, "final.csv");
    await writeFile(
      file,
      [
        "chainOrderId,orderId,customer,amount,createdAt,paidAt",
        `7001,F-1,${ALICE},${COIN},${now - 10 * DAY},${new Date((now - 8 * DAY) * 1000).toISOString()}`,
        `7002,F-2,${BOB},${COIN},${now - 2 * DAY},${now - DAY}`,
        // No paidAt: paid when created.
        `7003,F-3,${CAROL},${COIN},${now - 9 * DAY},`,
      ].join("\n"),
    );
    const held30 = await runJson<{ recorded: number; heldBack: number }>(node, "orders:record", [
      ...["--shop", shop, "--file", file, "--hold", "30"],
    ]);
    expect(held30).to.include({ recorded: 0, heldBack: 3 });
    expect(await exists(`${file}.record-state.json`)).to.equal(false);

    const first = await cli("orders:record", ["--file", file, "--final-only"]);
    expect(first.code, first.stderr).to.equal(0);
    expect(first.stdout).to.match(/^Recorded 2 order\(s\)/);
    expect(first.stdout).to.match(/held back \(return window not over\): 1, the next final at \d{4}-/);
    expect(first.stderr).to.match(/1 order\(s\) held back until their return window is over/);
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "isOrderIdUsed", args: [7002n] }),
    ).to.equal(false);

    await advanceTime(node, 6 * DAY + 60);
    const later = await runJson<{ recorded: number; alreadyCounted: number; heldBack: number }>(node, "orders:record", [
      ...["--shop", shop, "--file", file, "--final-only"],
    ]);
    expect(later).to.include({ recorded: 1, alreadyCounted: 2, heldBack: 0 });
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "isOrderIdUsed", args: [7002n] }),
    ).to.equal(true);
  });

  it("refuses an expired payment's capture and a refund after its deadline, and voids an expired payment", async () => {
    // Past every payment's expiry (window 7 days + 7 days of margin) and every capture's refund deadline.
    await advanceTime(node, 15 * DAY);
    const h = held.get("bad-h")!;
    const capture = path.join(dir, "late-capture.csv");
    await writeFile(capture, `orderHash,customer\n${row(h)}\n`);
    const late = held.get("cap-c")!;
    const refund = path.join(dir, "late-refund.csv");
    await writeFile(refund, `orderHash,customer,amount\n${row(late, 1)}\n`);
    const before = await chainMark(node);
    const [c, r] = await Promise.all([
      cli("payments:capture", ["--file", capture]),
      cli("payments:refund", ["--file", refund]),
    ]);
    expect(c.code, c.stderr).to.equal(2);
    expect(c.stderr).to.match(
      /^error: late-capture\.csv line 2: payment of .* expired at \d{4}-\d\d-\d\dT[0-9:]+Z: it can no longer be captured/,
    );
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/^error: late-refund\.csv line 2: payment of .*: its refund deadline passed at \d{4}-/);
    expect(await chainMark(node)).to.deep.equal(before);
    const voided = await runJson<{ voided: number }>(node, "payments:void", ["--shop", shop, "--file", capture]);
    expect(voided.voided).to.equal(1);
  });
});
