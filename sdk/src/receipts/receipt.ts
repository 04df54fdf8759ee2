/**
 * EIP-712 order receipts (order path 2): an operator signs a receipt off chain, the customer (or a relayer)
 * submits it to `Shop.redeemReceipt(receipt, signer, signature)`.
 *
 * Domain `{ name: "ShareMall Shop", version: "2", chainId, verifyingContract: shop }`, primary type
 * `Receipt(address shop,uint256 chainId,uint256 orderId,address customer,uint256 amount,bytes32 orderHash,address
 * referrer,uint256 deadline)`. `orderId` is the operator's order number: each id counts once in the shop, across
 * recorded orders, receipts and batch leaves.
 *
 * Contract-wallet (ERC-1271) operators: the shop also accepts a signature that `IERC1271(signer).isValidSignature(
 * receiptDigest(receipt), signature)` approves (returns `0x1626ba7e`). Checking that needs a provider, so it is
 * not done here: {@link recoverReceiptSigner} / {@link verifyReceipt} cover EOA (65-byte ECDSA) signatures; for a
 * contract signer call `isValidSignature` with {@link receiptDigest} yourself.
 *
 * @packageDocumentation
 */
import { Secp256k1, Signature } from "ox";
import { hashTypedData } from "viem";
import type { Transport } from "../client/transport.js";
import {
  InvalidOrderError,
  ReceiptExpiredError,
  ReceiptSignatureError,
  ReceiptWrongChainError,
  ReceiptWrongShopError,
  ShareMallError,
} from "../errors.js";
import type { Address, Hex, IntegerLike } from "../types.js";
import {
  validateAddress,
  validateBytes32,
  validateChainId,
  validateDeadline,
  validateOptionalAddress,
  validateOrderId,
  validateWeiAmount,
} from "../validation.js";

/** One field of an EIP-712 struct type. */
export interface TypedDataField {
  readonly name: string;
  readonly type: string;
}

/** An EIP-712 domain as ethers' `signTypedData` takes it. */
export interface TypedDataDomain {
  readonly name?: string;
  readonly version?: string;
  readonly chainId?: bigint;
  readonly verifyingContract?: string;
}

/** EIP-712 domain name of every shop. */
export const RECEIPT_DOMAIN_NAME = "ShareMall Shop";
/** EIP-712 domain version of every shop. */
export const RECEIPT_DOMAIN_VERSION = "2";
/** The EIP-712 type string of a receipt. */
export const RECEIPT_TYPE =
  "Receipt(address shop,uint256 chainId,uint256 orderId,address customer,uint256 amount,bytes32 orderHash," +
  "address referrer,uint256 deadline)";

/** The EIP-712 `types` of a receipt (for any EIP-712 library). */
export const RECEIPT_TYPES: { readonly Receipt: readonly TypedDataField[] } = {
  Receipt: [
    { name: "shop", type: "address" },
    { name: "chainId", type: "uint256" },
    { name: "orderId", type: "uint256" },
    { name: "customer", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "orderHash", type: "bytes32" },
    { name: "referrer", type: "address" },
    { name: "deadline", type: "uint256" },
  ],
};

/** secp256k1n / 2: OpenZeppelin's ECDSA refuses signatures with a larger `s` (malleable). */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/** A receipt as given by the caller (integers may be decimal strings, e.g. from JSON). */
export interface ReceiptInput {
  /** The shop (clone) that will redeem it; also the EIP-712 verifying contract. */
  readonly shop: string;
  /** The shop's chain. */
  readonly chainId: IntegerLike;
  /** The operator's order id, `1 .. 2^64 - 1`: each id counts once in the shop. */
  readonly orderId: IntegerLike;
  /** The buyer; receives the tokens. */
  readonly customer: string;
  /** Amount in wei, `1 .. 2^96 - 1`. */
  readonly amount: IntegerLike;
  /** The order hash (see `hashOrder`); not zero. */
  readonly orderHash: string;
  /** The referrer, or `undefined`/`null`/zero address for none; never the customer. */
  readonly referrer?: string | null;
  /** Last unix second (inclusive) the receipt can be redeemed at. */
  readonly deadline: IntegerLike;
}

/** A validated receipt: the `Receipt` struct of `Shop.redeemReceipt`, usable as its first argument with ethers. */
export interface Receipt {
  readonly shop: Address;
  readonly chainId: bigint;
  readonly orderId: bigint;
  readonly customer: Address;
  readonly amount: bigint;
  readonly orderHash: Hex;
  readonly referrer: Address;
  readonly deadline: bigint;
}

