import { expect } from "chai";
import { id, verifyTypedData } from "ethers";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress } from "viem";
import {
  ChainCallError,
  ContractRevertError,
  decodeLogs,
  encodeCall,
  eventTopic,
  fromEthers,
  fromViem,
  getLogsPaged,
  isLogRangeError,
  readContract,
  shopAbi,
  ShareMallError,
  writeContract,
  type Address,
  type Hex,
  type LogPageProgress,
  type RawLogFilter,
  type Transport,
} from "../../../sdk/src/index.js";
import { load, nextDay, ONE, order, type Deployment } from "../fixture.js";

/** A viem public client and a wallet client for `account`, over the in-process network. */
function viemTransport(d: Deployment, account?: string): Transport {
  const transport = custom(
    {
      request: ({ method, params }: { method: string; params?: unknown }) =>
        d.ethers.provider.send(method, (params ?? []) as unknown[]),
    },
    // No retries: a revert is final (viem retries internal errors, which is how this node reports eth_call reverts).
    { retryCount: 0 },
  );
  const publicClient = createPublicClient({ transport, pollingInterval: 10 });
  if (account === undefined) return fromViem({ publicClient });
  const walletClient = createWalletClient({ transport, account: account as ViemAddress, pollingInterval: 10 });
  return fromViem({ publicClient, walletClient });
}

function both(d: Deployment): [Transport, Transport] {
  return [fromEthers(d.admin), viemTransport(d, d.admin.address)];
}

async function caught(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return expect.fail("expected a failure");
}

const addressOf = async (contract: { getAddress(): Promise<string> }): Promise<Address> =>
  (await contract.getAddress()) as Address;

/** Records orders in `count` separate blocks and returns the first and last block. */
async function ordersInBlocks(d: Deployment, count: number): Promise<{ first: bigint; last: bigint }> {
  const [, , , alice] = d.signers;
  const first = BigInt(await d.ethers.provider.getBlockNumber()) + 1n;
  for (let i = 0; i < count; i++) {
    await d.shop.connect(d.operator).recordOrder(order(`paged ${i}`, alice.address, ONE / 10n));
  }
  return { first, last: BigInt(await d.ethers.provider.getBlockNumber()) };
}

