/**
 * Push payouts: anyone may pay a token's holders their own claimable dividends, a batch of holders per transaction
 * ({@link payout}); a holder may opt out and claim by itself instead ({@link setPayoutOptOut},
 * {@link payoutOptedOut}); and {@link tokenHolders} lists who holds a token, from its `Transfer` logs, to build the
 * batches. Every function validates its input before anything is read or sent. All chain access goes through a
 * {@link Transport}.
 *
 * @packageDocumentation
 */
import { at, optionalBlock, parametersOf } from "./internal/parameters.js";
import type { AtBlock } from "./read.js";
import { dividendTokenAbi, dividendTokenReadAbi } from "./abis.js";
import {
  decodeLogs,
  eventTopic,
  getLogsPaged,
  readContract,
  writeContract,
  type DecodedEvent,
  type shareMallAbi,
} from "./client/contract.js";
import type { Transport } from "./client/transport.js";
import { describeValue, InvalidAddressError, InvalidAmountError, NoSignerError, ShareMallError } from "./errors.js";
import { probe, requireToken } from "./internal/probe.js";
import type { Address, Hex } from "./types.js";
import { validateAddress, validateAmount, ZERO_ADDRESS } from "./validation.js";

/** Most holders one {@link payout} call takes (a batch this size is far above any block's gas limit anyway). */
export const MAX_PAYOUT_BATCH = 5_000;

/** Low 96 bits of a `DividendsPushed` word: the amount; the high 160 bits are the holder. */
const AMOUNT_MASK = (1n << 96n) - 1n;

/** One holder paid, or skipped, by a {@link payout}. */
export interface HolderPayout {
  readonly holder: Address;
  /** Wei. */
  readonly amount: bigint;
}

/** What {@link payout} returns. */
export interface PayoutResult {
  readonly hash: Hex;
  readonly token: Address;
  /** Block the transaction was mined in. */
  readonly blockNumber: bigint;
  readonly gasUsed: bigint;
  /** Wei pushed to the holders, all together (`DividendsPushed.total`; 0 when nobody was paid). */
  readonly total: bigint;
  /** Holders paid, in batch order, each with its wei (from `DividendsPushed.payouts`). */
  readonly paid: readonly HolderPayout[];
  /** Holders whose address refused the coin (`PayoutSkipped`): their dividends stay claimable. */
  readonly skipped: readonly HolderPayout[];
  /** The transaction's ShareMall events. */
  readonly events: readonly DecodedEvent<typeof shareMallAbi>[];
}

/**
 * Splits one word of `DividendsPushed.payouts` (`uint256(uint160(holder)) << 96 | amount`) into holder and amount.
 *
 * @param word - The packed word.
 * @returns The holder and its wei.
 * @throws {@link InvalidAmountError} for a negative or wider than 256-bit word.
 * @example
 * ```ts
 * const { holder, amount } = decodePayoutWord(event.args.payouts[0]);
 * ```
 */
export function decodePayoutWord(word: bigint): HolderPayout {
  const value = validateAmount("word", word, { max: (1n << 256n) - 1n });
  const hex = (value >> 96n).toString(16).padStart(40, "0");
  return { holder: validateAddress("holder", `0x${hex}`, { allowZero: true }), amount: value & AMOUNT_MASK };
}

function validateHolders(holders: unknown): Address[] {
  if (!Array.isArray(holders)) {
    throw new InvalidAddressError("holders", holders, "expected an array of holder addresses");
  }
  if (holders.length === 0) throw new InvalidAddressError("holders", holders, "no holders given");
  if (holders.length > MAX_PAYOUT_BATCH) {
    throw new InvalidAddressError("holders", `${holders.length} holders`, `at most ${MAX_PAYOUT_BATCH} per call`);
  }
  const seen = new Set<Address>();
  return holders.map((h: unknown, i) => {
    const address = validateAddress(`holders[${i}]`, h);
    if (seen.has(address)) throw new InvalidAddressError(`holders[${i}]`, h, "duplicated");
    seen.add(address);
    return address;
  });
}

/** Parameters of {@link payout}. */
export interface PayoutParameters {
  /** The dividend token. */
  readonly token: string;
  /** Holder addresses, 1 .. {@link MAX_PAYOUT_BATCH}, no duplicates. */
  readonly holders: readonly string[];
}

