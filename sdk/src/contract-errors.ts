/**
 * Decoding of ShareMall contract reverts into typed SDK errors. Every custom error of the shop (`IShop`, which also
 * declares the OpenZeppelin errors its implementations can raise), DividendToken and ShareMallFactory ABIs
 * decodes into a {@link ContractRevertError} with the error's name, its named and decoded arguments, the contract
 * that declares it and a readable English message. {@link toContractError} finds the revert data inside ethers v6 and
 * viem errors.
 *
 * @packageDocumentation
 */
import { type Abi, decodeErrorResult, formatEther, isHex, toFunctionSelector } from "viem";
import type { dividendTokenAbi, shareMallFactoryAbi, shopAbi } from "./abis.js";
import { dividendTokenErrorsAbi, shareMallFactoryErrorsAbi, shopErrorsAbi } from "./abis.js";
import { ShareMallError } from "./errors.js";
import type { Address, Hex } from "./types.js";

/** The ShareMall contracts whose errors are decoded. */
export type ShareMallContractName = "Shop" | "DividendToken" | "ShareMallFactory";

type ErrorItem = Extract<
  (typeof shopAbi)[number] | (typeof dividendTokenAbi)[number] | (typeof shareMallFactoryAbi)[number],
  { type: "error" }
>;

/** The name of any custom error of the ShareMall ABIs, e.g. `"ShopSettlementUnderfunded"`. */
export type ContractErrorName = ErrorItem["name"];

/** The TypeScript type of a decoded ABI value of Solidity type `T`. */
type AbiValue<T extends string> = T extends "address"
  ? Address
  : T extends `uint${string}` | `int${string}`
    ? bigint
    : T extends "bool"
      ? boolean
      : T extends "string"
        ? string
        : T extends `bytes${string}`
          ? Hex
          : unknown;

/** The named, decoded arguments of error `N`: integers as bigint, addresses checksummed, bytes as hex. */
export type ContractErrorArgs<N extends ContractErrorName> = {
  readonly [I in Extract<ErrorItem, { name: N }>["inputs"][number] as I["name"]]: AbiValue<I["type"]>;
};

/** One message template per error name. */
export type ContractErrorTemplates = {
  readonly [N in ContractErrorName]: (args: ContractErrorArgs<N>) => string;
};

const coin = (wei: bigint): string => `${formatEther(wei)} coin`;
const tokens = (amount: bigint): string => `${formatEther(amount)} tokens`;
const ROLE_NAMES: Readonly<Record<string, string>> = {
  "0x0000000000000000000000000000000000000000000000000000000000000000": "admin (DEFAULT_ADMIN_ROLE)",
  // keccak256("sharemall.role.operator") and keccak256("sharemall.role.pool-manager")
  "0x56680a6ffd6523ba7053f35a793c0279452fa61cc64adcf6a35eff11fb249504": "operator (OPERATOR_ROLE)",
  "0xcc78e0bc3aa4df74e2d1d58dac7a83e1e6873064a04b99e799f67edac18728ac": "pool manager (POOL_MANAGER_ROLE)",
};
const roleName = (role: Hex): string => ROLE_NAMES[role.toLowerCase()] ?? `role ${role}`;
const shortHash = (hash: Hex): string => `${hash.slice(0, 10)}…${hash.slice(-4)}`;

/**
 * The English message of each contract error, by name. The table is complete by construction: a new error in the
 * ABIs without a template does not compile (and the SDK tests check it against the ABIs at run time too).
 *
 * @example
 * ```ts
 * CONTRACT_ERROR_MESSAGES.ShopDayNotOver({ day: 20786n, today: 20786n });
 * // "Day 20786 is not over yet (today is day 20786): settle it from the next day on"
 * ```
 */
