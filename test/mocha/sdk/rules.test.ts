import { expect } from "chai";
import {
  InvalidRulesError,
  InvalidTokenParamsError,
  ShareMallError,
  TOKEN_RULES_FIELDS,
  UINT96_MAX,
  classifyRulesChange,
  defineRules,
  describeRules,
  formatRules,
  tokenParams,
  validateTokenRules,
  type RulesInput,
  type TokenRules,
} from "../../../sdk/src/index.js";
import { DAY, ONE, WUYOU_RULES, addToken, load, rulesOf, rulesTuple, type Deployment } from "../fixture.js";

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

/** The example of the SDK docs. */
const EXAMPLE: RulesInput = {
  spendPerToken: "0.3",
  dividend: "20%",
  referral: { share: "5%", oneTokenPer: 10, minFirstOrder: "0.1" },
  pool: { tokens: 1, per: 9 },
  maxSupply: "1000000",
};

/** Base rules of the contract table: every field set, so that each can move either way. */
const BASE_INPUT: RulesInput = {
  spendPerToken: "0.3",
  dividend: "20%",
  referral: { share: "10%", oneTokenPer: 3, minFirstOrder: "0.1" },
  pool: { tokens: 1, per: 9 },
  maxSupply: "1000",
};

/** A small deterministic PRNG (mulberry32), so the property tests are reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random bigint in [0, max], biased toward zero and small values so that every branch shows up. */
function randomUpTo(rand: () => number, max: bigint): bigint {
  const pick = rand();
  if (pick < 0.2) return 0n;
  if (pick < 0.3) return max;
  if (pick < 0.6) return BigInt(Math.floor(rand() * 1000)) % (max + 1n);
  let n = 0n;
  for (let i = 0; i < 4; i++) n = (n << 32n) | BigInt(Math.floor(rand() * 4294967296));
  return n % (max + 1n);
}

/** Random valid on-chain rules. */
function randomRules(rand: () => number): TokenRules {
  const poolDen = rand() < 0.3 ? 0n : 1n + randomUpTo(rand, 65534n);
  const rules: TokenRules = {
    spendPerToken: randomUpTo(rand, UINT96_MAX),
    minFirstOrder: randomUpTo(rand, UINT96_MAX),
    referralsPerToken: randomUpTo(rand, (1n << 32n) - 1n),
    dividendBps: randomUpTo(rand, 10_000n),
    referralBps: randomUpTo(rand, 10_000n),
    maxSupply: randomUpTo(rand, UINT96_MAX),
    poolNum: poolDen === 0n ? 0n : randomUpTo(rand, poolDen),
    poolDen,
  };
  if (rules.spendPerToken === 0n && rules.referralsPerToken === 0n) rules.dividendBps = 0n;
  return rules;
}

