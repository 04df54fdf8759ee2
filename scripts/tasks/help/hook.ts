/** The `hre.created` hook of ./plugin.ts: decorates the help of the merchant task named on the command line. */
import type { HardhatRuntimeEnvironmentHooks } from "hardhat/types/hooks";
import { TASK_HELP } from "./examples.js";

/** The parts of a resolved Hardhat task this hook edits (plain, writable objects in Hardhat 3). */
interface EditableTask {
  description: string;
  readonly options: Map<string, { type: string; description: string }>;
}

function helpRequested(argv: readonly string[]): string | undefined {
  if (!argv.includes("--help") && !argv.includes("-h")) return undefined;
  return argv.find((arg) => Object.hasOwn(TASK_HELP, arg));
}

export default async (): Promise<Partial<HardhatRuntimeEnvironmentHooks>> => ({
  created: async (_context, hre) => {
    const name = helpRequested(process.argv.slice(2));
    if (name === undefined) return;
    const help = TASK_HELP[name];
    const task = hre.tasks.getTask(name) as unknown as EditableTask;
    for (const [option, definition] of task.options) {
      if (definition.type === "STRING_WITHOUT_DEFAULT") definition.type = "STRING";
      if (help.required.includes(option)) definition.description = `${definition.description} (required)`;
    }
    task.description = `${task.description}\n\nExample:\n  ${help.example}`;
  },
});
