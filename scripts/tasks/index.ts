/**
 * The merchant tasks (docs/cli.md): registered in hardhat.config.ts, each a lazy-loaded action under ./actions.
 * Every task signs with the first account of `--network`, prints JSON on stdout with `--json`, and exits 2 on bad
 * input (nothing sent) or 1 on a chain failure, with `error: <message>` on stderr.
 */
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

/** A string option with no default: unset means the task's own fallback (or its "missing option" error). */
const text = <const N extends string>(name: N, description: string) =>
  ({ name, description, type: ArgumentType.STRING_WITHOUT_DEFAULT, defaultValue: undefined }) as const;

const json = { name: "json", description: "Print the result as JSON on stdout" } as const;
const shop = text("shop", "The shop's address (default: the SHAREMALL_SHOP variable)");
const fromBlock = text(
  "fromBlock",
  "First block scanned for the shop's events: its creation block on a long chain (default: SHAREMALL_FROM_BLOCK, else 0)",
);
const progressEvery = {
  name: "progressEvery",
  description: "Print progress every this many rows",
  type: ArgumentType.INT,
  defaultValue: 25,
} as const;
const paymentsFromBlock = text(
  "fromBlock",
  "First block scanned for the payments' events: the shop's creation block on a long chain (default: SHAREMALL_FROM_BLOCK, else 0)",
);
const firstOrderId = text(
  "firstOrderId",
  "Chain order id of the file's first order, the others following, for a file without a chainOrderId column",
);

