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
import type { IShop, MockERC1271Wallet, Shop } from "../../types/ethers-contracts/index.js";
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
  order,
  owedOf,
  RECEIPT_TYPES,
  rulesWith,
  tokenParams,
  type Deployment,
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
}

interface Signed {
  receipt: IShop.ReceiptStruct;
  signature: string;
  domain: TypedDataDomain;
}

/** The receipt domain of `shop` as the spec fixes it. */
async function domainOf(d: Deployment, shop: Shop = d.shop): Promise<TypedDataDomain> {
  return {
    name: "ShareMall Shop",
    version: "1",
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
  shop: Shop = d.shop,
  domain: Partial<TypedDataDomain> = {},
): Promise<Signed> {
  const base = await domainOf(d, shop);
  const receipt = {
    shop: fields.shop ?? (base.verifyingContract as string),
    chainId: fields.chainId ?? BigInt(base.chainId as bigint),
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
async function footprint(shop: Shop, d: Deployment, day: bigint, holders: string[]): Promise<unknown[]> {
  const token = await d.ethers.getContractAt("DividendToken", (await shop.tokens())[0]);
  const config = await shop.tokenConfig(0);
  const record = await shop.dayRecord(day);
  const [owed, escrowed] = await shop.tokenDay(0, day);
  const out: unknown[] = [
    record.revenue,
    record.orderCount,
    owed,
    escrowed,
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
        model.order(o.customer, o.amount, o.referrer);
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
      expect((await d.shop.tokenDay(0, day))[0]).to.equal(owedOf(amounts, RULES));
      expect(await d.token.totalSupply()).to.equal(model.supply);
      expect((await d.shop.tokenConfig(0)).poolAllowance).to.equal(model.allowance);
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
        .withArgs(day, d.admin.address, owed, owed);
      await expect(twin.connect(d.admin).settle(day, { value: owed }))
        .to.emit(twin, "DaySettled")
        .withArgs(day, d.admin.address, owed, owed);
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
        .withArgs(hashOf("relay"), alice.address, day, RECEIPT_PATH, amount);
      await expect(tx).to.emit(d.shop, "ReferrerBound").withArgs(alice.address, bob.address);
      const consumption = consumptionOf(amount, RULES);
      expect(await d.token.balanceOf(alice.address)).to.equal(consumption);
      expect(await d.token.balanceOf(relayer.address)).to.equal(0n);
      expect(await d.shop.isOrderCounted(hashOf("relay"), alice.address)).to.equal(true);
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
      const changed: IShop.ReceiptStruct[] = [
        { ...receipt, shop: bob.address },
        { ...receipt, chainId: 1n },
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
        expect(domain.version).to.equal("1");
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
      const forA = await sign(d, d.operator, { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("ab") });
      await expect(shopB.redeemReceipt(forA.receipt, d.operator.address, forA.signature))
        .to.be.revertedWithCustomError(shopB, "ShopReceiptWrongShop")
        .withArgs(await shopB.getAddress(), shopA);
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
      expect(await d.shop.isOrderCounted(hashOf("ab"), alice.address)).to.equal(true);
      expect(await shopB.isOrderCounted(hashOf("ab"), alice.address)).to.equal(false);
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
      expect(await d.shop.isOrderCounted(hashOf("late"), alice.address)).to.equal(false);
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
      expect(await d.shop.isOrderCounted(hashOf("op-2"), alice.address)).to.equal(false);
    });

    it("redeemReceipt reverts ShopReceiptInvalidSignature for a tampered amount, another key, a high-s twin, a 64-byte or an empty signature", async () => {
      const d = await load(RULES);
      const [, , , alice, , stranger, second] = d.signers;
      await d.shop.connect(d.admin).grantRole(await d.shop.OPERATOR_ROLE(), second.address);
      const fields = { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("bad-sig") };
      const good = await sign(d, d.operator, fields);
      const op = d.operator.address;
      const expectInvalid = async (receipt: IShop.ReceiptStruct, signature: string, signer: string = op) =>
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

    it("redeemReceipt reverts ShopOrderAlreadyCounted on replay, by any submitter", async () => {
      const d = await load(RULES);
      const [, , , alice, bob] = d.signers;
      const r = await sign(d, d.operator, { customer: alice.address, amount: 10n ** 18n, orderHash: hashOf("once") });
      await d.shop.connect(alice).redeemReceipt(r.receipt, d.operator.address, r.signature);
      const balance = await d.token.balanceOf(alice.address);
      for (const submitter of [alice, bob, d.operator]) {
        await expect(d.shop.connect(submitter).redeemReceipt(r.receipt, d.operator.address, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
          .withArgs(hashOf("once"));
      }
      // A fresh receipt for the same order hash and customer (another amount) cannot count it again either.
      const again = await sign(d, d.operator, { customer: alice.address, amount: 5n, orderHash: hashOf("once") });
      await expect(d.shop.redeemReceipt(again.receipt, d.operator.address, again.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("once"));
      expect(await d.token.balanceOf(alice.address)).to.equal(balance);
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(1n);
      // The same hash for another customer is another order (the hash commits to its customer): it counts, once.
      const bobs = await sign(d, d.operator, { customer: bob.address, amount: 5n, orderHash: hashOf("once") });
      await d.shop.connect(bob).redeemReceipt(bobs.receipt, d.operator.address, bobs.signature);
      expect(await d.shop.isOrderCounted(hashOf("once"), bob.address)).to.equal(true);
      await expect(d.shop.connect(bob).redeemReceipt(bobs.receipt, d.operator.address, bobs.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
        .withArgs(hashOf("once"));
      expect((await d.shop.dayRecord(await d.shop.today())).orderCount).to.equal(2n);
    });

    it("redeemReceipt reverts ShopOrderAlreadyCounted for the customer's order hash counted by recordOrder, recordOrders, checkout or a batch leaf", async () => {
      const d = await load(RULES);
      const [, , , alice] = d.signers;
      await d.shop.connect(d.operator).recordOrder(order("p1", alice.address, 100n));
      await d.shop.connect(d.operator).recordOrders([order("p1b", alice.address, 100n)]);
      await d.shop.connect(alice).checkout(hashOf("p3"), ZeroAddress, { value: 100n });
      const leaf = batchLeaf(0n, hashOf("p4"), alice.address, 100n, ZeroAddress);
      await d.shop.connect(d.operator).anchorBatch(leaf, 1, 100n);
      await d.shop.connect(alice).mintFromBatch(leaf, 0, hashOf("p4"), alice.address, 100n, ZeroAddress, []);
      const day = await d.shop.today();
      const before = await d.shop.dayRecord(day);
      for (const label of ["p1", "p1b", "p3", "p4"]) {
        const r = await sign(d, d.operator, { customer: alice.address, amount: 200n, orderHash: hashOf(label) });
        await expect(d.shop.redeemReceipt(r.receipt, d.operator.address, r.signature))
          .to.be.revertedWithCustomError(d.shop, "ShopOrderAlreadyCounted")
          .withArgs(hashOf(label));
      }
      expect(await d.shop.dayRecord(day)).to.deep.equal(before);
    });

    it("redeemReceipt applies the order checks: ShopInvalidAmount, ShopInvalidCustomer, ShopInvalidOrderHash, ShopSelfReferral, ShopReferrerAlreadyBound", async () => {
      const d = await load(RULES);
      const [, , , alice, bob, carol] = d.signers;
      const op = d.operator.address;
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
      const first = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("f"),
        referrer: bob.address,
      });
      await d.shop.redeemReceipt(first.receipt, op, first.signature);
      const rebind = await sign(d, d.operator, {
        customer: alice.address,
        amount: 1n,
        orderHash: hashOf("r"),
        referrer: carol.address,
      });
      await expect(d.shop.redeemReceipt(rebind.receipt, op, rebind.signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReferrerAlreadyBound")
        .withArgs(alice.address, bob.address, carol.address);
      expect(await d.shop.customerOf(alice.address)).to.deep.equal([bob.address, true]);
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
        .withArgs(hashOf("1271"), alice.address, day, RECEIPT_PATH, amount);
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
      expect(await d.shop.isOrderCounted(hashOf("refused"), alice.address)).to.equal(true);
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
