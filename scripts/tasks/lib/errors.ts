/**
 * How the merchant tasks fail: one line on stderr (`error: <message>`), a JSON error object on stdout with `--json`,
 * and an exit code — 2 when the input was refused before anything was sent, 1 for anything else (a chain or RPC
 * failure, a missing role, an underfunded settlement...). Stack traces only with SHAREMALL_DEBUG=1.
 */
import { ContractRevertError, ShareMallError } from "../../../sdk/src/index.js";

/** Bad input (file, option or value) refused before anything was sent: exit code 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** Exit code of a task that succeeded. */
export const EXIT_OK = 0;
/** Exit code of a failure on chain or over RPC (part of the work may have been sent: re-run to resume). */
export const EXIT_FAILED = 1;
/** Exit code of bad input refused before anything was sent. */
export const EXIT_BAD_INPUT = 2;

/**
 * SDK error codes that mean "your input is wrong" (thrown before any transaction): validation, and order ids the
 * shop has used already (`ORDER_ID_USED`, `ORDER_ALREADY_COUNTED`: the file's numbering collides with the chain's).
 */
function isInputCode(code: string): boolean {
  return (
    code.startsWith("INVALID_") ||
    code === "MERKLE_BATCH" ||
    code === "UNKNOWN_TOKEN_INDEX" ||
    code === "ORDER_ID_USED" ||
    code === "ORDER_ALREADY_COUNTED"
  );
}

/** The exit code, a stable error code and a one-line message for any thrown value. */
export function classifyError(error: unknown): { exitCode: number; code: string; message: string } {
  const oneLine = (text: string) => text.replace(/\s*\n\s*/g, " ").trim();
  if (error instanceof InputError) return { exitCode: EXIT_BAD_INPUT, code: "BAD_INPUT", message: error.message };
  if (error instanceof ContractRevertError) {
    return { exitCode: EXIT_FAILED, code: error.errorName, message: oneLine(`${error.errorName}: ${error.message}`) };
  }
  if (error instanceof ShareMallError) {
    return {
      exitCode: isInputCode(error.code) ? EXIT_BAD_INPUT : EXIT_FAILED,
      code: error.code,
      message: oneLine(error.message),
    };
  }
  if (error instanceof Error) {
    // ethers errors carry a short reason; Hardhat errors a long message whose first line is what matters.
    const short = (error as Error & { shortMessage?: string }).shortMessage;
    const text = typeof short === "string" && short !== "" ? short : error.message.split("\n")[0];
    return { exitCode: EXIT_FAILED, code: error.name || "ERROR", message: oneLine(text) };
  }
  return { exitCode: EXIT_FAILED, code: "ERROR", message: String(error) };
}
