/**
 * The customer and holder entry point: pay for an order at once ({@link charge}; a payment held until the goods
 * are received is in `payments.ts`), redeem an operator-signed receipt
 * ({@link redeemReceipt}), mint one's own orders of an anchored Merkle batch ({@link mintFromBatchFile}), and read
 * and claim dividends ({@link claimable}, {@link claimableTotal}, {@link claim}, {@link claimTo},
 * {@link claimMany}). Every function validates all of its input, and checks what can be checked off chain or with
 * a read, before any transaction is built: bad input throws a typed error and sends nothing. All chain access goes
 * through a {@link Transport}.
 *
 * @packageDocumentation
 */
import {
  dividendTokenAbi,
  dividendTokenReadAbi,
  shareMallFactoryAbi,
  shareMallFactoryReadAbi,
  shopAbi,
  shopReadAbi,
} from "./abis.js";
import { readContract, writeContract, type DecodedEvent, type shareMallAbi } from "./client/contract.js";
import type { Transport } from "./client/transport.js";
import { usedOrderIds } from "./internal/order-ids.js";
import { requireFactory, requireShop, requireToken } from "./internal/probe.js";
import { at, optionalBlock, parametersOf } from "./internal/parameters.js";
import {
  InsufficientFundsError,
  InvalidAddressError,
  InvalidAmountError,
  MerkleBatchError,
  NoSignerError,
  NotAContractError,
  OrderIdUsedError,
  PaymentAlreadyCountedError,
  PaymentExistsError,
  ShareMallError,
} from "./errors.js";
import { importBatchFile, type BatchFile, type BatchFileEntry } from "./merkle/file.js";
import { captureFromEvents } from "./internal/payment-events.js";
import { fetchPaymentStatus, type CaptureTerms } from "./payments.js";
import { fetchHolderTokens, type AtBlock } from "./read.js";
import { verifyReceipt, type Receipt, type SignedReceiptInput } from "./receipts/receipt.js";
import type { Address, Hex, IntegerLike } from "./types.js";
import {
  validateAddress,
  validateAmount,
  validateBytes32,
  validateOptionalAddress,
  validateOrderId,
  validateWeiAmount,
  ZERO_ADDRESS,
} from "./validation.js";

// ------------------------------------------------------------------ Errors

/** There are no dividends to claim on any of `tokens`; nothing was sent. */
export class NothingToClaimError extends ShareMallError {
  constructor(
    /** The holder. */
    readonly holder: Address,
    /** The tokens looked at (empty when the holder has no tokens at all). */
    readonly tokens: readonly Address[],
  ) {
    super(
      "NOTHING_TO_CLAIM",
      `${holder} has nothing to claim on ` +
        (tokens.length === 0 ? "any token of the factory" : `token(s) ${tokens.join(", ")}`),
    );
  }
}

/**
 * A batch leaf chosen for minting cannot mint because its order id is used: it has already minted (or, if the
 * operator reused the id for another order, that order counted under it). Nothing was sent.
 */
export class LeafAlreadyMintedError extends ShareMallError {
  constructor(
    readonly root: Hex,
    /** The leaf's position in the batch. */
    readonly index: number,
    /** The leaf's order id. */
    readonly orderId: bigint,
  ) {
    super(
      "LEAF_ALREADY_MINTED",
      `Leaf ${index} (order id ${orderId}) of batch ${root} has already minted: the shop has used order id ${orderId}`,
    );
  }
}

// ------------------------------------------------------------------ Shared

/** Tokens minted by a transaction (ERC-20 `Transfer` from the zero address). */
export interface MintedTokens {
  readonly token: Address;
  readonly to: Address;
  /** Token-wei. */
  readonly amount: bigint;
}

/** What every sending function returns besides its own fields. */
export interface SentTransaction {
  readonly hash: Hex;
  /** The transaction's ShareMall events. */
  readonly events: readonly DecodedEvent<typeof shareMallAbi>[];
}

async function signerOf(transport: Transport, what: string): Promise<Address> {
  const account = await transport.account();
  if (account === undefined) throw new NoSignerError(what);
  return account;
}

function mintedOf(events: readonly DecodedEvent<typeof shareMallAbi>[]): MintedTokens[] {
  const out: MintedTokens[] = [];
  for (const e of events) {
    if (e.eventName === "Transfer" && e.args.from === ZERO_ADDRESS) {
      out.push({ token: e.address, to: e.args.to, amount: e.args.value });
    }
  }
  return out;
}

