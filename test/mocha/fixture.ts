import type { TokenRules } from "../../sdk/src/index.js";
import { network } from "hardhat";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, concat, id, keccak256, TypedDataEncoder, ZeroAddress } from "ethers";
import type { ContractTransactionResponse, Result } from "ethers";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { NetworkConnection } from "hardhat/types/network";
import type { DividendToken, IShop, ShareMallFactory, ShopAdmin } from "../../types/ethers-contracts/index.js";
import type { IShopBase } from "../../types/ethers-contracts/interfaces/IShop.js";

/** The struct types of a shop's ABI (orders, receipts, rules, token params). */
export type { IShopBase };

/** China Standard Time, the Wuyou Tea shop's clock. */
export const UTC_PLUS_8 = 8 * 3600;
export const DAY = 86_400;
export const ONE = 10n ** 18n;
export const BPS = 10_000n;
export const DEFAULT_NOTICE = 7 * DAY;
/** A token's supply limit, 2^95 - 1 token-wei: past it a token mints nothing (orders still count). */
export const SUPPLY_LIMIT = (1n << 95n) - 1n;

/** A token's rules as the shop takes them (the SDK's `TokenRules`). */
export type Rules = TokenRules;

/** Wuyou Tea's brand token rules, with a demo rate of 1 CNY = 10^15 wei: one token per 300 CNY, 20 % dividends,
 * pool 1/9. */
export const WUYOU_RULES: Rules = {
  spendPerToken: 300n * 10n ** 15n,
  minFirstOrder: 0n,
  referralsPerToken: 0n,
  dividendBps: 2000n,
  referralBps: 1000n,
  maxSupply: 0n,
  poolNum: 1n,
  poolDen: 9n,
};

export interface Deployment {
  ethers: HardhatEthers;
  helpers: NetworkHelpers;
  signers: HardhatEthersSigner[];
  factory: ShareMallFactory;
  /** The shop clone, typed with its whole interface (`IShop`: `Shop`'s order functions and `ShopAdmin`'s). */
  shop: IShop;
  token: DividendToken;
  admin: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  poolManager: HardhatEthersSigner;
}

export interface DeployOptions {
  transferable?: boolean;
  noticePeriod?: number;
}

async function deployOn(
  ethers: HardhatEthers,
  helpers: NetworkHelpers,
  rules: Rules,
  options: DeployOptions,
): Promise<Deployment> {
  const signers = await ethers.getSigners();
  const [admin, operator, poolManager] = signers;
  const paymentsModule = await ethers.deployContract("ShopPayments");
  const shopImpl = await ethers.deployContract("Shop", [await paymentsModule.getAddress()]);
  const tokenImpl = await ethers.deployContract("DividendToken");
  const factory = (await ethers.deployContract("ShareMallFactory", [
    await shopImpl.getAddress(),
    await tokenImpl.getAddress(),
  ])) as unknown as ShareMallFactory;
  const shopAddress = await factory.createShop.staticCall({
    admin: admin.address,
    operator: operator.address,
    utcOffset: UTC_PLUS_8,
    name: "Wuyou Tea",
  });
  await factory.createShop({
    admin: admin.address,
    operator: operator.address,
    utcOffset: UTC_PLUS_8,
    name: "Wuyou Tea",
  });
  const shop = (await ethers.getContractAt("IShop", shopAddress)) as unknown as IShop;
  await shop.grantRole(await shop.POOL_MANAGER_ROLE(), poolManager.address);
  await shop.createToken({
    name: "Wuyou Dividend Coin",
    symbol: "YDC",
    transferable: options.transferable ?? false,
    noticePeriod: options.noticePeriod ?? 0,
    rules,
  });
  const token = (await ethers.getContractAt("DividendToken", (await shop.tokens())[0])) as unknown as DividendToken;
  return { ethers, helpers, signers, factory, shop, token, admin, operator, poolManager };
}

/** Deploys the implementations and the factory, a shop (UTC+8) and one token with `rules`, on a new network. */
export async function deploy(rules: Rules = WUYOU_RULES, options: DeployOptions = {}): Promise<Deployment> {
  const { ethers, networkHelpers: helpers } = await network.create();
  return deployOn(ethers, helpers, rules, options);
}

let shared: Promise<NetworkConnection> | undefined;
const fixtures = new Map<string, () => Promise<Deployment>>();

