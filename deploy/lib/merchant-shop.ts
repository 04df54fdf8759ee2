/**
 * The merchant's Ignition module, built from a shop spec: the shop (created through an existing ShareMall factory
 * with `createShopDeterministic`, so the same deployer and salt give the same address on every chain where the
 * factory has the same address) and its tokens, created in order. The spec is validated with the SDK before the
 * module exists (names, UTC offset, token params, rules through `defineRules`), so a bad spec fails with a clear
 * message and deploys nothing.
 *
 * Spec, as the `MerchantShop` entry of an Ignition parameters file (see deploy/parameters/wuyou-tea.json):
 * `{ factory, name, utcOffsetHours, operator?, salt?, noticeDays?, tokens: [{ name, symbol, transferable?,
 * noticeDays?, rules }] }`. The deployer (account 0) becomes the shop's admin; `operator` defaults to it too.
 *
 * A shop clone answers the whole `IShop` ABI (its order paths in `Shop`, everything else — `createToken`, roles,
 * views — in the `ShopAdmin`/`ShopLens` modules behind its fallback), so the module talks to it as `IShop`. Each
 * token is deployed by the shop itself, at `factory.predictTokenAddress(shop, i)`; the module reads the address
 * from the shop's `TokenCreated` event.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { NamedArtifactContractAtFuture } from "@nomicfoundation/ignition-core";
import { id } from "ethers";
import {
  ShareMallError,
  tokenParams,
  validateAddress,
  validateBytes32,
  type Address,
  type Hex,
  type TokenParams,
  type TokenParamsInput,
} from "../../sdk/src/index.js";

/** The module id, and the key of the spec in an Ignition parameters file. */
export const MERCHANT_SHOP_MODULE_ID = "MerchantShop";

/** A merchant shop spec as written in the parameters file. */
export interface MerchantShopSpecInput {
  /** The ShareMall factory on the target chain. */
  readonly factory: string;
  /** The shop's display name. */
  readonly name: string;
  /** Hours ahead of UTC of the merchant's days (e.g. 8, 5.5, -3). */
  readonly utcOffsetHours: number;
  /** The operator key (default: the deployer). */
  readonly operator?: string;
  /** Salt of the deterministic address: 32-byte hex or text (its keccak-256); default keccak-256 of the name. */
  readonly salt?: string;
  /** Default notice period of the tokens, in days (default 7). */
  readonly noticeDays?: number;
  readonly tokens: readonly TokenParamsInput[];
}

/** A validated spec. */
export interface MerchantShopSpec {
  readonly factory: Address;
  readonly name: string;
  readonly utcOffset: number;
  readonly operator?: Address;
  readonly salt: Hex;
  readonly tokens: readonly TokenParams[];
}

/** A spec that cannot be deployed. */
export class MerchantShopSpecError extends Error {
  constructor(message: string) {
    super(`MerchantShop spec: ${message}`);
    this.name = "MerchantShopSpecError";
  }
}

/** Validates a spec with the SDK's validators; errors name the field. */
export function validateMerchantShopSpec(input: unknown): MerchantShopSpec {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new MerchantShopSpecError("expected an object");
  }
  const spec = input as Record<string, unknown>;
  const known = ["factory", "name", "utcOffsetHours", "operator", "salt", "noticeDays", "tokens"];
  for (const key of Object.keys(spec)) {
    if (!known.includes(key)) throw new MerchantShopSpecError(`unknown field "${key}" (fields: ${known.join(", ")})`);
  }
  try {
    const factory = validateAddress("factory", spec.factory);
    if (typeof spec.name !== "string" || spec.name.trim() === "") {
      throw new MerchantShopSpecError('"name" must be a non-empty string');
    }
    const hours = spec.utcOffsetHours;
    if (typeof hours !== "number" || !Number.isInteger(hours * 3600) || hours < -12 || hours > 14) {
      throw new MerchantShopSpecError(`"utcOffsetHours" ${JSON.stringify(hours)}: expected hours in -12 .. 14`);
    }
    const operator = spec.operator === undefined ? undefined : validateAddress("operator", spec.operator);
    const saltText = spec.salt === undefined ? `ShareMall shop ${spec.name}` : spec.salt;
    if (typeof saltText !== "string" || saltText === "") throw new MerchantShopSpecError('"salt" must be a string');
    const salt = /^0x[0-9a-fA-F]{64}$/.test(saltText) ? validateBytes32("salt", saltText) : (id(saltText) as Hex);
    if (!Array.isArray(spec.tokens) || spec.tokens.length === 0 || spec.tokens.length > 8) {
      throw new MerchantShopSpecError('"tokens" must list 1 to 8 tokens');
    }
    const tokens = (spec.tokens as unknown[]).map((token, i) => {
      if (typeof token !== "object" || token === null)
        throw new MerchantShopSpecError(`tokens[${i}]: expected an object`);
      try {
        return tokenParams({
          ...(spec.noticeDays !== undefined ? { noticeDays: spec.noticeDays as number } : {}),
          ...(token as TokenParamsInput),
        });
      } catch (error) {
        if (error instanceof ShareMallError) throw new MerchantShopSpecError(`tokens[${i}]: ${error.message}`);
        throw error;
      }
    });
    const totalBps = tokens.reduce((sum, t) => sum + t.rules.dividendBps, 0n);
    if (totalBps > 10_000n) {
      throw new MerchantShopSpecError(`the tokens' dividends total ${totalBps} bps; at most 10000 (100 %)`);
    }
    return { factory, name: spec.name, utcOffset: hours * 3600, ...(operator ? { operator } : {}), salt, tokens };
  } catch (error) {
    if (error instanceof ShareMallError) throw new MerchantShopSpecError(error.message);
    throw error;
  }
}

