import { expect } from "chai";
import { id, Interface, Wallet, ZeroAddress, ZeroHash } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress } from "viem";
import {
  anchorBatch,
  buildBatch,
  cancelRulesChange,
  CannotSettleDayError,
  ContractRevertError,
  createShop,
  createToken,
  deposit,
  fromEthers,
  fromViem,
  grantRole,
  InsufficientMerchantBalanceError,
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidOrderError,
  InvalidRoleError,
  InvalidRulesError,
  InvalidTokenParamsError,
  InvalidUtcOffsetError,
  MerkleBatchError,
  mintFromPool,
  MissingRoleError,
  OrderAlreadyCountedError,
  OrderIdUsedError,
  NotAContractError,
  pendingRules,
  PoolAllowanceError,
  recordOrders,
  revokeRole,
  RulesChangeError,
  scheduleRules,
  settleAllUnsettled,
  settleDay,
  shopAbi,
  UnknownTokenIndexError,
  withdraw,
  ShareMallError,
  predictTokenAddress,
  fetchShopDays,
  fetchUsedOrderIds,
  type Address,
  type GasEstimator,
  type Hex,
  type RecordOrderInput,
  type ShopRole,
  type Transport,
} from "../../../sdk/src/index.js";
import {
  consumptionOf,
  dividendOf,
  hashOf,
  load,
  nextDay,
  nextOrderIds,
  ONE,
  order,
  poolShareOf,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";

// ------------------------------------------------------------------ Helpers

/** An ethers transport for `signer` with a gas estimator over the same provider. */
function ethersSide(d: Deployment, signer: HardhatEthersSigner): { transport: Transport; gas: GasEstimator } {
  return {
    transport: fromEthers(signer),
    gas: {
      estimateGas: (call) => d.ethers.provider.estimateGas({ to: call.to, data: call.data, from: call.from }),
      blockGasLimit: async () => (await d.ethers.provider.getBlock("latest"))!.gasLimit,
    },
  };
}

/** A viem transport for `signer` (public + wallet client over the in-process node) with a viem gas estimator. */
function viemSide(d: Deployment, signer: HardhatEthersSigner): { transport: Transport; gas: GasEstimator } {
  const transport = custom(
    {
      request: ({ method, params }: { method: string; params?: unknown }) =>
        d.ethers.provider.send(method, (params ?? []) as unknown[]),
    },
    { retryCount: 0 },
  );
  const publicClient = createPublicClient({ transport, pollingInterval: 10 });
  const account = signer.address as ViemAddress;
  const walletClient = createWalletClient({ transport, account, pollingInterval: 10 });
  return {
    transport: fromViem({ publicClient, walletClient }),
    gas: {
      estimateGas: (call) => publicClient.estimateGas({ account: call.from, to: call.to, data: call.data }),
    },
  };
}

type Side = typeof ethersSide;
const SIDES: [string, Side][] = [
  ["ethers", ethersSide],
  ["viem", viemSide],
];

const addr = async (c: { getAddress(): Promise<string> }): Promise<Address> => (await c.getAddress()) as Address;

/** Runs `run`, expects it to throw an instance of `type`, and checks that `signer` sent nothing. */
async function refuses<E extends Error>(
  d: Deployment,
  signer: HardhatEthersSigner,
  type: abstract new (...args: never[]) => E,
  run: () => Promise<unknown>,
): Promise<E> {
  const nonce = await d.ethers.provider.getTransactionCount(signer.address);
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a failure").to.be.instanceOf(type);
  expect(await d.ethers.provider.getTransactionCount(signer.address)).to.equal(nonce, "a transaction was sent");
  return caught as E;
}

/** An address with no code. */
const NOBODY = Wallet.createRandom().address as Address;

/** `n` orders with consecutive order ids that no other test uses. */
function orders(label: string, customers: readonly string[], amount: bigint, n: number): RecordOrderInput[] {
  const first = nextOrderIds(n);
  return Array.from({ length: n }, (_, i) => ({
    orderId: first + BigInt(i),
    orderHash: id(`${label} ${i}`),
    customer: customers[i % customers.length],
    amount,
  }));
}

/** `n` orders with order ids `first .. first + n - 1` (to put them in chosen bitmap words). */
function ordersFrom(first: bigint, label: string, customer: string, amount: bigint, n: number): RecordOrderInput[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: first + BigInt(i),
    orderHash: id(`${label} ${i}`),
    customer,
    amount,
  }));
}

const SHOP_INTERFACE = new Interface(shopAbi);
const BITMAP_SELECTOR = SHOP_INTERFACE.getFunction("orderIdBitmap")!.selector;

/** `transport` with its `orderIdBitmap` reads counted (and the most of them in flight at once). */
function countingBitmapReads(transport: Transport): {
  transport: Transport;
  reads: bigint[];
  maxInFlight: () => number;
} {
  const reads: bigint[] = [];
  let inFlight = 0;
  let max = 0;
  return {
    reads,
    maxInFlight: () => max,
    transport: {
      ...transport,
      call: async (call) => {
        if (!call.data.startsWith(BITMAP_SELECTOR)) return transport.call(call);
        reads.push(BigInt(`0x${call.data.slice(10)}`));
        inFlight++;
        max = Math.max(max, inFlight);
        try {
          await new Promise((resolve) => setTimeout(resolve, 2));
          return await transport.call(call);
        } finally {
          inFlight--;
        }
      },
    },
  };
}

// ------------------------------------------------------------------ Tests