// ------------------------------------------------------------------ Charge

/** Default gas margin of {@link charge} and `authorizePayment`: 0.001 coin (10^15 wei) kept back for the fee. */
export const DEFAULT_GAS_MARGIN_WEI = 10n ** 15n;

/** Input of {@link charge}. */
export interface ChargeInput {
  /** The order's commitment (non-zero bytes32). */
  readonly orderHash: string;
  /** The price in wei, `1 .. 2^96 - 1`: sent as the transaction's value. */
  readonly amountWei: IntegerLike;
  /** The referrer, bound at the customer's first order only (omit for none). */
  readonly referrer?: string | null;
}

/** Options of {@link charge}. */
export interface ChargeOptions {
  /** Wei the balance must cover beyond the amount, for gas (default {@link DEFAULT_GAS_MARGIN_WEI}). */
  readonly gasMarginWei?: IntegerLike;
}

/** Parameters of {@link charge}: the shop, the order and the options. */
export interface ChargeParameters extends ChargeInput, ChargeOptions {
  /** The shop's address. */
  readonly shop: string;
}

/** What {@link charge} returns. */
export interface ChargeResult extends SentTransaction {
  readonly orderHash: Hex;
  readonly customer: Address;
  readonly amountWei: bigint;
  /**
   * The capture's terms (from `PaymentCaptured`, kind `"charge"`): what `refundPayment` takes until
   * `capture.refundDeadline`. The dividend share escrowed in the tokens is no longer reported here (the event has no
   * escrow figure): read the day's `escrowed` with `fetchShopDays`.
   */
  readonly capture: CaptureTerms;
  readonly minted: readonly MintedTokens[];
}

/**
 * Pays for an order in native coin and counts it at once (`Shop.charge`, authorize and capture in one call): the
 * signer is the customer and `amountWei` the value sent. A payment counts once per `(orderHash, customer)`; the
 * operator may refund it until `capture.refundDeadline`. Refuses up front when the signer's payment for this order
 * hash has already counted (`payment()` status Captured) or is held (`authorizePayment`), and when its balance cannot
 * cover the amount plus a gas margin.
 *
 * @param transport - A transport with a signer (the customer).
 * @param parameters - `shop` (its address), the order's `orderHash`, `amountWei` and optional `referrer`, and
 * `gasMarginWei`.
 * @returns The transaction, the capture's terms and the tokens minted.
 * @throws {@link InvalidAddressError}, {@link InvalidAmountError}, `InvalidBytes32Error` for bad input (a referrer
 * equal to the signer included); {@link NotAContractError} for a shop address without a shop;
 * {@link PaymentAlreadyCountedError}; {@link PaymentExistsError}; {@link InsufficientFundsError};
 * {@link NoSignerError}; `ContractRevertError` if the shop reverts (e.g. `ShopReferrerAlreadyBound`, `ShopNoTokens`).
 * @example
 * ```ts
 * const { capture, minted } = await charge(transport, { shop, orderHash, amountWei: parseEther("0.3") });
 * ```
 */
export async function charge(transport: Transport, parameters: ChargeParameters): Promise<ChargeResult> {
  const input = parametersOf("charge", parameters);
  const options = input;
  const shopAddress = validateAddress("shop", input.shop);
  const orderHash = validateBytes32("orderHash", input.orderHash, { allowZero: false });
  const amountWei = validateWeiAmount("amountWei", input.amountWei);
  const referrer = validateOptionalAddress("referrer", input.referrer);
  const margin = validateAmount("gasMarginWei", options.gasMarginWei ?? DEFAULT_GAS_MARGIN_WEI);
  const customer = await signerOf(transport, "charge");
  if (referrer === customer) throw new InvalidAddressError("referrer", input.referrer, "the customer itself");
  const { status } = await fetchPaymentStatus(transport, { shop: shopAddress, orderHash, customer });
  if (status === "captured") throw new PaymentAlreadyCountedError(orderHash, customer);
  if (status !== "none") throw new PaymentExistsError(orderHash, customer, status);
  const have = await transport.balance(customer);
  const need = amountWei + margin;
  if (have < need) throw new InsufficientFundsError(customer, have, need);
  const { hash, events } = await writeContract(transport, {
    address: shopAddress,
    abi: shopAbi,
    functionName: "charge",
    args: [orderHash, referrer],
    value: amountWei,
  });
  return {
    hash,
    events,
    orderHash,
    customer,
    amountWei,
    capture: captureFromEvents(events, orderHash, customer),
    minted: mintedOf(events),
  };
}