/**
 * Same deployment as `deploy`, but on one network shared by the unit tests and restored from a snapshot after the
 * first use of each (rules, options) pair, so that every test starts from a fresh deployment cheaply. The chain
 * starts at local noon (UTC+8) of a day without orders.
 */
export async function load(rules: Rules = WUYOU_RULES, options: DeployOptions = {}): Promise<Deployment> {
  shared ??= network.create();
  const connection = await shared;
  const key = JSON.stringify({ rules, options }, (_, value: unknown) =>
    typeof value === "bigint" ? value.toString() : value,
  );
  let fixture = fixtures.get(key);
  if (fixture === undefined) {
    // A named function: loadFixture refuses anonymous ones.
    fixture = async function shareMallDeployment(): Promise<Deployment> {
      const deployment = await deployOn(connection.ethers, connection.networkHelpers, rules, options);
      // Start every test at local noon, twelve hours from a day boundary, so tests that stay within "today" are
      // deterministic whatever the wall clock says.
      await nextDay(connection.networkHelpers);
      return deployment;
    };
    fixtures.set(key, fixture);
  }
  return connection.networkHelpers.loadFixture(fixture);
}

/**
 * The admin role (OpenZeppelin's `DEFAULT_ADMIN_ROLE`, 0x00). `IShop`'s ABI does not list the
 * `DEFAULT_ADMIN_ROLE()` getter (IAccessControl does not declare it), though a clone answers it.
 */
export const ADMIN_ROLE = "0x" + "00".repeat(32);

/**
 * `shop` seen through `ShopAdmin`'s own ABI: for what a clone answers or raises that `IShop`'s ABI does not list
 * (`DEFAULT_ADMIN_ROLE()`, `supportsInterface`, OpenZeppelin's `InvalidInitialization` and `Initialized`).
 */
export async function asShopAdmin(d: Deployment, shop: IShop = d.shop): Promise<ShopAdmin> {
  return (await d.ethers.getContractAt("ShopAdmin", await shop.getAddress())) as unknown as ShopAdmin;
}

// ------------------------------------------------------------------ Rules and orders

/** `WUYOU_RULES` with some fields replaced. */
export function rulesWith(overrides: Partial<Rules>, base: Rules = WUYOU_RULES): Rules {
  return { ...base, ...overrides };
}

/** The order hash used for `label` in tests (any non-zero 32 bytes will do: the shop treats it as opaque). */
export function hashOf(label: string): string {
  return id(label);
}

/**
 * The order id tests give an order labelled `label`: a fixed function of the label (so a test that uses a label
 * twice gets the same id, as a merchant numbering its orders would), 1 .. 2^40. Ids of different labels are spread
 * over many bitmap words; `nextOrderIds` hands out consecutive ids when a test needs them.
 */
export function orderIdOf(label: string): bigint {
  return (BigInt(id(`order-id/${label}`)) % (1n << 40n)) + 1n;
}

let nextId = 1n << 48n;

/** `count` consecutive order ids that no other call of this function (nor `orderIdOf`) hands out. */
export function nextOrderIds(count: number): bigint {
  const first = nextId;
  nextId += BigInt(count);
  return first;
}

/** A recorded-path order; its order id is `orderIdOf(label)` unless given. */
export function order(
  label: string,
  customer: string,
  amount: bigint,
  referrer: string = ZeroAddress,
  orderId: bigint = orderIdOf(label),
): IShopBase.OrderStruct {
  return { orderId, orderHash: hashOf(label), customer, amount, referrer };
}

/** A payment's status as `payment(orderHash, customer)` returns it (the `PaymentStatus` enum). */
export const PaymentStatus = { None: 0n, Held: 1n, ReturnRequested: 2n, Captured: 3n } as const;

/** Who made a payment count, as `PaymentCaptured` reports it (the `CaptureKind` enum). */
export const CaptureKind = { Operator: 0n, Customer: 1n, Auto: 2n, Charge: 3n } as const;

/** The status of `customer`'s on-chain payment for `orderHash`: `PaymentStatus.Captured` once it counted. */
export async function paymentStatus(shop: IShop, orderHash: string, customer: string): Promise<bigint> {
  const [status] = await shop.payment(orderHash, customer);
  return status;
}

