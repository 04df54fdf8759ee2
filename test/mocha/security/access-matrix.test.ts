/**
 * Access-control matrix generated from the compiled ABIs: every state-changing (nonpayable or payable) function of a
 * shop clone (its whole ABI, `IShop`: the order functions `Shop` serves, the payment steps `ShopPayments` serves
 * through `Shop`'s fallback and the admin functions `ShopAdmin` serves through `ShopPayments`' fallback, and plain
 * coin sent to it), of DividendToken and of ShareMallFactory is called by every
 * kind of caller with valid-looking arguments (as a static call on one prepared state, so no call interferes with
 * another), and the outcome — success or the custom error — is compared with the one table below. A function in the
 * ABI without a table entry fails its test, and so does a state-changing function of `Shop`, `ShopPayments` or
 * `ShopAdmin` that `IShop` does not list.
 */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { id, Interface, ZeroAddress, type BaseContract, type FunctionFragment, type Signer } from "ethers";
import type { DividendToken } from "../../../types/ethers-contracts/index.js";
import {
  addToken,
  anchorTree,
  asShopAdmin,
  captureOf,
  DAY,
  dayOf,
  deploy,
  merkleBatch,
  nextDay,
  ONE,
  order,
  paymentOf,
  rulesWith,
  signedReceipt,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
  type IShopBase,
  type Tree,
} from "../fixture.js";
import { errorName, revertData } from "./helpers.js";

const CALLERS = ["admin", "operator", "poolManager", "holder", "stranger", "factory", "shop"] as const;
type Caller = (typeof CALLERS)[number];
const OK = "ok";

type ContractName = "Shop" | "DividendToken" | "ShareMallFactory";
/** The ABI each table is checked against: a shop clone's whole ABI is IShop's. */
const ARTIFACTS: Record<ContractName, string> = {
  Shop: "../../../artifacts/contracts/interfaces/IShop.sol/IShop.json",
  DividendToken: "../../../artifacts/contracts/payouts/DividendToken.sol/DividendToken.json",
  ShareMallFactory: "../../../artifacts/contracts/factory/ShareMallFactory.sol/ShareMallFactory.json",
};
/** The implementations behind a shop clone that have state-changing functions. */
const SHOP_MODULES = {
  Shop: "../../../artifacts/contracts/shop/Shop.sol/Shop.json",
  ShopPayments: "../../../artifacts/contracts/shop/ShopPayments.sol/ShopPayments.json",
  ShopAdmin: "../../../artifacts/contracts/shop/ShopAdmin.sol/ShopAdmin.json",
};
/** The interface of each module, whose every function that module (and no module before it) must serve. */
const MODULE_INTERFACES = {
  Shop: "../../../artifacts/contracts/interfaces/IShopOrders.sol/IShopOrders.json",
  ShopPayments: "../../../artifacts/contracts/interfaces/IShopPayments.sol/IShopPayments.json",
  ShopAdmin: "../../../artifacts/contracts/interfaces/IShopAdmin.sol/IShopAdmin.json",
};
/** The order a clone's call falls through the modules. */
const FALL_THROUGH = ["Shop", "ShopPayments", "ShopAdmin"] as const;
/** Plain coin sent with no call data: not an ABI function, but it changes state (a deposit). */
const RECEIVE = "(plain transfer)";

