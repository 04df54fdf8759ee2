/**
 * A Hardhat plugin that completes `npx hardhat <task> --help` for the merchant tasks ({@link TASK_HELP}). Hardhat
 * prints an option declared without a default as `<STRING_WITHOUT_DEFAULT>` and has no notion of a required option
 * or of examples; so when, and only when, help for one of these tasks is asked for, this relabels such options as
 * `<STRING>`, appends "(required)" to the required ones, and appends the example to the task's description. Nothing
 * changes for a task that runs. test/mocha/tasks/help.test.ts checks the output.
 */
import { definePlugin } from "hardhat/plugins";

export default definePlugin({
  id: "sharemall-task-help",
  hookHandlers: { hre: () => import("./hook.js") },
});