/**
 * Reads the spec from an Ignition parameters file (its `MerchantShop` entry).
 */
export function loadMerchantShopSpec(file: string): MerchantShopSpec {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new MerchantShopSpecError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const entry = (data as Record<string, unknown> | null)?.[MERCHANT_SHOP_MODULE_ID];
  if (entry === undefined) throw new MerchantShopSpecError(`${file} has no "${MERCHANT_SHOP_MODULE_ID}" entry`);
  return validateMerchantShopSpec(entry);
}

/**
 * The parameters file the module was asked to deploy with: SHAREMALL_SHOP_PARAMETERS, else the value of
 * `--parameters` on the command line (`hardhat ignition deploy deploy/modules/MerchantShop.ts --parameters f.json`).
 */
export function parametersFileFromEnvironment(argv: readonly string[] = process.argv): string {
  const fromEnv = process.env.SHAREMALL_SHOP_PARAMETERS;
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv);
  const i = argv.indexOf("--parameters");
  if (i >= 0 && argv[i + 1] !== undefined) return path.resolve(argv[i + 1]);
  const inline = argv.find((a) => a.startsWith("--parameters="));
  if (inline !== undefined) return path.resolve(inline.slice("--parameters=".length));
  throw new MerchantShopSpecError(
    "no parameters file: pass --parameters deploy/parameters/<shop>.json (or set SHAREMALL_SHOP_PARAMETERS)",
  );
}

/** The Ignition module of a validated spec: `{ factory, shop, token0, token1, ... }`. */
export function merchantShopModule(spec: MerchantShopSpec) {
  return buildModule(MERCHANT_SHOP_MODULE_ID, (m) => {
    const deployer = m.getAccount(0);
    const factory = m.contractAt("ShareMallFactory", spec.factory);
    const created = m.call(
      factory,
      "createShopDeterministic",
      [{ admin: deployer, operator: spec.operator ?? deployer, utcOffset: spec.utcOffset, name: spec.name }, spec.salt],
      { id: "createShop" },
    );
    // The clone's ABI is IShop: the `Shop` artifact only has the eight order and settlement functions.
    // Future id "Shop": the deployment's addresses keep the key MerchantShop#Shop.
    const shop = m.contractAt("IShop", m.readEventArgument(created, "ShopCreated", "shop", { emitter: factory }), {
      id: "Shop",
    });
    const tokens: Record<`token${number}`, NamedArtifactContractAtFuture<"DividendToken">> = {};
    let previous: ReturnType<typeof m.call> | undefined;
    spec.tokens.forEach((params, i) => {
      // In order, so that token i gets index i.
      const call = m.call(
        shop,
        "createToken",
        [{ ...params, noticePeriod: Number(params.noticePeriod), rules: { ...params.rules } }],
        { id: `createToken${i}`, ...(previous !== undefined ? { after: [previous] } : {}) },
      );
      previous = call;
      const address = m.readEventArgument(call, "TokenCreated", "token", { emitter: shop, id: `token${i}Address` });
      tokens[`token${i}`] = m.contractAt("DividendToken", address, { id: `token${i}` });
    });
    const result: { factory: typeof factory; shop: typeof shop } & Record<
      `token${number}`,
      NamedArtifactContractAtFuture<"DividendToken">
    > = { factory, shop, ...tokens };
    return result;
  });
}
