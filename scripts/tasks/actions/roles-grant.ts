/** `roles:grant`: SDK `grantRole` (or `revokeRole` with `--revoke`). */
import { grantRole, revokeRole, InvalidRoleError, type ShopRole } from "../../../sdk/src/index.js";
import { addressOption, connect, shopAddress } from "../lib/chain.js";
import { taskAction } from "../lib/io.js";

interface Args {
  shop: string;
  role: string;
  account: string;
  revoke: boolean;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (!["operator", "poolManager", "admin"].includes(args.role)) throw new InvalidRoleError(args.role);
    const role = args.role as ShopRole;
    const account = addressOption("account", args.account);
    const chain = await connect(hre);
    const { hash, changed } = await (args.revoke ? revokeRole : grantRole)(chain.transport, { shop, role, account });
    return { shop, role, account, action: args.revoke ? "revoke" : "grant", changed, transaction: hash };
  },
  (r) =>
    `${r.changed ? (r.action === "grant" ? "Granted" : "Revoked") : r.action === "grant" ? "Already held:" : "Not held:"} ` +
    `${r.role} ${r.action === "grant" ? "to" : "from"} ${r.account} (transaction ${r.transaction})`,
);
