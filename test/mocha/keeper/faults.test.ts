/**
 * Issue 15, "What it must show" #2: the keeper under faults, through the RPC fault proxy in front of a real
 * `hardhat node` — dropped answers and lost responses to its transactions; the keeper's CLI process killed with
 * SIGKILL mid-batch and started again; a recipient that rejects the coin. Whatever happens, nothing is settled
 * twice, paid twice or lost: the checks read the node directly (DaySettled and DividendsPushed events, balances,
 * claimables), never the keeper's reports.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { claimable, fromEthers, readContract, shopAbi, type Address, type Transport } from "../../../sdk/src/index.js";
import { createKeeper, dayEnd, type TickReport } from "../../../scripts/keeper/keeper.js";
import { RejectingReceiver__factory } from "../../../types/ethers-contracts/index.js";
import { freePort, startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { startFaultProxy } from "../support/rpc-fault-proxy.js";
import {
  account,
  deployFactory,
  distributed,
  fund,
  makeShop,
  mineAt,
  ONE,
  orders,
  providerAt,
  pushes,
  settledDays,
  signerOf,
} from "./support.js";

const require = createRequire(import.meta.url);
const CLI = path.join(path.dirname(require.resolve("hardhat/package.json")), "dist/src/cli.js");

/** Holders 10..17: they never send a transaction, so their balances move only by pushes. */
const HOLDERS = [10, 11, 12, 13, 14, 15, 16, 17].map((i) => account(i).address as Address);

