import { expect } from "chai";
import { Signature, Wallet, id, type TypedDataDomain, type TypedDataField } from "ethers";
import { hashTypedData, recoverTypedDataAddress, type Hex as ViemHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidChainIdError,
  InvalidDeadlineError,
  InvalidOrderError,
  RECEIPT_TYPE,
  ReceiptExpiredError,
  ReceiptSignatureError,
  ReceiptWrongChainError,
  ReceiptWrongShopError,
  ShareMallError,
  assertReceiptNotExpired,
  buildReceipt,
  hashOrder,
  isReceiptExpired,
  receiptDigest,
  receiptToJson,
  receiptTypedData,
  recoverReceiptSigner,
  signReceipt,
  verifyReceipt,
  type ReceiptInput,
  type ReceiptSigner,
  type SignedReceipt,
} from "../../../sdk/src/index.js";
import { deploy, ONE } from "../fixture.js";
import { ALICE, BASE_CONTEXT, BASE_ORDER, BOB, CAROL, SHOP } from "./helpers.js";

const NOW = 1_767_225_600n;
/** A fixed test key (never use it for anything else). */
const OPERATOR_KEY = id("ShareMall SDK receipt test operator");
const operator = new Wallet(OPERATOR_KEY);
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const INPUT: ReceiptInput = {
  shop: SHOP,
  chainId: 31337,
  orderId: 1001n,
  customer: ALICE,
  amount: 300n * 10n ** 15n,
  orderHash: hashOrder(BASE_ORDER, BASE_CONTEXT),
  referrer: BOB,
  deadline: NOW + 3600n,
};

/** A signer that records whether it was asked to sign, delegating to `inner`. */
class SpySigner implements ReceiptSigner {
  calls = 0;
  constructor(
    private readonly inner: Wallet,
    private readonly replaceWith?: Wallet,
  ) {}
  getAddress(): Promise<string> {
    return this.inner.getAddress();
  }
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string> {
    this.calls++;
    return (this.replaceWith ?? this.inner).signTypedData(domain, types, value);
  }
}

async function rejects<E extends ShareMallError>(
  type: abstract new (...args: never[]) => E,
  p: Promise<unknown>,
): Promise<E> {
  try {
    await p;
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    return error as E;
  }
  return expect.fail(`expected ${type.name}`);
}