// ------------------------------------------------------------------ Receipts

/** Parameters of {@link redeemReceipt}. */
export interface RedeemReceiptParameters {
  /** The shop the receipt must be for. */
  readonly shop: string;
  /** `{ receipt, signer, signature }` as `signReceipt` returns it (or parsed from JSON). */
  readonly signed: SignedReceiptInput;
}

/** What {@link redeemReceipt} returns. */
export interface RedeemResult extends SentTransaction {
  /** The receipt as validated. */
  readonly receipt: Receipt;
  readonly minted: readonly MintedTokens[];
}

/**
 * Redeems an operator-signed receipt (`Shop.redeemReceipt`). The receipt is first verified off chain against the
 * shop, the transport's chain id and the latest block time (deadline, chain, shop, signature), and its order id
 * against the ids the shop has used (`isOrderIdUsed`: a receipt redeems once, and an id counts once across
 * recorded orders, receipts and batch leaves), so an obviously bad or spent receipt is refused before anything is
 * sent. Anyone may submit; the tokens go to `receipt.customer`.
 *
 * @param transport - A transport with a signer (the customer or a relayer).
 * @param parameters - `shop`: the shop the receipt must be for; `signed`: `{ receipt, signer, signature }` as
 * `signReceipt` returns it (or parsed from JSON).
 * @returns The transaction, the receipt and the tokens minted.
 * @throws `ReceiptExpiredError`, `ReceiptWrongChainError`, `ReceiptWrongShopError`, `ReceiptSignatureError`,
 * validation errors, `OrderIdUsedError` (already redeemed, or its id used by another order), {@link NotAContractError},
 * {@link NoSignerError}; `ContractRevertError` if the shop reverts (e.g. the signer is not an operator).
 * @example
 * ```ts
 * const { minted } = await redeemReceipt(transport, { shop, signed: JSON.parse(receiptText) });
 * ```
 */
export async function redeemReceipt(transport: Transport, parameters: RedeemReceiptParameters): Promise<RedeemResult> {
  const { shop, signed } = parametersOf("redeemReceipt", parameters);
  const shopAddress = validateAddress("shop", shop);
  const chainId = await transport.chainId();
  // The next block is at least one second after the latest one.
  const now = (await transport.latestTimestamp()) + 1n;
  const receipt = verifyReceipt(signed, { shop: shopAddress, chainId, now });
  const signer = validateAddress("signer", signed.signer);
  await signerOf(transport, "redeemReceipt");
  await requireShop(transport, shopAddress);
  if (
    await readContract(transport, {
      address: shopAddress,
      abi: shopReadAbi,
      functionName: "isOrderIdUsed",
      args: [receipt.orderId],
    })
  ) {
    throw new OrderIdUsedError([receipt.orderId], `receipt for ${receipt.orderHash}`);
  }
  const { hash, events } = await writeContract(transport, {
    address: shopAddress,
    abi: shopAbi,
    functionName: "redeemReceipt",
    args: [receipt, signer, signed.signature.toLowerCase() as Hex],
  });
  return { hash, events, receipt, minted: mintedOf(events) };
}

// ------------------------------------------------------------------ Merkle batches

/** Which entries of a batch file {@link mintFromBatchFile} mints (at most one of these; none: the signer's). */
export interface BatchEntrySelector {
  /** Leaf index. */
  readonly index?: number | bigint;
  /** The entry's order id. */
  readonly orderId?: IntegerLike;
  /** The entry's order hash. */
  readonly orderHash?: string;
}

/** Parameters of {@link mintFromBatchFile}: the shop, the file and which entries to mint. */
export interface MintFromBatchFileParameters extends BatchEntrySelector {
  /** The shop that anchored the batch. */
  readonly shop: string;
  /** The batch file as JSON text or object (from `exportBatchFile`). */
  readonly file: string | BatchFile;
}

/** One minted batch leaf. */
export interface MintedLeaf {
  readonly index: number;
  /** The leaf's order id. */
  readonly orderId: bigint;
  readonly orderHash: Hex;
  readonly customer: Address;
  /** Order amount in wei. */
  readonly amount: bigint;
  readonly hash: Hex;
  readonly minted: readonly MintedTokens[];
}