describe("SDK client (fromEthers, fromViem, readContract, writeContract, decodeLogs, getLogsPaged)", () => {
  describe("adapters", () => {
    it("fromEthers and fromViem return the same chainId, blockNumber, timestamp, balance, call and account", async () => {
      const d = await load();
      const [e, v] = both(d);
      expect(e.library).to.equal("ethers");
      expect(v.library).to.equal("viem");
      const chainId = (await d.ethers.provider.getNetwork()).chainId;
      expect(await e.chainId()).to.equal(chainId);
      expect(await v.chainId()).to.equal(chainId);
      const block = await d.ethers.provider.getBlock("latest");
      expect(await e.blockNumber()).to.equal(BigInt(block!.number));
      expect(await v.blockNumber()).to.equal(BigInt(block!.number));
      expect(await e.latestTimestamp()).to.equal(BigInt(block!.timestamp));
      expect(await v.latestTimestamp()).to.equal(BigInt(block!.timestamp));
      const [, , , alice] = d.signers;
      const balance = await d.ethers.provider.getBalance(alice.address);
      expect(await e.balance(alice.address as Address)).to.equal(balance);
      expect(await v.balance(alice.address as Address)).to.equal(balance);
      const call = { to: await addressOf(d.shop), data: encodeCall(shopAbi, "today", []) };
      const raw = await e.call(call);
      expect(raw).to.match(/^0x[0-9a-f]{64}$/);
      expect(await v.call(call)).to.equal(raw);
      expect(BigInt(raw)).to.equal(await d.shop.today());
      expect(await e.account()).to.equal(d.admin.address);
      expect(await v.account()).to.equal(d.admin.address);
      expect(await fromEthers(d.ethers.provider).account()).to.equal(undefined);
      expect(await viemTransport(d).account()).to.equal(undefined);
    });

    it("send and waitForReceipt: a deposit sent by either library has the same receipt through both", async () => {
      const d = await load();
      const [e, v] = both(d);
      const shop = await addressOf(d.shop);
      const data = encodeCall(shopAbi, "deposit", []);
      const before = await d.shop.merchantBalance();
      const hashes = [await e.send({ to: shop, data, value: 7n }), await v.send({ to: shop, data, value: 11n })];
      expect(await d.shop.merchantBalance()).to.equal(before + 18n);
      for (const hash of hashes) {
        expect(hash).to.match(/^0x[0-9a-f]{64}$/);
        const fromE = await e.waitForReceipt(hash);
        const fromV = await v.waitForReceipt(hash);
        expect(fromV).to.deep.equal(fromE);
        const expected = await d.ethers.provider.getTransactionReceipt(hash);
        expect(fromE.transactionHash).to.equal(hash);
        expect(fromE.blockNumber).to.equal(BigInt(expected!.blockNumber));
        expect(fromE.gasUsed).to.equal(expected!.gasUsed);
        expect(fromE.status).to.equal("success");
        expect(fromE.logs).to.have.length(1);
        expect(fromE.logs[0].address).to.equal(shop);
        expect(fromE.logs[0].topics[0]).to.equal(eventTopic(shopAbi, "Deposited"));
      }
    });

    it("getLogs: both libraries return the same raw logs for address, topic and OR-topic filters", async () => {
      const d = await load();
      const [e, v] = both(d);
      const { first, last } = await ordersInBlocks(d, 3);
      const shop = await addressOf(d.shop);
      const filters: RawLogFilter[] = [
        { address: shop, fromBlock: first, toBlock: last },
        { address: [shop], topics: [eventTopic(shopAbi, "OrderCounted")], fromBlock: first, toBlock: last },
        {
          topics: [[eventTopic(shopAbi, "OrderCounted"), eventTopic(shopAbi, "ReferrerBound")], null],
          fromBlock: first,
          toBlock: last,
        },
      ];
      const expected = await d.shop.queryFilter(d.shop.filters.OrderCounted(), Number(first), Number(last));
      expect(expected).to.have.length(3);
      for (const filter of filters) {
        const fromE = await e.getLogs(filter);
        expect(await v.getLogs(filter)).to.deep.equal(fromE);
        const counted = fromE.filter((log) => log.topics[0] === eventTopic(shopAbi, "OrderCounted"));
        expect(counted.map((log) => log.transactionHash)).to.deep.equal(expected.map((x) => x.transactionHash));
        expect(counted.map((log) => log.logIndex)).to.deep.equal(expected.map((x) => x.index));
      }
    });

    it("signTypedData: both libraries give the same signature, which recovers to the signer", async () => {
      const d = await load();
      const [e, v] = both(d);
      const payload = {
        domain: { name: "ShareMall Shop", version: "1", chainId: 31337n, verifyingContract: await addressOf(d.shop) },
        types: {
          Note: [
            { name: "text", type: "string" },
            { name: "amount", type: "uint256" },
          ],
        },
        primaryType: "Note",
        message: { text: "hello", amount: 5n },
      };
      const signature = await e.signTypedData(payload);
      expect(await v.signTypedData(payload)).to.equal(signature);
      expect(verifyTypedData(payload.domain, payload.types, payload.message, signature)).to.equal(d.admin.address);
      const withDomainType = { ...payload, types: { ...payload.types, EIP712Domain: [] } };
      expect(await e.signTypedData(withDomainType)).to.equal(signature);
    });

    it("send and signTypedData without a signer throw NO_SIGNER with both libraries", async () => {
      const d = await load();
      const call = { to: await addressOf(d.shop), data: encodeCall(shopAbi, "deposit", []) };
      const payload = {
        domain: {},
        types: { A: [{ name: "x", type: "uint256" }] },
        primaryType: "A",
        message: { x: 1n },
      };
      for (const transport of [fromEthers(d.ethers.provider), viemTransport(d)]) {
        for (const error of [
          await caught(() => transport.send(call)),
          await caught(() => transport.signTypedData(payload)),
        ]) {
          expect(error).to.be.instanceOf(ShareMallError);
          expect((error as ShareMallError).code).to.equal("NO_SIGNER");
        }
      }
    });
  });

  describe("readContract and writeContract", () => {
    it("readContract decodes structs, tuples and arrays the same with both libraries", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("r", alice.address, ONE));
      const shop = await addressOf(d.shop);
      for (const transport of both(d)) {
        const record = await readContract(transport, {
          address: shop,
          abi: shopAbi,
          functionName: "dayRecord",
          args: [day],
        });
        expect(record).to.deep.equal({ revenue: ONE, orderCount: 1n, settled: false });
        const tokenDay = await readContract(transport, {
          address: shop,
          abi: shopAbi,
          functionName: "tokenDay",
          args: [0n, day],
        });
        const onChain = await d.shop.tokenDay(0n, day);
        expect(tokenDay).to.deep.equal({
          revenue: onChain.revenue,
          dividendBps: onChain.dividendBps,
          owed: onChain.owed,
          escrowed: onChain.escrowed,
          escrowReleased: onChain.escrowReleased,
          settled: onChain.settled,
        });
        expect(tokenDay).to.deep.include({ revenue: ONE, dividendBps: 2000n, escrowReleased: false });
        expect(
          await readContract(transport, { address: shop, abi: shopAbi, functionName: "tokens", args: [] }),
        ).to.deep.equal([await d.token.getAddress()]);
        const config = await readContract(transport, {
          address: shop,
          abi: shopAbi,
          functionName: "tokenConfig",
          args: [0n],
        });
        const expected = await d.shop.tokenConfig(0n);
        expect(config.token).to.equal(expected.token);
        expect(config.rules.dividendBps).to.equal(Number(expected.rules.dividendBps));
        expect(config.rules.spendPerToken).to.equal(expected.rules.spendPerToken);
        expect(config.minted).to.equal(expected.minted);
        expect(
          await readContract(transport, { address: shop, abi: shopAbi, functionName: "utcOffset", args: [] }),
        ).to.equal(Number(await d.shop.utcOffset()));
      }
    });

    it("readContract of a reverting view gives the same ContractRevertError with both libraries", async () => {
      const d = await load();
      const shop = await addressOf(d.shop);
      const [e, v] = both(d);
      const fromE = await caught(() =>
        readContract(e, { address: shop, abi: shopAbi, functionName: "tokenConfig", args: [5n] }),
      );
      const fromV = await caught(() =>
        readContract(v, { address: shop, abi: shopAbi, functionName: "tokenConfig", args: [5n] }),
      );
      expect(fromE).to.be.instanceOf(ContractRevertError);
      expect(fromV).to.be.instanceOf(ContractRevertError);
      expect((fromE as ContractRevertError).errorName).to.equal("ShopUnknownToken");
      expect((fromV as ContractRevertError).args).to.deep.equal((fromE as ContractRevertError).args);
    });

    it("readContract of an address without code fails with ChainCallError BAD_RESULT and the cause", async () => {
      const d = await load();
      const nobody = d.signers[9].address as Address;
      for (const transport of both(d)) {
        const error = await caught(() =>
          readContract(transport, { address: nobody, abi: shopAbi, functionName: "today", args: [] }),
        );
        expect(error).to.be.instanceOf(ChainCallError);
        expect((error as ChainCallError).code).to.equal("BAD_RESULT");
        expect((error as ChainCallError).cause).to.be.instanceOf(Error);
      }
    });

    it("writeContract waits for the receipt and decodes the events of the shop and its tokens", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("w", alice.address, ONE));
      await nextDay(d.helpers);
      const shop = await addressOf(d.shop);
      const [e] = both(d);
      const owed = (await d.shop.tokenDay(0n, day)).owed;
      const result = await writeContract(e, {
        address: shop,
        abi: shopAbi,
        functionName: "settle",
        args: [day],
        value: owed,
      });
      expect(result.receipt.status).to.equal("success");
      expect(result.hash).to.equal(result.receipt.transactionHash);
      const names = result.events.map((x) => x.eventName);
      expect(names).to.include.members(["Deposited", "DaySettled", "DividendsDistributed"]);
      const settled = result.events.find((x) => x.eventName === "DaySettled");
      expect(settled?.eventName === "DaySettled" && settled.args).to.deep.equal({
        day,
        keeper: d.admin.address,
        fromEscrow: 0n,
        fromBalance: owed,
      });
      const distributed = result.events.find((x) => x.eventName === "DividendsDistributed");
      expect(distributed?.address).to.equal(await d.token.getAddress());
      expect(await d.shop.dayRecord(day).then((r) => r.settled)).to.equal(true);
    });

    it("writeContract of a revert gives the same ContractRevertError with ethers and with viem", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("x", alice.address, ONE));
      const shop = await addressOf(d.shop);
      const [e, v] = both(d);
      const errors = [
        await caught(() => writeContract(e, { address: shop, abi: shopAbi, functionName: "settle", args: [day] })),
        await caught(() => writeContract(v, { address: shop, abi: shopAbi, functionName: "settle", args: [day] })),
      ] as ContractRevertError[];
      for (const error of errors) {
        expect(error).to.be.instanceOf(ContractRevertError);
        expect(error.errorName).to.equal("ShopDayNotOver");
        expect(error.args).to.deep.equal({ day, today: day });
      }
      expect(errors[1].message).to.equal(errors[0].message);
      expect(errors[1].data).to.equal(errors[0].data);
    });

    it("writeContract of a transaction mined reverted replays it into the ContractRevertError", async () => {
      const d = await load();
      const [, , , alice] = d.signers;
      const day = await d.shop.today();
      await d.shop.connect(d.operator).recordOrder(order("m", alice.address, ONE));
      const [e] = both(d);
      // A sender that skips gas estimation, so the revert is mined instead of refused before sending.
      const blind: Transport = {
        ...e,
        send: async (call) => {
          try {
            return (await d.ethers.provider.send("eth_sendTransaction", [
              { from: d.admin.address, to: call.to, data: call.data, gas: "0x200000" },
            ])) as Hex;
          } catch {
            // The node reports the failure but has mined the transaction: return its hash.
            const block = await d.ethers.provider.getBlock("latest");
            return block!.transactions[0] as Hex;
          }
        },
      };
      const shop = await addressOf(d.shop);
      const before = await d.ethers.provider.getBlockNumber();
      const error = await caught(() =>
        writeContract(blind, { address: shop, abi: shopAbi, functionName: "settle", args: [day] }),
      );
      expect(await d.ethers.provider.getBlockNumber()).to.equal(before + 1);
      expect(error).to.be.instanceOf(ContractRevertError);
      expect((error as ContractRevertError).errorName).to.equal("ShopDayNotOver");
    });

    it("decodeLogs skips logs of unknown events", async () => {
      const d = await load();
      const [e] = both(d);
      const { receipt } = await writeContract(e, {
        address: await addressOf(d.shop),
        abi: shopAbi,
        functionName: "deposit",
        args: [],
        value: 3n,
      });
      const foreign = { ...receipt.logs[0], topics: [id("Unknown()") as Hex] };
      const events = decodeLogs(shopAbi, [foreign, ...receipt.logs]);
      expect(events).to.have.length(1);
      expect(events[0].eventName).to.equal("Deposited");
      expect(events[0].args).to.deep.equal({ from: d.admin.address, amount: 3n });
    });
  });

  describe("getLogsPaged", () => {
    /** A transport whose getLogs refuses ranges longer than `maxBlocks`, counting the calls. */
    function limited(inner: Transport, maxBlocks: bigint): Transport & { calls: RawLogFilter[] } {
      const calls: RawLogFilter[] = [];
      return {
        ...inner,
        calls,
        getLogs: async (filter: RawLogFilter) => {
          calls.push(filter);
          if (filter.toBlock - filter.fromBlock + 1n > maxBlocks) {
            throw new Error("query returned more than 10000 results. Try with this block range [0x1, 0x2].");
          }
          return inner.getLogs(filter);
        },
      };
    }

    it("equals a single query, with small pages and through a node that refuses large ranges", async () => {
      const d = await load();
      const { first, last } = await ordersInBlocks(d, 6);
      const shop = await addressOf(d.shop);
      for (const transport of both(d)) {
        const filter = { address: shop, topics: [eventTopic(shopAbi, "OrderCounted")] };
        const single = await transport.getLogs({ ...filter, fromBlock: 0n, toBlock: last });
        expect(single.length).to.be.greaterThanOrEqual(6);
        expect(await getLogsPaged(transport, { ...filter, fromBlock: 0n, toBlock: last })).to.deep.equal(single);
        expect(await getLogsPaged(transport, { ...filter, fromBlock: 0n, toBlock: last, pageSize: 2n })).to.deep.equal(
          single,
        );
        const wrapped = limited(transport, 3n);
        const progress: LogPageProgress[] = [];
        const paged = await getLogsPaged(wrapped, {
          ...filter,
          fromBlock: 0n,
          toBlock: last,
          pageSize: 100n,
          onProgress: (p) => progress.push(p),
        });
        expect(paged).to.deep.equal(single);
        const refused = wrapped.calls.filter((c) => c.toBlock - c.fromBlock + 1n > 3n);
        expect(refused.length).to.be.greaterThan(0);
        const sizes = wrapped.calls.map((c) => c.toBlock - c.fromBlock + 1n);
        expect(sizes.slice(0, 2)).to.deep.equal([last + 1n < 100n ? last + 1n : 100n, (last + 1n) / 2n]);
        expect(progress.at(-1)).to.deep.include({ toBlock: last, doneBlocks: last + 1n, totalBlocks: last + 1n });
        expect(progress.at(-1)!.logs).to.equal(single.length);
        const part = await getLogsPaged(wrapped, {
          ...filter,
          fromBlock: first + 1n,
          toBlock: last - 1n,
          pageSize: 1n,
        });
        expect(part).to.deep.equal(single.filter((log) => log.blockNumber > first && log.blockNumber < last));
        expect(part).to.have.length(4);
      }
    });

    it("rethrows other failures as ChainCallError with the cause, and a one-block refusal too", async () => {
      const d = await load();
      const [e] = both(d);
      const boom = new Error("connection reset");
      const failing: Transport = { ...e, getLogs: () => Promise.reject(boom) };
      const error = await caught(() => getLogsPaged(failing, { fromBlock: 0n, toBlock: 10n }));
      expect(error).to.be.instanceOf(ChainCallError);
      expect((error as ChainCallError).cause).to.equal(boom);
      const tooMany = new Error("query returned more than 10000 results");
      const always: Transport = { ...e, getLogs: () => Promise.reject(tooMany) };
      const single = await caught(() => getLogsPaged(always, { fromBlock: 5n, toBlock: 8n }));
      expect((single as ChainCallError).cause).to.equal(tooMany);
      expect(await getLogsPaged(always, { fromBlock: 9n, toBlock: 8n })).to.deep.equal([]);
    });

    it("isLogRangeError recognises the usual node messages, nested in causes", () => {
      expect(isLogRangeError(new Error("query returned more than 10000 results"))).to.equal(true);
      expect(isLogRangeError({ info: { error: { code: -32005, message: "block range is too large" } } })).to.equal(
        true,
      );
      expect(isLogRangeError({ cause: { details: "Log response size exceeded" } })).to.equal(true);
      expect(isLogRangeError(new Error("execution reverted"))).to.equal(false);
      expect(isLogRangeError(undefined)).to.equal(false);
    });
  });
});
