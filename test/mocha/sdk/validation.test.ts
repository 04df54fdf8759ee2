import { expect } from "chai";
import {
  InvalidAddressError,
  InvalidAmountError,
  InvalidBytes32Error,
  InvalidChainIdError,
  InvalidDeadlineError,
  InvalidSaltError,
  ReceiptExpiredError,
  ShareMallError,
  UINT64_MAX,
  UINT96_MAX,
  ZERO_ADDRESS,
  validateAddress,
  validateAmount,
  validateBytes32,
  validateChainId,
  validateDeadline,
  validateOptionalAddress,
  validateOrderId,
  validateSalt,
  validateUnixSeconds,
  validateWeiAmount,
} from "../../../sdk/src/index.js";
import { ALICE } from "./helpers.js";

/** Runs `fn`, expects it to throw `type`, and returns the error for field checks. */
function thrown<E extends Error>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(type);
    expect(error).to.be.instanceOf(ShareMallError);
    return error as E;
  }
  expect.fail(`expected ${type.name}`);
}

describe("SDK validation", () => {
  describe("validateAddress", () => {
    it("returns the EIP-55 checksum for lower-case, upper-case and checksummed input", () => {
      expect(validateAddress("a", ALICE.toLowerCase())).to.equal(ALICE);
      expect(validateAddress("a", "0x" + ALICE.slice(2).toUpperCase())).to.equal(ALICE);
      expect(validateAddress("a", ALICE)).to.equal(ALICE);
    });

    it("refuses a mixed-case address with a wrong checksum, naming the field", () => {
      const flipped = ALICE.replace("C51812dc", "c51812dc");
      const e = thrown(InvalidAddressError, () => validateAddress("customer", flipped));
      expect(e.field).to.equal("customer");
      expect(e.value).to.equal(flipped);
      expect(e.reason).to.match(/checksum/);
      expect(e.message).to.include('"customer"');
    });

    it("refuses malformed values: short, long, no 0x, non-hex, non-string", () => {
      for (const v of ["0x1234", ALICE + "00", ALICE.slice(2) + "00", "0x" + "g".repeat(40), 123, null, undefined]) {
        const e = thrown(InvalidAddressError, () => validateAddress("shop", v));
        expect(e.field).to.equal("shop");
      }
    });

    it("refuses the zero address unless allowZero", () => {
      const e = thrown(InvalidAddressError, () => validateAddress("customer", ZERO_ADDRESS));
      expect(e.reason).to.match(/zero address/);
      expect(validateAddress("referrer", ZERO_ADDRESS, { allowZero: true })).to.equal(ZERO_ADDRESS);
    });

    it("validateOptionalAddress maps undefined and null to the zero address and still checks a given value", () => {
      expect(validateOptionalAddress("referrer", undefined)).to.equal(ZERO_ADDRESS);
      expect(validateOptionalAddress("referrer", null)).to.equal(ZERO_ADDRESS);
      thrown(InvalidAddressError, () => validateOptionalAddress("referrer", ""));
    });
  });

  describe("validateAmount", () => {
    it("accepts bigint, safe-integer number and decimal strings", () => {
      expect(validateAmount("x", 5n)).to.equal(5n);
      expect(validateAmount("x", 0)).to.equal(0n);
      expect(validateAmount("x", Number.MAX_SAFE_INTEGER)).to.equal(BigInt(Number.MAX_SAFE_INTEGER));
      expect(validateAmount("x", "007")).to.equal(7n);
      expect(validateAmount("x", (2n ** 256n - 1n).toString())).to.equal(2n ** 256n - 1n);
    });

    const cases: [string, unknown, RegExp][] = [
      ["negative bigint", -1n, /negative/],
      ["negative number", -3, /negative/],
      ["negative string", "-3", /negative/],
      ["fractional number", 1.5, /fraction/],
      ["fractional string", "1.5", /fraction/],
      ["NaN", Number.NaN, /NaN/],
      ["Infinity", Number.POSITIVE_INFINITY, /finite/],
      ["unsafe number", 2 ** 60, /precision/],
      ["hex string", "0x10", /decimal digits/],
      ["exponent string", "1e18", /decimal digits/],
      ["spaced string", " 1", /decimal digits/],
      ["empty string", "", /empty/],
      ["boolean", true, /expected a bigint/],
      ["object", { value: 1 }, /expected a bigint/],
      ["above uint256", 2n ** 256n, /2\^256 - 1/],
    ];
    for (const [name, value, reason] of cases) {
      it(`refuses a ${name} with InvalidAmountError naming the field and reason`, () => {
        const e = thrown(InvalidAmountError, () => validateAmount("fiatAmount", value));
        expect(e.field).to.equal("fiatAmount");
        expect(e.reason).to.match(reason);
        expect(e.message).to.include("fiatAmount");
      });
    }

    it("validateWeiAmount enforces 1 .. 2^96 - 1 (the shop's uint96, no zero orders)", () => {
      expect(validateWeiAmount("amount", UINT96_MAX)).to.equal(UINT96_MAX);
      expect(validateWeiAmount("amount", 1)).to.equal(1n);
      expect(thrown(InvalidAmountError, () => validateWeiAmount("amount", UINT96_MAX + 1n)).reason).to.match(/2\^96/);
      expect(thrown(InvalidAmountError, () => validateWeiAmount("amount", 0n)).reason).to.match(/minimum 1/);
    });

    it("validateOrderId enforces 1 .. 2^64 - 1 (the shop's uint64 order ids; 0 is no id)", () => {
      expect(validateOrderId("orderId", 1)).to.equal(1n);
      expect(validateOrderId("orderId", "18446744073709551615")).to.equal(UINT64_MAX);
      expect(validateOrderId("orderId", UINT64_MAX)).to.equal((1n << 64n) - 1n);
      const zero = thrown(InvalidAmountError, () => validateOrderId("orders[3].orderId", 0));
      expect([zero.field, zero.reason]).to.deep.equal(["orders[3].orderId", "below the minimum 1"]);
      expect(thrown(InvalidAmountError, () => validateOrderId("orderId", UINT64_MAX + 1n)).reason).to.match(
        /2\^64 - 1/,
      );
      for (const bad of [-1, 1.5, "0x10", "1e3", "", null, undefined, 2 ** 53]) {
        expect(thrown(InvalidAmountError, () => validateOrderId("orderId", bad)).field).to.equal("orderId");
      }
    });
  });

  describe("validateBytes32 / validateSalt", () => {
    it("validateBytes32 lower-cases and refuses wrong length, non-hex, and zero when asked", () => {
      expect(validateBytes32("h", "0x" + "AB".repeat(32))).to.equal("0x" + "ab".repeat(32));
      for (const v of ["0x" + "ab".repeat(31), "0x" + "zz".repeat(32), "ab".repeat(32), 5]) {
        expect(thrown(InvalidBytes32Error, () => validateBytes32("orderHash", v)).field).to.equal("orderHash");
      }
      expect(validateBytes32("h", "0x" + "00".repeat(32))).to.equal("0x" + "00".repeat(32));
      thrown(InvalidBytes32Error, () => validateBytes32("orderHash", "0x" + "00".repeat(32), { allowZero: false }));
    });

    it("validateSalt refuses malformed and all-zero salts with InvalidSaltError", () => {
      expect(thrown(InvalidSaltError, () => validateSalt("0x" + "00".repeat(32))).reason).to.match(/random/);
      expect(thrown(InvalidSaltError, () => validateSalt("0x1234")).reason).to.match(/64 hex/);
      thrown(InvalidSaltError, () => validateSalt(undefined));
    });
  });

  describe("validateChainId", () => {
    it("accepts positive integers and refuses zero, negatives, fractions and junk with InvalidChainIdError", () => {
      expect(validateChainId(31337)).to.equal(31337n);
      expect(validateChainId("1")).to.equal(1n);
      for (const v of [0, -1, 1.5, "abc", null]) thrown(InvalidChainIdError, () => validateChainId(v));
    });
  });

  describe("validateUnixSeconds / validateDeadline", () => {
    it("validateUnixSeconds refuses millisecond timestamps, negatives and values above uint64", () => {
      expect(validateUnixSeconds("createdAt", 1_767_225_600)).to.equal(1_767_225_600n);
      expect(thrown(InvalidDeadlineError, () => validateUnixSeconds("createdAt", 1_767_225_600_000)).reason).to.match(
        /milliseconds/,
      );
      expect(thrown(InvalidDeadlineError, () => validateUnixSeconds("createdAt", -1)).field).to.equal("createdAt");
      thrown(InvalidDeadlineError, () => validateUnixSeconds("deadline", 2n ** 64n));
    });

    it("validateDeadline accepts now == deadline and refuses now == deadline + 1 with ReceiptExpiredError", () => {
      expect(validateDeadline(1000, 1000)).to.equal(1000n);
      const e = thrown(ReceiptExpiredError, () => validateDeadline(1000, 1001));
      expect(e.deadline).to.equal(1000n);
      expect(e.now).to.equal(1001n);
      expect(validateDeadline(5)).to.equal(5n);
    });
  });
});
