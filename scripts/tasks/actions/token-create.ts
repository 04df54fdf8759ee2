/** `token:create`: a token file validated by the SDK (`tokenParams`/`defineRules`), then SDK `createToken`. */
import { createToken, describeRules, formatRules } from "../../../sdk/src/index.js";
import { connect, shopAddress } from "../lib/chain.js";
import { taskAction } from "../lib/io.js";
import { readTokenFile } from "../lib/spec-file.js";

interface Args {
  shop: string;
  file: string;
  json: boolean;
}

export default taskAction(
  async (args: Args, hre) => {
    const shop = shopAddress(args.shop);
    const params = await readTokenFile(args.file);
    const chain = await connect(hre);
    const { tokenIndex, token, hash } = await createToken(chain.transport, { shop, ...params });
    return {
      shop,
      tokenIndex,
      token,
      name: params.name,
      symbol: params.symbol,
      transferable: params.transferable,
      noticeDays: params.noticePeriod / 86_400n,
      rules: describeRules(params.rules),
      rulesOnChain: params.rules,
      summary: formatRules(params.rules),
      transaction: hash,
    };
  },
  (r) =>
    `Created token ${r.tokenIndex} ${r.symbol} ("${r.name}") at ${r.token}\n  ${r.summary}\n` +
    `  ${r.transferable ? "transferable" : "non-transferable"}, notice period ${r.noticeDays} day(s)\n` +
    `  transaction ${r.transaction}`,
);
