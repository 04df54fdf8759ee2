/**
 * Gas benchmark of the ShareMall core contracts (see docs/benchmarks.md for what each scenario measures).
 *
 *   npm run bench:gas                      measure, print the table, fail on a > 1 % regression over gas-snapshot.json
 *   BENCH_UPDATE=1 npm run bench:gas       also rewrite gas-snapshot.json and the tables in docs/benchmarks.md
 *   BENCH_DOCS=1 npm run bench:gas         rewrite only the tables in docs/benchmarks.md
 *
 * (Hardhat 3's `hardhat run` rejects script flags: `--update` fails with HHE504 and `-- --update` with HHE506, so the
 * switches are environment variables.)
 * Every figure is the gasUsed of a receipt on the in-process network, in a steady state: the slots an operation
 * writes already exist unless the operation is about creating them. The run also writes .bench/gas.json (all rows
 * and a per-opcode breakdown of each transaction) for the docs.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { network } from "hardhat";
import type { ContractTransactionResponse, Result, TransactionReceipt } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type {
  DividendToken,
  IShop,
  PlainERC20,
  ReferenceDividendToken,
  ReferenceMerkleDistributor,
  ShareMallFactory,
} from "../types/ethers-contracts/index.js";
import type { IShopBase } from "../types/ethers-contracts/interfaces/IShop.js";
import { buildBatch, signReceipt, type BatchOrderInput } from "../sdk/src/index.js";
import { gasBreakdown, type Breakdown } from "./lib/gas-trace.js";
import {
  checkSnapshot,
  consoleTable,
  makeSnapshot,
  markdownBreakdowns,
  markdownFloors,
  markdownTable,
  status,
  writeDocSections,
  writeFormatted,
  type Row,
  type Snapshot,
} from "./lib/bench-report.js";

const UPDATE = process.env.BENCH_UPDATE === "1";
const WRITE_DOCS = UPDATE || process.env.BENCH_DOCS === "1";
const SNAPSHOT_FILE = "gas-snapshot.json";
const DOCS_FILE = "docs/benchmarks.md";
const OUTPUT_DIR = ".bench";

/** Fixed genesis time, so that day numbers (and calldata) are the same on every run: 2030-01-02 01:00 UTC+8. */
const GENESIS = "2030-01-01T17:00:00Z";
const UTC_OFFSET = 8 * 3600;
const DAY = 86_400;
/** EIP-7825 (Osaka): no transaction may use more than 2^24 gas. */
const TX_GAS_CAP = 16_777_216n;
const HOLDERS_LARGE = 10_000;
const BATCH = 200;
/** The last customers of the large shop are referred, for the "orders with referrers" row. */
const REFERRED_CUSTOMERS = 100;
const ORDERS_PER_BATCH_MEASURED = 100;
/** Settled days before the benchmark days, one per customer of a measured batch. */
const HISTORY_DAYS = ORDERS_PER_BATCH_MEASURED;
const ETHER = 10n ** 18n;
const FINNEY = 10n ** 15n;

/** Wuyou Tea's rules from the product brief: one token per 300 CNY (1 CNY = 10^15 wei), 20 % dividends, pool 1/9. */
const RULES = {
  spendPerToken: 300n * FINNEY,
  minFirstOrder: 0n,
  referralsPerToken: 0n,
  dividendBps: 2000n,
  referralBps: 1000n,
  maxSupply: 0n,
  poolNum: 1n,
  poolDen: 9n,
};

interface OrderInput {
  orderId: bigint;
  orderHash: string;
  customer: string;
  amount: bigint;
  referrer: string;
}

interface Measured {
  response: ContractTransactionResponse;
  receipt: TransactionReceipt;
}

const started = Date.now();
const { ethers, networkHelpers, networkConfig } = await network.create({ override: { initialDate: GENESIS } });
const hardfork = networkConfig.type === "edr-simulated" ? networkConfig.hardfork : "unknown";
const signers = await ethers.getSigners();
const [admin, operator, poolManager] = signers;
/** Ten customers who can sign (checkout, claim, transfer); c[0] is referred by c[1], c[9] by c[8]. */
const c = signers.slice(3, 13);
const [plainHolderA, plainHolderB] = signers.slice(13, 15);
/** Holders of the ERC-1726 reference token. */
const [referenceHolderA, referenceHolderB, referenceHolderC] = signers.slice(15, 18);
const measured = new Map<string, Measured>();

