/** `shop:create`: SDK `createShop` (deterministic with `--salt`). */
import { id } from "ethers";
import { createShop, type Address } from "../../../sdk/src/index.js";
import { connect, factoryAddress, addressOption } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { taskAction } from "../lib/io.js";

interface Args {
  factory: string;
  name: string;
  utcOffset: string;
  admin: string;
  operator: string;
  salt: string;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    if (args.name.trim() === "") throw new InputError("missing --name");
    if (!/^[+-]?[0-9]+(\.[0-9]+)?$/.test(args.utcOffset.trim())) {
      throw new InputError(
        `--utc-offset ${JSON.stringify(args.utcOffset)}: expected hours ahead of UTC, e.g. 8 or 5.5`,
      );
    }
    const salt = args.salt === "" ? undefined : /^0x[0-9a-fA-F]{64}$/.test(args.salt) ? args.salt : id(args.salt);
    const chain = await connect(hre);
    const factory = await factoryAddress(hre, args.factory, chain.chainId, chain.transport);
    const admin = args.admin === "" ? chain.account : addressOption("admin", args.admin);
    const operator: Address | undefined =
      args.operator === "none"
        ? undefined
        : args.operator === ""
          ? chain.account
          : addressOption("operator", args.operator);
    const { shop, hash } = await createShop(chain.transport, {
      factory,
      admin,
      ...(operator !== undefined ? { operator } : {}),
      utcOffsetHours: Number(args.utcOffset),
      name: args.name,
      ...(salt !== undefined ? { salt } : {}),
    });
    // The creation block: where the order tasks and shop:report start reading the shop's events (--from-block).
    const { blockNumber } = await chain.transport.waitForReceipt(hash);
    return {
      shop,
      block: blockNumber,
      factory,
      admin,
      operator: operator ?? null,
      utcOffsetHours: Number(args.utcOffset),
      deterministic: salt !== undefined,
      salt: salt ?? null,
      chainId: chain.chainId,
      transaction: hash,
    };
  },
  (r, args) =>
    `Created shop "${args.name}" at ${r.shop}${r.deterministic ? " (deterministic address)" : ""}\n` +
    `  factory ${r.factory}, chain ${r.chainId}, admin ${r.admin}, operator ${r.operator ?? "none"}, UTC${
      r.utcOffsetHours >= 0 ? "+" : ""
    }${r.utcOffsetHours}\n  transaction ${r.transaction} (block ${r.block})\n` +
    `  next: export SHAREMALL_SHOP=${r.shop} SHAREMALL_FROM_BLOCK=${r.block}`,
);
