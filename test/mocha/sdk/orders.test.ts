import { expect } from "chai";
import { keccak256 } from "ethers";
import {
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidChainIdError,
  InvalidDeadlineError,
  InvalidOrderError,
  InvalidSaltError,
  ShareMallError,
  createDisclosure,
  encodeOrder,
  hashOrder,
  newSalt,
  normalizeOrder,
  validateSalt,
  verifyDisclosure,
  verifyOrder,
  type OrderContext,
  type OrderDisclosure,
  type PrivateOrderInput,
} from "../../../sdk/src/index.js";
import { ALICE, BASE_CONTEXT, BASE_ORDER, BASE_SALT, BOB, CAROL, SHOP } from "./helpers.js";

/** Expects `hashOrder(order, context)` to fail with `type` for `field`. */
function refuses(
  type: abstract new (...args: never[]) => ShareMallError,
  field: string | undefined,
  order: PrivateOrderInput,
  context: OrderContext = BASE_CONTEXT,
): void {
  let error: unknown;
  try {
    hashOrder(order, context);
  } catch (e) {
    error = e;
  }
  expect(error, "error").to.be.instanceOf(type);
  if (field !== undefined) expect((error as { field?: string }).field).to.equal(field);
}

const withItem = (i: number, patch: Record<string, unknown>): PrivateOrderInput => ({
  ...BASE_ORDER,
  items: BASE_ORDER.items.map((item, k) => (k === i ? { ...item, ...patch } : item)),
});