describe("keeper under faults (RPC fault proxy before a hardhat node)", function () {
  this.timeout(120_000);

  let node: HardhatNode;
  let provider: ReturnType<typeof providerAt>;
  let reader: Transport;

  before(async function () {
    node = await startHardhatNode();
    provider = providerAt(node.url);
    reader = fromEthers(provider);
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
  });

  /** A fresh factory with one UTC shop whose holders bought today, funded; the clock then moved past midnight. */
  async function dueShop(name: string, customers: readonly Address[] = HOLDERS) {
    const factory = await deployFactory(provider);
    const merchant = signerOf(provider, 1);
    const { shop, token } = await makeShop(merchant, factory, name, 0);
    await fund(merchant, shop, 10n * ONE);
    await orders(
      merchant,
      shop,
      customers,
      customers.map((_, i) => ONE / 3n + BigInt(i) * 10n ** 16n),
    );
    const day = (await readContract(reader, {
      address: shop,
      abi: shopAbi,
      functionName: "today",
      args: [],
    })) as bigint;
    await mineAt(node, dayEnd(day, 0) + 10n);
    const balances = new Map<Address, bigint>();
    for (const h of customers) balances.set(h, await provider.getBalance(h));
    return { factory, shop, token, day, balances };
  }

  /** Nothing settled twice, paid twice or lost: checked on the node. */
  async function expectExactlyOnce(
    shop: Address,
    token: Address,
    day: bigint,
    balances: ReadonlyMap<Address, bigint>,
    holders: readonly Address[] = HOLDERS,
    claimed = 0n,
  ) {
    expect([...(await settledDays(reader, shop)).entries()]).to.deep.equal([[day, 1]]);
    const chain = await pushes(reader, token);
    let left = 0n;
    for (const h of holders) {
      const owed = await claimable(reader, { token, holder: h });
      left += owed;
      expect(owed, `${h} has nothing left to claim`).to.equal(0n);
      expect(chain.count.get(h), `${h} pushed once`).to.equal(1);
      expect((await provider.getBalance(h)) - balances.get(h)!, `${h} balance`).to.equal(chain.perHolder.get(h));
    }
    const dust = (await distributed(reader, token)) - chain.total - left - claimed;
    expect(dust >= 0n && dust <= 10n, `pushed + claimable = distributed (dust ${dust})`).to.equal(true);
  }

  it("dropped answers, 503s and lost responses to its transactions: retried and re-read, each day settled once, each holder paid once", async function () {
    const { factory, shop, token, day, balances } = await dueShop("Flaky");
    const proxy = await startFaultProxy(node.url, { seed: 15 });
    const viaProxy = providerAt(proxy.url);
    try {
      proxy.rules = [
        // The settlement reaches the node, which mines it; the keeper never hears back.
        { method: "eth_sendRawTransaction", times: 1, fault: { kind: "drop-response" } },
        // The first payout's receipt cannot be read (3 attempts): RECEIPT_UNKNOWN, not re-sent blindly.
        { method: "eth_getTransactionReceipt", times: 3, fault: { kind: "drop" } },
        {
          method: /^eth_(call|getLogs|blockNumber|getBlockByNumber|estimateGas)$/,
          probability: 0.1,
          fault: { kind: "drop" },
        },
        { probability: 0.05, fault: { kind: "http-error", status: 503 } },
      ];
      const retries: unknown[] = [];
      const keeper = createKeeper({
        transport: fromEthers(account(2).connect(viaProxy)),
        factory,
        batchSize: 3,
        retry: { attempts: 3, baseDelayMs: 5 },
        log: (e) => {
          if (e.event === "rpc.retry") retries.push(e);
        },
      });
      const reports: TickReport[] = [];
      for (let i = 0; i < 25; i++) {
        const report = await keeper.tick();
        reports.push(report);
        if (report.ok && report.settlements.length === 0 && report.payouts.length === 0 && i > 0) break;
      }
      const last = reports[reports.length - 1];
      expect(last.ok && last.settlements.length === 0 && last.payouts.length === 0, "converged").to.equal(true);
      const failures = reports.flatMap((r) => r.failures);
      console.log(
        `      ${reports.length} ticks; faults: ${proxy.count("drop")} drops, ${proxy.count("http-error")} HTTP 503, ` +
          `${proxy.count("drop-response")} lost answer; ${retries.length} retries; failures: ` +
          failures.map((f) => `${f.action}/${f.kind}`).join(", "),
      );
      expect(failures.some((f) => f.action === "settle")).to.equal(true);
      expect(failures.some((f) => f.kind === "receipt_unknown" && f.transactionHash !== undefined)).to.equal(true);
      expect(proxy.count("drop-response")).to.equal(1);
      expect(proxy.count("drop")).to.be.greaterThan(3);
      expect(retries.length).to.be.greaterThan(0);
      // The settlement the keeper never heard of is not in its reports, and was not sent again.
      expect(reports.flatMap((r) => r.settlements)).to.deep.equal([]);
    } finally {
      viaProxy.destroy();
      await proxy.close();
    }
    await expectExactlyOnce(shop, token, day, balances);
  });

  it("a keeper process killed with SIGKILL right after sending its first payout batch, then restarted: the rest paid, nothing twice", async function () {
    const { factory, shop, token, day, balances } = await dueShop("Killed");
    const proxy = await startFaultProxy(node.url, { seed: 3 });
    try {
      // The second transaction (the first payout batch, after the settlement) is held 1.5 s by the proxy, which
      // then forwards it whatever became of the keeper.
      proxy.rules = [{ method: "eth_sendRawTransaction", skip: 1, times: 1, fault: { kind: "delay", ms: 1_500 } }];
      const first = keeperProcess(proxy.url, factory, ["--interval", "1", "--batch-size", "3", "--metrics-port", "0"]);
      const seen = await until(() =>
        proxy.events.some((e) => e.fault === "delay" && e.methods.includes("eth_sendRawTransaction")),
      );
      first.child.kill("SIGKILL");
      const killed = await first.exit;
      expect(seen, first.output()).to.equal(true);
      expect(killed.signal).to.equal("SIGKILL");
      // The proxy forwards the held batch to the node, whose keeper is gone.
      let partial = await pushes(reader, token);
      for (let i = 0; i < 100 && partial.perHolder.size === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        partial = await pushes(reader, token);
      }
      expect(partial.perHolder.size, "one batch of 3 paid before the restart").to.equal(3);
      expect([...(await settledDays(reader, shop)).entries()]).to.deep.equal([[day, 1]]);

      // Restarted (a service manager would): it rescans, pays the other 5, settles nothing again; SIGTERM ends it.
      proxy.rules = [];
      const port = await freePort();
      const second = keeperProcess(proxy.url, factory, [
        "--interval",
        "1",
        "--batch-size",
        "3",
        "--metrics-port",
        `${port}`,
      ]);
      const ticked = await until(
        () => second.lines().some((l) => l.event === "tick.done" && Number(l.payouts) > 0),
        60_000,
      );
      expect(ticked, second.output()).to.equal(true);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      second.child.kill("SIGTERM");
      const stopped = await second.exit;
      expect(stopped.code, second.output()).to.equal(0);
      const events = second.lines().map((l) => l.event);
      expect(events).to.include.members(["keeper.start", "payout.sent", "keeper.stopping", "keeper.stop"]);
      expect(events).to.not.include("day.settled");
      for (const l of second.lines()) expect(Object.keys(l).slice(0, 3)).to.deep.equal(["time", "level", "event"]);
      expect(metrics).to.match(/^sharemall_keeper_payouts_total 5$/m);
      expect(metrics).to.match(/^sharemall_keeper_days_settled_total 0$/m);
      expect(metrics).to.match(/^sharemall_keeper_failures_total\{kind="rpc"\} 0$/m);
      expect(metrics).to.match(/^# TYPE sharemall_keeper_paid_wei_total counter$/m);
    } finally {
      await proxy.close();
    }
    await expectExactlyOnce(shop, token, day, balances);
  });

  it("a recipient that rejects the coin is skipped, reported, not retried every tick, and can still claim", async function () {
    const receiver = await new RejectingReceiver__factory(account(3).connect(provider)).deploy();
    const rejecting = (await receiver.getAddress()) as Address;
    const customers = [HOLDERS[0], rejecting, HOLDERS[1]];
    const { factory, shop, token, day, balances } = await dueShop("Rejecting", customers);
    const keeper = createKeeper({ transport: signerOf(provider, 2), factory });
    const first = await keeper.tick();
    expect(first.failures).to.deep.equal([]);
    expect(first.settlements.map((s) => s.day)).to.deep.equal([day]);
    expect(first.payouts.length).to.equal(1);
    const owed = await claimable(reader, { token, holder: rejecting });
    expect(owed).to.be.greaterThan(0n);
    expect(first.payouts[0].skipped).to.deep.equal([{ holder: rejecting, amount: owed }]);
    expect(first.payouts[0].paid.map((p) => p.holder)).to.deep.equal([HOLDERS[0], HOLDERS[1]]);
    // Next tick: the same refusal is not paid for again.
    const second = await keeper.tick();
    expect([second.payouts.length, second.failures.length]).to.deep.equal([0, 0]);
    expect(await provider.getBalance(rejecting)).to.equal(0n);
    // Its dividends are intact: once it accepts the coin, it claims all of them.
    await (await receiver.connect(account(3).connect(provider)).setAccepting(true)).wait();
    await (await receiver.connect(account(3).connect(provider)).claim(token)).wait();
    expect(await provider.getBalance(rejecting)).to.equal(owed);
    await expectExactlyOnce(shop, token, day, balances, [HOLDERS[0], HOLDERS[1]], owed);
  });
  it("--once exits 1 when its tick fails and 2 for bad options, sending nothing", async function () {
    const { factory, shop } = await dueShop("Once");
    const keeperAccount = account(0).address;
    const nonce = await provider.getTransactionCount(keeperAccount);
    const proxy = await startFaultProxy(node.url, { seed: 5 });
    try {
      // Every eth_call answered with a (non-transient) JSON-RPC error: the tick cannot even list the shops.
      proxy.rules = [{ method: "eth_call", fault: { kind: "rpc-error", code: -32603, message: "internal error" } }];
      const failed = keeperProcess(proxy.url, factory, ["--once", "--metrics-port", "0"]);
      const run = await failed.exit;
      expect(run.code, failed.output()).to.equal(1);
      const done = failed.lines().find((l) => l.event === "tick.done");
      expect(done?.failures, failed.output()).to.equal(1);
      expect(failed.lines().some((l) => l.event === "failure" && l.action === "discover")).to.equal(true);

      const bad = keeperProcess(proxy.url, factory, ["--once", "--fund-from", keeperAccount]);
      expect((await bad.exit).code, bad.output()).to.equal(2);
      expect(bad.output()).to.include("--fund-from and --fund-limit go together");
    } finally {
      await proxy.close();
    }
    expect(await provider.getTransactionCount(keeperAccount)).to.equal(nonce);
    expect((await settledDays(reader, shop)).size).to.equal(0);
  });
});

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes. */
async function until(check: () => boolean, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
}

/** The keeper CLI (`hardhat keeper --network custom`) on `url`, signing with the node's account 0. */
function keeperProcess(url: string, factory: Address, args: readonly string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, "keeper", "--network", "custom", "--factory", factory, ...args],
    {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        ...process.env,
        FORCE_COLOR: "0",
        SHAREMALL_RPC_URL: url,
        SHAREMALL_PRIVATE_KEY: account(0).privateKey,
        SHAREMALL_CHAIN_ID: "31337",
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines = (): Record<string, unknown>[] =>
    stdout
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, exit, lines, output: () => `stdout:\n${stdout}\nstderr:\n${stderr}` };
}
