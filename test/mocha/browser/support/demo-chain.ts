/**
 * Seeds a `hardhat node` with a small ShareMall world for the holder page: the factory (first four deployments of
 * account 0, so its address is always the same on a fresh node), two shops with three tokens, a few holders with
 * several settled days of dividends, one claim already made, and a pending (less favourable) rule change. Used by
 * `npm run app` (scripts/app-dev.ts), the browser tests and the screenshots. Everything goes through the SDK's
 * merchant and holder functions over an ethers transport (the shops through their whole ABI, `IShop`), on core v2:
 * recorded orders carry order ids, and one day's settlement waits for funding (partly settled, then paid in full),
 * so that holders see a day paid in two distributions. Alice also has payments held by the shops (see
 * {@link DemoPayments}): two in their return window, one past its expiry, and one captured in part; Bob has one held.
 */
import { readFile } from "node:fs/promises";
import { ContractFactory, HDNodeWallet, id, JsonRpcProvider, Mnemonic, parseEther, type Signer } from "ethers";
import { fromEthers } from "../../../../sdk/src/client/ethers.js";
import type { Transport } from "../../../../sdk/src/client/transport.js";
import { charge, claim } from "../../../../sdk/src/holder.js";
import {
  createShop,
  createToken,
  recordOrders,
  scheduleRules,
  settleAllUnsettled,
  type RecordOrderInput,
} from "../../../../sdk/src/merchant.js";
import { authorizePayment, capturePayment, type PaymentTerms } from "../../../../sdk/src/payments.js";
import type { Address } from "../../../../sdk/src/types.js";
import { HARDHAT_NODE_MNEMONIC } from "../../support/hardhat-node.js";

/** The factory's address on a fresh node (account 0's fourth deployment); `app/public/config.json` names it. */
export const DEMO_FACTORY: Address = "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9";

/** Named accounts of the demo, by `hardhat node` account index. */
export const DEMO_ACCOUNTS = {
  admin: 0,
  operator: 1,
  alice: 3,
  bob: 4,
  carol: 5,
  dave: 6,
  erin: 7,
  nobody: 9,
} as const;

export type DemoName = keyof typeof DEMO_ACCOUNTS;

/** The well-known development key of `hardhat node` account `index` (never use these keys on a real chain). */
export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_NODE_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

/** The demo's payments held by the shops (authorized with `authorize`), by what they are for. */
export interface DemoPayments {
  /** Alice at the tea shop, 0.8 ETH: return window running. */
  readonly teaHeld: PaymentTerms;
  /** Alice at the bakery, 0.45 ETH: return window running. */
  readonly bakeryHeld: PaymentTerms;
  /** Alice at the tea shop, 0.3 ETH: authorized before the first day, past its expiry at the end (reclaimable). */
  readonly teaExpired: PaymentTerms;
  /** Alice at the bakery, 0.5 ETH: captured by the operator on the second day, 0.4 ETH of it (0.1 back to her). */
  readonly bakeryCaptured: PaymentTerms;
  /** Bob at the tea shop, 0.25 ETH: return window running. */
  readonly bobHeld: PaymentTerms;
}

/** Wei the operator kept of {@link DemoPayments.bakeryCaptured}. */
export const DEMO_CAPTURED_WEI = 400_000_000_000_000_000n;

/** What {@link seedDemo} made. */
export interface DemoChain {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly factory: Address;
  readonly shops: { readonly tea: Address; readonly bakery: Address };
  readonly tokens: { readonly YDC: Address; readonly WYM: Address; readonly LTB: Address };
  readonly accounts: Readonly<Record<DemoName, Address>>;
  /** Days with orders, all settled. */
  readonly days: number;
  readonly payments: DemoPayments;
}

async function send(url: string, method: string, params: readonly unknown[] = []): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

const wei = (ether: string): bigint => parseEther(ether);