/** The state every call runs against. */
interface World {
  d: Deployment;
  signers: Record<Caller, Signer>;
  address: Record<Caller, string>;
  mall: DividendToken;
  /** A past day with revenue, unsettled and funded by the merchant balance. */
  unsettledDay: bigint;
  batch: Tree;
  receipt: { receipt: IShopBase.ReceiptStruct; signature: string };
  /** The holder's held payments: one in its return window, one past it (auto-capturable), one expired. */
  held: IShopBase.PaymentStruct;
  dueHeld: IShopBase.PaymentStruct;
  expiredHeld: IShopBase.PaymentStruct;
  /** The holder's captured charge, refundable. */
  captured: IShopBase.CaptureStruct;
  /** An authorization expiry far enough away for a new payment. */
  expiry: bigint;
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
      // Raised by the admin module's initializer (decoded with ShopAdmin's ABI: IShop's does not list it).
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
    charge: {
      outcome: { others: OK },
      call: (_, c) => ({ args: [id(`matrix-charge-${c}`), ZeroAddress], value: ONE }),
    },
    authorize: {
      // Anyone may hold a payment of its own.
      outcome: { others: OK },
      call: (w, c) => ({ args: [id(`matrix-authorize-${c}`), ZeroAddress, w.expiry], value: ONE }),
    },
    capture: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (w) => ({ args: [w.held, 1n] }),
    },
    confirm: {
      outcome: { holder: OK, others: "ShopNotPaymentCustomer" },
      call: (w) => ({ args: [w.held] }),
    },
    autoCapture: {
      // Anyone, once the return window is over.
      outcome: { others: OK },
      call: (w) => ({ args: [w.dueHeld] }),
    },
    void: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (w) => ({ args: [w.held] }),
    },
    reclaim: {
      outcome: { holder: OK, others: "ShopNotPaymentCustomer" },
      call: (w) => ({ args: [w.expiredHeld] }),
    },
    requestReturn: {
      outcome: { holder: OK, others: "ShopNotPaymentCustomer" },
      call: (w) => ({ args: [w.held] }),
    },
    refund: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (w) => ({ args: [w.captured, 1n] }),
    },
    withdrawReturns: {
      // Only an account owed returned coin: the factory, which takes no coin, had a voided payment pushed back.
      outcome: { factory: OK, others: "ShopNoReturnsOwed" },
      call: (w) => ({ args: [w.address.stranger] }),
    },
    setReturnWindow: {
      outcome: { admin: OK, others: UNAUTHORIZED },
      call: () => ({ args: [14 * DAY] }),
    },
    redeemReceipt: {
      // Anyone may relay a receipt; the operator's signature is what authorises it.
      outcome: { others: OK },
      call: (w) => ({ args: [w.receipt.receipt, w.address.operator, w.receipt.signature] }),
    },
    anchorBatch: {
      outcome: { operator: OK, others: UNAUTHORIZED },
      call: (_, c) => ({ args: [id(`matrix-root-${c}`), 1_000_000, 3, ONE] }),
    },
    mintFromBatch: {
      outcome: { holder: OK, operator: OK, others: "ShopNotLeafCustomer" },
      call: (w) => {
        const l = w.batch.leaves[0];
        return { args: [w.batch.root, l.orderId, l.orderHash, l.customer, l.amount, l.referrer, w.batch.proof(0)] };
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
    [RECEIVE]: {
      // Anyone may prepay the merchant balance with a plain transfer.
      outcome: { others: OK },
      call: () => ({ args: [], value: 1n }),
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
    // Permissionless: anyone pushes a holder's own dividends to the holder's own address.
    payout: {
      outcome: { others: OK },
      call: (w) => ({ args: [[w.address.holder]] }),
    },
    // Each caller sets its own preference only.
    setPayoutOptOut: {
      outcome: { others: OK },
      call: () => ({ args: [true] }),
    },
    claimFor: {
      outcome: { factory: OK, others: "DividendTokenNotFactory" },
      call: (w) => ({ args: [w.address.holder, w.address.holder] }),
    },
    mintOrder: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [w.address.stranger, ONE, w.address.holder, ONE, 0n], value: 1n }),
    },
    clawBack: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [w.address.holder, 1n, ZeroAddress, 0n] }),
    },
    mintBatch: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [[(BigInt(w.address.stranger) << 96n) | ONE], 0n], value: 1n }),
    },
    distribute: {
      outcome: { shop: OK, others: "DividendTokenNotShop" },
      call: (w) => ({ args: [w.unsettledDay, 1n], value: 1n }),
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
    registerToken: {
      // Only a shop of the factory, and only for its own token at its predicted address (here: again, token 0).
      outcome: { shop: OK, others: "FactoryNotShop" },
      call: async (w) => ({ args: [0, await w.d.token.getAddress()] }),
    },
    claimMany: {
      outcome: { holder: OK, others: "FactoryNothingClaimed" },
      call: async (w) => ({ args: [[await w.d.token.getAddress(), await w.mall.getAddress()], ZeroAddress] }),
    },
  },
};

/** The ABI of a compiled artifact. */
function abiOf(file: string): { type: string; name?: string; stateMutability?: string }[] {
  const artifact = JSON.parse(readFileSync(new URL(file, import.meta.url), "utf8")) as {
    abi: { type: string; name?: string; stateMutability?: string }[];
  };
  return artifact.abi;
}

/** The state-changing functions of a compiled ABI, by name, and `RECEIVE` if it takes plain coin. */
function stateChangingOf(file: string): string[] {
  return abiOf(file)
    .filter(
      (f) =>
        (f.type === "function" && (f.stateMutability === "nonpayable" || f.stateMutability === "payable")) ||
        f.type === "receive",
    )
    .map((f) => (f.type === "receive" ? RECEIVE : (f.name ?? "")));
}