/** What {@link mintFromBatchFile} returns. */
export interface MintFromBatchResult {
  readonly root: Hex;
  /** Leaves minted, in index order. */
  readonly leaves: readonly MintedLeaf[];
  /** All tokens minted, all leaves together. */
  readonly minted: readonly MintedTokens[];
}

/**
 * Mints batch orders from a batch file (`Shop.mintFromBatch`). The file (version 2: leaves with order ids) is
 * imported and fully checked with `importBatchFile` against the shop and the transport's chain id (every proof
 * verified), the batch must be anchored on the shop with the file's first order id and order count, and the entry is
 * chosen by `index`, `orderId` or `orderHash`, or else as every entry whose customer is the signer and that has not
 * minted yet (one transaction each). Whether a leaf has minted is its order id's bit in the shop's order-id bitmap
 * (one `orderIdBitmap` read per 256 ids); a chosen leaf that already minted is refused.
 *
 * @param transport - A transport with a signer (the leaf's customer, or an operator).
 * @param parameters - `shop` (that anchored the batch); `file`: the batch file as JSON text or object (from
 * `exportBatchFile`); `index`, `orderId` or `orderHash`, or none to mint all the signer's unminted entries.
 * @returns The root, the leaves minted and the tokens minted.
 * @throws {@link MerkleBatchError} for a bad file (wrong shop or chain, tampered entry or proof, version 1), an
 * unknown entry, or a batch not anchored (or anchored with other ids); {@link LeafAlreadyMintedError}; validation
 * errors; {@link NotAContractError};
 * {@link NoSignerError}; `ContractRevertError` if the shop reverts.
 * @example
 * ```ts
 * const { leaves } = await mintFromBatchFile(transport, { shop, file: await readFile("batch-7.json", "utf8") });
 * ```
 */
export async function mintFromBatchFile(
  transport: Transport,
  parameters: MintFromBatchFileParameters,
): Promise<MintFromBatchResult> {
  const { shop, file, ...select } = parametersOf("mintFromBatchFile", parameters);
  const shopAddress = validateAddress("shop", shop);
  const given = [select.index, select.orderId, select.orderHash].filter((v) => v !== undefined).length;
  if (given > 1) throw new InvalidAmountError("select", select, "give one of index, orderId or orderHash");
  const index =
    select.index === undefined ? undefined : Number(validateAmount("index", select.index, { max: 1n << 24n }));
  const orderId = select.orderId === undefined ? undefined : validateOrderId("orderId", select.orderId);
  const orderHash =
    select.orderHash === undefined ? undefined : validateBytes32("orderHash", select.orderHash, { allowZero: false });
  const account = await signerOf(transport, "mintFromBatchFile");
  const chainId = await transport.chainId();
  const imported = await importBatchFile(file, { shop: shopAddress, chainId });
  const entries = imported.file.entries;
  const root = imported.batch.root;

  let chosen: BatchFileEntry[];
  if (index !== undefined) {
    const entry = entries[index];
    if (entry === undefined) {
      throw new MerkleBatchError(`no entry ${index}: the batch has ${entries.length}`, undefined, "index");
    }
    chosen = [entry];
  } else if (orderId !== undefined) {
    const entry = entries.find((e) => e.orderId === orderId.toString());
    if (entry === undefined) throw new MerkleBatchError(`no entry has order id ${orderId}`, undefined, "orderId");
    chosen = [entry];
  } else if (orderHash !== undefined) {
    const entry = entries.find((e) => e.orderHash === orderHash);
    if (entry === undefined) throw new MerkleBatchError(`no entry has order hash ${orderHash}`, undefined, "orderHash");
    chosen = [entry];
  } else {
    chosen = entries.filter((e) => e.customer === account);
    if (chosen.length === 0) throw new MerkleBatchError(`no entry has customer ${account}`, undefined, "customer");
  }

  await requireShop(transport, shopAddress);
  const anchored = await readContract(transport, {
    address: shopAddress,
    abi: shopReadAbi,
    functionName: "batch",
    args: [root],
  });
  if (anchored.orderCount === 0) {
    throw new MerkleBatchError(`batch ${root} is not anchored on shop ${shopAddress}`, undefined, "root");
  }
  if (anchored.orderCount !== imported.batch.orderCount) {
    throw new MerkleBatchError(
      `the shop anchored ${anchored.orderCount} orders under this root, the file has ${imported.batch.orderCount}`,
      undefined,
      "orderCount",
    );
  }
  if (anchored.firstOrderId !== imported.batch.firstOrderId) {
    throw new MerkleBatchError(
      `the shop anchored this root from order id ${anchored.firstOrderId}, the file says ${imported.batch.firstOrderId}`,
      undefined,
      "firstOrderId",
    );
  }
  const used = await usedOrderIds(
    transport,
    shopAddress,
    chosen.map((e) => BigInt(e.orderId)),
  );
  const pending = chosen.filter((e) => !used.has(BigInt(e.orderId)));
  if (pending.length === 0) throw new LeafAlreadyMintedError(root, chosen[0].index, BigInt(chosen[0].orderId));

  const leaves: MintedLeaf[] = [];
  for (const entry of pending) {
    const amount = BigInt(entry.amount);
    const { hash, events } = await writeContract(transport, {
      address: shopAddress,
      abi: shopAbi,
      functionName: "mintFromBatch",
      args: [root, BigInt(entry.orderId), entry.orderHash, entry.customer, amount, entry.referrer, [...entry.proof]],
    });
    leaves.push({
      index: entry.index,
      orderId: BigInt(entry.orderId),
      orderHash: entry.orderHash,
      customer: entry.customer,
      amount,
      hash,
      minted: mintedOf(events),
    });
  }
  return { root, leaves, minted: leaves.flatMap((l) => l.minted) };
}

