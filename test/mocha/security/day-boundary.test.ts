import { expect } from "chai";
import { id, ZeroAddress, type ContractTransactionResponse } from "ethers";
import type { DividendToken, IShop } from "../../../types/ethers-contracts/index.js";
import {
  addShop,
  addToken,
  DAY,
  dayOf,
  dayStart,
  deploy,
  escrowOf,
  ONE,
  order,
  owedOf,
  tokenParams,
  UTC_PLUS_8,
  WUYOU_RULES,
  type Deployment,
} from "../fixture.js";
import { errorName } from "./helpers.js";

const GAS = 2_000_000;

/** Sends `txs` without mining, then mines them all in one block at exactly `timestamp`; returns their statuses. */
async function mineAt(
  d: Deployment,
  timestamp: number,
  txs: (() => Promise<ContractTransactionResponse>)[],
): Promise<{ statuses: number[]; block: number }> {
  await d.ethers.provider.send("evm_setAutomine", [false]);
  const sent: ContractTransactionResponse[] = [];
  try {
    for (const tx of txs) sent.push(await tx());
    await d.ethers.provider.send("evm_mine", [timestamp]);
  } finally {
    await d.ethers.provider.send("evm_setAutomine", [true]);
  }
  const statuses: number[] = [];
  let block = -1;
  for (const tx of sent) {
    const receipt = await d.ethers.provider.getTransactionReceipt(tx.hash);
    if (receipt === null) throw new Error(`not mined: ${tx.hash}`);
    const mined = await d.ethers.provider.getBlock(receipt.blockNumber);
    expect(mined?.timestamp).to.equal(timestamp);
    block = receipt.blockNumber;
    statuses.push(receipt.status ?? -1);
  }
  return { statuses, block };
}

/** The error `shop.settle(day)` reverts with at the end of block `block` (at that block's timestamp). */
async function settleErrorAt(shop: IShop, day: bigint, block: number): Promise<string> {
  try {
    await shop.settle.staticCall(day, { blockTag: block });
    return "ok";
  } catch (error) {
    const data = (error as { data?: string }).data;
    return errorName(data, [shop.interface]);
  }
}

/** The day of every OrderCounted event in `block`, by order hash. */
async function countedDays(shop: IShop, block: number): Promise<Map<string, bigint>> {
  const events = await shop.queryFilter(shop.filters.OrderCounted(), block, block);
  return new Map(events.map((e) => [e.args.orderHash, e.args.day]));
}

async function boundaryScenario(d: Deployment, shop: IShop, token: DividendToken, offset: number): Promise<void> {
  const [, , , alice, bob] = d.signers;
  const keeper = shop.connect(d.signers[9]);
  const keeper2 = shop.connect(d.signers[8]);
  const operator = shop.connect(d.operator);
  const label = `b${offset}`;
  const D = dayOf(await d.helpers.time.latest(), offset) + 3n;
  const boundary = dayStart(D, offset); // local midnight that starts day D
  // Day D-2: one order, and a funded balance.
  await d.helpers.time.increaseTo(dayStart(D - 2n, offset) + DAY / 2);
  await operator.recordOrder(order(`${label}-0`, alice.address, ONE));
  await shop.deposit({ value: 10n * ONE });

  // One second before midnight: still day D-1.
  const before = await mineAt(d, boundary - 1, [
    () => operator.recordOrder(order(`${label}-1`, alice.address, 2n * ONE), { gasLimit: GAS }),
    () => shop.connect(bob).charge(id(`${label}-c`), ZeroAddress, { value: ONE, gasLimit: GAS }),
    () => keeper.settle(D - 1n, { gasLimit: GAS }),
    () => keeper2.settle(D - 2n, { gasLimit: GAS }),
  ]);
  expect(before.statuses).to.deep.equal([1, 1, 0, 1]);
  expect(await settleErrorAt(shop, D - 1n, before.block)).to.equal("ShopDayNotOver");
  const daysBefore = await countedDays(shop, before.block);
  expect(daysBefore.get(id(`${label}-1`))).to.equal(D - 1n);
  expect(daysBefore.get(id(`${label}-c`))).to.equal(D - 1n);

  // Exactly midnight: day D starts; D-1 can be settled, D cannot.
  const at = await mineAt(d, boundary, [
    () => operator.recordOrder(order(`${label}-2`, alice.address, 3n * ONE), { gasLimit: GAS }),
    () => keeper.settle(D, { gasLimit: GAS }),
    () => keeper2.settle(D - 1n, { gasLimit: GAS }),
  ]);
  expect(at.statuses).to.deep.equal([1, 0, 1]);
  expect(await settleErrorAt(shop, D, at.block)).to.equal("ShopDayNotOver");
  expect((await countedDays(shop, at.block)).get(id(`${label}-2`))).to.equal(D);

  // One second after midnight: still day D.
  const after = await mineAt(d, boundary + 1, [
    () => operator.recordOrder(order(`${label}-3`, alice.address, 4n * ONE), { gasLimit: GAS }),
    () => keeper.settle(D, { gasLimit: GAS }),
  ]);
  expect(after.statuses).to.deep.equal([1, 0]);
  expect(await settleErrorAt(shop, D, after.block)).to.equal("ShopDayNotOver");
  expect((await countedDays(shop, after.block)).get(id(`${label}-3`))).to.equal(D);

  // Each order landed in its day, and D-1 was settled with exactly its own orders.
  const dMinus1 = await shop.dayRecord(D - 1n);
  expect([dMinus1.revenue, dMinus1.orderCount, dMinus1.settled]).to.deep.equal([3n * ONE, 2n, true]);
  const dayD = await shop.dayRecord(D);
  expect([dayD.revenue, dayD.orderCount, dayD.settled]).to.deep.equal([7n * ONE, 2n, false]);
  const { escrowed, owed, escrowReleased, settled: paid } = await shop.tokenDay(0, D - 1n);
  expect(escrowed).to.equal(escrowOf([2n * ONE], ONE, WUYOU_RULES));
  expect(owed).to.equal(owedOf([2n * ONE, ONE], WUYOU_RULES));
  expect([escrowReleased, paid]).to.deep.equal([true, true]);
  const settled = await shop.queryFilter(shop.filters.DaySettled(D - 1n), at.block, at.block);
  expect(settled.length).to.equal(1);
  expect(settled[0].args.fromEscrow).to.equal(escrowed);
  expect(settled[0].args.fromBalance).to.equal(owed - escrowed);
  const distributed = await token.queryFilter(token.filters.DividendsDistributed(D - 1n), at.block, at.block);
  expect(distributed.length).to.equal(1);
}

describe("Security: settling with a manipulated timestamp at a day boundary", () => {
  it("at local midnight -1/0/+1 s (UTC+8): settle(today) reverts ShopDayNotOver and orders land in their day", async () => {
    const d = await deploy();
    await boundaryScenario(d, d.shop, d.token, UTC_PLUS_8);
  });

  it("the same at the extreme offsets UTC-12 and UTC+14", async () => {
    const d = await deploy();
    for (const offset of [-12 * 3600, 14 * 3600]) {
      const admin = d.signers[10];
      const shop = await addShop(d, admin, d.operator, offset, `Shop ${offset}`);
      const { token } = await addToken(d, tokenParams(WUYOU_RULES), shop, admin);
      await boundaryScenario(d, shop, token, offset);
    }
  });
});