/** The refund deadline of a capture mined by `tx`: the time of its block plus the shop's return window in force. */
export async function refundDeadlineOf(
  shop: IShop,
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
): Promise<bigint> {
  const receipt = await (await tx).wait();
  if (receipt === null) throw new Error("the capture was not mined");
  const block = await receipt.getBlock();
  const [window] = await shop.returnWindow({ blockTag: receipt.blockNumber });
  return BigInt(block.timestamp) + window;
}

/** The arguments of the shop event `name` that `tx` emitted (the first one). */
async function shopEventOf(
  shop: IShop,
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
  name: string,
): Promise<Result> {
  const receipt = await (await tx).wait();
  const shopAddress = await shop.getAddress();
  for (const log of receipt?.logs ?? []) {
    if (log.address !== shopAddress) continue;
    const parsed = shop.interface.parseLog(log);
    if (parsed?.name === name) return parsed.args;
  }
  throw new Error(`no ${name} event`);
}

/** The terms of the payment an `authorize` transaction held (its `PaymentAuthorized` event), for the later steps. */
export async function paymentOf(
  shop: IShop,
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
): Promise<IShopBase.PaymentStruct> {
  const e = await shopEventOf(shop, tx, "PaymentAuthorized");
  return {
    orderHash: e.orderHash as string,
    customer: e.customer as string,
    referrer: e.referrer as string,
    amount: e.amount as bigint,
    autoCaptureAt: e.autoCaptureAt as bigint,
    expiry: e.expiry as bigint,
  };
}

/** The terms of the capture a transaction made (its `PaymentCaptured` event), for a refund. */
export async function captureOf(
  shop: IShop,
  tx: ContractTransactionResponse | Promise<ContractTransactionResponse>,
): Promise<IShopBase.CaptureStruct> {
  const e = await shopEventOf(shop, tx, "PaymentCaptured");
  return {
    orderHash: e.orderHash as string,
    customer: e.customer as string,
    amount: e.amount as bigint,
    refundDeadline: e.refundDeadline as bigint,
    minted: [...(e.minted as bigint[])],
  };
}

/** One token's entry of `PaymentCaptured.minted`: consumption in the low 96 bits, promotion in the next 96. */
export function packMinted(consumption: bigint, promotion: bigint = 0n): bigint {
  return consumption | (promotion << 96n);
}

/** Rules as returned by the contract, as plain bigints. */
export function rulesOf(rules: IShopBase.TokenRulesStructOutput): Rules {
  return {
    spendPerToken: rules.spendPerToken,
    minFirstOrder: rules.minFirstOrder,
    referralsPerToken: rules.referralsPerToken,
    dividendBps: rules.dividendBps,
    referralBps: rules.referralBps,
    maxSupply: rules.maxSupply,
    poolNum: rules.poolNum,
    poolDen: rules.poolDen,
  };
}

/** Rules as the tuple an event or a struct argument is compared with. */
export function rulesTuple(rules: Rules): bigint[] {
  return [
    rules.spendPerToken,
    rules.minFirstOrder,
    rules.referralsPerToken,
    rules.dividendBps,
    rules.referralBps,
    rules.maxSupply,
    rules.poolNum,
    rules.poolDen,
  ];
}

// ------------------------------------------------------------------ The rules as a model

/** Consumption tokens for one order: amount * 1e18 / spendPerToken (0 disables). */
export function consumptionOf(amount: bigint, rules: Rules): bigint {
  return rules.spendPerToken === 0n ? 0n : (amount * ONE) / rules.spendPerToken;
}

/** The referrer's share of a referee's consumption tokens. */
export function referralShareOf(consumption: bigint, rules: Rules): bigint {
  return (consumption * rules.referralBps) / BPS;
}

/** Pool allowance of `minted` token-wei minted by the rules (consumption + promotion), rounded down once. */
export function poolShareOf(minted: bigint, rules: Rules): bigint {
  return rules.poolDen === 0n ? 0n : (minted * rules.poolNum) / rules.poolDen;
}

/** The dividend share of one amount, rounded down (what one charge escrows). */
export function dividendOf(amount: bigint, rules: Rules): bigint {
  return (amount * rules.dividendBps) / BPS;
}

/**
 * What a charge of `amount` escrows after the day's earlier orders `before`: the increase of the day's whole-wei
 * debt, so a day of charges only is escrowed in full.
 */
export function escrowOf(before: bigint[], amount: bigint, rules: Rules): bigint {
  return owedOf([...before, amount], rules) - owedOf(before, rules);
}

