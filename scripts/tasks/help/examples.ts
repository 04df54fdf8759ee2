/**
 * What `npx hardhat <task> --help` adds to Hardhat's help for the merchant tasks: the options a run cannot do
 * without, marked "(required)", and one example command per task.
 */

/** Per task: its required options (camelCase, as declared) and an example command. */
export const TASK_HELP: Readonly<Record<string, { readonly required: readonly string[]; readonly example: string }>> = {
  "shop:create": {
    required: ["name", "utcOffset"],
    example: 'npx hardhat shop:create --network localhost --name "Wuyou Tea" --utc-offset 8',
  },
  "token:create": {
    required: ["file"],
    example: "npx hardhat token:create --network localhost --shop 0x… --file examples/ydc.yaml",
  },
  "rules:schedule": {
    required: ["file"],
    example: "npx hardhat rules:schedule --network localhost --shop 0x… --token 0 --file rules.yaml",
  },
  "roles:grant": {
    required: ["role", "account"],
    example: "npx hardhat roles:grant --network localhost --shop 0x… --role operator --account 0x…",
  },
  "orders:record": {
    required: ["file"],
    example: "npx hardhat orders:record --network localhost --shop 0x… --file examples/orders.csv",
  },
  "orders:anchor": {
    required: ["file"],
    example: "npx hardhat orders:anchor --network localhost --shop 0x… --file examples/batch.csv",
  },
  "days:settle": { required: [], example: "npx hardhat days:settle --network localhost --shop 0x… --fund" },
  "payments:capture": {
    required: ["file"],
    example: "npx hardhat payments:capture --network localhost --shop 0x… --file examples/capture.csv",
  },
  "payments:void": {
    required: ["file"],
    example: "npx hardhat payments:void --network localhost --shop 0x… --file examples/void.csv",
  },
  "payments:refund": {
    required: ["file"],
    example: "npx hardhat payments:refund --network localhost --shop 0x… --file examples/refund.csv --fund",
  },
  "shop:report": { required: [], example: "npx hardhat shop:report --network localhost --shop 0x… --top 10" },
  keeper: {
    required: [],
    example: "npm run keeper -- --network custom --min-payout 0.001 --metrics-port 9477",
  },
  "holder:claim": {
    required: [],
    example: "npx hardhat holder:claim --network custom --token 0x… (or --tokens 0x…,0x… or --all; --to 0x…)",
  },
};
