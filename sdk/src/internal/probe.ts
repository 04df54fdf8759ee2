/**
 * "Is this really a shop / token / factory?" checks: the SDK reads a view that the real contract always answers;
 * no code (an empty result) or a revert without a ShareMall error (another contract without that function) means
 * the address is not what the caller said, and becomes a {@link NotAContractError} before anything is sent.
 */
import { dividendTokenReadAbi, shareMallFactoryReadAbi, shopReadAbi } from "../abis.js";
import { ChainCallError, readContract } from "../client/contract.js";
import type { Transport } from "../client/transport.js";
import { NotAContractError } from "../errors.js";
import type { Address } from "../types.js";
import { at } from "./parameters.js";

const PLAIN_REVERT = /revert|selector was not recognized|CALL_EXCEPTION|invalid opcode/i;

/** Whether a failed probe read means "no such contract here" rather than a transport failure. */
export function isNotThatContract(error: unknown): boolean {
  if (!(error instanceof ChainCallError)) return false;
  if (error.code === "BAD_RESULT") return true;
  const seen = new Set<unknown>();
  for (let e: unknown = error.cause; typeof e === "object" && e !== null && !seen.has(e);) {
    seen.add(e);
    const record = e as {
      code?: unknown;
      message?: unknown;
      shortMessage?: unknown;
      details?: unknown;
      cause?: unknown;
    };
    if (record.code === "CALL_EXCEPTION") return true;
    for (const text of [record.shortMessage, record.message, record.details]) {
      if (typeof text === "string" && PLAIN_REVERT.test(text)) return true;
    }
    e = record.cause;
  }
  return false;
}

/** Runs the probe `read` and turns "not that contract" into {@link NotAContractError} for `field`. */
export async function probe<T>(field: string, address: Address, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (isNotThatContract(error)) throw new NotAContractError(field, address);
    throw error;
  }
}

/** Checks that `shop` is a ShareMall shop (at `blockNumber`, default the latest); returns its current day. */
export const requireShop = (transport: Transport, shop: Address, blockNumber?: bigint): Promise<bigint> =>
  probe("shop", shop, () =>
    readContract(transport, { address: shop, abi: shopReadAbi, functionName: "today", args: [], ...at(blockNumber) }),
  );

/** Checks that `token` is a ShareMall dividend token; returns its shop. */
export const requireToken = (transport: Transport, token: Address, blockNumber?: bigint): Promise<Address> =>
  probe("token", token, () =>
    readContract(transport, {
      address: token,
      abi: dividendTokenReadAbi,
      functionName: "shop",
      args: [],
      ...at(blockNumber),
    }),
  );

/** Checks that `factory` is a ShareMall factory; returns its shop count. */
export const requireFactory = (transport: Transport, factory: Address, blockNumber?: bigint): Promise<bigint> =>
  probe("factory", factory, () =>
    readContract(transport, {
      address: factory,
      abi: shareMallFactoryReadAbi,
      functionName: "shopCount",
      args: [],
      ...at(blockNumber),
    }),
  );
