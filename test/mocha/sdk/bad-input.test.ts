/**
 * Issue 4, "What it must show" #3: for every public function of the SDK, at least one malformed input (bad address,
 * negative, fractional or overflowing amount, wrong chain, expired receipt, unknown shop, tampered proof...) gets
 * its specific typed error and sends nothing.
 *
 * The table below has an entry for every exported function (a new export without an entry fails the first test).
 * Every case runs on the shared fixture snapshot (`load()`), through SPY transports and signers that record every
 * `send` and `signTypedData`, and checks afterwards that none happened, that no signer's nonce moved and that no
 * block was mined. "Wrong chain" cases put `requireChain(spy, 1n)` (mainnet) in front of the spy; the in-process
 * network is chain 31337.
 */
import { expect } from "chai";
import { getAddress, id, Wallet } from "ethers";
import { createPublicClient, custom } from "viem";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import * as sdk from "../../../sdk/src/index.js";
import type {
  Address,
  BatchFile,
  Hex,
  MerkleBatch,
  ReceiptInput,
  ReceiptSigner,
  RecordOrderInput,
  TokenRules,
  Transport,
} from "../../../sdk/src/index.js";
import { hashOf, load, ONE, WUYOU_RULES, type Deployment } from "../fixture.js";
import { BASE_CONTEXT, BASE_ORDER } from "./helpers.js";

// ------------------------------------------------------------------ Table types

type ErrorClass = abstract new (...args: never[]) => Error;

/** A malformed input the function must refuse with `error` (checked with instanceof), sending nothing. */
interface Refusal {
  /** What is malformed, e.g. "bad address" or "amount over 2^96-1". */
  readonly input: string;
  /** Chain state the case needs (an order id used, a payment made), made before sends are watched. */
  readonly setup?: (ctx: Ctx) => Promise<unknown>;
  readonly run: (ctx: Ctx) => unknown;
  readonly error: ErrorClass;
  /** A fragment the error message must contain (it names the field or the value). */
  readonly message?: string;
  /** The error's `code`, for errors that are plain `ShareMallError`s told apart by code. */
  readonly code?: string;
}

/** A malformed input for which the function documents an answer instead of an error (e.g. `undefined`, `false`). */
interface Answer {
  readonly input: string;
  readonly run: (ctx: Ctx) => unknown;
  readonly returns: unknown;
}

type Case = Refusal | Answer;
/** Cases of one function, or `none` with the reason why no input of it can be malformed. */
type Entry = readonly Case[] | { readonly none: string };

type Who = "admin" | "operator" | "poolManager" | "alice" | "bob";

interface Spy {
  readonly calls: string[];
}

/** What a case gets: the deployment, addresses, and spy transports/signers (every one it creates is checked). */
interface Ctx {
  readonly d: Deployment;
  readonly shop: Address;
  readonly token: Address;
  readonly factory: Address;
  /** An address with no code. */
  readonly nobody: Address;
  readonly alice: Address;
  readonly bob: Address;
  /** Timestamp of the latest block. */
  readonly now: bigint;
  readonly chainId: bigint;
  /** A spy transport over `fromEthers(signer)`. */
  tx(who: Who): Transport;
  /** `requireChain(spy, 1n)`: the spy behind a mainnet-only guard (the network is 31337). */
  wrongChain(who: Who): Transport;
  /** A spy receipt signer. */
  signer(who: Who): ReceiptSigner;
  /** A valid receipt for the shop (deadline in an hour), with fields replaced. */
  receipt(over?: Partial<Record<keyof ReceiptInput, unknown>>): ReceiptInput;
  /** A valid recorded order for Alice, with fields replaced. */
  order(over?: Partial<Record<keyof RecordOrderInput, unknown>>): RecordOrderInput;
  /** The batch built once in `before` (Alice 1 coin, Bob 2 coin). */
  readonly batch: MerkleBatch;
  /** The batch's file for `shop` (default: the fixture's shop) on chain 31337. */
  file(shop?: Address): BatchFile;
  /** The merchant admin's address. */
  admin(): Address;
}

// ------------------------------------------------------------------ Inputs

const BAD_ADDRESS = "0x123";
/** Mixed case that is not the EIP-55 checksum. */
const BAD_CHECKSUM = "0x70997970c51812dc3a010c7d01b50e0d17dc79C8";
const OVER_96 = 1n << 96n;
const OVER_256 = 1n << 256n;
const MAINNET = 1n;
const ORDER_HASH = hashOf("bad-input order") as Hex;
/** The order id of `ctx.order()` and `ctx.receipt()`, and the first order id of the shared batch (9101, 9102). */
const ORDER_ID = 9001n;
const RECEIPT_ORDER_ID = 9002n;
const BATCH_FIRST_ORDER_ID = 9101n;
const NOBODY = getAddress(`0x${"5a".repeat(20)}`) as Address;
const ZERO_HASH = `0x${"00".repeat(32)}`;
/** An `Error(string)` revert: not a ShareMall error. */
const ERROR_STRING_REVERT =
  "0x08c379a0000000000000000000000000000000000000000000000000000000000000002000000000000000000000000000000000000000000000000000000000000000046f6f70730000000000000000000000000000000000000000000000000000000";

const n = <T>(value: unknown): T => value as T;
/** `buildBatch`'s options for the table's batches. */
const FIRST = { firstOrderId: 1n } as const;
const ALICE_V = BASE_ORDER.customer as string;

function rules(over: Partial<Record<keyof TokenRules, unknown>>): TokenRules {
  return n<TokenRules>({ ...WUYOU_RULES, ...over });
}

/** Payment terms for Alice that the shop holds no payment for (authorized in a week, expiring in three). */
function payment(ctx: Ctx): sdk.PaymentTerms {
  return {
    orderHash: ORDER_HASH,
    customer: ctx.alice,
    referrer: sdk.ZERO_ADDRESS,
    amountWei: ONE,
    autoCaptureAt: ctx.now + 7n * 86_400n,
    expiry: ctx.now + 21n * 86_400n,
  };
}

/** Capture terms for Alice that the shop never captured (refundable for a week). */
function captureTerms(ctx: Ctx): sdk.CaptureTerms {
  return {
    orderHash: ORDER_HASH,
    customer: ctx.alice,
    amountWei: ONE,
    refundDeadline: ctx.now + 7n * 86_400n,
    minted: [0n],
  };
}

function tamperProof(file: BatchFile): BatchFile {
  const [first, ...rest] = file.entries;
  return { ...file, entries: [{ ...first, proof: [hashOf("tampered") as Hex, ...first.proof.slice(1)] }, ...rest] };
}

async function expiredReceipt(ctx: Ctx, over: Partial<Record<keyof ReceiptInput, unknown>> = {}) {
  const deadline = ctx.now - 100n;
  return sdk.signReceipt(ctx.d.operator, ctx.receipt({ deadline, ...over }), { now: deadline });
}

// ------------------------------------------------------------------ The table

