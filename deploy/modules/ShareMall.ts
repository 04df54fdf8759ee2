import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys one ShareMall version on a chain: the ShopPayments module, the Shop (given the module) and DividendToken
 * implementations, and the factory that clones them. The ShopPayments constructor deploys the ShopAdmin module, whose
 * constructor deploys the ShopLens views module (both with CREATE from their deployer, so their addresses follow
 * from the module's). The
 * implementations lock themselves at construction (no initialiser can run on them).
 */
export default buildModule("ShareMall", (m) => {
  const paymentsModule = m.contract("ShopPayments");
  const shopImplementation = m.contract("Shop", [paymentsModule]);
  const tokenImplementation = m.contract("DividendToken");
  const factory = m.contract("ShareMallFactory", [shopImplementation, tokenImplementation]);
  return { factory, shopImplementation, tokenImplementation, paymentsModule };
});