export const shareMallTasks = [
  task("shop:create", "Create a merchant's shop through the ShareMall factory")
    .addOption(
      text("factory", "Factory address (default: SHAREMALL_FACTORY, else the Ignition deployment on this chain)"),
    )
    .addOption(text("name", "The shop's display name"))
    .addOption(text("utcOffset", 'Hours ahead of UTC of the merchant\'s days, e.g. "8", "5.5" or "-3"'))
    .addOption(text("admin", "Merchant admin (default: the sending account)"))
    .addOption(text("operator", 'Operator that records orders (default: the sending account; "none" for none)'))
    .addOption(text("salt", "Create at a deterministic address: a 32-byte hex salt, or any text (its keccak-256)"))
    .addFlag(json)
    .setAction(() => import("./actions/shop-create.js"))
    .build(),

  task("token:create", "Create a dividend token of a shop from a JSON or YAML token file (validated by the SDK)")
    .addOption(shop)
    .addOption(text("file", "Token file: name, symbol, transferable, noticeDays, rules (see docs/cli.md)"))
    .addFlag(json)
    .setAction(() => import("./actions/token-create.js"))
    .build(),

  task("rules:schedule", "Change a token's rules: at once if only the dividend rises, else after its notice period")
    .addOption(shop)
    .addOption({ name: "token", description: "Token index", type: ArgumentType.INT, defaultValue: 0 })
    .addOption(text("file", "Rules file (JSON or YAML): the rules, or a token file with a rules field"))
    .addFlag({ name: "cancel", description: "Cancel the token's pending rule change instead" })
    .addFlag(json)
    .setAction(() => import("./actions/rules-schedule.js"))
    .build(),

  task("roles:grant", "Grant (or with --revoke, revoke) a shop role")
    .addOption(shop)
    .addOption(text("role", "operator, poolManager or admin"))
    .addOption(text("account", "The account"))
    .addFlag({ name: "revoke", description: "Revoke the role instead of granting it" })
    .addFlag(json)
    .setAction(() => import("./actions/roles-grant.js"))
    .build(),

  task("orders:record", "Record orders from a CSV or JSON file, resumably, in chunks under the block gas limit")
    .addOption(shop)
    .addOption(text("file", "Orders file (.csv or .json; see docs/cli.md)"))
    .addOption(firstOrderId)
    .addOption(fromBlock)
    .addOption(text("state", "State file keeping the salts and order ids (default: <file>.record-state.json)"))
    .addOption(text("out", "Receipt file: every order's hash, salt and transaction (default: <file>.receipt.json)"))
    .addOption({
      name: "chunkSize",
      description: "Most orders per transaction (smaller chunks if the gas estimate needs it)",
      type: ArgumentType.INT,
      defaultValue: 200,
    })
    .addOption(text("maxGasPerTx", "Gas cap per transaction (default: 80 % of the block gas limit)"))
    .addFlag({
      name: "finalOnly",
      description: "Record only orders whose return window (the shop's) is over since their paidAt; hold back the rest",
    })
    .addOption(text("hold", "Like --final-only, with this many days as the window instead of the shop's (e.g. 14)"))
    .addFlag(json)
    .setAction(() => import("./actions/orders-record.js"))
    .build(),

  task("orders:anchor", "Anchor a CSV or JSON file of orders as one Merkle batch and write the customers' proofs")
    .addOption(shop)
    .addOption(text("file", "Orders file (.csv or .json; see docs/cli.md)"))
    .addOption(firstOrderId)
    .addOption(fromBlock)
    .addOption(text("state", "State file keeping the salts and first order id (default: <file>.anchor-state.json)"))
    .addOption(text("out", "Output prefix: <out>.batch.json, <out>.salts.json, <out>.customers/ (default: <file>)"))
    .addFlag(json)
    .setAction(() => import("./actions/orders-anchor.js"))
    .build(),

  task("days:settle", "Settle every unsettled past day of a shop, oldest first (escrow always, debt when funded)")
    .addOption(shop)
    .addFlag({
      name: "fund",
      description: "Deposit what the merchant balance lacks first (else refuse when it is short)",
    })
    .addFlag({
      name: "partial",
      description: "Settle what the balance allows: release every day's escrow, pay the debt while it lasts",
    })
    .addFlag(json)
    .setAction(() => import("./actions/days-settle.js"))
    .build(),

  task("payments:capture", "Capture the held payments of a CSV file (orderHash,customer[,amount]), resumably")
    .addOption(shop)
    .addOption(text("file", "CSV file: orderHash,customer and optionally amount (wei; blank: all of it)"))
    .addOption(paymentsFromBlock)
    .addOption(progressEvery)
    .addFlag(json)
    .setAction(() => import("./actions/payments-capture.js"))
    .build(),

  task("payments:void", "Void the held payments of a CSV file (orderHash,customer): all back to the customers")
    .addOption(shop)
    .addOption(text("file", "CSV file: orderHash,customer"))
    .addOption(paymentsFromBlock)
    .addOption(progressEvery)
    .addFlag(json)
    .setAction(() => import("./actions/payments-void.js"))
    .build(),

  task("payments:refund", "Refund captured payments from a CSV file (orderHash,customer,amount), journaled")
    .addOption(shop)
    .addOption(text("file", "CSV file: orderHash,customer,amount (wei to refund)"))
    .addOption(text("journal", "Journal of the refunds sent (default: <file>.refund-journal.json)"))
    .addOption(paymentsFromBlock)
    .addOption(progressEvery)
    .addFlag({ name: "fund", description: "Deposit what the merchant balance lacks for the file first" })
    .addFlag(json)
    .setAction(() => import("./actions/payments-refund.js"))
    .build(),

  task("holder:claim", "Claim a holder's dividends (the network's account) on one token, several, or all of them")
    .addOption(text("token", "The token to claim on"))
    .addOption(text("tokens", "Several tokens, comma-separated: one claimMany transaction through the factory"))
    .addFlag({ name: "all", description: "Every token of the factory with something to claim (one transaction)" })
    .addOption(text("to", "Send the coin to this address instead of the holder's (claimTo)"))
    .addOption(
      text("factory", "Factory for --tokens and --all (default: SHAREMALL_FACTORY, else the Ignition deployment)"),
    )
    .addFlag(json)
    .setAction(() => import("./actions/holder-claim.js"))
    .build(),

  task("shop:report", "Report a shop's days (revenue, dividends, settlement) and its top holders")
    .addOption(shop)
    .addOption(text("fromDay", "First shop day (default: 29 days before --to-day)"))
    .addOption(text("toDay", "Last shop day (default: today)"))
    .addOption({ name: "top", description: "Holders listed per token", type: ArgumentType.INT, defaultValue: 5 })
    .addOption(fromBlock)
    .addFlag(json)
    .setAction(() => import("./actions/shop-report.js"))
    .build(),
  task("keeper", "Settle every shop's funded past days after its midnight and push payouts to the holders")
    .addOption(
      text(
        "factory",
        "Factory address (required unless SHAREMALL_FACTORY is set or the Ignition deployment on this chain exists)",
      ),
    )
    .addFlag({ name: "once", description: "Run one tick, then exit (exit code 1 if it had a failure): for cron" })
    .addOption({ name: "interval", description: "Seconds between ticks", type: ArgumentType.INT, defaultValue: 30 })
    .addOption(text("minPayout", "Push a holder's dividends only above this claimable amount of coin (default 0)"))
    .addOption(
      text(
        "maxBatchGas",
        "Gas cap of one payout transaction (default: 50 % of the block gas limit, at most 16,000,000)",
      ),
    )
    .addOption({
      name: "batchSize",
      description: "Holders in a first attempt at a payout batch (halved while the gas estimate is over the cap)",
      type: ArgumentType.INT,
      defaultValue: 100,
    })
    .addOption(
      text(
        "fundFrom",
        "Account that funds unfunded days of the shops it is admin of (requires --fund-limit; default: never fund)",
      ),
    )
    .addOption(text("fundLimit", "Most coin sent to fund one shop day (required with --fund-from)"))
    .addOption({
      name: "metricsPort",
      description: "Port of the Prometheus /metrics endpoint on 127.0.0.1 (0: none)",
      type: ArgumentType.INT,
      defaultValue: 9477,
    })
    .addOption(text("fromBlock", "First block scanned for token Transfer logs (default: SHAREMALL_FROM_BLOCK, else 0)"))
    .addOption(text("shops", "Comma-separated shops to serve (default: every shop of the factory)"))
    .setAction(() => import("./actions/keeper.js"))
    .build(),
];