/** What a token is owed for a day with these orders at the day's rate: floor(sum(amount) * dividendBps / 10000). */
export function owedOf(amounts: bigint[], rules: Rules): bigint {
  return (amounts.reduce((sum, amount) => sum + amount, 0n) * rules.dividendBps) / BPS;
}

/** DividendMath.perShare: accumulator increase for `amount` wei over `supply` token-wei. */
export function perShare(amount: bigint, supply: bigint): bigint {
  return (amount << 64n) / supply;
}

/** A holder's wei for `balance` over an accumulator increase `delta` (rounded down). */
export function earned(balance: bigint, delta: bigint): bigint {
  return (balance * delta) >> 64n;
}

// ------------------------------------------------------------------ Time

/** The shop day of a UTC timestamp. */
export function dayOf(timestamp: bigint | number, utcOffset: number = UTC_PLUS_8): bigint {
  return (BigInt(timestamp) + BigInt(utcOffset)) / BigInt(DAY);
}

/** The UTC timestamp of the local midnight that starts `day`. */
export function dayStart(day: bigint, utcOffset: number = UTC_PLUS_8): number {
  return Number(day) * DAY - utcOffset;
}

/** Moves the chain to `secondsIntoDay` (default: noon) of the next local day and returns that day. */
export async function nextDay(
  helpers: NetworkHelpers,
  utcOffset: number = UTC_PLUS_8,
  secondsIntoDay: number = DAY / 2,
): Promise<bigint> {
  const day = dayOf(await helpers.time.latest(), utcOffset) + 1n;
  await helpers.time.increaseTo(dayStart(day, utcOffset) + secondsIntoDay);
  return day;
}

// ------------------------------------------------------------------ More shops and tokens

/** Token params with defaults for the fields a test does not care about. */
export function tokenParams(
  rules: Rules,
  overrides: Partial<Omit<IShopBase.TokenParamsStruct, "rules">> = {},
): IShopBase.TokenParamsStruct {
  return { name: "Mall Token", symbol: "MALL", transferable: false, noticePeriod: 0, ...overrides, rules };
}

/** Creates token `params` in `shop` (as its admin) and returns it with its index. */
export async function addToken(
  d: Deployment,
  params: IShopBase.TokenParamsStruct,
  shop: IShop = d.shop,
  admin: HardhatEthersSigner = d.admin,
): Promise<{ index: bigint; token: DividendToken }> {
  const index = await shop.tokenCount();
  await shop.connect(admin).createToken(params);
  const token = (await d.ethers.getContractAt(
    "DividendToken",
    (await shop.tokens())[Number(index)],
  )) as unknown as DividendToken;
  return { index, token };
}

/** Creates another shop of the factory and returns it. */
export async function addShop(
  d: Deployment,
  admin: HardhatEthersSigner,
  operator: HardhatEthersSigner,
  utcOffset: number = UTC_PLUS_8,
  name: string = "Second Shop",
): Promise<IShop> {
  const params = { admin: admin.address, operator: operator.address, utcOffset, name };
  const address = await d.factory.createShop.staticCall(params);
  await d.factory.createShop(params);
  return (await d.ethers.getContractAt("IShop", address)) as unknown as IShop;
}

// ------------------------------------------------------------------ A model of minting by the rules

/**
 * The minting rules of one token, applied order by order in TypeScript: consumption, the referrer's share and the
 * one-token-per-N referral bonus (one level only), the `maxSupply` cap, or the 2^95 - 1 supply limit of an uncapped
 * token (consumption first, then promotion), and the management pool allowance as the shop computes it: a
 * checkpoint (`base`, `mark`) plus `floor((supply - mark) × poolNum / poolDen)`. A pool mint of `x` lowers `base` and
 * raises `mark` by `x` (so with one ratio the allowance is exactly `floor(rule-minted × poolNum / poolDen) -
 * pool-minted`); a change of the pool ratio moves the checkpoint to the supply reached. Tests compare the chain with
 * it.
 */
export class MintModel {
  supply = 0n;
  /** Token-wei minted by the rules (consumption and promotion), and by the pool. */
  ruleMinted = 0n;
  poolMinted = 0n;
  /** The pool checkpoint (`base` may go negative while `mark` is ahead). */
  base = 0n;
  mark = 0n;
  readonly balances = new Map<string, bigint>();
  readonly referrerOf = new Map<string, string>();
  readonly known = new Set<string>();
  readonly qualified = new Map<string, bigint>();

