import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

/**
 * Deploys `ShareMallUpkeep` for one factory (parameter `factory`): the Chainlink Automation / Gelato entry point that
 * settles the factory's shops after their midnight and pushes their payouts (docs/keeper.md). One per factory; it
 * holds no coin and no role.
 */
export default buildModule("ShareMallUpkeep", (m) => {
  const factory = m.getParameter<string>("factory");
  const upkeep = m.contract("ShareMallUpkeep", [factory]);
  return { upkeep };
});
