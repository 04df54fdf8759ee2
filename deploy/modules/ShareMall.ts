import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys one ShareMall version on a chain: the Shop and DividendToken implementations and the factory that clones
 * them. The Shop implementation's constructor deploys its ShopAdmin module, whose constructor deploys the ShopLens
 * views module (both with CREATE from their deployer, so their addresses follow from the Shop's). The
 * implementations lock themselves at construction (no initialiser can run on them).
 */
export default buildModule("ShareMall", (m) => {
  const shopImplementation = m.contract("Shop");
  const tokenImplementation = m.contract("DividendToken");
  const factory = m.contract("ShareMallFactory", [shopImplementation, tokenImplementation]);
  return { factory, shopImplementation, tokenImplementation };
});