  constructor(public rules: Rules) {}

  balanceOf(holder: string): bigint {
    return this.balances.get(holder) ?? 0n;
  }

  /** The pool allowance now: the checkpoint plus the ratio of what the rules minted since. */
  get allowance(): bigint {
    const accrued =
      this.rules.poolDen === 0n ? 0n : ((this.supply - this.mark) * this.rules.poolNum) / this.rules.poolDen;
    const allowance = this.base + accrued;
    return allowance > 0n ? allowance : 0n;
  }

  /**
   * Applies one order and returns the pool allowance it added. `deferred` is the binding of receipts and batch
   * leaves: an order without a referrer leaves a new customer unbound.
   */
  order(customer: string, amount: bigint, referrer: string = ZeroAddress, deferred = false): bigint {
    const rules = this.rules;
    const before = this.allowance;
    const first = !this.known.has(customer);
    if (first && (referrer !== ZeroAddress || !deferred)) {
      this.known.add(customer);
      if (referrer !== ZeroAddress) this.referrerOf.set(customer, referrer);
    }
    const bound = this.referrerOf.get(customer);
    let consumption = consumptionOf(amount, rules);
    let promotion = 0n;
    if (bound !== undefined) {
      promotion = referralShareOf(consumption, rules);
      if (first && rules.referralsPerToken !== 0n && amount >= rules.minFirstOrder) {
        const count = (this.qualified.get(bound) ?? 0n) + 1n;
        this.qualified.set(bound, count);
        if (count % rules.referralsPerToken === 0n) promotion += ONE;
      }
    }
    consumption = this.cap(consumption);
    promotion = this.cap(promotion);
    this.credit(customer, consumption);
    if (bound !== undefined) this.credit(bound, promotion);
    this.ruleMinted += consumption + promotion;
    return this.allowance - before;
  }

  /** A pool mint of `amount`: `base` down and `mark` up by it, so no rounding is lost. */
  poolMint(to: string, amount: bigint): void {
    this.poolMinted += amount;
    this.supply += amount;
    this.credit(to, amount);
    this.base -= amount;
    this.mark += amount;
  }

  /** New rules in force (a change applied): a new pool ratio first checkpoints the allowance of the old one. */
  setRules(rules: Rules): void {
    if (rules.poolNum !== this.rules.poolNum || rules.poolDen !== this.rules.poolDen) {
      this.base = this.allowance;
      this.mark = this.supply;
    }
    this.rules = rules;
  }

  private cap(amount: bigint): bigint {
    const max = this.rules.maxSupply === 0n ? SUPPLY_LIMIT : this.rules.maxSupply;
    const room = max > this.supply ? max - this.supply : 0n;
    if (amount > room) amount = room;
    this.supply += amount;
    return amount;
  }

  private credit(holder: string, amount: bigint): void {
    if (amount !== 0n) this.balances.set(holder, this.balanceOf(holder) + amount);
  }
}

// ------------------------------------------------------------------ Receipts (path 2) and Merkle batches (path 4)

/** The EIP-712 types of a receipt as the shop hashes them. */
export const RECEIPT_TYPES = {
  Receipt: [
    { name: "shop", type: "address" },
    { name: "chainId", type: "uint256" },
    { name: "orderId", type: "uint256" },
    { name: "customer", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "orderHash", type: "bytes32" },
    { name: "referrer", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

/** A receipt for `shop`, signed by `signer` with EIP-712 typed data, valid for a day. */
export async function signedReceipt(
  d: Deployment,
  signer: HardhatEthersSigner,
  fields: { customer: string; amount: bigint; orderHash: string; referrer?: string; orderId?: bigint },
  shop: IShop = d.shop,
): Promise<{ receipt: IShopBase.ReceiptStruct; signature: string; digest: string }> {
  const verifyingContract = await shop.getAddress();
  const chainId = (await d.ethers.provider.getNetwork()).chainId;
  const receipt = {
    shop: verifyingContract,
    chainId,
    orderId: fields.orderId ?? orderIdOf(`receipt/${fields.orderHash}`),
    customer: fields.customer,
    amount: fields.amount,
    orderHash: fields.orderHash,
    referrer: fields.referrer ?? ZeroAddress,
    deadline: BigInt((await d.helpers.time.latest()) + DAY),
  };
  const domain = { name: "ShareMall Shop", version: "2", chainId, verifyingContract };
  const signature = await signer.signTypedData(domain, RECEIPT_TYPES, receipt);
  return { receipt, signature, digest: TypedDataEncoder.hash(domain, RECEIPT_TYPES, receipt) };
}

/** The leaf of a Merkle batch order, double-hashed as in OpenZeppelin's StandardMerkleTree. */
export function batchLeaf(
  orderId: bigint,
  orderHash: string,
  customer: string,
  amount: bigint,
  referrer: string,
): string {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["uint256", "bytes32", "address", "uint256", "address"],
    [orderId, orderHash, customer, amount, referrer],
  );
  return keccak256(keccak256(encoded));
}

/** The parent of two nodes of a sorted-pair Merkle tree (OpenZeppelin's `MerkleProof`): the smaller one first. */
export function hashPair(a: string, b: string): string {
  return BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a]));
}

