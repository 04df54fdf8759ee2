/**
 * Access-control matrix generated from the compiled ABIs: every state-changing (nonpayable or payable) function of
 * Shop, DividendToken and ShareMallFactory is called by every kind of caller with valid-looking arguments (as a
 * static call on one prepared state, so no call interferes with another), and the outcome — success or the custom
 * error — is compared with the one table below. A function in the ABI without a table entry fails its test.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { id, Interface, ZeroAddress, type BaseContract, type Signer } from "ethers";
import { buildBatch, signReceipt, type MerkleBatch, type SignedReceipt } from "../../../sdk/src/index.js";
import type { DividendToken } from "../../../types/ethers-contracts/index.js";
import {
  addToken,
  DAY,
  dayOf,
  deploy,
  nextDay,
  ONE,
  order,
  rulesWith,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";
import { errorName, revertData } from "./helpers.js";

const CALLERS = ["admin", "operator", "poolManager", "holder", "stranger", "factory", "shop"] as const;
type Caller = (typeof CALLERS)[number];
const OK = "ok";

type ContractName = "Shop" | "DividendToken" | "ShareMallFactory";
const ARTIFACTS: Record<ContractName, string> = {
  Shop: "../../../artifacts/contracts/Shop.sol/Shop.json",
  DividendToken: "../../../artifacts/contracts/DividendToken.sol/DividendToken.json",
  ShareMallFactory: "../../../artifacts/contracts/ShareMallFactory.sol/ShareMallFactory.json",
};

/** The state every call runs against. */
interface World {
  d: Deployment;
  signers: Record<Caller, Signer>;
  address: Record<Caller, string>;
  mall: DividendToken;
  /** A past day with revenue, unsettled and funded by the merchant balance. */
  unsettledDay: bigint;
  batch: MerkleBatch;
  receipt: SignedReceipt;
}

interface Call {
  args: unknown[];
  value?: bigint;
}

interface Entry {
  /** Outcome per caller: "ok" or the custom error; `others` for every caller not named. */
  outcome: Partial<Record<Caller, string>> & { others: string };
  /** Valid-looking arguments for a call by `caller`. */
  call: (w: World, caller: Caller) => Call | Promise<Call>;
}

const UNAUTHORIZED = "AccessControlUnauthorizedAccount";

function freshOrder(caller: Caller, label: string) {
  return order(`matrix-${label}-${caller}`, "0x00000000000000000000000000000000000c0ffe", ONE);
}

