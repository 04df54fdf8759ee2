import { expect } from "chai";
import { id } from "ethers";
import { createPublicClient, createWalletClient, custom, type Address as ViemAddress } from "viem";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import {
  buildBatch,
  charge,
  claim,
  claimable,
  claimableTotal,
  claimMany,
  claimTo,
  exportBatchFile,
  fromEthers,
  fromViem,
  InsufficientFundsError,
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  PaymentAlreadyCountedError,
  OrderIdUsedError,
  LeafAlreadyMintedError,
  MerkleBatchError,
  mintFromBatchFile,
  NotAContractError,
  NothingToClaimError,
  ReceiptExpiredError,
  ReceiptSignatureError,
  ReceiptWrongChainError,
  ReceiptWrongShopError,
  redeemReceipt,
  signReceipt,
  UINT96_MAX,
  type Address,
  type BatchFile,
  type Hex,
  type SignedReceipt,
  type Transport,
} from "../../../sdk/src/index.js";
import {
  addShop,
  addToken,
  consumptionOf,
  dividendOf,
  hashOf,
  load,
  nextDay,
  nextOrderIds,
  ONE,
  order,
  tokenParams,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";

/** A viem transport over the in-process network, signing as `account` (as in client.test.ts). */
function viemTransport(d: Deployment, account: string): Transport {
  const transport = custom(
    {
      request: ({ method, params }: { method: string; params?: unknown }) =>
        d.ethers.provider.send(method, (params ?? []) as unknown[]),
    },
    { retryCount: 0 },
  );
  const publicClient = createPublicClient({ transport, pollingInterval: 10 });
  const walletClient = createWalletClient({ transport, account: account as ViemAddress, pollingInterval: 10 });
  return fromViem({ publicClient, walletClient });
}

const addressOf = async (contract: { getAddress(): Promise<string> }): Promise<Address> =>
  (await contract.getAddress()) as Address;

/** Runs `run`, expects it to throw an instance of `type`, and checks that `who` sent no transaction. */
async function refused<E extends Error>(
  d: Deployment,
  who: string,
  type: abstract new (...args: never[]) => E,
  run: () => Promise<unknown>,
): Promise<E> {
  const nonce = await d.ethers.provider.getTransactionCount(who);
  const block = await d.ethers.provider.getBlockNumber();
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error, "expected a failure").to.be.instanceOf(type);
  expect(await d.ethers.provider.getTransactionCount(who)).to.equal(nonce);
  expect(await d.ethers.provider.getBlockNumber()).to.equal(block);
  return error as E;
}

/** Wei paid in fees by transaction `hash`. */
async function feeOf(d: Deployment, hash: Hex): Promise<bigint> {
  const receipt = await d.ethers.provider.getTransactionReceipt(hash);
  return receipt!.fee;
}

interface People {
  alice: HardhatEthersSigner;
  bob: HardhatEthersSigner;
  carol: HardhatEthersSigner;
}
const people = (d: Deployment): People => ({ alice: d.signers[3], bob: d.signers[4], carol: d.signers[5] });

/**
 * Alice buys `amount` through a recorded order today; tomorrow the day is settled (the merchant sends the whole
 * amount, more than every token's share). Returns Alice's claimable on the first token.
 */
async function earnDividends(d: Deployment, amount: bigint = ONE): Promise<bigint> {
  const { alice } = people(d);
  await d.shop.connect(d.operator).recordOrder(order(`earn ${amount}`, alice.address, amount));
  const day = await d.shop.today();
  await nextDay(d.helpers);
  await d.shop.settle(day, { value: amount });
  const owed = await d.token.claimable(alice.address);
  expect(owed).to.be.greaterThan(0n);
  return owed;
}