/** A receipt with integers as decimal strings (JSON-safe); valid input to {@link buildReceipt}. */
export interface ReceiptJson {
  readonly shop: Address;
  readonly chainId: string;
  readonly orderId: string;
  readonly customer: Address;
  readonly amount: string;
  readonly orderHash: Hex;
  readonly referrer: Address;
  readonly deadline: string;
}

/** A signed receipt: the three arguments of `Shop.redeemReceipt`. */
export interface SignedReceipt {
  readonly receipt: Receipt;
  /** The operator account that signed (an EOA, or a contract wallet for ERC-1271). */
  readonly signer: Address;
  /** The signature (65-byte ECDSA for an EOA). */
  readonly signature: Hex;
}

/** The EIP-712 typed data of a receipt, in the shape ethers, viem and wallets take. */
export interface ReceiptTypedData {
  readonly domain: {
    readonly name: string;
    readonly version: string;
    readonly chainId: bigint;
    readonly verifyingContract: Address;
  };
  readonly types: { readonly Receipt: readonly TypedDataField[] };
  readonly primaryType: "Receipt";
  readonly message: Receipt;
}

/**
 * Anything that signs EIP-712 typed data like an ethers v6 `Signer` (a `Wallet`, a browser or Hardhat signer).
 */
export interface ReceiptSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/** Options of {@link buildReceipt}. */
export interface BuildReceiptOptions {
  /** Current unix time in seconds: when given, a receipt whose deadline has passed is refused. */
  readonly now?: IntegerLike;
}

/**
 * Validates a receipt: shop and customer non-zero addresses, positive chain id, order id `1 .. 2^64 - 1`, amount
 * `1 .. 2^96 - 1`, non-zero
 * order hash, referrer not the customer, deadline in unix seconds (and not passed, if `now` is given).
 *
 * @param input - The receipt fields.
 * @param options - `now` (unix seconds) to refuse an expired receipt.
 * @returns The validated receipt.
 * @throws `InvalidAddressError`, `InvalidChainIdError`, `InvalidAmountError`, `InvalidBytes32Error`,
 * `InvalidDeadlineError`, `InvalidOrderError` (self-referral) or `ReceiptExpiredError`.
 * @example
 * ```ts
 * const receipt = buildReceipt(
 *   { shop, chainId: 31337, orderId: 1001n, customer: alice, amount: 10n ** 16n, orderHash, deadline: now + 3600 },
 *   { now },
 * );
 * ```
 */
export function buildReceipt(input: ReceiptInput, options: BuildReceiptOptions = {}): Receipt {
  if (typeof input !== "object" || input === null) throw new InvalidOrderError("receipt", "expected an object");
  const shop = validateAddress("shop", input.shop);
  const chainId = validateChainId(input.chainId);
  const orderId = validateOrderId("orderId", input.orderId);
  const customer = validateAddress("customer", input.customer);
  const amount = validateWeiAmount("amount", input.amount);
  const orderHash = validateBytes32("orderHash", input.orderHash, { allowZero: false });
  const referrer = validateOptionalAddress("referrer", input.referrer);
  if (referrer === customer) throw new InvalidOrderError("referrer", "a customer cannot refer itself");
  const deadline = validateDeadline(input.deadline, options.now);
  return { shop, chainId, orderId, customer, amount, orderHash, referrer, deadline };
}

/**
 * The JSON-safe form of a receipt (decimal strings for integers).
 *
 * @param receipt - A receipt.
 * @returns The receipt with string integers; `buildReceipt(receiptToJson(r))` gives `r` back.
 * @example
 * ```ts
 * const text = JSON.stringify({ ...signed, receipt: receiptToJson(signed.receipt) });
 * ```
 */
export function receiptToJson(receipt: ReceiptInput): ReceiptJson {
  const r = buildReceipt(receipt);
  return {
    shop: r.shop,
    chainId: r.chainId.toString(),
    orderId: r.orderId.toString(),
    customer: r.customer,
    amount: r.amount.toString(),
    orderHash: r.orderHash,
    referrer: r.referrer,
    deadline: r.deadline.toString(),
  };
}

/**
 * The EIP-712 typed data of a receipt (validated), for ethers (`signTypedData(domain, types, message)`), viem
 * (`hashTypedData(typedData)`) or a wallet's `eth_signTypedData_v4`.
 *
 * @param input - The receipt.
 * @returns `{ domain, types, primaryType: "Receipt", message }`.
 * @example
 * ```ts
 * const { domain, types, message } = receiptTypedData(receipt);
 * const signature = await wallet.signTypedData(domain, { Receipt: [...types.Receipt] }, message);
 * ```
 */
