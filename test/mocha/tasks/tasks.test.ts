import { expect } from "chai";
import { id } from "ethers";
import { access, mkdtemp, readFile, rm, rmdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  charge,
  defineRules,
  dividendTokenAbi,
  fetchUsedOrderIds,
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
  const today = await readContract(reader, { address: shop, abi: shopAbi, functionName: "today", args: [] });
  let orderCount = 0n;
  let revenue = 0n;
  for (const day of [today - 1n, today]) {
    const record = await readContract(reader, { address: shop, abi: shopAbi, functionName: "dayRecord", args: [day] });
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
    const predicted = await readContract(client.reader, {
      address: factory,
      abi: shareMallFactoryAbi,
      functionName: "predictShopAddress",
      args: [MERCHANT, id(parameters.MerchantShop.salt as string) as Hex],
    });
    expect(deployed["MerchantShop#Shop"]).to.equal(predicted);
    const tokens = await readContract(client.reader, {
      address: predicted,
      abi: shopAbi,
      functionName: "tokens",
      args: [],
    });
    expect(tokens).to.deep.equal([deployed["MerchantShop#token0"]]);
    const spec = (parameters.MerchantShop.tokens as { rules: Parameters<typeof defineRules>[0] }[])[0];
    const rules = await readContract(client.reader, {
      address: predicted,
      abi: shopAbi,
      functionName: "currentRules",
      args: [0n],
    });
    expect(BigInt(rules.spendPerToken)).to.equal(defineRules(spec.rules).spendPerToken);
    expect(BigInt(rules.dividendBps)).to.equal(defineRules(spec.rules).dividendBps);
    expect(
      await readContract(client.reader, { address: predicted, abi: shopAbi, functionName: "utcOffset", args: [] }),
    ).to.equal(8 * 3600);
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
    // The creation block, for --from-block: the shop has code there and not before.
    const block = BigInt((result as unknown as { block: string }).block);
    expect(await client.provider.getCode(shop, block)).to.not.equal("0x");
    expect(await client.provider.getCode(shop, block - 1n)).to.equal("0x");
    expect(shop).to.equal(
      await readContract(client.reader, {
        address: factory,
        abi: shareMallFactoryAbi,
        functionName: "predictShopAddress",
        args: [MERCHANT, id("task-tea") as Hex],
      }),
    );
    const operatorRole = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "OPERATOR_ROLE",
      args: [],
    });
    expect(
      await readContract(client.reader, {
        address: shop,
        abi: shopAbi,
        functionName: "hasRole",
        args: [operatorRole, MERCHANT],
      }),
    ).to.equal(true);
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
    // The shop deployed the token itself, where the factory predicts it.
    expect(result.token).to.equal(
      await readContract(client.reader, {
        address: factory,
        abi: shareMallFactoryAbi,
        functionName: "predictTokenAddress",
        args: [shop, 0n],
      }),
    );
    const config = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "tokenConfig",
      args: [0n],
    });
    expect(config.token).to.equal(result.token);
    expect(BigInt(config.noticePeriod)).to.equal(3n * 86_400n);
    const expected = defineRules(WUYOU_RULES);
    expect(BigInt(config.rules.spendPerToken)).to.equal(expected.spendPerToken);
    expect(BigInt(config.rules.referralBps)).to.equal(expected.referralBps);
    expect([BigInt(config.rules.poolNum), BigInt(config.rules.poolDen)]).to.deep.equal([1n, 9n]);
  });

  it("roles:grant grants the pool manager role, and --revoke takes it back", async () => {
    const role = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "POOL_MANAGER_ROLE",
      args: [],
    });
    const granted = await runJson<{ changed: boolean }>(node, "roles:grant", [
      "--shop",
      shop,
      "--role",
      "poolManager",
      "--account",
      ALICE,
    ]);
    expect(granted.changed).to.equal(true);
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "hasRole", args: [role, ALICE] }),
    ).to.equal(true);
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
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "hasRole", args: [role, ALICE] }),
    ).to.equal(false);
  });

  it("orders:record numbered from --first-order-id, crashed after its first chunk, resumes with the saved salts and ids and counts every order exactly once", async () => {
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
    // No chainOrderId column: the ids come from --first-order-id, saved with the salts before anything is sent.
    const crashed = await runCli(
      node,
      [
        "orders:record",
        "--network",
        "custom",
        "--shop",
        shop,
        "--file",
        file,
        "--first-order-id",
        "101",
        "--chunk-size",
        "2",
      ],
      { SHAREMALL_CRASH_AFTER_CHUNKS: "1" },
    );
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    // The salts and ids were saved before the first chunk was sent, and exactly that chunk counted.
    const state = JSON.parse(await readFile(`${file}.record-state.json`, "utf8")) as {
      version: number;
      firstOrderId: string;
      nextOrderId: string;
      orders: Record<string, { orderHash: Hex; chainOrderId: string }>;
    };
    expect(state).to.deep.include({ version: 2, firstOrderId: "101", nextOrderId: "106" });
    expect(Object.values(state.orders).map((o) => o.chainOrderId)).to.deep.equal(["101", "102", "103", "104", "105"]);
    const afterCrash = await recentTotals(client.reader, shop);
    expect(afterCrash.orderCount).to.equal(2n);
    expect(afterCrash.revenue).to.equal(amounts[0] + amounts[1]);
    expect(await fetchUsedOrderIds(client.reader, { shop, orderIds: [101n, 102n, 103n, 104n, 105n] })).to.deep.equal([
      101n,
      102n,
    ]);

    // The re-run needs no --first-order-id: the state file has every order's id.
    const resumed = await runJson<{ recorded: number; alreadyCounted: number; transactions: number; numbered: number }>(
      node,
      "orders:record",
      ["--shop", shop, "--file", file, "--chunk-size", "2"],
    );
    expect(resumed).to.include({ recorded: 3, alreadyCounted: 2, transactions: 2, numbered: 0 });
    const record = await recentTotals(client.reader, shop);
    expect(record.orderCount).to.equal(5n);
    expect(record.revenue).to.equal(amounts.reduce((a, b) => a + b, 0n));
    expect(
      await fetchUsedOrderIds(client.reader, { shop, orderIds: [101n, 102n, 103n, 104n, 105n, 106n] }),
    ).to.have.length(5);

    const receipt = JSON.parse(await readFile(`${file}.receipt.json`, "utf8")) as {
      orders: { orderId: string; chainOrderId: string; orderHash: Hex; salt: Hex; status: string }[];
    };
    expect(receipt.orders.map((o) => o.status)).to.deep.equal([
      "already counted",
      "already counted",
      "recorded",
      "recorded",
      "recorded",
    ]);
    for (const o of receipt.orders) {
      expect(o.orderHash).to.equal(state.orders[o.orderId].orderHash);
      expect(o.chainOrderId).to.equal(state.orders[o.orderId].chainOrderId);
    }

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

    // Lost state file: the same orders get new salts, so their ids now stand for other hashes: refused, not
    // counted twice (v1 would have counted them again).
    await rm(`${file}.record-state.json`);
    const lost = await runCli(node, [
      "orders:record",
      "--network",
      "custom",
      "--shop",
      shop,
      "--file",
      file,
      "--first-order-id",
      "101",
    ]);
    expect(lost.code, lost.stderr).to.equal(2);
    expect(lost.stderr).to.match(
      /^error: 5 order\(s\) have a chain order id that another order already used in the shop \(first: line 2, order "REC-1", chain order id 101\)/,
    );
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("orders:record splits a chunk whose gas estimate exceeds --max-gas-per-tx into transactions under the cap", async () => {
    const customers = ["0x00000000000000000000000000000000000000a1", "0x00000000000000000000000000000000000000a2"];
    // The merchant's own order numbers in a chainOrderId column.
    const lines = [0, 1, 2, 3].map((i) => `${201 + i},GAS-${i},${customers[i % 2]},${10n ** 17n},,1764036000,,,,`);
    const file = path.join(dir, "gas.csv");
    await writeFile(file, [`chainOrderId,${ORDERS_HEADER}`, ...lines].join("\n"));
    const result = await runJson<{ recorded: number; transactions: number }>(node, "orders:record", [
      "--shop",
      shop,
      "--file",
      file,
      "--chunk-size",
      "4",
      "--max-gas-per-tx",
      "150000",
    ]);
    expect(result.recorded).to.equal(4);
    expect(result.transactions, JSON.stringify(result)).to.be.at.least(2);
    const receipt = JSON.parse(await readFile(`${file}.receipt.json`, "utf8")) as {
      transactions: { orders: number; gasUsed: string }[];
    };
    expect(receipt.transactions.reduce((sum, t) => sum + t.orders, 0)).to.equal(4);
    for (const t of receipt.transactions) expect(Number(t.gasUsed)).to.be.at.most(150_000);
    expect(await fetchUsedOrderIds(client.reader, { shop, orderIds: [201n, 202n, 203n, 204n] })).to.have.length(4);
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
      {
        name: "duplicate-id.csv",
        body: `chainOrderId,${ORDERS_HEADER}\n301,${good}\n302,${good.replace("A-1", "A-2")}\n301,${good.replace("A-1", "A-3")}\n`,
        message: /line 4: duplicate chainOrderId 301 \(first at line 2\)/,
      },
      {
        name: "no-ids.csv",
        body: `${ORDERS_HEADER}\n${good}\n`,
        message: /the file has no chainOrderId column: give --first-order-id N/,
      },
      {
        // Order id 101 counts already (REC-1, recorded above): another order under it is refused.
        name: "used-id.csv",
        body: `chainOrderId,${ORDERS_HEADER}\n301,${good}\n101,${good.replace("A-1", "A-2")}\n`,
        message: /another order already used in the shop \(first: line 3, order "A-2", chain order id 101\)/,
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
    const [pending, effectiveAt] = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "pendingRules",
      args: [0n],
    });
    expect(effectiveAt.toString()).to.equal(result.effectiveAt);
    expect(BigInt(pending.spendPerToken)).to.equal(5n * 10n ** 17n);
  });

  it("orders:anchor crashed before anchoring re-runs to the same root and firstOrderId, writes proofs a customer mints with, and does not anchor twice", async () => {
    const file = path.join(dir, "batch.json");
    await writeFile(
      file,
      JSON.stringify([
        { orderId: "B-1", customer: BOB, amount: "400000000000000000", createdAt: 1764036000 },
        { orderId: "B-2", customer: CAROL, amount: "200000000000000000", createdAt: "2026-11-25T12:00:00Z" },
        { orderId: "B-3", customer: BOB, amount: "100000000000000000", createdAt: 1764036001, referrer: CAROL },
      ]),
    );
    const crashed = await runCli(
      node,
      ["orders:anchor", "--network", "custom", "--shop", shop, "--file", file, "--first-order-id", "5000"],
      { SHAREMALL_CRASH_BEFORE_ANCHOR: "1" },
    );
    expect(crashed.signal, crashed.stderr).to.equal("SIGKILL");
    const written = JSON.parse(await readFile(`${file}.batch.json`, "utf8")) as { root: Hex; firstOrderId: string };
    expect(written.firstOrderId).to.equal("5000");
    expect(
      (await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "batch", args: [written.root] }))
        .orderCount,
    ).to.equal(0);

    // The re-run reads the first order id from the state file: the same root, now anchored.
    const result = await runJson<{
      root: Hex;
      firstOrderId: string;
      lastOrderId: string;
      orderCount: number;
      totalRevenue: string;
      batchFile: string;
    }>(node, "orders:anchor", ["--shop", shop, "--file", file]);
    expect(result).to.include({
      root: written.root,
      firstOrderId: "5000",
      lastOrderId: "5002",
      orderCount: 3,
      totalRevenue: "700000000000000000",
    });
    const anchored = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "batch",
      args: [result.root],
    });
    expect(anchored.orderCount).to.equal(3);
    expect(anchored.firstOrderId).to.equal(5000n);
    const imported = await importBatchFile(await readFile(result.batchFile, "utf8"), { shop, root: result.root });
    expect(imported.batch.totalRevenue).to.equal(7n * 10n ** 17n);
    expect(imported.file.entries.map((e) => e.orderId)).to.deep.equal(["5000", "5001", "5002"]);

    // Bob mints his two leaves with his own file (version 2: each leaf's order id), whose disclosures verify
    // against the chain's order hashes.
    const bobFile = JSON.parse(await readFile(`${file}.customers/${BOB}.json`, "utf8")) as {
      version: number;
      firstOrderId: string;
      leaves: {
        index: number;
        orderId: string;
        orderHash: Hex;
        amount: string;
        referrer: Address;
        proof: Hex[];
        disclosure: OrderDisclosure;
      }[];
    };
    expect(bobFile).to.deep.include({ version: 2, firstOrderId: "5000" });
    expect(bobFile.leaves.map((l) => [l.index, l.orderId])).to.deep.equal([
      [0, "5000"],
      [2, "5002"],
    ]);
    const bob = await client.signer(BOB);
    for (const leaf of bobFile.leaves) {
      expect(verifyDisclosure(leaf.disclosure, leaf.orderHash)).to.equal(true);
      await writeContract(bob, {
        address: shop,
        abi: shopAbi,
        functionName: "mintFromBatch",
        args: [result.root, BigInt(leaf.orderId), leaf.orderHash, BOB, BigInt(leaf.amount), leaf.referrer, leaf.proof],
      });
      expect(
        await readContract(client.reader, {
          address: shop,
          abi: shopAbi,
          functionName: "isOrderIdUsed",
          args: [BigInt(leaf.orderId)],
        }),
      ).to.equal(true);
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

  it("order ids are allocated safely: a batch over used ids or another batch's range, and a recorded order in a batch's range, are refused with exit code 2", async () => {
    const orderLine = (ref: string, customer: Address) => `${ref},${customer},100000000000000000,,1764036000,,,,`;
    const batchFile = path.join(dir, "overlap.csv");
    await writeFile(batchFile, [ORDERS_HEADER, orderLine("O-1", ALICE), orderLine("O-2", DAVE)].join("\n"));
    // Carol's leaf 5001 has not minted: only the anchored batch's range says the id is taken.
    const oneFile = path.join(dir, "overlap-one.csv");
    await writeFile(oneFile, [ORDERS_HEADER, orderLine("O-3", ALICE)].join("\n"));
    const recordFile = path.join(dir, "in-batch.csv");
    await writeFile(recordFile, [`chainOrderId,${ORDERS_HEADER}`, `5001,${orderLine("R-1", DAVE)}`].join("\n"));
    const before = await chainMark(node);
    const [usedIds, overlapping, inBatch] = await Promise.all([
      runCli(node, [
        ...["orders:anchor", "--network", "custom", "--shop", shop],
        "--file",
        batchFile,
        "--first-order-id",
        "104",
        "--state",
        `${batchFile}.a`,
      ]),
      runCli(node, [
        ...["orders:anchor", "--network", "custom", "--shop", shop],
        "--file",
        oneFile,
        "--first-order-id",
        "5001",
      ]),
      runCli(node, ["orders:record", "--network", "custom", "--shop", shop, "--file", recordFile]),
    ]);
    expect(usedIds.code, usedIds.stderr).to.equal(2);
    expect(usedIds.stderr).to.match(/^error: 2 of the batch's order ids 104\.\.105 are used in the shop already/);
    expect(overlapping.code, overlapping.stderr).to.equal(2);
    expect(overlapping.stderr).to.match(
      /^error: the batch's order ids 5001\.\.5001 overlap those of batch 0x[0-9a-f]{64} \(5000\.\.5002/,
    );
    expect(inBatch.code, inBatch.stderr).to.equal(2);
    expect(inBatch.stderr).to.match(
      /^error: 1 order\(s\) have a chain order id reserved by an anchored batch \(first: line 2, chain order id 5001, batch 0x[0-9a-f]{64} holds ids 5000\.\.5002\)/,
    );
    for (const run of [usedIds, overlapping, inBatch]) expect(run.stderr.trim().split("\n")).to.have.length(1);
    expect(await exists(`${batchFile}.batch.json`)).to.equal(false);
    expect(await exists(`${oneFile}.batch.json`)).to.equal(false);
    expect(await exists(`${oneFile}.anchor-state.json`)).to.equal(false);
    expect(await exists(`${recordFile}.record-state.json`)).to.equal(false);
    expect(await chainMark(node)).to.deep.equal(before);
  });

  it("days:settle refuses a short balance, --partial releases the escrow and reports the debt still owed, --fund settles the rest; shop:report shows each state", async () => {
    // Dave pays 1 coin with a charge: 20 % of it (0.2) is escrowed in the token at once (the day's `escrowed`).
    const checkoutAmount = 10n ** 18n;
    const charged = await charge(await client.signer(DAVE), {
      shop,
      orderHash: id("task checkout"),
      amountWei: checkoutAmount,
    });
    expect(charged.capture.amountWei).to.equal(checkoutAmount);
    const today = await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "today", args: [] });
    const day = await readContract(client.reader, {
      address: shop,
      abi: shopAbi,
      functionName: "tokenDay",
      args: [0n, today],
    });
    const paid = { escrowed: BigInt(day.escrowed) };
    expect(paid.escrowed).to.equal(2n * 10n ** 17n);
    // The rest of the payment (0.8) is the merchant's: it lands in the merchant balance.
    const balance = checkoutAmount - paid.escrowed;
    expect(
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "merchantBalance", args: [] }),
    ).to.equal(balance);
    // Recorded 4.5 + 0.4 coin and anchored 0.7 coin of orders: 20 % of 5.6 coin is the merchant's debt.
    const debt = (56n * 10n ** 17n * 2000n) / 10_000n;
    const revenue = 56n * 10n ** 17n + checkoutAmount;
    await advanceTime(node, 86_400);
    const owed = (
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "unsettledDays", args: [0n, 10n] })
    ).reduce((sum, d) => sum + d.owed, 0n);
    expect(owed).to.equal(debt + paid.escrowed);
    const before = await chainMark(node);
    const short = await runCli(node, ["days:settle", "--network", "custom", "--shop", shop]);
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(
      /^error: Merchant balance too low to settle days? [0-9.]+: .*missing \d+ wei; nothing sent: --fund deposits what is missing first, --partial .*\n$/,
    );
    expect(await chainMark(node)).to.deep.equal(before);
    const both = await runCli(node, ["days:settle", "--network", "custom", "--shop", shop, "--fund", "--partial"]);
    expect(both.code).to.equal(2);

    // --partial: the checkout's escrow goes out; the debt stays owed (the balance of 0.8 cannot pay all of its
    // 1.12), and is reported.
    const partial = await runJson<{
      fromEscrow: string;
      fromBalance: string;
      stillOwed: string;
      deposited: string;
      owing: { day: string; unfunded: string }[];
      settled: { settled: boolean; stillOwed: string }[];
    }>(node, "days:settle", ["--shop", shop, "--partial"]);
    expect(partial).to.include({
      fromEscrow: paid.escrowed.toString(),
      fromBalance: "0",
      stillOwed: debt.toString(),
      deposited: "0",
    });
    expect(partial.owing.reduce((sum, d) => sum + BigInt(d.unfunded), 0n)).to.equal(debt);
    expect(partial.settled.some((d) => !d.settled)).to.equal(true);
    const human = await runCli(node, ["shop:report", "--network", "custom", "--shop", shop]);
    expect(human.code, human.stderr).to.equal(0);
    expect(human.stdout, human.stdout).to.match(/partly settled \(escrow released; [0-9.]+ ETH still owed\)/);
    expect(human.stdout, human.stdout).to.match(
      /still owed by the merchant 1\.1200 ETH; merchant balance 0\.8000 ETH \(deposit 0\.3200 ETH more, or days:settle --fund\)/,
    );
    // Days are dates in the shop's time zone, each day row starting with one.
    expect(human.stdout).to.match(
      /^Shop 0x[0-9a-fA-F]{40} on chain 31337, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(today /,
    );
    expect(human.stdout).to.match(/^ {2}\d{4}-\d\d-\d\d +\d+ +[0-9,]+\.\d{4} ETH /m);
    const partly = await runJson<{
      days: { status: string; partlySettled: boolean; distributed: string; unfunded: string }[];
      partlySettled: string[];
      unfundedTotal: string;
    }>(node, "shop:report", ["--shop", shop]);
    expect(partly.unfundedTotal).to.equal(debt.toString());
    expect(partly.partlySettled).to.have.length.at.least(1);
    expect(partly.days.filter((d) => d.partlySettled).every((d) => d.status === "partly settled")).to.equal(true);
    expect(partly.days.reduce((sum, d) => sum + BigInt(d.distributed), 0n)).to.equal(paid.escrowed);

    // --fund: deposits exactly what the balance lacks and settles every day in full.
    const settled = await runJson<{ days: number; dividends: string; deposited: string; stillOwed: string }>(
      node,
      "days:settle",
      ["--shop", shop, "--fund"],
    );
    expect(settled.days).to.be.at.least(1);
    expect(settled).to.include({ dividends: debt.toString(), deposited: (debt - balance).toString(), stillOwed: "0" });
    expect(
      await readContract(client.reader, {
        address: shop,
        abi: shopAbi,
        functionName: "unsettledDays",
        args: [0n, 10n],
      }),
    ).to.deep.equal([]);
    const nothing = await runCli(node, ["days:settle", "--network", "custom", "--shop", shop]);
    expect(nothing.stdout).to.match(/^Nothing to settle/);

    const report = await runJson<{
      days: { revenue: string; owed: string; distributed: string; settled: boolean; status: string }[];
      unsettled: unknown[];
      tokens: { symbol: string; topHolders: { holder: Address; balance: string }[] }[];
    }>(node, "shop:report", ["--shop", shop, "--top", "2"]);
    expect(report.days.reduce((sum, d) => sum + BigInt(d.revenue), 0n)).to.equal(revenue);
    expect(report.days.every((d) => d.settled && d.status === "settled" && d.distributed === d.owed)).to.equal(true);
    expect(report.unsettled).to.deep.equal([]);
    const top = report.tokens[0].topHolders;
    expect(top).to.have.length(2);
    const token = (
      await readContract(client.reader, { address: shop, abi: shopAbi, functionName: "tokens", args: [] })
    )[0];
    // Dave holds the most (1.2 coin recorded + 1 coin at checkout), then Alice (1.8 coin, and 10 % of Bob's tokens
    // as his referrer).
    expect(top.map((h) => h.holder)).to.deep.equal([DAVE, ALICE]);
    // The human report says how many hold the token and that the rows are the top ones.
    const rows = await runCli(node, ["shop:report", "--network", "custom", "--shop", shop, "--top", "2"]);
    const holders = (report.tokens[0] as unknown as { holders: number }).holders;
    expect(holders).to.be.greaterThan(2);
    expect(rows.stdout).to.match(
      new RegExp(`supply [0-9,]+\\.\\d{4} ${report.tokens[0].symbol}, ${holders} holders \\(the top 2 shown\\)$`, "m"),
    );
    expect(rows.stdout.match(/^ {2}0x[0-9a-fA-F]{40} +[0-9,]+\.\d{4} [A-Z]+ /gm) ?? []).to.have.length(2);
    for (const h of top) {
      expect(h.balance).to.equal(
        (
          await readContract(client.reader, {
            address: token,
            abi: dividendTokenAbi,
            functionName: "balanceOf",
            args: [h.holder],
          })
        ).toString(),
      );
    }
  });

  it("shop:report shows each token's part of a day when the shop has several tokens", async () => {
    const tokenFile = path.join(dir, "wym.json");
    await writeFile(
      tokenFile,
      JSON.stringify({ name: "Wuyou Mall", symbol: "WYM", rules: { spendPerToken: "1", dividend: "5%" } }),
    );
    const created = await runJson<{ tokenIndex: string }>(node, "token:create", ["--shop", shop, "--file", tokenFile]);
    expect(created.tokenIndex).to.equal("1");
    const file = path.join(dir, "two-tokens.csv");
    await writeFile(file, `chainOrderId,${ORDERS_HEADER}\n9001,T-1,${CAROL},${10n ** 18n},,1764036000,,,,\n`);
    await runJson(node, "orders:record", ["--shop", shop, "--file", file]);
    const run = await runCli(node, ["shop:report", "--network", "custom", "--shop", shop]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout, run.stdout).to.match(
      /^ {4}YDC +revenue 1\.0000 ETH, 20\.00 %: 0\.2000 ETH owed, 0\.0000 ETH distributed, 0\.2000 ETH unfunded$/m,
    );
    expect(run.stdout, run.stdout).to.match(
      /^ {4}WYM +revenue 1\.0000 ETH, 5\.00 %: 0\.0500 ETH owed, 0\.0000 ETH distributed, 0\.0500 ETH unfunded$/m,
    );
    expect(run.stdout).to.match(/open \(today\)/);
  });

  it("every task has --help from its descriptions, and a missing RPC variable is a one-line error", async () => {
    const [help, settleHelp, noUrl] = await Promise.all([
      runCli(node, ["orders:record", "--help"]),
      runCli(node, ["days:settle", "--help"]),
      runCli(node, ["shop:report", "--network", "custom", "--shop", shop], { SHAREMALL_RPC_URL: "" }),
    ]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.include("Record orders from a CSV or JSON file");
    expect(help.stdout).to.match(/--chunk-size\s+Most orders per transaction/);
    expect(help.stdout).to.match(/--first-order-id\s+Chain order id of the file's first order/);
    expect(settleHelp.stdout).to.match(/--partial\s+Settle what the balance allows/);
    expect(noUrl.code).to.equal(1);
    expect(noUrl.stderr).to.match(/^error: .*SHAREMALL_RPC_URL/);
    expect(noUrl.stderr.trim().split("\n")).to.have.length(1);
  });
});