describe("SDK holder entry point (charge, redeemReceipt, mintFromBatchFile, claimable, claim...)", () => {
  describe("charge", () => {
    for (const library of ["ethers", "viem"] as const) {
      it(`charge (${library}): pays the amount, escrows the dividend share, mints consumption tokens and returns the capture terms`, async () => {
        const d = await load();
        const { alice, bob } = people(d);
        const t = library === "ethers" ? fromEthers(alice) : viemTransport(d, alice.address);
        const shop = await addressOf(d.shop);
        const amount = ONE / 2n;
        const before = await d.ethers.provider.getBalance(alice.address);
        const tokenBefore = await d.ethers.provider.getBalance(await d.token.getAddress());
        const result = await charge(t, { shop, orderHash: hashOf("co 1"), amountWei: amount, referrer: bob.address });
        expect(result.customer).to.equal(alice.address);
        expect(result.amountWei).to.equal(amount);
        const escrowed = dividendOf(amount, WUYOU_RULES);
        expect(result.capture.orderHash).to.equal(hashOf("co 1"));
        expect(result.capture.customer).to.equal(alice.address);
        expect(result.capture.amountWei).to.equal(amount);
        const block = await d.ethers.provider.getBlock("latest");
        expect(result.capture.refundDeadline).to.equal(BigInt(block!.timestamp) + 7n * 86_400n);
        expect(result.capture.minted).to.have.length(1);
        expect(result.capture.minted[0] & ((1n << 96n) - 1n)).to.equal(consumptionOf(amount, WUYOU_RULES));
        expect(await d.shop.payment(hashOf("co 1"), alice.address)).to.deep.equal([3n, amount]);
        const consumption = consumptionOf(amount, WUYOU_RULES);
        expect(await d.token.balanceOf(alice.address)).to.equal(consumption);
        expect(result.minted).to.deep.include({
          token: await addressOf(d.token),
          to: alice.address,
          amount: consumption,
        });
        expect(await d.ethers.provider.getBalance(alice.address)).to.equal(
          before - amount - (await feeOf(d, result.hash)),
        );
        expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(tokenBefore + escrowed);
        expect((await d.shop.dayRecord(await d.shop.today())).revenue).to.equal(amount);
      });
    }

    it("charge refuses a malformed order hash, amount or referrer, an unknown shop and short funds, sending nothing", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const shop = await addressOf(d.shop);
      const ok = { orderHash: hashOf("co bad"), amountWei: ONE };
      await refused(d, alice.address, InvalidBytes32Error, () => charge(t, { shop, ...ok, orderHash: "0x1234" }));
      await refused(d, alice.address, InvalidBytes32Error, () =>
        charge(t, { shop, ...ok, orderHash: `0x${"0".repeat(64)}` }),
      );
      const negative = await refused(d, alice.address, InvalidAmountError, () =>
        charge(t, { shop, ...ok, amountWei: -1n }),
      );
      expect(negative.field).to.equal("amountWei");
      await refused(d, alice.address, InvalidAmountError, () => charge(t, { shop, ...ok, amountWei: 1.5 }));
      await refused(d, alice.address, InvalidAmountError, () => charge(t, { shop, ...ok, amountWei: "0.5" }));
      await refused(d, alice.address, InvalidAmountError, () => charge(t, { shop, ...ok, amountWei: UINT96_MAX + 1n }));
      await refused(d, alice.address, InvalidAmountError, () => charge(t, { shop, ...ok, amountWei: 0n }));
      await refused(d, alice.address, InvalidAddressError, () => charge(t, { shop, ...ok, referrer: "0xabc" }));
      await refused(d, alice.address, InvalidAddressError, () => charge(t, { shop, ...ok, referrer: alice.address }));
      await refused(d, alice.address, InvalidAddressError, () => charge(t, { shop: "not an address", ...ok }));
      const unknown = await refused(d, alice.address, NotAContractError, () =>
        charge(t, { shop: carol.address, ...ok }),
      );
      expect(unknown.address).to.equal(carol.address);

      const balance = ONE + 10n ** 14n;
      await d.helpers.setBalance(alice.address, balance);
      const short = await refused(d, alice.address, InsufficientFundsError, () => charge(t, { shop, ...ok }));
      expect(short.have).to.equal(balance);
      expect(short.need).to.equal(ONE + 10n ** 15n);
      expect(short.message).to.contain(`${balance} wei`);
      // Once the balance covers the amount and the margin, the same charge goes through.
      await d.helpers.setBalance(alice.address, ONE + 2n * 10n ** 15n);
      await charge(t, { shop, ...ok });
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(ONE, WUYOU_RULES));
    });

    it("charge refuses a second payment of the same order hash by the same customer (payment() Captured), not by another", async () => {
      const d = await load();
      const { alice, bob } = people(d);
      const shop = await addressOf(d.shop);
      const orderHash = hashOf("co twice");
      await charge(fromEthers(alice), { shop, orderHash, amountWei: ONE / 10n });
      expect((await d.shop.payment(orderHash, alice.address))[0]).to.equal(3n);
      const twice = await refused(d, alice.address, PaymentAlreadyCountedError, () =>
        charge(viemTransport(d, alice.address), { shop, orderHash, amountWei: ONE / 10n }),
      );
      expect([twice.orderHash, twice.customer]).to.deep.equal([orderHash, alice.address]);
      // A payment counts once per (hash, customer): another customer's order with the same hash is its own.
      await charge(fromEthers(bob), { shop, orderHash, amountWei: ONE / 10n });
      expect((await d.shop.payment(orderHash, bob.address))[0]).to.equal(3n);
    });
  });

  describe("redeemReceipt", () => {
    async function sign(d: Deployment, overrides: Record<string, unknown> = {}): Promise<SignedReceipt> {
      const { alice } = people(d);
      const now = BigInt(await d.helpers.time.latest());
      return signReceipt(
        d.operator,
        {
          shop: await addressOf(d.shop),
          chainId: (await d.ethers.provider.getNetwork()).chainId,
          orderId: nextOrderIds(1),
          customer: alice.address,
          amount: ONE,
          orderHash: hashOf("receipt 1"),
          deadline: now + 3600n,
          ...overrides,
        },
        { now },
      );
    }

    for (const library of ["ethers", "viem"] as const) {
      it(`redeemReceipt (${library}): a relayer redeems a valid receipt and the customer gets the tokens`, async () => {
        const d = await load();
        const { alice, bob } = people(d);
        const signed = await sign(d);
        const t = library === "ethers" ? fromEthers(bob) : viemTransport(d, bob.address);
        const result = await redeemReceipt(t, { shop: await addressOf(d.shop), signed });
        expect(result.receipt.orderHash).to.equal(hashOf("receipt 1"));
        const consumption = consumptionOf(ONE, WUYOU_RULES);
        expect(await d.token.balanceOf(alice.address)).to.equal(consumption);
        expect(await d.token.balanceOf(bob.address)).to.equal(0n);
        expect(result.minted).to.deep.equal([
          { token: await addressOf(d.token), to: alice.address, amount: consumption },
        ]);
        expect((await d.shop.dayRecord(await d.shop.today())).revenue).to.equal(ONE);
        expect(result.events.some((e) => e.eventName === "ReceiptRedeemed")).to.equal(true);
        expect(await d.shop.isOrderIdUsed(signed.receipt.orderId)).to.equal(true);
      });
    }

    it("redeemReceipt refuses a receipt already redeemed, or whose order id another order used, sending nothing", async () => {
      const d = await load();
      const { alice, bob } = people(d);
      const shop = await addressOf(d.shop);
      const signed = await sign(d);
      await redeemReceipt(fromEthers(bob), { shop, signed });
      const again = await refused(d, alice.address, OrderIdUsedError, () =>
        redeemReceipt(fromEthers(alice), { shop, signed }),
      );
      expect(again.orderIds).to.deep.equal([signed.receipt.orderId]);
      // A recorded order took the id of a receipt still in the customer's hands: the receipt can no longer count.
      const taken = await sign(d, { orderHash: hashOf("receipt 2") });
      await d.shop
        .connect(d.operator)
        .recordOrder(order("took the id", bob.address, ONE, undefined, taken.receipt.orderId));
      const used = await refused(d, alice.address, OrderIdUsedError, () =>
        redeemReceipt(viemTransport(d, alice.address), { shop, signed: taken }),
      );
      expect(used.message).to.contain(`${taken.receipt.orderId}`);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(ONE, WUYOU_RULES));
    });

    it("redeemReceipt refuses an expired, wrong-chain, wrong-shop or tampered receipt and an unknown shop, sending nothing", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const shop = await addressOf(d.shop);
      const expiring = await sign(d, { deadline: BigInt(await d.helpers.time.latest()) + 10n });
      const wrongChain = await sign(d, { chainId: 1n });
      const factory = await addressOf(d.factory);
      const wrongShop = await sign(d, { shop: factory });
      const noCode = await sign(d, { shop: carol.address });
      const good = await sign(d);
      await refused(d, alice.address, ReceiptWrongChainError, () => redeemReceipt(t, { shop, signed: wrongChain }));
      const ws = await refused(d, alice.address, ReceiptWrongShopError, () =>
        redeemReceipt(t, { shop, signed: wrongShop }),
      );
      expect(ws.actual).to.equal(factory);
      await refused(d, alice.address, NotAContractError, () =>
        redeemReceipt(t, { shop: carol.address, signed: noCode }),
      );
      await refused(d, alice.address, ReceiptSignatureError, () =>
        redeemReceipt(t, { shop, signed: { ...good, receipt: { ...good.receipt, amount: 2n * ONE } } }),
      );
      await refused(d, alice.address, InvalidAddressError, () => redeemReceipt(t, { shop: "0x12", signed: good }));
      await d.helpers.time.increase(60);
      const expired = await refused(d, alice.address, ReceiptExpiredError, () =>
        redeemReceipt(t, { shop, signed: expiring }),
      );
      expect(expired.deadline).to.equal(expiring.receipt.deadline);
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
    });
  });

  describe("mintFromBatchFile", () => {
    async function anchored(d: Deployment): Promise<BatchFile> {
      const { alice, bob } = people(d);
      const batch = await buildBatch(
        [
          { orderHash: hashOf("b0"), customer: alice.address, amount: ONE },
          { orderHash: hashOf("b1"), customer: bob.address, amount: ONE / 2n, referrer: alice.address },
          { orderHash: hashOf("b2"), customer: alice.address, amount: ONE / 4n },
        ],
        { firstOrderId: nextOrderIds(3) },
      );
      await d.shop
        .connect(d.operator)
        .anchorBatch(batch.root, batch.firstOrderId, batch.orderCount, batch.totalRevenue);
      const chainId = (await d.ethers.provider.getNetwork()).chainId;
      return exportBatchFile(batch, { shop: await addressOf(d.shop), chainId });
    }

    it("mintFromBatchFile (ethers): mints all the signer's unminted entries, then refuses them as already minted", async () => {
      const d = await load();
      const { alice } = people(d);
      const t = fromEthers(alice);
      const shop = await addressOf(d.shop);
      const file = await anchored(d);
      const result = await mintFromBatchFile(t, { shop, file: JSON.stringify(file) });
      expect(result.root).to.equal(file.root);
      expect(result.leaves.map((l) => l.index)).to.deep.equal([0, 2]);
      expect(result.leaves.map((l) => l.orderId)).to.deep.equal([0n, 2n].map((i) => BigInt(file.firstOrderId) + i));
      const expected = consumptionOf(ONE, WUYOU_RULES) + consumptionOf(ONE / 4n, WUYOU_RULES);
      expect(await d.token.balanceOf(alice.address)).to.equal(expected);
      expect(result.minted.reduce((s, m) => s + m.amount, 0n)).to.equal(expected);
      const ids = file.entries.map((e) => BigInt(e.orderId));
      expect(await Promise.all(ids.map((orderId) => d.shop.isOrderIdUsed(orderId)))).to.deep.equal([true, false, true]);
      const again = await refused(d, alice.address, LeafAlreadyMintedError, () =>
        mintFromBatchFile(t, { shop, file, index: 2 }),
      );
      expect([again.index, again.orderId]).to.deep.equal([2, ids[2]]);
      await refused(d, alice.address, LeafAlreadyMintedError, () =>
        mintFromBatchFile(t, { shop, file, orderId: ids[0] }),
      );
    });

    it("mintFromBatchFile (viem): mints the entry chosen by order id with its proof", async () => {
      const d = await load();
      const { bob, alice } = people(d);
      const file = await anchored(d);
      const result = await mintFromBatchFile(viemTransport(d, bob.address), {
        shop: await addressOf(d.shop),
        file,
        orderId: file.entries[1].orderId,
      });
      expect(result.leaves).to.have.length(1);
      expect(result.leaves[0].index).to.equal(1);
      expect(result.leaves[0].orderId).to.equal(BigInt(file.entries[1].orderId));
      expect(result.leaves[0].orderHash).to.equal(hashOf("b1"));
      const consumption = consumptionOf(ONE / 2n, WUYOU_RULES);
      expect(await d.token.balanceOf(bob.address)).to.equal(consumption);
      // Bob's first order binds Alice as his referrer: she gets the referral share.
      expect(await d.token.balanceOf(alice.address)).to.equal((consumption * WUYOU_RULES.referralBps) / 10_000n);
      expect(await d.shop.isOrderIdUsed(BigInt(file.entries[1].orderId))).to.equal(true);
    });

    it("mintFromBatchFile mints by order hash, and refuses a leaf whose id a recorded order took (it can never mint)", async () => {
      const d = await load();
      const { alice, bob } = people(d);
      const shop = await addressOf(d.shop);
      const file = await anchored(d);
      const result = await mintFromBatchFile(fromEthers(alice), { shop, file, orderHash: hashOf("b2") });
      expect(result.leaves.map((l) => l.index)).to.deep.equal([2]);
      // The operator reused the id of Bob's leaf for a recorded order: the leaf's bit is set, the SDK says so.
      const id1 = BigInt(file.entries[1].orderId);
      await d.shop.connect(d.operator).recordOrder(order("reused leaf id", alice.address, ONE, undefined, id1));
      const lost = await refused(d, bob.address, LeafAlreadyMintedError, () =>
        mintFromBatchFile(fromEthers(bob), { shop, file }),
      );
      expect(lost.orderId).to.equal(id1);
    });

    it("mintFromBatchFile refuses a file for another shop, a tampered proof, an unknown entry or batch, sending nothing", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const shop = await addressOf(d.shop);
      const file = await anchored(d);
      const foreign: BatchFile = { ...file, shop: await addressOf(d.factory) };
      const forShop = await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file: foreign }),
      );
      expect(forShop.field).to.equal("shop");
      const proof = [...file.entries[0].proof];
      proof[0] = id("tampered") as Hex;
      const tampered: BatchFile = {
        ...file,
        entries: [{ ...file.entries[0], proof }, ...file.entries.slice(1)],
      };
      const otherChain = await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file: { ...file, chainId: 1 } }),
      );
      expect(otherChain.field).to.equal("chainId");
      const bad = await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file: tampered }),
      );
      expect(bad.entry).to.equal(0);
      const amountTampered: BatchFile = {
        ...file,
        entries: [{ ...file.entries[0], amount: (2n * ONE).toString() }, ...file.entries.slice(1)],
      };
      await refused(d, alice.address, MerkleBatchError, () => mintFromBatchFile(t, { shop, file: amountTampered }));
      await refused(d, alice.address, MerkleBatchError, () => mintFromBatchFile(t, { shop, file, index: 3 }));
      await refused(d, alice.address, InvalidAmountError, () => mintFromBatchFile(t, { shop, file, index: -1 }));
      await refused(d, alice.address, InvalidAmountError, () => mintFromBatchFile(t, { shop, file, orderId: 0n }));
      await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file, orderId: BigInt(file.firstOrderId) + 3n }),
      );
      await refused(d, alice.address, InvalidAmountError, () =>
        mintFromBatchFile(t, { shop, file, index: 0, orderId: file.entries[0].orderId }),
      );
      const v1 = { ...file, version: 1 } as unknown as BatchFile;
      const old = await refused(d, alice.address, MerkleBatchError, () => mintFromBatchFile(t, { shop, file: v1 }));
      expect(old.field).to.equal("version");
      await refused(d, alice.address, InvalidBytes32Error, () =>
        mintFromBatchFile(t, { shop, file, orderHash: "0xzz" }),
      );
      await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file, orderHash: hashOf("not in the batch") }),
      );
      const none = await refused(d, carol.address, MerkleBatchError, () =>
        mintFromBatchFile(fromEthers(carol), { shop, file }),
      );
      expect(none.field).to.equal("customer");
      const chainId = (await d.ethers.provider.getNetwork()).chainId;
      const notAnchored = exportBatchFile(
        await buildBatch([{ orderHash: hashOf("x"), customer: alice.address, amount: 1n }], {
          firstOrderId: nextOrderIds(1),
        }),
        { shop, chainId },
      );
      const unanchored = await refused(d, alice.address, MerkleBatchError, () =>
        mintFromBatchFile(t, { shop, file: notAnchored }),
      );
      expect(unanchored.field).to.equal("root");
      // The same leaves anchored from another first order id are another tree: the file's root is unknown.
      const shifted = await buildBatch(
        file.entries.map((e) => ({
          orderHash: e.orderHash,
          customer: e.customer,
          amount: e.amount,
          referrer: e.referrer,
        })),
        { firstOrderId: BigInt(file.firstOrderId) + 1n },
      );
      expect(shifted.root).to.not.equal(file.root);
      await refused(d, alice.address, MerkleBatchError, () => mintFromBatchFile(t, { shop, file: "{ not json" }));
      expect(await d.token.balanceOf(alice.address)).to.equal(0n);
    });
  });

  describe("claimable, claimableTotal", () => {
    it("claimable and claimableTotal (ethers and viem): per token and in total across shops, as the tokens say", async () => {
      const d = await load();
      const { alice, bob } = people(d);
      const shop2 = await addShop(d, d.admin, d.operator);
      const { token: token2 } = await addToken(d, tokenParams(WUYOU_RULES), shop2);
      await shop2.connect(d.operator).recordOrder(order("shop2 order", alice.address, ONE / 5n));
      const day = await d.shop.today();
      const owed1 = await earnDividends(d, ONE);
      await shop2.settle(day, { value: dividendOf(ONE / 5n, WUYOU_RULES) });
      const owed2 = await token2.claimable(alice.address);
      expect(owed2).to.be.greaterThan(0n);
      for (const t of [fromEthers(d.ethers.provider), viemTransport(d, bob.address)]) {
        expect(await claimable(t, { token: await addressOf(d.token), holder: alice.address })).to.equal(owed1);
        expect(await claimable(t, { token: await addressOf(token2), holder: alice.address })).to.equal(owed2);
        expect(await claimable(t, { token: await addressOf(token2), holder: bob.address })).to.equal(0n);
        const total = await claimableTotal(t, { factory: await addressOf(d.factory), holder: alice.address });
        expect(total.total).to.equal(owed1 + owed2);
        expect(total.tokens.map((x) => [x.token, x.claimable])).to.deep.equal([
          [await addressOf(d.token), owed1],
          [await addressOf(token2), owed2],
        ]);
        expect((await claimableTotal(t, { factory: await addressOf(d.factory), holder: bob.address })).total).to.equal(
          0n,
        );
      }
    });

    it("claimable and claimableTotal refuse bad addresses and addresses without a contract", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const token = await addressOf(d.token);
      const factory = await addressOf(d.factory);
      await refused(d, alice.address, InvalidAddressError, () => claimable(t, { token, holder: "0x123" }));
      await refused(d, alice.address, InvalidAddressError, () =>
        claimable(t, { token, holder: alice.address.toLowerCase().replace("0x", "0X") }),
      );
      await refused(d, alice.address, NotAContractError, () =>
        claimable(t, { token: carol.address, holder: alice.address }),
      );
      await refused(d, alice.address, InvalidAddressError, () =>
        claimableTotal(t, { factory, holder: "0x0000000000000000000000000000000000000000" }),
      );
      await refused(d, alice.address, NotAContractError, () =>
        claimableTotal(t, { factory: carol.address, holder: alice.address }),
      );
    });
  });

  describe("claim, claimTo, claimMany", () => {
    for (const library of ["ethers", "viem"] as const) {
      it(`claim (${library}): pays exactly the claimable amount to the holder`, async () => {
        const d = await load();
        const { alice } = people(d);
        const owed = await earnDividends(d);
        const t = library === "ethers" ? fromEthers(alice) : viemTransport(d, alice.address);
        const before = await d.ethers.provider.getBalance(alice.address);
        const result = await claim(t, { token: await addressOf(d.token) });
        expect(result.amount).to.equal(owed);
        expect(result.recipient).to.equal(alice.address);
        expect(await d.ethers.provider.getBalance(alice.address)).to.equal(
          before + owed - (await feeOf(d, result.hash)),
        );
        expect(await d.token.claimable(alice.address)).to.equal(0n);
      });
    }

    for (const library of ["ethers", "viem"] as const) {
      it(`claimTo (${library}): pays the claimable amount to the recipient`, async () => {
        const d = await load();
        const { alice, carol } = people(d);
        const owed = await earnDividends(d);
        const before = await d.ethers.provider.getBalance(carol.address);
        const t = library === "ethers" ? fromEthers(alice) : viemTransport(d, alice.address);
        const result = await claimTo(t, { token: await addressOf(d.token), recipient: carol.address });
        expect(result.amount).to.equal(owed);
        expect(result.recipient).to.equal(carol.address);
        // DividendsClaimed(holder indexed, recipient, amount): the recipient is data since core v2, decoded alike.
        const claimed = result.events.filter((e) => e.eventName === "DividendsClaimed");
        expect(claimed.map((e) => e.args)).to.deep.equal([
          { holder: alice.address, recipient: carol.address, amount: owed },
        ]);
        expect(await d.ethers.provider.getBalance(carol.address)).to.equal(before + owed);
        expect(await d.token.claimable(alice.address)).to.equal(0n);
      });
    }

    it("claim and claimTo refuse nothing to claim, a bad token or recipient, sending nothing", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const token = await addressOf(d.token);
      const nothing = await refused(d, alice.address, NothingToClaimError, () => claim(t, { token }));
      expect(nothing.tokens).to.deep.equal([token]);
      await refused(d, alice.address, NothingToClaimError, () => claimTo(t, { token, recipient: carol.address }));
      await refused(d, alice.address, InvalidAddressError, () => claim(t, { token: "0xnothex" }));
      await refused(d, alice.address, NotAContractError, () => claim(t, { token: carol.address }));
      await earnDividends(d);
      await refused(d, alice.address, InvalidAddressError, () =>
        claimTo(t, { token, recipient: "0x0000000000000000000000000000000000000000" }),
      );
      await refused(d, alice.address, InvalidAddressError, () => claimTo(t, { token, recipient: "carol" }));
    });

    for (const library of ["ethers", "viem"] as const) {
      it(`claimMany (${library}): "all" claims every token with dividends to the recipient`, async () => {
        const d = await load();
        const { alice, carol } = people(d);
        const { token: token2 } = await addToken(d, tokenParams(rulesLowBps(), { symbol: "T2" }));
        const owed1 = await earnDividends(d);
        const owed2 = await token2.claimable(alice.address);
        expect(owed2).to.be.greaterThan(0n);
        const t = library === "ethers" ? fromEthers(alice) : viemTransport(d, alice.address);
        const before = await d.ethers.provider.getBalance(carol.address);
        const result = await claimMany(t, {
          factory: await addressOf(d.factory),
          tokens: "all",
          recipient: carol.address,
        });
        expect(result.paid).to.deep.equal([
          { token: await addressOf(d.token), amount: owed1 },
          { token: await addressOf(token2), amount: owed2 },
        ]);
        expect(result.total).to.equal(owed1 + owed2);
        expect(result.skipped).to.deep.equal([]);
        expect(await d.ethers.provider.getBalance(carol.address)).to.equal(before + owed1 + owed2);
        expect(await d.token.claimable(alice.address)).to.equal(0n);
        expect(await token2.claimable(alice.address)).to.equal(0n);
      });
    }

    it("claimMany with a token list reports the tokens with nothing to claim as skipped", async () => {
      const d = await load();
      const { alice } = people(d);
      const { token: token2 } = await addToken(d, tokenParams(rulesWithoutDividends(), { symbol: "T0" }));
      const owed = await earnDividends(d);
      const before = await d.ethers.provider.getBalance(alice.address);
      const t2 = await addressOf(token2);
      const result = await claimMany(fromEthers(alice), {
        factory: await addressOf(d.factory),
        tokens: [await addressOf(d.token), t2],
      });
      expect(result.paid).to.deep.equal([{ token: await addressOf(d.token), amount: owed }]);
      expect(result.skipped.map((s) => s.token)).to.deep.equal([t2]);
      expect(result.recipient).to.equal(alice.address);
      expect(await d.ethers.provider.getBalance(alice.address)).to.equal(before + owed - (await feeOf(d, result.hash)));
    });

    it("claimMany refuses nothing to claim, no/duplicated/foreign tokens, a bad recipient or factory, sending nothing", async () => {
      const d = await load();
      const { alice, carol } = people(d);
      const t = fromEthers(alice);
      const factory = await addressOf(d.factory);
      const token = await addressOf(d.token);
      const all = await refused(d, alice.address, NothingToClaimError, () => claimMany(t, { factory, tokens: "all" }));
      expect(all.tokens).to.deep.equal([]);
      const listed = await refused(d, alice.address, NothingToClaimError, () =>
        claimMany(t, { factory, tokens: [token] }),
      );
      expect(listed.tokens).to.deep.equal([token]);
      await earnDividends(d);
      await refused(d, alice.address, InvalidAddressError, () => claimMany(t, { factory, tokens: [] }));
      await refused(d, alice.address, InvalidAddressError, () => claimMany(t, { factory, tokens: [token, token] }));
      await refused(d, alice.address, InvalidAddressError, () => claimMany(t, { factory, tokens: [token, "0x1"] }));
      const foreign = await refused(d, alice.address, InvalidAddressError, () =>
        claimMany(t, { factory, tokens: [token, carol.address] }),
      );
      expect(foreign.field).to.equal("tokens[1]");
      await refused(d, alice.address, InvalidAddressError, () =>
        claimMany(t, { factory, tokens: "all", recipient: "0xdead" }),
      );
      await refused(d, alice.address, NotAContractError, () => claimMany(t, { factory: carol.address, tokens: "all" }));
      expect(await d.token.claimable(alice.address)).to.be.greaterThan(0n);
    });
  });
});

/** Rules of a second token with a smaller dividend share (the shop's shares must stay within 100 %). */
function rulesLowBps() {
  return { ...WUYOU_RULES, dividendBps: 500n };
}

/** Rules of a token without dividends. */
function rulesWithoutDividends() {
  return { ...WUYOU_RULES, dividendBps: 0n };
}
