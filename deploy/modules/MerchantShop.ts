/**
 * A merchant's shop and tokens on an existing ShareMall factory, from an Ignition parameters file:
 *
 *   npx hardhat ignition deploy deploy/modules/MerchantShop.ts --network localhost \
 *     --parameters deploy/parameters/wuyou-tea.json --deployment-id wuyou-tea-local
 *
 * The tokens are part of the module's shape, so the module reads the same file (SHAREMALL_SHOP_PARAMETERS, else the
 * `--parameters` argument) when Ignition loads it; see deploy/lib/merchant-shop.ts for the spec.
 */
import { loadMerchantShopSpec, merchantShopModule, parametersFileFromEnvironment } from "../lib/merchant-shop.js";

export default merchantShopModule(loadMerchantShopSpec(parametersFileFromEnvironment()));
