/**
 * `holder:claim`: a holder (the network's first account) claims its dividends in the native coin. `--token` claims
 * on one token (SDK `claim`, or `claimTo` with `--to`); `--tokens a,b` or `--all` claims on several in one
 * transaction through the factory (SDK `claimMany`; `--all`: every token of the factory with something to claim).
 */
import {
  claim,
  claimableTotal,
  claimMany,
  claimTo,
  decodeContractError,
  type Address,
} from "../../../sdk/src/index.js";
import { addressOption, connect, factoryAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { formatCoin } from "../lib/format.js";
import { taskAction } from "../lib/io.js";

interface Args {
  token: string;
  tokens: string;
  all: boolean;
  to: string;
  factory: string;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const modes = [args.token !== "", args.tokens !== "", args.all].filter(Boolean).length;
    if (modes !== 1) {
      throw new InputError(
        modes === 0
          ? "missing --token (or --tokens a,b,... or --all): which token(s) to claim on"
          : "give one of --token, --tokens and --all",
      );
    }
    const token = args.token === "" ? undefined : addressOption("token", args.token);
    const list = args.tokens === "" ? undefined : tokenList(args.tokens);
    const to = args.to === "" ? undefined : addressOption("to", args.to);
    const chain = await connect(hre);
    if (token !== undefined) {
      const result =
        to === undefined
          ? await claim(chain.transport, { token })
          : await claimTo(chain.transport, { token, recipient: to });
      return {
        holder: result.holder,
        recipient: result.recipient,
        paid: [{ token, amount: result.amount }],
        skipped: [] as { token: Address; reason: string }[],
        total: result.amount,
        transaction: result.hash,
        chainId: chain.chainId,
      };
    }
    const factory = await factoryAddress(hre, args.factory, chain.chainId, chain.transport);
    if (args.all) {
      const { tokens } = await claimableTotal(chain.transport, { factory, holder: chain.account });
      if (tokens.length === 0) {
        return {
          holder: chain.account,
          recipient: to ?? chain.account,
          paid: [],
          skipped: [],
          total: 0n,
          transaction: null,
          chainId: chain.chainId,
        };
      }
    }
    const result = await claimMany(chain.transport, { factory, tokens: list ?? "all", recipient: to });
    return {
      holder: result.holder,
      recipient: result.recipient,
      paid: result.paid,
      skipped: result.skipped,
      total: result.total,
      transaction: result.hash,
      chainId: chain.chainId,
    };
  },
  (r) => {
    if (r.transaction === null) return `Nothing to claim for ${r.holder} on any token of the factory`;
    const lines = [
      `Claimed ${formatCoin(r.total, r.chainId)} for ${r.holder}` +
        (r.recipient !== r.holder ? `, sent to ${r.recipient}` : "") +
        ` (transaction ${r.transaction})`,
    ];
    for (const p of r.paid) lines.push(`  ${p.token}  ${formatCoin(p.amount, r.chainId)}`);
    for (const s of r.skipped) lines.push(`  ${s.token}  skipped: ${skipReason(s.reason)}`);
    return lines.join("\n");
  },
);

/** `--tokens a,b,...`: every entry an address; an empty entry (`a,,b`, a trailing comma) is named, not ignored. */
function tokenList(value: string): Address[] {
  return value.split(",").map((entry, i) => {
    const t = entry.trim();
    if (t === "") throw new InputError(`--tokens: entry ${i + 1} is empty (give addresses separated by commas)`);
    return addressOption("tokens", t);
  });
}

/** The factory's `ClaimSkipped` revert data in words: the contract error's message, else the raw data. */
function skipReason(data: string): string {
  const error = decodeContractError(data);
  if (error !== undefined) return error.message;
  return data === "0x" ? "reverted without a reason" : `reverted (${data})`;
}