// ------------------------------------------------------------------ Dividends

/** Parameters of {@link claimable}. */
export interface ClaimableParameters extends AtBlock {
  /** The dividend token. */
  readonly token: string;
  readonly holder: string;
}

/**
 * Wei of dividends `holder` can claim now (or at `blockNumber`) on `token`.
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `token` (the dividend token), `holder`, `blockNumber`.
 * @returns Claimable wei.
 * @throws {@link InvalidAddressError}; {@link NotAContractError} for a token address without a token.
 * @example
 * ```ts
 * const wei = await claimable(transport, { token, holder: me });
 * ```
 */
export async function claimable(transport: Transport, parameters: ClaimableParameters): Promise<bigint> {
  const { token, holder } = parametersOf("claimable", parameters);
  const tokenAddress = validateAddress("token", token);
  const account = validateAddress("holder", holder);
  const blockNumber = optionalBlock(parameters.blockNumber);
  await requireToken(transport, tokenAddress, blockNumber);
  return readContract(transport, {
    address: tokenAddress,
    abi: dividendTokenReadAbi,
    functionName: "claimable",
    args: [account],
    ...at(blockNumber),
  });
}

/** One token with claimable dividends. */
export interface ClaimableToken {
  readonly shop: Address;
  readonly token: Address;
  readonly symbol: string;
  /** Claimable wei. */
  readonly claimable: bigint;
}

/** What {@link claimableTotal} returns. */
export interface ClaimableTotal {
  /** Tokens with something to claim, in shop then token order. */
  readonly tokens: readonly ClaimableToken[];
  /** Sum of `tokens[].claimable`, in wei. */
  readonly total: bigint;
}

/** Parameters of {@link claimableTotal}. */
export interface ClaimableTotalParameters extends AtBlock {
  /** The ShareMall factory. */
  readonly factory: string;
  readonly holder: string;
}

/**
 * What `holder` can claim across every shop of the factory (via `fetchHolderTokens`): per token and in total, all
 * read at one block (`blockNumber`, default the latest).
 *
 * @param transport - Any transport (read only is enough).
 * @param parameters - `factory` (the ShareMall factory), `holder`, `blockNumber`.
 * @returns Tokens with claimable dividends, and the total in wei.
 * @throws {@link InvalidAddressError}; {@link NotAContractError} for a factory address without a factory.
 * @example
 * ```ts
 * const { total, tokens } = await claimableTotal(transport, { factory, holder: me });
 * console.log(`${formatEther(total)} to claim on ${tokens.length} token(s)`);
 * ```
 */