/** The one table: contract, then function name. */
const MATRIX: Record<ContractName, Record<string, Entry>> = {
  Shop: {
    initialize: {
      outcome: { others: "InvalidInitialization" },
      call: (w) => ({ args: [w.address.stranger, w.address.stranger, UTC_PLUS_8] }),
    },
    grantRole: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: async (w) => ({ args: [await w.d.shop.OPERATOR_ROLE(), w.address.stranger] }),
    },
    revokeRole: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: async (w) => ({ args: [await w.d.shop.OPERATOR_ROLE(), w.address.operator] }),
    },
    renounceRole: {
      // Renouncing is for oneself only: nobody can renounce the operator's role for it.
      outcome: { operator: OK, others: "AccessControlBadConfirmation" },
      call: async (w) => ({ args: [await w.d.shop.OPERATOR_ROLE(), w.address.operator] }),
    },
    createToken: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: () => ({ args: [tokenParams(rulesWith({ dividendBps: 0n }), { symbol: "NEW" })] }),
    },
    changeRules: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: () => ({ args: [0, rulesWith({ spendPerToken: WUYOU_RULES.spendPerToken * 3n })] }),
    },
    cancelRulesChange: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: () => ({ args: [1] }),
    },
    applyPendingRules: {
      outcome: { others: OK },
      call: () => ({ args: [0] }),
    },
    recordOrder: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (_, c) => ({ args: [freshOrder(c, "record")] }),
    },
    recordOrders: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (_, c) => ({ args: [[freshOrder(c, "batch-a"), freshOrder(c, "batch-b")]] }),
    },
    checkout: {
      outcome: { others: OK },
      call: (_, c) => ({ args: [id(`matrix-checkout-${c}`), ZeroAddress], value: ONE }),
    },
    redeemReceipt: {
      // Anyone may relay a receipt; the operator's signature is what authorises it.
      outcome: { others: OK },
      call: (w) => ({ args: [w.receipt.receipt, w.receipt.signer, w.receipt.signature] }),
    },
    anchorBatch: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (_, c) => ({ args: [id(`matrix-root-${c}`), 3, ONE] }),
    },
    mintFromBatch: {
      outcome: { holder: OK, operator: OK, others: "ShopNotLeafCustomer" },
      call: (w) => {
        const leaf = w.batch.leaf(0);
        return {
          args: [w.batch.root, 0, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, w.batch.proof(0)],
        };
      },
    },
    mintFromPool: {
      outcome: { poolManager: OK, others: UNAUTHORIZED },
      call: (w) => ({ args: [0, w.address.holder, 1n, id("service")] }),
    },
    deposit: {
      outcome: { others: OK },
      call: () => ({ args: [], value: 1n }),
    },
    withdraw: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: (w) => ({ args: [w.address.stranger, 1n] }),
    },
    settle: {
      // Any keeper may settle a past, funded day.
      outcome: { others: OK },
      call: (w) => ({ args: [w.unsettledDay] }),
    },
  },
  DividendToken: {
    approve: {
      outcome: { others: OK },
      call: (w) => ({ args: [w.address.stranger, ONE] }),
    },
    transfer: {
      outcome: { others: "DividendTokenNonTransferable" },
      call: (w) => ({ args: [w.address.stranger, 0n] }),
    },
    transferFrom: {
      outcome: { others: "DividendTokenNonTransferable" },
      call: (w) => ({ args: [w.address.holder, w.address.stranger, 0n] }),
    },
    claim: {
      outcome: { holder: OK, others: "DividendTokenNothingToClaim" },
      call: () => ({ args: [] }),
    },
    claimTo: {
      outcome: { holder: OK, others: "DividendTokenNothingToClaim" },
      call: (w) => ({ args: [w.address.stranger] }),
    },
    claimFor: {
      outcome: { factory: OK, others: "DividendTokenNotFactory" },
      call: (w) => ({ args: [w.address.holder, w.address.holder] }),
    },
    mint: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [w.address.stranger, ONE] }),
    },
    depositEscrow: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: () => ({ args: [], value: 1n }),
    },
    distribute: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [w.unsettledDay, 1n] }),
    },
  },
  ShareMallFactory: {
    createShop: {
      outcome: { others: OK },
      call: (w, c) => ({ args: [{ admin: w.address[c], operator: ZeroAddress, utcOffset: 0, name: "Matrix" }] }),
    },
    createShopDeterministic: {
      outcome: { others: OK },
      call: (w, c) => ({
        args: [{ admin: w.address[c], operator: ZeroAddress, utcOffset: 0, name: "Matrix" }, id("matrix-salt")],
      }),
    },
    deployToken: {
      outcome: { shop: OK, others: "FactoryNotShop" },
      call: () => ({ args: [5, "Matrix", "MTX", false] }),
    },
    claimMany: {
      outcome: { holder: OK, others: "FactoryNothingClaimed" },
      call: async (w) => ({ args: [[await w.d.token.getAddress(), await w.mall.getAddress()], ZeroAddress] }),
    },
  },
};

/** The state-changing functions of a compiled contract, by name. */
function stateChanging(name: ContractName): string[] {
  const artifact = JSON.parse(readFileSync(new URL(ARTIFACTS[name], import.meta.url), "utf8")) as {
    abi: { type: string; name?: string; stateMutability?: string }[];
  };
  return artifact.abi
    .filter((f) => f.type === "function" && (f.stateMutability === "nonpayable" || f.stateMutability === "payable"))
    .map((f) => f.name ?? "");
}

let world: Promise<World> | undefined;

