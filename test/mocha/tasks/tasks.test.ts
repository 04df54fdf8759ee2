import { expect } from "chai";
import { id } from "ethers";
import { access, mkdtemp, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  defineRules,
  dividendTokenAbi,
  importBatchFile,
  readContract,
  shareMallFactoryAbi,
  shopAbi,
  verifyDisclosure,
  writeContract,
  type Address,
  type Hex,
  type OrderDisclosure,
  type Transport,
} from "../../../sdk/src/index.js";
import { startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { advanceTime, ALICE, BOB, CAROL, chainMark, DAVE, MERCHANT, nodeClient, runCli, runJson } from "./support.js";

const ORDERS_HEADER = "orderId,customer,amount,referrer,createdAt,currency,fiatAmount,quotedRate,items";
const WUYOU_RULES = { spendPerToken: "0.3", dividend: "20%", referral: { share: "10%" }, pool: { tokens: 1, per: 9 } };

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

/** Orders and revenue of a shop over today and yesterday (a test may straddle the shop's midnight). */
async function recentTotals(reader: Transport, shop: Address): Promise<{ orderCount: bigint; revenue: bigint }> {
  const today = await readContract(reader, shop, shopAbi, "today", []);
  let orderCount = 0n;
  let revenue = 0n;
  for (const day of [today - 1n, today]) {
    const record = await readContract(reader, shop, shopAbi, "dayRecord", [day]);
    orderCount += record.orderCount;
    revenue += record.revenue;
  }
  return { orderCount, revenue };
}

describe("merchant tasks against a hardhat node", function () {
  this.timeout(600_000);
  let node: HardhatNode;
  let client: ReturnType<typeof nodeClient>;
  let dir: string;
  let factory: Address;
  let shop: Address;
  const deploymentIds = [`tasks-test-${process.pid}-factory`, `tasks-test-${process.pid}-wuyou`];

  before(async () => {
    node = await startHardhatNode();
    client = nodeClient(node);
    dir = await mkdtemp(path.join(tmpdir(), "sharemall-tasks-"));
    const run = await runCli(node, [
      "ignition",
      "deploy",
      "deploy/modules/ShareMall.ts",
      "--network",
      "custom",
      "--deployment-id",
      deploymentIds[0],
    ]);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    const addresses = JSON.parse(
      await readFile(path.join("deploy", "deployments", deploymentIds[0], "deployed_addresses.json"), "utf8"),
    ) as Record<string, Address>;
    factory = addresses["ShareMall#ShareMallFactory"];
  });

  after(async () => {
    await node?.stop();
    for (const deployment of deploymentIds) {
      await rm(path.join("deploy", "deployments", deployment), { recursive: true, force: true });
    }
    // Only if empty: other deployments stay.
    await rmdir(path.join("deploy", "deployments")).catch(() => undefined);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("ignition deploy of MerchantShop.ts with a parameters file creates the shop deterministically and its tokens", async () => {
    const parameters = JSON.parse(await readFile("deploy/parameters/wuyou-tea.json", "utf8")) as {
      MerchantShop: Record<string, unknown>;
    };
    parameters.MerchantShop.factory = factory;
    const file = path.join(dir, "wuyou-tea.json");
    await writeFile(file, JSON.stringify(parameters));
    const run = await runCli(node, [
      "ignition",
      "deploy",
      "deploy/modules/MerchantShop.ts",
      "--network",
      "custom",
      "--parameters",
      file,
      "--deployment-id",
      deploymentIds[1],
    ]);
    expect(run.code, run.stderr + run.stdout).to.equal(0);
    const deployed = JSON.parse(
      await readFile(path.join("deploy", "deployments", deploymentIds[1], "deployed_addresses.json"), "utf8"),
    ) as Record<string, Address>;
    const predicted = await readContract(client.reader, factory, shareMallFactoryAbi, "predictShopAddress", [
      MERCHANT,
      id(parameters.MerchantShop.salt as string) as Hex,
    ]);
    expect(deployed["MerchantShop#Shop"]).to.equal(predicted);
    const tokens = await readContract(client.reader, predicted, shopAbi, "tokens", []);
    expect(tokens).to.deep.equal([deployed["MerchantShop#token0"]]);
    const spec = (parameters.MerchantShop.tokens as { rules: Parameters<typeof defineRules>[0] }[])[0];
    const rules = await readContract(client.reader, predicted, shopAbi, "currentRules", [0n]);
    expect(BigInt(rules.spendPerToken)).to.equal(defineRules(spec.rules).spendPerToken);
    expect(BigInt(rules.dividendBps)).to.equal(defineRules(spec.rules).dividendBps);
    expect(await readContract(client.reader, predicted, shopAbi, "utcOffset", [])).to.equal(8 * 3600);
  });

  it("shop:create --salt creates the shop at the factory's predicted address, signer as admin and operator", async () => {
    const result = await runJson<{ shop: Address; deterministic: boolean }>(node, "shop:create", [
      "--factory",
      factory,
      "--name",
      "Task Tea",
      "--utc-offset",
      "8",
      "--salt",
      "task-tea",
    ]);
    shop = result.shop;
    expect(result.deterministic).to.equal(true);
    expect(shop).to.equal(
      await readContract(client.reader, factory, shareMallFactoryAbi, "predictShopAddress", [
        MERCHANT,
        id("task-tea") as Hex,
      ]),
    );
    const operatorRole = await readContract(client.reader, shop, shopAbi, "OPERATOR_ROLE", []);
    expect(await readContract(client.reader, shop, shopAbi, "hasRole", [operatorRole, MERCHANT])).to.equal(true);
  });

  it("token:create from a YAML file creates the token with the rules defineRules gives", async () => {
    const file = path.join(dir, "ydc.yaml");
    await writeFile(
      file,
      [
        "name: Wuyou Dividend Coin",
        "symbol: YDC",
        "noticeDays: 3",
        "rules:",
        '  spendPerToken: "0.3"',
        "  dividend: 20%",
        "  referral: { share: 10% }",
        "  pool: { tokens: 1, per: 9 }",
      ].join("\n"),
    );
    const result = await runJson<{ tokenIndex: string; token: Address }>(node, "token:create", [
      "--shop",
      shop,
      "--file",
      file,
    ]);
    expect(result.tokenIndex).to.equal("0");
    const config = await readContract(client.reader, shop, shopAbi, "tokenConfig", [0n]);
    expect(config.token).to.equal(result.token);
    expect(BigInt(config.noticePeriod)).to.equal(3n * 86_400n);
    const expected = defineRules(WUYOU_RULES);
    expect(BigInt(config.rules.spendPerToken)).to.equal(expected.spendPerToken);
    expect(BigInt(config.rules.referralBps)).to.equal(expected.referralBps);
    expect([BigInt(config.rules.poolNum), BigInt(config.rules.poolDen)]).to.deep.equal([1n, 9n]);
  });

  it("roles:grant grants the pool manager role, and --revoke takes it back", async () => {
    const role = await readContract(client.reader, shop, shopAbi, "POOL_MANAGER_ROLE", []);
    const granted = await runJson<{ changed: boolean }>(node, "roles:grant", [
      "--shop",
      shop,
      "--role",
      "poolManager",
      "--account",
      ALICE,
    ]);
    expect(granted.changed).to.equal(true);
    expect(await readContract(client.reader, shop, shopAbi, "hasRole", [role, ALICE])).to.equal(true);
    const revoked = await runJson<{ changed: boolean }>(node, "roles:grant", [
      "--shop",
      shop,
      "--role",
      "poolManager",
      "--account",
      ALICE,
      "--revoke",
    ]);
    expect(revoked.changed).to.equal(true);
    expect(await readContract(client.reader, shop, shopAbi, "hasRole", [role, ALICE])).to.equal(false);
  });

  it("orders:record crashed after its first chunk resumes from the state file and counts every order exactly once", async () => {
    const amounts = [3n, 6n, 9n, 12n, 15n].map((n) => n * 10n ** 17n);
    const customers = [ALICE, BOB, CAROL, DAVE, ALICE];
    const lines = amounts.map(
      (amount, i) =>
        `REC-${i + 1},${customers[i]},${amount},${i === 1 ? ALICE : ""},2026-11-25T1${i}:00:00+08:00,CNY,${
          (i + 1) * 30000
        },1000000000000000,"TEA-${i}:1:${(i + 1) * 30000}"`,
    );
    const file = path.join(dir, "orders.csv");
    await writeFile(file, [ORDERS_HEADER, ...lines].join("\n") + "\n");
    const crashed = await runCli(
      node,
      ["orders:record", "--network", "custom", "--shop", shop, "--file", file, "--chunk-size", "2"],
      { SHAREMALL_CRASH_AFTER_CHUNKS: "1" },
    );
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    // The salts were saved before the first chunk was sent, and exactly that chunk counted.
    const state = JSON.parse(await readFile(`${file}.record-state.json`, "utf8")) as {
      orders: Record<string, { orderHash: Hex }>;
    };
    expect(Object.keys(state.orders)).to.have.length(5);
    const afterCrash = await recentTotals(client.reader, shop);
    expect(afterCrash.orderCount).to.equal(2n);
    expect(afterCrash.revenue).to.equal(amounts[0] + amounts[1]);
    expect(
      await readContract(client.reader, shop, shopAbi, "isOrderCounted", [state.orders["REC-1"].orderHash, ALICE]),
    ).to.equal(true);

    const resumed = await runJson<{ recorded: number; alreadyCounted: number; transactions: number }>(
      node,
      "orders:record",
      ["--shop", shop, "--file", file, "--chunk-size", "2"],
    );
    expect(resumed).to.include({ recorded: 3, alreadyCounted: 2, transactions: 2 });
    const record = await recentTotals(client.reader, shop);
    expect(record.orderCount).to.equal(5n);
    expect(record.revenue).to.equal(amounts.reduce((a, b) => a + b, 0n));

    const receipt = JSON.parse(await readFile(`${file}.receipt.json`, "utf8")) as {
      orders: { orderId: string; orderHash: Hex; salt: Hex; status: string }[];
    };
    expect(receipt.orders.map((o) => o.status)).to.deep.equal([
      "already counted",
      "already counted",
      "recorded",
      "recorded",
      "recorded",
    ]);
    for (const o of receipt.orders) expect(o.orderHash).to.equal(state.orders[o.orderId].orderHash);

    // A third run sends nothing.
    const before = await chainMark(node);
    const again = await runJson<{ recorded: number; alreadyCounted: number }>(node, "orders:record", [
      "--shop",
      shop,
      "--file",
      file,
    ]);
    expect(again).to.include({ recorded: 0, alreadyCounted: 5 });
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("orders:record splits a chunk whose gas estimate exceeds --max-gas-per-tx into transactions under the cap", async () => {
    const customers = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000a2"];
    const lines = [0, 1, 2, 3].map((i) => `GAS-${i},${customers[i % 2]},${10n ** 17n},,1764036000,,,,`);
    const file = path.join(dir, "gas.csv");
    await writeFile(file, [ORDERS_HEADER, ...lines].join("\n"));
    const result = await runJson<{ recorded: number; transactions: number }>(node, "orders:record", [
      "--shop",
      shop,
      "--file",
      file,
      "--chunk-size",
      "4",
      "--max-gas-per-tx",
      "200000",
    ]);
    expect(result.recorded).to.equal(4);
    expect(result.transactions).to.be.at.least(2);
    const receipt = JSON.parse(await readFile(`${file}.receipt.json`, "utf8")) as {
      transactions: { orders: number; gasUsed: string }[];
    };
    expect(receipt.transactions.reduce((sum, t) => sum + t.orders, 0)).to.equal(4);
    for (const t of receipt.transactions) expect(Number(t.gasUsed)).to.be.at.most(200_000);
  });

  it("orders:record and token:create refuse bad files with the line and exit code 2, sending nothing", async () => {
    const good = `A-1,${ALICE},100,,1764036000,,,,`;
    const cases: { name: string; body: string; message: RegExp }[] = [
      {
        name: "missing-column.csv",
        body: `orderId,customer,createdAt\nA-1,${ALICE},1764036000\n`,
        message: /line 1: missing column "amount"/,
      },
      {
        name: "negative.csv",
        body: `${ORDERS_HEADER}\n${good}\nA-2,${BOB},-5,,1764036000,,,,\n`,
        message: /line 3: .*"amount".*negative/,
      },
      {
        name: "duplicate.csv",
        body: `${ORDERS_HEADER}\n${good}\n"A-2",${BOB},5,,1764036000,,,,\n"multi\nline",${BOB},5,,1764036000,,,,\n${good}\n`,
        message: /line 6: duplicate orderId "A-1" \(first at line 2\)/,
      },
      {
        name: "address.csv",
        body: `${ORDERS_HEADER}\n${good}\n${good.replace("A-1", "A-2")}\nA-3,0x1234,5,,1764036000,,,,\n`,
        message: /line 4: Invalid address for "customer"/,
      },
    ];
    const before = await chainMark(node);
    const runs = await Promise.all([
      ...cases.map(async (c) => {
        const file = path.join(dir, c.name);
        await writeFile(file, c.body);
        return runCli(node, ["orders:record", "--network", "custom", "--shop", shop, "--file", file]);
      }),
      (async () => {
        const file = path.join(dir, "bad-rules.yaml");
        await writeFile(file, "name: Bad\nsymbol: BAD\nrules:\n  spendPerToken: 0.3\n  dividend: 20%\n");
        return runCli(node, ["token:create", "--network", "custom", "--shop", shop, "--file", file]);
      })(),
    ]);
    for (const [i, run] of runs.entries()) {
      const label = i < cases.length ? cases[i].name : "bad-rules.yaml";
      expect(run.code, `${label}: ${run.stderr}`).to.equal(2);
      const lines = run.stderr.trim().split("\n");
      expect(lines, label).to.have.length(1);
      expect(lines[0], label).to.match(/^error: /);
      expect(run.stderr, label).not.to.match(/\bat .*\.(js|ts):\d+/);
      if (i < cases.length) expect(lines[0], label).to.match(cases[i].message);
      else
        expect(lines[0]).to.match(/bad-rules\.yaml: Invalid rules field "spendPerToken": 0\.3 \(numbers are refused/);
    }
    for (const c of cases) expect(await exists(path.join(dir, `${c.name}.record-state.json`))).to.equal(false);
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("rules:schedule schedules a stingier change after the notice period and reports it", async () => {
    const file = path.join(dir, "rules.json");
    await writeFile(file, JSON.stringify({ ...WUYOU_RULES, spendPerToken: "0.5" }));
    const result = await runJson<{ action: string; effectiveAt: string }>(node, "rules:schedule", [
      "--shop",
      shop,
      "--token",
      "0",
      "--file",
      file,
    ]);
    expect(result.action).to.equal("scheduled");
    const [pending, effectiveAt] = await readContract(client.reader, shop, shopAbi, "pendingRules", [0n]);
    expect(effectiveAt.toString()).to.equal(result.effectiveAt);
    expect(BigInt(pending.spendPerToken)).to.equal(5n * 10n ** 17n);
  });

  it("orders:anchor anchors the root, writes proofs a customer mints with, and does not anchor twice", async () => {
    const file = path.join(dir, "batch.json");
    await writeFile(
      file,
      JSON.stringify([
        { orderId: "B-1", customer: BOB, amount: "400000000000000000", createdAt: 1764036000 },
        { orderId: "B-2", customer: CAROL, amount: "200000000000000000", createdAt: "2026-11-25T12:00:00Z" },
        { orderId: "B-3", customer: BOB, amount: "100000000000000000", createdAt: 1764036001, referrer: CAROL },
      ]),
    );
    const result = await runJson<{ root: Hex; orderCount: number; totalRevenue: string; batchFile: string }>(
      node,
      "orders:anchor",
      ["--shop", shop, "--file", file],
    );
    expect(result).to.include({ orderCount: 3, totalRevenue: "700000000000000000" });
    const anchored = await readContract(client.reader, shop, shopAbi, "batch", [result.root]);
    expect(anchored.orderCount).to.equal(3);
    const imported = await importBatchFile(await readFile(result.batchFile, "utf8"), { shop, root: result.root });
    expect(imported.batch.totalRevenue).to.equal(7n * 10n ** 17n);

    // Bob mints his two leaves with his own file, whose disclosures verify against the chain's order hashes.
    const bobFile = JSON.parse(await readFile(`${file}.customers/${BOB}.json`, "utf8")) as {
      leaves: {
        index: number;
        orderHash: Hex;
        amount: string;
        referrer: Address;
        proof: Hex[];
        disclosure: OrderDisclosure;
      }[];
    };
    expect(bobFile.leaves.map((l) => l.index)).to.deep.equal([0, 2]);
    const bob = await client.signer(BOB);
    for (const leaf of bobFile.leaves) {
      expect(verifyDisclosure(leaf.disclosure, leaf.orderHash)).to.equal(true);
      await writeContract(bob, shop, shopAbi, "mintFromBatch", [
        result.root,
        BigInt(leaf.index),
        leaf.orderHash,
        BOB,
        BigInt(leaf.amount),
        leaf.referrer,
        leaf.proof,
      ]);
      expect(await readContract(client.reader, shop, shopAbi, "isOrderCounted", [leaf.orderHash, BOB])).to.equal(true);
    }

    const before = await chainMark(node);
    const again = await runJson<{ alreadyAnchored: boolean; root: Hex }>(node, "orders:anchor", [
      "--shop",
      shop,
      "--file",
      file,
    ]);
    expect(again).to.include({ alreadyAnchored: true, root: result.root });
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("days:settle settles every past day (funding the shortfall) and shop:report shows them settled with top holders", async () => {
    // Recorded 4.5 + 0.4 coin and anchored 0.7 coin of orders, all before this day: 20 % of 5.6 coin is owed.
    const revenue = 56n * 10n ** 17n;
    await advanceTime(node, 86_400);
    const owed = (await readContract(client.reader, shop, shopAbi, "unsettledDays", [0n, 10n])).reduce(
      (sum, d) => sum + d.owed,
      0n,
    );
    expect(owed).to.equal((revenue * 2000n) / 10_000n);
    const short = await runCli(node, ["days:settle", "--network", "custom", "--shop", shop]);
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/^error: Merchant balance too low to settle days? [0-9.]+: .*missing \d+ wei\n$/);

    const settled = await runJson<{ days: number; dividends: string; deposited: string }>(node, "days:settle", [
      "--shop",
      shop,
      "--fund",
    ]);
    expect(settled.days).to.be.at.least(1);
    expect(settled.dividends).to.equal(owed.toString());
    expect(settled.deposited).to.equal(owed.toString());
    expect(await readContract(client.reader, shop, shopAbi, "unsettledDays", [0n, 10n])).to.deep.equal([]);

    const report = await runJson<{
      days: { revenue: string; owed: string; settled: boolean }[];
      unsettled: unknown[];
      tokens: { symbol: string; topHolders: { holder: Address; balance: string }[] }[];
    }>(node, "shop:report", ["--shop", shop, "--top", "2"]);
    expect(report.days.reduce((sum, d) => sum + BigInt(d.revenue), 0n)).to.equal(revenue);
    expect(report.days.every((d) => d.settled)).to.equal(true);
    expect(report.unsettled).to.deep.equal([]);
    const top = report.tokens[0].topHolders;
    expect(top).to.have.length(2);
    const token = (await readContract(client.reader, shop, shopAbi, "tokens", []))[0];
    // Alice bought 1.8 coin (6 YDC) and, as Bob's referrer, earns 10 % of his tokens: the largest holder; then Dave.
    expect(top.map((h) => h.holder)).to.deep.equal([ALICE, DAVE]);
    for (const h of top) {
      expect(h.balance).to.equal(
        (await readContract(client.reader, token, dividendTokenAbi, "balanceOf", [h.holder])).toString(),
      );
    }
  });

  it("every task has --help from its descriptions, and a missing RPC variable is a one-line error", async () => {
    const [help, noUrl] = await Promise.all([
      runCli(node, ["orders:record", "--help"]),
      runCli(node, ["shop:report", "--network", "custom", "--shop", shop], { SHAREMALL_RPC_URL: "" }),
    ]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("Record orders from a CSV or JSON file");
    expect(help.stdout).to.match(/--chunk-size\s+Most orders per transaction/);
    expect(noUrl.code).to.equal(1);
    expect(noUrl.stderr).to.match(/^error: .*SHAREMALL_RPC_URL/);
    expect(noUrl.stderr.trim().split("\n")).to.have.length(1);
  });
});