describe("SDK orders", () => {
  describe("hashOrder", () => {
    it("is keccak256 of encodeOrder and deterministic", () => {
      const h = hashOrder(BASE_ORDER, BASE_CONTEXT);
      expect(h).to.match(/^0x[0-9a-f]{64}$/);
      expect(hashOrder(structuredClone(BASE_ORDER), { ...BASE_CONTEXT })).to.equal(h);
      expect(keccak256(encodeOrder(BASE_ORDER, BASE_CONTEXT))).to.equal(h);
    });

    it("ignores input form: address case, currency case, NFC, and bigint/number/string integers", () => {
      const h = hashOrder(BASE_ORDER, BASE_CONTEXT);
      const sameOrder: PrivateOrderInput = {
        orderId: "WY-2026-000001",
        customer: ALICE.toLowerCase(),
        amount: "300000000000000000",
        referrer: BOB.toLowerCase(),
        currency: "cny",
        fiatAmount: 30000,
        quotedRate: "1000000000000000",
        createdAt: "1767225600",
        items: [{ sku: "YDC-TEA-250G", quantity: "2", unitPrice: 15000 }],
      };
      const ctx = { shop: SHOP.toLowerCase(), chainId: "31337", salt: BASE_SALT.toUpperCase().replace("0X", "0x") };
      expect(hashOrder(sameOrder, ctx)).to.equal(h);
      const composed = { ...BASE_ORDER, orderId: "Caf\u00e9" };
      const decomposed = { ...BASE_ORDER, orderId: "Cafe\u0301" };
      expect(hashOrder(decomposed, BASE_CONTEXT)).to.equal(hashOrder(composed, BASE_CONTEXT));
      expect(normalizeOrder(decomposed).orderId).to.equal("Caf\u00e9");
    });

    it("treats a missing, null and zero-address referrer alike (no referrer)", () => {
      const { referrer: _omit, ...noReferrer } = BASE_ORDER;
      void _omit;
      const a = hashOrder(noReferrer, BASE_CONTEXT);
      expect(hashOrder({ ...BASE_ORDER, referrer: null }, BASE_CONTEXT)).to.equal(a);
      expect(hashOrder({ ...BASE_ORDER, referrer: `0x${"0".repeat(40)}` }, BASE_CONTEXT)).to.equal(a);
      expect(a).to.not.equal(hashOrder(BASE_ORDER, BASE_CONTEXT));
    });

    it("changes with every order field, every item field, item order, the salt, the shop and the chain id", () => {
      const base = hashOrder(BASE_ORDER, BASE_CONTEXT);
      const twoItems: PrivateOrderInput = {
        ...BASE_ORDER,
        items: [...BASE_ORDER.items, { sku: "YDC-CUP", quantity: 1n, unitPrice: 0n }],
      };
      const variants: [string, PrivateOrderInput, OrderContext][] = [
        ["orderId", { ...BASE_ORDER, orderId: "WY-2026-000002" }, BASE_CONTEXT],
        ["customer", { ...BASE_ORDER, customer: CAROL }, BASE_CONTEXT],
        ["amount", { ...BASE_ORDER, amount: 300n * 10n ** 15n + 1n }, BASE_CONTEXT],
        ["referrer", { ...BASE_ORDER, referrer: CAROL }, BASE_CONTEXT],
        ["currency", { ...BASE_ORDER, currency: "USD" }, BASE_CONTEXT],
        ["fiatAmount", { ...BASE_ORDER, fiatAmount: 30_001n }, BASE_CONTEXT],
        ["quotedRate", { ...BASE_ORDER, quotedRate: 10n ** 15n + 1n }, BASE_CONTEXT],
        ["createdAt", { ...BASE_ORDER, createdAt: 1_767_225_601n }, BASE_CONTEXT],
        ["items (empty)", { ...BASE_ORDER, items: [] }, BASE_CONTEXT],
        ["items[0].sku", withItem(0, { sku: "YDC-TEA-500G" }), BASE_CONTEXT],
        ["items[0].quantity", withItem(0, { quantity: 3n }), BASE_CONTEXT],
        ["items[0].unitPrice", withItem(0, { unitPrice: 15_001n }), BASE_CONTEXT],
        ["items (added)", twoItems, BASE_CONTEXT],
        ["items (reordered)", { ...twoItems, items: [...twoItems.items].reverse() }, BASE_CONTEXT],
        ["salt", BASE_ORDER, { ...BASE_CONTEXT, salt: newSalt() }],
        ["shop", BASE_ORDER, { ...BASE_CONTEXT, shop: CAROL }],
        ["chainId", BASE_ORDER, { ...BASE_CONTEXT, chainId: 31_338n }],
      ];
      const seen = new Set([base]);
      for (const [name, order, ctx] of variants) {
        const h = hashOrder(order, ctx);
        expect(seen.has(h), name).to.equal(false);
        seen.add(h);
      }
      // Same strings, different split between fields: the ABI encoding keeps field boundaries.
      expect(
        hashOrder({ ...BASE_ORDER, orderId: "AB", items: [{ sku: "C", quantity: 1, unitPrice: 1 }] }, BASE_CONTEXT),
      ).to.not.equal(
        hashOrder({ ...BASE_ORDER, orderId: "A", items: [{ sku: "BC", quantity: 1, unitPrice: 1 }] }, BASE_CONTEXT),
      );
    });
  });

  describe("hashOrder validation (typed error, nothing hashed)", () => {
    it("orderId: empty, not a string, unpaired surrogate", () => {
      refuses(InvalidOrderError, "orderId", { ...BASE_ORDER, orderId: "" });
      refuses(InvalidOrderError, "orderId", { ...BASE_ORDER, orderId: 42 as unknown as string });
      refuses(InvalidOrderError, "orderId", { ...BASE_ORDER, orderId: "bad\ud800" });
    });

    it("customer: malformed, bad checksum, zero", () => {
      refuses(InvalidAddressError, "customer", { ...BASE_ORDER, customer: "0x1234" });
      refuses(InvalidAddressError, "customer", { ...BASE_ORDER, customer: ALICE.replace("C5", "c5") });
      refuses(InvalidAddressError, "customer", { ...BASE_ORDER, customer: `0x${"0".repeat(40)}` });
    });

    it("amount: zero, 2^96, negative, fractional, non-integer string", () => {
      for (const amount of [0n, 2n ** 96n, -1n, 1.5, "1e18", "12abc"]) {
        refuses(InvalidAmountError, "amount", { ...BASE_ORDER, amount });
      }
    });

    it("referrer: malformed, or the customer itself", () => {
      refuses(InvalidAddressError, "referrer", { ...BASE_ORDER, referrer: "bob" });
      refuses(InvalidOrderError, "referrer", { ...BASE_ORDER, referrer: ALICE.toLowerCase() });
    });

    it("currency: not three ASCII letters", () => {
      for (const currency of ["CN", "CNYY", "C1Y", "€UR", "", " CNY"]) {
        refuses(InvalidOrderError, "currency", { ...BASE_ORDER, currency });
      }
    });

    it("fiatAmount, quotedRate: negative or fractional; createdAt: milliseconds or negative", () => {
      refuses(InvalidAmountError, "fiatAmount", { ...BASE_ORDER, fiatAmount: -1 });
      refuses(InvalidAmountError, "quotedRate", { ...BASE_ORDER, quotedRate: "0.5" });
      refuses(InvalidDeadlineError, "createdAt", { ...BASE_ORDER, createdAt: 1_767_225_600_000 });
      refuses(InvalidDeadlineError, "createdAt", { ...BASE_ORDER, createdAt: -5 });
    });

    it("items: not an array, item not an object, empty sku, zero quantity, negative price", () => {
      refuses(InvalidOrderError, "items", { ...BASE_ORDER, items: {} as unknown as [] });
      refuses(InvalidOrderError, "items[0]", {
        ...BASE_ORDER,
        items: [null as unknown as { sku: string; quantity: 1; unitPrice: 1 }],
      });
      refuses(InvalidOrderError, "items[0].sku", withItem(0, { sku: "" }));
      refuses(InvalidAmountError, "items[0].quantity", withItem(0, { quantity: 0 }));
      refuses(InvalidAmountError, "items[0].unitPrice", withItem(0, { unitPrice: -1n }));
    });

    it("unknown fields in the order or an item are refused (the hash would not cover them)", () => {
      refuses(InvalidOrderError, "note", { ...BASE_ORDER, note: "gift" } as PrivateOrderInput);
      refuses(InvalidOrderError, "items[0].colour", withItem(0, { colour: "green" }));
    });

    it("context: bad shop, zero chain id, zero or short salt", () => {
      refuses(InvalidAddressError, "shop", BASE_ORDER, { ...BASE_CONTEXT, shop: "0xshop" });
      refuses(InvalidChainIdError, undefined, BASE_ORDER, { ...BASE_CONTEXT, chainId: 0 });
      refuses(InvalidSaltError, undefined, BASE_ORDER, { ...BASE_CONTEXT, salt: `0x${"0".repeat(64)}` });
      refuses(InvalidSaltError, undefined, BASE_ORDER, { ...BASE_CONTEXT, salt: "0x1234" });
    });
  });

  describe("newSalt", () => {
    it("returns 32 random, valid, distinct bytes", () => {
      const salts = new Set(Array.from({ length: 64 }, () => newSalt()));
      expect(salts.size).to.equal(64);
      for (const s of salts) expect(validateSalt(s)).to.equal(s);
      // Every hex digit position varies across 64 salts (a constant position would mean a broken generator).
      for (let i = 2; i < 66; i++)
        expect(new Set([...salts].map((s) => s[i])).size, `position ${i}`).to.be.greaterThan(1);
    });
  });

  describe("verifyOrder / disclosure", () => {
    const orderHash = hashOrder(BASE_ORDER, BASE_CONTEXT);

    it("verifyOrder accepts the disclosed order with its salt, shop and chain id", () => {
      expect(verifyOrder(BASE_ORDER, BASE_SALT, SHOP, 31337, orderHash)).to.equal(true);
      expect(verifyOrder(BASE_ORDER, BASE_SALT, SHOP, 31337, orderHash.toUpperCase().replace("0X", "0x"))).to.equal(
        true,
      );
    });

    it("verifyOrder rejects a changed field, another salt, shop or chain, and another hash", () => {
      expect(verifyOrder({ ...BASE_ORDER, amount: 1n }, BASE_SALT, SHOP, 31337, orderHash)).to.equal(false);
      expect(verifyOrder(withItem(0, { quantity: 1n }), BASE_SALT, SHOP, 31337, orderHash)).to.equal(false);
      expect(verifyOrder(BASE_ORDER, newSalt(), SHOP, 31337, orderHash)).to.equal(false);
      expect(verifyOrder(BASE_ORDER, BASE_SALT, CAROL, 31337, orderHash)).to.equal(false);
      expect(verifyOrder(BASE_ORDER, BASE_SALT, SHOP, 1, orderHash)).to.equal(false);
      expect(verifyOrder(BASE_ORDER, BASE_SALT, SHOP, 31337, keccak256(orderHash))).to.equal(false);
    });

    it("verifyOrder throws typed errors for malformed input instead of answering", () => {
      expect(() => verifyOrder(BASE_ORDER, BASE_SALT, SHOP, 31337, "0x12")).to.throw(InvalidBytes32Error);
      expect(() => verifyOrder({ ...BASE_ORDER, amount: -1n }, BASE_SALT, SHOP, 31337, orderHash)).to.throw(
        InvalidAmountError,
      );
    });

    it("a disclosure survives a JSON round trip and verifies against the on-chain hash", () => {
      const disclosure = createDisclosure(BASE_ORDER, BASE_CONTEXT);
      expect(disclosure.orderHash).to.equal(orderHash);
      const parsed = JSON.parse(JSON.stringify(disclosure)) as OrderDisclosure;
      expect(parsed.order.amount).to.equal("300000000000000000");
      expect(verifyDisclosure(parsed, orderHash)).to.equal(true);
      expect(verifyOrder(parsed.order, parsed.salt, parsed.shop, parsed.chainId, orderHash)).to.equal(true);
    });

    it("verifyDisclosure rejects a tampered order, a wrong claimed hash and another on-chain hash", () => {
      const disclosure = createDisclosure(BASE_ORDER, BASE_CONTEXT);
      const tampered = { ...disclosure, order: { ...disclosure.order, fiatAmount: "1" } };
      expect(verifyDisclosure(tampered, orderHash)).to.equal(false);
      expect(verifyDisclosure({ ...disclosure, orderHash: keccak256(orderHash) as `0x${string}` }, orderHash)).to.equal(
        false,
      );
      expect(verifyDisclosure(disclosure, keccak256(orderHash))).to.equal(false);
      expect(() => verifyDisclosure({ ...disclosure, version: 2 as 1 }, orderHash)).to.throw(InvalidOrderError);
    });
  });
});