/** Builds the world once: every call is static, so they all share it. */
async function build(): Promise<World> {
  const d = await deploy();
  const [, , , holder] = d.signers;
  const stranger = d.signers[9];
  const { token: mall } = await addToken(d, tokenParams(rulesWith({ dividendBps: 1000n })));
  // Day 1: an order and a batch for the holder; settled, so the holder has dividends in both tokens.
  const day1 = await nextDay(d.helpers);
  await d.shop.connect(d.operator).recordOrder(order("matrix-holder", holder.address, 3n * ONE));
  const batch = await buildBatch([
    { orderHash: id("matrix-leaf-0"), customer: holder.address, amount: ONE },
    { orderHash: id("matrix-leaf-1"), customer: stranger.address, amount: ONE },
  ]);
  await d.shop.connect(d.operator).anchorBatch(batch.root, batch.orderCount, batch.totalRevenue);
  await nextDay(d.helpers);
  await d.shop.deposit({ value: 10n * ONE });
  await d.shop.settle(day1);
  // Day 2: revenue left unsettled; a stingier change of token 0 that will be due, one of token 1 that will not.
  const day2 = dayOf(await d.helpers.time.latest());
  await d.shop.connect(d.operator).recordOrder(order("matrix-holder-2", holder.address, ONE));
  await d.shop.changeRules(0, rulesWith({ spendPerToken: WUYOU_RULES.spendPerToken * 2n }));
  await d.helpers.time.increase(8 * DAY);
  await d.shop.changeRules(1, rulesWith({ dividendBps: 1000n, spendPerToken: WUYOU_RULES.spendPerToken * 2n }));
  const now = await d.helpers.time.latest();
  const receipt = await signReceipt(
    d.operator,
    {
      shop: await d.shop.getAddress(),
      chainId: (await d.ethers.provider.getNetwork()).chainId,
      customer: holder.address,
      amount: ONE,
      orderHash: id("matrix-receipt"),
      deadline: now + DAY,
    },
    { now },
  );
  const factoryAddress = await d.factory.getAddress();
  const shopAddress = await d.shop.getAddress();
  await d.helpers.setBalance(factoryAddress, 10n * ONE);
  const signers: Record<Caller, Signer> = {
    admin: d.admin,
    operator: d.operator,
    poolManager: d.poolManager,
    holder,
    stranger,
    factory: await d.ethers.getImpersonatedSigner(factoryAddress),
    shop: await d.ethers.getImpersonatedSigner(shopAddress),
  };
  const address = {} as Record<Caller, string>;
  for (const caller of CALLERS) address[caller] = await signers[caller].getAddress();
  return { d, signers, address, mall, unsettledDay: day2, batch, receipt };
}

function contractOf(w: World, name: ContractName): BaseContract {
  return { Shop: w.d.shop, DividendToken: w.d.token, ShareMallFactory: w.d.factory }[name];
}

async function outcomeOf(w: World, name: ContractName, fn: string, entry: Entry, caller: Caller): Promise<string> {
  const { args, value } = await entry.call(w, caller);
  const contract = contractOf(w, name).connect(w.signers[caller]);
  const overrides = value === undefined ? {} : { value };
  try {
    await contract.getFunction(fn).staticCall(...args, overrides);
    return OK;
  } catch (error) {
    const interfaces: Interface[] = [w.d.shop.interface, w.d.token.interface, w.d.factory.interface];
    const name = errorName(revertData(error), interfaces);
    return name.startsWith("<") ? `${name} ${(error as Error).message.slice(0, 200)}` : name;
  }
}

function describeOutcome(entry: Entry): string {
  const named = Object.entries(entry.outcome)
    .filter(([k]) => k !== "others")
    .map(([k, v]) => `${k} ${v}`);
  return [...named, `${named.length === 0 ? "everyone" : "everyone else"} ${entry.outcome.others}`].join(", ");
}

describe("Security: access-control matrix (from the ABIs)", () => {
  for (const name of Object.keys(ARTIFACTS) as ContractName[]) {
    const functions = stateChanging(name);
    describe(name, () => {
      it(`${name}: every state-changing function is named once (no overloads to tell apart)`, () => {
        expect(new Set(functions).size, `overloaded functions in ${name}`).to.equal(functions.length);
      });

      it(`${name}: every table entry is a state-changing function of the ABI`, () => {
        const stale = Object.keys(MATRIX[name]).filter((fn) => !functions.includes(fn));
        expect(stale, `table entries without a function in ${name}`).to.deep.equal([]);
      });

      for (const fn of functions) {
        const entry = MATRIX[name][fn] as Entry | undefined;
        const title = entry === undefined ? "has an access entry" : describeOutcome(entry);
        it(`${name}.${fn}: ${title}`, async () => {
          if (entry === undefined) expect.fail(`new function ${name}.${fn} has no access entry`);
          world ??= build();
          const w = await world;
          const mismatches: string[] = [];
          for (const caller of CALLERS) {
            const expected = entry.outcome[caller] ?? entry.outcome.others;
            const actual = await outcomeOf(w, name, fn, entry, caller);
            if (actual !== expected) mismatches.push(`${caller}: expected ${expected}, got ${actual}`);
          }
          expect(mismatches, `${name}.${fn}`).to.deep.equal([]);
        });
      }
    });
  }
});