export const CONTRACT_ERROR_MESSAGES: ContractErrorTemplates = {
  // ------------------------------------------------------------------ Shop
  ShopInvalidAdmin: ({ admin }) => `Invalid shop admin ${admin}: the admin must not be the zero address`,
  ShopInvalidUtcOffset: ({ utcOffset }) =>
    `Invalid UTC offset ${utcOffset} seconds: it must lie between UTC-12:00 and UTC+14:00`,
  ShopTooManyTokens: ({ max }) => `The shop already has the maximum of ${max} tokens`,
  ShopUnknownToken: ({ tokenIndex, tokenCount }) =>
    `Unknown token index ${tokenIndex}: the shop has ${tokenCount} token(s)`,
  ShopDividendBpsTooHigh: ({ totalBps }) =>
    `The tokens' dividend shares would add up to ${totalBps} bps, above 10000 (100 %)`,
  ShopNotLeafCustomer: ({ caller, customer }) =>
    `${caller} may not mint this batch leaf: only its customer ${customer} or an operator may`,
  ShopInvalidRules: ({ reason }) => `Invalid token rules: ${reason}`,
  ShopNoticePeriodTooShort: ({ noticePeriod, minimum }) =>
    `Notice period of ${noticePeriod} seconds is too short: the minimum is ${minimum} seconds`,
  ShopNoTokens: () => "The shop has no token yet: create its first token before it takes orders",
  ShopInvalidOrderHash: () => "Invalid order: the order hash is zero",
  ShopInvalidOrderId: ({ orderId }) =>
    `Invalid order id ${orderId}: orders of the operator's paths need an order id from 1 to 2^64 - 1`,
  ShopInvalidCustomer: ({ orderHash }) => `Invalid order ${orderHash}: the customer is the zero address`,
  ShopInvalidAmount: ({ orderHash, amount }) =>
    `Invalid order ${orderHash}: amount ${amount} wei is zero or does not fit in 96 bits`,
  ShopInvalidTokenMetadata: ({ name, symbol }) =>
    `Invalid token metadata ${JSON.stringify(name)} / ${JSON.stringify(symbol)}: ` +
    "the name must have 1 to 64 bytes and the symbol 1 to 16",
  ShopOrderAlreadyCounted: ({ orderHash }) =>
    `The payment for order ${orderHash} by this customer has already counted (captured): it counts once`,
  ShopOrderIdUsed: ({ orderId }) =>
    `Order id ${orderId} has already counted in this shop (a recorded order, a receipt or a minted batch leaf)`,
  ShopSelfReferral: ({ customer }) => `Customer ${customer} cannot refer itself`,
  ShopReferrerAlreadyBound: ({ customer, bound, given }) =>
    `Customer ${customer} is already bound to referrer ${bound}; referrer ${given} cannot replace it`,
  ShopEmptyBatch: () => "The batch of orders is empty",
  ShopDayCapacityExceeded: ({ day }) =>
    `Day ${day} is full: a token-day holds at most 2^104 - 1 wei of revenue, 2^96 - 1 wei of checkout escrow ` +
    "and 2^32 - 1 orders",
  ShopDayNotOver: ({ day, today }) =>
    `Day ${day} is not over yet (today is day ${today}): settle it from the next day on`,
  ShopDayAlreadySettled: ({ day }) => `Day ${day} is already settled`,
  ShopNothingToSettle: ({ day }) => `Day ${day} owes no dividends: there is nothing to settle`,
  ShopSettlementUnderfunded: ({ day, required, available, missing }) =>
    `Day ${day} is underfunded: ${coin(required)} required beyond the escrow, ${formatEther(available)} available, ` +
    `${formatEther(missing)} missing — deposit or send the missing amount`,
  ShopPoolAllowanceExceeded: ({ tokenIndex, allowance, amount }) =>
    `Pool mint of ${tokens(amount)} on token ${tokenIndex} exceeds the pool allowance of ${tokens(allowance)}`,
  ShopMaxSupplyExceeded: ({ tokenIndex, maxSupply, supplyAfter }) =>
    `Pool mint on token ${tokenIndex} would raise the supply to ${tokens(supplyAfter)}, ` +
    `above its max supply of ${tokens(maxSupply)}`,
  ShopInsufficientBalance: ({ balance, amount }) =>
    `${coin(amount)} (a withdrawal or refund) exceeds the merchant balance of ${coin(balance)}`,
  ShopBalanceOverflow: ({ balance, amount }) =>
    `Adding ${coin(amount)} to the merchant balance of ${coin(balance)} would pass 2^128 - 1 wei`,
  ShopZeroAddress: () => "The zero address was given where an account is required",
  ShopZeroValue: () => "Zero was given where an amount is required",
  ShopNotAClone: () =>
    "This is the shop implementation, not a shop: coin sent to it would be locked — send it to a shop clone",
  ShopWithdrawalFailed: ({ to, amount }) => `Withdrawal of ${coin(amount)} failed: ${to} rejected the payment`,
  ShopReceiptExpired: ({ deadline, timestamp }) =>
    `Receipt expired: its deadline ${deadline} is before the block time ${timestamp} — ask for a new receipt`,
  ShopReceiptWrongChain: ({ expected, chainId }) => `Receipt is for chain ${chainId}, this is chain ${expected}`,
  ShopReceiptWrongShop: ({ expected, shop }) => `Receipt is for shop ${shop}, not for this shop ${expected}`,
  ShopReceiptSignerNotOperator: ({ signer }) => `Receipt signer ${signer} is not an operator of the shop`,
  ShopReceiptInvalidSignature: ({ signer }) => `Receipt signature is not a valid signature by ${signer}`,
  ShopInvalidBatch: ({ firstOrderId, orderCount, totalRevenue }) =>
    `Invalid batch of ${orderCount} orders from order id ${firstOrderId} and ${coin(totalRevenue)} revenue: ` +
    "it needs 1 to 2^24 orders, order ids from 1 to 2^64 - 1 and 1 wei to 2^96 - 1 wei of revenue",
  ShopBatchAlreadyAnchored: ({ root }) => `Batch ${root} is already anchored`,
  ShopUnknownBatch: ({ root }) => `Batch ${root} was never anchored`,
  ShopBatchOrderIdOutOfRange: ({ root, orderId, firstOrderId, orderCount }) =>
    `Order id ${orderId} is not in batch ${shortHash(root)}, whose ${orderCount} orders have the ids ` +
    `${firstOrderId} to ${firstOrderId + orderCount - 1n}`,
  ShopInvalidProof: ({ root, orderId }) =>
    `Invalid Merkle proof for the leaf of order id ${orderId} of batch ${shortHash(root)}`,
  ShopBatchRevenueExceeded: ({ root, unmintedRevenue, amount }) =>
    `Leaf amount of ${coin(amount)} exceeds the ${coin(unmintedRevenue)} of revenue left unminted in batch ` +
    shortHash(root),
  ShopNoPendingRules: ({ tokenIndex }) => `Token ${tokenIndex} has no pending rule change`,
  ShopRulesNotDue: ({ tokenIndex, pendingAt }) =>
    `The pending rule change of token ${tokenIndex} is not due before ${pendingAt} (unix time)`,
  ShopInvalidModule: ({ module }) => `Invalid shop module ${module}: it has no code`,
  // ------------------------------------------------------------------ Shop: payments with returns
  ShopPaymentExists: ({ orderHash, customer }) =>
    `${customer} already has a payment held for order ${shortHash(orderHash)}: capture, void or reclaim it first`,
  ShopPaymentNotHeld: ({ orderHash, customer }) =>
    `${customer} has no payment held for order ${shortHash(orderHash)} ` +
    "(never authorized, or already captured, voided or reclaimed)",
  ShopPaymentNotCaptured: ({ orderHash, customer }) =>
    `The payment of ${customer} for order ${shortHash(orderHash)} was not captured: there is nothing to refund`,
  ShopPaymentTermsMismatch: ({ orderHash, customer }) =>
    `The payment terms given for order ${shortHash(orderHash)} of ${customer} are not the ones recorded: ` +
    "pass the terms of its PaymentAuthorized (or PaymentCaptured) event unchanged",
  ShopPaymentExpired: ({ expiry, timestamp }) =>
    `The payment authorization expired at ${expiry} (block time ${timestamp}): it can no longer be captured`,
  ShopPaymentNotExpired: ({ expiry, timestamp }) =>
    `The payment authorization expires at ${expiry} (block time ${timestamp}): it cannot be reclaimed before`,
  ShopInvalidExpiry: ({ expiry, earliest }) =>
    `Invalid authorization expiry ${expiry}: it must be at least ${earliest} (after the return window)`,
  ShopInvalidCaptureAmount: ({ amount, held }) =>
    `Invalid capture of ${coin(amount)}: it must be more than 0 and at most the ${coin(held)} held`,
  ShopNotPaymentCustomer: ({ caller, customer }) =>
    `${caller} is not the payment's customer ${customer}: only the customer may take this step`,
  ShopAutoCaptureNotDue: ({ autoCaptureAt, timestamp }) =>
    `The payment cannot be auto-captured before ${autoCaptureAt} (block time ${timestamp}): its return window is open`,
  ShopReturnRequested: ({ orderHash, customer }) =>
    `${customer} asked to return the goods of order ${shortHash(orderHash)}: ` +
    "the payment cannot be auto-captured, and a return is asked once",
  ShopReturnWindowClosed: ({ autoCaptureAt, timestamp }) =>
    `The return window closed at ${autoCaptureAt} (block time ${timestamp}): a return can no longer be requested`,
  ShopInvalidRefundAmount: ({ amount, refundable }) =>
    `Invalid refund of ${coin(amount)}: it must be more than 0 and at most the ${coin(refundable)} still refundable`,
  ShopRefundDeadlinePassed: ({ refundDeadline, timestamp }) =>
    `The refund deadline ${refundDeadline} has passed (block time ${timestamp}): the capture can no longer be refunded`,
  ShopInvalidReturnWindow: ({ window, minimum, maximum }) =>
    `Invalid return window of ${window} seconds: it must lie between ${minimum} and ${maximum} seconds`,
  ShopNoReturnsOwed: ({ customer }) => `No returned coin is owed to ${customer}`,
  ShopReturnWithdrawalFailed: ({ to, amount }) =>
    `Withdrawal of ${coin(amount)} of returned coin failed: ${to} rejected the payment`,
  // ------------------------------------------------------------------ DividendToken
  DividendTokenNotShop: ({ caller }) => `${caller} is not the token's shop: only the shop may call this`,
  DividendTokenNotFactory: ({ caller }) => `${caller} is not the token's factory: only the factory may call this`,
  DividendTokenNonTransferable: () => "This dividend token is not transferable",
  DividendTokenNothingToClaim: ({ holder }) => `${holder} has no dividends to claim`,
  DividendTokenInvalidRecipient: ({ recipient }) =>
    `Invalid claim recipient ${recipient}: the recipient must not be the zero address`,
  DividendTokenPaymentFailed: ({ recipient, amount }) =>
    `Payment of ${coin(amount)} to ${recipient} failed: the recipient rejected it, the dividends stay claimable`,
  DividendTokenNotAClone: () => "The token implementation cannot be used as a token: use a clone",
  DividendTokenPayoutGasLow: ({ gasLeft, required }) =>
    `The payout ran short of gas (${gasLeft} left, ${required} needed for the next holder): nothing was paid; ` +
    "send it with more gas or fewer holders",
  // ------------------------------------------------------------------ ShareMallFactory
  FactoryInvalidImplementation: ({ implementation }) => `Implementation ${implementation} has no code`,
  FactoryNotShop: ({ caller }) => `${caller} is not a shop of this factory`,
  FactoryUnexpectedToken: ({ token, expected }) =>
    `Token ${token} is not the shop's next token: it must be the contract deployed at ${expected}`,
  FactoryUnknownToken: ({ token }) => `${token} is not a token of this factory`,
  FactoryNoTokens: () => "claimMany was given no tokens",
  FactoryNothingClaimed: ({ holder }) => `${holder} claimed nothing: no dividends on any of the tokens`,
  FactoryIndexOutOfRange: ({ index, length }) => `Shop index ${index} is out of range: the factory has ${length} shops`,
  // ------------------------------------------------------------------ OpenZeppelin
  AccessControlUnauthorizedAccount: ({ account, neededRole }) =>
    `Account ${account} is missing the ${roleName(neededRole)} role`,
  AccessControlBadConfirmation: () => "renounceRole must be called by the account that renounces the role",
  InvalidInitialization: () => "The contract is already initialized",
  NotInitializing: () => "The contract is not initializing",
  ERC20InsufficientAllowance: ({ spender, allowance, needed }) =>
    `Spender ${spender} is allowed ${tokens(allowance)}, ${tokens(needed)} needed`,
  ERC20InsufficientBalance: ({ sender, balance, needed }) =>
    `${sender} holds ${tokens(balance)}, ${tokens(needed)} needed`,
  ERC20InvalidApprover: ({ approver }) => `Invalid approver ${approver}`,
  ERC20InvalidReceiver: ({ receiver }) => `Invalid token receiver ${receiver}`,
  ERC20InvalidSender: ({ sender }) => `Invalid token sender ${sender}`,
  ERC20InvalidSpender: ({ spender }) => `Invalid spender ${spender}`,
  CloneArgumentsTooLong: () => "The clone arguments are too long",
  FailedDeployment: () => "The contract deployment failed",
  InsufficientBalance: ({ balance, needed }) => `Balance of ${coin(balance)} is below the ${coin(needed)} needed`,
};