describe("SDK rules", () => {
  describe("defineRules", () => {
    it("builds the documented example with the contract's exact bigints", () => {
      expect(defineRules(EXAMPLE)).to.deep.equal({
        spendPerToken: 3n * 10n ** 17n,
        minFirstOrder: 10n ** 17n,
        referralsPerToken: 10n,
        dividendBps: 2000n,
        referralBps: 500n,
        maxSupply: 1_000_000n * ONE,
        poolNum: 1n,
        poolDen: 9n,
      });
    });

    it("builds the fixture's Wuyou rules from their human form", () => {
      const rules = defineRules({
        spendPerToken: "0.3",
        dividend: "20%",
        referral: { share: "10%" },
        pool: { tokens: 1, per: 9 },
      });
      expect(rules).to.deep.equal(WUYOU_RULES);
    });

    it("accepts { wei } and { bps } forms, '20 %' with a space, trailing zeros and numeric strings for counts", () => {
      const rules = defineRules({
        spendPerToken: { wei: 300_000_000_000_000_000n },
        dividend: { bps: 2000 },
        referral: { share: "5.00 %", oneTokenPer: "10", minFirstOrder: { wei: "100000000000000000" } },
        pool: { tokens: "1", per: 9n },
        maxSupply: { wei: 1_000_000n * ONE },
      });
      expect(rules).to.deep.equal(defineRules(EXAMPLE));
    });

    it("treats null and omitted parts as off: no consumption, no referral, no pool, no cap", () => {
      expect(
        defineRules({ spendPerToken: null, dividend: "0%", referral: null, pool: null, maxSupply: null }),
      ).to.deep.equal({
        spendPerToken: 0n,
        minFirstOrder: 0n,
        referralsPerToken: 0n,
        dividendBps: 0n,
        referralBps: 0n,
        maxSupply: 0n,
        poolNum: 0n,
        poolDen: 0n,
      });
      expect(defineRules({ spendPerToken: "1", dividend: "1%" })).to.include({ poolDen: 0n, maxSupply: 0n });
    });

    it("accepts the extremes: one wei, 0.01 %, 100 %, 2^96 - 1 wei, 1:1 pool, uint32 and uint16 maxima", () => {
      const rules = defineRules({
        spendPerToken: "0.000000000000000001",
        dividend: "100%",
        referral: { share: "0.01%", oneTokenPer: 2 ** 32 - 1, minFirstOrder: { wei: UINT96_MAX } },
        pool: { tokens: 65535, per: 65535 },
        maxSupply: { wei: UINT96_MAX },
      });
      expect(rules).to.deep.equal({
        spendPerToken: 1n,
        minFirstOrder: UINT96_MAX,
        referralsPerToken: 4294967295n,
        dividendBps: 10_000n,
        referralBps: 1n,
        maxSupply: UINT96_MAX,
        poolNum: 65535n,
        poolDen: 65535n,
      });
    });

    it("allows dividends with only a referral minting rule (oneTokenPer), as RulesLib does", () => {
      expect(defineRules({ spendPerToken: null, dividend: "5%", referral: { oneTokenPer: 4 } })).to.include({
        dividendBps: 500n,
        referralsPerToken: 4n,
      });
    });
  });

  describe("defineRules validation: each failure names its field", () => {
    const base = EXAMPLE;
    const big = "79228162514.264337593543950336"; // 2^96 wei in coin
    const cases: [string, unknown, string, RegExp][] = [
      ["dividend above 100 %", { ...base, dividend: "100.01%" }, "dividend", /above 100 %/],
      ["dividend { bps } above 10000", { ...base, dividend: { bps: 10_001 } }, "dividend", /above 100 %/],
      ["referral share above 100 %", { ...base, referral: { share: "101%" } }, "referral.share", /above 100 %/],
      ["pool tokens above per", { ...base, pool: { tokens: 10, per: 9 } }, "pool.tokens", /above the denominator/],
      ["pool per zero", { ...base, pool: { tokens: 1, per: 0 } }, "pool.per", /zero/],
      ["pool per zero with zero tokens", { ...base, pool: { tokens: 0, per: 0 } }, "pool.per", /zero/],
      [
        "dividends without a minting rule",
        { spendPerToken: null, dividend: "20%", referral: { share: "5%" } },
        "dividend",
        /need a minting rule/,
      ],
      ["spendPerToken 2^96 wei", { ...base, spendPerToken: big }, "spendPerToken", /above the maximum 2\^96 - 1/],
      ["spendPerToken { wei } 2^96", { ...base, spendPerToken: { wei: 1n << 96n } }, "spendPerToken", /2\^96/],
      ["maxSupply 2^96 token-wei", { ...base, maxSupply: big }, "maxSupply", /2\^96/],
      ["minFirstOrder 2^96 wei", { ...base, referral: { minFirstOrder: big } }, "referral.minFirstOrder", /2\^96/],
      [
        "oneTokenPer 2^32",
        { ...base, referral: { oneTokenPer: 2 ** 32 } },
        "referral.oneTokenPer",
        /above the maximum/,
      ],
      ["pool per 65536", { ...base, pool: { tokens: 1, per: 65536 } }, "pool.per", /above the maximum/],
      ["dividend 0.005 %", { ...base, dividend: "0.005%" }, "dividend", /finer than 0\.01 %/],
      ["referral share 5.125 %", { ...base, referral: { share: "5.125%" } }, "referral.share", /finer than 0\.01/],
      ["dividend negative", { ...base, dividend: "-5%" }, "dividend", /negative/],
      ["dividend without %", { ...base, dividend: "20" }, "dividend", /missing "%"/],
      ["dividend non-numeric", { ...base, dividend: "twenty%" }, "dividend", /percentage/],
      ["dividend as a number", { ...base, dividend: 20 }, "dividend", /percentage/],
      ["dividend { bps } fraction", { ...base, dividend: { bps: 1.5 } }, "dividend.bps", /fraction/],
      ["spendPerToken negative", { ...base, spendPerToken: "-0.3" }, "spendPerToken", /negative/],
      ["spendPerToken non-numeric", { ...base, spendPerToken: "0.3 ETH" }, "spendPerToken", /decimal string/],
      ["spendPerToken empty", { ...base, spendPerToken: "" }, "spendPerToken", /empty/],
      ["spendPerToken as a number", { ...base, spendPerToken: 0.3 }, "spendPerToken", /numbers are refused/],
      ["spendPerToken NaN", { ...base, spendPerToken: NaN }, "spendPerToken", /numbers are refused/],
      [
        "spendPerToken with 19 decimals",
        { ...base, spendPerToken: "0.0000000000000000001" },
        "spendPerToken",
        /more than 18 decimals/,
      ],
      ["spendPerToken zero", { ...base, spendPerToken: "0" }, "spendPerToken", /use null/],
      ["spendPerToken { wei: 0 }", { ...base, spendPerToken: { wei: 0n } }, "spendPerToken", /use null/],
      ["spendPerToken { wei } negative", { ...base, spendPerToken: { wei: -1n } }, "spendPerToken.wei", /negative/],
      ["spendPerToken missing", { dividend: "20%" }, "spendPerToken", /missing/],
      ["dividend missing", { spendPerToken: "0.3" }, "dividend", /missing/],
      ["maxSupply zero", { ...base, maxSupply: "0" }, "maxSupply", /use null/],
      ["oneTokenPer zero", { ...base, referral: { oneTokenPer: 0 } }, "referral.oneTokenPer", /use null/],
      ["oneTokenPer NaN", { ...base, referral: { oneTokenPer: NaN } }, "referral.oneTokenPer", /NaN/],
      ["oneTokenPer negative", { ...base, referral: { oneTokenPer: -1 } }, "referral.oneTokenPer", /negative/],
      ["oneTokenPer fraction", { ...base, referral: { oneTokenPer: 2.5 } }, "referral.oneTokenPer", /fraction/],
      ["pool tokens NaN", { ...base, pool: { tokens: NaN, per: 9 } }, "pool.tokens", /NaN/],
      ["pool tokens missing", { ...base, pool: { per: 9 } }, "pool.tokens", /missing/],
      ["pool not an object", { ...base, pool: "1/9" }, "pool", /expected/],
      ["unknown top-level field", { ...base, dividends: "20%" }, "dividends", /unknown field/],
      ["unknown referral field", { ...base, referral: { shares: "5%" } }, "referral.shares", /unknown field/],
      ["not an object", "0.3", "rules", /expected an object/],
    ];
    for (const [label, input, field, reason] of cases) {
      it(`refuses ${label} with InvalidRulesError("${field}")`, () => {
        const e = thrown(InvalidRulesError, () => defineRules(input as RulesInput));
        expect(e.field).to.equal(field);
        expect(e.reason).to.match(reason);
        expect(e.code).to.equal("INVALID_RULES");
        expect(e.message).to.include(`"${field}"`);
      });
    }
  });

  describe("validateTokenRules", () => {
    const valid = defineRules(EXAMPLE);
    const cases: [string, Partial<Record<keyof TokenRules, unknown>>, number, string, RegExp][] = [
      ["dividendBps above 10000", { dividendBps: 10_001n }, 0, "dividendBps", /above 100 %/],
      ["referralBps above 10000", { referralBps: 10_001n }, 0, "referralBps", /above 100 %/],
      ["poolNum without poolDen", { poolNum: 1n, poolDen: 0n }, 0, "poolDen", /zero while/],
      ["poolNum above poolDen", { poolNum: 10n, poolDen: 9n }, 0, "poolNum", /above the denominator/],
      ["maxSupply below the supply", { maxSupply: 5n }, 6, "maxSupply", /below the supply/],
      [
        "dividends without a minting rule",
        { spendPerToken: 0n, referralsPerToken: 0n },
        0,
        "dividendBps",
        /need a minting rule/,
      ],
      ["a uint96 field at 2^96", { spendPerToken: 1n << 96n }, 0, "spendPerToken", /2\^96 - 1/],
      ["a uint16 field at 2^16", { poolDen: 65536n }, 0, "poolDen", /above the maximum/],
      ["a negative field", { minFirstOrder: -1n }, 0, "minFirstOrder", /negative/],
      ["a missing field", { referralsPerToken: undefined }, 0, "referralsPerToken", /missing/],
    ];
    for (const [label, patch, minted, field, reason] of cases) {
      it(`refuses ${label}, naming the on-chain field ${field}`, () => {
        const e = thrown(InvalidRulesError, () =>
          validateTokenRules({ ...valid, ...patch } as TokenRules, BigInt(minted)),
        );
        expect(e.field).to.equal(field);
        expect(e.reason).to.match(reason);
      });
    }

    it("accepts maxSupply equal to the supply and 0 (no cap) whatever the supply", () => {
      expect(validateTokenRules({ ...valid, maxSupply: 7n }, 7n).maxSupply).to.equal(7n);
      expect(validateTokenRules({ ...valid, maxSupply: 0n }, UINT96_MAX).maxSupply).to.equal(0n);
    });
  });

  describe("describeRules and formatRules", () => {
    it("describeRules gives the documented example back in normalised human units", () => {
      expect(describeRules(defineRules(EXAMPLE))).to.deep.equal({
        spendPerToken: "0.3",
        dividend: "20%",
        referral: { share: "5%", oneTokenPer: 10, minFirstOrder: "0.1" },
        pool: { tokens: 1, per: 9 },
        maxSupply: "1000000",
      });
    });

    it("describeRules shows off parts as null and keeps a referral minimum set on its own", () => {
      const spec = describeRules({
        spendPerToken: 0n,
        minFirstOrder: 5n,
        referralsPerToken: 0n,
        dividendBps: 0n,
        referralBps: 0n,
        maxSupply: 0n,
        poolNum: 0n,
        poolDen: 7n,
      });
      expect(spec).to.deep.equal({
        spendPerToken: null,
        dividend: "0%",
        referral: { share: "0%", oneTokenPer: null, minFirstOrder: "0.000000000000000005" },
        pool: { tokens: 0, per: 7 },
        maxSupply: null,
      });
    });

    it("round-trips defineRules(describeRules(r)) for 300 random valid on-chain rule sets", () => {
      const rand = prng(20260601);
      for (let i = 0; i < 300; i++) {
        const rules = randomRules(rand);
        const spec = describeRules(rules);
        expect(defineRules(spec), JSON.stringify(spec)).to.deep.equal(rules);
        expect(describeRules(defineRules(spec))).to.deep.equal(spec);
        expect(formatRules(rules)).to.be.a("string").and.not.equal("");
      }
    });

    it("formatRules writes the documented example as one line", () => {
      expect(formatRules(defineRules(EXAMPLE))).to.equal(
        "1 token per 0.3 coin spent · 20 % of daily revenue to holders · referrer earns 5 % of the referee's tokens" +
          " · 1 token per 10 referees whose first order is at least 0.1 coin · 1 pool token per 9 minted" +
          " · supply capped at 1,000,000 tokens",
      );
    });

    it("formatRules names the coin and says what is off", () => {
      expect(
        formatRules(defineRules({ spendPerToken: null, dividend: "0%", referral: { oneTokenPer: 1 } }), {
          coin: "ETH",
        }),
      ).to.equal("no tokens for spending · no dividends · 1 token per referee · no supply cap");
      expect(
        formatRules(defineRules({ spendPerToken: "1500", dividend: "12.5%", pool: { tokens: 2, per: 3 } })),
      ).to.equal(
        "1 token per 1,500 coin spent · 12.5 % of daily revenue to holders · 2 pool tokens per 3 minted · no supply cap",
      );
    });

    it("describeRules and formatRules refuse invalid on-chain rules", () => {
      const bad = { ...defineRules(EXAMPLE), poolNum: 10n };
      expect(thrown(InvalidRulesError, () => describeRules(bad)).field).to.equal("poolNum");
      expect(thrown(InvalidRulesError, () => formatRules(bad)).field).to.equal("poolNum");
    });
  });

  describe("tokenParams", () => {
    it("defaults to non-transferable with a 7-day notice and builds the rules", () => {
      expect(tokenParams({ name: "Wuyou Dividend Coin", symbol: "YDC", rules: EXAMPLE })).to.deep.equal({
        name: "Wuyou Dividend Coin",
        symbol: "YDC",
        transferable: false,
        noticePeriod: 7n * 86_400n,
        rules: defineRules(EXAMPLE),
      });
    });

    it("takes on-chain rules as they are and a notice of whole days", () => {
      const params = tokenParams({ name: "A", symbol: "B", transferable: true, noticeDays: 1, rules: WUYOU_RULES });
      expect(params.rules).to.deep.equal(WUYOU_RULES);
      expect(params).to.include({ transferable: true, noticePeriod: 86_400n });
    });

    const name64 = "茶".repeat(21) + "a"; // 21 x 3 + 1 = 64 bytes of UTF-8
    const cases: [string, Record<string, unknown>, string, RegExp][] = [
      ["an empty name", { name: "" }, "name", /empty/],
      ["a 65-byte name (22 characters)", { name: name64 + "b" }, "name", /65 bytes of UTF-8; at most 64/],
      ["a 17-byte symbol", { symbol: "€€€€€€" }, "symbol", /18 bytes of UTF-8; at most 16/],
      ["an empty symbol", { symbol: "" }, "symbol", /empty/],
      ["a non-string name", { name: 5 }, "name", /expected a string/],
      ["a notice of 0 days", { noticeDays: 0 }, "noticeDays", /below the minimum 1/],
      ["a fractional notice", { noticeDays: 1.5 }, "noticeDays", /fraction/],
      ["a notice beyond uint32 seconds", { noticeDays: 49_711 }, "noticeDays", /above the maximum/],
      ["a non-boolean transferable", { transferable: "yes" }, "transferable", /boolean/],
      ["an unknown field", { noticePeriod: 86_400 }, "noticePeriod", /unknown field/],
    ];
    for (const [label, patch, field, reason] of cases) {
      it(`refuses ${label} with InvalidTokenParamsError("${field}")`, () => {
        const input = { name: "Wuyou", symbol: "YDC", rules: EXAMPLE, ...patch };
        const e = thrown(InvalidTokenParamsError, () => tokenParams(input as Parameters<typeof tokenParams>[0]));
        expect(e.field).to.equal(field);
        expect(e.reason).to.match(reason);
      });
    }

    it("refuses invalid rules with the rules error", () => {
      const e = thrown(InvalidRulesError, () =>
        tokenParams({ name: "A", symbol: "B", rules: { ...EXAMPLE, dividend: "101%" } }),
      );
      expect(e.field).to.equal("dividend");
    });
  });

  describe("against the deployed shop", () => {
    it("createToken(tokenParams(defineRules(...))) creates the token with exactly those rules and notice", async () => {
      const d = await load();
      const rules = defineRules({ ...EXAMPLE, dividend: "30%" });
      const params = tokenParams({ name: "茶".repeat(21) + "a", symbol: "TEA", noticeDays: 3, rules });
      const { index, token } = await addToken(d, params);
      const config = await d.shop.tokenConfig(index);
      expect(config.token).to.equal(await token.getAddress());
      expect(config.noticePeriod).to.equal(3n * BigInt(DAY));
      expect(rulesOf(config.rules)).to.deep.equal(rules);
      expect(await token.name()).to.equal(params.name);
      expect(describeRules(config.rules)).to.deep.equal(describeRules(rules));
      expect(classifyRulesChange(config.rules, rules)).to.deep.equal({ atOnce: true, changes: [] });
    });

    it("the shop refuses the 65-byte name the SDK refuses, and the SDK sends nothing", async () => {
      const d = await load();
      const name = "茶".repeat(21) + "ab";
      await expect(
        d.shop.createToken({ ...tokenParams({ name: "x", symbol: "T", rules: EXAMPLE }), name }),
      ).to.be.revertedWithCustomError(d.shop, "ShopInvalidTokenMetadata");
      const nonce = await d.ethers.provider.getTransactionCount(d.admin.address);
      thrown(InvalidTokenParamsError, () => tokenParams({ name, symbol: "T", rules: EXAMPLE }));
      expect(await d.ethers.provider.getTransactionCount(d.admin.address)).to.equal(nonce);
    });

    it("invalid rules are refused by the SDK before any transaction, where the shop would revert too", async () => {
      const d = await load();
      const count = await d.shop.tokenCount();
      const invalid: [RulesInput, TokenRules][] = [
        [
          { ...EXAMPLE, pool: { tokens: 10, per: 9 } },
          { ...defineRules(EXAMPLE), poolNum: 10n },
        ],
        [
          { spendPerToken: null, dividend: "20%" },
          { ...defineRules(EXAMPLE), spendPerToken: 0n, referralsPerToken: 0n },
        ],
        [
          { ...EXAMPLE, referral: { share: "100.01%" } },
          { ...defineRules(EXAMPLE), referralBps: 10_001n },
        ],
      ];
      for (const [input, raw] of invalid) {
        const nonce = await d.ethers.provider.getTransactionCount(d.admin.address);
        let sent = false;
        expect(() => {
          const params = tokenParams({ name: "Bad", symbol: "BAD", rules: input });
          sent = true;
          return d.shop.createToken(params);
        }).to.throw(InvalidRulesError);
        expect(sent).to.equal(false);
        expect(await d.ethers.provider.getTransactionCount(d.admin.address)).to.equal(nonce);
        // The same rules, sent raw, are refused by RulesLib.validate on chain.
        thrown(InvalidRulesError, () => validateTokenRules(raw));
        await expect(
          d.shop.createToken({ name: "Bad", symbol: "BAD", transferable: false, noticePeriod: 0, rules: raw }),
        ).to.be.revertedWithCustomError(d.shop, "ShopInvalidRules");
      }
      expect(await d.shop.tokenCount()).to.equal(count);
    });

    const base = defineRules(BASE_INPUT);
    type Table = [string, RulesInput, boolean, Partial<Record<keyof TokenRules, string>>][];
    const table: Table = [
      ["the same rules", BASE_INPUT, true, {}],
      ["a dividend raise", { ...BASE_INPUT, dividend: "25%" }, true, { dividendBps: "more generous" }],
      ["a dividend cut", { ...BASE_INPUT, dividend: "15%" }, false, { dividendBps: "stingier" }],
      ["a lower spend per token", { ...BASE_INPUT, spendPerToken: "0.2" }, false, { spendPerToken: "more generous" }],
      ["a higher spend per token", { ...BASE_INPUT, spendPerToken: "0.5" }, false, { spendPerToken: "stingier" }],
      ["consumption switched off", { ...BASE_INPUT, spendPerToken: null }, false, { spendPerToken: "stingier" }],
      [
        "a higher referral share",
        { ...BASE_INPUT, referral: { share: "12%", oneTokenPer: 3, minFirstOrder: "0.1" } },
        false,
        { referralBps: "more generous" },
      ],
      [
        "fewer referees per token",
        { ...BASE_INPUT, referral: { share: "10%", oneTokenPer: 2, minFirstOrder: "0.1" } },
        false,
        { referralsPerToken: "more generous" },
      ],
      [
        "a higher first-order minimum",
        { ...BASE_INPUT, referral: { share: "10%", oneTokenPer: 3, minFirstOrder: "0.5" } },
        false,
        { minFirstOrder: "stingier" },
      ],
      [
        "referrals switched off",
        { ...BASE_INPUT, referral: null },
        false,
        { referralBps: "stingier", referralsPerToken: "stingier", minFirstOrder: "more generous" },
      ],
      ["a higher cap", { ...BASE_INPUT, maxSupply: "2000" }, false, { maxSupply: "more generous" }],
      ["the cap removed", { ...BASE_INPUT, maxSupply: null }, false, { maxSupply: "more generous" }],
      ["a lower cap", { ...BASE_INPUT, maxSupply: "999.5" }, false, { maxSupply: "stingier" }],
      ["a bigger pool ratio", { ...BASE_INPUT, pool: { tokens: 1, per: 5 } }, false, { poolDen: "more generous" }],
      [
        "the same pool ratio in other numbers",
        { ...BASE_INPUT, pool: { tokens: 2, per: 18 } },
        false,
        { poolNum: "changed", poolDen: "changed" },
      ],
      ["the pool removed", { ...BASE_INPUT, pool: null }, false, { poolNum: "stingier", poolDen: "stingier" }],
      [
        "a dividend raise mixed with a lower spend",
        { ...BASE_INPUT, dividend: "25%", spendPerToken: "0.2" },
        false,
        { dividendBps: "more generous", spendPerToken: "more generous" },
      ],
    ];
    for (const [label, input, atOnce, directions] of table) {
      it(`classifyRulesChange(${label}) says ${atOnce ? "at once" : "scheduled"}, as changeRules does`, async () => {
        const d: Deployment = await load(base);
        const current = await d.shop.currentRules(0);
        expect(rulesOf(current)).to.deep.equal(base);
        const next = defineRules(input);
        const sdk = classifyRulesChange(current, next);
        expect(sdk.atOnce).to.equal(atOnce);
        expect(Object.fromEntries(sdk.changes.map((c) => [c.field, c.direction]))).to.deep.equal(directions);
        for (const change of sdk.changes) {
          expect(change.from).to.equal(base[change.field]);
          expect(change.to).to.equal(next[change.field]);
        }
        const tx = d.shop.changeRules(0, next);
        if (sdk.atOnce) {
          await expect(tx)
            .to.emit(d.shop, "RulesChanged")
            .withArgs(0n, rulesTuple(next))
            .and.to.not.emit(d.shop, "RulesChangeScheduled");
          expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(next);
        } else {
          await expect(tx).to.emit(d.shop, "RulesChangeScheduled").and.to.not.emit(d.shop, "RulesChanged");
          expect(rulesOf(await d.shop.currentRules(0))).to.deep.equal(base);
          const [pending] = await d.shop.pendingRules(0);
          expect(rulesOf(pending)).to.deep.equal(next);
        }
      });
    }

    it("classifyRulesChange agrees with changeRules on 12 random changes of the fixture token", async () => {
      const rand = prng(77);
      for (let i = 0; i < 12; i++) {
        const d = await load(base);
        const next = { ...base };
        // Move one to three random fields to other valid values.
        const moves = 1 + Math.floor(rand() * 3);
        for (let m = 0; m < moves; m++) {
          const field = TOKEN_RULES_FIELDS[Math.floor(rand() * TOKEN_RULES_FIELDS.length)];
          const delta = BigInt(1 + Math.floor(rand() * 3));
          const up = rand() < 0.5;
          if (field === "poolNum" || field === "poolDen") {
            next.poolDen = base.poolDen + delta;
            next.poolNum = up ? base.poolNum + 1n : base.poolNum;
          } else if (field === "dividendBps" || field === "referralBps") {
            next[field] = up ? base[field] + delta * 100n : base[field] - delta * 100n;
          } else {
            next[field] = up ? base[field] * (delta + 1n) : base[field] / (delta + 1n);
          }
        }
        const sdk = classifyRulesChange(base, next);
        const receipt = await (await d.shop.changeRules(0, next)).wait();
        const names = receipt!.logs.map((log) => d.shop.interface.parseLog(log)?.name);
        expect(
          names,
          JSON.stringify(next, (_, v: unknown) => (typeof v === "bigint" ? `${v}` : v)),
        ).to.include(sdk.atOnce ? "RulesChanged" : "RulesChangeScheduled");
        expect(names).to.not.include(sdk.atOnce ? "RulesChangeScheduled" : "RulesChanged");
      }
    });

    it("classifyRulesChange calls a dividend raise at once even where the shop-wide 100 % total then refuses it", async () => {
      const d = await load(base);
      await addToken(d, tokenParams({ name: "Second", symbol: "TWO", rules: { ...BASE_INPUT, dividend: "20%" } }));
      // At once for RulesLib.isAtOnce, but the shop's total dividendBps would be 120 %.
      const next = defineRules({ ...BASE_INPUT, dividend: "100%" });
      expect(classifyRulesChange(base, next).atOnce).to.equal(true);
      await expect(d.shop.changeRules(0, next))
        .to.be.revertedWithCustomError(d.shop, "ShopDividendBpsTooHigh")
        .withArgs(12_000n);
    });

    it("classifyRulesChange checks maxSupply against the supply when given minted, as changeRules does", () => {
      const next = { ...base, maxSupply: 10n * ONE };
      expect(classifyRulesChange(base, next, 10n * ONE).atOnce).to.equal(false);
      const e = thrown(InvalidRulesError, () => classifyRulesChange(base, next, 10n * ONE + 1n));
      expect(e.field).to.equal("maxSupply");
    });
  });
});