export async function claimableTotal(
  transport: Transport,
  parameters: ClaimableTotalParameters,
): Promise<ClaimableTotal> {
  const { factory, holder } = parametersOf("claimableTotal", parameters);
  const factoryAddress = validateAddress("factory", factory);
  const account = validateAddress("holder", holder);
  const blockNumber = optionalBlock(parameters.blockNumber);
  await requireFactory(transport, factoryAddress, blockNumber);
  const tokens = (await fetchHolderTokens(transport, { factory: factoryAddress, holder: account, ...at(blockNumber) }))
    .filter((t) => t.claimable > 0n)
    .map((t) => ({ shop: t.shop, token: t.token, symbol: t.symbol, claimable: t.claimable }));
  return { tokens, total: tokens.reduce((sum, t) => sum + t.claimable, 0n) };
}

/** What {@link claim} and {@link claimTo} return. */
export interface ClaimResult extends SentTransaction {
  readonly token: Address;
  readonly holder: Address;
  readonly recipient: Address;
  /** Wei paid (from `DividendsClaimed`). */
  readonly amount: bigint;
}

async function claimOne(transport: Transport, token: string, recipient: string | undefined): Promise<ClaimResult> {
  const tokenAddress = validateAddress("token", token);
  const to = recipient === undefined ? undefined : validateAddress("recipient", recipient);
  const holder = await signerOf(transport, recipient === undefined ? "claim" : "claimTo");
  await requireToken(transport, tokenAddress);
  const owed = await readContract(transport, {
    address: tokenAddress,
    abi: dividendTokenReadAbi,
    functionName: "claimable",
    args: [holder],
  });
  if (owed === 0n) throw new NothingToClaimError(holder, [tokenAddress]);
  const { hash, events } =
    to === undefined
      ? await writeContract(transport, {
          address: tokenAddress,
          abi: dividendTokenAbi,
          functionName: "claim",
          args: [],
        })
      : await writeContract(transport, {
          address: tokenAddress,
          abi: dividendTokenAbi,
          functionName: "claimTo",
          args: [to],
        });
  let amount = 0n;
  for (const e of events) {
    if (e.eventName === "DividendsClaimed" && e.address === tokenAddress) amount += e.args.amount;
  }
  return { hash, events, token: tokenAddress, holder, recipient: to ?? holder, amount };
}

/** Parameters of {@link claim}. */
export interface ClaimParameters {
  /** The dividend token. */
  readonly token: string;
}

/**
 * Claims all of the signer's dividends on `token` to the signer (`DividendToken.claim`).
 *
 * @param transport - A transport with a signer (the holder).
 * @param parameters - `token`: the dividend token.
 * @returns The transaction and the wei paid.
 * @throws {@link NothingToClaimError} when nothing is claimable; {@link InvalidAddressError};
 * {@link NotAContractError}; {@link NoSignerError}; `ContractRevertError` if the token reverts.
 * @example
 * ```ts
 * const { amount } = await claim(transport, { token });
 * ```
 */
export function claim(transport: Transport, parameters: ClaimParameters): Promise<ClaimResult> {
  return claimOne(transport, parametersOf("claim", parameters).token, undefined);
}

/** Parameters of {@link claimTo}. */
export interface ClaimToParameters extends ClaimParameters {
  /** Who receives the coin (not the zero address). */
  readonly recipient: string;
}

/**
 * Claims all of the signer's dividends on `token` to `recipient` (`DividendToken.claimTo`), for a wallet that
 * cannot take the native coin.
 *
 * @param transport - A transport with a signer (the holder).
 * @param parameters - `token` (the dividend token); `recipient`: who receives the coin (not the zero address).
 * @returns The transaction and the wei paid.
 * @throws {@link NothingToClaimError}; {@link InvalidAddressError}; {@link NotAContractError};
 * {@link NoSignerError}; `ContractRevertError` if the token reverts (e.g. the recipient rejects the coin).
 * @example
 * ```ts
 * const { amount } = await claimTo(transport, { token, recipient: coldWallet });
 * ```
 */
export function claimTo(transport: Transport, parameters: ClaimToParameters): Promise<ClaimResult> {
  const { token, recipient } = parametersOf("claimTo", parameters);
  if (recipient === undefined) throw new InvalidAddressError("recipient", recipient, "a recipient is required");
  return claimOne(transport, token, recipient);
}

/** Parameters of {@link claimMany}. */
export interface ClaimManyParameters {
  /** The ShareMall factory. */
  readonly factory: string;
  /** Token addresses (non-empty, no duplicates), or `"all"`. */
  readonly tokens: readonly string[] | "all";
  /** Who receives the coin (default: the signer). */
  readonly recipient?: string;
}