type AbiError = Extract<Abi[number], { type: "error" }>;

interface KnownError {
  readonly fragment: AbiError;
  readonly contract: ShareMallContractName;
}

const SOURCES: ReadonlyArray<readonly [ShareMallContractName, readonly unknown[]]> = [
  ["Shop", shopErrorsAbi],
  ["DividendToken", dividendTokenErrorsAbi],
  ["ShareMallFactory", shareMallFactoryErrorsAbi],
];

/**
 * Errors by selector; the first source that declares one names its contract (Shop, DividendToken, ShareMallFactory).
 */
const BY_SELECTOR: ReadonlyMap<string, KnownError> = (() => {
  const map = new Map<string, KnownError>();
  for (const [contract, abi] of SOURCES) {
    for (const item of abi as readonly { readonly type: string }[]) {
      if (item.type !== "error") continue;
      const fragment = item as AbiError;
      // An error's selector is computed like a function's: the first 4 bytes of keccak256 of its signature.
      const selector = toFunctionSelector(fragment as never);
      if (!map.has(selector)) map.set(selector, { fragment, contract });
    }
  }
  return map;
})();

/**
 * A revert of a ShareMall contract with one of its custom errors, decoded.
 *
 * @example
 * ```ts
 * const error = toContractError(caught);
 * if (error?.is("ShopSettlementUnderfunded")) {
 *   await shop.deposit({ value: error.args.missing });
 * }
 * ```
 */