function log(message: string): void {
  console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s] ${message}`);
}

async function mined(tx: Promise<ContractTransactionResponse>): Promise<Measured> {
  const response = await tx;
  const receipt = await response.wait();
  if (receipt === null || receipt.status !== 1) throw new Error(`transaction ${response.hash} failed`);
  return { response, receipt };
}

/** Sends a transaction and keeps its receipt under `id`. */
async function measure(id: string, tx: Promise<ContractTransactionResponse>): Promise<number> {
  if (measured.has(id)) throw new Error(`measured twice: ${id}`);
  const result = await mined(tx);
  measured.set(id, result);
  return Number(result.receipt.gasUsed);
}

function gasOf(id: string): number {
  const result = measured.get(id);
  if (result === undefined) throw new Error(`not measured: ${id}`);
  return Number(result.receipt.gasUsed);
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`benchmark setup: ${message}`);
}

function dayOf(timestamp: number): bigint {
  return BigInt(Math.floor((timestamp + UTC_OFFSET) / DAY));
}

/** Moves the chain to 01:00 local time of `day`. */
async function goToDay(day: bigint): Promise<void> {
  await networkHelpers.time.increaseTo(Number(day) * DAY - UTC_OFFSET + 3600);
}

/** Order ids of the operator's paths, handed out in sequence as a merchant backend numbers its orders. */
let nextOrderId = 1n;

function order(tag: string, customer: string, amount: bigint, referrer: string = ethers.ZeroAddress): OrderInput {
  return { orderId: nextOrderId++, orderHash: ethers.id(`sharemall-bench/${tag}`), customer, amount, referrer };
}

/** Pseudo-random but fixed customer addresses (full-entropy bytes, so calldata costs what real addresses cost). */
function syntheticCustomer(index: number): string {
  return ethers.getAddress(ethers.dataSlice(ethers.id(`sharemall-bench/customer/${index}`), 12));
}

/** Spend of synthetic customer `index`: 300 to 1,200 CNY. */
function syntheticAmount(index: number): bigint {
  return 300n * FINNEY + BigInt(index % 7) * 150n * FINNEY;
}

async function createShop(factory: ShareMallFactory, name: string): Promise<IShop> {
  const params = { admin: admin.address, operator: operator.address, utcOffset: UTC_OFFSET, name };
  const address = await factory.createShop.staticCall(params);
  await mined(factory.createShop(params));
  return (await ethers.getContractAt("IShop", address)) as unknown as IShop;
}

function tokenParams(name: string, symbol: string, transferable: boolean, dividendBps = RULES.dividendBps) {
  return { name, symbol, transferable, noticePeriod: 0, rules: { ...RULES, dividendBps } };
}

/** A shop with one transferable token (transferability changes nothing but `transfer`) and a pool manager. */
async function createBenchShop(
  factory: ShareMallFactory,
  name: string,
): Promise<{ shop: IShop; token: DividendToken }> {
  const shop = await createShop(factory, name);
  await mined(shop.grantRole(await shop.POOL_MANAGER_ROLE(), poolManager.address));
  await mined(shop.createToken(tokenParams("Wuyou Dividend Coin", "YDC", true)));
  const token = (await ethers.getContractAt("DividendToken", (await shop.tokens())[0])) as unknown as DividendToken;
  return { shop, token };
}

/** Records `orders`, splitting the batch if it does not fit in one transaction. */
async function recordBatch(shop: IShop, orders: OrderInput[]): Promise<void> {
  try {
    await mined(shop.connect(operator).recordOrders(orders, { gasLimit: TX_GAS_CAP }));
  } catch (error) {
    if (orders.length < 2) throw error;
    const half = Math.ceil(orders.length / 2);
    await recordBatch(shop, orders.slice(0, half));
    await recordBatch(shop, orders.slice(half));
  }
}

/**
 * First orders of the ten signing customers. Referral bindings: c[0] by c[1] (the measured checkout) and c[9] by
 * c[8] (the first checkout of a day).
 */
function seedOrders(tag: string): OrderInput[] {
  const amounts = [1500n, 900n, 2400n, 600n, 3000n, 1200n, 1800n, 450n, 2100n, 750n];
  const referrers = new Map([
    [0, c[1].address],
    [9, c[8].address],
  ]);
  // Referrers order first, as they would in a real shop.
  const sequence = [1, 8, 0, 2, 3, 4, 5, 6, 7, 9];
  return sequence.map((k) =>
    order(`${tag}/seed/${k}`, c[k].address, amounts[k] * FINNEY, referrers.get(k) ?? ethers.ZeroAddress),
  );
}

/** One `recordOrders` of returning signing customers `indexes` (the benchmark days use the same in both shops). */
async function recordReturning(shop: IShop, tag: string, indexes: number[], amounts: bigint[]): Promise<void> {
  const orders = indexes.map((k, n) => order(`${tag}/${k}`, c[k].address, amounts[n] * FINNEY));
  await mined(shop.connect(operator).recordOrders(orders));
}

function chargeAs(shop: IShop, customer: HardhatEthersSigner, tag: string, amount: bigint) {
  return shop.connect(customer).charge(ethers.id(`sharemall-bench/${tag}`), ethers.ZeroAddress, { value: amount });
}

type PaymentTerms = IShopBase.PaymentStruct;
type CaptureTerms = IShopBase.CaptureStruct;

/** The terms of the payment authorized (or captured) in `result`, from its event. */
function eventArgs(shop: IShop, result: Measured, name: "PaymentAuthorized" | "PaymentCaptured"): Result {
  for (const log of result.receipt.logs) {
    const parsed = shop.interface.parseLog(log);
    if (parsed?.name === name) return parsed.args;
  }
  throw new Error(`no ${name} in ${result.response.hash}`);
}

function paymentOf(shop: IShop, result: Measured): PaymentTerms {
  const a = eventArgs(shop, result, "PaymentAuthorized");
  return {
    orderHash: a.orderHash,
    customer: a.customer,
    referrer: a.referrer,
    amount: a.amount,
    autoCaptureAt: a.autoCaptureAt,
    expiry: a.expiry,
  };
}

function captureOf(shop: IShop, result: Measured): CaptureTerms {
  const a = eventArgs(shop, result, "PaymentCaptured");
  return {
    orderHash: a.orderHash,
    customer: a.customer,
    amount: a.amount,
    refundDeadline: a.refundDeadline,
    minted: [...a.minted],
  };
}

/** `customer` authorizes `amount` for order `tag`, expiring `expiresIn` seconds from now. */
async function authorizeAs(
  shop: IShop,
  customer: HardhatEthersSigner,
  tag: string,
  amount: bigint,
  expiresIn: number,
  id?: string,
): Promise<PaymentTerms> {
  const expiry = (await networkHelpers.time.latest()) + expiresIn;
  const tx = shop.connect(customer).authorize(ethers.id(`sharemall-bench/${tag}`), ethers.ZeroAddress, expiry, {
    value: amount,
  });
  if (id !== undefined) await measure(id, tx);
  const result = id !== undefined ? measured.get(id)! : await mined(tx);
  return paymentOf(shop, result);
}

const bothShops = (): [{ shop: IShop; token: DividendToken }, string][] => [
  [small, "small"],
  [large, "large"],
];

// ---------------------------------------------------------------- Deployment and holders (day 0)

log(`in-process network, hardfork ${hardfork}, genesis ${GENESIS}`);
const paymentsModule = await ethers.deployContract("ShopPayments");
const shopImpl = await ethers.deployContract("Shop", [await paymentsModule.getAddress()]);
const tokenImpl = await ethers.deployContract("DividendToken");
const factory = (await ethers.deployContract("ShareMallFactory", [
  await shopImpl.getAddress(),
  await tokenImpl.getAddress(),
])) as unknown as ShareMallFactory;
const small = await createBenchShop(factory, "Bench shop, 10 holders");
const large = await createBenchShop(factory, "Bench shop, 10,000 holders");
const plain = (await ethers.deployContract("PlainERC20")) as unknown as PlainERC20;
await mined(plain.mint(plainHolderA.address, 100n * ETHER));
await mined(plain.mint(plainHolderB.address, 100n * ETHER));
await networkHelpers.setBalance(admin.address, 10n ** 24n);

const day0 = dayOf(await networkHelpers.time.latest());
await mined(small.shop.connect(operator).recordOrders(seedOrders("small")));
await mined(large.shop.connect(operator).recordOrders(seedOrders("large")));

log(`creating ${HOLDERS_LARGE.toLocaleString("en-US")} holders in batches of ${BATCH} (recordOrders)...`);
const synthetic = HOLDERS_LARGE - c.length;
const referredFrom = synthetic - REFERRED_CUSTOMERS;
let holders = c.length;
let nextReport = 2_000;
for (let start = 0; start < synthetic;) {
  // Referred customers mint to their referrer too: smaller batches keep them under the transaction gas cap.
  const size = start >= referredFrom ? BATCH / 2 : Math.min(BATCH, referredFrom - start);
  const orders: OrderInput[] = [];
  for (let k = start; k < Math.min(start + size, synthetic); ++k) {
    const referrer = k >= referredFrom ? c[k % c.length].address : ethers.ZeroAddress;
    orders.push(order(`large/new/${k}`, syntheticCustomer(k), syntheticAmount(k), referrer));
  }
  await recordBatch(large.shop, orders);
  start += orders.length;
  holders += orders.length;
  if (holders >= nextReport || start >= synthetic) {
    log(`  ${holders.toLocaleString("en-US")} holders`);
    while (nextReport <= holders) nextReport += 2_000;
  }
}
check((await large.token.balanceOf(syntheticCustomer(synthetic - 1))) > 0n, "last synthetic customer holds tokens");
check((await large.shop.dayRecord(day0)).orderCount === BigInt(HOLDERS_LARGE), "one first order per holder");

// ---------------------------------------------------------------- History: 100 settled days

// Customer j of each measured batch orders once on history day j + 1 (and that day is settled), so the measured
// batches' customers last updated their accounts in 100 different distributions, as returning customers who last
// bought on different days do. (Core v1 read a cold accumulator-history slot per such customer; v2 keeps no history,
// and the scenario stays so that the two compare on the same chain.)
log(`settling ${HISTORY_DAYS} days, one returning order pair a day, so measured customers sit in distinct epochs...`);
await mined(small.shop.deposit({ value: 100n * ETHER }));
await mined(large.shop.deposit({ value: 5_000n * ETHER }));
for (let h = 1; h <= HISTORY_DAYS; ++h) {
  await goToDay(day0 + BigInt(h));
  if (h === 1) await mined(small.shop.settle(day0));
  await mined(large.shop.settle(day0 + BigInt(h - 1)));
  const j = h - 1;
  await mined(
    large.shop
      .connect(operator)
      .recordOrders([
        order(`large/history/${j}`, syntheticCustomer(j), syntheticAmount(j)),
        order(`large/history/referred/${j}`, syntheticCustomer(referredFrom + j), syntheticAmount(j)),
      ]),
  );
  if (h % 25 === 0) log(`  ${h} days`);
}

// ---------------------------------------------------------------- Day B1: first claim, orders of returning customers

const b1 = day0 + BigInt(HISTORY_DAYS) + 1n;
await goToDay(b1);
log("day B1: first claim, orders of returning customers");
await mined(large.shop.settle(b1 - 1n));
await measure("claim.first", small.token.connect(c[2]).claim());
for (const [s, tag] of bothShops()) {
  await recordReturning(s.shop, `${tag}/b1`, [2, 3, 4, 5, 6], [1500n, 900n, 2400n, 600n, 3000n]);
  await mined(chargeAs(s.shop, c[0], `${tag}/b1/charge`, 1200n * FINNEY));
}
const [boundReferrer, known] = await small.shop.customerOf(c[0].address);
check(known && boundReferrer === c[1].address, "c0 is a returning customer with a bound referrer");

// ---------------------------------------------------------------- Day B2: settle (escrow + balance), payments

await goToDay(b1 + 1n);
log("day B2: settle day B1 (escrow + balance), charges and held payments");
const owedB1 = await small.shop.tokenDay(0, b1);
check(owedB1.escrowed > 0n && owedB1.owed > owedB1.escrowed, "day B1 is funded by escrow and the merchant balance");
await measure("settle.10", small.shop.settle(b1));
await measure("settle.10k", large.shop.settle(b1));
// c[4] claims both tokens once, so that the claimMany measured on day B4 is a returning claim.
await mined(factory.connect(c[4]).claimMany([await small.token.getAddress(), await large.token.getAddress()], c[4]));
for (const [s, tag] of bothShops()) {
  // c[9] (referred by c[8]) opens the day; then c[0] (referred by c[1]), whose last order was on day B1.
  const first = chargeAs(s.shop, c[9], `${tag}/b2/charge/0`, 900n * FINNEY);
  if (tag === "small") await measure("payments.charge.firstOfDay", first);
  else await mined(first);
  const returningCharge = chargeAs(s.shop, c[0], `${tag}/b2/charge/1`, 1500n * FINNEY);
  if (tag === "small") await measure("payments.charge.referred", returningCharge);
  else await mined(returningCharge);
  // c[3] has no referrer and last ordered on day B1: one mint.
  const plainCharge = chargeAs(s.shop, c[3], `${tag}/b2/charge/2`, 1500n * FINNEY);
  if (tag === "small") {
    await measure("payments.charge", plainCharge);
    // v1's row for the checkout path, kept so that the snapshot compares across versions: the same transaction.
    measured.set("checkout.returning.noReferrer", measured.get("payments.charge")!);
  } else await mined(plainCharge);
}
// Held payments (small shop, default 7-day return window), returning customers without a referrer like the charge:
// c[5] authorizes and the operator captures it in full; c[6] authorizes twice, one captured in part (the rest goes
// back) and one voided; c[7]'s payment is reclaimed at the end of the run, after its expiry.
const WEEK = 7 * 24 * 3600;
const held = await authorizeAs(small.shop, c[5], "small/b2/held/5", 1500n * FINNEY, WEEK + 3600, "payments.authorize");
await measure("payments.capture", small.shop.connect(operator).capture(held, held.amount));
const captured = captureOf(small.shop, measured.get("payments.capture")!);
const partial = await authorizeAs(small.shop, c[6], "small/b2/held/6a", 1500n * FINNEY, WEEK + 3600);
await measure("payments.capture.partial", small.shop.connect(operator).capture(partial, 1000n * FINNEY));
const voided = await authorizeAs(small.shop, c[6], "small/b2/held/6b", 900n * FINNEY, WEEK + 3600);
await measure("payments.void", small.shop.connect(operator).void(voided));
const expiring = await authorizeAs(small.shop, c[7], "small/b2/held/7", 600n * FINNEY, WEEK + 3600);
// The operator refunds a third of c[5]'s capture: a third of its tokens go back with it.
await measure("payments.refund", small.shop.connect(operator).refund(captured, 500n * FINNEY));

// ---------------------------------------------------------------- Day B3: settle (escrow only), recorded orders

await goToDay(b1 + 2n);
log("day B3: settle day B2 (escrow only), recorded orders");
const owedB2 = await small.shop.tokenDay(0, b1 + 1n);
check(owedB2.owed === owedB2.escrowed, "day B2 is funded by checkout escrow alone");
await measure("settle.escrow.10", small.shop.settle(b1 + 1n));
await measure("settle.escrow.10k", large.shop.settle(b1 + 1n));
for (const [s, tag] of bothShops()) {
  await recordReturning(s.shop, `${tag}/b3`, [3, 4, 5, 7, 0], [1200n, 600n, 2700n, 900n, 1500n]);
}

// ---------------------------------------------------------------- Day B4: settle (balance only) and the rest

await goToDay(b1 + 3n);
log("day B4: settle day B3 (balance only), claims, transfers, orders, pool mint, new shop and tokens");
const owedB3 = await small.shop.tokenDay(0, b1 + 2n);
check(owedB3.escrowed === 0n && owedB3.owed > 0n, "day B3 is funded by the merchant balance alone");
await measure("settle.balance.10", small.shop.settle(b1 + 2n));
await measure("settle.balance.10k", large.shop.settle(b1 + 2n));

await measure("claim.returning", small.token.connect(c[2]).claim());
await measure(
  "claimMany.2",
  factory.connect(c[4]).claimMany([await small.token.getAddress(), await large.token.getAddress()], c[4]),
);

// Push payouts from the large shop's token to synthetic customers with dividends waiting, holders with coin of their
// own (a holder address that holds no coin at all costs 25,000 gas more, the account it creates): one holder, then 100.
const PAYOUT_BATCH = 100;
const payees = Array.from({ length: PAYOUT_BATCH + 1 }, (_, k) => syntheticCustomer(1_000 + k));
for (const payee of payees) {
  await networkHelpers.setBalance(payee, ETHER);
  check((await large.token.claimable(payee)) > 0n, "payout recipients have dividends waiting");
}
await measure("payout.1", large.token.connect(c[9]).payout([payees[0]]));
await measure("payout.100", large.token.connect(c[9]).payout(payees.slice(1)));
check((await large.token.claimable(payees[PAYOUT_BATCH])) === 0n, "the payout paid the whole batch");

// c[6] last moved on day B2 (its partial capture), c[5] on day B3: both have pending dividends, earned over different
// distributions.
const [sender, recipient] = [c[6], c[5]];
check((await small.token.claimable(sender.address)) > 0n, "transfer sender has pending dividends");
check((await small.token.claimable(recipient.address)) > 0n, "transfer recipient has pending dividends");
const sent = (await small.token.balanceOf(sender.address)) / 3n;
await measure("transfer.token", small.token.connect(sender).transfer(recipient.address, sent));
await measure("transfer.plain", plain.connect(plainHolderA).transfer(plainHolderB.address, 10n * ETHER));

// Warm-up order: the day's first order writes the day's slots; the measured orders come after it.
await mined(small.shop.connect(operator).recordOrder(order("small/b4/0", c[7].address, 600n * FINNEY)));
await measure(
  "recordOrder.single",
  small.shop.connect(operator).recordOrder(order("small/b4/1", c[1].address, 900n * FINNEY)),
);
const allowance = await small.shop.poolAllowance(0);
check(allowance > 0n, "the pool has an allowance");
// Steady state: an earlier pool mint has written the pool's checkpoint slot (the first one creates it).
await mined(
  small.shop.connect(poolManager).mintFromPool(0, c[3].address, allowance / 8n, ethers.id("service/warm-up")),
);
await measure(
  "mintFromPool",
  small.shop.connect(poolManager).mintFromPool(0, c[3].address, allowance / 4n, ethers.id("service/group-host")),
);

await mined(large.shop.connect(operator).recordOrder(order("large/b4/0", c[7].address, 600n * FINNEY)));
const returning = Array.from({ length: ORDERS_PER_BATCH_MEASURED }, (_, k) =>
  order(`large/b4/plain/${k}`, syntheticCustomer(k), syntheticAmount(k + 3)),
);
await measure("recordOrders.100", large.shop.connect(operator).recordOrders(returning));
const referred = Array.from({ length: ORDERS_PER_BATCH_MEASURED }, (_, k) =>
  order(`large/b4/referred/${k}`, syntheticCustomer(referredFrom + k), syntheticAmount(k + 3)),
);
const [referrerOfFirst] = await large.shop.customerOf(referred[0].customer);
check(referrerOfFirst !== ethers.ZeroAddress, "referred customers have a bound referrer");
await measure("recordOrders.100.referred", large.shop.connect(operator).recordOrders(referred));

const params = { admin: admin.address, operator: operator.address, utcOffset: UTC_OFFSET, name: "Wuyou Tea" };
check((await factory.shopCount()) > 0n, "the factory already has shops");
const newShopAddress = await factory.createShop.staticCall(params);
await measure("createShop", factory.createShop(params));
const newShop = (await ethers.getContractAt("IShop", newShopAddress)) as unknown as IShop;
await measure("createToken", newShop.createToken(tokenParams("Wuyou Dividend Coin", "YDC", false)));
await measure("createToken.second", newShop.createToken(tokenParams("Wuyou Mall Coin", "YMC", false, 1000n)));

// ---------------------------------------------------------------- Order anchoring: receipts and Merkle batches

log("anchoring: a 10-order and a 1,000,000-order batch, a mint by proof, a receipt");
const chainId = (await ethers.provider.getNetwork()).chainId;
const shopAddress = await small.shop.getAddress();
// A new customer (never ordered, holds nothing) who mints its leaf of the million-order batch itself.
const newcomer = new ethers.Wallet(ethers.id("sharemall-bench/newcomer"), ethers.provider);
await networkHelpers.setBalance(newcomer.address, ETHER);
const batchCustomers = Array.from({ length: 1_000 }, (_, k) => syntheticCustomer(k));
/** `count` orders of known synthetic customers (cheap distinct hashes: tag byte + index), one of them the newcomer's. */
function batchOrders(tag: number, count: number, measured: number): BatchOrderInput[] {
  const prefix = `0x${tag.toString(16).padStart(2, "0")}`;
  return Array.from({ length: count }, (_, k) => ({
    orderHash: prefix + (k + 1).toString(16).padStart(62, "0"),
    customer: k === measured ? newcomer.address : batchCustomers[k % batchCustomers.length],
    amount: 100n * FINNEY + BigInt(k % 997) * FINNEY,
  }));
}
const MILLION = 1_000_000;
const MEASURED_LEAF = 777_777;
const small10 = await buildBatch(batchOrders(0xb1, 10, -1), { firstOrderId: nextOrderId });
nextOrderId += 10n;
const started1M = Date.now();
const batch1M = await buildBatch(batchOrders(0xb2, MILLION, MEASURED_LEAF), { firstOrderId: nextOrderId });
nextOrderId += BigInt(MILLION);
log(`  built the 1,000,000-order tree in ${((Date.now() - started1M) / 1000).toFixed(1)} s`);
await measure(
  "anchorBatch.10",
  small.shop
    .connect(operator)
    .anchorBatch(small10.root, small10.firstOrderId, small10.orderCount, small10.totalRevenue),
);
await measure(
  "anchorBatch.1M",
  small.shop
    .connect(operator)
    .anchorBatch(batch1M.root, batch1M.firstOrderId, batch1M.orderCount, batch1M.totalRevenue),
);
const leaf = batch1M.leaf(MEASURED_LEAF);
const proof = batch1M.proof(MEASURED_LEAF);
check(proof.length === 20, "a leaf of a 2^20-leaf tree has a 20-node proof");
check((await small.token.balanceOf(newcomer.address)) === 0n, "the batch customer is a new holder");
// Steady state: a neighbour in the same bitmap word (256 leaves) minted first, so the measured mint sets a bit in a
// non-zero word, as 255 of every 256 mints do.
const neighbour = batch1M.leaf(MEASURED_LEAF - 1);
await mined(
  small.shop
    .connect(operator)
    .mintFromBatch(
      batch1M.root,
      neighbour.orderId,
      neighbour.orderHash,
      neighbour.customer,
      neighbour.amount,
      neighbour.referrer,
      batch1M.proof(MEASURED_LEAF - 1),
    ),
);
await measure(
  "mintFromBatch.1M",
  small.shop
    .connect(newcomer)
    .mintFromBatch(batch1M.root, leaf.orderId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof),
);

// c[5] is a returning customer (last ordered on day B3); the receipt is the day's second order for it. Steady state:
// an order with the previous id was recorded first, so the receipt's id sets a bit in a used bitmap word (255 of
// every 256 ids do).
if (nextOrderId % 256n === 255n) nextOrderId++;
await mined(small.shop.connect(operator).recordOrder(order("small/b4/before-receipt", c[7].address, 700n * FINNEY)));
const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
const signed = await signReceipt(
  operator,
  {
    shop: shopAddress,
    chainId,
    orderId: nextOrderId++,
    customer: c[5].address,
    amount: 1100n * FINNEY,
    orderHash: ethers.id("sharemall-bench/receipt/1"),
    deadline: now + 3_600n,
  },
  { now },
);
await measure(
  "redeemReceipt.returning",
  small.shop.connect(c[5]).redeemReceipt(signed.receipt, signed.signer, signed.signature),
);

// ---------------------------------------------------------------- References, measured in the same run

log("references: an ERC-1726 dividend token and a Merkle distributor on the same batch");
// ERC-1726 as usually written, in a steady state: the holders joined after a first distribution (so their corrections
// are non-zero slots), the returning withdrawer withdrew once already, and both holders have pending dividends.
const reference = (await ethers.deployContract("ReferenceDividendToken")) as unknown as ReferenceDividendToken;
await mined(reference.mint(referenceHolderC.address, 10n * ETHER));
await mined(reference.distributeDividends({ value: ETHER }));
await mined(reference.mint(referenceHolderA.address, 100n * ETHER));
await mined(reference.mint(referenceHolderB.address, 50n * ETHER));
await mined(reference.distributeDividends({ value: ETHER }));
await mined(reference.connect(referenceHolderA).withdrawDividend());
await mined(reference.distributeDividends({ value: ETHER }));
await measure("reference.erc1726.withdraw", reference.connect(referenceHolderA).withdrawDividend());
await mined(reference.distributeDividends({ value: ETHER }));
await measure(
  "reference.erc1726.transfer",
  reference.connect(referenceHolderB).transfer(referenceHolderA.address, 10n * ETHER),
);
// A Uniswap-style distributor paying a plain ERC-20 for the same million-order batch, to a new holder, with the
// same 20-node proof; a neighbour in the same bitmap word claimed first, as for the measured proof mint.
const payout = (await ethers.deployContract("PlainERC20")) as unknown as PlainERC20;
const distributor = (await ethers.deployContract("ReferenceMerkleDistributor", [
  await payout.getAddress(),
  batch1M.root,
])) as unknown as ReferenceMerkleDistributor;
await mined(payout.mint(await distributor.getAddress(), 10n ** 30n));
const referenceLeaf = batch1M.leaf(MEASURED_LEAF - 2);
check((await payout.balanceOf(referenceLeaf.customer)) === 0n, "the distributor's leaf customer is a new holder");
const neighbourBefore = batch1M.leaf(MEASURED_LEAF - 3);
await mined(
  distributor.claim(
    neighbourBefore.orderId,
    neighbourBefore.orderHash,
    neighbourBefore.customer,
    neighbourBefore.amount,
    neighbourBefore.referrer,
    batch1M.proof(MEASURED_LEAF - 3),
  ),
);
await measure(
  "reference.merkleDistributor.claim",
  distributor.claim(
    referenceLeaf.orderId,
    referenceLeaf.orderHash,
    referenceLeaf.customer,
    referenceLeaf.amount,
    referenceLeaf.referrer,
    batch1M.proof(MEASURED_LEAF - 2),
  ),
);

// ---------------------------------------------------------------- Reclaim, after its expiry (last: moves the clock)

log("reclaim: c[7]'s held payment, past its expiry");
await networkHelpers.time.increaseTo(Number(expiring.expiry));
await measure("payments.reclaim", small.shop.connect(c[7]).reclaim(expiring));

// ---------------------------------------------------------------- Results

const fmt = (id: string): string => gasOf(id).toLocaleString("en-US");
const ANCHOR_CLAIM = `ERC-1726 withdraw ${fmt("reference.erc1726.withdraw")} (same run); Uniswap v3-staker 46,900`;
const ANCHOR_SETTLE = "ERC-1726 distribute ~30k; 0xSplits distributeETH 57,390 (2 recipients)";
const ANCHOR_TRANSFER = `ERC-1726 +${(gasOf("reference.erc1726.transfer") - gasOf("transfer.plain")).toLocaleString(
  "en-US",
)} (same run); ERC20Snapshot +7,461`;
const ANCHOR_FACTORY = "clone-based token factories 204k-433k";

function txRow(id: string, label: string, extra: Partial<Row> = {}, perUnit = 1): Row {
  const gas = gasOf(id);
  return { id, label, value: Math.round(gas / perUnit), unit: "gas", txGas: gas, perUnit, ...extra };
}

const settleSmall = gasOf("settle.escrow.10");
const settleLarge = gasOf("settle.escrow.10k");
const rows: Row[] = [
  txRow("claim.returning", "claim, one token, returning claimer", { target: 40_000, anchor: ANCHOR_CLAIM }),
  txRow("settle.escrow.10", "settle one day, 1 token, 10 holders (day funded by checkout escrow)", {
    target: 55_000,
    anchor: ANCHOR_SETTLE,
  }),
  txRow("settle.escrow.10k", "settle one day, 1 token, 10,000 holders (day funded by checkout escrow)", {
    target: 55_000,
    anchor: ANCHOR_SETTLE,
  }),
  {
    id: "settle.holderDependence",
    label: "settle: 10,000 holders vs 10 holders",
    value: ((settleLarge - settleSmall) / settleSmall) * 100,
    unit: "%",
    target: 1,
  },
  {
    id: "payout.perHolder.100",
    label: "payout: marginal gas per holder paid, batch of 100 (push, holders with coin)",
    value: Math.round((gasOf("payout.100") - gasOf("payout.1")) / (PAYOUT_BATCH - 1)),
    unit: "gas",
    target: 16_000,
    anchor: "claim.returning + 21,000 per holder if each claimed itself",
  },
  txRow("payout.100", "payout to 100 holders (whole transaction)"),
  txRow("payout.1", "payout to 1 holder"),
  txRow("settle.10", "settle, day funded by escrow + merchant balance, 10 holders"),
  txRow("settle.10k", "settle, day funded by escrow + merchant balance, 10,000 holders"),
  txRow("settle.balance.10", "settle, day funded by merchant balance only, 10 holders"),
  txRow("settle.balance.10k", "settle, day funded by merchant balance only, 10,000 holders"),
  txRow("transfer.token", "transfer, dividend token, holders with pending dividends"),
  txRow("transfer.plain", "transfer, PlainERC20 (OpenZeppelin v5), existing holders"),
  {
    id: "transfer.overhead",
    label: "transfer overhead over PlainERC20",
    value: gasOf("transfer.token") - gasOf("transfer.plain"),
    unit: "gas",
    target: 8_000,
    anchor: ANCHOR_TRANSFER,
  },
  txRow("payments.charge", "charge (pay and count at once), one order incl. mint, returning customer", {
    target: 110_000,
    anchor: "Base Commerce Payments charge 178,936",
  }),
  txRow("checkout.returning.noReferrer", "checkout path (v1's row, now the charge above), returning customer"),
  txRow("payments.authorize", "authorize: hold a payment, returning customer", {
    target: 75_000,
    anchor: "Base Commerce Payments authorize ~150k",
  }),
  txRow("payments.capture", "capture a held payment in full, incl. mint, returning customer", {
    target: 110_000,
    anchor: "Base Commerce Payments capture 98,688",
  }),
  txRow("payments.void", "void a held payment (all back to the customer)", { target: 45_000 }),
  txRow("payments.reclaim", "reclaim a held payment after its expiry", { target: 45_000 }),
  txRow("payments.refund", "refund a third of a capture, its tokens taken back in proportion"),
  txRow("payments.capture.partial", "capture part of a held payment, the rest back to the customer"),
  txRow(
    "recordOrders.100",
    "recordOrders, 100 returning customers, per order",
    { target: 30_000, anchor: "EAS attest ~190k per record" },
    ORDERS_PER_BATCH_MEASURED,
  ),
  txRow("createShop", "createShop (not the factory's first shop)", { target: 250_000, anchor: ANCHOR_FACTORY }),
  txRow("createToken", "createToken (clone), first token of a shop", { target: 300_000, anchor: ANCHOR_FACTORY }),
  txRow("anchorBatch.10", "anchorBatch, 10-order batch", { target: 63_000, anchor: "EAS timestamp ~45k" }),
  txRow("anchorBatch.1M", "anchorBatch, 1,000,000-order batch", { target: 63_000, anchor: "EAS timestamp ~45k" }),
  {
    id: "anchorBatch.sizeDependence",
    label: "anchorBatch: 1,000,000 vs 10 orders",
    value: ((gasOf("anchorBatch.1M") - gasOf("anchorBatch.10")) / gasOf("anchorBatch.10")) * 100,
    unit: "%",
    target: 1,
  },
  txRow("mintFromBatch.1M", "mintFromBatch, 1,000,000-order batch (20-node proof), new holder", {
    target: 95_000,
    anchor: `Merkle distributor claim, same proof, ${fmt("reference.merkleDistributor.claim")} (same run)`,
  }),
  txRow("redeemReceipt.returning", "redeemReceipt, returning customer", {
    target: 90_000,
    anchor: "Base Commerce Payments capture 98,688",
  }),
  txRow("recordOrder.single", "recordOrder, one returning customer"),
  txRow(
    "recordOrders.100.referred",
    "recordOrders, 100 returning customers with referrers, per order",
    {},
    ORDERS_PER_BATCH_MEASURED,
  ),
  txRow("payments.charge.referred", "charge, returning customer with a bound referrer (two mints)"),
  txRow("payments.charge.firstOfDay", "charge, first order of the day (new day slots, first mint since settle)"),
  txRow("mintFromPool", "mintFromPool to an existing holder"),
  txRow("claimMany.2", "claimMany over 2 tokens (factory), returning claimer"),
  txRow("claim.first", "claim, one token, first-time claimer"),
  txRow("createToken.second", "createToken (clone), second token of a shop"),
  txRow("reference.erc1726.withdraw", "reference: ERC-1726 token, withdraw, returning withdrawer"),
  txRow("reference.erc1726.transfer", "reference: ERC-1726 token, transfer, holders with pending dividends"),
  txRow("reference.merkleDistributor.claim", "reference: Merkle distributor claim, same 20-node proof, new holder"),
];

if (process.env.BENCH_DUMP !== undefined) {
  // Development aid: raw opcode traces (with stacks) of the named measurements, for per-line profiling.
  await mkdir(OUTPUT_DIR, { recursive: true });
  for (const id of process.env.BENCH_DUMP.split(",")) {
    const entry = measured.get(id);
    if (entry === undefined) continue;
    const trace = await ethers.provider.send("debug_traceTransaction", [
      entry.response.hash,
      { disableStorage: true, disableMemory: true, disableStack: false },
    ]);
    await writeFile(`${OUTPUT_DIR}/trace-${id}.json`, JSON.stringify(trace));
  }
}

log("tracing the measured transactions for the gas breakdowns...");
const breakdowns = new Map<string, Breakdown>();
for (const [id, { response, receipt }] of measured) {
  const breakdown = await gasBreakdown(ethers.provider, response.hash, response, receipt.gasUsed);
  breakdowns.set(id, breakdown);
}

let snapshot: Snapshot | undefined;
try {
  snapshot = JSON.parse(await readFile(SNAPSHOT_FILE, "utf8")) as Snapshot;
} catch {
  snapshot = undefined;
}
const checks = checkSnapshot(rows, snapshot);
console.log();
console.log(consoleTable(rows, checks));
console.log();

const targets = rows.filter((row) => row.target !== undefined);
const met = targets.filter((row) => status(row) === "ok");
console.log(`Targets met: ${met.length} of ${targets.length} (reported only; the snapshot is the gate).`);
for (const row of targets) console.log(`  ${status(row) === "ok" ? "met   " : "MISSED"}  ${row.label}`);
const escrowOnly = gasOf("settle.escrow.10");
const balanceOnly = gasOf("settle.balance.10");
console.log(
  `settle funding: escrow only ${escrowOnly.toLocaleString("en-US")}, merchant balance only ` +
    `${balanceOnly.toLocaleString("en-US")} (+${(balanceOnly - escrowOnly).toLocaleString("en-US")}); ` +
    `10,000 vs 10 holders: ${(((settleLarge - settleSmall) / settleSmall) * 100).toFixed(2)} %.`,
);

const TRACED_FOR_DOCS: [string, string][] = [
  ["claim.returning", "claim, returning claimer"],
  ["payout.100", "payout, 100 holders"],
  ["settle.10k", "settle, 10,000 holders (escrow + balance)"],
  ["settle.escrow.10k", "settle, 10,000 holders, escrow only"],
  ["transfer.token", "transfer, dividend token"],
  ["transfer.plain", "transfer, PlainERC20"],
  ["payments.charge", "charge, returning customer"],
  ["payments.charge.referred", "charge, returning customer with referrer"],
  ["payments.authorize", "authorize, returning customer"],
  ["payments.capture", "capture in full, returning customer"],
  ["payments.void", "void"],
  ["recordOrders.100", "recordOrders, 100 returning customers (whole batch)"],
  ["createShop", "createShop"],
  ["createToken", "createToken, first token of a shop"],
  ["anchorBatch.1M", "anchorBatch, 1,000,000 orders"],
  ["mintFromBatch.1M", "mintFromBatch, 1,000,000-order batch, new holder"],
  ["redeemReceipt.returning", "redeemReceipt, returning customer"],
];
await mkdir(OUTPUT_DIR, { recursive: true });
await writeFile(
  `${OUTPUT_DIR}/gas.json`,
  JSON.stringify(
    {
      generatedAt: new Date().toISOString(),
      hardfork: hardfork,
      rows: rows.map((row) => ({ ...row, status: status(row) })),
      breakdowns: Object.fromEntries(breakdowns),
    },
    null,
    2,
  ) + "\n",
);
log(`wrote ${OUTPUT_DIR}/gas.json`);

if (UPDATE) {
  await writeFormatted(SNAPSHOT_FILE, JSON.stringify(makeSnapshot(rows), null, 2));
  log(`wrote ${SNAPSHOT_FILE}`);
}
if (WRITE_DOCS) {
  await writeDocSections(DOCS_FILE, {
    results:
      `Hardfork ${hardfork}; targets met: ${met.length} of ${targets.length}; ` +
      `settle with 10,000 vs 10 holders: ${(((settleLarge - settleSmall) / settleSmall) * 100).toFixed(2)} %.\n\n` +
      markdownTable(rows),
    floors: markdownFloors(rows, breakdowns),
    breakdowns: markdownBreakdowns(
      TRACED_FOR_DOCS.map(([id, label]) => ({ label, breakdown: breakdowns.get(id) as Breakdown })),
    ),
  });
  log(`updated the generated sections of ${DOCS_FILE}`);
}

if (!UPDATE) {
  const regressions = checks.filter((entry) => entry.regression);
  const fresh = checks.filter((entry) => entry.snapshot === undefined).map((entry) => entry.id);
  if (snapshot !== undefined && fresh.length > 0) console.log(`Not in ${SNAPSHOT_FILE} yet: ${fresh.join(", ")}.`);
  if (snapshot === undefined) {
    console.error(`No ${SNAPSHOT_FILE}: run with BENCH_UPDATE=1 to create it.`);
    process.exitCode = 1;
  } else if (regressions.length > 0) {
    console.error(`Gas regression over ${SNAPSHOT_FILE} (more than 1 %):`);
    for (const entry of regressions) {
      console.error(
        `  ${entry.label}: ${entry.measured.toLocaleString("en-US")} vs ${entry.snapshot?.toLocaleString("en-US")} ` +
          `(+${entry.change?.toFixed(2)} %)`,
      );
    }
    process.exitCode = 1;
  } else {
    console.log(`No regression over ${SNAPSHOT_FILE}.`);
  }
}
log("done");
