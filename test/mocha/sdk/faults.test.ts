/**
 * Faults on the way to the chain: the SDK talks to a real `hardhat node` through a JSON-RPC proxy that delays,
 * errors, drops requests, or forwards a transaction and loses the answer. Batch operations either finish or fail
 * with a clear error, re-running them finishes the work, and no re-run ever counts an order twice, settles a day
 * twice or pays a claim twice. Chain state is always checked directly on the node, not through the proxy.
 */
import { expect } from "chai";
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, id } from "ethers";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  ChainCallError,
  claim,
  claimMany,
  claimableTotal,
  createShop,
  createToken,
  fromEthers,
  fromViem,
  grantRole,
  NothingToClaimError,
  OrderAlreadyCountedError,
  recordOrders,
  settleAllUnsettled,
  ShareMallError,
  withRetry,
  type Address,
  type RecordOrderInput,
  type Transport,
} from "../../../sdk/src/index.js";
import {
  DividendToken__factory,
  IShop__factory,
  ShareMallFactory__factory,
  ShopPayments__factory,
  Shop__factory,
  type IShop,
} from "../../../types/ethers-contracts/index.js";
import { HARDHAT_NODE_MNEMONIC, rpc, startHardhatNode, type HardhatNode } from "../support/hardhat-node.js";
import { startFaultProxy, type FaultProxy } from "../support/rpc-fault-proxy.js";

const CHAIN = 31_337;
const ONE = 10n ** 18n;
const account = (i: number): HDNodeWallet =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_NODE_MNEMONIC), `m/44'/60'/0'/0/${i}`);

const merchant = account(1);
const operator = account(2);
const customers = [account(3), account(4), account(5), account(6)];

