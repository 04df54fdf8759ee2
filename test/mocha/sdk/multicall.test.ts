/**
 * Batched reads (readContracts, and the read models built on it): through Multicall3 at its canonical address the
 * results equal one `eth_call` per read, in far fewer requests, at one block, with a bounded number in flight; a
 * failed read carries the error readContract gives; without Multicall3 (a fresh node) the reads fall back.
 * Multicall3 is installed with `hardhat_setCode` from contracts/test/TestMulticall3.sol's runtime code.
 */
import { expect } from "chai";
import { ZeroAddress } from "ethers";
import {
  ChainCallError,
  ContractRevertError,
  contractRead,
  dividendTokenAbi,
  fetchHolderTokens,
  fetchShopDays,
  fromEthers,
  InvalidAddressError,
  InvalidAmountError,
  MULTICALL3_ADDRESS,
  readContract,
  readContracts,
  shopAbi,
  type Address,
  type RawRead,
  type Transport,
} from "../../../sdk/src/index.js";
import { addShop, addToken, load, nextDay, ONE, order, tokenParams, WUYOU_RULES, type Deployment } from "../fixture.js";

/** Installs Multicall3's `aggregate3` at its canonical address (undone by the next test's fixture load). */
async function installMulticall3(d: Deployment): Promise<void> {
  const deployed = await d.ethers.deployContract("TestMulticall3");
  const code = await d.ethers.provider.getCode(await deployed.getAddress());
  await d.helpers.setCode(MULTICALL3_ADDRESS, code);
}

interface Counting {
  transport: Transport;
  /** Every eth_call made, in order. */
  calls: RawRead[];
  /** The most requests that were in flight at once. */
  peak: () => number;
}

/** Wraps the node's transport, recording every eth_call; each call waits `delayMs` so that overlaps show. */
function counting(d: Deployment, delayMs = 0, refuse?: (call: RawRead) => boolean): Counting {
  const inner = fromEthers(d.ethers.provider);
  const calls: RawRead[] = [];
  let inFlight = 0;
  let peak = 0;
  const transport: Transport = {
    ...inner,
    call: async (call: RawRead) => {
      calls.push(call);
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        if (refuse?.(call) === true) throw new Error("request entity too large");
        return await inner.call(call);
      } finally {
        inFlight--;
      }
    },
  };
  return { transport, calls, peak: () => peak };
}

const toMulticall = (calls: readonly RawRead[]): number =>
  calls.filter((c) => c.to.toLowerCase() === MULTICALL3_ADDRESS.toLowerCase()).length;

