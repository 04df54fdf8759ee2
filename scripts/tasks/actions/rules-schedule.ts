/** `rules:schedule`: SDK `scheduleRules` (or `cancelRulesChange` with `--cancel`). */
import { cancelRulesChange, formatRules, scheduleRules } from "../../../sdk/src/index.js";
import { connect, shopAddress } from "../lib/chain.js";
import { InputError } from "../lib/errors.js";
import { taskAction } from "../lib/io.js";
import { readRulesFile } from "../lib/spec-file.js";

interface Args {
  shop: string;
  token: number;
  file: string;
  cancel: boolean;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    if (!Number.isSafeInteger(args.token) || args.token < 0)
      throw new InputError(`--token ${args.token}: not an index`);
    if (args.cancel) {
      if (args.file !== "") throw new InputError("--cancel takes no --file");
      const chain = await connect(hre);
      const { hash } = await cancelRulesChange(chain.transport, { shop, tokenIndex: args.token });
      return { action: "cancelled" as const, shop, tokenIndex: args.token, transaction: hash };
    }
    const rules = await readRulesFile(args.file);
    const chain = await connect(hre);
    const result = await scheduleRules(chain.transport, { shop, tokenIndex: args.token, rules });
    return {
      action: result.atOnce ? ("applied" as const) : ("scheduled" as const),
      shop,
      tokenIndex: args.token,
      effectiveAt: result.effectiveAt,
      effectiveAtIso: new Date(Number(result.effectiveAt) * 1000).toISOString(),
      changes: result.changes,
      summary: formatRules(rules),
      transaction: result.hash,
    };
  },
  (r) => {
    if (r.action === "cancelled")
      return `Cancelled the pending rule change of token ${r.tokenIndex} (${r.transaction})`;
    const lines = [
      r.action === "applied"
        ? `Rules of token ${r.tokenIndex} changed at once`
        : `Rules change of token ${r.tokenIndex} scheduled for ${r.effectiveAtIso} (after the notice period)`,
      `  new rules: ${r.summary}`,
      ...r.changes.map((c) => `  ${c.field}: ${c.from} -> ${c.to} (${c.direction})`),
      `  transaction ${r.transaction}`,
    ];
    return lines.join("\n");
  },
);