/**
 * Pushes their claimable dividends to a batch of holders (`DividendToken.payout`): each holder is paid its whole
 * claimable, to its own address. The token skips holders with nothing to claim or opted out (they are not in the
 * result), and a holder whose address rejects the coin (or spends more than `PAYOUT_GAS`) is reported in `skipped`
 * with its dividends left claimable. Anyone may call; re-running a batch pays nothing twice (a paid holder has
 * nothing left to claim).
 *
 * @param transport - A transport with a signer (pays the gas).
 * @param parameters - `token`, `holders` (see {@link PayoutParameters}).
 * @returns The transaction, the total paid, every holder paid with its wei, and the holders skipped.
 * @throws {@link InvalidAddressError} for a bad, duplicated or missing holder list or a bad token address;
 * {@link NotAContractError} for a token address without a token; {@link NoSignerError}; `ContractRevertError` if the
 * token reverts (e.g. `DividendTokenPayoutGasLow` when the transaction was given too little gas); `ChainCallError`
 * with code `"RECEIPT_UNKNOWN"` when the transaction was sent but its receipt was lost: read `claimable` again before
 * re-sending.
 * @example
 * ```ts
 * const { total, paid, skipped } = await payout(transport, { token, holders });
 * console.log(`${formatEther(total)} pushed to ${paid.length} holder(s), ${skipped.length} skipped`);
 * ```
 */
export async function payout(transport: Transport, parameters: PayoutParameters): Promise<PayoutResult> {
  const { token, holders } = parametersOf("payout", parameters);
  const tokenAddress = validateAddress("token", token);
  const list = validateHolders(holders);
  if ((await transport.account()) === undefined) throw new NoSignerError("payout");
  await requireToken(transport, tokenAddress);
  const { hash, receipt, events } = await writeContract(transport, {
    address: tokenAddress,
    abi: dividendTokenAbi,
    functionName: "payout",
    args: [list],
  });
  const paid: HolderPayout[] = [];
  const skipped: HolderPayout[] = [];
  let total = 0n;
  for (const e of events) {
    if (e.address !== tokenAddress) continue;
    if (e.eventName === "DividendsPushed") {
      total += e.args.total;
      for (const word of e.args.payouts) paid.push(decodePayoutWord(word));
    } else if (e.eventName === "PayoutSkipped") {
      skipped.push({ holder: e.args.holder, amount: e.args.amount });
    }
  }
  return {
    hash,
    token: tokenAddress,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
    total,
    paid,
    skipped,
    events,
  };
}

/** What {@link setPayoutOptOut} returns. */
export interface PayoutPreference {
  readonly hash: Hex;
  readonly token: Address;
  readonly holder: Address;
  /** The preference now in force: `true` = not pushed, claims by itself. */
  readonly optedOut: boolean;
}

/** Parameters of {@link setPayoutOptOut}. */
export interface SetPayoutOptOutParameters {
  /** The dividend token. */
  readonly token: string;
  /** `true` to stop push payouts, `false` to receive them again. */
  readonly optedOut: boolean;
}

/**
 * Sets the signer's payout preference on `token` (`DividendToken.setPayoutOptOut`): opted out, a keeper's
 * {@link payout} skips it and it claims by itself; opted in (the default), its dividends are pushed to it.
 *
 * @param transport - A transport with a signer (the holder).
 * @param parameters - `token`, `optedOut` (see {@link SetPayoutOptOutParameters}).
 * @returns The transaction and the preference in force.
 * @throws {@link InvalidAmountError} when `optedOut` is not a boolean; {@link InvalidAddressError};
 * {@link NotAContractError}; {@link NoSignerError}.
 * @example
 * ```ts
 * await setPayoutOptOut(transport, { token, optedOut: true }); // I claim myself (e.g. for my accounting)
 * ```
 */
export async function setPayoutOptOut(
  transport: Transport,
  parameters: SetPayoutOptOutParameters,
): Promise<PayoutPreference> {
  const { token, optedOut } = parametersOf("setPayoutOptOut", parameters);
  const tokenAddress = validateAddress("token", token);
  if (typeof optedOut !== "boolean") {
    throw new InvalidAmountError("optedOut", optedOut, `expected true or false, got ${describeValue(optedOut)}`);
  }
  const holder = await transport.account();
  if (holder === undefined) throw new NoSignerError("setPayoutOptOut");
  await requireToken(transport, tokenAddress);
  const { hash } = await writeContract(transport, {
    address: tokenAddress,
    abi: dividendTokenAbi,
    functionName: "setPayoutOptOut",
    args: [optedOut],
  });
  return { hash, token: tokenAddress, holder, optedOut };
}

/** Parameters of {@link payoutOptedOut}. */
export interface PayoutOptedOutParameters extends AtBlock {
  /** The dividend token. */
  readonly token: string;
  /** The holder. */
  readonly holder: string;
}

/**
 * Whether `holder` has opted out of push payouts on `token` (default `false`: its dividends are pushed).
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `token`, `holder` (see {@link PayoutOptedOutParameters}).
 * @returns `true` when a {@link payout} skips the holder.
 * @throws {@link InvalidAddressError}; {@link NotAContractError} for a token address without a token.
 * @example
 * ```ts
 * if (await payoutOptedOut(transport, { token, holder: me })) await claim(transport, { token });
 * ```
 */
export async function payoutOptedOut(transport: Transport, parameters: PayoutOptedOutParameters): Promise<boolean> {
  const { token, holder } = parametersOf("payoutOptedOut", parameters);
  const tokenAddress = validateAddress("token", token);
  const account = validateAddress("holder", holder);
  return probe("token", tokenAddress, () =>
    readContract(transport, {
      address: tokenAddress,
      abi: dividendTokenReadAbi,
      functionName: "payoutOptedOut",
      args: [account],
      ...at(optionalBlock(parameters.blockNumber)),
    }),
  );
}