/** Six more shops, one token each; alice buys in the odd ones. Day 1 settled with a dividend, day 2 open. */
async function manyShops(d: Deployment): Promise<{ factory: Address; alice: Address; shop: Address }> {
  const alice = d.signers[3];
  await d.shop.connect(d.operator).recordOrder(order("m0", alice.address, ONE));
  for (let i = 0; i < 6; i++) {
    const admin = d.signers[8 + 2 * i];
    const operator = d.signers[9 + 2 * i];
    const shop = await addShop(d, admin, operator);
    await addToken(d, tokenParams(WUYOU_RULES, { name: `Shop ${i}`, symbol: `S${i}` }), shop, admin);
    if (i % 2 === 1) await shop.connect(operator).recordOrder(order(`m${i + 1}`, alice.address, BigInt(i) * ONE));
  }
  const day1 = await d.shop.today();
  await nextDay(d.helpers);
  await d.shop.settle(day1, { value: ONE });
  await d.shop.connect(d.operator).recordOrder(order("m9", alice.address, ONE / 2n));
  return {
    factory: (await d.factory.getAddress()) as Address,
    alice: alice.address as Address,
    shop: (await d.shop.getAddress()) as Address,
  };
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("SDK batched reads (Multicall3)", () => {
  it("fetchHolderTokens and fetchShopDays return the same through Multicall3, one call per read, and without Multicall3 code", async () => {
    const d = await load();
    const { factory, alice, shop } = await manyShops(d);

    const unbatched = counting(d);
    const singleTokens = await fetchHolderTokens(unbatched.transport, { factory, holder: alice, multicall: false });
    const singleDays = await fetchShopDays(unbatched.transport, { shop, multicall: false });
    expect(singleTokens.map((t) => t.symbol)).to.deep.equal(["YDC", "S1", "S3", "S5"]);
    expect(singleDays.days).to.have.length(2);
    expect(toMulticall(unbatched.calls)).to.equal(0);

    // Without code at the canonical address (a fresh node), the default reads fall back to single calls.
    const fresh = counting(d);
    expect(await fetchHolderTokens(fresh.transport, { factory, holder: alice })).to.deep.equal(singleTokens);
    expect(await fetchShopDays(fresh.transport, { shop })).to.deep.equal(singleDays);

    await installMulticall3(d);
    const block = BigInt(await d.ethers.provider.getBlockNumber());
    const batched = counting(d);
    const tokens = await fetchHolderTokens(batched.transport, { factory, holder: alice, blockNumber: block });
    const tokenCalls = batched.calls.length;
    const days = await fetchShopDays(batched.transport, { shop, blockNumber: block });
    expect(tokens).to.deep.equal(singleTokens);
    expect(days).to.deep.equal(singleDays);
    // fetchHolderTokens: shopCount, then one aggregate3 per stage (shop pages, shopTokens, balances and claimables,
    // supplies and names): 5 requests for what took one eth_call per read.
    expect(tokenCalls).to.equal(5);
    expect(toMulticall(batched.calls.slice(0, tokenCalls))).to.equal(4);
    const singleTokenCalls = unbatched.calls.length - (await countDaysCalls(d, shop));
    expect(singleTokenCalls).to.equal(1 + 1 + 7 + 2 * 7 + 3 * 4);
    expect(new Set(batched.calls.map((c) => c.blockNumber))).to.deep.equal(new Set([block]));
  });

  it("readContracts batches by callsPerBatch with at most `concurrency` requests in flight, with and without Multicall3", async () => {
    const d = await load();
    const { alice } = await manyShops(d);
    const token = (await d.token.getAddress()) as Address;
    const reads = Array.from({ length: 24 }, (_, i) =>
      contractRead({
        address: token,
        abi: dividendTokenAbi,
        functionName: i % 2 === 0 ? "balanceOf" : "claimable",
        args: [i % 4 < 2 ? alice : (ZeroAddress as Address)],
      }),
    );
    const expected = await Promise.all(
      reads.map((r) => readContract(fromEthers(d.ethers.provider), r as Parameters<typeof readContract>[1])),
    );
    expect(expected.some((x) => x !== 0n)).to.equal(true);

    const singles = counting(d, 20);
    const plain = await readContracts(singles.transport, { contracts: reads, multicall: false, concurrency: 3 });
    expect(plain.map((o) => (o.status === "success" ? o.result : o.error))).to.deep.equal(expected);
    expect(singles.calls).to.have.length(24);
    expect(singles.peak()).to.equal(3);

    await installMulticall3(d);
    const batched = counting(d, 20);
    const outcomes = await readContracts(batched.transport, { contracts: reads, callsPerBatch: 5, concurrency: 2 });
    expect(outcomes.map((o) => (o.status === "success" ? o.result : o.error))).to.deep.equal(expected);
    // 24 reads in batches of 5: 5 requests, the first alone (it tells whether Multicall3 is there), then 2 at a time.
    expect(batched.calls).to.have.length(5);
    expect(toMulticall(batched.calls)).to.equal(5);
    expect(batched.peak()).to.equal(2);
  });

  it("a failed read carries readContract's error and does not fail the others; a refused batch is read call by call", async () => {
    const d = await load();
    await installMulticall3(d);
    const shop = (await d.shop.getAddress()) as Address;
    const token = (await d.token.getAddress()) as Address;
    const direct = fromEthers(d.ethers.provider);
    const day = await d.shop.today();
    const noCode = d.signers[5].address as Address;
    const reads = [
      contractRead({ address: shop, abi: shopAbi, functionName: "tokenCount", args: [] }),
      contractRead({ address: shop, abi: shopAbi, functionName: "tokenDay", args: [7n, day] }),
      contractRead({ address: noCode, abi: shopAbi, functionName: "tokenCount", args: [] }),
      contractRead({ address: shop, abi: shopAbi, functionName: "today", args: [] }),
      // The token has no today(): a revert without data, which a batch cannot tell from running out of gas.
      contractRead({ address: token, abi: shopAbi, functionName: "today", args: [] }),
    ] as const;
    const revert = await caught(() => readContract(direct, reads[1]));
    const empty = await caught(() => readContract(direct, reads[2]));
    const bare = await caught(() => readContract(direct, reads[4]));
    expect(bare).to.be.instanceOf(ChainCallError);
    expect(revert).to.be.instanceOf(ContractRevertError);
    expect(empty).to.be.instanceOf(ChainCallError);

    for (const [label, { transport, calls }] of [
      ["batched", counting(d)],
      ["refused batches", counting(d, 0, (call) => call.to.toLowerCase() === MULTICALL3_ADDRESS.toLowerCase())],
    ] as const) {
      const [count, failed, missing, today, noData] = await readContracts(transport, { contracts: reads });
      expect(noData.status, label).to.equal("failure");
      if (noData.status === "failure") expect(noData.error.message, label).to.equal((bare as Error).message);
      expect(count, label).to.deep.equal({ status: "success", result: 1n });
      expect(today, label).to.deep.equal({ status: "success", result: day });
      expect(failed.status, label).to.equal("failure");
      expect(missing.status, label).to.equal("failure");
      if (failed.status !== "failure" || missing.status !== "failure") return;
      expect(failed.error, label).to.be.instanceOf(ContractRevertError);
      const [got, want] = [failed.error as ContractRevertError, revert as ContractRevertError];
      expect([got.errorName, got.args, got.data, got.message], label).to.deep.equal([
        want.errorName,
        want.args,
        want.data,
        want.message,
      ]);
      expect(missing.error, label).to.be.instanceOf(ChainCallError);
      expect((missing.error as ChainCallError).code, label).to.equal((empty as ChainCallError).code);
      expect(missing.error.message, label).to.equal((empty as ChainCallError).message);
      expect(toMulticall(calls), label).to.equal(1);
      // Batched: the batch, then the read that failed without data alone; refused: the batch, then every read alone.
      expect(calls.length, label).to.equal(label === "batched" ? 2 : 6);
    }
  });

  it("bad batching options and bad reads are refused before anything is read", async () => {
    const d = await load();
    const { transport, calls } = counting(d);
    const shop = (await d.shop.getAddress()) as Address;
    const read = contractRead({ address: shop, abi: shopAbi, functionName: "tokenCount", args: [] });
    for (const [bad, kind] of [
      [{ callsPerBatch: 0 }, InvalidAmountError],
      [{ callsPerBatch: 2.5 }, InvalidAmountError],
      [{ callsPerBatch: 5_001 }, InvalidAmountError],
      [{ concurrency: 0 }, InvalidAmountError],
      [{ concurrency: 65 }, InvalidAmountError],
      [{ multicall: "0x1234" }, InvalidAddressError],
      [{ blockNumber: -1n }, InvalidAmountError],
    ] as const) {
      const error = await caught(() => readContracts(transport, { contracts: [read], ...bad }));
      expect(
        error,
        JSON.stringify(bad, (_, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
      ).to.be.instanceOf(kind);
      const viaModel = await caught(() => fetchShopDays(transport, { shop, ...bad }));
      expect(viaModel).to.be.instanceOf(kind);
    }
    const badAddress = await caught(() =>
      readContracts(transport, { contracts: [read, { ...read, address: "0xnope" as Address }] }),
    );
    expect(badAddress).to.be.instanceOf(InvalidAddressError);
    expect((badAddress as Error).message).to.include("contracts[1].address");
    expect(calls).to.have.length(0);
    expect(await readContracts(transport, { contracts: [] })).to.deep.equal([]);
  });
});

/** How many eth_calls fetchShopDays makes one read at a time for `shop` (to split a combined count). */
async function countDaysCalls(d: Deployment, shop: Address): Promise<number> {
  const probe = counting(d);
  await fetchShopDays(probe.transport, { shop, multicall: false });
  return probe.calls.length;
}
