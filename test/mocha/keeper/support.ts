/**
 * Support for the keeper tests: a factory deployed on a real `hardhat node`, shops with one 20 % dividend token in
 * a given time zone, recorded orders, the node's clock moved to exact instants, and chain-side checks (settlements
 * per day, pushes per holder) read straight from the node, never through the keeper.
 */
import { HDNodeWallet, JsonRpcProvider, Mnemonic, Network, id } from "ethers";
import {
  createShop,
  createToken,
  decodeLogs,
  decodePayoutWord,
  deposit,
  dividendTokenAbi,
  eventTopic,
  fromEthers,
  recordOrders,
  shopAbi,
  type Address,
  type Transport,
} from "../../../sdk/src/index.js";
import {
  DividendToken__factory,
  ShareMallFactory__factory,
  ShopPayments__factory,
  Shop__factory,
} from "../../../types/ethers-contracts/index.js";
import { HARDHAT_NODE_MNEMONIC, rpc, type HardhatNode } from "../support/hardhat-node.js";

export const CHAIN = 31_337;
export const ONE = 10n ** 18n;
export const DAY = 86_400;

/** Development account `i` of the node (funded with 10,000 coin). */
export const account = (i: number): HDNodeWallet =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(HARDHAT_NODE_MNEMONIC), `m/44'/60'/0'/0/${i}`);

/** An ethers provider with no batching, no cache and fast polling on `url` (the node or a proxy). */
export function providerAt(url: string): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(CHAIN), {
    staticNetwork: true,
    pollingInterval: 20,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
}

/** Deploys the implementations and the factory from account 0; returns the factory. */
export async function deployFactory(provider: JsonRpcProvider): Promise<Address> {
  const deployer = account(0).connect(provider);
  const payments = await new ShopPayments__factory(deployer).deploy();
  const shopImpl = await new Shop__factory(deployer).deploy(await payments.getAddress());
  const tokenImpl = await new DividendToken__factory(deployer).deploy();
  const factory = await new ShareMallFactory__factory(deployer).deploy(
    await shopImpl.getAddress(),
    await tokenImpl.getAddress(),
  );
  return (await factory.getAddress()) as Address;
}

/** A shop made by `merchant` (also its operator) with one token: 0.1 coin per token, 20 % dividends. */
export async function makeShop(
  merchant: Transport,
  factory: Address,
  name: string,
  utcOffsetHours: number,
): Promise<{ shop: Address; token: Address }> {
  const admin = (await merchant.account())!;
  const { shop } = await createShop(merchant, { factory, admin, operator: admin, utcOffsetHours, name });
  const { token } = await createToken(merchant, {
    shop,
    name: `${name} token`,
    symbol: "KPT",
    rules: { spendPerToken: "0.1", dividend: "20%" },
  });
  return { shop, token };
}

let lastOrderId = 0n;

/** Records one order per `amounts` entry, customer `customers[i % n]`; fresh order ids each call. */
export async function orders(
  operator: Transport,
  shop: Address,
  customers: readonly Address[],
  amounts: readonly bigint[],
): Promise<void> {
  const input = amounts.map((amount, i) => ({
    orderId: ++lastOrderId,
    orderHash: id(`keeper test order ${lastOrderId}`),
    customer: customers[i % customers.length],
    amount,
  }));
  await recordOrders(operator, { shop, orders: input });
}

/** Funds the shop's merchant balance. */
export async function fund(merchant: Transport, shop: Address, wei: bigint): Promise<void> {
  await deposit(merchant, { shop, amountWei: wei });
}

/** Mines a block at exactly `timestamp` (unix seconds): the node's "now" for the next keeper tick. */
export async function mineAt(node: HardhatNode, timestamp: number | bigint): Promise<void> {
  await rpc(node.url, "evm_setNextBlockTimestamp", [Number(timestamp)]);
  await rpc(node.url, "evm_mine", []);
}

/** `DaySettled` events of `shop` per day, from the node. */
export async function settledDays(reader: Transport, shop: Address): Promise<Map<bigint, number>> {
  const logs = await reader.getLogs({
    address: shop,
    topics: [eventTopic(shopAbi, "DaySettled")],
    fromBlock: 0n,
    toBlock: await reader.blockNumber(),
  });
  const out = new Map<bigint, number>();
  for (const e of decodeLogs(shopAbi, logs)) {
    if (e.eventName === "DaySettled") out.set(e.args.day, (out.get(e.args.day) ?? 0) + 1);
  }
  return out;
}

/** Every push of `token` from its `DividendsPushed` events on the node: wei per holder, and how many pushes each. */
export async function pushes(
  reader: Transport,
  token: Address,
): Promise<{ total: bigint; perHolder: Map<Address, bigint>; count: Map<Address, number> }> {
  const logs = await reader.getLogs({
    address: token,
    topics: [eventTopic(dividendTokenAbi, "DividendsPushed")],
    fromBlock: 0n,
    toBlock: await reader.blockNumber(),
  });
  let total = 0n;
  const perHolder = new Map<Address, bigint>();
  const count = new Map<Address, number>();
  for (const e of decodeLogs(dividendTokenAbi, logs)) {
    if (e.eventName !== "DividendsPushed") continue;
    total += e.args.total;
    for (const word of e.args.payouts) {
      const { holder, amount } = decodePayoutWord(word);
      perHolder.set(holder, (perHolder.get(holder) ?? 0n) + amount);
      count.set(holder, (count.get(holder) ?? 0) + 1);
    }
  }
  return { total, perHolder, count };
}

/** Wei distributed to `token`'s holders (`DividendsDistributed`), all days together. */
export async function distributed(reader: Transport, token: Address): Promise<bigint> {
  const logs = await reader.getLogs({
    address: token,
    topics: [eventTopic(dividendTokenAbi, "DividendsDistributed")],
    fromBlock: 0n,
    toBlock: await reader.blockNumber(),
  });
  let total = 0n;
  for (const e of decodeLogs(dividendTokenAbi, logs)) {
    if (e.eventName === "DividendsDistributed") total += e.args.amount;
  }
  return total;
}

/** A signing transport for development account `i` on `provider`. */
export const signerOf = (provider: JsonRpcProvider, i: number): Transport => fromEthers(account(i).connect(provider));