export function receiptTypedData(input: ReceiptInput): ReceiptTypedData {
  const message = buildReceipt(input);
  return {
    domain: {
      name: RECEIPT_DOMAIN_NAME,
      version: RECEIPT_DOMAIN_VERSION,
      chainId: message.chainId,
      verifyingContract: message.shop,
    },
    types: RECEIPT_TYPES,
    primaryType: "Receipt",
    message,
  };
}

function ethersArgs(input: ReceiptInput): [TypedDataDomain, Record<string, TypedDataField[]>, Record<string, unknown>] {
  const t = receiptTypedData(input);
  return [{ ...t.domain }, { Receipt: t.types.Receipt.map((f) => ({ ...f })) }, { ...t.message }];
}

function digestOf(input: ReceiptInput): Hex {
  const t = receiptTypedData(input);
  return hashTypedData({
    domain: t.domain,
    types: { Receipt: t.types.Receipt.map((f) => ({ ...f })) },
    primaryType: "Receipt",
    message: { ...t.message },
  });
}

/**
 * The EIP-712 digest of a receipt (`Shop.receiptDigest`): what an EOA signs and what an ERC-1271 wallet's
 * `isValidSignature(digest, signature)` is asked about.
 *
 * @param input - The receipt.
 * @returns `keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(receipt))`.
 * @example
 * ```ts
 * const digest = receiptDigest(receipt); // equals await shop.receiptDigest(receipt)
 * ```
 */
export function receiptDigest(input: ReceiptInput): Hex {
  return digestOf(input);
}

/**
 * Recovers the EOA that signed a receipt. Refuses what the shop's ECDSA refuses: signatures that are not 65 bytes
 * or have a high `s` (malleable).
 *
 * @param input - The receipt.
 * @param signature - The 65-byte signature.
 * @returns The checksummed signer address.
 * @throws {@link ReceiptSignatureError} for a malformed or malleable signature.
 * @example
 * ```ts
 * recoverReceiptSigner(signed.receipt, signed.signature) === operator.address; // true
 * ```
 */
export function recoverReceiptSigner(input: ReceiptInput, signature: string): Address {
  const digest = digestOf(input);
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    throw new ReceiptSignatureError("expected a 65-byte ECDSA signature (0x followed by 130 hex digits)");
  }
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if (s > HALF_ORDER) throw new ReceiptSignatureError("high-s (malleable) signature; the shop refuses it");
  let recovered: string;
  try {
    recovered = Secp256k1.recoverAddress({ payload: digest, signature: Signature.fromHex(signature as Hex) });
  } catch (error) {
    throw new ReceiptSignatureError(`cannot recover a signer: ${(error as Error).message}`);
  }
  return validateAddress("recovered", recovered);
}

/** Options of {@link signReceipt}. */
export interface SignReceiptOptions {
  /** Current unix time in seconds: an expired receipt is refused before signing. */
  readonly now: IntegerLike;
  /**
   * The signer is a contract wallet (ERC-1271): skip the ECDSA recovery check, which cannot hold for it. Verify
   * with `isValidSignature(receiptDigest(receipt), signature)` on chain instead.
   */
  readonly contractSigner?: boolean;
}

/**
 * Validates a receipt and signs it with an ethers-compatible signer (`signTypedData`), then checks that the
 * signature recovers to the signer (unless `contractSigner`). The signer must hold the shop's `OPERATOR_ROLE` for
 * the shop to accept the receipt.
 *
 * @param signer - An ethers v6 `Signer` (or anything with `getAddress` and `signTypedData`), or a {@link Transport}
 * with a signer (`fromViem({ publicClient, walletClient })`, `fromEthers(signer)`).
 * @param input - The receipt.
 * @param options - `now` (unix seconds; expired receipts are refused), `contractSigner` for ERC-1271 wallets.
 * @returns The receipt, signer address and signature: the arguments of `Shop.redeemReceipt`.
 * @throws The typed errors of {@link buildReceipt} (before anything is signed); {@link ReceiptSignatureError} if
 * the signature does not recover to the signer.
 * @example
 * ```ts
 * const signed = await signReceipt(operatorWallet, { shop, chainId: 31337, orderId: 1001n, customer, amount,
 *   orderHash, deadline: now + 86_400 }, { now });
 * await shop.connect(customer).redeemReceipt(signed.receipt, signed.signer, signed.signature);
 * ```
 */