export class ContractRevertError<N extends ContractErrorName = ContractErrorName> extends ShareMallError {
  constructor(
    /** The custom error's name, e.g. `"ShopDayNotOver"`. */
    readonly errorName: N,
    /** The error's arguments by name: integers as bigint, addresses checksummed, bytes as hex. */
    readonly args: ContractErrorArgs<N>,
    /** The contract whose ABI declares the error. */
    readonly contract: ShareMallContractName,
    /** The raw revert data (selector and ABI-encoded arguments). */
    readonly data: Hex,
  ) {
    super("CONTRACT_REVERT", (CONTRACT_ERROR_MESSAGES[errorName] as (args: ContractErrorArgs<N>) => string)(args));
  }

  /** The 4-byte selector of the error. */
  get selector(): Hex {
    return this.data.slice(0, 10) as Hex;
  }

  /**
   * Narrows the error to one error name, so that `args` has that error's fields.
   *
   * @example
   * ```ts
   * if (error.is("ShopDayNotOver")) console.log(error.args.today);
   * ```
   */
  is<M extends ContractErrorName>(name: M): this is ContractRevertError<M> {
    return (this.errorName as ContractErrorName) === name;
  }
}

/**
 * Decodes revert data (selector + ABI-encoded arguments) of a ShareMall custom error.
 *
 * @param data - The revert data, `0x`-prefixed hex.
 * @returns The decoded error, or `undefined` for an unknown selector, data that does not decode, or
 * `Error(string)` / `Panic(uint256)` reverts.
 * @example
 * ```ts
 * const error = decodeContractError(receipt.logs[0].args.reason); // e.g. a ClaimSkipped reason
 * if (error) console.log(error.errorName, error.message);
 * ```
 */