const TABLE: Record<string, Entry> = {
  // ---------------------------------------------------------------- errors.ts, validation.ts
  describeValue: { none: "renders any value for an error message; every input, however odd, has a rendering" },
  validateAddress: [
    {
      input: "bad address",
      run: () => sdk.validateAddress("customer", BAD_ADDRESS),
      error: sdk.InvalidAddressError,
      message: '"customer"',
    },
    { input: "bad checksum", run: () => sdk.validateAddress("customer", BAD_CHECKSUM), error: sdk.InvalidAddressError },
    {
      input: "zero address",
      run: () => sdk.validateAddress("customer", sdk.ZERO_ADDRESS),
      error: sdk.InvalidAddressError,
      message: "zero address",
    },
  ],
  validateOptionalAddress: [
    {
      input: "bad address",
      run: () => sdk.validateOptionalAddress("referrer", BAD_ADDRESS),
      error: sdk.InvalidAddressError,
      message: '"referrer"',
    },
  ],
  validateAmount: [
    {
      input: "negative amount",
      run: () => sdk.validateAmount("quantity", -1n),
      error: sdk.InvalidAmountError,
      message: "negative",
    },
    {
      input: "fractional amount",
      run: () => sdk.validateAmount("quantity", 1.5),
      error: sdk.InvalidAmountError,
      message: "fraction",
    },
    {
      input: "amount over 2^256-1",
      run: () => sdk.validateAmount("quantity", OVER_256),
      error: sdk.InvalidAmountError,
      message: "2^256 - 1",
    },
  ],
  validateWeiAmount: [
    {
      input: "amount over 2^96-1",
      run: () => sdk.validateWeiAmount("amount", OVER_96),
      error: sdk.InvalidAmountError,
      message: "2^96 - 1",
    },
    { input: "negative amount", run: () => sdk.validateWeiAmount("amount", "-5"), error: sdk.InvalidAmountError },
    { input: "zero amount", run: () => sdk.validateWeiAmount("amount", 0n), error: sdk.InvalidAmountError },
  ],
  validateOrderId: [
    {
      input: "zero order id",
      run: () => sdk.validateOrderId("orderId", 0n),
      error: sdk.InvalidAmountError,
      message: "below the minimum 1",
    },
    {
      input: "order id over 2^64-1",
      run: () => sdk.validateOrderId("orderId", 1n << 64n),
      error: sdk.InvalidAmountError,
      message: "2^64 - 1",
    },
    { input: "fractional order id", run: () => sdk.validateOrderId("orderId", 1.5), error: sdk.InvalidAmountError },
  ],
  validateBytes32: [
    {
      input: "short hex",
      run: () => sdk.validateBytes32("orderHash", "0x1234"),
      error: sdk.InvalidBytes32Error,
      message: '"orderHash"',
    },
  ],
  validateSalt: [
    { input: "all-zero salt", run: () => sdk.validateSalt(ZERO_HASH), error: sdk.InvalidSaltError, message: "zero" },
  ],
  validateChainId: [
    { input: "zero chain id", run: () => sdk.validateChainId(0), error: sdk.InvalidChainIdError },
    { input: "fractional chain id", run: () => sdk.validateChainId(1.5), error: sdk.InvalidChainIdError },
  ],
  validateUnixSeconds: [
    {
      input: "milliseconds instead of seconds",
      run: () => sdk.validateUnixSeconds("createdAt", 1_767_225_600_000),
      error: sdk.InvalidDeadlineError,
      message: "milliseconds",
    },
    { input: "negative time", run: () => sdk.validateUnixSeconds("createdAt", -1), error: sdk.InvalidDeadlineError },
  ],
  validateDeadline: [
    {
      input: "expired receipt deadline",
      run: () => sdk.validateDeadline(1_000n, 1_001n),
      error: sdk.ReceiptExpiredError,
      message: "deadline 1000",
    },
  ],

  // ---------------------------------------------------------------- orders/
  newSalt: { none: "takes no argument" },
  normalizeOrder: [
    {
      input: "bad address",
      run: () => sdk.normalizeOrder({ ...BASE_ORDER, customer: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"customer"',
    },
    {
      input: "negative amount",
      run: () => sdk.normalizeOrder({ ...BASE_ORDER, amount: -1n }),
      error: sdk.InvalidAmountError,
      message: '"amount"',
    },
    {
      input: "fractional amount",
      run: () => sdk.normalizeOrder({ ...BASE_ORDER, amount: 1.5 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: () => sdk.normalizeOrder({ ...BASE_ORDER, amount: OVER_96 }),
      error: sdk.InvalidAmountError,
    },
  ],
  normalizeOrderContext: [
    {
      input: "bad shop address",
      run: () => sdk.normalizeOrderContext({ ...BASE_CONTEXT, shop: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "zero chain id",
      run: () => sdk.normalizeOrderContext({ ...BASE_CONTEXT, chainId: 0 }),
      error: sdk.InvalidChainIdError,
    },
  ],
  encodeOrder: [
    {
      input: "fractional amount",
      run: () => sdk.encodeOrder({ ...BASE_ORDER, amount: "0.5" }, BASE_CONTEXT),
      error: sdk.InvalidAmountError,
      message: "fraction",
    },
  ],
  hashOrder: [
    {
      input: "amount over 2^96-1",
      run: () => sdk.hashOrder({ ...BASE_ORDER, amount: OVER_96 }, BASE_CONTEXT),
      error: sdk.InvalidAmountError,
    },
    {
      input: "all-zero salt",
      run: () => sdk.hashOrder(BASE_ORDER, { ...BASE_CONTEXT, salt: ZERO_HASH }),
      error: sdk.InvalidSaltError,
    },
  ],
  verifyOrder: [
    {
      input: "malformed expected hash",
      run: () => sdk.verifyOrder(BASE_ORDER, BASE_CONTEXT.salt, BASE_CONTEXT.shop, 31_337n, "0x12"),
      error: sdk.InvalidBytes32Error,
      message: '"expectedHash"',
    },
    {
      input: "tampered order (amount + 1 wei)",
      run: () =>
        sdk.verifyOrder(
          { ...BASE_ORDER, amount: (BASE_ORDER.amount as bigint) + 1n },
          BASE_CONTEXT.salt,
          BASE_CONTEXT.shop,
          BASE_CONTEXT.chainId,
          sdk.hashOrder(BASE_ORDER, BASE_CONTEXT),
        ),
      returns: false,
    },
  ],
  createDisclosure: [
    {
      input: "negative amount",
      run: () => sdk.createDisclosure({ ...BASE_ORDER, amount: -1n }, BASE_CONTEXT),
      error: sdk.InvalidAmountError,
    },
    {
      input: "self-referral",
      run: () => sdk.createDisclosure({ ...BASE_ORDER, referrer: BASE_ORDER.customer }, BASE_CONTEXT),
      error: sdk.InvalidOrderError,
      message: '"referrer"',
    },
  ],
  verifyDisclosure: [
    {
      input: "unknown disclosure version",
      run: () => {
        const disclosure = sdk.createDisclosure(BASE_ORDER, BASE_CONTEXT);
        return sdk.verifyDisclosure(n({ ...disclosure, version: 2 }), disclosure.orderHash);
      },
      error: sdk.InvalidOrderError,
      message: "version",
    },
    {
      input: "negative amount in the disclosed order",
      run: () => {
        const disclosure = sdk.createDisclosure(BASE_ORDER, BASE_CONTEXT);
        return sdk.verifyDisclosure(
          { ...disclosure, order: { ...disclosure.order, amount: "-1" } },
          disclosure.orderHash,
        );
      },
      error: sdk.InvalidAmountError,
    },
  ],
  orderToJson: [
    {
      input: "negative amount (order not normalised)",
      run: () => sdk.orderToJson({ ...sdk.normalizeOrder(BASE_ORDER), amount: -1n }),
      error: sdk.InvalidAmountError,
    },
  ],

  // ---------------------------------------------------------------- merkle/
  buildBatch: [
    {
      input: "no first order id (a core v1 call)",
      run: () =>
        n<(o: unknown) => unknown>(sdk.buildBatch)([{ orderHash: ORDER_HASH, customer: ALICE_V, amount: ONE }]),
      error: sdk.MerkleBatchError,
      message: "firstOrderId",
    },
    {
      input: "zero first order id",
      run: () => sdk.buildBatch([{ orderHash: ORDER_HASH, customer: ALICE_V, amount: ONE }], { firstOrderId: 0n }),
      error: sdk.MerkleBatchError,
      message: "(firstOrderId)",
    },
    {
      input: "order ids past 2^64-1",
      run: () =>
        sdk.buildBatch(
          [
            { orderHash: ORDER_HASH, customer: ALICE_V, amount: ONE },
            { orderHash: hashOf("2"), customer: ALICE_V, amount: ONE },
          ],
          { firstOrderId: sdk.MAX_ORDER_ID },
        ),
      error: sdk.MerkleBatchError,
      message: "2^64 - 1",
    },
    {
      input: "negative amount",
      run: () => sdk.buildBatch([{ orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: -1n }], FIRST),
      error: sdk.InvalidAmountError,
      message: "orders[0].amount",
    },
    {
      input: "fractional amount",
      run: () => sdk.buildBatch([{ orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: 0.5 }], FIRST),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: () => sdk.buildBatch([{ orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: OVER_96 }], FIRST),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: () => sdk.buildBatch([{ orderHash: ORDER_HASH, customer: BAD_ADDRESS, amount: ONE }], FIRST),
      error: sdk.InvalidAddressError,
      message: "orders[0].customer",
    },
    {
      input: "duplicated order hash",
      run: () =>
        sdk.buildBatch(
          [
            { orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: ONE },
            { orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: ONE },
          ],
          FIRST,
        ),
      error: sdk.MerkleBatchError,
      message: "duplicated",
    },
  ],
  validateFirstOrderId: [
    {
      input: "zero first order id",
      run: () => sdk.validateFirstOrderId(0n, 1),
      error: sdk.MerkleBatchError,
      message: "at least 1",
    },
    {
      input: "order ids past 2^64-1",
      run: () => sdk.validateFirstOrderId(sdk.MAX_ORDER_ID - 1n, 3),
      error: sdk.MerkleBatchError,
      message: "2^64 - 1",
    },
    {
      input: "fractional first order id",
      run: () => sdk.validateFirstOrderId(1.5, 1),
      error: sdk.MerkleBatchError,
    },
  ],
  hashBatchLeaf: [
    {
      input: "negative amount",
      run: () => sdk.hashBatchLeaf({ orderId: 1n, orderHash: ORDER_HASH, customer: BASE_ORDER.customer, amount: -1n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: () => sdk.hashBatchLeaf({ orderId: 1n, orderHash: ORDER_HASH, customer: BAD_ADDRESS, amount: ONE }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "zero order id",
      run: () => sdk.hashBatchLeaf({ orderId: 0n, orderHash: ORDER_HASH, customer: ALICE_V, amount: ONE }),
      error: sdk.InvalidAmountError,
      message: '"orderId"',
    },
    {
      input: "a core v1 leaf (index, no order id)",
      run: () => sdk.hashBatchLeaf(n({ index: 0, orderHash: ORDER_HASH, customer: ALICE_V, amount: ONE })),
      error: sdk.InvalidOrderError,
      message: "order id",
    },
  ],
  hashPair: [{ input: "short node", run: () => sdk.hashPair("0x12", ORDER_HASH), error: sdk.InvalidBytes32Error }],
  processProof: [
    { input: "malformed leaf hash", run: () => sdk.processProof("0x12", []), error: sdk.InvalidBytes32Error },
    {
      input: "proof that is not an array",
      run: () => sdk.processProof(ORDER_HASH, n(ORDER_HASH)),
      error: sdk.MerkleBatchError,
    },
  ],
  processMultiProof: [
    {
      input: "flags that do not fit the leaves and proof",
      run: () => sdk.processMultiProof([ORDER_HASH], [], [true, true]),
      error: sdk.MerkleBatchError,
      message: "invalid multiproof",
    },
  ],
  verifyBatchProof: [
    {
      input: "tampered proof",
      run: (ctx) => sdk.verifyBatchProof(ctx.batch.root, ctx.batch.leaf(0), [hashOf("tampered")]),
      returns: false,
    },
    {
      input: "malformed root",
      run: (ctx) => sdk.verifyBatchProof("0x12", ctx.batch.leaf(0), ctx.batch.proof(0)),
      error: sdk.InvalidBytes32Error,
      message: '"root"',
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.verifyBatchProof(ctx.batch.root, { ...ctx.batch.leaf(0), amount: OVER_96 }, ctx.batch.proof(0)),
      error: sdk.InvalidAmountError,
    },
  ],
  verifyBatchMultiProof: [
    {
      input: "fractional amount",
      run: (ctx) => {
        const mp = ctx.batch.multiProof([0, 1]);
        return sdk.verifyBatchMultiProof(ctx.batch.root, {
          ...mp,
          leaves: mp.leaves.map((l) => ({ ...l, amount: 1.5 })),
        });
      },
      error: sdk.InvalidAmountError,
    },
    {
      input: "tampered multiproof",
      run: (ctx) => {
        const mp = ctx.batch.multiProof([0]);
        return sdk.verifyBatchMultiProof(ctx.batch.root, { ...mp, proof: [hashOf("tampered")] });
      },
      returns: false,
    },
  ],
  exportBatchFile: [
    {
      input: "bad shop address",
      run: (ctx) => sdk.exportBatchFile(ctx.batch, { shop: BAD_ADDRESS, chainId: 31_337n }),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "zero chain id",
      run: (ctx) => sdk.exportBatchFile(ctx.batch, { shop: ctx.shop, chainId: 0 }),
      error: sdk.InvalidChainIdError,
    },
    {
      input: "negative batch id",
      run: (ctx) => sdk.exportBatchFile(ctx.batch, { shop: ctx.shop, chainId: 31_337n, batchId: -1n }),
      error: sdk.InvalidAmountError,
    },
  ],
  batchFileChunks: [
    {
      input: "bad shop address",
      run: (ctx) => [...sdk.batchFileChunks(ctx.batch, { shop: BAD_ADDRESS, chainId: 31_337n })],
      error: sdk.InvalidAddressError,
    },
  ],
  importBatchFile: [
    {
      input: "tampered proof",
      run: (ctx) => sdk.importBatchFile(tamperProof(ctx.file())),
      error: sdk.MerkleBatchError,
      message: "entries[0].proof",
    },
    {
      input: "wrong chain (file for 31337, expected mainnet)",
      run: (ctx) => sdk.importBatchFile(ctx.file(), { chainId: MAINNET }),
      error: sdk.MerkleBatchError,
      message: "(chainId)",
    },
    {
      input: "negative amount",
      run: (ctx) => {
        const file = ctx.file();
        return sdk.importBatchFile({ ...file, entries: [{ ...file.entries[0], amount: "-1" }, file.entries[1]] });
      },
      error: sdk.InvalidAmountError,
      message: "entries[0].amount",
    },
    {
      input: "a version 1 file (core v1: leaves by index)",
      run: (ctx) => sdk.importBatchFile(n({ ...ctx.file(), version: 1 })),
      error: sdk.MerkleBatchError,
      message: "version 1",
    },
    {
      input: "an entry's order id changed",
      run: (ctx) => {
        const file = ctx.file();
        return sdk.importBatchFile({ ...file, entries: [file.entries[0], { ...file.entries[1], orderId: "1" }] });
      },
      error: sdk.MerkleBatchError,
      message: "entries[1].orderId",
    },
  ],

  // ---------------------------------------------------------------- receipts/
  buildReceipt: [
    {
      input: "bad address",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ shop: BAD_ADDRESS })),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "negative amount",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ amount: -1n })),
      error: sdk.InvalidAmountError,
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ amount: 2.5 })),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ amount: OVER_96 })),
      error: sdk.InvalidAmountError,
    },
    {
      input: "expired receipt",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ deadline: ctx.now - 1n }), { now: ctx.now }),
      error: sdk.ReceiptExpiredError,
    },
    {
      input: "zero order id",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ orderId: 0 })),
      error: sdk.InvalidAmountError,
      message: '"orderId"',
    },
    {
      input: "no order id (a core v1 receipt)",
      run: (ctx) => sdk.buildReceipt(ctx.receipt({ orderId: undefined })),
      error: sdk.InvalidAmountError,
      message: '"orderId"',
    },
  ],
  receiptToJson: [
    {
      input: "negative amount",
      run: (ctx) => sdk.receiptToJson(ctx.receipt({ amount: "-1" })),
      error: sdk.InvalidAmountError,
    },
  ],
  receiptTypedData: [
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.receiptTypedData(ctx.receipt({ amount: OVER_96 })),
      error: sdk.InvalidAmountError,
    },
    {
      input: "zero chain id",
      run: (ctx) => sdk.receiptTypedData(ctx.receipt({ chainId: 0 })),
      error: sdk.InvalidChainIdError,
    },
  ],
  receiptDigest: [
    {
      input: "bad address",
      run: (ctx) => sdk.receiptDigest(ctx.receipt({ customer: BAD_CHECKSUM })),
      error: sdk.InvalidAddressError,
      message: '"customer"',
    },
  ],
  recoverReceiptSigner: [
    {
      input: "malformed signature",
      run: (ctx) => sdk.recoverReceiptSigner(ctx.receipt(), "0x1234"),
      error: sdk.ReceiptSignatureError,
    },
    {
      input: "high-s (malleable) signature",
      run: (ctx) => sdk.recoverReceiptSigner(ctx.receipt(), `0x${"11".repeat(32)}${"ff".repeat(32)}1b`),
      error: sdk.ReceiptSignatureError,
      message: "high-s",
    },
  ],
  signReceipt: [
    {
      input: "expired receipt",
      run: (ctx) => sdk.signReceipt(ctx.signer("operator"), ctx.receipt({ deadline: ctx.now - 1n }), { now: ctx.now }),
      error: sdk.ReceiptExpiredError,
    },
    {
      input: "bad address",
      run: (ctx) => sdk.signReceipt(ctx.signer("operator"), ctx.receipt({ customer: BAD_ADDRESS }), { now: ctx.now }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "negative amount",
      run: (ctx) => sdk.signReceipt(ctx.signer("operator"), ctx.receipt({ amount: -1n }), { now: ctx.now }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "order id over 2^64-1",
      run: (ctx) => sdk.signReceipt(ctx.signer("operator"), ctx.receipt({ orderId: 1n << 64n }), { now: ctx.now }),
      error: sdk.InvalidAmountError,
      message: '"orderId"',
    },
  ],
  verifyReceipt: [
    {
      input: "expired receipt",
      run: async (ctx) =>
        sdk.verifyReceipt(await expiredReceipt(ctx), { shop: ctx.shop, chainId: 31_337n, now: ctx.now }),
      error: sdk.ReceiptExpiredError,
    },
    {
      input: "wrong chain",
      run: async (ctx) => {
        const signed = await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now });
        return sdk.verifyReceipt(signed, { shop: ctx.shop, chainId: MAINNET, now: ctx.now });
      },
      error: sdk.ReceiptWrongChainError,
    },
    {
      input: "unknown shop (receipt for another shop)",
      run: async (ctx) => {
        const signed = await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now });
        return sdk.verifyReceipt(signed, { shop: ctx.nobody, chainId: 31_337n, now: ctx.now });
      },
      error: sdk.ReceiptWrongShopError,
    },
    {
      input: "tampered receipt (amount changed after signing)",
      run: async (ctx) => {
        const signed = await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now });
        const receipt = { ...signed.receipt, amount: signed.receipt.amount + 1n };
        return sdk.verifyReceipt({ ...signed, receipt }, { shop: ctx.shop, chainId: 31_337n, now: ctx.now });
      },
      error: sdk.ReceiptSignatureError,
    },
  ],
  isReceiptExpired: [
    {
      input: "deadline in milliseconds",
      run: (ctx) => sdk.isReceiptExpired({ deadline: 1_767_225_600_000 }, ctx.now),
      error: sdk.InvalidDeadlineError,
    },
  ],
  assertReceiptNotExpired: [
    {
      input: "expired receipt",
      run: (ctx) => sdk.assertReceiptNotExpired({ deadline: ctx.now - 1n }, ctx.now),
      error: sdk.ReceiptExpiredError,
    },
    {
      input: "negative deadline",
      run: (ctx) => sdk.assertReceiptNotExpired({ deadline: -1 }, ctx.now),
      error: sdk.InvalidDeadlineError,
    },
  ],

  // ---------------------------------------------------------------- rules.ts
  validateTokenRules: [
    {
      input: "dividend above 100 %",
      run: () => sdk.validateTokenRules(rules({ dividendBps: 10_001n })),
      error: sdk.InvalidRulesError,
      message: '"dividendBps"',
    },
    {
      input: "negative amount",
      run: () => sdk.validateTokenRules(rules({ spendPerToken: -1n })),
      error: sdk.InvalidRulesError,
      message: "negative",
    },
    {
      input: "amount over 2^96-1",
      run: () => sdk.validateTokenRules(rules({ spendPerToken: OVER_96 })),
      error: sdk.InvalidRulesError,
    },
  ],
  defineRules: [
    {
      input: "negative amount",
      run: () => sdk.defineRules({ spendPerToken: "-1", dividend: "20%" }),
      error: sdk.InvalidRulesError,
      message: "negative",
    },
    {
      input: "fractional amount as a number (floating point)",
      run: () => sdk.defineRules({ spendPerToken: n(0.3), dividend: "20%" }),
      error: sdk.InvalidRulesError,
      message: "numbers are refused",
    },
    {
      input: "percentage without %",
      run: () => sdk.defineRules({ spendPerToken: "0.3", dividend: "20" }),
      error: sdk.InvalidRulesError,
      message: '"dividend"',
    },
  ],
  tokenParams: [
    {
      input: "zero notice days",
      run: () =>
        sdk.tokenParams({ name: "T", symbol: "T", rules: { spendPerToken: "1", dividend: "1%" }, noticeDays: 0 }),
      error: sdk.InvalidTokenParamsError,
      message: '"noticeDays"',
    },
    {
      input: "empty name",
      run: () => sdk.tokenParams({ name: "", symbol: "T", rules: { spendPerToken: "1", dividend: "1%" } }),
      error: sdk.InvalidTokenParamsError,
    },
  ],
  describeRules: [
    {
      input: "pool numerator above the denominator",
      run: () => sdk.describeRules(rules({ poolNum: 10n, poolDen: 9n })),
      error: sdk.InvalidRulesError,
      message: '"poolNum"',
    },
  ],
  formatRules: [
    {
      input: "negative dividend",
      run: () => sdk.formatRules(rules({ dividendBps: -1n })),
      error: sdk.InvalidRulesError,
    },
  ],
  classifyRulesChange: [
    {
      input: "fractional basis points",
      run: () => sdk.classifyRulesChange(WUYOU_RULES, rules({ referralBps: 1.5 })),
      error: sdk.InvalidRulesError,
      message: '"referralBps"',
    },
  ],

  // ---------------------------------------------------------------- contract-errors.ts
  decodeContractError: [
    { input: "non-hex data", run: () => sdk.decodeContractError("0xzz"), returns: undefined },
    { input: "an Error(string) revert", run: () => sdk.decodeContractError(ERROR_STRING_REVERT), returns: undefined },
  ],
  toContractError: [
    { input: "an error without revert data", run: () => sdk.toContractError(new Error("boom")), returns: undefined },
    { input: "not an error at all", run: () => sdk.toContractError(42), returns: undefined },
  ],

  // ---------------------------------------------------------------- client/
  requireChain: [
    {
      input: "zero chain id",
      run: (ctx) => sdk.requireChain(ctx.tx("alice"), { chainId: 0 }),
      error: sdk.InvalidChainIdError,
    },
    {
      input: "wrong chain (send)",
      run: (ctx) =>
        sdk.requireChain(ctx.tx("alice"), { chainId: MAINNET }).send({ to: ctx.bob, data: "0x", value: 1n }),
      error: sdk.WrongChainError,
      message: "expected chain 1",
    },
    {
      input: "wrong chain (signTypedData)",
      run: (ctx) =>
        sdk
          .requireChain(ctx.tx("operator"), { chainId: MAINNET })
          .signTypedData(n(sdk.receiptTypedData(ctx.receipt()))),
      error: sdk.WrongChainError,
    },
  ],
  fromEthers: [
    {
      input: "negative chain id",
      run: (ctx) => sdk.fromEthers(ctx.d.signers[3], { chainId: -1 }),
      error: sdk.InvalidChainIdError,
    },
    {
      input: "signer without a provider",
      run: () => sdk.fromEthers(new Wallet(id("bad-input wallet"))),
      error: sdk.ShareMallError,
      code: "NO_PROVIDER",
    },
    {
      input: "wrong chain (claim through fromEthers(signer, { chainId: 1 }))",
      run: (ctx) => sdk.claim(sdk.fromEthers(ctx.d.signers[3], { chainId: MAINNET }), { token: ctx.token }),
      error: sdk.WrongChainError,
    },
  ],
  fromViem: [
    {
      input: "zero chain id",
      run: (ctx) => sdk.fromViem({ publicClient: viemPublicClient(ctx.d), chainId: 0 }),
      error: sdk.InvalidChainIdError,
    },
    {
      input: "wrong chain (read)",
      run: (ctx) =>
        sdk.claimable(sdk.fromViem({ publicClient: viemPublicClient(ctx.d), chainId: MAINNET }), {
          token: ctx.token,
          holder: ctx.alice,
        }),
      error: sdk.WrongChainError,
    },
  ],
  withRetry: [
    {
      input: "zero attempts",
      run: (ctx) => sdk.withRetry(ctx.tx("alice"), { attempts: 0 }),
      error: sdk.ShareMallError,
      code: "INVALID_RETRY",
    },
    {
      input: "fractional attempts",
      run: (ctx) => sdk.withRetry(ctx.tx("alice"), { attempts: 2.5 }),
      error: sdk.ShareMallError,
      code: "INVALID_RETRY",
    },
    {
      input: "negative delay",
      run: (ctx) => sdk.withRetry(ctx.tx("alice"), { baseDelayMs: -1 }),
      error: sdk.ShareMallError,
      code: "INVALID_RETRY",
    },
    {
      input: "wrong chain (refused at once, not retried)",
      run: (ctx) => sdk.claim(sdk.withRetry(ctx.wrongChain("alice"), { baseDelayMs: 10_000 }), { token: ctx.token }),
      error: sdk.WrongChainError,
    },
  ],
  isTransientError: [
    {
      input: "an SDK validation error",
      run: () => sdk.isTransientError(new sdk.InvalidAddressError("shop", BAD_ADDRESS, "bad")),
      returns: false,
    },
    { input: "not an error (null)", run: () => sdk.isTransientError(null), returns: false },
  ],
  encodeCall: [
    {
      input: "negative amount argument",
      run: () => sdk.encodeCall(sdk.shopAbi, "dayRecord", [-1n]),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address argument",
      run: () => sdk.encodeCall(sdk.shopAbi, "withdraw", [n<Address>(BAD_ADDRESS), 1n]),
      error: sdk.InvalidAddressError,
    },
    {
      input: "unknown function",
      run: () => sdk.encodeCall(sdk.shopAbi, n<"today">("noSuchFunction"), []),
      error: sdk.ShareMallError,
      code: "UNKNOWN_FUNCTION",
    },
  ],
  readContract: [
    {
      input: "bad address",
      run: (ctx) =>
        sdk.readContract(ctx.tx("alice"), {
          address: n(BAD_ADDRESS),
          abi: sdk.shopAbi,
          functionName: "today",
          args: [],
        }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.readContract(ctx.wrongChain("alice"), {
          address: ctx.shop,
          abi: sdk.shopAbi,
          functionName: "today",
          args: [],
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (no code): undecodable empty result",
      run: (ctx) =>
        sdk.readContract(ctx.tx("alice"), { address: ctx.nobody, abi: sdk.shopAbi, functionName: "today", args: [] }),
      error: sdk.ChainCallError,
      code: "BAD_RESULT",
    },
  ],
  readContracts: [
    {
      input: "callsPerBatch 0",
      run: (ctx) =>
        sdk.readContracts(ctx.tx("alice"), {
          contracts: [sdk.contractRead({ address: ctx.shop, abi: sdk.shopAbi, functionName: "today", args: [] })],
          callsPerBatch: 0,
        }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address in the second read",
      run: (ctx) =>
        sdk.readContracts(ctx.tx("alice"), {
          contracts: [
            sdk.contractRead({ address: ctx.shop, abi: sdk.shopAbi, functionName: "today", args: [] }),
            sdk.contractRead({ address: n(BAD_ADDRESS), abi: sdk.shopAbi, functionName: "today", args: [] }),
          ],
        }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "negative amount argument",
      run: (ctx) =>
        sdk.readContracts(ctx.tx("alice"), {
          contracts: [
            sdk.contractRead({ address: ctx.shop, abi: sdk.shopAbi, functionName: "dayRecord", args: [-1n] }),
          ],
        }),
      error: sdk.InvalidAmountError,
    },
  ],
  contractRead: {
    none: "a typing helper that returns the read it is given; readContracts checks every read before sending",
  },
  decodeResult: [
    {
      input: "return data that does not decode",
      run: () => sdk.decodeResult(sdk.shopAbi, "dayRecord", "0x1234"),
      error: sdk.ChainCallError,
      code: "BAD_RESULT",
    },
    {
      input: "unknown function",
      run: () => sdk.decodeResult(sdk.shopAbi, "noSuchFunction", "0x"),
      error: sdk.ShareMallError,
      code: "UNKNOWN_FUNCTION",
    },
  ],
  writeContract: [
    {
      input: "bad address",
      run: (ctx) =>
        sdk.writeContract(ctx.tx("admin"), {
          address: n(BAD_ADDRESS),
          abi: sdk.shopAbi,
          functionName: "deposit",
          args: [],
          value: 1n,
        }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.writeContract(ctx.wrongChain("admin"), {
          address: ctx.shop,
          abi: sdk.shopAbi,
          functionName: "deposit",
          args: [],
          value: 1n,
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "negative value",
      run: (ctx) =>
        sdk.writeContract(ctx.tx("admin"), {
          address: ctx.shop,
          abi: sdk.shopAbi,
          functionName: "deposit",
          args: [],
          value: -1n,
        }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) =>
        sdk.writeContract(ctx.tx("admin"), {
          address: ctx.nobody,
          abi: sdk.shopAbi,
          functionName: "deposit",
          args: [],
          value: 1n,
        }),
      error: sdk.NotAContractError,
    },
  ],
  decodeLogs: [
    {
      input: "a log of a known event whose data does not decode",
      run: (ctx) =>
        sdk.decodeLogs(sdk.shopAbi, [
          {
            address: ctx.shop,
            topics: [sdk.eventTopic(sdk.shopAbi, "Deposited"), ORDER_HASH],
            data: "0x12",
            blockNumber: 1n,
            transactionHash: ORDER_HASH,
            logIndex: 0,
          },
        ]),
      returns: [],
    },
  ],
  eventTopic: [
    {
      input: "unknown event",
      run: () => sdk.eventTopic(sdk.shopAbi, n("NoSuchEvent")),
      error: sdk.ShareMallError,
      code: "UNKNOWN_EVENT",
    },
  ],
  getLogsPaged: [
    {
      input: "zero page size",
      run: (ctx) => sdk.getLogsPaged(ctx.tx("alice"), { address: ctx.shop, fromBlock: 0n, toBlock: 10n, pageSize: 0n }),
      error: sdk.ShareMallError,
      code: "INVALID_PAGE_SIZE",
    },
    {
      input: "negative fromBlock",
      run: (ctx) => sdk.getLogsPaged(ctx.tx("alice"), { address: ctx.shop, fromBlock: -1n, toBlock: 10n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "fromBlock after toBlock",
      run: (ctx) => sdk.getLogsPaged(ctx.tx("alice"), { address: ctx.shop, fromBlock: 10n, toBlock: 5n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) => sdk.getLogsPaged(ctx.tx("alice"), { address: n(BAD_ADDRESS), fromBlock: 0n, toBlock: 1n }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.getLogsPaged(ctx.wrongChain("alice"), { address: ctx.shop, fromBlock: 0n, toBlock: 1n }),
      error: sdk.WrongChainError,
    },
  ],
  isLogRangeError: [
    { input: "not an error (null)", run: () => sdk.isLogRangeError(null), returns: false },
    { input: "an unrelated error", run: () => sdk.isLogRangeError(new Error("nonce too low")), returns: false },
  ],

  // ---------------------------------------------------------------- read.ts
  fetchShopDays: [
    {
      input: "bad address",
      run: (ctx) => sdk.fetchShopDays(ctx.tx("alice"), { shop: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "fromDay after toDay",
      run: (ctx) => sdk.fetchShopDays(ctx.tx("alice"), { shop: ctx.shop, fromDay: 10n, toDay: 5n }),
      error: sdk.InvalidAmountError,
      message: '"fromDay"',
    },
    {
      input: "negative fromDay",
      run: (ctx) => sdk.fetchShopDays(ctx.tx("alice"), { shop: ctx.shop, fromDay: -1n, toDay: 5n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.fetchShopDays(ctx.wrongChain("alice"), { shop: ctx.shop }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.fetchShopDays(ctx.tx("alice"), { shop: ctx.nobody }),
      error: sdk.NotAContractError,
    },
  ],
  fetchHolderTokens: [
    {
      input: "bad address",
      run: (ctx) => sdk.fetchHolderTokens(ctx.tx("alice"), { factory: ctx.factory, holder: BAD_CHECKSUM }),
      error: sdk.InvalidAddressError,
      message: '"holder"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.fetchHolderTokens(ctx.wrongChain("alice"), { factory: ctx.factory, holder: ctx.alice }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown factory (address without code)",
      run: (ctx) => sdk.fetchHolderTokens(ctx.tx("alice"), { factory: ctx.nobody, holder: ctx.alice }),
      error: sdk.NotAContractError,
    },
  ],
  fetchHolderEarnings: [
    {
      input: "bad address",
      run: (ctx) => sdk.fetchHolderEarnings(ctx.tx("alice"), { token: BAD_ADDRESS, holder: ctx.alice }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.fetchHolderEarnings(ctx.wrongChain("alice"), { token: ctx.token, holder: ctx.alice }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.fetchHolderEarnings(ctx.tx("alice"), { token: ctx.nobody, holder: ctx.alice }),
      error: sdk.NotAContractError,
    },
  ],
  fetchUsedOrderIds: [
    {
      input: "bad address",
      run: (ctx) => sdk.fetchUsedOrderIds(ctx.tx("alice"), { shop: BAD_ADDRESS, orderIds: [1n] }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "zero order id",
      run: (ctx) => sdk.fetchUsedOrderIds(ctx.tx("alice"), { shop: ctx.shop, orderIds: [1n, 0n] }),
      error: sdk.InvalidAmountError,
      message: "orderIds[1]",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.fetchUsedOrderIds(ctx.wrongChain("alice"), { shop: ctx.shop, orderIds: [1n] }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.fetchUsedOrderIds(ctx.tx("alice"), { shop: ctx.nobody, orderIds: [1n] }),
      error: sdk.NotAContractError,
    },
  ],
  fetchOrderLedger: [
    {
      input: "bad address",
      run: (ctx) => sdk.fetchOrderLedger(ctx.tx("alice"), { shop: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.fetchOrderLedger(ctx.wrongChain("alice"), { shop: ctx.shop }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.fetchOrderLedger(ctx.tx("alice"), { shop: ctx.nobody }),
      error: sdk.NotAContractError,
    },
    {
      input: "negative fromBlock",
      run: (ctx) => sdk.fetchOrderLedger(ctx.tx("alice"), { shop: ctx.shop, fromBlock: -5n }),
      error: sdk.InvalidAmountError,
    },
  ],

  // ---------------------------------------------------------------- holder.ts
  charge: [
    {
      input: "bad address",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: BAD_ADDRESS, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "negative amount",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: -1n }),
      error: sdk.InvalidAmountError,
      message: '"amountWei"',
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: "0.3" }),
      error: sdk.InvalidAmountError,
      message: "fraction",
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: OVER_96 }),
      error: sdk.InvalidAmountError,
      message: "2^96 - 1",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.charge(ctx.wrongChain("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.nobody, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown shop (a non-shop contract: the token)",
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.token, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.NotAContractError,
    },
    {
      input: "self-referral",
      run: (ctx) =>
        sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: ONE, referrer: ctx.alice }),
      error: sdk.InvalidAddressError,
      message: '"referrer"',
    },
    {
      input: "order already paid by this customer",
      setup: (ctx) => ctx.d.shop.connect(ctx.d.signers[3]).charge(ORDER_HASH, sdk.ZERO_ADDRESS, { value: ONE }),
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.PaymentAlreadyCountedError,
      message: ORDER_HASH,
    },
    {
      input: "order held for this customer (authorized, not captured)",
      setup: async (ctx) =>
        ctx.d.shop
          .connect(ctx.d.signers[3])
          .authorize(ORDER_HASH, sdk.ZERO_ADDRESS, ctx.now + 30n * 86_400n, { value: ONE }),
      run: (ctx) => sdk.charge(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.PaymentExistsError,
      message: ORDER_HASH,
    },
  ],
  // ---------------------------------------------------------------- payments.ts
  authorizePayment: [
    {
      input: "fractional amount",
      run: (ctx) => sdk.authorizePayment(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: "0.3" }),
      error: sdk.InvalidAmountError,
      message: '"amountWei"',
    },
    {
      input: "expiry in milliseconds",
      run: (ctx) =>
        sdk.authorizePayment(ctx.tx("alice"), {
          shop: ctx.shop,
          orderHash: ORDER_HASH,
          amountWei: ONE,
          expiry: Date.now(),
        }),
      error: sdk.InvalidDeadlineError,
      message: '"expiry"',
    },
    {
      input: "expiry within the return window",
      run: (ctx) =>
        sdk.authorizePayment(ctx.tx("alice"), {
          shop: ctx.shop,
          orderHash: ORDER_HASH,
          amountWei: ONE,
          expiry: ctx.now,
        }),
      error: sdk.InvalidExpiryError,
    },
    {
      input: "self-referral",
      run: (ctx) =>
        sdk.authorizePayment(ctx.tx("alice"), {
          shop: ctx.shop,
          orderHash: ORDER_HASH,
          amountWei: ONE,
          referrer: ctx.alice,
        }),
      error: sdk.InvalidAddressError,
      message: '"referrer"',
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.authorizePayment(ctx.wrongChain("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, amountWei: ONE }),
      error: sdk.WrongChainError,
    },
  ],
  capturePayment: [
    {
      input: "zero amount",
      run: (ctx) => sdk.capturePayment(ctx.tx("operator"), { shop: ctx.shop, payment: payment(ctx), amountWei: 0n }),
      error: sdk.InvalidCaptureAmountError,
      message: '"amountWei"',
    },
    {
      input: "terms with a bad customer",
      run: (ctx) =>
        sdk.capturePayment(ctx.tx("operator"), { shop: ctx.shop, payment: { ...payment(ctx), customer: BAD_ADDRESS } }),
      error: sdk.InvalidAddressError,
      message: '"payment.customer"',
    },
    {
      input: "payment never authorized",
      run: (ctx) => sdk.capturePayment(ctx.tx("operator"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.PaymentNotHeldError,
    },
  ],
  confirmPayment: [
    {
      input: "signer is not the customer",
      run: (ctx) => sdk.confirmPayment(ctx.tx("bob"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.NotPaymentCustomerError,
    },
    {
      input: "terms with a zero order hash",
      run: (ctx) =>
        sdk.confirmPayment(ctx.tx("alice"), {
          shop: ctx.shop,
          payment: { ...payment(ctx), orderHash: sdk.ZERO_BYTES32 },
        }),
      error: sdk.InvalidBytes32Error,
      message: '"payment.orderHash"',
    },
  ],
  autoCapturePayment: [
    {
      input: "before autoCaptureAt",
      run: (ctx) => sdk.autoCapturePayment(ctx.tx("bob"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.AutoCaptureNotDueError,
    },
    {
      input: "expiry above 2^40 - 1 (taken for milliseconds)",
      run: (ctx) =>
        sdk.autoCapturePayment(ctx.tx("bob"), { shop: ctx.shop, payment: { ...payment(ctx), expiry: 1n << 40n } }),
      error: sdk.InvalidDeadlineError,
      message: '"payment.expiry"',
    },
  ],
  voidPayment: [
    {
      input: "signer without the operator role",
      run: (ctx) => sdk.voidPayment(ctx.tx("bob"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.MissingRoleError,
    },
    {
      input: "terms not an object",
      run: (ctx) => sdk.voidPayment(ctx.tx("operator"), { shop: ctx.shop, payment: "terms" as never }),
      error: sdk.InvalidAmountError,
      message: '"payment"',
    },
  ],
  reclaimPayment: [
    {
      input: "before the expiry",
      run: (ctx) => sdk.reclaimPayment(ctx.tx("alice"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.PaymentNotExpiredError,
    },
    {
      input: "unknown shop",
      run: (ctx) => sdk.reclaimPayment(ctx.tx("alice"), { shop: ctx.nobody, payment: payment(ctx) }),
      error: sdk.NotAContractError,
    },
  ],
  requestReturn: [
    {
      input: "after the return window",
      run: (ctx) =>
        sdk.requestReturn(ctx.tx("alice"), {
          shop: ctx.shop,
          payment: { ...payment(ctx), autoCaptureAt: ctx.now - 1n },
        }),
      error: sdk.ReturnWindowClosedError,
    },
    {
      input: "signer is not the customer",
      run: (ctx) => sdk.requestReturn(ctx.tx("bob"), { shop: ctx.shop, payment: payment(ctx) }),
      error: sdk.NotPaymentCustomerError,
    },
  ],
  refundPayment: [
    {
      input: "amount above the captured amount",
      run: (ctx) =>
        sdk.refundPayment(ctx.tx("operator"), { shop: ctx.shop, capture: captureTerms(ctx), amountWei: 2n * ONE }),
      error: sdk.InvalidRefundAmountError,
      message: '"amountWei"',
    },
    {
      input: "after the refund deadline",
      run: (ctx) =>
        sdk.refundPayment(ctx.tx("operator"), {
          shop: ctx.shop,
          capture: { ...captureTerms(ctx), refundDeadline: ctx.now - 1n },
          amountWei: 1n,
        }),
      error: sdk.RefundDeadlinePassedError,
    },
    {
      input: "minted not an array",
      run: (ctx) =>
        sdk.refundPayment(ctx.tx("operator"), {
          shop: ctx.shop,
          capture: { ...captureTerms(ctx), minted: 5n as never },
          amountWei: 1n,
        }),
      error: sdk.InvalidAmountError,
      message: '"capture.minted"',
    },
    {
      input: "payment never captured",
      run: (ctx) =>
        sdk.refundPayment(ctx.tx("operator"), { shop: ctx.shop, capture: captureTerms(ctx), amountWei: 1n }),
      error: sdk.PaymentNotCapturedError,
    },
  ],
  withdrawReturns: [
    {
      input: "bad recipient",
      run: (ctx) => sdk.withdrawReturns(ctx.tx("alice"), { shop: ctx.shop, to: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"to"',
    },
    {
      input: "nothing owed",
      run: (ctx) => sdk.withdrawReturns(ctx.tx("alice"), { shop: ctx.shop }),
      error: sdk.NoReturnsOwedError,
    },
  ],
  fetchReturnsOwed: [
    {
      input: "bad customer",
      run: (ctx) => sdk.fetchReturnsOwed(ctx.tx("alice"), { shop: ctx.shop, customer: BAD_CHECKSUM }),
      error: sdk.InvalidAddressError,
      message: '"customer"',
    },
  ],
  setReturnWindow: [
    {
      input: "below one day",
      run: (ctx) => sdk.setReturnWindow(ctx.tx("admin"), { shop: ctx.shop, seconds: 3600 }),
      error: sdk.InvalidReturnWindowError,
    },
    {
      input: "signer without the admin role",
      run: (ctx) => sdk.setReturnWindow(ctx.tx("operator"), { shop: ctx.shop, seconds: 86_400 }),
      error: sdk.MissingRoleError,
    },
  ],
  fetchReturnWindow: [
    {
      input: "unknown shop",
      run: (ctx) => sdk.fetchReturnWindow(ctx.tx("alice"), { shop: ctx.nobody }),
      error: sdk.NotAContractError,
    },
  ],
  fetchPaymentStatus: [
    {
      input: "bad order hash",
      run: (ctx) => sdk.fetchPaymentStatus(ctx.tx("alice"), { shop: ctx.shop, orderHash: "0x12", customer: ctx.alice }),
      error: sdk.InvalidBytes32Error,
      message: '"orderHash"',
    },
  ],
  fetchPayment: [
    {
      input: "bad customer",
      run: (ctx) => sdk.fetchPayment(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, customer: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"customer"',
    },
    {
      input: "no payment",
      run: (ctx) => sdk.fetchPayment(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, customer: ctx.alice }),
      returns: undefined,
    },
  ],
  fetchShopPayments: [
    {
      input: "negative fromBlock",
      run: (ctx) => sdk.fetchShopPayments(ctx.tx("alice"), { shop: ctx.shop, fromBlock: -1n }),
      error: sdk.InvalidAmountError,
      message: '"fromBlock"',
    },
    {
      input: "bad customer",
      run: (ctx) => sdk.fetchShopPayments(ctx.tx("alice"), { shop: ctx.shop, customer: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
    },
  ],
  findPaymentTerms: [
    {
      input: "never authorized",
      run: (ctx) =>
        sdk.findPaymentTerms(ctx.tx("alice"), { shop: ctx.shop, orderHash: ORDER_HASH, customer: ctx.alice }),
      error: sdk.PaymentNotFoundError,
    },
  ],
  findCaptureTerms: [
    {
      input: "zero order hash",
      run: (ctx) =>
        sdk.findCaptureTerms(ctx.tx("alice"), { shop: ctx.shop, orderHash: sdk.ZERO_BYTES32, customer: ctx.alice }),
      error: sdk.InvalidBytes32Error,
    },
  ],
  summarizePayments: [
    {
      input: "not an array",
      run: () => sdk.summarizePayments({} as never),
      error: sdk.InvalidAmountError,
      message: '"payments"',
    },
  ],
  validatePaymentTerms: [
    {
      input: "negative amount",
      run: (ctx) => sdk.validatePaymentTerms({ ...payment(ctx), amountWei: -1n }),
      error: sdk.InvalidAmountError,
      message: '"payment.amountWei"',
    },
  ],
  validateCaptureTerms: [
    {
      input: "minted word over 192 bits",
      run: (ctx) => sdk.validateCaptureTerms({ ...captureTerms(ctx), minted: [1n << 192n] }),
      error: sdk.InvalidAmountError,
      message: '"capture.minted[0]"',
    },
  ],
  toPaymentStruct: [
    {
      input: "autoCaptureAt in milliseconds",
      run: (ctx) => sdk.toPaymentStruct({ ...payment(ctx), autoCaptureAt: Date.now() }),
      error: sdk.InvalidDeadlineError,
      message: '"payment.autoCaptureAt"',
    },
  ],
  toCaptureStruct: [
    {
      input: "bad customer",
      run: (ctx) => sdk.toCaptureStruct({ ...captureTerms(ctx), customer: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"capture.customer"',
    },
  ],
  unpackTokenAmounts: [
    {
      input: "negative word",
      run: () => sdk.unpackTokenAmounts([-1n]),
      error: sdk.InvalidAmountError,
      message: '"packed[0]"',
    },
  ],
  isFinal: [
    {
      input: "paidAt in milliseconds",
      run: () => sdk.isFinal(Date.now(), 86_400, 1_767_225_600),
      error: sdk.InvalidDeadlineError,
      message: '"paidAt"',
    },
  ],
  finalOrders: [
    {
      input: "an order without paidAt",
      run: () => sdk.finalOrders([{} as never], 86_400, 1_767_225_600),
      error: sdk.InvalidDeadlineError,
      message: '"orders[0].paidAt"',
    },
  ],
  redeemReceipt: [
    {
      input: "expired receipt",
      run: async (ctx) => sdk.redeemReceipt(ctx.tx("alice"), { shop: ctx.shop, signed: await expiredReceipt(ctx) }),
      error: sdk.ReceiptExpiredError,
    },
    {
      input: "wrong chain (transport)",
      run: async (ctx) =>
        sdk.redeemReceipt(ctx.wrongChain("alice"), {
          shop: ctx.shop,
          signed: await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now }),
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "wrong chain (receipt for mainnet)",
      run: async (ctx) =>
        sdk.redeemReceipt(ctx.tx("alice"), {
          shop: ctx.shop,
          signed: await sdk.signReceipt(ctx.d.operator, ctx.receipt({ chainId: MAINNET }), { now: ctx.now }),
        }),
      error: sdk.ReceiptWrongChainError,
    },
    {
      input: "bad address",
      run: async (ctx) =>
        sdk.redeemReceipt(ctx.tx("alice"), {
          shop: BAD_ADDRESS,
          signed: await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now }),
        }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "unknown shop (address without code)",
      run: async (ctx) =>
        sdk.redeemReceipt(ctx.tx("alice"), {
          shop: ctx.nobody,
          signed: await sdk.signReceipt(ctx.d.operator, ctx.receipt({ shop: ctx.nobody }), { now: ctx.now }),
        }),
      error: sdk.NotAContractError,
    },
    {
      input: "amount over 2^96-1",
      run: async (ctx) => {
        const signed = await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now });
        return sdk.redeemReceipt(ctx.tx("alice"), {
          shop: ctx.shop,
          signed: {
            ...signed,
            receipt: { ...signed.receipt, amount: OVER_96 },
          },
        });
      },
      error: sdk.InvalidAmountError,
    },
    {
      input: "receipt already redeemed (its order id used)",
      setup: async (ctx) => {
        const signed = await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now });
        await ctx.d.shop.connect(ctx.d.signers[4]).redeemReceipt(signed.receipt, signed.signer, signed.signature);
      },
      run: async (ctx) =>
        sdk.redeemReceipt(ctx.tx("alice"), {
          shop: ctx.shop,
          signed: await sdk.signReceipt(ctx.d.operator, ctx.receipt(), { now: ctx.now }),
        }),
      error: sdk.OrderIdUsedError,
      message: `${RECEIPT_ORDER_ID}`,
    },
  ],
  mintFromBatchFile: [
    {
      input: "tampered proof",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.shop, file: tamperProof(ctx.file()), index: 0 }),
      error: sdk.MerkleBatchError,
      message: "entries[0].proof",
    },
    {
      input: "bad address",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: BAD_ADDRESS, file: ctx.file() }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "negative index",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.shop, file: ctx.file(), index: -1 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.mintFromBatchFile(ctx.wrongChain("alice"), { shop: ctx.shop, file: ctx.file() }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.nobody, file: ctx.file(ctx.nobody), index: 0 }),
      error: sdk.NotAContractError,
    },
    {
      input: "file for another shop",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.shop, file: ctx.file(ctx.nobody), index: 0 }),
      error: sdk.MerkleBatchError,
      message: "(shop)",
    },
    {
      input: "zero order id",
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.shop, file: ctx.file(), orderId: 0n }),
      error: sdk.InvalidAmountError,
      message: '"orderId"',
    },
    {
      input: "leaf already minted (its order id used)",
      setup: async (ctx) => {
        const b = ctx.batch;
        await ctx.d.shop.connect(ctx.d.operator).anchorBatch(b.root, b.firstOrderId, b.orderCount, b.totalRevenue);
        const l = b.leaf(0);
        await ctx.d.shop
          .connect(ctx.d.signers[3])
          .mintFromBatch(b.root, l.orderId, l.orderHash, l.customer, l.amount, l.referrer, b.proof(0));
      },
      run: (ctx) => sdk.mintFromBatchFile(ctx.tx("alice"), { shop: ctx.shop, file: ctx.file(), index: 0 }),
      error: sdk.LeafAlreadyMintedError,
      message: `order id ${BATCH_FIRST_ORDER_ID}`,
    },
  ],
  payout: [
    {
      input: "bad token address",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: BAD_ADDRESS, holders: [ctx.alice] }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: "no holders",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.token, holders: [] }),
      error: sdk.InvalidAddressError,
      message: '"holders"',
    },
    {
      input: "holders not an array",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.token, holders: n(ctx.alice) }),
      error: sdk.InvalidAddressError,
      message: '"holders"',
    },
    {
      input: "bad checksum in the holder list",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.token, holders: [ctx.bob, BAD_CHECKSUM] }),
      error: sdk.InvalidAddressError,
      message: '"holders[1]"',
    },
    {
      input: "duplicated holder",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.token, holders: [ctx.alice, ctx.bob, ctx.alice] }),
      error: sdk.InvalidAddressError,
      message: "duplicated",
    },
    {
      input: "more holders than MAX_PAYOUT_BATCH",
      run: (ctx) =>
        sdk.payout(ctx.tx("alice"), { token: ctx.token, holders: Array(sdk.MAX_PAYOUT_BATCH + 1).fill(ctx.alice) }),
      error: sdk.InvalidAddressError,
      message: "at most",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.payout(ctx.wrongChain("alice"), { token: ctx.token, holders: [ctx.alice] }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.nobody, holders: [ctx.alice] }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown token (a non-token contract: the shop)",
      run: (ctx) => sdk.payout(ctx.tx("alice"), { token: ctx.shop, holders: [ctx.alice] }),
      error: sdk.NotAContractError,
    },
  ],
  setPayoutOptOut: [
    {
      input: "bad address",
      run: (ctx) => sdk.setPayoutOptOut(ctx.tx("alice"), { token: BAD_ADDRESS, optedOut: true }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: 'preference not a boolean (the string "false")',
      run: (ctx) => sdk.setPayoutOptOut(ctx.tx("alice"), { token: ctx.token, optedOut: n("false") }),
      error: sdk.InvalidAmountError,
      message: '"optedOut"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.setPayoutOptOut(ctx.wrongChain("alice"), { token: ctx.token, optedOut: true }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.setPayoutOptOut(ctx.tx("alice"), { token: ctx.nobody, optedOut: true }),
      error: sdk.NotAContractError,
    },
  ],
  payoutOptedOut: [
    {
      input: "bad holder address",
      run: (ctx) => sdk.payoutOptedOut(ctx.tx("alice"), { token: ctx.token, holder: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"holder"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.payoutOptedOut(ctx.wrongChain("alice"), { token: ctx.token, holder: ctx.alice }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.payoutOptedOut(ctx.tx("alice"), { token: ctx.nobody, holder: ctx.alice }),
      error: sdk.NotAContractError,
    },
  ],
  tokenHolders: [
    {
      input: "bad address",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: BAD_ADDRESS, fromBlock: 0n }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: "no options",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: ctx.token } as never),
      error: sdk.InvalidAmountError,
    },
    {
      input: "negative fromBlock",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: ctx.token, fromBlock: -1n }),
      error: sdk.InvalidAmountError,
      message: '"fromBlock"',
    },
    {
      input: "balances not a Map",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: ctx.token, fromBlock: 0n, balances: n({}) }),
      error: sdk.InvalidAmountError,
      message: '"balances"',
    },
    {
      input: "fromBlock after toBlock",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: ctx.token, fromBlock: 10n, toBlock: 5n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.tokenHolders(ctx.wrongChain("alice"), { token: ctx.token, fromBlock: 0n }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.tokenHolders(ctx.tx("alice"), { token: ctx.nobody, fromBlock: 0n }),
      error: sdk.NotAContractError,
    },
  ],
  decodePayoutWord: [
    {
      input: "negative word",
      run: () => sdk.decodePayoutWord(-1n),
      error: sdk.InvalidAmountError,
    },
    {
      input: "word wider than 256 bits",
      run: () => sdk.decodePayoutWord(OVER_256),
      error: sdk.InvalidAmountError,
    },
  ],
  claimable: [
    {
      input: "bad address",
      run: (ctx) => sdk.claimable(ctx.tx("alice"), { token: BAD_ADDRESS, holder: ctx.alice }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.claimable(ctx.wrongChain("alice"), { token: ctx.token, holder: ctx.alice }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.claimable(ctx.tx("alice"), { token: ctx.nobody, holder: ctx.alice }),
      error: sdk.NotAContractError,
    },
  ],
  claimableTotal: [
    {
      input: "bad address",
      run: (ctx) => sdk.claimableTotal(ctx.tx("alice"), { factory: ctx.factory, holder: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"holder"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.claimableTotal(ctx.wrongChain("alice"), { factory: ctx.factory, holder: ctx.alice }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown factory (address without code)",
      run: (ctx) => sdk.claimableTotal(ctx.tx("alice"), { factory: ctx.nobody, holder: ctx.alice }),
      error: sdk.NotAContractError,
    },
  ],
  claim: [
    {
      input: "bad address",
      run: (ctx) => sdk.claim(ctx.tx("alice"), { token: BAD_CHECKSUM }),
      error: sdk.InvalidAddressError,
      message: '"token"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.claim(ctx.wrongChain("alice"), { token: ctx.token }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.claim(ctx.tx("alice"), { token: ctx.nobody }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown token (a non-token contract: the shop)",
      run: (ctx) => sdk.claim(ctx.tx("alice"), { token: ctx.shop }),
      error: sdk.NotAContractError,
    },
  ],
  claimTo: [
    {
      input: "bad address",
      run: (ctx) => sdk.claimTo(ctx.tx("alice"), { token: ctx.token, recipient: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"recipient"',
    },
    {
      input: "zero address recipient",
      run: (ctx) => sdk.claimTo(ctx.tx("alice"), { token: ctx.token, recipient: sdk.ZERO_ADDRESS }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.claimTo(ctx.wrongChain("alice"), { token: ctx.token, recipient: ctx.bob }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown token (address without code)",
      run: (ctx) => sdk.claimTo(ctx.tx("alice"), { token: ctx.nobody, recipient: ctx.bob }),
      error: sdk.NotAContractError,
    },
  ],
  claimMany: [
    {
      input: "bad address",
      run: (ctx) => sdk.claimMany(ctx.tx("alice"), { factory: ctx.factory, tokens: [ctx.token, BAD_ADDRESS] }),
      error: sdk.InvalidAddressError,
      message: "tokens[1]",
    },
    {
      input: "duplicated token",
      run: (ctx) =>
        sdk.claimMany(ctx.tx("alice"), { factory: ctx.factory, tokens: [ctx.token, ctx.token.toLowerCase()] }),
      error: sdk.InvalidAddressError,
      message: "duplicated",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.claimMany(ctx.wrongChain("alice"), { factory: ctx.factory, tokens: "all" }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown factory (address without code)",
      run: (ctx) => sdk.claimMany(ctx.tx("alice"), { factory: ctx.nobody, tokens: [ctx.token] }),
      error: sdk.NotAContractError,
    },
    {
      input: "a token of no shop of the factory (address without code)",
      run: (ctx) => sdk.claimMany(ctx.tx("alice"), { factory: ctx.factory, tokens: [ctx.nobody] }),
      error: sdk.InvalidAddressError,
      message: "not a token of factory",
    },
  ],

  // ---------------------------------------------------------------- merchant.ts
  createShop: [
    {
      input: "bad address",
      run: (ctx) =>
        sdk.createShop(ctx.tx("admin"), { factory: ctx.factory, admin: BAD_ADDRESS, utcOffsetHours: 8, name: "X" }),
      error: sdk.InvalidAddressError,
      message: '"admin"',
    },
    {
      input: "fractional UTC offset in seconds",
      run: (ctx) =>
        sdk.createShop(ctx.tx("admin"), { factory: ctx.factory, admin: ctx.alice, utcOffsetSeconds: 0.5, name: "X" }),
      error: sdk.InvalidUtcOffsetError,
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.createShop(ctx.wrongChain("admin"), {
          factory: ctx.factory,
          admin: ctx.alice,
          utcOffsetHours: 8,
          name: "X",
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown factory (address without code)",
      run: (ctx) =>
        sdk.createShop(ctx.tx("admin"), { factory: ctx.nobody, admin: ctx.alice, utcOffsetHours: 8, name: "X" }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown factory (a non-factory contract: the shop)",
      run: (ctx) =>
        sdk.createShop(ctx.tx("admin"), { factory: ctx.shop, admin: ctx.alice, utcOffsetHours: 8, name: "X" }),
      error: sdk.NotAContractError,
    },
  ],
  createToken: [
    {
      input: "bad address",
      run: (ctx) => sdk.createToken(ctx.tx("admin"), { shop: BAD_ADDRESS, ...newToken() }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "zero notice days",
      run: (ctx) => sdk.createToken(ctx.tx("admin"), { shop: ctx.shop, ...newToken(), noticeDays: 0 }),
      error: sdk.InvalidTokenParamsError,
    },
    {
      input: "negative amount in the rules",
      run: (ctx) =>
        sdk.createToken(ctx.tx("admin"), {
          shop: ctx.shop,
          ...newToken(),
          rules: { spendPerToken: "-0.5", dividend: "5%" },
        }),
      error: sdk.InvalidRulesError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.createToken(ctx.wrongChain("admin"), { shop: ctx.shop, ...newToken() }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.createToken(ctx.tx("admin"), { shop: ctx.nobody, ...newToken() }),
      error: sdk.NotAContractError,
    },
  ],
  scheduleRules: [
    {
      input: "dividend above 100 %",
      run: (ctx) =>
        sdk.scheduleRules(ctx.tx("admin"), {
          shop: ctx.shop,
          tokenIndex: 0,
          rules: { spendPerToken: "0.3", dividend: "120%" },
        }),
      error: sdk.InvalidRulesError,
    },
    {
      input: "negative token index",
      run: (ctx) => sdk.scheduleRules(ctx.tx("admin"), { shop: ctx.shop, tokenIndex: -1, rules: WUYOU_RULES }),
      error: sdk.InvalidAmountError,
      message: '"tokenIndex"',
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.scheduleRules(ctx.wrongChain("admin"), {
          shop: ctx.shop,
          tokenIndex: 0,
          rules: rules({ dividendBps: 2500n }),
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) =>
        sdk.scheduleRules(ctx.tx("admin"), { shop: ctx.nobody, tokenIndex: 0, rules: rules({ dividendBps: 2500n }) }),
      error: sdk.NotAContractError,
    },
  ],
  pendingRules: [
    {
      input: "fractional token index",
      run: (ctx) => sdk.pendingRules(ctx.tx("admin"), { shop: ctx.shop, tokenIndex: 1.5 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "token index the shop does not have",
      run: (ctx) => sdk.pendingRules(ctx.tx("admin"), { shop: ctx.shop, tokenIndex: 3 }),
      error: sdk.UnknownTokenIndexError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.pendingRules(ctx.wrongChain("admin"), { shop: ctx.shop, tokenIndex: 0 }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.pendingRules(ctx.tx("admin"), { shop: ctx.nobody, tokenIndex: 0 }),
      error: sdk.NotAContractError,
    },
  ],
  cancelRulesChange: [
    {
      input: "negative token index",
      run: (ctx) => sdk.cancelRulesChange(ctx.tx("admin"), { shop: ctx.shop, tokenIndex: -1n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) => sdk.cancelRulesChange(ctx.tx("admin"), { shop: BAD_ADDRESS, tokenIndex: 0 }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.cancelRulesChange(ctx.wrongChain("admin"), { shop: ctx.shop, tokenIndex: 0 }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.cancelRulesChange(ctx.tx("admin"), { shop: ctx.nobody, tokenIndex: 0 }),
      error: sdk.NotAContractError,
    },
  ],
  grantRole: [
    {
      input: "bad address",
      run: (ctx) => sdk.grantRole(ctx.tx("admin"), { shop: ctx.shop, role: "operator", account: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
      message: '"account"',
    },
    {
      input: "unknown role",
      run: (ctx) => sdk.grantRole(ctx.tx("admin"), { shop: ctx.shop, role: n("owner"), account: ctx.bob }),
      error: sdk.InvalidRoleError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.grantRole(ctx.wrongChain("admin"), { shop: ctx.shop, role: "operator", account: ctx.bob }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.grantRole(ctx.tx("admin"), { shop: ctx.nobody, role: "operator", account: ctx.bob }),
      error: sdk.NotAContractError,
    },
  ],
  revokeRole: [
    {
      input: "bad address",
      run: (ctx) => sdk.revokeRole(ctx.tx("admin"), { shop: ctx.shop, role: "operator", account: BAD_CHECKSUM }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.revokeRole(ctx.wrongChain("admin"), { shop: ctx.shop, role: "operator", account: ctx.d.operator.address }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) =>
        sdk.revokeRole(ctx.tx("admin"), { shop: ctx.nobody, role: "operator", account: ctx.d.operator.address }),
      error: sdk.NotAContractError,
    },
  ],
  validateShopOrders: [
    {
      input: "negative amount",
      run: (ctx) => sdk.validateShopOrders([ctx.order({ amount: -1n })]),
      error: sdk.InvalidAmountError,
      message: "orders[0].amount",
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.validateShopOrders([ctx.order({ amount: "1.5" })]),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.validateShopOrders([ctx.order({ amount: OVER_96 })]),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) => sdk.validateShopOrders([ctx.order({ customer: BAD_ADDRESS })]),
      error: sdk.InvalidAddressError,
      message: "orders[0].customer",
    },
    {
      input: "zero order id",
      run: (ctx) => sdk.validateShopOrders([ctx.order({ orderId: 0n })]),
      error: sdk.InvalidAmountError,
      message: "orders[0].orderId",
    },
    {
      input: "order id given twice",
      run: (ctx) => sdk.validateShopOrders([ctx.order(), ctx.order({ orderHash: hashOf("another") })]),
      error: sdk.InvalidOrderError,
      message: "orders[1].orderId",
    },
  ],
  recordOrders: [
    {
      input: "negative amount",
      run: (ctx) =>
        sdk.recordOrders(ctx.tx("operator"), {
          shop: ctx.shop,
          orders: [ctx.order(), ctx.order({ orderId: ORDER_ID + 1n, orderHash: hashOf("2"), amount: -1n })],
        }),
      error: sdk.InvalidAmountError,
      message: "orders[1].amount",
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.recordOrders(ctx.tx("operator"), { shop: ctx.shop, orders: [ctx.order({ amount: 0.25 })] }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) => sdk.recordOrders(ctx.tx("operator"), { shop: ctx.shop, orders: [ctx.order({ amount: OVER_96 })] }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) =>
        sdk.recordOrders(ctx.tx("operator"), { shop: ctx.shop, orders: [ctx.order({ referrer: BAD_ADDRESS })] }),
      error: sdk.InvalidAddressError,
      message: "orders[0].referrer",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.recordOrders(ctx.wrongChain("operator"), { shop: ctx.shop, orders: [ctx.order()] }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.recordOrders(ctx.tx("operator"), { shop: ctx.nobody, orders: [ctx.order()] }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown shop (a non-shop contract: the token)",
      run: (ctx) => sdk.recordOrders(ctx.tx("operator"), { shop: ctx.token, orders: [ctx.order()] }),
      error: sdk.NotAContractError,
    },
    {
      input: "order id over 2^64-1",
      run: (ctx) =>
        sdk.recordOrders(ctx.tx("operator"), { shop: ctx.shop, orders: [ctx.order({ orderId: 1n << 64n })] }),
      error: sdk.InvalidAmountError,
      message: "orders[0].orderId",
    },
    {
      input: "order id given twice",
      run: (ctx) =>
        sdk.recordOrders(ctx.tx("operator"), {
          shop: ctx.shop,
          orders: [ctx.order(), ctx.order({ orderHash: hashOf("twice") })],
        }),
      error: sdk.InvalidOrderError,
      message: "orders[1].orderId",
    },
    {
      input: "order id already counted (re-run without skipCounted)",
      setup: (ctx) =>
        ctx.d.shop.connect(ctx.d.operator).recordOrder({
          orderId: ORDER_ID,
          orderHash: ORDER_HASH,
          customer: ctx.alice,
          amount: ONE,
          referrer: sdk.ZERO_ADDRESS,
        }),
      run: (ctx) => sdk.recordOrders(ctx.tx("operator"), { shop: ctx.shop, orders: [ctx.order()] }),
      error: sdk.OrderAlreadyCountedError,
      message: `order id ${ORDER_ID}`,
    },
  ],
  anchorBatch: [
    {
      input: "zero root",
      run: (ctx) =>
        sdk.anchorBatch(ctx.tx("operator"), {
          shop: ctx.shop,
          batch: {
            root: n(ZERO_HASH),
            firstOrderId: 1n,
            orderCount: 1,
            totalRevenue: ONE,
          },
        }),
      error: sdk.MerkleBatchError,
      message: "(root)",
    },
    {
      input: "revenue over 2^96-1",
      run: (ctx) =>
        sdk.anchorBatch(ctx.tx("operator"), {
          shop: ctx.shop,
          batch: {
            root: ctx.batch.root,
            firstOrderId: 1n,
            orderCount: 2,
            totalRevenue: OVER_96,
          },
        }),
      error: sdk.InvalidAmountError,
      message: '"totalRevenue"',
    },
    {
      input: "fractional order count",
      run: (ctx) =>
        sdk.anchorBatch(ctx.tx("operator"), {
          shop: ctx.shop,
          batch: {
            root: ctx.batch.root,
            firstOrderId: 1n,
            orderCount: 1.5,
            totalRevenue: ONE,
          },
        }),
      error: sdk.MerkleBatchError,
      message: "(orderCount)",
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.anchorBatch(ctx.wrongChain("operator"), { shop: ctx.shop, batch: ctx.batch }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.anchorBatch(ctx.tx("operator"), { shop: ctx.nobody, batch: ctx.batch }),
      error: sdk.NotAContractError,
    },
    {
      input: "no first order id (a core v1 batch)",
      run: (ctx) =>
        sdk.anchorBatch(ctx.tx("operator"), {
          shop: ctx.shop,
          batch: n({ root: ctx.batch.root, orderCount: 2, totalRevenue: ctx.batch.totalRevenue }),
        }),
      error: sdk.MerkleBatchError,
      message: "(firstOrderId)",
    },
    {
      input: "an order id of the range already used",
      setup: (ctx) =>
        ctx.d.shop.connect(ctx.d.operator).recordOrder({
          orderId: BATCH_FIRST_ORDER_ID + 1n,
          orderHash: ORDER_HASH,
          customer: ctx.alice,
          amount: ONE,
          referrer: sdk.ZERO_ADDRESS,
        }),
      run: (ctx) => sdk.anchorBatch(ctx.tx("operator"), { shop: ctx.shop, batch: ctx.batch }),
      error: sdk.OrderIdUsedError,
      message: `${BATCH_FIRST_ORDER_ID + 1n}`,
    },
  ],
  deposit: [
    {
      input: "negative amount",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: ctx.shop, amountWei: -1n }),
      error: sdk.InvalidAmountError,
      message: '"amountWei"',
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: ctx.shop, amountWei: 0.5 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^256-1",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: ctx.shop, amountWei: OVER_256 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: BAD_ADDRESS, amountWei: ONE }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.deposit(ctx.wrongChain("admin"), { shop: ctx.shop, amountWei: ONE }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: ctx.nobody, amountWei: ONE }),
      error: sdk.NotAContractError,
    },
    {
      input: "unknown shop (a non-shop contract: the token)",
      run: (ctx) => sdk.deposit(ctx.tx("admin"), { shop: ctx.token, amountWei: ONE }),
      error: sdk.NotAContractError,
    },
  ],
  settleDay: [
    {
      input: "negative day",
      run: (ctx) => sdk.settleDay(ctx.tx("alice"), { shop: ctx.shop, day: -1n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "negative value",
      run: (ctx) => sdk.settleDay(ctx.tx("alice"), { shop: ctx.shop, day: 1n, value: -1n }),
      error: sdk.InvalidAmountError,
      message: '"value"',
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.settleDay(ctx.wrongChain("alice"), { shop: ctx.shop, day: 1n }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.settleDay(ctx.tx("alice"), { shop: ctx.nobody, day: 1n }),
      error: sdk.NotAContractError,
    },
  ],
  settleAllUnsettled: [
    {
      input: "unknown funding mode",
      run: (ctx) => sdk.settleAllUnsettled(ctx.tx("admin"), { shop: ctx.shop, fund: n("all") }),
      error: sdk.InvalidOrderError,
      message: '"fund"',
    },
    {
      input: "bad address",
      run: (ctx) => sdk.settleAllUnsettled(ctx.tx("admin"), { shop: BAD_ADDRESS }),
      error: sdk.InvalidAddressError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.settleAllUnsettled(ctx.wrongChain("admin"), { shop: ctx.shop }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.settleAllUnsettled(ctx.tx("admin"), { shop: ctx.nobody }),
      error: sdk.NotAContractError,
    },
  ],
  withdraw: [
    {
      input: "bad address",
      run: (ctx) => sdk.withdraw(ctx.tx("admin"), { shop: ctx.shop, to: BAD_ADDRESS, amountWei: 1n }),
      error: sdk.InvalidAddressError,
      message: '"to"',
    },
    {
      input: "negative amount",
      run: (ctx) => sdk.withdraw(ctx.tx("admin"), { shop: ctx.shop, to: ctx.admin(), amountWei: -1n }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "fractional amount",
      run: (ctx) => sdk.withdraw(ctx.tx("admin"), { shop: ctx.shop, to: ctx.admin(), amountWei: "1.5" }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^256-1",
      run: (ctx) => sdk.withdraw(ctx.tx("admin"), { shop: ctx.shop, to: ctx.admin(), amountWei: OVER_256 }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "wrong chain",
      run: (ctx) => sdk.withdraw(ctx.wrongChain("admin"), { shop: ctx.shop, to: ctx.admin(), amountWei: 1n }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) => sdk.withdraw(ctx.tx("admin"), { shop: ctx.nobody, to: ctx.admin(), amountWei: 1n }),
      error: sdk.NotAContractError,
    },
  ],
  predictTokenAddress: [
    {
      input: "bad address",
      run: () => sdk.predictTokenAddress(BAD_ADDRESS, 0),
      error: sdk.InvalidAddressError,
      message: '"shop"',
    },
    {
      input: "token index past 7",
      run: (ctx) => sdk.predictTokenAddress(ctx.shop, 8),
      error: sdk.InvalidAmountError,
      message: '"tokenIndex"',
    },
  ],
  parseTokenAmount: [
    {
      input: "negative amount",
      run: () => sdk.parseTokenAmount("amount", "-1"),
      error: sdk.InvalidAmountError,
      message: "negative",
    },
    { input: "negative bigint", run: () => sdk.parseTokenAmount("amount", -1n), error: sdk.InvalidAmountError },
    {
      input: "fractional amount below one token-wei",
      run: () => sdk.parseTokenAmount("amount", "0.0000000000000000001"),
      error: sdk.InvalidAmountError,
      message: "18 decimals",
    },
    {
      input: "fractional amount as a number",
      run: () => sdk.parseTokenAmount("amount", 1.5),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: () => sdk.parseTokenAmount("amount", OVER_96),
      error: sdk.InvalidAmountError,
      message: "2^96 - 1",
    },
  ],
  mintFromPool: [
    {
      input: "negative amount",
      run: (ctx) =>
        sdk.mintFromPool(ctx.tx("poolManager"), {
          shop: ctx.shop,
          tokenIndex: 0,
          to: ctx.bob,
          amountTokens: "-1",
          reason: "help",
        }),
      error: sdk.InvalidAmountError,
      message: '"amountTokens"',
    },
    {
      input: "fractional amount below one token-wei",
      run: (ctx) =>
        sdk.mintFromPool(ctx.tx("poolManager"), {
          shop: ctx.shop,
          tokenIndex: 0,
          to: ctx.bob,
          amountTokens: "0.0000000000000000001",
          reason: "help",
        }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "amount over 2^96-1",
      run: (ctx) =>
        sdk.mintFromPool(ctx.tx("poolManager"), {
          shop: ctx.shop,
          tokenIndex: 0,
          to: ctx.bob,
          amountTokens: OVER_96,
          reason: "help",
        }),
      error: sdk.InvalidAmountError,
    },
    {
      input: "bad address",
      run: (ctx) =>
        sdk.mintFromPool(ctx.tx("poolManager"), {
          shop: ctx.shop,
          tokenIndex: 0,
          to: BAD_ADDRESS,
          amountTokens: "1",
          reason: "help",
        }),
      error: sdk.InvalidAddressError,
      message: '"to"',
    },
    {
      input: "wrong chain",
      run: (ctx) =>
        sdk.mintFromPool(ctx.wrongChain("poolManager"), {
          shop: ctx.shop,
          tokenIndex: 0,
          to: ctx.bob,
          amountTokens: "1",
          reason: "help",
        }),
      error: sdk.WrongChainError,
    },
    {
      input: "unknown shop (address without code)",
      run: (ctx) =>
        sdk.mintFromPool(ctx.tx("poolManager"), {
          shop: ctx.nobody,
          tokenIndex: 0,
          to: ctx.bob,
          amountTokens: "1",
          reason: "help",
        }),
      error: sdk.NotAContractError,
    },
  ],
};

// ------------------------------------------------------------------ Context

function newToken() {
  return { name: "Bad Input Coin", symbol: "BIC", rules: { spendPerToken: "0.5", dividend: "5%" } };
}

function viemPublicClient(d: Deployment) {
  const transport = custom(
    {
      request: ({ method, params }: { method: string; params?: unknown }) =>
        d.ethers.provider.send(method, (params ?? []) as unknown[]),
    },
    { retryCount: 0 },
  );
  return createPublicClient({ transport, pollingInterval: 10 });
}

function spyTransport(inner: Transport, spy: Spy): Transport {
  return {
    ...inner,
    send: async (call) => {
      spy.calls.push(`send to ${call.to} (${call.data.slice(0, 10)}, value ${call.value ?? 0n})`);
      return inner.send(call);
    },
    signTypedData: async (payload) => {
      spy.calls.push(`signTypedData ${payload.primaryType}`);
      return inner.signTypedData(payload);
    },
  };
}

function spySigner(signer: HardhatEthersSigner, spy: Spy): ReceiptSigner {
  return {
    getAddress: () => signer.getAddress(),
    signTypedData: async (domain, types, value) => {
      spy.calls.push("signer.signTypedData");
      return signer.signTypedData(domain, types, value);
    },
  };
}

interface Shared {
  batch: MerkleBatch;
}

async function makeCtx(d: Deployment, shared: Shared, spy: Spy): Promise<Ctx> {
  const shop = (await d.shop.getAddress()) as Address;
  const token = (await d.token.getAddress()) as Address;
  const factory = (await d.factory.getAddress()) as Address;
  const now = BigInt(await d.helpers.time.latest());
  const chainId = (await d.ethers.provider.getNetwork()).chainId;
  const signerOf = (who: Who): HardhatEthersSigner =>
    ({ admin: d.admin, operator: d.operator, poolManager: d.poolManager, alice: d.signers[3], bob: d.signers[4] })[who];
  const alice = d.signers[3].address as Address;
  const bob = d.signers[4].address as Address;
  const tx = (who: Who): Transport => spyTransport(sdk.fromEthers(signerOf(who)), spy);
  return {
    d,
    shop,
    token,
    factory,
    nobody: NOBODY,
    alice,
    bob,
    now,
    chainId,
    tx,
    wrongChain: (who) => sdk.requireChain(tx(who), { chainId: MAINNET }),
    signer: (who) => spySigner(signerOf(who), spy),
    receipt: (over = {}) =>
      n<ReceiptInput>({
        shop,
        chainId,
        orderId: RECEIPT_ORDER_ID,
        customer: alice,
        amount: ONE,
        orderHash: ORDER_HASH,
        deadline: now + 3600n,
        ...over,
      }),
    order: (over = {}) =>
      n<RecordOrderInput>({ orderId: ORDER_ID, orderHash: ORDER_HASH, customer: alice, amount: ONE, ...over }),
    batch: shared.batch,
    file: (forShop = shop) => sdk.exportBatchFile(shared.batch, { shop: forShop, chainId }),
    admin: () => d.admin.address as Address,
  };
}

// ------------------------------------------------------------------ Running a case

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.constructor.name}${typeof code === "string" ? ` [${code}]` : ""}: ${error.message.split("\n")[0]}`;
  }
  return `non-error ${String(error)}`;
}

async function runCase(c: Case, shared: Shared): Promise<void> {
  const d = await load();
  const spy: Spy = { calls: [] };
  const ctx = await makeCtx(d, shared, spy);
  if ("setup" in c && c.setup !== undefined) await c.setup(ctx);
  const watched = d.signers.slice(0, 6).map((s) => s.address);
  const nonces = await Promise.all(watched.map((a) => d.ethers.provider.getTransactionCount(a)));
  const block = await d.ethers.provider.getBlockNumber();

  let threw = false;
  let error: unknown;
  let value: unknown;
  try {
    value = await c.run(ctx);
  } catch (e) {
    threw = true;
    error = e;
  }

  const problems: string[] = [];
  if ("error" in c) {
    if (!threw) {
      problems.push(`expected ${c.error.name}, but it did not throw (returned ${sdk.describeValue(value)})`);
    } else if (!(error instanceof c.error)) {
      problems.push(`expected ${c.error.name}, got ${describeError(error)}`);
    } else {
      if (c.message !== undefined && !(error as Error).message.includes(c.message)) {
        problems.push(
          `${c.error.name} message ${JSON.stringify((error as Error).message)} lacks ${JSON.stringify(c.message)}`,
        );
      }
      if (c.code !== undefined && (error as sdk.ShareMallError).code !== c.code) {
        problems.push(`expected code ${c.code}, got ${describeError(error)}`);
      }
    }
  } else if (threw) {
    problems.push(`expected it to return ${sdk.describeValue(c.returns)}, got ${describeError(error)}`);
  } else {
    try {
      expect(value).to.deep.equal(c.returns);
    } catch {
      problems.push(`expected it to return ${sdk.describeValue(c.returns)}, got ${sdk.describeValue(value)}`);
    }
  }
  if (spy.calls.length > 0) problems.push(`it sent or signed: ${spy.calls.join("; ")}`);
  const after = await Promise.all(watched.map((a) => d.ethers.provider.getTransactionCount(a)));
  after.forEach((nonce, i) => {
    if (nonce !== nonces[i]) problems.push(`signer ${i}'s nonce moved from ${nonces[i]} to ${nonce}`);
  });
  const blockAfter = await d.ethers.provider.getBlockNumber();
  if (blockAfter !== block) problems.push(`${blockAfter - block} block(s) were mined`);
  expect(problems, problems.join("\n")).to.deep.equal([]);
}

// ------------------------------------------------------------------ Tests

const exportedFunctions = Object.entries(sdk)
  .filter(([name, value]) => typeof value === "function" && /^[a-z]/.test(name))
  .map(([name]) => name)
  .sort();

describe("SDK bad input: every public function refuses malformed input with its typed error and sends nothing", function () {
  const shared = {} as Shared;

  before(async function () {
    const d = await load();
    shared.batch = await sdk.buildBatch(
      [
        { orderHash: hashOf("bad-input batch 0"), customer: d.signers[3].address, amount: ONE },
        { orderHash: hashOf("bad-input batch 1"), customer: d.signers[4].address, amount: 2n * ONE },
      ],
      { firstOrderId: BATCH_FIRST_ORDER_ID },
    );
  });

  it("every exported function has a bad-input entry, and every entry is an exported function", function () {
    const missing = exportedFunctions.filter((name) => !(name in TABLE));
    expect(missing, missing.map((name) => `public function ${name} has no bad-input case`).join("\n")).to.deep.equal(
      [],
    );
    const stale = Object.keys(TABLE).filter((name) => !exportedFunctions.includes(name));
    expect(stale, `table entries that are not exported functions: ${stale.join(", ")}`).to.deep.equal([]);
    expect(exportedFunctions.length).to.be.greaterThan(80);
  });

  for (const [name, entry] of Object.entries(TABLE).sort(([a], [b]) => a.localeCompare(b))) {
    if ("none" in entry) {
      it(`${name}: no malformed input exists (${entry.none})`, function () {
        const fn = (sdk as Record<string, unknown>)[name];
        expect(fn).to.be.a("function");
        expect(entry.none.length).to.be.greaterThan(10);
      });
      continue;
    }
    expect(entry.length, `${name} has an empty case list`).to.be.greaterThan(0);
    for (const c of entry) {
      const expectation = "error" in c ? `throws ${c.error.name}` : `returns ${sdk.describeValue(c.returns)}`;
      it(`${name}: ${c.input} -> ${expectation}, nothing sent`, async function () {
        await runCase(c, shared);
      });
    }
  }
});
