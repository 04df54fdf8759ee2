import { expect } from "chai";
import { concat, id, Signature, toBeHex, TypedDataEncoder, zeroPadValue } from "ethers";
import type { IShop } from "../../../types/ethers-contracts/index.js";
import { addShop, DAY, load, nextOrderIds, ONE, RECEIPT_TYPES, type Deployment, type IShopBase } from "../fixture.js";
import { ledger } from "./helpers.js";

/** Order of the secp256k1 group: (r, s, v) and (r, N - s, v ^ 1) recover the same address. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const ECRECOVER = "0x0000000000000000000000000000000000000001";

interface Parts {
  r: string;
  s: bigint;
  v: number;
}

function split(signature: string): Parts {
  return {
    r: "0x" + signature.slice(2, 66),
    s: BigInt("0x" + signature.slice(66, 130)),
    v: parseInt(signature.slice(130, 132), 16),
  };
}

function join(r: string, s: bigint, v: number): string {
  return concat([r, zeroPadValue(toBeHex(s), 32), toBeHex(v, 1)]);
}

/** What the bare ecrecover precompile returns for (digest, v, r, s): the address, or zero. */
async function ecrecover(d: Deployment, digest: string, p: Parts): Promise<string> {
  const out = await d.ethers.provider.call({
    to: ECRECOVER,
    data: concat([digest, zeroPadValue(toBeHex(p.v), 32), p.r, zeroPadValue(toBeHex(p.s), 32)]),
  });
  return out === "0x" ? "0x" : "0x" + out.slice(26);
}

interface SignedReceipt {
  receipt: IShopBase.ReceiptStruct & { orderHash: string; amount: bigint; orderId: bigint };
  signer: string;
  signature: string;
}

/**
 * A receipt for `shop` (the fixture's by default) signed by the operator in the domain of `overrides.shop` and
 * `overrides.chainId`: the receipt's `shop` and `chainId` fields name the same shop and chain, so a receipt signed
 * for another shop or chain is a genuine receipt of that shop or chain.
 */
async function receiptFor(
  d: Deployment,
  label: string,
  overrides: { shop?: IShop; chainId?: bigint } = {},
): Promise<SignedReceipt> {
  const now = await d.helpers.time.latest();
  const shop = await (overrides.shop ?? d.shop).getAddress();
  const chainId = overrides.chainId ?? (await d.ethers.provider.getNetwork()).chainId;
  const receipt = {
    shop,
    chainId,
    orderId: nextOrderIds(1),
    customer: d.signers[3].address,
    amount: ONE,
    orderHash: id(label),
    referrer: "0x" + "00".repeat(20),
    deadline: BigInt(now + DAY),
  };
  const domain = { name: "ShareMall Shop", version: "2", chainId, verifyingContract: shop };
  const signature = await d.operator.signTypedData(domain, RECEIPT_TYPES, receipt);
  expect(TypedDataEncoder.hash(domain, RECEIPT_TYPES, receipt)).to.have.length(66);
  return { receipt, signer: d.operator.address, signature };
}

/** The state a replayed or forged receipt could change. */
async function orderState(d: Deployment, shop: IShop = d.shop) {
  const today = await shop.today();
  const record = await shop.dayRecord(today);
  return {
    revenue: record.revenue,
    orderCount: record.orderCount,
    ledger: await ledger(d, d.shop, [d.token], [d.signers[3].address]),
  };
}

