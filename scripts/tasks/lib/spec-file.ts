/** Token and rules files: JSON (`.json`) or YAML (anything else), parsed into plain values. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import {
  ShareMallError,
  tokenParams,
  defineRules,
  validateTokenRules,
  TOKEN_RULES_FIELDS,
  type RulesInput,
  type TokenParams,
  type TokenParamsInput,
  type TokenRules,
  type TokenRulesLike,
} from "../../../sdk/src/index.js";
import { InputError } from "./errors.js";

/** Reads a JSON or YAML file into a plain value; syntax errors name the file and line. */
export async function readSpecFile(file: string): Promise<unknown> {
  if (file === "") throw new InputError("missing --file");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new InputError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const name = path.basename(file);
  if (file.toLowerCase().endsWith(".json")) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new InputError(`${name}: not valid JSON (${(error as Error).message})`);
    }
  }
  try {
    // Numbers stay numbers here; the SDK refuses floats where exactness matters and asks for strings.
    return parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (error) {
    throw new InputError(`${name}: not valid YAML (${(error as Error).message.split("\n")[0]})`);
  }
}

function sdkInput<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof ShareMallError) throw new InputError(`${path.basename(file)}: ${error.message}`);
    throw error;
  }
}

/** A token file validated by the SDK's `tokenParams` (rules through `defineRules`). */
export async function readTokenFile(file: string): Promise<TokenParams> {
  const data = await readSpecFile(file);
  return sdkInput(file, () => tokenParams(data as TokenParamsInput));
}

/**
 * A rules file validated by the SDK: human rules (`defineRules`) or on-chain rules (`validateTokenRules`), given
 * alone or as the `rules` field of a token file.
 */
export async function readRulesFile(file: string): Promise<TokenRules> {
  const data = await readSpecFile(file);
  return sdkInput(file, () => {
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      throw new InputError(`${path.basename(file)}: expected an object of rules`);
    }
    const record = data as Record<string, unknown>;
    const rules = "rules" in record ? record.rules : record;
    if (typeof rules !== "object" || rules === null)
      throw new InputError(`${path.basename(file)}: rules must be an object`);
    const onchain = TOKEN_RULES_FIELDS.some(
      (f) => f !== "spendPerToken" && f !== "maxSupply" && (rules as Record<string, unknown>)[f] !== undefined,
    );
    return onchain ? validateTokenRules(rules as TokenRulesLike) : defineRules(rules as RulesInput);
  });
}