/** Deploys a contract from its Hardhat artifact (`artifacts/contracts/<source>/<name>.json`) and returns its address. */
export async function deployArtifact(
  deployer: Signer,
  source: string,
  name: string,
  args: readonly unknown[] = [],
): Promise<Address> {
  const url = new URL(`../../../../artifacts/contracts/${source}/${name}.json`, import.meta.url);
  const artifact = JSON.parse(await readFile(url, "utf8")) as { abi: unknown[]; bytecode: string };
  const contract = await new ContractFactory(artifact.abi as never, artifact.bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return (await contract.getAddress()) as Address;
}

/**
 * Seeds the node at `rpcUrl` (which must be fresh: the factory address depends on account 0's nonce).
 *
 * @param options.days days of orders, each settled the next day (default 12).
 * @param options.log progress lines.
 */
export async function seedDemo(
  rpcUrl: string,
  options: { days?: number; log?: (line: string) => void } = {},
): Promise<DemoChain> {
  const days = options.days ?? 12;
  const log = options.log ?? (() => undefined);
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  provider.pollingInterval = 50;
  const chainId = Number((await provider.getNetwork()).chainId);
  const signer = (index: number): Signer => devWallet(index).connect(provider);
  const accounts = Object.fromEntries(
    Object.entries(DEMO_ACCOUNTS).map(([name, index]) => [name, devWallet(index).address as Address]),
  ) as Record<DemoName, Address>;

  const admin = signer(DEMO_ACCOUNTS.admin);
  if ((await provider.getTransactionCount(accounts.admin)) !== 0) {
    throw new Error(`seedDemo needs a fresh node: account 0 has already sent transactions on ${rpcUrl}`);
  }
  log("Deploying the shop modules, the Shop and DividendToken implementations and the factory…");
  // The payments module deploys the ShopAdmin and ShopLens modules itself (from its own nonces); the Shop
  // implementation is given the payments module.
  const paymentsModule = await deployArtifact(admin, "shop/ShopPayments.sol", "ShopPayments");
  const shopImpl = await deployArtifact(admin, "shop/Shop.sol", "Shop", [paymentsModule]);
  const tokenImpl = await deployArtifact(admin, "payouts/DividendToken.sol", "DividendToken");
  const factory = await deployArtifact(admin, "factory/ShareMallFactory.sol", "ShareMallFactory", [
    shopImpl,
    tokenImpl,
  ]);
  if (factory !== DEMO_FACTORY) throw new Error(`factory deployed at ${factory}, expected ${DEMO_FACTORY}`);

  const merchant: Transport = fromEthers(admin);
  const operator: Transport = fromEthers(signer(DEMO_ACCOUNTS.operator));
  const { shop: tea } = await createShop(merchant, {
    factory,
    admin: accounts.admin,
    operator: accounts.operator,
    utcOffsetHours: 8,
    name: "Wuyou Tea 吾有茶",
  });
  const { shop: bakery } = await createShop(merchant, {
    factory,
    admin: accounts.admin,
    operator: accounts.operator,
    utcOffsetHours: 8,
    name: "Lotus Bakery 莲花烘焙",
  });
  const teaRules = {
    spendPerToken: "0.3",
    dividend: "20%",
    referral: { share: "10%" },
    pool: { tokens: 1, per: 9 },
  } as const;
  const { token: YDC } = await createToken(merchant, {
    shop: tea,
    name: "Wuyou Dividend Coin",
    symbol: "YDC",
    rules: teaRules,
  });
  const { token: WYM } = await createToken(merchant, {
    shop: tea,
    name: "Wuyou Mall Token",
    symbol: "WYM",
    rules: { spendPerToken: "1", dividend: "5%" },
  });
  const { token: LTB } = await createToken(merchant, {
    shop: bakery,
    name: "Lotus Bakery Token",
    symbol: "LTB",
    rules: { spendPerToken: "0.5", dividend: "10%", maxSupply: "1000000" },
  });
  log(`Factory ${factory}; shops ${tea} (YDC ${YDC}, WYM ${WYM}) and ${bakery} (LTB ${LTB})`);

  // Alice's payment that nobody captures: the shortest expiry the shop accepts plus an hour, so it is past by the end.
  const alice: Transport = fromEthers(signer(DEMO_ACCOUNTS.alice));
  const startedAt = BigInt((await provider.getBlock("latest"))!.timestamp);
  const { payment: teaExpired } = await authorizePayment(alice, {
    shop: tea,
    orderHash: id("sharemall demo payment expired"),
    amountWei: wei("0.3"),
    expiry: startedAt + 7n * 86_400n + 3_600n,
  });
  let bakeryCaptured: PaymentTerms | undefined;

  // A deterministic month-like pattern of orders (amounts in ETH, as the demo's native coin), numbered like a
  // backend's orders: each recorded order carries its order id (1, 2, ...; each id counts once per shop).
  let n = 0;
  const order = (customer: Address, ether: string, referrer?: Address): RecordOrderInput => ({
    orderId: BigInt(++n),
    orderHash: id(`sharemall demo order ${n}`),
    customer,
    amount: wei(ether),
    ...(referrer !== undefined ? { referrer } : {}),
  });
  const wave = (day: number, base: number, spread: number): string =>
    (base + spread * (((day * 7 + 3) % 11) / 10)).toFixed(3);
  for (let day = 0; day < days; day++) {
    const teaOrders = [
      order(accounts.alice, wave(day, 0.6, 0.9)),
      order(accounts.bob, wave(day + 4, 0.3, 0.6), day === 0 ? accounts.alice : undefined),
      order(accounts.carol, wave(day + 2, 0.4, 1.2)),
      order(accounts.dave, wave(day + 6, 0.2, 0.4)),
      order(accounts.erin, wave(day + 8, 0.3, 0.5)),
    ];
    if (day % 3 === 1) teaOrders.push(order(accounts.admin, "2.5")); // walk-in customers booked on the admin
    await recordOrders(operator, { shop: tea, orders: teaOrders });
    await recordOrders(operator, {
      shop: bakery,
      orders: [
        order(accounts.alice, wave(day + 1, 0.2, 0.5)),
        order(accounts.carol, wave(day + 5, 0.3, 0.4)),
        order(accounts.admin, wave(day + 3, 0.5, 1.0)),
      ],
    });
    // Bob also pays at the tea counter every other day: the dividend share of a checkout is escrowed at once.
    if (day % 2 === 1) {
      await charge(fromEthers(signer(DEMO_ACCOUNTS.bob)), {
        shop: tea,
        orderHash: id(`sharemall demo checkout ${day}`),
        amountWei: wei(wave(day + 3, 0.2, 0.4)),
      });
    }
    // Alice pays the bakery for an order and keeps part of it: the operator captures 0.4 of the 0.5 held.
    if (day === 1) {
      ({ payment: bakeryCaptured } = await authorizePayment(alice, {
        shop: bakery,
        orderHash: id("sharemall demo payment captured"),
        amountWei: wei("0.5"),
      }));
      await capturePayment(operator, { shop: bakery, payment: bakeryCaptured, amountWei: DEMO_CAPTURED_WEI });
    }
    await send(rpcUrl, "evm_increaseTime", [86_400]);
    await send(rpcUrl, "evm_mine");
    // Day 1's tea settlement is left short (the merchant balance holds only the checkout's revenue): its escrow goes
    // out at once and its debt the next day, so holders get that day's dividends in two distributions.
    await settleAllUnsettled(merchant, { shop: tea, fund: day === 1 && days > 2 ? "partial" : "deposit-missing" });
    await settleAllUnsettled(merchant, { shop: bakery, fund: "deposit-missing" });
    if (day === Math.floor(days / 2)) await claim(fromEthers(signer(DEMO_ACCOUNTS.alice)), { token: LTB });
    log(`Day ${day + 1}/${days}: orders recorded and settled`);
  }
  // Past the expiry of Alice's first payment (a short demo ends before it), then the payments still in their window.
  const latest = BigInt((await provider.getBlock("latest"))!.timestamp);
  if (latest < teaExpired.expiry) {
    await send(rpcUrl, "evm_increaseTime", [Number(teaExpired.expiry - latest) + 600]);
    await send(rpcUrl, "evm_mine");
  }
  if (bakeryCaptured === undefined) throw new Error("seedDemo needs at least 2 days for the captured payment");
  const { payment: teaHeld } = await authorizePayment(alice, {
    shop: tea,
    orderHash: id("sharemall demo payment tea"),
    amountWei: wei("0.8"),
  });
  const { payment: bakeryHeld } = await authorizePayment(alice, {
    shop: bakery,
    orderHash: id("sharemall demo payment bakery"),
    amountWei: wei("0.45"),
  });
  const { payment: bobHeld } = await authorizePayment(fromEthers(signer(DEMO_ACCOUNTS.bob)), {
    shop: tea,
    orderHash: id("sharemall demo payment bob"),
    amountWei: wei("0.25"),
  });
  log("Alice has payments held by both shops (two in their return window, one expired) and one captured");

  // A less favourable change (dividends 20 % -> 15 %, 1 token per 0.4 instead of 0.3): scheduled with 7 days' notice.
  await scheduleRules(merchant, {
    shop: tea,
    tokenIndex: 0,
    rules: { ...teaRules, spendPerToken: "0.4", dividend: "15%" },
  });
  log("Scheduled a rule change of YDC (7 days' notice)");
  provider.destroy();
  return {
    rpcUrl,
    chainId,
    factory,
    shops: { tea, bakery },
    tokens: { YDC, WYM, LTB },
    accounts,
    days,
    payments: { teaHeld, bakeryHeld, teaExpired, bakeryCaptured, bobHeld },
  };
}
