/**
 * Shared helpers of the security tests (test/mocha/security): a ledger of everything an attack could move (coin held
 * by the shop and its tokens, merchant balance, supplies, balances and claimables of the holders involved, order
 * counts), and a check that a token stays solvent.
 */
import { expect } from "chai";
import { Interface } from "ethers";
import type { DividendToken, IShop } from "../../../types/ethers-contracts/index.js";
import { nextDay, ONE, order, type Deployment } from "../fixture.js";

/** Everything an attack on one shop could move, for the tokens and holders a test names. */
export interface Ledger {
  shopCoin: bigint;
  merchantBalance: bigint;
  revenueDays: bigint;
  tokenCoin: bigint[];
  supply: bigint[];
  rollover: bigint[];
  /** balances[h][t]: holder h's balance of token t. */
  balances: bigint[][];
  /** claimable[h][t]: holder h's claimable wei of token t. */
  claimable: bigint[][];
}

/** Reads the ledger of `shop`'s `tokens` for `holders`. */
export async function ledger(d: Deployment, shop: IShop, tokens: DividendToken[], holders: string[]): Promise<Ledger> {
  const provider = d.ethers.provider;
  const tokenCoin: bigint[] = [];
  const supply: bigint[] = [];
  const rollover: bigint[] = [];
  for (const token of tokens) {
    tokenCoin.push(await provider.getBalance(await token.getAddress()));
    supply.push(await token.totalSupply());
    rollover.push((await token.dividendState()).rollover);
  }
  const balances: bigint[][] = [];
  const claimable: bigint[][] = [];
  for (const holder of holders) {
    balances.push(await Promise.all(tokens.map((t) => t.balanceOf(holder))));
    claimable.push(await Promise.all(tokens.map((t) => t.claimable(holder))));
  }
  return {
    shopCoin: await provider.getBalance(await shop.getAddress()),
    merchantBalance: await shop.merchantBalance(),
    revenueDays: await shop.revenueDayCount(),
    tokenCoin,
    supply,
    rollover,
    balances,
    claimable,
  };
}

/**
 * Invariants 1 and 6 for the holders a test knows: the shop holds exactly the merchant balance, and each token holds at
 * least what those holders can claim plus its rollover. With `allHolders` the holders are every holder of the token,
 * so the token's supply must be theirs.
 */
export function expectSolvent(l: Ledger, allHolders = true): void {
  expect(l.shopCoin, "shop coin == merchant balance").to.equal(l.merchantBalance);
  l.tokenCoin.forEach((coin, t) => {
    const owed = l.claimable.reduce((sum, row) => sum + row[t], 0n) + l.rollover[t];
    expect(coin >= owed, `token ${t} holds ${coin} < claimable + rollover ${owed}`).to.equal(true);
    if (allHolders) {
      const held = l.balances.reduce((sum, row) => sum + row[t], 0n);
      expect(held, `token ${t}: the named holders hold the whole supply`).to.equal(l.supply[t]);
    }
  });
}

/** The sum of every holder's claimable of token `t` in a ledger. */
export function claimableOf(l: Ledger, t: number): bigint {
  return l.claimable.reduce((sum, row) => sum + row[t], 0n);
}

/**
 * Gives each customer tokens with recorded orders of `amounts` on a fresh day, then funds and settles that day, so
 * every customer has claimable dividends. Returns the settled day.
 */
export async function settledHoldings(d: Deployment, customers: string[], amounts: bigint[], label: string) {
  const day = await nextDay(d.helpers);
  for (let k = 0; k < customers.length; k++) {
    await d.shop.connect(d.operator).recordOrder(order(`${label}-${k}`, customers[k], amounts[k]));
  }
  await nextDay(d.helpers);
  await d.shop.deposit({ value: 10n * ONE });
  await d.shop.settle(day);
  return day;
}

/** The name of the custom error in `data`, decoded with the ABIs of `interfaces`, or a description of the data. */
export function errorName(data: string | undefined, interfaces: Interface[]): string {
  if (data === undefined || data === "0x") return "<empty revert>";
  for (const iface of interfaces) {
    const parsed = iface.parseError(data);
    if (parsed !== null) return parsed.name;
  }
  return `<unknown ${data.slice(0, 10)}>`;
}

/** The revert data of a failed call or transaction (ethers v6 CallExceptionError), or undefined. */
export function revertData(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "data" in error) {
    const data = (error as { data: unknown }).data;
    if (typeof data === "string") return data;
  }
  return undefined;
}
