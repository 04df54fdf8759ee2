/**
 * Checks of the one parameters object every chain function takes after its transport (SDK 0.2.0 on).
 * Internal.
 *
 * @packageDocumentation
 */
import { describeValue, ShareMallError } from "../errors.js";
import { validateAmount } from "../validation.js";

/**
 * `value` when it is a parameters object; otherwise a {@link ShareMallError} `"INVALID_PARAMETERS"` that names the
 * function (a caller still passing positional arguments, from JavaScript, gets told so).
 */
export function parametersOf<T extends object>(fn: string, value: T): T {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ShareMallError(
      "INVALID_PARAMETERS",
      `${fn}(transport, parameters) takes one parameters object after the transport (since SDK 0.2.0), got ` +
        describeValue(value),
    );
  }
  return value;
}

/** The block a read is pinned to: `blockNumber` validated, or `undefined` for the latest block. */
export function optionalBlock(blockNumber: unknown): bigint | undefined {
  return blockNumber === undefined ? undefined : validateAmount("blockNumber", blockNumber);
}

/** `blockNumber` (validated) or, when absent, the latest block read once: every read of one call at one block. */
export async function pinnedBlock(
  transport: { blockNumber(): Promise<bigint> },
  blockNumber: unknown,
): Promise<bigint> {
  return optionalBlock(blockNumber) ?? (await transport.blockNumber());
}

/** `{ blockNumber }` for a pinned read, `{}` for the latest block. */
export const at = (blockNumber: bigint | undefined): { readonly blockNumber?: bigint } =>
  blockNumber === undefined ? {} : { blockNumber };