export function decodeContractError(data: string): ContractRevertError | undefined {
  if (!isHex(data, { strict: true }) || data.length < 10) return undefined;
  const hex = data.toLowerCase() as Hex;
  const known = BY_SELECTOR.get(hex.slice(0, 10));
  if (known === undefined) return undefined;
  let decoded: readonly unknown[];
  try {
    // viem decodes addresses checksummed and bytes as lower-case hex; integers of 48 bits or fewer come as numbers.
    decoded = (decodeErrorResult({ abi: [known.fragment], data: hex }).args ?? []) as readonly unknown[];
  } catch {
    return undefined;
  }
  const args: Record<string, unknown> = {};
  known.fragment.inputs.forEach((input, i) => {
    const value = decoded[i];
    args[input.name ?? String(i)] = typeof value === "number" ? BigInt(value) : value;
  });
  return new ContractRevertError(
    known.fragment.name as ContractErrorName,
    args as ContractErrorArgs<ContractErrorName>,
    known.contract,
    hex,
  );
}

const VIEM_REVERT_NAMES = new Set(["ContractFunctionRevertedError", "RawContractError"]);

/** Hex strings inside an error object, nearest first: `data`, `raw`, then nested `info`, `error`, `cause`, ... */
function candidates(root: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  let level: unknown[] = [root];
  for (let depth = 0; depth < 8 && level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const node of level) {
      if (typeof node === "string") {
        if (isHex(node, { strict: true }) && node.length >= 10) found.push(node);
        continue;
      }
      if (typeof node !== "object" || node === null || seen.has(node)) continue;
      seen.add(node);
      const record = node as Record<string, unknown>;
      for (const key of ["raw", "data", "revert", "info", "error", "cause", "payload", "details"]) {
        if (key in record) next.push(record[key]);
      }
    }
    level = next;
  }
  return found;
}