/** What {@link claimMany} returns. */
export interface ClaimManyResult extends SentTransaction {
  readonly holder: Address;
  readonly recipient: Address;
  /** Wei paid per token (from `DividendsClaimed`). */
  readonly paid: readonly { readonly token: Address; readonly amount: bigint }[];
  /** Tokens skipped by the factory (from `ClaimSkipped`), with the revert data. */
  readonly skipped: readonly { readonly token: Address; readonly reason: Hex }[];
  /** Sum of `paid`, in wei. */
  readonly total: bigint;
}

/**
 * Claims the signer's dividends on many tokens in one transaction (`ShareMallFactory.claimMany`). With `"all"` the
 * tokens are those of the factory's shops with something claimable now.
 *
 * @param transport - A transport with a signer (the holder).
 * @param parameters - `factory` (the ShareMall factory); `tokens`: token addresses (non-empty, no duplicates), or
 * `"all"`; `recipient`: who receives the coin (default: the signer).
 * @returns The transaction, the wei paid per token, the skipped tokens and the total.
 * @throws {@link NothingToClaimError} (with the token list) when none of the tokens has anything to claim;
 * {@link InvalidAddressError} for a bad, duplicated, or foreign token or a bad recipient;
 * {@link NotAContractError}; {@link NoSignerError}; `ContractRevertError` if the factory reverts.
 * @example
 * ```ts
 * const { total, skipped } = await claimMany(transport, { factory, tokens: "all" });
 * ```
 */
export async function claimMany(transport: Transport, parameters: ClaimManyParameters): Promise<ClaimManyResult> {
  const { factory, tokens, recipient } = parametersOf("claimMany", parameters);
  const factoryAddress = validateAddress("factory", factory);
  let list: Address[] | undefined;
  if (tokens !== "all") {
    if (!Array.isArray(tokens)) {
      throw new InvalidAddressError("tokens", tokens, 'expected an array of token addresses or "all"');
    }
    if (tokens.length === 0) throw new InvalidAddressError("tokens", tokens, "no tokens given");
    list = tokens.map((t, i) => validateAddress(`tokens[${i}]`, t));
    const seen = new Set<Address>();
    list.forEach((t, i) => {
      if (seen.has(t)) throw new InvalidAddressError(`tokens[${i}]`, tokens[i], "duplicated");
      seen.add(t);
    });
  }
  const to = validateOptionalAddress("recipient", recipient);
  const holder = await signerOf(transport, "claimMany");
  await requireFactory(transport, factoryAddress);
  let chosen: Address[];
  if (list === undefined) {
    chosen = (await fetchHolderTokens(transport, { factory: factoryAddress, holder }))
      .filter((t) => t.claimable > 0n)
      .map((t) => t.token);
    if (chosen.length === 0) throw new NothingToClaimError(holder, []);
  } else {
    let owed = 0n;
    for (let i = 0; i < list.length; i++) {
      const token = list[i];
      const shop = await readContract(transport, {
        address: factoryAddress,
        abi: shareMallFactoryReadAbi,
        functionName: "shopOfToken",
        args: [token],
      });
      if (shop === ZERO_ADDRESS) {
        throw new InvalidAddressError(`tokens[${i}]`, token, `not a token of factory ${factoryAddress}`);
      }
      owed += await readContract(transport, {
        address: token,
        abi: dividendTokenReadAbi,
        functionName: "claimable",
        args: [holder],
      });
    }
    if (owed === 0n) throw new NothingToClaimError(holder, list);
    chosen = list;
  }
  const { hash, events } = await writeContract(transport, {
    address: factoryAddress,
    abi: shareMallFactoryAbi,
    functionName: "claimMany",
    args: [chosen, to],
  });
  const paid: { token: Address; amount: bigint }[] = [];
  const skipped: { token: Address; reason: Hex }[] = [];
  for (const e of events) {
    if (e.eventName === "DividendsClaimed" && e.args.holder === holder)
      paid.push({ token: e.address, amount: e.args.amount });
    else if (e.eventName === "ClaimSkipped" && e.args.holder === holder)
      skipped.push({ token: e.args.token, reason: e.args.reason });
  }
  return {
    hash,
    events,
    holder,
    recipient: to === ZERO_ADDRESS ? holder : to,
    paid,
    skipped,
    total: paid.reduce((sum, p) => sum + p.amount, 0n),
  };
}
