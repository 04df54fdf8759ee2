import { expect } from "chai";
import {
  concat,
  dataSlice,
  getAddress,
  id,
  Signature,
  toBeHex,
  zeroPadValue,
  TypedDataEncoder,
  verifyTypedData,
  Wallet,
  ZeroAddress,
} from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { Signer, TypedDataDomain } from "ethers";
import type { IShop, MockERC1271Wallet } from "../../types/ethers-contracts/index.js";
import {
  addShop,
  addToken,
  batchLeaf,
  consumptionOf,
  DAY,
  hashOf,
  load,
  MintModel,
  nextDay,
  nextOrderIds,
  order,
  owedOf,
  RECEIPT_TYPES,
  referralShareOf,
  rulesWith,
  tokenParams,
  type Deployment,
  type IShopBase,
  type Rules,
} from "./fixture.js";

/** IShop.OrderPath.Receipt. */
const RECEIPT_PATH = 1n;
/** Order of the secp256k1 group: a signature (r, s) is also valid as (r, N - s) with the other parity. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** The ecrecover precompile. */
const ECRECOVER = "0x0000000000000000000000000000000000000001";
/** MockERC1271Wallet.Mode. */
const WALLET_VALIDATE = 0;
const WALLET_REFUSE = 1;
const WALLET_REVERT = 2;
/** Enough gas for a redemption; passed where the block timestamp is pinned, so that no estimate runs at another time. */
const GAS = 1_000_000;

/** Rules with every minting branch active: consumption, a 10 % referral share, one token per referee whose first
 * order is at least 0.1 coin, and the pool at 1/9. */
const RULES: Rules = rulesWith({ referralsPerToken: 1n, minFirstOrder: 10n ** 17n });

interface ReceiptFields {
  customer: string;
  amount: bigint;
  orderHash: string;
  referrer?: string;
  deadline?: bigint;
  /** The `shop` field (default: the shop it is signed for). */
  shop?: string;
  /** The `chainId` field (default: the chain's). */
  chainId?: bigint;
  /** The order id (default: a fresh one, so that every receipt is another order). */
  orderId?: bigint;
}

interface Signed {
  receipt: IShopBase.ReceiptStruct;
  signature: string;
  domain: TypedDataDomain;
}

/** The receipt domain of `shop` as the spec fixes it. */
async function domainOf(d: Deployment, shop: IShop = d.shop): Promise<TypedDataDomain> {
  return {
    name: "ShareMall Shop",
    version: "2",
    chainId: (await d.ethers.provider.getNetwork()).chainId,
    verifyingContract: await shop.getAddress(),
  };
}

/**
 * A receipt for `shop` signed with ethers' `signTypedData` by `signer`; `domain` overrides parts of the shop's domain
 * (to sign for another chain or shop). The deadline defaults to an hour from the latest block.
 */
async function sign(
  d: Deployment,
  signer: Signer,
  fields: ReceiptFields,
  shop: IShop = d.shop,
  domain: Partial<TypedDataDomain> = {},
): Promise<Signed> {
  const base = await domainOf(d, shop);
  const receipt = {
    shop: fields.shop ?? (base.verifyingContract as string),
    chainId: fields.chainId ?? BigInt(base.chainId as bigint),
    orderId: fields.orderId ?? nextOrderIds(1),
    customer: fields.customer,
    amount: fields.amount,
    orderHash: fields.orderHash,
    referrer: fields.referrer ?? ZeroAddress,
    deadline: fields.deadline ?? BigInt((await d.helpers.time.latest()) + 3600),
  };
  const full = { ...base, ...domain };
  const signature = await signer.signTypedData(full, RECEIPT_TYPES, receipt);
  return { receipt, signature, domain: full };
}

/** A high-s twin of a 65-byte signature: (r, N - s, other v). ecrecover accepts it; OpenZeppelin's ECDSA does not. */
function malleate(signature: string): string {
  const sig = Signature.from(signature);
  const highS = SECP256K1_N - BigInt(sig.s);
  expect(highS > SECP256K1_N / 2n).to.equal(true);
  return concat([sig.r, toBeHex(highS, 32), toBeHex(sig.v === 27 ? 28 : 27, 1)]);
}