interface ViemLike {
  walk(fn: (error: unknown) => boolean): unknown;
}

function isViemLike(error: unknown): error is ViemLike {
  return typeof error === "object" && error !== null && typeof (error as ViemLike).walk === "function";
}

/**
 * Finds and decodes the ShareMall custom error inside anything a client threw: an ethers v6 error
 * (`CALL_EXCEPTION` with `data`, or provider errors with `info.error.data`), a viem error (walked to its
 * `ContractFunctionRevertedError` or `RawContractError`), a plain `{ data }` object or the revert data itself.
 *
 * @param error - Whatever was caught.
 * @returns The decoded error, or `undefined` when there is no ShareMall custom error in it.
 * @example
 * ```ts
 * try {
 *   await shop.settle(day); // ethers, or viem: await publicClient.simulateContract({ abi: shopAbi, ... })
 * } catch (caught) {
 *   const error = toContractError(caught);
 *   if (error) throw error; // "Day 20786 is underfunded: 1.2 coin required beyond the escrow, ..."
 *   throw caught;
 * }
 * ```
 */
export function toContractError(error: unknown): ContractRevertError | undefined {
  if (error instanceof ContractRevertError) return error;
  const roots: unknown[] = [];
  if (isViemLike(error)) {
    const revert = error.walk(
      (inner) => inner instanceof Error && VIEM_REVERT_NAMES.has((inner as Error & { name: string }).name),
    );
    if (revert !== null && revert !== undefined) roots.push(revert);
  }
  roots.push(error);
  for (const root of roots) {
    for (const data of candidates(root)) {
      const decoded = decodeContractError(data);
      if (decoded !== undefined) return decoded;
    }
  }
  return undefined;
}