/** An ethers provider with no batching and fast polling, on `url` (the proxy or the node). */
function providerAt(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(CHAIN), {
    staticNetwork: true,
    pollingInterval: 50,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
}

/** Order ids handed out so far: every call of `ordersFor` gets fresh consecutive ids. */
let lastOrderId = 1_000n;

function ordersFor(label: string, count: number, amount = ONE / 10n): RecordOrderInput[] {
  const first = lastOrderId + 1n;
  lastOrderId += BigInt(count);
  return Array.from({ length: count }, (_, i) => ({
    orderId: first + BigInt(i),
    orderHash: id(`${label} ${i}`),
    customer: customers[i % customers.length].address,
    amount,
  }));
}

/** Runs `attempt` until it succeeds (at most `max` times); every failure must be a ShareMallError. */
async function untilDone<T>(
  max: number,
  attempt: () => Promise<T>,
): Promise<{ result: T; failures: ShareMallError[] }> {
  const failures: ShareMallError[] = [];
  for (let i = 0; i < max; i++) {
    try {
      return { result: await attempt(), failures };
    } catch (error) {
      expect(error, `failure ${i + 1} is a typed SDK error`).to.be.instanceOf(ShareMallError);
      failures.push(error as ShareMallError);
    }
  }
  throw new Error(`still failing after ${max} attempts: ${failures.map((f) => f.message).join(" | ")}`);
}

async function nextDay(node: HardhatNode): Promise<void> {
  await rpc(node.url, "evm_increaseTime", [86_400]);
  await rpc(node.url, "evm_mine", []);
}

describe("SDK under RPC faults (a proxy that delays, errors, drops and loses responses before a real hardhat node)", function () {
  this.timeout(300_000);

  let node: HardhatNode;
  let direct: JsonRpcProvider;
  let factory: Address;

  before(async function () {
    node = await startHardhatNode();
    direct = providerAt(node.url);
    const deployer = account(0).connect(direct);
    const paymentsModule = await new ShopPayments__factory(deployer).deploy();
    const shopImpl = await new Shop__factory(deployer).deploy(await paymentsModule.getAddress());
    const tokenImpl = await new DividendToken__factory(deployer).deploy();
    const f = await new ShareMallFactory__factory(deployer).deploy(
      await shopImpl.getAddress(),
      await tokenImpl.getAddress(),
    );
    factory = (await f.getAddress()) as Address;
  });

  after(async function () {
    direct?.destroy();
    await node?.stop();
  });

  /** A fresh shop with one token (20 % dividends), made without faults. */
  async function freshShop(name: string): Promise<{ shop: IShop; address: Address; token: Address }> {
    const t = fromEthers(merchant.connect(direct));
    const { shop } = await createShop(t, {
      factory,
      admin: merchant.address,
      operator: operator.address,
      utcOffsetHours: 0,
      name,
    });
    const { token } = await createToken(t, {
      shop,
      name: `${name} token`,
      symbol: "FLT",
      rules: { spendPerToken: "0.1", dividend: "20%" },
    });
    return { shop: IShop__factory.connect(shop, direct), address: shop, token };
  }

  async function withProxy<T>(seed: number, run: (proxy: FaultProxy) => Promise<T>): Promise<T> {
    const proxy = await startFaultProxy(node.url, { seed });
    try {
      return await run(proxy);
    } finally {
      await proxy.close();
    }
  }

  it("recordOrders through delays and random 503s/dropped connections on 25 % of requests: re-runs finish, each order counted once", async function () {
    const { shop, address } = await freshShop("Flaky reads");
    const orders = ordersFor("flaky", 24);
    await withProxy(7, async (proxy) => {
      proxy.rules = [
        { probability: 0.15, fault: { kind: "http-error", status: 503 } },
        {
          method: /^eth_(call|estimateGas|getBlockByNumber|getTransactionReceipt)$/,
          probability: 0.1,
          fault: { kind: "drop" },
        },
        { fault: { kind: "delay", ms: 5 } },
      ];
      const viaProxy = providerAt(proxy.url);
      const t = withRetry(fromEthers(operator.connect(viaProxy)), { attempts: 3, baseDelayMs: 5 });
      const { failures } = await untilDone(30, () =>
        recordOrders(t, { shop: address, orders, skipCounted: true, maxOrdersPerTx: 6 }),
      );
      viaProxy.destroy();
      console.log(
        `      faults injected: ${proxy.count("http-error")} HTTP 503, ${proxy.count("drop")} drops, ` +
          `${proxy.count("delay")} delays; ${failures.length} run(s) failed before one finished`,
      );
      expect(proxy.count("http-error") + proxy.count("drop")).to.be.greaterThan(0);
    });
    const record = await shop.dayRecord(await shop.today());
    expect(record.orderCount).to.equal(24n);
    expect(record.revenue).to.equal(24n * (ONE / 10n));
    for (const o of orders) expect(await shop.isOrderIdUsed(o.orderId)).to.equal(true);
  });

  for (const library of ["ethers", "viem"] as const) {
    it(`recordOrders (${library}) whose transaction answer is lost: clear error, the node counted it, the re-run records exactly the rest`, async function () {
      const { shop, address } = await freshShop(`Lost answer ${library}`);
      const orders = ordersFor(`lost ${library}`, 15);
      await withProxy(11, async (proxy) => {
        // The second transaction reaches the node, which mines it, but its answer never comes back.
        proxy.rules = [{ method: /^eth_sendRawTransaction$/, skip: 1, times: 1, fault: { kind: "drop-response" } }];
        let t: Transport;
        const viaProxy = providerAt(proxy.url);
        if (library === "ethers") {
          t = fromEthers(operator.connect(viaProxy));
        } else {
          const transport = http(proxy.url, { retryCount: 0 });
          const publicClient = createPublicClient({ transport, pollingInterval: 50 });
          const walletClient = createWalletClient({
            transport,
            account: privateKeyToAccount(operator.privateKey as `0x${string}`),
          });
          t = fromViem({ publicClient, walletClient });
        }
        let caught: unknown;
        try {
          await recordOrders(t, { shop: address, orders, maxOrdersPerTx: 5 });
        } catch (error) {
          caught = error;
        }
        expect(caught).to.be.instanceOf(ChainCallError);
        expect((caught as ChainCallError).message).to.match(/recordOrders on 0x[0-9a-fA-F]{40}/);
        expect(proxy.count("drop-response")).to.equal(1);

        // The lost transaction was mined: 10 orders counted, not 5.
        expect((await shop.dayRecord(await shop.today())).orderCount).to.equal(10n);

        // Re-running without skipCounted refuses up front, naming the first counted order, and sends nothing.
        const nonce = await direct.getTransactionCount(operator.address);
        let again: unknown;
        try {
          await recordOrders(t, { shop: address, orders, maxOrdersPerTx: 5 });
        } catch (error) {
          again = error;
        }
        expect(again).to.be.instanceOf(OrderAlreadyCountedError);
        expect((again as OrderAlreadyCountedError).index).to.equal(0);
        expect(await direct.getTransactionCount(operator.address)).to.equal(nonce);

        // The resume records exactly orders 10..14.
        const resumed = await recordOrders(t, { shop: address, orders, maxOrdersPerTx: 5, skipCounted: true });
        expect(resumed.skipped).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(resumed.chunks.map((c) => [c.from, c.count])).to.deep.equal([[10, 5]]);
        expect([resumed.counted, resumed.skippedByShop]).to.deep.equal([5, []]);
        viaProxy.destroy();
      });
      const record = await shop.dayRecord(await shop.today());
      expect(record.orderCount).to.equal(15n);
      expect(record.revenue).to.equal(15n * (ONE / 10n));
    });
  }

  it("two operators recording the same orders at once through a slow proxy: the shop skips what the other counted, each order counts once", async function () {
    const { shop, address } = await freshShop("Two operators");
    const second = account(7);
    await grantRole(fromEthers(merchant.connect(direct)), { shop: address, role: "operator", account: second.address });
    const orders = ordersFor("twice at once", 30);
    await withProxy(23, async (proxy) => {
      proxy.rules = [{ fault: { kind: "delay", ms: 15 } }];
      const viaProxy = providerAt(proxy.url);
      const runs = await Promise.all(
        [operator, second].map((key) =>
          recordOrders(fromEthers(key.connect(viaProxy)), {
            shop: address,
            orders,
            skipCounted: true,
            maxOrdersPerTx: 4,
          }),
        ),
      );
      viaProxy.destroy();
      // Every order counted by exactly one of the runs; what a run did not count it reports as skipped (before
      // sending, or by the shop's OrderSkipped).
      expect(runs[0].counted + runs[1].counted).to.equal(30);
      for (let i = 0; i < orders.length; i++) {
        const countedBy = runs.filter((r) => !r.skipped.includes(i) && !r.skippedByShop.includes(i)).length;
        expect(countedBy, `order ${i}`).to.equal(1);
      }
      for (const r of runs) {
        expect(r.chunks.reduce((sum, c) => sum + c.counted, 0)).to.equal(r.counted);
        expect(r.chunks.flatMap((c) => c.skipped).sort((a, b) => a - b)).to.deep.equal(r.skippedByShop);
      }
      console.log(
        `      skipped by the shop: ${runs[0].skippedByShop.length} and ${runs[1].skippedByShop.length}; ` +
          `before sending: ${runs[0].skipped.length} and ${runs[1].skipped.length}`,
      );
    });
    const record = await shop.dayRecord(await shop.today());
    expect(record.orderCount).to.equal(30n);
    expect(record.revenue).to.equal(30n * (ONE / 10n));
    const skippedEvents = await shop.queryFilter(shop.filters.OrderSkipped());
    expect(skippedEvents.length).to.be.greaterThan(0);
  });

  it("settleAllUnsettled whose second settlement answer is lost: the re-run settles only the remaining day, each day once", async function () {
    const { shop, address } = await freshShop("Lost settlement");
    const op = fromEthers(operator.connect(direct));
    const days: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      days.push(await shop.today());
      await recordOrders(op, { shop: address, orders: ordersFor(`settle ${i}`, 2, ONE) });
      await nextDay(node);
    }
    const owed = 3n * 2n * ((ONE * 2000n) / 10_000n);
    await withProxy(13, async (proxy) => {
      proxy.rules = [{ method: /^eth_sendRawTransaction$/, skip: 2, times: 1, fault: { kind: "drop-response" } }];
      const viaProxy = providerAt(proxy.url);
      const t = fromEthers(merchant.connect(viaProxy));
      const balanceBefore = await direct.getBalance(address);
      let caught: unknown;
      try {
        // Transactions: deposit, settle day 1, settle day 2 (answer lost), settle day 3 (never sent).
        await settleAllUnsettled(t, { shop: address, fund: "deposit-missing" });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ChainCallError);
      expect(await shop.unsettledDays(0, 10)).to.have.length(1);
      const rerun = await settleAllUnsettled(t, { shop: address, fund: "deposit-missing" });
      expect(rerun.settled.map((s) => s.day)).to.deep.equal([days[2]]);
      expect(rerun.deposited).to.equal(0n); // the first run's deposit covered all three days
      // The shop paid out exactly what the three days owed: no day settled twice.
      expect(balanceBefore + owed - (await direct.getBalance(address))).to.equal(owed);
      viaProxy.destroy();
    });
    for (const day of days) expect((await shop.dayRecord(day)).settled).to.equal(true);
    expect(await shop.unsettledDays(0, 10)).to.deep.equal([]);
  });

  it("claim and claimMany whose answers are lost pay once: the retry finds nothing to claim and sends nothing", async function () {
    const { shop, address, token } = await freshShop("Lost claims");
    await recordOrders(fromEthers(operator.connect(direct)), { shop: address, orders: ordersFor("claims", 4, ONE) });
    await nextDay(node);
    await settleAllUnsettled(fromEthers(merchant.connect(direct)), { shop: address, fund: "deposit-missing" });
    const dividend = DividendToken__factory.connect(token, direct);
    await withProxy(17, async (proxy) => {
      const viaProxy = providerAt(proxy.url);
      for (const [holder, how] of [
        [customers[0], "claim"],
        [customers[1], "claimMany"],
      ] as const) {
        // claim pays this token; claimMany every token the holder has across the factory's shops.
        const owed =
          how === "claim"
            ? await dividend.claimable(holder.address)
            : (await claimableTotal(fromEthers(direct), { factory, holder: holder.address })).total;
        expect(owed > 0n).to.equal(true);
        const before = await direct.getBalance(holder.address);
        proxy.rules = [{ method: /^eth_sendRawTransaction$/, times: 1, fault: { kind: "drop-response" } }];
        const t = fromEthers(holder.connect(viaProxy));
        const send = () => (how === "claim" ? claim(t, { token }) : claimMany(t, { factory, tokens: "all" }));
        let caught: unknown;
        try {
          await send();
        } catch (error) {
          caught = error;
        }
        expect(caught, how).to.be.instanceOf(ChainCallError);
        expect(await dividend.claimable(holder.address)).to.equal(0n);
        const paid = await direct.getBalance(holder.address);
        const nonce = await direct.getTransactionCount(holder.address);
        let retry: unknown;
        try {
          await send();
        } catch (error) {
          retry = error;
        }
        expect(retry, `${how} retry`).to.be.instanceOf(NothingToClaimError);
        expect(await direct.getTransactionCount(holder.address)).to.equal(nonce);
        expect(await direct.getBalance(holder.address)).to.equal(paid);
        // Paid exactly once: the balance rose by the claim less the one transaction's gas.
        const block = await direct.getBlock(await direct.getBlockNumber(), true);
        const tx = block!.prefetchedTransactions.find((x) => x.from === holder.address)!;
        const receipt = (await direct.getTransactionReceipt(tx.hash))!;
        expect(paid - before).to.equal(owed - receipt.gasUsed * receipt.gasPrice);
      }
      viaProxy.destroy();
    });
    expect((await shop.dayRecord((await shop.today()) - 1n)).settled).to.equal(true);
  });

  it("withRetry gives up on a node that only answers 503 with CHAIN_UNAVAILABLE after the set attempts, sending nothing", async function () {
    const { address } = await freshShop("Down");
    await withProxy(19, async (proxy) => {
      proxy.rules = [{ fault: { kind: "http-error", status: 503 } }];
      const viaProxy = providerAt(proxy.url);
      const retries: string[] = [];
      const t = withRetry(fromEthers(operator.connect(viaProxy)), {
        attempts: 3,
        baseDelayMs: 1,
        onRetry: (r) => retries.push(`${r.method}#${r.attempt}`),
      });
      const nonce = await direct.getTransactionCount(operator.address);
      let caught: unknown;
      try {
        await recordOrders(t, { shop: address, orders: ordersFor("down", 2) });
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(ChainCallError);
      expect((caught as ChainCallError).code).to.equal("CHAIN_UNAVAILABLE");
      expect((caught as ChainCallError).message).to.match(/failed 3 time\(s\)/);
      expect(retries).to.deep.equal(["call#1", "call#2"]);
      expect(await direct.getTransactionCount(operator.address)).to.equal(nonce);
      expect(proxy.events.filter((e) => e.methods.includes("eth_sendRawTransaction"))).to.deep.equal([]);
      viaProxy.destroy();
    });
  });
});