describe("Security: receipt signatures (malleability, replay across shops and chains)", () => {
  it("redeemReceipt refuses the high-s twin of a valid signature (which raw ecrecover accepts)", async () => {
    const d = await load();
    const signed = await receiptFor(d, "high-s");
    const digest = await d.shop.receiptDigest(signed.receipt);
    const p = split(signed.signature);
    expect(p.s <= SECP256K1_N / 2n).to.equal(true);
    const twin: Parts = { r: p.r, s: SECP256K1_N - p.s, v: p.v === 27 ? 28 : 27 };
    // The twin is a valid secp256k1 signature of the same digest by the same key...
    expect((await ecrecover(d, digest, twin)).toLowerCase()).to.equal(d.operator.address.toLowerCase());
    const before = await orderState(d);
    // ...but the shop's ECDSA refuses high s.
    await expect(d.shop.redeemReceipt(signed.receipt, signed.signer, join(twin.r, twin.s, twin.v)))
      .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
      .withArgs(d.operator.address);
    expect(await orderState(d)).to.deep.equal(before);
  });

  it("redeemReceipt refuses a 64-byte compact (EIP-2098) signature and v = 0/1 instead of 27/28", async () => {
    const d = await load();
    const signed = await receiptFor(d, "compact");
    const p = split(signed.signature);
    const compact = Signature.from(signed.signature).compactSerialized;
    expect((compact.length - 2) / 2).to.equal(64);
    const before = await orderState(d);
    for (const signature of [compact, join(p.r, p.s, p.v - 27)]) {
      await expect(d.shop.redeemReceipt(signed.receipt, signed.signer, signature))
        .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
        .withArgs(d.operator.address);
    }
    expect(await orderState(d)).to.deep.equal(before);
    // The canonical 65-byte signature works, once.
    await d.shop.redeemReceipt(signed.receipt, signed.signer, signed.signature);
    const after = await orderState(d);
    expect(after.orderCount).to.equal(before.orderCount + 1n);
    await expect(d.shop.redeemReceipt(signed.receipt, signed.signer, signed.signature))
      .to.be.revertedWithCustomError(d.shop, "ShopOrderIdUsed")
      .withArgs(signed.receipt.orderId);
    expect(await orderState(d)).to.deep.equal(after);
  });

  it("a receipt for shop A is refused by shop B (same operator in both), as is, or with its shop field edited", async () => {
    const d = await load();
    const shopB = await addShop(d, d.signers[10], d.operator);
    const signed = await receiptFor(d, "cross-shop");
    const a = await d.shop.getAddress();
    const b = await shopB.getAddress();
    const beforeA = await orderState(d);
    const beforeB = await orderState(d, shopB);
    await expect(shopB.redeemReceipt(signed.receipt, signed.signer, signed.signature))
      .to.be.revertedWithCustomError(shopB, "ShopReceiptWrongShop")
      .withArgs(b, a);
    // Editing the shop field breaks the signature: the domain's verifying contract and the struct both changed.
    await expect(shopB.redeemReceipt({ ...signed.receipt, shop: b }, signed.signer, signed.signature))
      .to.be.revertedWithCustomError(shopB, "ShopReceiptInvalidSignature")
      .withArgs(d.operator.address);
    expect(await orderState(d)).to.deep.equal(beforeA);
    expect(await orderState(d, shopB)).to.deep.equal(beforeB);
    // Each shop has its own EIP-712 domain.
    expect(await d.shop.receiptDigest(signed.receipt)).to.not.equal(await shopB.receiptDigest(signed.receipt));
  });

  it("a receipt signed for another chain is refused, as is, or with its chainId edited", async () => {
    const d = await load();
    const chainId = (await d.ethers.provider.getNetwork()).chainId;
    const foreign = await receiptFor(d, "cross-chain", { chainId: 1n });
    const before = await orderState(d);
    await expect(d.shop.redeemReceipt(foreign.receipt, foreign.signer, foreign.signature))
      .to.be.revertedWithCustomError(d.shop, "ShopReceiptWrongChain")
      .withArgs(chainId, 1n);
    await expect(d.shop.redeemReceipt({ ...foreign.receipt, chainId }, foreign.signer, foreign.signature))
      .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
      .withArgs(d.operator.address);
    expect(await orderState(d)).to.deep.equal(before);
  });

  it("a receipt with a field edited (amount, customer) or naming another operator as signer is refused", async () => {
    const d = await load();
    const signed = await receiptFor(d, "edited");
    const other = d.signers[6];
    await d.shop.grantRole(await d.shop.OPERATOR_ROLE(), other.address);
    const before = await orderState(d);
    for (const receipt of [
      { ...signed.receipt, amount: signed.receipt.amount * 100n },
      { ...signed.receipt, customer: d.signers[9].address },
    ]) {
      await expect(d.shop.redeemReceipt(receipt, signed.signer, signed.signature)).to.be.revertedWithCustomError(
        d.shop,
        "ShopReceiptInvalidSignature",
      );
    }
    await expect(d.shop.redeemReceipt(signed.receipt, other.address, signed.signature))
      .to.be.revertedWithCustomError(d.shop, "ShopReceiptInvalidSignature")
      .withArgs(other.address);
    expect(await orderState(d)).to.deep.equal(before);
  });
});