/** The root `proof` folds `leaf` into, as OpenZeppelin's `MerkleProof.processProof` (it takes any node as given). */
export function processProof(leaf: string, proof: string[]): string {
  return proof.reduce((node, sibling) => hashPair(node, sibling), leaf);
}

/** The leaf encoding of a Merkle batch, as OpenZeppelin's StandardMerkleTree takes it. */
export const LEAF_ENCODING = ["uint256", "bytes32", "address", "uint256", "address"];

/** One order of a Merkle batch, before it is given its order id. */
export interface BatchOrder {
  orderHash: string;
  customer: string;
  amount: bigint;
  referrer?: string;
}

/** One leaf of an anchored batch: an order with its order id (`firstOrderId + index`). */
export interface Leaf {
  orderId: bigint;
  orderHash: string;
  customer: string;
  amount: bigint;
  referrer: string;
}

/** A Merkle batch as the operator builds it off chain. */
export interface Tree {
  root: string;
  firstOrderId: bigint;
  orderCount: bigint;
  totalRevenue: bigint;
  leaves: Leaf[];
  /** The proof of leaf `i`. */
  proof: (i: number) => string[];
}

/** The StandardMerkleTree of `orders` with consecutive order ids from `firstOrderId` (fresh ids by default). */
export function merkleBatch(orders: BatchOrder[], firstOrderId: bigint = nextOrderIds(orders.length)): Tree {
  const leaves = orders.map((o, i) => ({
    orderId: firstOrderId + BigInt(i),
    orderHash: o.orderHash,
    customer: o.customer,
    amount: o.amount,
    referrer: o.referrer ?? ZeroAddress,
  }));
  const tree = StandardMerkleTree.of(
    leaves.map((l) => [l.orderId, l.orderHash, l.customer, l.amount, l.referrer]),
    LEAF_ENCODING,
  );
  return {
    root: tree.root,
    firstOrderId,
    orderCount: BigInt(leaves.length),
    totalRevenue: leaves.reduce((sum, l) => sum + l.amount, 0n),
    leaves,
    proof: (i) => tree.getProof(i),
  };
}

/** Anchors `tree` in `shop` as its operator, with the tree's own revenue unless given. */
export async function anchorTree(
  d: Deployment,
  tree: Tree,
  revenue: bigint = tree.totalRevenue,
  shop: IShop = d.shop,
  operator: HardhatEthersSigner = d.operator,
) {
  return shop.connect(operator).anchorBatch(tree.root, tree.firstOrderId, tree.orderCount, revenue);
}

/** Mints leaf `i` of `tree` as `from` (the operator by default, on the customer's behalf). */
export async function mintLeaf(
  d: Deployment,
  tree: Tree,
  i: number,
  from: HardhatEthersSigner = d.operator,
  shop: IShop = d.shop,
) {
  const l = tree.leaves[i];
  return shop
    .connect(from)
    .mintFromBatch(tree.root, l.orderId, l.orderHash, l.customer, l.amount, l.referrer, tree.proof(i));
}

// ------------------------------------------------------------------ Views as plain values

/** `tokenDay(i, day)` as a plain object. */
export interface TokenDayView {
  revenue: bigint;
  dividendBps: bigint;
  owed: bigint;
  escrowed: bigint;
  escrowReleased: boolean;
  settled: boolean;
}