/** Everything an order changes in a shop with one token, read back for comparison. */
async function footprint(shop: IShop, d: Deployment, day: bigint, holders: string[]): Promise<unknown[]> {
  const token = await d.ethers.getContractAt("DividendToken", (await shop.tokens())[0]);
  const config = await shop.tokenConfig(0);
  const record = await shop.dayRecord(day);
  const t = await shop.tokenDay(0, day);
  const out: unknown[] = [
    record.revenue,
    record.orderCount,
    t.revenue,
    t.dividendBps,
    t.owed,
    t.escrowed,
    config.minted,
    config.poolAllowance,
    await shop.merchantBalance(),
    await shop.revenueDayCount(),
  ];
  for (const holder of holders) {
    out.push(await token.balanceOf(holder));
    out.push(...(await shop.customerOf(holder)));
    out.push(await shop.qualifiedReferrals(0, holder));
  }
  return out;
}

describe("Shop receipts (order path 2)", () => {
  describe("redeemReceipt: equivalence with recordOrder", () => {
    it("redeemReceipt mints, binds and counts exactly what recordOrder does in a twin shop, and the day settles the same", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol, relayer] = d.signers;
      const twin = await addShop(d, d.admin, d.operator);
      await addToken(d, tokenParams(RULES), twin);
      const day = await nextDay(d.helpers);
      // First orders (alice referred by bob: share + one-token bonus), a follow-up without referrer, and carol's
      // follow-up naming her bound referrer again.
      const orders = [
        { label: "eq-1", customer: alice.address, amount: 777n * 10n ** 15n + 13n, referrer: bob.address },
        { label: "eq-2", customer: carol.address, amount: 2n * 10n ** 17n, referrer: alice.address },
        { label: "eq-3", customer: alice.address, amount: 1_234_567_890_123_456_789n, referrer: ZeroAddress },
        { label: "eq-4", customer: carol.address, amount: 5n * 10n ** 16n + 1n, referrer: alice.address },
      ];
      const model = new MintModel(RULES);
      for (const o of orders) {
        const { receipt, signature } = await sign(d, d.operator, {
          customer: o.customer,
          amount: o.amount,
          orderHash: hashOf(o.label),
          referrer: o.referrer,
        });
        await d.shop.connect(relayer).redeemReceipt(receipt, d.operator.address, signature);
        await twin.connect(d.operator).recordOrder(order(o.label, o.customer, o.amount, o.referrer));
        model.order(o.customer, o.amount, o.referrer, true);
      }
      const holders = [alice.address, bob.address, carol.address, relayer.address];
      const viaReceipts = await footprint(d.shop, d, day, holders);
      expect(viaReceipts).to.deep.equal(await footprint(twin, d, day, holders));

      // And both equal the rules computed here.
      const amounts = orders.map((o) => o.amount);
      expect(await d.shop.dayRecord(day)).to.deep.equal([
        amounts.reduce((a, b) => a + b, 0n),
        BigInt(orders.length),
        false,
      ]);
      expect((await d.shop.tokenDay(0, day)).owed).to.equal(owedOf(amounts, RULES));
      expect(await d.token.totalSupply()).to.equal(model.supply);
      expect(await d.shop.poolAllowance(0)).to.equal(model.allowance);
      for (const holder of holders) expect(await d.token.balanceOf(holder)).to.equal(model.balanceOf(holder));
      expect(model.balanceOf(bob.address)).to.be.greaterThan(10n ** 18n); // the bonus did pay
      expect(await d.token.balanceOf(relayer.address)).to.equal(0n);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect(await d.shop.customerOf(carol.address)).to.deep.equal([alice.address, true]);
      expect(await d.shop.qualifiedReferrals(0, bob.address)).to.equal(1n);
      expect(await d.shop.qualifiedReferrals(0, alice.address)).to.equal(1n);

      // The day settles the same way on both shops.
      await nextDay(d.helpers);
      const owed = owedOf(amounts, RULES);
      await expect(d.shop.connect(d.admin).settle(day, { value: owed }))
        .to.emit(d.shop, "DaySettled")
        .withArgs(day, d.admin.address, 0n, owed);
      await expect(twin.connect(d.admin).settle(day, { value: owed }))
        .to.emit(twin, "DaySettled")
        .withArgs(day, d.admin.address, 0n, owed);
      expect(await d.ethers.provider.getBalance(await d.token.getAddress())).to.equal(owed);
      expect(await d.token.claimable(alice.address)).to.be.greaterThan(0n);
    });

    it("redeemReceipt by a relayer emits ReceiptRedeemed and OrderCounted(path Receipt) and mints to the customer", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, relayer] = d.signers;
      const day = await nextDay(d.helpers);
      const amount = 3n * RULES.spendPerToken + 5n;
      const { receipt, signature } = await sign(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("relay"),
        referrer: bob.address,
      });
      const relayerCoin = await d.ethers.provider.getBalance(relayer.address);
      const tx = d.shop.connect(relayer).redeemReceipt(receipt, d.operator.address, signature);
      await expect(tx).to.emit(d.shop, "ReceiptRedeemed").withArgs(hashOf("relay"), d.operator.address);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("relay"), alice.address, day, receipt.orderId, RECEIPT_PATH, amount);
      await expect(tx).to.emit(d.shop, "ReferrerBound").withArgs(alice.address, bob.address);
      const consumption = consumptionOf(amount, RULES);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumption);
      expect(await d.token.balanceOf(relayer.address)).to.equal(0n);
      expect(await d.shop.isOrderIdUsed(receipt.orderId)).to.equal(true);
      // The relayer paid only gas: nothing was taken from or given to it otherwise.
      expect(await d.ethers.provider.getBalance(relayer.address)).to.be.lessThan(relayerCoin);
      expect(await d.shop.merchantBalance()).to.equal(0n);
    });
  });

  describe("receiptDigest and the EIP-712 domain", () => {
    it("receiptDigest equals ethers' TypedDataEncoder.hash and the signature recovers to the operator", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const { receipt, signature, domain } = await sign(d, d.operator, {
        customer: alice.address,
        amount: (1n << 96n) - 1n,
        orderHash: hashOf("digest"),
        referrer: bob.address,
        deadline: (1n << 64n) - 1n,
      });
      const digest = TypedDataEncoder.hash(domain, RECEIPT_TYPES, receipt);
      expect(await d.shop.receiptDigest(receipt)).to.equal(digest);
      expect(verifyTypedData(domain, RECEIPT_TYPES, receipt, signature)).to.equal(d.operator.address);
      // Every field is part of the digest.
      const changed: IShopBase.ReceiptStruct[] = [
        { ...receipt, shop: bob.address },
        { ...receipt, chainId: 1n },
        { ...receipt, orderId: BigInt(receipt.orderId) + 1n },
        { ...receipt, customer: bob.address },
        { ...receipt, amount: 1n },
        { ...receipt, orderHash: hashOf("other") },
        { ...receipt, referrer: ZeroAddress },
        { ...receipt, deadline: 1n },
      ];
      for (const other of changed) {
        const otherDigest = await d.shop.receiptDigest(other);
        expect(otherDigest).to.not.equal(digest);
        expect(otherDigest).to.equal(TypedDataEncoder.hash(domain, RECEIPT_TYPES, other));
      }
    });

    it("eip712Domain of each clone names the clone and the chain; receipt digests differ between clones", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const shopB = await addShop(d, d.admin, d.operator);
      const chainId = (await d.ethers.provider.getNetwork()).chainId;
      for (const shop of [d.shop, shopB]) {
        const domain = await shop.eip712Domain();
        expect(domain.fields).to.equal("0x0f");
        expect(domain.name).to.equal("ShareMall Shop");
        expect(domain.version).to.equal("2");
        expect(domain.chainId).to.equal(chainId);
        expect(domain.verifyingContract).to.equal(await shop.getAddress());
        expect(domain.salt).to.equal(`0x${"00".repeat(32)}`);
        expect(domain.extensions).to.deep.equal([]);
      }
      const { receipt } = await sign(d, d.operator, { customer: alice.address, amount: 1n, orderHash: hashOf("x") });
      const digestA = await d.shop.receiptDigest(receipt);
      const digestB = await shopB.receiptDigest(receipt);
      expect(digestA).to.not.equal(digestB);
      expect(digestB).to.equal(TypedDataEncoder.hash(await domainOf(d, shopB), RECEIPT_TYPES, receipt));
    });

    it("redeemReceipt on shop B of a receipt for shop A reverts ShopReceiptWrongShop; a receipt naming B signed in A's domain reverts ShopReceiptInvalidSignature", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      // Same factory, same operator key on both shops.
      const shopB = await addShop(d, d.admin, d.operator);
      await addToken(d, tokenParams(RULES), shopB);
      const shopA = await d.shop.getAddress();
      const shopBAddress = await shopB.getAddress();
      const forA = await sign(d, d.operator, { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("ab") });
      await expect(shopB.redeemReceipt(forA.receipt, d.operator.address, forA.signature))
        .to.be.revertedWithCustomError(shopB, "ShopReceiptWrongShop")
        .withArgs(shopBAddress, shopA);
      // The `shop` field says B, but the signature was made in A's domain: B's digest is another one.
      const crossed = await sign(
        d,
        d.operator,
        { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("ab"), shop: await shopB.getAddress() },
        d.shop,
      );
      await expect(shopB.redeemReceipt(crossed.receipt, d.operator.address, crossed.signature))
        .to.be.revertedWithCustomError(shopB, "ShopReceiptInvalidSignature")
        .withArgs(d.operator.address);
      // The receipt still redeems where it belongs, once.
      await d.shop.redeemReceipt(forA.receipt, d.operator.address, forA.signature);
      expect(await d.shop.isOrderIdUsed(forA.receipt.orderId)).to.equal(true);
      expect(await shopB.isOrderIdUsed(forA.receipt.orderId)).to.equal(false);
    });
  });

  describe("redeemReceipt: refusals", () => {
    it("redeemReceipt reverts ShopReceiptExpired one second after the deadline and accepts it at the deadline", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const deadline = BigInt((await d.helpers.time.latest()) + 600);
      const late = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("late"),
        deadline,
      });
      const onTime = await sign(d, d.operator, {
        customer: alice.address,
        amount: 2n,
        orderHash: hashOf("on-time"),
        deadline,
      });
      await d.helpers.time.setNextBlockTimestamp(deadline);
      await expect(d.shop.redeemReceipt(onTime.receipt, d.operator.address, onTime.signature, { gasLimit: GAS }))
        .to.emit(d.shop, "ReceiptRedeemed")
        .withArgs(hashOf("on-time"), d.operator.address);
      expect(BigInt(await d.helpers.time.latest())).to.equal(deadline);
      await d.helpers.time.setNextBlockTimestamp(deadline + 1n);
      await expect(d.shop.redeemReceipt(late.receipt, d.operator.address, late.signature, { gasLimit: GAS }))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptExpired")
        .withArgs(deadline, deadline + 1n);
      expect(await d.shop.isOrderIdUsed(late.receipt.orderId)).to.equal(false);
    });

    it("redeemReceipt reverts ShopReceiptWrongChain for a receipt made for another chain", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const chainId = (await d.ethers.provider.getNetwork()).chainId;
      // Signed for chain 1 in chain 1's domain: a genuine receipt of another chain.
      const other = await sign(
        d,
        d.operator,
        { customer: alice.address, amount: 1n, orderHash: hashOf("chain"), chainId: 1n },
        d.shop,
        { chainId: 1n },
      );
      await expect(d.shop.redeemReceipt(other.receipt, d.operator.address, other.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptWrongChain")
        .withArgs(chainId, 1n);
      // The right chain in the receipt but another chain in the domain: the signature does not match.
      const mixed = await sign(
        d,
        d.operator,
        { customer: alice.address, amount: 1n, orderHash: hashOf("chain") },
        d.shop,
        { chainId: 1n },
      );
      await expect(d.shop.redeemReceipt(mixed.receipt, d.operator.address, mixed.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
        .withArgs(d.operator.address);
    });

    it("redeemReceipt reverts ShopReceiptSignerNotOperator for a stranger, the admin and a revoked operator", async () => {
      const d = await load(RULES);
      const [, , , alice, , stranger, second] = d.signers;
      const role = await d.shop.OPERATOR_ROLE();
      for (const signer of [stranger, d.admin, d.poolManager]) {
        const r = await sign(d, signer, { customer: alice.address, amount: 1n, orderHash: hashOf("no-op") });
        await expect(d.shop.redeemReceipt(r.receipt, signer.address, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
          .withArgs(signer.address);
      }
      // A second operator's receipts redeem while it holds the role, and stop when it is revoked, even receipts
      // signed before the revocation.
      await d.shop.connect(d.admin).grantRole(role, second.address);
      const before = await sign(d, second, { customer: alice.address, amount: 1n, orderHash: hashOf("op-1") });
      const signedEarly = await sign(d, second, { customer: alice.address, amount: 1n, orderHash: hashOf("op-2") });
      await d.shop.redeemReceipt(before.receipt, second.address, before.signature);
      await d.shop.connect(d.admin).revokeRole(role, second.address);
      await expect(d.shop.redeemReceipt(signedEarly.receipt, second.address, signedEarly.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
        .withArgs(second.address);
      expect(await d.shop.isOrderIdUsed(signedEarly.receipt.orderId)).to.equal(false);
    });

    it("redeemReceipt reverts ShopReceiptInvalidSignature for a tampered amount, another key, a high-s twin, a 64-byte or an empty signature", async () => {
      const d = await load(RULES);
      const [, , , alice, , stranger, second] = d.signers;
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), second.address);
      const fields = { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("bad-sig") };
      const good = await sign(d, d.operator, fields);
      const op = d.operator.address;
      const expectInvalid = async (receipt: IShopBase.ReceiptStruct, signature: string, signer: string = op) =>
        expect(d.shop.redeemReceipt(receipt, signer, signature))
          .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
          .withArgs(signer);

      await expectInvalid({ ...good.receipt, amount: 10n ** 18n + 1n }, good.signature);
      await expectInvalid({ ...good.receipt, customer: stranger.address }, good.signature);
      // Signed by a non-operator key, or by another operator, while naming the operator as signer.
      await expectInvalid(good.receipt, (await sign(d, stranger, fields)).signature);
      await expectInvalid(good.receipt, (await sign(d, second, fields)).signature);
      await expectInvalid(good.receipt, (await sign(d, new Wallet(id("random key")), fields)).signature);
      // The operator's signature named as the second operator's.
      await expectInvalid(good.receipt, good.signature, second.address);
      // Malleated (high-s) twin of the operator's own signature: the bare ecrecover precompile accepts it (so only the
      // low-s rule can refuse it), the shop does not. Then EIP-2098 compact and empty signatures.
      const twin = malleate(good.signature);
      const digest = await d.shop.receiptDigest(good.receipt);
      const { r, s, v } = { r: dataSlice(twin, 0, 32), s: dataSlice(twin, 32, 64), v: dataSlice(twin, 64, 65) };
      const recovered = await d.ethers.provider.call({
        to: ECRECOVER,
        data: concat([digest, zeroPadValue(v, 32), r, s]),
      });
      expect(getAddress(dataSlice(recovered, 12))).to.equal(op);
      await expectInvalid(good.receipt, twin);
      await expectInvalid(good.receipt, Signature.from(good.signature).compactSerialized);
      await expectInvalid(good.receipt, "0x");
      // The untouched original still redeems.
      await d.shop.redeemReceipt(good.receipt, op, good.signature);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumptionOf(10n ** 18n, RULES));
    });

    it("redeemReceipt reverts ShopOrderIdUsed on replay, by any submitter, and for a fresh receipt reusing the id", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const r = await sign(d, d.operator, { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("once") });
      await d.shop.connect(alice).redeemReceipt(r.receipt, d.operator.address, r.signature);
      const balance = await d.token.balanceOf(alice.address);
      for (const submitter of [alice, bob, d.operator]) {
        await expect(d.shop.connect(submitter).redeemReceipt(r.receipt, d.operator.address, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
          .withArgs(r.receipt.orderId);
      }
      // A fresh receipt with the same id (another amount, hash and customer) cannot count it again either.
      const again = await sign(d, d.operator, {
        customer: bob.address,
        amount: 5n,
        orderHash: hashOf("again"),
        orderId: BigInt(r.receipt.orderId),
      });
      await expect(d.shop.redeemReceipt(again.receipt, d.operator.address, again.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
        .withArgs(r.receipt.orderId);
      expect(await d.token.balanceOf(alice.address)).to.equal(balance);
      expect(await d.token.balanceOf(bob.address)).to.equal(0n);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(1n);
      // The same hash and customer under another id is another order (the operator numbers its orders): it counts.
      const reorder = await sign(d, d.operator, { customer: alice.address, amount: 5n, orderHash: hashOf("once") });
      await d.shop.redeemReceipt(reorder.receipt, d.operator.address, reorder.signature);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(2n);
    });

    it("redeemReceipt reverts ShopOrderIdUsed for an id counted by recordOrder, recordOrders or a batch leaf; a charge of the same hash does not block it", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const [id1, id2, id4] = [nextOrderIds(1), nextOrderIds(1), nextOrderIds(1)];
      await d.shop.connect(d.operator).recordOrder(order("p1", alice.address, 100n, ZeroAddress, id1));
      await d.shop.connect(d.operator).recordOrders([order("p1b", alice.address, 100n, ZeroAddress, id2)]);
      const leaf = batchLeaf(id4, hashOf("p4"), alice.address, 100n, ZeroAddress);
      await d.shop.connect(d.operator).anchorBatch(leaf, id4, 1, 100n);
      await d.shop.connect(alice).mintFromBatch(leaf, id4, hashOf("p4"), alice.address, 100n, ZeroAddress, []);
      await d.shop.connect(alice).charge(hashOf("p3"), ZeroAddress, { value: 100n });
      const day = await d.shop.today();
      const before = await d.shop.dayRecord(day);
      for (const [label, orderId] of [
        ["p1", id1],
        ["p1b", id2],
        ["p4", id4],
      ] as const) {
        const r = await sign(d, d.operator, {
          customer: alice.address,
          amount: 200n,
          orderHash: hashOf(label),
          orderId,
        });
        await expect(d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
          .withArgs(orderId);
      }
      expect(await d.shop.dayRecord(day)).to.deep.equal(before);
      // The charge's hash carries no id: a receipt for it (with its own id) counts.
      const r = await sign(d, d.operator, { customer: alice.address, amount: 200n, orderHash: hashOf("p3") });
      await d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature);
      expect((await d.shop.dayRecord(day)).orderCount).to.equal(before.orderCount + 1n);
    });

    it("redeemReceipt applies the order checks: ShopInvalidOrderId(0), ShopInvalidAmount, ShopInvalidCustomer, ShopInvalidOrderHash, ShopSelfReferral", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      const op = d.operator.address;
      const noId = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("i"),
        orderId: 0n,
      });
      await expect(d.shop.redeemReceipt(noId.receipt, op, noId.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidOrderId")
        .withArgs(0n);
      const zero = await sign(d, d.operator, { customer: alice.address, amount: 0n, orderHash: hashOf("z") });
      await expect(d.shop.redeemReceipt(zero.receipt, op, zero.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidAmount")
        .withArgs(hashOf("z"), 0n);
      const nobody = await sign(d, d.operator, { customer: ZeroAddress, amount: 1n, orderHash: hashOf("n") });
      await expect(d.shop.redeemReceipt(nobody.receipt, op, nobody.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopInvalidCustomer")
        .withArgs(hashOf("n"));
      const noHash = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: `0x${"00".repeat(32)}`,
      });
      await expect(d.shop.redeemReceipt(noHash.receipt, op, noHash.signature)).to.be.revertedWithCustomError(
        d.shop,
        "ShopInvalidOrderHash",
      );
      const self = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("s"),
        referrer: alice.address,
      });
      await expect(d.shop.redeemReceipt(self.receipt, op, self.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopSelfReferral")
        .withArgs(alice.address);
      for (const r of [noId, zero, nobody, noHash, self]) {
        expect(await d.shop.isOrderIdUsed(r.receipt.orderId)).to.equal(false);
      }
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
    });

    it("a receipt naming another referrer than the bound one counts with the bound referrer and emits ReferrerMismatch (v1 reverted ShopReferrerAlreadyBound)", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const op = d.operator.address;
      const amount = 2n * RULES.spendPerToken;
      const first = await sign(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("f"),
        referrer: bob.address,
      });
      await d.shop.redeemReceipt(first.receipt, op, first.signature);
      const bobBefore = await d.token.balanceOf(bob.address);
      const rebind = await sign(d, d.operator, {
        customer: alice.address,
        amount,
        orderHash: hashOf("r"),
        referrer: carol.address,
      });
      const tx = d.shop.redeemReceipt(rebind.receipt, op, rebind.signature);
      await expect(tx).to.emit(d.shop, "ReferrerMismatch").withArgs(alice.address, bob.address, carol.address);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("r"), alice.address, await d.shop.today(), rebind.receipt.orderId, RECEIPT_PATH, amount);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      expect((await d.token.balanceOf(bob.address)) - bobBefore).to.equal(
        (consumptionOf(amount, RULES) * RULES.referralBps) / 10_000n,
      );
      expect(await d.token.balanceOf(carol.address)).to.equal(0n);
    });
  });

  describe("redeemReceipt: the order in which a customer's receipts are redeemed does not matter", () => {
    it("a stranger redeeming the customer's no-referrer receipt first does not stop the receipt naming the referrer from binding it and minting the referral share (v1: ShopReferrerAlreadyBound)", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, , mallory] = d.signers;
      const day = await nextDay(d.helpers);
      // The operator signed two receipts for alice: her first order, referred by bob, and a second one.
      const firstAmount = 2n * 10n ** 17n;
      const secondAmount = 3n * RULES.spendPerToken;
      const referred = await sign(d, d.operator, {
        customer: alice.address,
        amount: firstAmount,
        orderHash: hashOf("first"),
        referrer: bob.address,
      });
      const plain = await sign(d, d.operator, {
        customer: alice.address,
        amount: secondAmount,
        orderHash: hashOf("second"),
      });
      // Mallory, who saw both, relays the one without the referrer first.
      await expect(d.shop.connect(mallory).redeemReceipt(plain.receipt, d.operator.address, plain.signature))
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("second"), alice.address, day, plain.receipt.orderId, RECEIPT_PATH, secondAmount)
        .and.to.not.emit(d.shop, "ReferrerBound");
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
      // Alice's receipt naming bob still binds him and pays his share (and, at or above minFirstOrder, the bonus).
      const tx = d.shop.connect(alice).redeemReceipt(referred.receipt, d.operator.address, referred.signature);
      await expect(tx).to.emit(d.shop, "ReferrerBound").withArgs(alice.address, bob.address);
      await expect(tx).to.not.emit(d.shop, "ReferrerMismatch");
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
      const model = new MintModel(RULES);
      model.order(alice.address, secondAmount, ZeroAddress, true);
      model.order(alice.address, firstAmount, bob.address, true);
      expect(await d.token.balanceOf(bob.address)).to.equal(model.balanceOf(bob.address));
      expect(model.balanceOf(bob.address)).to.equal(
        referralShareOf(consumptionOf(firstAmount, RULES), RULES) + 10n ** 18n,
      );
      expect(await d.token.balanceOf(alice.address)).to.equal(model.balanceOf(alice.address));
      expect(await d.shop.qualifiedReferrals(0, bob.address)).to.equal(1n);
      expect(await d.token.balanceOf(mallory.address)).to.equal(0n);
    });

    it("a receipt without referrer leaves a new customer unbound, unlike recordOrder, which binds it to none", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const r = await sign(d, d.operator, { customer: alice.address, amount: 1n, orderHash: hashOf("u") });
      await d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([ZeroAddress, false]);
      await d.shop.connect(d.operator).recordOrder(order("u", bob.address, 1n));
      expect(await d.shop.customerOf(bob.address)).to.deep.equal([ZeroAddress, true]);
      // A later referred receipt binds alice, but is a mismatch for bob.
      const ra = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("a"),
        referrer: carol.address,
      });
      await expect(d.shop.redeemReceipt(ra.receipt, d.operator.address, ra.signature))
        .to.emit(d.shop, "ReferrerBound")
        .withArgs(alice.address, carol.address);
      const rb = await sign(d, d.operator, {
        customer: bob.address,
        amount: 1n,
        orderHash: hashOf("b"),
        referrer: carol.address,
      });
      await expect(d.shop.redeemReceipt(rb.receipt, d.operator.address, rb.signature))
        .to.emit(d.shop, "ReferrerMismatch")
        .withArgs(bob.address, ZeroAddress, carol.address);
    });
  });

  describe("redeemReceipt: ERC-1271 contract-wallet operator", () => {
    async function walletOperator(d: Deployment, owner: HardhatEthersSigner): Promise<MockERC1271Wallet> {
      const wallet = (await d.ethers.deployContract("MockERC1271Wallet", [
        owner.address,
      ])) as unknown as MockERC1271Wallet;
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), await wallet.getAddress());
      return wallet;
    }

    it("redeemReceipt accepts a receipt its owner signed when the wallet validates it", async () => {
      const d = await load(RULES);
      const [, , , alice, , owner] = d.signers;
      const wallet = await walletOperator(d, owner);
      const walletAddress = await wallet.getAddress();
      const day = await d.shop.today();
      const amount = 2n * RULES.spendPerToken;
      const r = await sign(d, owner, { customer: alice.address, amount, orderHash: hashOf("1271") });
      const tx = d.shop.redeemReceipt(r.receipt, walletAddress, r.signature);
      await expect(tx).to.emit(d.shop, "ReceiptRedeemed").withArgs(hashOf("1271"), walletAddress);
      await expect(tx)
        .to.emit(d.shop, "OrderCounted")
        .withArgs(hashOf("1271"), alice.address, day, r.receipt.orderId, RECEIPT_PATH, amount);
      expect(await d.token.balanceOf(alice.address)).to.equal(2n * 10n ** 18n);
      // The owner EOA itself holds no role: naming it as the signer fails.
      const direct = await sign(d, owner, { customer: alice.address, amount, orderHash: hashOf("1271-b") });
      await expect(d.shop.redeemReceipt(direct.receipt, owner.address, direct.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
        .withArgs(owner.address);
    });

    it("redeemReceipt reverts ShopReceiptInvalidSignature when the wallet refuses, reverts or the owner did not sign", async () => {
      const d = await load(RULES);
      const [, , , alice, , owner, stranger] = d.signers;
      const wallet = await walletOperator(d, owner);
      const walletAddress = await wallet.getAddress();
      const r = await sign(d, owner, { customer: alice.address, amount: 1n, orderHash: hashOf("refused") });
      for (const mode of [WALLET_REFUSE, WALLET_REVERT]) {
        await wallet.setMode(mode);
        await expect(d.shop.redeemReceipt(r.receipt, walletAddress, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
          .withArgs(walletAddress);
      }
      await wallet.setMode(WALLET_VALIDATE);
      const forged = await sign(d, stranger, { customer: alice.address, amount: 1n, orderHash: hashOf("refused") });
      await expect(d.shop.redeemReceipt(forged.receipt, walletAddress, forged.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
        .withArgs(walletAddress);
      await expect(d.shop.redeemReceipt({ ...r.receipt, amount: 2n }, walletAddress, r.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
        .withArgs(walletAddress);
      // Once the wallet validates again, the owner's receipt redeems.
      await d.shop.redeemReceipt(r.receipt, walletAddress, r.signature);
      expect(await d.shop.isOrderIdUsed(r.receipt.orderId)).to.equal(true);
    });

    it("redeemReceipt reverts ShopReceiptSignerNotOperator for a wallet without the operator role", async () => {
      const d = await load(RULES);
      const [, , , alice, , owner] = d.signers;
      const wallet = (await d.ethers.deployContract("MockERC1271Wallet", [
        owner.address,
      ])) as unknown as MockERC1271Wallet;
      const walletAddress = await wallet.getAddress();
      const r = await sign(d, owner, { customer: alice.address, amount: 1n, orderHash: hashOf("no-role") });
      await expect(d.shop.redeemReceipt(r.receipt, walletAddress, r.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptSignerNotOperator")
        .withArgs(walletAddress);
      // Past its deadline (an hour), expiry is reported first, whoever the signer.
      await d.helpers.time.increase(DAY);
      await expect(d.shop.redeemReceipt(r.receipt, walletAddress, r.signature)).to.be.revertedWithCustomError(
        d.shop,
        "ShopReceiptExpired",
      );
    });
  });
});
