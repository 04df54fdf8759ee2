/**
 * Measures what the keeper spends per shop day (docs/keeper.md, "Gas per day"): one `settle(day)` and payout batches
 * of 1, 10, 50 and 100 holders whose accounts exist, and of 1 and 100 never-used addresses, each holder with
 * dividends to push, on the in-process network (the same EVM as `hardhat node`).
 *
 *   npx hardhat run scripts/keeper/measure-gas.ts
 *
 * Prints one JSON object: the settlement's gas, each batch's gas, and the marginal gas per holder of each kind
 * (`(gas(100) − gas(1)) / 99`).
 */
import { network } from "hardhat";
import { id } from "ethers";
import {
  createShop,
  createToken,
  deposit,
  fromEthers,
  payout,
  readContract,
  recordOrders,
  shopAbi,
  writeContract,
  type Address,
} from "../../sdk/src/index.js";
import {
  DividendToken__factory,
  ShareMallFactory__factory,
  ShopPayments__factory,
  Shop__factory,
} from "../../types/ethers-contracts/index.js";

const ONE = 10n ** 18n;

const connection = await network.getOrCreate();
const { ethers } = connection;
const [deployer] = await ethers.getSigners();
const payments = await new ShopPayments__factory(deployer).deploy();
const shopImpl = await new Shop__factory(deployer).deploy(await payments.getAddress());
const tokenImpl = await new DividendToken__factory(deployer).deploy();
const factoryContract = await new ShareMallFactory__factory(deployer).deploy(
  await shopImpl.getAddress(),
  await tokenImpl.getAddress(),
);
const factory = (await factoryContract.getAddress()) as Address;
const t = fromEthers(deployer);
const me = (await t.account())!;
const { shop } = await createShop(t, { factory, admin: me, operator: me, utcOffsetHours: 8, name: "Gas" });
const { token } = await createToken(t, {
  shop,
  name: "Gas token",
  symbol: "GAS",
  rules: { spendPerToken: "0.1", dividend: "20%" },
});
await deposit(t, { shop, amountWei: 1_000n * ONE });
const holders: Address[] = Array.from(
  { length: 262 },
  (_, i) => `0x${(0x1000 + i).toString(16).padStart(40, "0")}` as Address,
);
let orderId = 0n;
for (let i = 0; i < holders.length; i += 100) {
  await recordOrders(t, {
    shop,
    orders: holders.slice(i, i + 100).map((customer) => ({
      orderId: ++orderId,
      orderHash: id(`gas order ${orderId}`),
      customer,
      amount: ONE,
    })),
  });
}
const day = (await readContract(t, { address: shop, abi: shopAbi, functionName: "today", args: [] })) as bigint;
await connection.networkHelpers.time.increase(86_400);
const settled = await writeContract(t, { address: shop, abi: shopAbi, functionName: "settle", args: [day] });
// Holders that already exist as accounts (the usual case: a wallet that has received coin before), then holders
// whose address has never been used (each push then also creates the account: 25,000 more gas per holder).
const existing = holders.slice(0, 161);
const fresh = holders.slice(161);
for (const h of existing) await (await deployer.sendTransaction({ to: h, value: 1n })).wait();
const rows: Record<string, string> = { settle: settled.receipt.gasUsed.toString() };
const measure = async (label: string, list: readonly Address[], sizes: readonly number[]) => {
  const gas = new Map<number, bigint>();
  let start = 0;
  for (const size of sizes) {
    const result = await payout(t, { token, holders: list.slice(start, start + size) });
    if (result.paid.length !== size) throw new Error(`batch of ${size} paid ${result.paid.length}`);
    gas.set(size, result.gasUsed);
    rows[`payout.${label}.${size}`] = result.gasUsed.toString();
    start += size;
  }
  rows[`payout.${label}.perHolder`] = ((gas.get(100)! - gas.get(1)!) / 99n).toString();
};
await measure("existing", existing, [1, 10, 50, 100]);
await measure("fresh", fresh, [1, 100]);
console.log(JSON.stringify(rows, null, 2));
await connection.close();