export async function signReceipt(
  signer: ReceiptSigner | Transport,
  input: ReceiptInput,
  options: SignReceiptOptions,
): Promise<SignedReceipt> {
  const receipt = buildReceipt(input, { now: options.now });
  let address: Address;
  let signature: Hex;
  if (isTransport(signer)) {
    const account = await signer.account();
    if (account === undefined)
      throw new ShareMallError("NO_SIGNER", "Signing a receipt needs a transport with a signer");
    address = validateAddress("signer", account);
    const t = receiptTypedData(receipt);
    signature = await signer.signTypedData({
      domain: t.domain,
      types: { Receipt: t.types.Receipt },
      primaryType: t.primaryType,
      message: { ...t.message },
    });
  } else {
    address = validateAddress("signer", await signer.getAddress());
    const [domain, types, message] = ethersArgs(receipt);
    signature = (await signer.signTypedData(domain, types, message)) as Hex;
  }
  if (!options.contractSigner) {
    const recovered = recoverReceiptSigner(receipt, signature);
    if (recovered !== address)
      throw new ReceiptSignatureError("signature does not recover to the signer", address, recovered);
  }
  return { receipt, signer: address, signature };
}

function isTransport(signer: ReceiptSigner | Transport): signer is Transport {
  return (
    typeof (signer as Transport).signTypedData === "function" && typeof (signer as Transport).account === "function"
  );
}

/** What {@link verifyReceipt} checks a signed receipt against. */
export interface ReceiptExpectations {
  /** The shop it will be submitted to. */
  readonly shop: string;
  /** The chain it will be submitted on. */
  readonly chainId: IntegerLike;
  /** Current unix time in seconds. */
  readonly now: IntegerLike;
  /** The operator expected to have signed (optional; `signed.signer` must match the recovered signer anyway). */
  readonly signer?: string;
}

/** A signed receipt as received (e.g. parsed JSON): integers may be strings. */
export interface SignedReceiptInput {
  readonly receipt: ReceiptInput;
  readonly signer: string;
  readonly signature: string;
}

/**
 * Checks a signed receipt off chain the way the shop will, in the shop's order: deadline, chain, shop, then the
 * ECDSA signature (which must recover to `signed.signer`, and to `expected.signer` if given). Whether the signer
 * holds `OPERATOR_ROLE` is a chain read and is not checked here.
 *
 * @param signed - `{ receipt, signer, signature }`.
 * @param expected - The shop and chain it is meant for, the current time and optionally the signer.
 * @returns The validated receipt.
 * @throws `ReceiptExpiredError`, {@link ReceiptWrongChainError}, {@link ReceiptWrongShopError},
 * {@link ReceiptSignatureError}, or a validation error for malformed fields.
 * @example
 * ```ts
 * verifyReceipt(JSON.parse(text), { shop, chainId: 31337, now: Math.floor(Date.now() / 1000) });
 * ```
 */
export function verifyReceipt(signed: SignedReceiptInput, expected: ReceiptExpectations): Receipt {
  if (typeof signed !== "object" || signed === null) throw new InvalidOrderError("signed", "expected an object");
  const receipt = buildReceipt(signed.receipt, { now: expected.now });
  const chainId = validateChainId(expected.chainId);
  if (receipt.chainId !== chainId) throw new ReceiptWrongChainError(chainId, receipt.chainId);
  const shop = validateAddress("expected.shop", expected.shop);
  if (receipt.shop !== shop) throw new ReceiptWrongShopError(shop, receipt.shop);
  const claimed = validateAddress("signer", signed.signer);
  if (expected.signer !== undefined) {
    const want = validateAddress("expected.signer", expected.signer);
    if (want !== claimed) throw new ReceiptSignatureError("receipt names another signer", want, claimed);
  }
  const recovered = recoverReceiptSigner(receipt, signed.signature);
  if (recovered !== claimed)
    throw new ReceiptSignatureError("signature does not recover to the signer", claimed, recovered);
  return receipt;
}

/**
 * Whether a receipt has expired at `now` (the shop accepts it while `block.timestamp <= deadline`).
 *
 * @param receipt - The receipt (or anything with a `deadline`).
 * @param now - Unix time in seconds.
 * @returns `true` if `now > deadline`.
 * @example
 * ```ts
 * isReceiptExpired(receipt, Math.floor(Date.now() / 1000));
 * ```
 */
export function isReceiptExpired(receipt: { readonly deadline: IntegerLike }, now: IntegerLike): boolean {
  try {
    validateDeadline(receipt.deadline, now);
    return false;
  } catch (error) {
    if (error instanceof ReceiptExpiredError) return true;
    throw error;
  }
}

/**
 * Throws if a receipt has expired at `now`.
 *
 * @param receipt - The receipt (or anything with a `deadline`).
 * @param now - Unix time in seconds.
 * @throws `ReceiptExpiredError` if `now > deadline`; `InvalidDeadlineError` if either is malformed.
 * @example
 * ```ts
 * assertReceiptNotExpired(receipt, await time.latest());
 * ```
 */
export function assertReceiptNotExpired(receipt: { readonly deadline: IntegerLike }, now: IntegerLike): void {
  validateDeadline(receipt.deadline, now);
}