describe("SDK receipts", () => {
  let signed: SignedReceipt;
  before(async () => {
    signed = await signReceipt(operator, INPUT, { now: NOW });
  });

  describe("buildReceipt and signReceipt validation (typed error, nothing signed)", () => {
    const cases: [
      string,
      Partial<Record<keyof ReceiptInput, unknown>>,
      abstract new (...args: never[]) => ShareMallError,
      string?,
    ][] = [
      ["a malformed shop", { shop: "0x1" }, InvalidAddressError, "shop"],
      ["a zero customer", { customer: `0x${"0".repeat(40)}` }, InvalidAddressError, "customer"],
      ["a zero chain id", { chainId: 0 }, InvalidChainIdError],
      ["a zero order id", { orderId: 0n }, InvalidAmountError, "orderId"],
      ["an order id of 2^64", { orderId: 2n ** 64n }, InvalidAmountError, "orderId"],
      ["a fractional order id", { orderId: 1.5 }, InvalidAmountError, "orderId"],
      ["a missing order id (a core v1 receipt)", { orderId: undefined }, InvalidAmountError, "orderId"],
      ["a zero amount", { amount: 0 }, InvalidAmountError, "amount"],
      ["an amount of 2^96", { amount: 2n ** 96n }, InvalidAmountError, "amount"],
      ["a fractional amount", { amount: "1.5" }, InvalidAmountError, "amount"],
      ["a zero order hash", { orderHash: `0x${"0".repeat(64)}` }, InvalidBytes32Error, "orderHash"],
      ["a self-referral", { referrer: ALICE.toLowerCase() }, InvalidOrderError, "referrer"],
      ["a deadline in milliseconds", { deadline: Date.UTC(2026, 0, 1) }, InvalidDeadlineError, "deadline"],
      ["an expired deadline", { deadline: NOW - 1n }, ReceiptExpiredError],
    ];
    for (const [name, patch, type, field] of cases) {
      it(`refuses ${name}`, async () => {
        const input = { ...INPUT, ...patch } as ReceiptInput;
        const e = (() => {
          try {
            buildReceipt(input, { now: NOW });
          } catch (error) {
            return error;
          }
          return undefined;
        })();
        expect(e).to.be.instanceOf(type);
        if (field !== undefined) expect((e as { field: string }).field).to.equal(field);
        const spy = new SpySigner(operator);
        await rejects(type, signReceipt(spy, input, { now: NOW }));
        expect(spy.calls, "signTypedData calls").to.equal(0);
      });
    }

    it("accepts a deadline equal to now (the shop accepts block.timestamp <= deadline)", () => {
      expect(buildReceipt({ ...INPUT, deadline: NOW }, { now: NOW }).deadline).to.equal(NOW);
    });

    it("normalises: checksummed addresses, lower-case hash, bigints, zero address for no referrer", () => {
      const r = buildReceipt({
        ...INPUT,
        shop: SHOP.toLowerCase(),
        chainId: "31337",
        orderHash: INPUT.orderHash.toUpperCase().replace("0X", "0x"),
        referrer: undefined,
      });
      expect(r).to.deep.equal({
        shop: SHOP,
        chainId: 31337n,
        orderId: 1001n,
        customer: ALICE,
        amount: 300n * 10n ** 15n,
        orderHash: INPUT.orderHash.toLowerCase(),
        referrer: `0x${"0".repeat(40)}`,
        deadline: NOW + 3600n,
      });
      expect(buildReceipt(JSON.parse(JSON.stringify(receiptToJson(INPUT))) as ReceiptInput)).to.deep.equal(
        buildReceipt(INPUT),
      );
    });
  });

  describe("signing and recovery", () => {
    it("signReceipt with an ethers Wallet: ethers recovers the operator", () => {
      expect(signed.signer).to.equal(operator.address);
      expect(signed.signature).to.match(/^0x[0-9a-f]{130}$/);
      expect(recoverReceiptSigner(signed.receipt, signed.signature)).to.equal(operator.address);
    });

    it("viem computes the same digest and recovers the same signer from the SDK's signature", async () => {
      const typed = receiptTypedData(INPUT);
      const viemTyped = {
        domain: { ...typed.domain, verifyingContract: typed.domain.verifyingContract as ViemHex },
        types: { Receipt: typed.types.Receipt.map((f) => ({ name: f.name, type: f.type })) },
        primaryType: "Receipt" as const,
        message: { ...typed.message },
      };
      expect(hashTypedData(viemTyped)).to.equal(receiptDigest(INPUT));
      const recovered = await recoverTypedDataAddress({ ...viemTyped, signature: signed.signature as ViemHex });
      expect(recovered).to.equal(operator.address);
    });

    it("a signature made by viem verifies with the SDK", async () => {
      const account = privateKeyToAccount(OPERATOR_KEY as ViemHex);
      const typed = receiptTypedData(INPUT);
      const signature = await account.signTypedData({
        domain: { ...typed.domain, verifyingContract: typed.domain.verifyingContract as ViemHex },
        types: { Receipt: typed.types.Receipt.map((f) => ({ name: f.name, type: f.type })) },
        primaryType: "Receipt",
        message: { ...typed.message },
      });
      expect(signature).to.equal(signed.signature); // RFC 6979: same key, same digest, same signature
      const receipt = verifyReceipt(
        { receipt: INPUT, signer: account.address, signature },
        { shop: SHOP, chainId: 31337, now: NOW },
      );
      expect(receipt).to.deep.equal(signed.receipt);
    });

    it("the EIP-712 type string is the spec's", () => {
      const fields = receiptTypedData(INPUT)
        .types.Receipt.map((f) => `${f.type} ${f.name}`)
        .join(",");
      expect(`Receipt(${fields})`).to.equal(RECEIPT_TYPE);
      expect(RECEIPT_TYPE).to.equal(
        "Receipt(address shop,uint256 chainId,uint256 orderId,address customer,uint256 amount,bytes32 orderHash," +
          "address referrer,uint256 deadline)",
      );
      expect(receiptTypedData(INPUT).domain).to.deep.include({ name: "ShareMall Shop", version: "2" });
    });

    it("the order id is signed: another id is another digest, and the signature no longer recovers", () => {
      const other = { ...INPUT, orderId: 1002n };
      expect(receiptDigest(other)).to.not.equal(receiptDigest(INPUT));
      expect(recoverReceiptSigner(other, signed.signature)).to.not.equal(operator.address);
      expect(receiptToJson(INPUT).orderId).to.equal("1001");
    });

    it("signReceipt refuses a signature that does not recover to the signer, unless contractSigner", async () => {
      const other = new Wallet(id("another key"));
      const e = await rejects(ReceiptSignatureError, signReceipt(new SpySigner(operator, other), INPUT, { now: NOW }));
      expect(e.expected).to.equal(operator.address);
      expect(e.recovered).to.equal(other.address);
      const asContract = await signReceipt(new SpySigner(operator, other), INPUT, { now: NOW, contractSigner: true });
      expect(asContract.signer).to.equal(operator.address);
    });

    it("a receipt signed by the SDK with a Hardhat signer is the shop's digest and is redeemed by the shop", async () => {
      const d = await deploy();
      const customer = d.signers[4];
      const now = BigInt(await d.helpers.time.latest());
      const input: ReceiptInput = {
        shop: await d.shop.getAddress(),
        chainId: (await d.ethers.provider.getNetwork()).chainId,
        orderId: 77n,
        customer: customer.address,
        amount: 300n * 10n ** 15n,
        orderHash: hashOrder(BASE_ORDER, { ...BASE_CONTEXT, shop: await d.shop.getAddress() }),
        deadline: now + 600n,
      };
      const s = await signReceipt(d.operator, input, { now });
      expect(s.signer).to.equal(d.operator.address);
      expect(await d.shop.receiptDigest(s.receipt)).to.equal(receiptDigest(s.receipt));
      await d.shop.connect(customer).redeemReceipt(s.receipt, s.signer, s.signature);
      // WUYOU_RULES: one token per 300 CNY at 10^15 wei per CNY.
      expect(await d.token.balanceOf(customer.address)).to.equal(ONE);
      expect(await d.shop.isOrderIdUsed(77n)).to.equal(true);
    });
  });

  describe("verifyReceipt", () => {
    const expected = { shop: SHOP, chainId: 31337, now: NOW } as const;

    it("accepts the signed receipt (also after a JSON round trip) and returns it", () => {
      const json = JSON.parse(JSON.stringify({ ...signed, receipt: receiptToJson(signed.receipt) })) as {
        receipt: ReceiptInput;
        signer: string;
        signature: string;
      };
      expect(verifyReceipt(json, { ...expected, signer: operator.address })).to.deep.equal(signed.receipt);
    });

    it("refuses an expired receipt, then another chain, then another shop (the shop's order)", () => {
      expect(() => verifyReceipt(signed, { ...expected, now: NOW + 3601n })).to.throw(ReceiptExpiredError);
      const chain = (() => {
        try {
          verifyReceipt(signed, { ...expected, chainId: 1 });
        } catch (e) {
          return e as ReceiptWrongChainError;
        }
      })();
      expect(chain).to.be.instanceOf(ReceiptWrongChainError);
      expect(chain?.expected).to.equal(1n);
      expect(chain?.actual).to.equal(31337n);
      expect(() => verifyReceipt(signed, { ...expected, shop: CAROL })).to.throw(ReceiptWrongShopError);
      expect(() => verifyReceipt(signed, { ...expected, shop: CAROL, chainId: 1, now: NOW + 3601n })).to.throw(
        ReceiptExpiredError,
      );
    });

    it("refuses a tampered receipt, another claimed signer, and another expected signer", () => {
      const tampered = { ...signed, receipt: { ...signed.receipt, amount: signed.receipt.amount + 1n } };
      const e = (() => {
        try {
          verifyReceipt(tampered, expected);
        } catch (error) {
          return error as ReceiptSignatureError;
        }
      })();
      expect(e).to.be.instanceOf(ReceiptSignatureError);
      expect(e?.expected).to.equal(operator.address);
      expect(e?.recovered).to.not.equal(operator.address);
      expect(() => verifyReceipt({ ...signed, signer: CAROL }, expected)).to.throw(ReceiptSignatureError);
      expect(() => verifyReceipt(signed, { ...expected, signer: CAROL })).to.throw(ReceiptSignatureError);
    });

    it("refuses malleable (high-s), truncated and malformed signatures", () => {
      const sig = Signature.from(signed.signature);
      // The twin signature (r, n - s, flipped v) recovers the same address; OpenZeppelin's ECDSA refuses it.
      const highS = (SECP256K1_N - BigInt(sig.s)).toString(16).padStart(64, "0");
      const highSHex = sig.r + highS + (sig.v === 27 ? "1c" : "1b");
      expect(() => recoverReceiptSigner(signed.receipt, highSHex)).to.throw(ReceiptSignatureError, /high-s/);
      expect(() => recoverReceiptSigner(signed.receipt, signed.signature.slice(0, -2))).to.throw(ReceiptSignatureError);
      expect(() => recoverReceiptSigner(signed.receipt, "0x" + "00".repeat(65))).to.throw(ReceiptSignatureError);
      expect(() => verifyReceipt({ ...signed, signature: highSHex }, expected)).to.throw(ReceiptSignatureError);
    });
  });

  describe("expiry", () => {
    it("isReceiptExpired is false up to the deadline and true one second after", () => {
      expect(isReceiptExpired(signed.receipt, NOW + 3600n)).to.equal(false);
      expect(isReceiptExpired(signed.receipt, NOW + 3601n)).to.equal(true);
      expect(() => assertReceiptNotExpired(signed.receipt, NOW + 3600n)).to.not.throw();
      expect(() => assertReceiptNotExpired(signed.receipt, NOW + 3601n)).to.throw(ReceiptExpiredError);
      expect(() => isReceiptExpired(signed.receipt, -1)).to.throw(InvalidDeadlineError);
    });

    it("signReceipt refuses to sign an expired receipt", async () => {
      const spy = new SpySigner(operator);
      const e = await rejects(ReceiptExpiredError, signReceipt(spy, INPUT, { now: NOW + 3601n }));
      expect(e.deadline).to.equal(NOW + 3600n);
      expect(spy.calls).to.equal(0);
    });
  });
});