describe("SDK merchant entry point", () => {
  describe("createShop", () => {
    for (const [name, side] of SIDES) {
      it(`createShop (${name}) creates a shop with the admin, operator and offset, deterministic with a salt`, async () => {
        const d = await load();
        const { transport } = side(d, d.admin);
        const factory = await addr(d.factory);
        const [, , , alice] = d.signers;
        const plain = await createShop(transport, {
          factory,
          admin: alice.address,
          operator: d.operator.address,
          utcOffsetHours: 5.5,
          name: "Masala Chai",
        });
        expect(await d.factory.isShop(plain.shop)).to.equal(true);
        const shop = await d.ethers.getContractAt("IShop", plain.shop);
        expect(await shop.utcOffset()).to.equal(19_800n);
        expect(await shop.hasRole(ZeroHash, alice.address)).to.equal(true);
        expect(await shop.hasRole(await shop.OPERATOR_ROLE(), d.operator.address)).to.equal(true);

        const salt = id(`salt ${name}`);
        const predicted = await d.factory.predictShopAddress(d.admin.address, salt);
        const det = await createShop(transport, {
          factory,
          admin: d.admin.address,
          utcOffsetSeconds: -3600,
          name: "Lisbon Tea",
          salt,
        });
        expect(det.shop).to.equal(predicted);
        const detShop = await d.ethers.getContractAt("IShop", det.shop);
        expect(await detShop.utcOffset()).to.equal(-3600n);
        expect(await detShop.hasRole(await detShop.OPERATOR_ROLE(), d.operator.address)).to.equal(false);
      });
    }

    it("createShop refuses a bad admin, a bad or ambiguous offset, an empty name, a bad salt and a factory with no code", async () => {
      const d = await load();
      const t = fromEthers(d.admin);
      const factory = await addr(d.factory);
      const base = { admin: d.admin.address, utcOffsetHours: 8, name: "x" };
      await refuses(d, d.admin, InvalidAddressError, () => createShop(t, { factory, ...base, admin: "0x1234" }));
      await refuses(d, d.admin, InvalidAddressError, () => createShop(t, { factory: "0xnope", ...base }));
      await refuses(d, d.admin, InvalidUtcOffsetError, () => createShop(t, { factory, ...base, utcOffsetHours: 15 }));
      await refuses(d, d.admin, InvalidUtcOffsetError, () =>
        createShop(t, { factory, ...base, utcOffsetSeconds: 28_800 }),
      );
      await refuses(d, d.admin, InvalidUtcOffsetError, () =>
        createShop(t, { factory, admin: d.admin.address, utcOffsetSeconds: 0.5, name: "x" }),
      );
      await refuses(d, d.admin, InvalidOrderError, () => createShop(t, { factory, ...base, name: " " }));
      await refuses(d, d.admin, InvalidBytes32Error, () => createShop(t, { factory, ...base, salt: "0x12" }));
      await refuses(d, d.admin, NotAContractError, () => createShop(t, { factory: NOBODY, ...base }));
    });
  });

  describe("createToken", () => {
    it("createToken (ethers, human input) creates token 1 with the rules and notice given", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const { tokenIndex, token } = await createToken(fromEthers(d.admin), {
        shop,
        name: "Wuyou Member Coin",
        symbol: "WMC",
        noticeDays: 14,
        rules: { spendPerToken: "0.5", dividend: "10%", pool: { tokens: 1, per: 9 } },
      });
      expect(tokenIndex).to.equal(1n);
      expect((await d.shop.tokens())[1]).to.equal(token);
      expect(token).to.equal(predictTokenAddress(shop, 1));
      expect(token).to.equal(await d.factory.predictTokenAddress(shop, 1));
      const config = await d.shop.tokenConfig(1);
      expect(config.noticePeriod).to.equal(14n * 86_400n);
      expect(config.rules.spendPerToken).to.equal(5n * 10n ** 17n);
      expect(config.rules.dividendBps).to.equal(1000n);
    });

    it("createToken (viem, contract TokenParams) gives the same result as ethers", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const { tokenIndex, token } = await createToken(viemSide(d, d.admin).transport, {
        shop,
        name: "Wuyou Member Coin",
        symbol: "WMC",
        transferable: true,
        noticePeriod: 14n * 86_400n,
        rules: { ...WUYOU_RULES, dividendBps: 1000n, spendPerToken: 5n * 10n ** 17n },
      });
      expect(tokenIndex).to.equal(1n);
      expect((await d.shop.tokens())[1]).to.equal(token);
      expect((await d.shop.tokenConfig(1)).rules.dividendBps).to.equal(1000n);
    });

    it("predictTokenAddress agrees with the factory for every index and refuses a bad shop or index", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      expect(predictTokenAddress(shop, 0)).to.equal(await d.token.getAddress());
      for (let i = 0; i < 8; i++) {
        expect(predictTokenAddress(shop.toLowerCase(), i)).to.equal(await d.factory.predictTokenAddress(shop, i));
      }
      expect(() => predictTokenAddress(shop, 8)).to.throw(InvalidAmountError);
      expect(() => predictTokenAddress(shop, -1)).to.throw(InvalidAmountError);
      expect(() => predictTokenAddress("0x12", 0)).to.throw(InvalidAddressError);
    });

    it("createToken counts another token's rate for today in the 100 % check, as the shop does", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      // Token 0 lowers its dividend from 20 % to 5 % (scheduled). An order an hour before the change falls due fixes
      // today's rate at 20 %; once it applies, the stored rate is 5 % but today still owes 20 %: a new token of 85 %
      // would reach 105 % today.
      const { effectiveAt } = await scheduleRules(t, {
        shop,
        tokenIndex: 0,
        rules: { ...WUYOU_RULES, dividendBps: 500n },
      });
      await d.helpers.time.increaseTo(effectiveAt - 3600n);
      await recordOrders(fromEthers(d.operator), {
        shop,
        orders: orders("rate today", [d.signers[4].address], ONE, 1),
      });
      await d.helpers.time.increaseTo(effectiveAt + 60n);
      await d.shop.applyPendingRules(0);
      expect((await d.shop.tokenConfig(0)).rules.dividendBps).to.equal(500n);
      expect((await d.shop.tokenDay(0, await d.shop.today())).dividendBps).to.equal(2000n);
      const tooHigh = await refuses(d, d.admin, ShareMallError, () =>
        createToken(t, { shop, name: "B", symbol: "B", rules: { spendPerToken: "1", dividend: "85%" } }),
      );
      expect(tooHigh.code).to.equal("DIVIDEND_TOO_HIGH");
      expect(
        (await createToken(t, { shop, name: "B", symbol: "B", rules: { spendPerToken: "1", dividend: "80%" } }))
          .tokenIndex,
      ).to.equal(1n);
    });

    it("createToken refuses bad params, dividends past 100 %, a non-admin and a shop with no code", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      const params = { name: "A", symbol: "A", rules: { spendPerToken: "1", dividend: "10%" } };
      await refuses(d, d.admin, InvalidTokenParamsError, () => createToken(t, { shop, ...params, name: "" }));
      await refuses(d, d.admin, InvalidTokenParamsError, () => createToken(t, { shop, ...params, noticeDays: 0 }));
      await refuses(d, d.admin, InvalidRulesError, () =>
        createToken(t, { shop, ...params, rules: { spendPerToken: "1", dividend: "-5%" } }),
      );
      const tooHigh = await refuses(d, d.admin, ShareMallError, () =>
        createToken(t, { shop, ...params, rules: { spendPerToken: "1", dividend: "90%" } }),
      );
      expect(tooHigh.code).to.equal("DIVIDEND_TOO_HIGH");
      await refuses(d, d.operator, MissingRoleError, () => createToken(fromEthers(d.operator), { shop, ...params }));
      await refuses(d, d.admin, NotAContractError, () => createToken(t, { shop: NOBODY, ...params }));
    });
  });

  describe("scheduleRules, pendingRules, cancelRulesChange", () => {
    for (const [name, side] of SIDES) {
      it(`scheduleRules (${name}) applies a dividend raise at once and schedules a stingier change; pendingRules and cancelRulesChange follow`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.admin);
        const raise = await scheduleRules(transport, {
          shop,
          tokenIndex: 0,
          rules: { ...WUYOU_RULES, dividendBps: 2500n },
        });
        expect(raise.atOnce).to.equal(true);
        expect(raise.changes.map((c) => c.field)).to.deep.equal(["dividendBps"]);
        expect((await d.shop.currentRules(0)).dividendBps).to.equal(2500n);
        expect(await pendingRules(transport, { shop, tokenIndex: 0 })).to.equal(null);

        const before = BigInt(await d.helpers.time.latest());
        const stingier = await scheduleRules(transport, {
          shop,
          tokenIndex: 0,
          rules: {
            spendPerToken: "0.5",
            dividend: "25%",
            referral: { share: "10%" },
            pool: { tokens: 1, per: 9 },
          },
        });
        expect(stingier.atOnce).to.equal(false);
        expect(stingier.changes).to.have.length(1);
        expect(stingier.changes[0]).to.include({ field: "spendPerToken", direction: "stingier" });
        expect(stingier.effectiveAt).to.equal(before + 1n + 7n * 86_400n);
        expect((await d.shop.currentRules(0)).spendPerToken).to.equal(WUYOU_RULES.spendPerToken);

        const pending = await pendingRules(transport, { shop, tokenIndex: 0 });
        expect(pending).to.not.equal(null);
        expect(pending!.effectiveAt).to.equal(stingier.effectiveAt);
        expect(pending!.rules.raw.spendPerToken).to.equal(5n * 10n ** 17n);
        expect(pending!.rules.human.spendPerToken).to.equal("0.5");
        expect(pending!.rules.human.dividend).to.equal("25%");

        await cancelRulesChange(transport, { shop, tokenIndex: 0 });
        expect(await pendingRules(transport, { shop, tokenIndex: 0 })).to.equal(null);
        const zeroed = await d.shop.pendingRules(0);
        expect(zeroed.effectiveAt).to.equal(0n);
        expect(zeroed.rules.spendPerToken).to.equal(0n); // v2 zeroes the rules too

        // A change whose time has come is in force: cancelling it is refused before sending.
        const due = await scheduleRules(transport, {
          shop,
          tokenIndex: 0,
          rules: { ...WUYOU_RULES, dividendBps: 2500n, referralBps: 500n },
        });
        await d.helpers.time.increaseTo(due.effectiveAt);
        const late = await refuses(d, d.admin, RulesChangeError, () =>
          cancelRulesChange(transport, { shop, tokenIndex: 0 }),
        );
        expect(late.reason).to.contain("too late");
        expect((await d.shop.currentRules(0)).referralBps).to.equal(500n);
      });
    }

    it("scheduleRules, pendingRules and cancelRulesChange refuse wrong token indices, bad rules, no change and nothing pending", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      await refuses(d, d.admin, UnknownTokenIndexError, () =>
        scheduleRules(t, { shop, tokenIndex: 1, rules: WUYOU_RULES }),
      );
      await refuses(d, d.admin, InvalidAmountError, () =>
        scheduleRules(t, { shop, tokenIndex: -1, rules: WUYOU_RULES }),
      );
      await refuses(d, d.admin, InvalidAmountError, () =>
        scheduleRules(t, { shop, tokenIndex: 0.5, rules: WUYOU_RULES }),
      );
      await refuses(d, d.admin, InvalidRulesError, () =>
        scheduleRules(t, { shop, tokenIndex: 0, rules: { spendPerToken: "0.3", dividend: "20" } }),
      );
      await refuses(d, d.admin, RulesChangeError, () => scheduleRules(t, { shop, tokenIndex: 0, rules: WUYOU_RULES }));
      await refuses(d, d.operator, MissingRoleError, () =>
        scheduleRules(fromEthers(d.operator), { shop, tokenIndex: 0, rules: { ...WUYOU_RULES, dividendBps: 2500n } }),
      );
      await refuses(d, d.admin, NotAContractError, () =>
        scheduleRules(t, { shop: NOBODY, tokenIndex: 0, rules: WUYOU_RULES }),
      );
      await refuses(d, d.admin, UnknownTokenIndexError, () => pendingRules(t, { shop, tokenIndex: 3 }));
      await refuses(d, d.admin, NotAContractError, () => pendingRules(t, { shop: NOBODY, tokenIndex: 0 }));
      await refuses(d, d.admin, RulesChangeError, () => cancelRulesChange(t, { shop, tokenIndex: 0 }));
      await refuses(d, d.admin, UnknownTokenIndexError, () => cancelRulesChange(t, { shop, tokenIndex: 2 }));
    });
  });

  describe("grantRole, revokeRole", () => {
    for (const [name, side] of SIDES) {
      it(`grantRole and revokeRole (${name}) change each role and report whether anything changed`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.admin);
        const [, , , alice] = d.signers;
        const ids: Record<ShopRole, string> = {
          operator: await d.shop.OPERATOR_ROLE(),
          poolManager: await d.shop.POOL_MANAGER_ROLE(),
          admin: ZeroHash,
        };
        for (const role of ["operator", "poolManager", "admin"] as const) {
          expect((await grantRole(transport, { shop, role, account: alice.address })).changed).to.equal(true);
          expect(await d.shop.hasRole(ids[role], alice.address)).to.equal(true);
          expect((await grantRole(transport, { shop, role, account: alice.address })).changed).to.equal(false);
          expect((await revokeRole(transport, { shop, role, account: alice.address })).changed).to.equal(true);
          expect(await d.shop.hasRole(ids[role], alice.address)).to.equal(false);
        }
      });
    }

    it("grantRole and revokeRole refuse an unknown role, a bad account, a non-admin and a shop with no code", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      const [, , , alice] = d.signers;
      await refuses(d, d.admin, InvalidRoleError, () =>
        grantRole(t, { shop, role: "owner" as ShopRole, account: alice.address }),
      );
      await refuses(d, d.admin, InvalidAddressError, () => grantRole(t, { shop, role: "operator", account: "0xabc" }));
      await refuses(d, d.admin, InvalidAddressError, () =>
        revokeRole(t, { shop, role: "operator", account: "0x0000000000000000000000000000000000000000" }),
      );
      await refuses(d, d.operator, MissingRoleError, () =>
        grantRole(fromEthers(d.operator), { shop, role: "operator", account: alice.address }),
      );
      await refuses(d, d.admin, NotAContractError, () =>
        revokeRole(t, { shop: NOBODY, role: "operator", account: alice.address }),
      );
    });
  });

  describe("recordOrders", () => {
    for (const [name, side] of SIDES) {
      it(`recordOrders (${name}) splits 60 orders into several transactions under a small maxGasPerTx, each order once`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport, gas } = side(d, d.operator);
        const customers = d.signers.slice(3, 9).map((s) => s.address);
        const input = orders("chunked", customers, ONE / 10n, 60);
        const cap = 400_000n;
        const progress: number[] = [];
        const { chunks, skipped, skippedByShop, counted } = await recordOrders(transport, {
          shop,
          orders: input,
          maxGasPerTx: cap,
          gas,
          onProgress: (p) => progress.push(p.ordersDone),
        });
        expect(chunks.length).to.be.greaterThan(1);
        expect(skipped).to.deep.equal([]);
        expect(skippedByShop).to.deep.equal([]);
        expect(counted).to.equal(60);
        for (const chunk of chunks) expect([chunk.counted, chunk.skipped]).to.deep.equal([chunk.count, []]);
        let next = 0;
        for (const chunk of chunks) {
          expect(chunk.from).to.equal(next);
          expect(chunk.gasEstimate <= cap).to.equal(true);
          expect(chunk.gasUsed <= cap).to.equal(true);
          next += chunk.count;
        }
        expect(next).to.equal(60);
        expect(progress[progress.length - 1]).to.equal(60);
        expect(new Set(chunks.map((c) => c.hash)).size).to.equal(chunks.length);
        const record = await d.shop.dayRecord(await d.shop.today());
        expect(record.orderCount).to.equal(60n);
        expect(record.revenue).to.equal(6n * ONE);
        for (const o of input) expect(await d.shop.isOrderIdUsed(o.orderId)).to.equal(true);
        // Each customer got its 10 orders' consumption tokens, exactly once.
        expect(await d.token.balanceOf(customers[0])).to.equal(10n * consumptionOf(ONE / 10n, WUYOU_RULES));
      });
    }

    it("recordOrders (viem) records the same orders with the same results as ethers", async () => {
      const results: bigint[][] = [];
      for (const [, side] of SIDES) {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport, gas } = side(d, d.operator);
        const customers = d.signers.slice(3, 6).map((s) => s.address);
        const input = orders("same", customers, ONE / 4n, 12);
        input[0] = { ...input[0], referrer: d.signers[7].address };
        const { chunks } = await recordOrders(transport, { shop, orders: input, gas });
        expect(chunks).to.have.length(1);
        const record = await d.shop.dayRecord(await d.shop.today());
        results.push([
          record.orderCount,
          record.revenue,
          await d.token.balanceOf(customers[0]),
          await d.token.balanceOf(d.signers[7].address),
        ]);
      }
      expect(results[1]).to.deep.equal(results[0]);
      expect(results[0][0]).to.equal(12n);
    });

    for (const [name, side] of SIDES) {
      it(`recordOrders (${name}) estimates with the transport itself and caps a first attempt at maxOrdersPerTx`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.operator);
        const { chunks } = await recordOrders(transport, {
          shop,
          orders: orders("fixed", [d.signers[4].address], ONE, 7),
          maxOrdersPerTx: 3,
        });
        expect(chunks.map((c) => c.count)).to.deep.equal([3, 3, 1]);
        for (const chunk of chunks) expect(chunk.gasUsed <= chunk.gasEstimate).to.equal(true);
        expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(7n);
      });
    }

    it("recordOrders splits a chunk the node refuses to estimate (beyond the block gas limit) and records every order once", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const input = orders("too big", [d.signers[4].address, d.signers[5].address], ONE / 10n, 12);
      const sizes: number[] = [];
      // A node that cannot estimate more than 4 orders at once, the way one fails past the block gas limit.
      const gas: GasEstimator = {
        estimateGas: async (call) => {
          const count = (call.data.length - 138) / 320; // selector, offset, length, then 5 words per order
          sizes.push(count);
          if (count > 4) throw new Error("Transaction reverted and Hardhat couldn't infer the reason");
          return d.ethers.provider.estimateGas({ to: call.to, data: call.data, from: call.from });
        },
        blockGasLimit: async () => 30_000_000n,
      };
      const { chunks } = await recordOrders(t, { shop, orders: input, gas, maxOrdersPerTx: 12 });
      expect(sizes[0]).to.equal(12);
      expect(chunks.map((c) => c.count)).to.deep.equal([3, 3, 3, 3]);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(12n);
    });

    it("recordOrders refuses an order whose id the shop already counted, naming it, and sends nothing", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const input = orders("again", [d.signers[4].address, d.signers[5].address], ONE, 4);
      await recordOrders(t, { shop, orders: [input[2]] });
      const error = await refuses(d, d.operator, OrderAlreadyCountedError, () =>
        recordOrders(t, { shop, orders: input }),
      );
      expect(error.index).to.equal(2);
      expect(error.orderId).to.equal(input[2].orderId);
      expect(error.orderHash).to.equal(input[2].orderHash);
      expect(error.message).to.contain("skipCounted");
      // The id is what counts: another order under a used id (a merchant's numbering mistake) is refused as well,
      // not silently dropped.
      const reused = { ...input[0], orderId: input[2].orderId, orderHash: id("another order") };
      const mistake = await refuses(d, d.operator, OrderAlreadyCountedError, () =>
        recordOrders(t, { shop, orders: [reused] }),
      );
      expect(mistake.orderId).to.equal(input[2].orderId);
    });

    it("recordOrders with skipCounted resumes a half-done run: records exactly the rest, each order once", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const customers = d.signers.slice(3, 7).map((s) => s.address);
      const input = orders("resume", customers, ONE / 10n, 20);
      // A first run that got through orders 0..6 and 11 before it stopped.
      await recordOrders(t, { shop, orders: [...input.slice(0, 7), input[11]] });
      const { chunks, skipped, counted } = await recordOrders(t, {
        shop,
        orders: input,
        skipCounted: true,
        maxOrdersPerTx: 5,
      });
      expect(skipped).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 11]);
      expect(counted).to.equal(12);
      expect(chunks.map((c) => [c.from, c.count])).to.deep.equal([
        [7, 4],
        [12, 5],
        [17, 3],
      ]);
      const record = await d.shop.dayRecord(await d.shop.today());
      expect(record.orderCount).to.equal(20n);
      expect(record.revenue).to.equal(2n * ONE);
      // A third run finds nothing left to do and sends nothing.
      const nonce = await d.ethers.provider.getTransactionCount(d.operator.address);
      const again = await recordOrders(t, { shop, orders: input, skipCounted: true });
      expect(again.chunks).to.deep.equal([]);
      expect(again.skipped).to.have.length(20);
      expect(await d.ethers.provider.getTransactionCount(d.operator.address)).to.equal(nonce);
    });

    it("recordOrders refuses every malformed order, duplicates, a non-operator and a shop with no code, sending nothing", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const alice = d.signers[3].address;
      const ids = nextOrderIds(2);
      const good: RecordOrderInput = { orderId: ids, orderHash: id("good"), customer: alice, amount: ONE };
      const bad = (o: Partial<Record<keyof RecordOrderInput, unknown>>) =>
        recordOrders(t, {
          shop,
          orders: [good, { ...good, orderId: ids + 1n, orderHash: id("b"), ...o } as RecordOrderInput],
        });
      for (const orderId of [0n, -1n, 1n << 64n, 1.5, "0x10", undefined, null]) {
        const e = await refuses(d, d.operator, InvalidAmountError, () => bad({ orderId }));
        expect(e.field).to.equal("orders[1].orderId");
      }
      const twice = await refuses(d, d.operator, InvalidOrderError, () => bad({ orderId: ids }));
      expect(twice.field).to.equal("orders[1].orderId");
      expect(twice.message).to.contain("orders[0]");
      await refuses(d, d.operator, InvalidBytes32Error, () => bad({ orderHash: "0x" + "00".repeat(32) }));
      await refuses(d, d.operator, InvalidBytes32Error, () => bad({ orderHash: "0x1234" }));
      await refuses(d, d.operator, InvalidAddressError, () => bad({ customer: "0xzz" }));
      await refuses(d, d.operator, InvalidAddressError, () => bad({ referrer: "0x123" }));
      await refuses(d, d.operator, InvalidAmountError, () => bad({ amount: 0n }));
      await refuses(d, d.operator, InvalidAmountError, () => bad({ amount: -1n }));
      await refuses(d, d.operator, InvalidAmountError, () => bad({ amount: 1.5 }));
      await refuses(d, d.operator, InvalidAmountError, () => bad({ amount: 1n << 96n }));
      await refuses(d, d.operator, InvalidOrderError, () => bad({ referrer: alice }));
      await refuses(d, d.operator, InvalidOrderError, () => bad({ orderHash: id("good") }));
      await refuses(d, d.operator, InvalidOrderError, () => recordOrders(t, { shop, orders: [] }));
      await refuses(d, d.admin, MissingRoleError, () => recordOrders(fromEthers(d.admin), { shop, orders: [good] }));
      await refuses(d, d.operator, NotAContractError, () => recordOrders(t, { shop: NOBODY, orders: [good] }));
      expect(await d.shop.isOrderIdUsed(ids)).to.equal(false);
    });

    it("recordOrders with skipCounted reads the order-id bitmap once per 256 ids, a few reads at a time", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      // 600 consecutive ids from a word boundary span three bitmap words; the 90 orders of a first run, two words.
      const first = (nextOrderIds(8192) + 255n) & ~255n;
      const input = ordersFrom(first, "bitmap", d.signers[4].address, ONE / 100n, 600);
      const counting = countingBitmapReads(fromEthers(d.operator));
      await recordOrders(counting.transport, { shop, orders: input.slice(250, 340), maxOrdersPerTx: 90 });
      expect(counting.reads).to.deep.equal([(first >> 8n) + 0n, (first >> 8n) + 1n]);
      counting.reads.length = 0;
      const { skipped, counted } = await recordOrders(counting.transport, { shop, orders: input, skipCounted: true });
      expect([...counting.reads].sort()).to.deep.equal([0n, 1n, 2n].map((w) => (first >> 8n) + w));
      expect(counting.maxInFlight()).to.be.within(2, 8);
      expect(skipped).to.deep.equal(Array.from({ length: 90 }, (_, i) => 250 + i));
      expect(counted).to.equal(510);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(600n);
      // Ids in 20 different words: 20 reads, never more than 8 at once.
      counting.reads.length = 0;
      const spread = Array.from({ length: 20 }, (_, k) => first + 256n * BigInt(k) + 7n);
      const used = await fetchUsedOrderIds(counting.transport, { shop, orderIds: spread });
      expect(used).to.deep.equal([first + 7n, first + 263n, first + 519n]);
      expect(counting.reads).to.have.length(20);
      expect(counting.maxInFlight()).to.equal(8);
    });

    it("recordOrders reports an order the shop skipped because its id got used after the check (OrderSkipped)", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const input = orders("race", [d.signers[4].address, d.signers[5].address], ONE / 10n, 6);
      // Another process records order 3 between the SDK's bitmap check and its transaction (here: at estimation).
      let raced = false;
      const gas: GasEstimator = {
        estimateGas: async (call) => {
          if (!raced) {
            raced = true;
            const o = input[3];
            await d.shop.connect(d.operator).recordOrder({
              orderId: o.orderId,
              orderHash: o.orderHash,
              customer: o.customer,
              amount: o.amount,
              referrer: ZeroAddress,
            });
          }
          return d.ethers.provider.estimateGas({ to: call.to, data: call.data, from: call.from });
        },
      };
      const result = await recordOrders(t, { shop, orders: input, gas });
      expect(result.skipped).to.deep.equal([]);
      expect(result.skippedByShop).to.deep.equal([3]);
      expect(result.counted).to.equal(5);
      expect(result.chunks.map((c) => [c.count, c.counted, c.skipped])).to.deep.equal([[6, 5, [3]]]);
      // Counted once: by the other process. The day has the six orders, not seven.
      const record = await d.shop.dayRecord(await d.shop.today());
      expect(record.orderCount).to.equal(6n);
      expect(record.revenue).to.equal(6n * (ONE / 10n));
      // A plain re-run is refused up front; with skipCounted it finds everything done and sends nothing.
      await refuses(d, d.operator, OrderAlreadyCountedError, () => recordOrders(t, { shop, orders: input }));
      const nonce = await d.ethers.provider.getTransactionCount(d.operator.address);
      const again = await recordOrders(t, { shop, orders: input, skipCounted: true });
      expect([again.chunks.length, again.skipped.length, again.counted]).to.deep.equal([0, 6, 0]);
      expect(await d.ethers.provider.getTransactionCount(d.operator.address)).to.equal(nonce);
    });
  });

  describe("anchorBatch", () => {
    for (const [name, side] of SIDES) {
      it(`anchorBatch (${name}) anchors a built batch on today's day`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const batch = await buildBatch(orders("batch", [d.signers[4].address, d.signers[5].address], ONE / 2n, 5), {
          firstOrderId: nextOrderIds(5),
        });
        const anchored = await anchorBatch(side(d, d.operator).transport, { shop, batch });
        expect(anchored.day).to.equal(await d.shop.today());
        expect([anchored.root, anchored.firstOrderId, anchored.orderCount]).to.deep.equal([
          batch.root,
          batch.firstOrderId,
          5,
        ]);
        const day = anchored.day;
        const stored = await d.shop.batch(batch.root);
        expect(stored.orderCount).to.equal(5n);
        expect(stored.firstOrderId).to.equal(batch.firstOrderId);
        expect(stored.unmintedRevenue).to.equal(batch.totalRevenue);
        expect((await d.shop.dayRecord(day)).revenue).to.equal(5n * (ONE / 2n));
      });
    }

    it("anchorBatch refuses a bad root, bad counts and revenue, an anchored root, a non-operator and no shop", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const batch = await buildBatch(orders("batch", [d.signers[4].address], ONE, 2), {
        firstOrderId: nextOrderIds(2),
      });
      const fake = { root: batch.root, firstOrderId: batch.firstOrderId, orderCount: 2, totalRevenue: 2n * ONE };
      const noIds = await refuses(d, d.operator, MerkleBatchError, () =>
        anchorBatch(t, { shop, batch: { root: batch.root, orderCount: 2, totalRevenue: 2n * ONE } as typeof fake }),
      );
      expect(noIds.field).to.equal("firstOrderId");
      await refuses(d, d.operator, MerkleBatchError, () =>
        anchorBatch(t, { shop, batch: { ...fake, firstOrderId: 0n } }),
      );
      await refuses(d, d.operator, MerkleBatchError, () =>
        anchorBatch(t, { shop, batch: { ...fake, firstOrderId: (1n << 64n) - 1n } }),
      );
      await refuses(d, d.operator, MerkleBatchError, () =>
        anchorBatch(t, { shop, batch: { ...fake, root: "0x00" as Hex } }),
      );
      await refuses(d, d.operator, MerkleBatchError, () => anchorBatch(t, { shop, batch: { ...fake, orderCount: 0 } }));
      await refuses(d, d.operator, MerkleBatchError, () =>
        anchorBatch(t, { shop, batch: { ...fake, orderCount: 2 ** 24 + 1 } }),
      );
      await refuses(d, d.operator, InvalidAmountError, () =>
        anchorBatch(t, { shop, batch: { ...fake, totalRevenue: 1n << 96n } }),
      );
      await refuses(d, d.operator, InvalidAmountError, () =>
        anchorBatch(t, { shop, batch: { ...fake, totalRevenue: 0n } }),
      );
      await refuses(d, d.admin, MissingRoleError, () => anchorBatch(fromEthers(d.admin), { shop, batch }));
      await refuses(d, d.operator, NotAContractError, () => anchorBatch(t, { shop: NOBODY, batch }));
      await anchorBatch(t, { shop, batch });
      await refuses(d, d.operator, MerkleBatchError, () => anchorBatch(t, { shop, batch }));
    });

    it("anchorBatch refuses a batch whose id range holds an order id the shop used, unless checkOrderIds is false", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const first = nextOrderIds(600);
      // Ids first + 300 and first + 599 are used by recorded orders.
      await recordOrders(t, {
        shop,
        orders: [
          ...ordersFrom(first + 300n, "used a", d.signers[4].address, ONE, 1),
          ...ordersFrom(first + 599n, "used b", d.signers[4].address, ONE, 1),
        ],
      });
      const batch = await buildBatch(ordersFrom(first, "range", d.signers[5].address, ONE / 100n, 600), {
        firstOrderId: first,
      });
      const counting = countingBitmapReads(t);
      const used = await refuses(d, d.operator, OrderIdUsedError, () =>
        anchorBatch(counting.transport, { shop, batch }),
      );
      expect(used.orderIds).to.deep.equal([first + 300n, first + 599n]);
      expect(used.count).to.equal(2n);
      expect(used.message).to.contain(`${first + 300n}, ${first + 599n}`);
      // One read per 256-id word of the range.
      expect(BigInt(counting.reads.length)).to.equal(((first + 599n) >> 8n) - (first >> 8n) + 1n);
      // A range next to the used ids passes; checkOrderIds: false skips the reads altogether.
      const clean = await buildBatch(ordersFrom(first, "clean", d.signers[5].address, ONE / 100n, 300), {
        firstOrderId: first,
      });
      counting.reads.length = 0;
      await anchorBatch(counting.transport, { shop, batch: clean });
      expect(counting.reads.length).to.be.greaterThan(0);
      const unchecked = await buildBatch(ordersFrom(first + 300n, "unchecked", d.signers[5].address, ONE, 2), {
        firstOrderId: first + 300n,
      });
      counting.reads.length = 0;
      await anchorBatch(counting.transport, { shop, batch: unchecked, checkOrderIds: false });
      expect(counting.reads).to.deep.equal([]);
      await refuses(d, d.operator, InvalidOrderError, () =>
        anchorBatch(t, { shop, batch: clean, checkOrderIds: "no" as unknown as boolean }),
      );
    });
  });

  describe("deposit, withdraw", () => {
    for (const [name, side] of SIDES) {
      it(`deposit and withdraw (${name}) move the merchant balance`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.admin);
        const to = d.signers[9].address;
        expect((await deposit(transport, { shop, amountWei: ONE })).merchantBalance).to.equal(ONE);
        const before = await d.ethers.provider.getBalance(to);
        await withdraw(transport, { shop, to, amountWei: (4n * ONE) / 10n });
        expect(await d.shop.merchantBalance()).to.equal((6n * ONE) / 10n);
        expect((await d.ethers.provider.getBalance(to)) - before).to.equal((4n * ONE) / 10n);
      });
    }

    it("deposit refuses zero, negative, fractional and non-numeric amounts and a shop with no code", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      for (const amount of [0n, -1n, 1.5, "1.5", "abc", 2n ** 256n]) {
        await refuses(d, d.admin, InvalidAmountError, () => deposit(t, { shop, amountWei: amount as bigint }));
      }
      await refuses(d, d.admin, NotAContractError, () => deposit(t, { shop: NOBODY, amountWei: ONE }));
    });

    it("withdraw refuses more than the merchant balance with the numbers, a bad recipient, a non-admin and no shop", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      const to = d.signers[9].address;
      await deposit(t, { shop, amountWei: ONE });
      const error = await refuses(d, d.admin, InsufficientMerchantBalanceError, () =>
        withdraw(t, { shop, to, amountWei: 3n * ONE }),
      );
      expect([error.required, error.available, error.missing]).to.deep.equal([3n * ONE, ONE, 2n * ONE]);
      await refuses(d, d.admin, InvalidAddressError, () => withdraw(t, { shop, to: "0x12", amountWei: ONE }));
      await refuses(d, d.admin, InvalidAmountError, () => withdraw(t, { shop, to, amountWei: -5n }));
      await refuses(d, d.operator, MissingRoleError, () =>
        withdraw(fromEthers(d.operator), { shop, to, amountWei: 1n }),
      );
      await refuses(d, d.admin, NotAContractError, () => withdraw(t, { shop: NOBODY, to, amountWei: 1n }));
      expect(await d.shop.merchantBalance()).to.equal(ONE);
    });
  });

  describe("settleDay, settleAllUnsettled", () => {
    /** Orders on three consecutive days (amounts 1, 2, 3 coins), then moves to the next day. */
    async function threeDays(d: Deployment): Promise<{ days: bigint[]; owed: bigint[] }> {
      const shop = await addr(d.shop);
      const t = fromEthers(d.operator);
      const days: bigint[] = [];
      const owed: bigint[] = [];
      for (let i = 1n; i <= 3n; i++) {
        days.push(await d.shop.today());
        await recordOrders(t, { shop, orders: orders(`day ${i}`, [d.signers[4].address], i * ONE, 1) });
        owed.push(dividendOf(i * ONE, WUYOU_RULES));
        await nextDay(d.helpers);
      }
      return { days, owed };
    }

    for (const [name, side] of SIDES) {
      it(`settleDay (${name}) settles a funded past day; an underfunded one reverts with the typed error and its numbers`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const t = side(d, d.admin).transport;
        const { days, owed } = await threeDays(d);
        const error = await refuses(d, d.admin, ContractRevertError, () => settleDay(t, { shop, day: days[0] }));
        expect(error.is("ShopSettlementUnderfunded")).to.equal(true);
        if (error.is("ShopSettlementUnderfunded")) {
          expect(error.args.required).to.equal(owed[0]);
          expect(error.args.available).to.equal(0n);
          expect(error.args.missing).to.equal(owed[0]);
        }
        const settled = await settleDay(t, { shop, day: days[0], value: owed[0] });
        expect(settled).to.deep.include({
          day: days[0],
          dividends: owed[0],
          fromEscrow: 0n,
          fromBalance: owed[0],
          stillOwed: 0n,
          settled: true,
        });
        expect(settled.shortfall).to.equal(undefined);
        expect((await d.shop.dayRecord(days[0])).settled).to.equal(true);
        expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(owed[0]);
      });
    }

    it("settleDay refuses a day not over, already settled, with nothing owed, a bad day or value, and no shop", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      const { days, owed } = await threeDays(d);
      await settleDay(t, { shop, day: days[0], value: owed[0] });
      const today = await d.shop.today();
      const notOver = await refuses(d, d.admin, CannotSettleDayError, () => settleDay(t, { shop, day: today }));
      expect(notOver.reason).to.equal("not over");
      expect(
        (await refuses(d, d.admin, CannotSettleDayError, () => settleDay(t, { shop, day: days[0] }))).reason,
      ).to.equal("already settled");
      expect(
        (await refuses(d, d.admin, CannotSettleDayError, () => settleDay(t, { shop, day: days[0] - 5n }))).reason,
      ).to.equal("nothing owed");
      await refuses(d, d.admin, InvalidAmountError, () => settleDay(t, { shop, day: -1n }));
      await refuses(d, d.admin, InvalidAmountError, () => settleDay(t, { shop, day: 1.5 }));
      await refuses(d, d.admin, InvalidAmountError, () => settleDay(t, { shop, day: days[1], value: -1n }));
      await refuses(d, d.admin, NotAContractError, () => settleDay(t, { shop: NOBODY, day: days[1] }));
    });

    for (const [name, side] of SIDES) {
      it(`settleAllUnsettled (${name}) refuses an underfunded set with the numbers, then deposits the shortfall and settles oldest first`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.admin);
        const { days, owed } = await threeDays(d);
        await deposit(transport, { shop, amountWei: owed[0] });
        const total = owed[0] + owed[1] + owed[2];
        const error = await refuses(d, d.admin, InsufficientMerchantBalanceError, () =>
          settleAllUnsettled(transport, { shop }),
        );
        expect([error.required, error.available, error.missing]).to.deep.equal([total, owed[0], total - owed[0]]);
        expect(error.message).to.contain(`missing ${total - owed[0]} wei`);

        const progress: bigint[] = [];
        const result = await settleAllUnsettled(transport, {
          shop,
          fund: "deposit-missing",
          onProgress: (p) => progress.push(p.settled.day),
        });
        expect(result.deposited).to.equal(total - owed[0]);
        expect(result.settled.map((s) => s.day)).to.deep.equal(days);
        expect(result.settled.map((s) => s.dividends)).to.deep.equal(owed);
        expect(result.settled.every((s) => s.settled && s.stillOwed === 0n)).to.equal(true);
        expect([result.owing, result.unpaid]).to.deep.equal([[], 0n]);
        expect(progress).to.deep.equal(days);
        for (const day of days) expect((await d.shop.dayRecord(day)).settled).to.equal(true);
        expect(await d.shop.merchantBalance()).to.equal(0n);
        expect((await settleAllUnsettled(transport, { shop })).settled).to.deep.equal([]);
      });
    }

    /**
     * A day with a checkout (escrowed) and a recorded order (debt) of `amount` each, then the next day: what a
     * partial settlement is made of. The merchant withdraws the checkout's share (credited to its balance), so the
     * balance is empty. Returns the day, its escrow and its debt.
     */
    async function mixedDay(d: Deployment, amount: bigint): Promise<{ day: bigint; escrow: bigint; debt: bigint }> {
      const shop = await addr(d.shop);
      const day = await d.shop.today();
      await d.shop.connect(d.signers[6]).charge(hashOf(`mixed checkout ${day}`), ZeroAddress, { value: amount });
      await recordOrders(fromEthers(d.operator), {
        shop,
        orders: orders(`mixed ${day}`, [d.signers[4].address], amount, 1),
      });
      await d.shop.withdraw(d.admin.address, await d.shop.merchantBalance());
      await nextDay(d.helpers);
      const escrow = (await d.shop.tokenDay(0, day)).escrowed;
      expect(escrow).to.equal(dividendOf(amount, WUYOU_RULES));
      return { day, escrow, debt: (await d.shop.tokenDay(0, day)).owed - escrow };
    }

    for (const [name, side] of SIDES) {
      it(`settleDay (${name}) settles a day in two steps: escrow released with a shortfall, then the rest once funded`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const { transport } = side(d, d.admin);
        const { day, escrow, debt } = await mixedDay(d, ONE);
        const token = await d.token.getAddress();
        // No merchant balance: the checkout escrow still goes out to the holders; the debt stays owed.
        const first = await settleDay(transport, { shop, day });
        expect(first).to.deep.include({
          day,
          fromEscrow: escrow,
          fromBalance: 0n,
          dividends: escrow,
          stillOwed: debt,
          settled: false,
        });
        expect(first.shortfall).to.deep.equal({ required: debt, available: 0n, missing: debt });
        expect(await d.ethers.provider.getBalance(token)).to.equal(escrow); // distributed, claimable by holders
        const partly = (await fetchShopDays(transport, { shop, fromDay: day, toDay: day })).days[0];
        expect(partly).to.deep.include({ settled: false, partlySettled: true, unfunded: debt, distributed: escrow });
        expect(partly.tokens[0]).to.deep.include({ escrowReleased: true, settled: false, dividendBps: 2000n });
        // Not enough yet: nothing left to release, so the shop refuses with the numbers, and nothing is sent.
        await deposit(transport, { shop, amountWei: debt - 1n });
        const short = await refuses(d, d.admin, ContractRevertError, () => settleDay(transport, { shop, day }));
        expect(short.is("ShopSettlementUnderfunded") && short.args.missing).to.equal(1n);
        // Funded: the second settlement pays the rest and the day is settled.
        const second = await settleDay(transport, { shop, day, value: 1n });
        expect(second).to.deep.include({
          fromEscrow: 0n,
          fromBalance: debt,
          dividends: debt,
          stillOwed: 0n,
          settled: true,
        });
        expect((await d.shop.dayRecord(day)).settled).to.equal(true);
        expect(await d.ethers.provider.getBalance(token)).to.equal(escrow + debt);
        const reason = (await refuses(d, d.admin, CannotSettleDayError, () => settleDay(transport, { shop, day })))
          .reason;
        expect(reason).to.equal("already settled");
      });
    }

    it('settleAllUnsettled with fund: "partial" releases every escrow, pays the debts the balance covers and reports the rest', async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const t = fromEthers(d.admin);
      const a = await mixedDay(d, ONE); // escrow 0.2, debt 0.2
      // A day of recorded orders only (no escrow), and another mixed one.
      const bDay = await d.shop.today();
      await recordOrders(fromEthers(d.operator), {
        shop,
        orders: orders("debt only", [d.signers[5].address], 2n * ONE, 1),
      });
      await nextDay(d.helpers);
      const bDebt = dividendOf(2n * ONE, WUYOU_RULES); // 0.4
      const c = await mixedDay(d, ONE / 2n); // escrow 0.1, debt 0.1
      // 0.25 in the balance: day a's debt (0.2) is paid; day b's (0.4) is not, and b has no escrow: not sent;
      // day c's debt (0.1) exceeds what is left (0.05): its escrow goes out, its debt stays owed.
      await deposit(t, { shop, amountWei: (ONE * 25n) / 100n });
      const refused = await refuses(d, d.admin, InsufficientMerchantBalanceError, () =>
        settleAllUnsettled(t, { shop }),
      );
      expect(refused.required).to.equal(a.debt + bDebt + c.debt);
      const result = await settleAllUnsettled(t, { shop, fund: "partial" });
      expect(result.deposited).to.equal(0n);
      expect(result.settled.map((s) => [s.day, s.fromEscrow, s.fromBalance, s.settled])).to.deep.equal([
        [a.day, a.escrow, a.debt, true],
        [c.day, c.escrow, 0n, false],
      ]);
      expect(result.owing).to.deep.equal([
        { day: bDay, unfunded: bDebt },
        { day: c.day, unfunded: c.debt },
      ]);
      expect(result.unpaid).to.equal(bDebt + c.debt);
      expect(await d.shop.merchantBalance()).to.equal((ONE * 5n) / 100n);
      const report = await fetchShopDays(t, { shop, fromDay: a.day });
      expect(report.unfundedTotal).to.equal(bDebt + c.debt);
      expect(report.days.map((x) => [x.day, x.settled, x.partlySettled])).to.deep.equal([
        [a.day, true, false],
        [bDay, false, false],
        [c.day, false, true],
      ]);
      // Then the merchant funds the rest: everything settles.
      const rest = await settleAllUnsettled(t, { shop, fund: "deposit-missing" });
      expect(rest.deposited).to.equal(bDebt + c.debt - (ONE * 5n) / 100n);
      expect(rest.settled.map((s) => [s.day, s.fromEscrow, s.fromBalance])).to.deep.equal([
        [bDay, 0n, bDebt],
        [c.day, 0n, c.debt],
      ]);
      expect((await settleAllUnsettled(t, { shop, fund: "partial" })).settled).to.deep.equal([]);
    });

    it("settleAllUnsettled refuses an unknown fund mode and a shop with no code", async () => {
      const d = await load();
      const t = fromEthers(d.admin);
      const shop = await addr(d.shop);
      await refuses(d, d.admin, InvalidOrderError, () => settleAllUnsettled(t, { shop, fund: "all" as "none" }));
      await refuses(d, d.admin, NotAContractError, () => settleAllUnsettled(t, { shop: NOBODY }));
      await refuses(d, d.admin, InvalidAddressError, () => settleAllUnsettled(t, { shop: "shop" }));
    });
  });

  describe("mintFromPool", () => {
    /** Records orders so that token 0's pool has an allowance; returns it. */
    async function accrue(d: Deployment): Promise<bigint> {
      await recordOrders(fromEthers(d.operator), {
        shop: await addr(d.shop),
        orders: orders("pool", [d.signers[4].address], 3n * ONE, 3),
      });
      const allowance = (await d.shop.tokenConfig(0)).poolAllowance;
      // Core v2 computes the allowance from the total minted by the rules, rounded down once.
      expect(allowance).to.equal(poolShareOf(3n * consumptionOf(3n * ONE, WUYOU_RULES), WUYOU_RULES));
      expect(await d.shop.poolAllowance(0)).to.equal(allowance);
      return allowance;
    }

    for (const [name, side] of SIDES) {
      it(`mintFromPool (${name}) mints human and wei amounts with a text or bytes32 reason`, async () => {
        const d = await load();
        const shop = await addr(d.shop);
        const allowance = await accrue(d);
        const { transport } = side(d, d.poolManager);
        const to = d.signers[8].address;
        const first = await mintFromPool(transport, {
          shop,
          tokenIndex: 0,
          to,
          amountTokens: "0.5",
          reason: "tea ceremony 2026-11-20",
        });
        expect(first.amount).to.equal(ONE / 2n);
        expect(first.reason).to.equal(id("tea ceremony 2026-11-20"));
        const reason = id("bytes32 reason");
        await mintFromPool(transport, { shop, tokenIndex: 0, to, amountTokens: 1n, reason });
        expect(await d.token.balanceOf(to)).to.equal(ONE / 2n + 1n);
        expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(allowance - ONE / 2n - 1n);
      });
    }

    it("mintFromPool refuses bad amounts, an exceeded allowance, bad reasons, wrong indices, a non-manager and no shop", async () => {
      const d = await load();
      const shop = await addr(d.shop);
      const allowance = await accrue(d);
      const t = fromEthers(d.poolManager);
      const to = d.signers[8].address;
      for (const amount of ["-1", "1.5.2", "", "0", "0.0000000000000000001", -1n, 0n]) {
        await refuses(d, d.poolManager, InvalidAmountError, () =>
          mintFromPool(t, { shop, tokenIndex: 0, to, amountTokens: amount, reason: "r" }),
        );
      }
      await refuses(d, d.poolManager, InvalidAmountError, () =>
        mintFromPool(t, { shop, tokenIndex: 0, to, amountTokens: 1.5 as unknown as string, reason: "r" }),
      );
      const over = await refuses(d, d.poolManager, PoolAllowanceError, () =>
        mintFromPool(t, { shop, tokenIndex: 0, to, amountTokens: allowance + 1n, reason: "r" }),
      );
      expect([over.allowance, over.amount]).to.deep.equal([allowance, allowance + 1n]);
      await refuses(d, d.poolManager, InvalidBytes32Error, () =>
        mintFromPool(t, { shop, tokenIndex: 0, to, amountTokens: 1n, reason: "" }),
      );
      await refuses(d, d.poolManager, InvalidBytes32Error, () =>
        mintFromPool(t, { shop, tokenIndex: 0, to, amountTokens: 1n, reason: "0x1234" }),
      );
      await refuses(d, d.poolManager, UnknownTokenIndexError, () =>
        mintFromPool(t, { shop, tokenIndex: 1, to, amountTokens: 1n, reason: "r" }),
      );
      await refuses(d, d.poolManager, InvalidAmountError, () =>
        mintFromPool(t, { shop, tokenIndex: 9, to, amountTokens: 1n, reason: "r" }),
      );
      await refuses(d, d.poolManager, InvalidAddressError, () =>
        mintFromPool(t, { shop, tokenIndex: 0, to: "0x1", amountTokens: 1n, reason: "r" }),
      );
      await refuses(d, d.admin, MissingRoleError, () =>
        mintFromPool(fromEthers(d.admin), { shop, tokenIndex: 0, to, amountTokens: 1n, reason: "r" }),
      );
      await refuses(d, d.poolManager, NotAContractError, () =>
        mintFromPool(t, { shop: NOBODY, tokenIndex: 0, to, amountTokens: 1n, reason: "r" }),
      );
      expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(allowance);
    });
  });
});