/** Token `tokenIndex`'s entry for `day`, as a plain object. */
export async function tokenDayOf(shop: IShop, tokenIndex: number | bigint, day: bigint): Promise<TokenDayView> {
  const t = await shop.tokenDay(tokenIndex, day);
  return {
    revenue: t.revenue,
    dividendBps: t.dividendBps,
    owed: t.owed,
    escrowed: t.escrowed,
    escrowReleased: t.escrowReleased,
    settled: t.settled,
  };
}

/** A token-day entry with the fields a test does not name at their empty values. */
export function tokenDayWith(fields: Partial<TokenDayView>): TokenDayView {
  return {
    revenue: 0n,
    dividendBps: 0n,
    owed: 0n,
    escrowed: 0n,
    escrowReleased: false,
    settled: false,
    ...fields,
  };
}

/** `unsettledDays(start, limit)` as [day, owed, unfunded] triples. */
export async function unsettledOf(shop: IShop, start: bigint = 0n, limit: bigint = 1000n): Promise<bigint[][]> {
  return (await shop.unsettledDays(start, limit)).map((u) => [u.day, u.owed, u.unfunded]);
}

/** Rules with every field zero, as `pendingRules` returns them when nothing is pending. */
export const ZERO_RULES: Rules = {
  spendPerToken: 0n,
  minFirstOrder: 0n,
  referralsPerToken: 0n,
  dividendBps: 0n,
  referralBps: 0n,
  maxSupply: 0n,
  poolNum: 0n,
  poolDen: 0n,
};

// ------------------------------------------------------------------ A model of the token's dividend accounting

const MOD_160 = 1n << 160n;

/**
 * The dividend ledger of one token as `DividendMath` defines it, in exact bigints: the per-share accumulator (wei
 * per token-wei, scaled by 2^64, modulo 2^160), each holder's balance and correction (modulo 2^160), the rollover
 * of distributions that found no holders and the rounding carry. A holder's claimable is
 * `((balance × accumulator − correction) mod 2^160) >> 64`; a balance change of x adds x × accumulator to the
 * correction, a claim of w adds w × 2^64. Tests replay the chain's mints, transfers, distributions and claims on it.
 */
export class DividendModel {
  accumulator = 0n;
  epoch = 0n;
  rollover = 0n;
  carry = 0n;
  supply = 0n;
  readonly balances = new Map<string, bigint>();
  readonly corrections = new Map<string, bigint>();

  balanceOf(holder: string): bigint {
    return this.balances.get(holder) ?? 0n;
  }

  claimable(holder: string): bigint {
    const c = this.corrections.get(holder) ?? 0n;
    return ((((this.balanceOf(holder) * this.accumulator - c) % MOD_160) + MOD_160) % MOD_160) >> 64n;
  }

  /** What `dividendState()` returns: (accumulator, epoch, rollover + carry). */
  get state(): [bigint, bigint, bigint] {
    return [this.accumulator, this.epoch, this.rollover + this.carry];
  }

  mint(holder: string, amount: bigint): void {
    this.move(holder, amount);
    this.supply += amount;
  }

  transfer(from: string, to: string, amount: bigint): void {
    this.move(from, -amount);
    this.move(to, amount);
  }

  /** A claim: returns the wei paid. */
  claim(holder: string): bigint {
    const amount = this.claimable(holder);
    this.corrections.set(holder, ((this.corrections.get(holder) ?? 0n) + (amount << 64n)) % MOD_160);
    return amount;
  }

  /** A distribution of `amount` wei: returns the total it paid out with what was carried, and whether it rolled. */
  distribute(amount: bigint): { total: bigint; rolled: boolean } {
    const total = amount + this.rollover + this.carry;
    const delta = this.supply === 0n ? 0n : (total << 64n) / this.supply;
    if (delta === 0n) {
      this.rollover = total;
      this.carry = 0n;
      return { total, rolled: true };
    }
    this.accumulator = (this.accumulator + delta) % MOD_160;
    const scaled = delta * this.supply;
    const allotted = (scaled >> 64n) + (scaled % (1n << 64n) === 0n ? 0n : 1n);
    this.rollover = 0n;
    this.carry = total - allotted;
    this.epoch += 1n;
    return { total, rolled: false };
  }

  private move(holder: string, amount: bigint): void {
    this.balances.set(holder, this.balanceOf(holder) + amount);
    const c = (this.corrections.get(holder) ?? 0n) + amount * this.accumulator;
    this.corrections.set(holder, ((c % MOD_160) + MOD_160) % MOD_160);
  }
}
