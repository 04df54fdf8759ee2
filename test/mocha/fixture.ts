import { network } from "hardhat";
import type { HardhatEthers, HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import type { NetworkHelpers } from "@nomicfoundation/hardhat-network-helpers/types";
import type { DividendToken, ShareMallFactory, Shop } from "../../types/ethers-contracts/index.js";

/** China Standard Time, the Wuyou Tea shop's clock. */
export const UTC_PLUS_8 = 8 * 3600;
export const DAY = 86_400;
export const ONE = 10n ** 18n;

export interface Rules {
  spendPerToken: bigint;
  minFirstOrder: bigint;
  referralsPerToken: bigint;
  dividendBps: bigint;
  referralBps: bigint;
  maxSupply: bigint;
  poolNum: bigint;
  poolDen: bigint;
}

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
  shop: Shop;
  token: DividendToken;
  admin: HardhatEthersSigner;
  operator: HardhatEthersSigner;
  poolManager: HardhatEthersSigner;
}

/** Deploys the implementations and the factory, a shop (UTC+8) and one token with `rules`. */
export async function deploy(
  rules: Rules = WUYOU_RULES,
  options: { transferable?: boolean; noticePeriod?: number } = {},
): Promise<Deployment> {
  const { ethers, networkHelpers: helpers } = await network.create();
  const signers = await ethers.getSigners();
  const [admin, operator, poolManager] = signers;
  const shopImpl = await ethers.deployContract("Shop");
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
  const shop = (await ethers.getContractAt("Shop", shopAddress)) as unknown as Shop;
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