/** Options of {@link tokenHolders}. */
export interface TokenHoldersOptions {
  /** First block scanned: the token's creation block (or the block after an earlier scan's `toBlock`). */
  readonly fromBlock: bigint;
  /** Last block scanned (default: the latest block). */
  readonly toBlock?: bigint;
  /**
   * Balances at `fromBlock - 1`, from an earlier scan's `balances`, to continue it incrementally (default: none, the
   * right start when `fromBlock` is at or before the token's creation).
   */
  readonly balances?: ReadonlyMap<Address, bigint>;
  /** Blocks per `eth_getLogs` query (default 2,000; halved when a node refuses a page). */
  readonly pageSize?: bigint;
}

/** What {@link tokenHolders} returns. */
export interface TokenHolders {
  readonly token: Address;
  readonly fromBlock: bigint;
  /** Last block scanned: continue with `fromBlock: toBlock + 1n` and these `balances`. */
  readonly toBlock: bigint;
  /** Holders with a balance above zero, in the order of their latest rise from zero. */
  readonly holders: readonly Address[];
  /** Token-wei per holder (holders above zero only). */
  readonly balances: ReadonlyMap<Address, bigint>;
}

/** Parameters of {@link tokenHolders}. */
export interface TokenHoldersParameters extends TokenHoldersOptions, AtBlock {
  /** The dividend token. */
  readonly token: string;
}

/**
 * The token's holders (balance above zero) at `toBlock`, replayed from its ERC-20 `Transfer` logs, paged with
 * `getLogsPaged`. Give the previous scan's `balances` and `fromBlock: previous.toBlock + 1n` to scan only new blocks.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `token`, the options fields (see {@link TokenHoldersParameters}).
 * @returns Holders, their balances and the block range scanned.
 * @throws {@link InvalidAddressError}; {@link InvalidAmountError} for a bad block range; {@link NotAContractError}
 * for a token address without a token; {@link ShareMallError}
 * `"NEGATIVE_BALANCE"` when the logs do not add up (a `fromBlock` after the token's creation without the balances
 * before it).
 * @example
 * ```ts
 * const first = await tokenHolders(transport, { token, fromBlock: createdAt });
 * const later = await tokenHolders(transport, { token, fromBlock: first.toBlock + 1n, balances: first.balances });
 * ```
 */
export async function tokenHolders(transport: Transport, parameters: TokenHoldersParameters): Promise<TokenHolders> {
  const { token, ...options } = parametersOf("tokenHolders", parameters);
  const tokenAddress = validateAddress("token", token);
  if (typeof options !== "object" || options === null) {
    throw new InvalidAmountError("options", options, "expected { fromBlock }");
  }
  const fromBlock = validateAmount("fromBlock", options.fromBlock);
  if (options.toBlock !== undefined) validateAmount("toBlock", options.toBlock);
  if (options.balances !== undefined && !(options.balances instanceof Map)) {
    throw new InvalidAmountError("balances", options.balances, "expected a Map of address to balance");
  }
  const blockNumber = optionalBlock(options.blockNumber);
  if (options.toBlock !== undefined && blockNumber !== undefined && options.toBlock > blockNumber) {
    throw new InvalidAmountError("toBlock", options.toBlock, `must not be after blockNumber ${blockNumber}`);
  }
  await requireToken(transport, tokenAddress, blockNumber);
  const toBlock = options.toBlock ?? blockNumber ?? (await transport.blockNumber());
  const balances = new Map<Address, bigint>(options.balances ?? []);
  const logs = await getLogsPaged(transport, {
    address: tokenAddress,
    topics: [eventTopic(dividendTokenAbi, "Transfer")],
    fromBlock,
    toBlock,
    ...(options.pageSize !== undefined ? { pageSize: options.pageSize } : {}),
  });
  for (const e of decodeLogs(dividendTokenAbi, logs)) {
    if (e.eventName !== "Transfer") continue;
    const { from, to, value } = e.args;
    if (from !== ZERO_ADDRESS) {
      const left = (balances.get(from) ?? 0n) - value;
      if (left < 0n) {
        throw new ShareMallError(
          "NEGATIVE_BALANCE",
          `Transfer logs of ${tokenAddress} from block ${fromBlock} give ${from} a negative balance at block ` +
            `${e.blockNumber}: scan from the token's creation block, or pass the balances before ${fromBlock}`,
        );
      }
      if (left === 0n) balances.delete(from);
      else balances.set(from, left);
    }
    if (to !== ZERO_ADDRESS && value > 0n) balances.set(to, (balances.get(to) ?? 0n) + value);
  }
  return { token: tokenAddress, fromBlock, toBlock, holders: [...balances.keys()], balances };
}