function stateChanging(name: ContractName): string[] {
  const functions = stateChangingOf(ARTIFACTS[name]);
  // A clone takes plain coin through Shop's receive(), which an interface cannot declare.
  return name === "Shop" ? [...functions, RECEIVE] : functions;
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
  const batch = merkleBatch([
    { orderHash: id("matrix-leaf-0"), customer: holder.address, amount: ONE },
    { orderHash: id("matrix-leaf-1"), customer: stranger.address, amount: ONE },
  ]);
  await anchorTree(d, batch);
  await nextDay(d.helpers);
  await d.shop.deposit({ value: 10n * ONE });
  await d.shop.settle(day1);
  // Day 2: revenue left unsettled; a stingier change of token 0 that will be due, one of token 1 that will not.
  const day2 = dayOf(await d.helpers.time.latest());
  await d.shop.connect(d.operator).recordOrder(order("matrix-holder-2", holder.address, ONE));
  await d.shop.changeRules(0, rulesWith({ spendPerToken: WUYOU_RULES.spendPerToken * 2n }));
  // Held payments of the holder that the week below takes past their return window (7 days): one still valid, one
  // expired; and one of the factory, which takes no coin, so that the void's return is owed to it.
  const factoryAddress = await d.factory.getAddress();
  await d.helpers.setBalance(factoryAddress, 10n * ONE);
  const factorySigner = await d.ethers.getImpersonatedSigner(factoryAddress);
  const now = BigInt(await d.helpers.time.latest());
  const farExpiry = now + 60n * BigInt(DAY);
  const dueHeld = await paymentOf(
    d.shop,
    d.shop.connect(holder).authorize(id("matrix-held-due"), ZeroAddress, farExpiry, { value: ONE }),
  );
  const expiredHeld = await paymentOf(
    d.shop,
    d.shop.connect(holder).authorize(id("matrix-held-expired"), ZeroAddress, now + 7n * BigInt(DAY) + 100n, {
      value: ONE,
    }),
  );
  const factoryHeld = await paymentOf(
    d.shop,
    d.shop.connect(factorySigner).authorize(id("matrix-held-factory"), ZeroAddress, farExpiry, { value: ONE }),
  );
  await expect(d.shop.connect(d.operator).void(factoryHeld))
    .to.emit(d.shop, "ReturnOwed")
    .withArgs(factoryAddress, ONE);
  // A longer return window applies at once: the holder's charge stays refundable past the week (and the held
  // payment authorized after it can still be returned).
  await d.shop.setReturnWindow(30 * DAY);
  const captured = await captureOf(
    d.shop,
    d.shop.connect(holder).charge(id("matrix-charged"), ZeroAddress, { value: ONE }),
  );
  await d.helpers.time.increase(8 * DAY);
  const held = await paymentOf(
    d.shop,
    d.shop.connect(holder).authorize(id("matrix-held"), ZeroAddress, farExpiry, { value: ONE }),
  );
  await d.shop.changeRules(1, rulesWith({ dividendBps: 1000n, spendPerToken: WUYOU_RULES.spendPerToken * 2n }));
  const receipt = await signedReceipt(d, d.operator, {
    customer: holder.address,
    amount: ONE,
    orderHash: id("matrix-receipt"),
  });
  const shopAddress = await d.shop.getAddress();
  const signers: Record<Caller, Signer> = {
    admin: d.admin,
    operator: d.operator,
    poolManager: d.poolManager,
    holder,
    stranger,
    factory: factorySigner,
    shop: await d.ethers.getImpersonatedSigner(shopAddress),
  };
  const address = {} as Record<Caller, string>;
  for (const caller of CALLERS) address[caller] = await signers[caller].getAddress();
  return {
    d,
    signers,
    address,
    mall,
    unsettledDay: day2,
    batch,
    receipt,
    held,
    dueHeld,
    expiredHeld,
    captured,
    expiry: farExpiry,
  };
}

function contractOf(w: World, name: ContractName): BaseContract {
  return { Shop: w.d.shop, DividendToken: w.d.token, ShareMallFactory: w.d.factory }[name];
}

async function outcomeOf(w: World, name: ContractName, fn: string, entry: Entry, caller: Caller): Promise<string> {
  const { args, value } = await entry.call(w, caller);
  const contract = contractOf(w, name).connect(w.signers[caller]);
  const overrides = value === undefined ? {} : { value };
  try {
    if (fn === RECEIVE) await w.signers[caller].call({ to: await contract.getAddress(), value });
    else await contract.getFunction(fn).staticCall(...args, overrides);
    return OK;
  } catch (error) {
    const interfaces: Interface[] = [
      w.d.shop.interface,
      (await asShopAdmin(w.d)).interface,
      w.d.token.interface,
      w.d.factory.interface,
    ];
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
  it("IShop lists every state-changing function of Shop, ShopPayments and ShopAdmin, and nothing else: the matrix below covers the whole clone", () => {
    const modules = new Set(FALL_THROUGH.flatMap((module) => stateChangingOf(SHOP_MODULES[module])));
    expect([...modules].sort()).to.deep.equal([...stateChanging("Shop")].sort());
  });

  for (const [index, module] of FALL_THROUGH.entries()) {
    it(`every function of ${module}'s interface is served by ${module}: it has the selector and no module a call reaches first has`, () => {
      const selectors = (file: string) =>
        new Set(
          Interface.from(abiOf(file))
            .fragments.filter((f) => f.type === "function")
            .map((f) => (f as FunctionFragment).selector),
        );
      const own = selectors(SHOP_MODULES[module]);
      const before = FALL_THROUGH.slice(0, index).map((m) => selectors(SHOP_MODULES[m]));
      const expected = [...selectors(MODULE_INTERFACES[module])];
      expect(expected.length, `${module}'s interface`).to.be.greaterThan(0);
      expect(
        expected.filter((s) => !own.has(s)),
        `missing from ${module}`,
      ).to.deep.equal([]);
      for (const [k, earlier] of before.entries()) {
        expect(
          expected.filter((s) => earlier.has(s)),
          `served by ${FALL_THROUGH[k]} first`,
        ).to.deep.equal([]);
      }
    });
  }

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
