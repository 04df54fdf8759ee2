/**
 * The ShareMall holder page: connect any EIP-1193 wallet (or enter an address, read only), see every ShareMall
 * token the address holds across the factory's shops with its balance, share, claimable and earned dividends,
 * pending rule changes and daily dividends, and claim (to itself or to another address) one token or all at once.
 */
import {
  createPublicClient,
  createWalletClient,
  custom,
  defineChain,
  getAddress,
  http,
  isAddress,
  type PublicClient,
} from "viem";
import { dividendTokenAbi } from "../../sdk/src/abis.js";
import { decodeContractError } from "../../sdk/src/contract-errors.js";
import type { Transport } from "../../sdk/src/client/transport.js";
import { fromViem } from "../../sdk/src/client/viem.js";
import { claim, claimable, claimMany, claimTo } from "../../sdk/src/holder.js";
import { confirmPayment, reclaimPayment, requestReturn, withdrawReturns } from "../../sdk/src/payments.js";
import type { RulesChange, RulesSpec } from "../../sdk/src/rules.js";
import type { Address, Hex } from "../../sdk/src/types.js";
import { atomicBatchSupport, claimedIn, sendClaimBatch, waitForBatch, type BatchVersion } from "./batch.js";
import { dailyChart } from "./chart.js";
import { ConfigError, loadConfig, type AppConfig } from "./config.js";
import { CHART_DAYS, loadHolder, type HolderView, type PendingChange, type TokenRow } from "./data.js";
import { dappBrowserLinks, discoverWallets, INJECTED_ID, WALLETCONNECT_ID, type AnnouncedWallet } from "./discovery.js";
import { h } from "./dom.js";
import { explainError } from "./errors.js";
import { fiatMinorUnits, formatFiat } from "./fiat.js";
import { formatDateTime, formatShare, formatUnits18, shortAddress } from "./format.js";
import { initialLang, lang, setLang, t, type Lang, type MessageKey } from "./i18n.js";
import type { HeldPayment, OwedReturn, PastPayment, PaymentsView } from "./payments.js";
import {
  connectedAccount,
  injectedProvider,
  requestAccount,
  switchChain,
  walletChainId,
  type Eip1193Provider,
} from "./wallet.js";
import { qrDataUrl, walletConnect, type WalletConnectSession } from "./walletconnect.js";
import "./style.css";

// ------------------------------------------------------------------ State

type TxKind =
  | { readonly kind: "claim"; readonly symbol: string }
  | { readonly kind: "claimTo"; readonly symbol: string; readonly recipient: Address }
  | { readonly kind: "claimAll"; readonly count: number }
  | {
      readonly kind: "payConfirm" | "payReturn" | "payReclaim" | "withdraw";
      readonly amount: bigint;
      readonly shopName: string;
    };

/** What a confirmed payment step did (as data: it reads in the language of the moment, and survives a reload). */
type Done =
  | { readonly kind: "payConfirmed"; readonly amount: bigint; readonly shop: string }
  | { readonly kind: "returnRequested" }
  | { readonly kind: "reclaimed"; readonly amount: bigint; readonly owed: bigint; readonly recipient: Address }
  | { readonly kind: "withdrawn"; readonly amount: bigint; readonly recipient: Address }
  /** Mined, found after a reload (what it did is on the chain, not in the page). */
  | { readonly kind: "mined" };

/** What a confirmed transaction did. */
interface TxResult {
  /** Coin paid out (claims). */
  readonly paid?: { readonly amount: bigint; readonly recipient: Address };
  readonly skipped?: readonly { readonly token: Address; readonly reason: Hex }[];
  /** The confirmation (payment steps). */
  readonly done?: Done;
}

interface TxEntry extends TxResult {
  readonly id: number;
  readonly what: TxKind;
  status: "wallet" | "pending" | "confirmed" | "failed";
  hash?: Hex;
  /** An EIP-5792 batch (claim all through `wallet_sendCalls`): its id, until it is final. */
  batch?: { readonly id: string; readonly version: BatchVersion; readonly calls: number };
  error?: unknown;
  /** The failure in words, as it was explained when it happened (restored entries have no `error`). */
  errorText?: string;
}

interface State {
  config?: AppConfig;
  configError?: string;
  /** EIP-6963 wallets announced so far. */
  wallets: readonly AnnouncedWallet[];
  /** `window.ethereum`: used only when no wallet announces itself. */
  injected?: Eip1193Provider;
  /** The wallet in use, and its id (rdns, "injected" or "walletconnect"). */
  provider?: Eip1193Provider;
  walletId?: string;
  /** The wallet picker is open. */
  picking: boolean;
  /** WalletConnect pairing under way: the URI and its QR code once the library made them. */
  pairing?: { uri?: string; qr?: string; copied?: boolean };
  /** Whose transactions `txs` are (chain + account; see {@link txKey}). */
  txOwner?: string;
  account?: Address;
  walletChain?: number;
  connecting: boolean;
  switching: boolean;
  walletError?: unknown;
  readonlyAddress?: Address;
  view?: HolderView;
  viewFor?: Address;
  loading: boolean;
  loadError?: unknown;
  txs: TxEntry[];
  busy: boolean;
  claimToToken?: Address;
  recipientInput: string;
}

const state: State = {
  wallets: [],
  picking: false,
  connecting: false,
  switching: false,
  loading: false,
  txs: [],
  busy: false,
  recipientInput: "",
};
let publicClient: PublicClient | undefined;
let readTransport: Transport | undefined;
let loadSeq = 0;
let txSeq = 0;

const LANG_KEY = "sharemall.lang";
const DISCONNECTED_KEY = "sharemall.disconnected";
/** The wallet the holder chose: an EIP-6963 rdns, "injected" or "walletconnect". */
const WALLET_KEY = "sharemall.wallet";
/** Transactions kept per chain and account. */
const TXS_KEY = "sharemall.txs";
const TXS_KEPT = 50;
let stopListening: (() => void) | undefined;
let wcSession: WalletConnectSession | undefined;

const viewedAddress = (): Address | undefined => state.account ?? state.readonlyAddress;
const onRightChain = (): boolean => state.config !== undefined && state.walletChain === state.config.chainId;
const coin = (): string => state.config?.currencySymbol ?? "";

// ------------------------------------------------------------------ Address input

/** Validates a typed address: hex shape, checksum when mixed case, not zero. */
export function checkAddress(value: string): { ok: true; address: Address } | { ok: false; error: MessageKey } {
  const text = value.trim();
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return { ok: false, error: "recipient.invalid" };
  const mixed = text.slice(2) !== text.slice(2).toLowerCase() && text.slice(2) !== text.slice(2).toUpperCase();
  if (mixed && !isAddress(text, { strict: true })) return { ok: false, error: "recipient.checksum" };
  const address = getAddress(text) as Address;
  if (/^0x0{40}$/.test(address)) return { ok: false, error: "recipient.zero" };
  return { ok: true, address };
}

// ------------------------------------------------------------------ Chain access

function setupClients(config: AppConfig): void {
  const chain = defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: config.currencySymbol, symbol: config.currencySymbol, decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
  publicClient = createPublicClient({ chain, transport: http(config.rpcUrl), pollingInterval: 1_000 }) as PublicClient;
  readTransport = fromViem({ publicClient });
}

/** A transport that signs with the wallet and reports the hash as soon as the wallet has sent the transaction. */
function walletTransport(onSent: (hash: Hex) => void): Transport {
  const account = state.account!;
  const walletClient = createWalletClient({
    account,
    chain: publicClient!.chain,
    transport: custom(state.provider!),
  });
  const base = fromViem({ publicClient: publicClient!, walletClient });
  return {
    ...base,
    send: async (call) => {
      const hash = await base.send(call);
      onSent(hash);
      return hash;
    },
  };
}

async function refresh(): Promise<void> {
  const address = viewedAddress();
  const seq = ++loadSeq;
  if (address === undefined || state.config === undefined || readTransport === undefined) {
    state.view = undefined;
    state.viewFor = undefined;
    state.loading = false;
    render();
    return;
  }
  state.loading = true;
  state.loadError = undefined;
  if (state.viewFor !== address) state.view = undefined;
  render();
  try {
    const view = await loadHolder(readTransport, state.config, address);
    if (seq !== loadSeq) return;
    state.view = view;
    state.viewFor = address;
  } catch (error) {
    if (seq !== loadSeq) return;
    console.error(error);
    state.loadError = error;
  } finally {
    if (seq === loadSeq) {
      state.loading = false;
      render();
    }
  }
}

// ------------------------------------------------------------------ Wallet

/** A wallet the holder can pick. */
interface WalletOption {
  readonly id: string;
  readonly name: string;
  readonly icon: string | null;
  readonly provider?: Eip1193Provider;
}

/** The announced wallets; `window.ethereum` only when none announces; WalletConnect when configured. */
function walletOptions(): WalletOption[] {
  const options: WalletOption[] = state.wallets.map((w) => ({
    id: w.info.rdns,
    name: w.info.name,
    icon: w.info.icon,
    provider: w.provider,
  }));
  if (options.length === 0 && state.injected !== undefined) {
    options.push({ id: INJECTED_ID, name: t("wallet.browser"), icon: null, provider: state.injected });
  }
  if (state.config?.walletConnectProjectId != null) {
    options.push({ id: WALLETCONNECT_ID, name: t("wallet.walletconnect"), icon: null });
  }
  return options;
}

function injectedOption(id: string | null): WalletOption | undefined {
  return walletOptions().find((o) => o.id === id && o.provider !== undefined);
}

/** Uses `provider` from now on: every request goes to it; `remember` keeps the choice for the next visit. */
function useProvider(id: string, provider: Eip1193Provider, remember: boolean): void {
  if (state.provider !== provider) {
    stopListening?.();
    stopListening = listen(provider);
  }
  state.provider = provider;
  state.walletId = id;
  if (remember) localStorage.setItem(WALLET_KEY, id);
}

async function syncWallet(): Promise<void> {
  if (state.provider === undefined) return;
  state.walletChain = await walletChainId(state.provider);
}

function setAccount(account: `0x${string}` | undefined): void {
  state.account = account === undefined ? undefined : (getAddress(account) as Address);
  loadTxs();
}

/** Connect: straight to the only wallet there is, else the picker. */
function openWallets(): void {
  const options = walletOptions();
  const only = options.length === 1 ? options[0] : undefined;
  if (only?.provider !== undefined) {
    void choose(only);
    return;
  }
  state.picking = true;
  state.walletError = undefined;
  render();
}

async function choose(option: WalletOption): Promise<void> {
  state.picking = false;
  if (option.id === WALLETCONNECT_ID) {
    await pairWalletConnect();
    return;
  }
  useProvider(option.id, option.provider!, true);
  await connect();
}

async function connect(): Promise<void> {
  if (state.provider === undefined) return;
  state.connecting = true;
  state.walletError = undefined;
  render();
  try {
    const account = await requestAccount(state.provider);
    if (account !== undefined) {
      setAccount(account);
      state.readonlyAddress = undefined;
      localStorage.removeItem(DISCONNECTED_KEY);
      await syncWallet();
    }
  } catch (error) {
    state.walletError = error;
  } finally {
    state.connecting = false;
  }
  await refresh();
}

/** WalletConnect: shows the pairing URI (QR code and link) until the phone wallet approves. */
async function pairWalletConnect(): Promise<void> {
  const config = state.config!;
  state.pairing = {};
  state.walletError = undefined;
  render();
  try {
    wcSession ??= await walletConnect(config, config.walletConnectProjectId!);
    const session = wcSession;
    if (!session.connected()) {
      await session.pair(async (uri) => {
        const qr = await qrDataUrl(uri);
        if (state.pairing !== undefined) state.pairing = { uri, qr };
        render();
      });
    }
    if (state.pairing === undefined) return; // cancelled meanwhile
    state.pairing = undefined;
    useProvider(WALLETCONNECT_ID, session.provider, true);
    const account = await connectedAccount(session.provider);
    if (account !== undefined) {
      setAccount(account);
      state.readonlyAddress = undefined;
      localStorage.removeItem(DISCONNECTED_KEY);
      await syncWallet();
    }
  } catch (error) {
    console.error(error);
    if (state.pairing !== undefined) state.walletError = new Error(t("wc.failed", { reason: errorText(error) }));
    state.pairing = undefined;
  }
  await refresh();
}

function cancelPairing(): void {
  state.pairing = undefined;
  state.picking = false;
  wcSession?.abort();
  render();
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function disconnect(): void {
  if (state.walletId === WALLETCONNECT_ID) void wcSession?.disconnect().catch((error) => console.error(error));
  setAccount(undefined);
  state.walletChain = undefined;
  localStorage.setItem(DISCONNECTED_KEY, "1");
  localStorage.removeItem(WALLET_KEY);
  void refresh();
}

async function switchNetwork(): Promise<void> {
  if (state.provider === undefined || state.config === undefined) return;
  state.switching = true;
  state.walletError = undefined;
  render();
  try {
    await switchChain(state.provider, state.config);
    await syncWallet();
  } catch (error) {
    state.walletError = error;
  } finally {
    state.switching = false;
    render();
  }
}

/** Follows the wallet's account and chain; returns a function that stops. */
function listen(provider: Eip1193Provider): () => void {
  const onAccounts = (accounts: unknown): void => {
    if (provider !== state.provider) return;
    const first = Array.isArray(accounts) && typeof accounts[0] === "string" ? accounts[0] : undefined;
    if (state.account === undefined && first !== undefined) return; // not connected here: ignore
    setAccount(first as `0x${string}` | undefined);
    void refresh();
  };
  const onChain = (id: unknown): void => {
    if (provider !== state.provider) return;
    state.walletChain = typeof id === "string" ? Number.parseInt(id, 16) : Number(id);
    render();
  };
  provider.on?.("accountsChanged", onAccounts);
  provider.on?.("chainChanged", onChain);
  return () => {
    provider.removeListener?.("accountsChanged", onAccounts);
    provider.removeListener?.("chainChanged", onChain);
  };
}

/** The wallet to reconnect silently at load: the remembered one, else the only one the browser has. */
async function initialWallet(): Promise<{ id: string; provider: Eip1193Provider } | undefined> {
  const stored = localStorage.getItem(WALLET_KEY);
  const config = state.config!;
  if (stored === WALLETCONNECT_ID && config.walletConnectProjectId !== null) {
    try {
      wcSession = await walletConnect(config, config.walletConnectProjectId);
      if (wcSession.connected()) return { id: WALLETCONNECT_ID, provider: wcSession.provider };
    } catch (error) {
      console.error(error);
    }
  }
  // Wallets announce themselves when asked, but an extension may load a moment later.
  if (stored !== null && stored !== WALLETCONNECT_ID && injectedOption(stored) === undefined) {
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  const remembered = injectedOption(stored);
  if (remembered !== undefined) return { id: remembered.id, provider: remembered.provider! };
  const injected = walletOptions().filter((o) => o.provider !== undefined);
  return injected.length === 1 ? { id: injected[0].id, provider: injected[0].provider! } : undefined;
}

// ------------------------------------------------------------------ Transactions kept across reloads

/** `sharemall.txs.<chainId>.<account>`: the transaction list of one account on one chain. */
function txKey(): string | undefined {
  if (state.config === undefined || state.account === undefined) return undefined;
  return `${TXS_KEY}.${state.config.chainId}.${state.account.toLowerCase()}`;
}

const BIG = "$bigint";
const toJson = (_key: string, value: unknown): unknown =>
  typeof value === "bigint" ? { [BIG]: value.toString() } : value;
const fromJson = (_key: string, value: unknown): unknown =>
  typeof value === "object" && value !== null && typeof (value as Record<string, unknown>)[BIG] === "string"
    ? BigInt((value as Record<string, string>)[BIG])
    : value;

function saveTxs(): void {
  const key = state.txOwner;
  if (key === undefined || key !== txKey()) return;
  const context = { coin: coin(), chainName: state.config!.chainName };
  const kept = state.txs.slice(0, TXS_KEPT).map((tx) => {
    const { error, ...rest } = tx;
    return tx.status === "failed" && rest.errorText === undefined
      ? { ...rest, errorText: explainError(error, context) }
      : rest;
  });
  try {
    localStorage.setItem(key, JSON.stringify(kept, toJson));
  } catch (error) {
    console.error(error); // storage full or off: the list just does not survive a reload
  }
}

/** Shows the connected account's kept transactions, and follows those still pending. */
function loadTxs(): void {
  const key = txKey();
  if (key === state.txOwner) return;
  state.txOwner = key;
  state.txs = [];
  if (key === undefined) return;
  let stored: TxEntry[] = [];
  try {
    const raw = localStorage.getItem(key);
    if (raw !== null) stored = JSON.parse(raw, fromJson) as TxEntry[];
  } catch (error) {
    console.error(error);
  }
  if (!Array.isArray(stored)) stored = [];
  state.txs = stored;
  txSeq = Math.max(txSeq, ...stored.map((tx) => tx.id));
  for (const tx of stored) {
    if (tx.status === "wallet") {
      tx.status = "failed";
      tx.errorText = t("tx.interrupted");
    } else if (tx.status === "pending") void resume(tx, key);
  }
  saveTxs();
}

/** The tokens the page shows: the only contracts whose claim events count as payments. */
function knownTokens(): Address[] {
  return (state.view?.tokens ?? []).map((row) => row.token);
}

/** A transaction left pending by an earlier visit: its receipt (or its batch's status) decides. */
async function resume(tx: TxEntry, key: string): Promise<void> {
  const account = state.account!;
  try {
    let result: TxResult;
    if (tx.batch !== undefined) {
      if (state.provider === undefined) return;
      const outcome = await waitForBatch(state.provider, tx.batch, account, knownTokens());
      tx.hash = outcome.hash;
      result = { paid: { amount: outcome.total, recipient: outcome.recipient } };
    } else if (tx.hash !== undefined) {
      const receipt = await publicClient!.waitForTransactionReceipt({ hash: tx.hash, pollingInterval: 1_000 });
      if (receipt.status !== "success") throw new Error(t("tx.reverted"));
      const claimKinds = ["claim", "claimTo", "claimAll"];
      if (claimKinds.includes(tx.what.kind)) {
        const logs = receipt.logs.map((log) => ({
          address: log.address as Address,
          topics: log.topics as readonly Hex[],
          data: log.data as Hex,
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash as Hex,
          logIndex: log.logIndex,
        }));
        const { total, recipient } = claimedIn(logs, account, knownTokens());
        result = { paid: { amount: total, recipient } };
      } else result = { done: { kind: "mined" } };
    } else return;
    if (state.txOwner !== key) return;
    Object.assign(tx, result, { status: "confirmed", batch: undefined });
  } catch (error) {
    if (state.txOwner !== key) return;
    tx.status = "failed";
    tx.error = error;
    tx.errorText = explainError(error, { coin: coin(), chainName: state.config!.chainName });
  }
  render();
  void refresh();
}

// ------------------------------------------------------------------ New blocks

let lastBlock: bigint | undefined;
let watching = false;

/** Re-reads only the claimable amounts of the tokens shown (no history) when a new block arrives. */
async function onBlockTick(): Promise<void> {
  if (watching || publicClient === undefined || document.hidden) return;
  watching = true;
  try {
    const block = await publicClient.getBlockNumber({ cacheTime: 0 });
    if (lastBlock !== undefined && block <= lastBlock) return;
    const first = lastBlock === undefined;
    lastBlock = block;
    if (first) return;
    await refreshClaimables();
  } catch (error) {
    console.warn("block check failed", error);
  } finally {
    watching = false;
  }
}

async function refreshClaimables(): Promise<void> {
  const view = state.view;
  if (view === undefined || state.loading || state.busy || view.holder !== viewedAddress()) return;
  const claimables = await Promise.all(
    view.tokens.map((row) =>
      publicClient!.readContract({
        address: row.token,
        abi: dividendTokenAbi,
        functionName: "claimable",
        args: [view.holder],
      }),
    ),
  );
  if (state.view !== view || state.loading) return;
  // Less than before: claimed from elsewhere; the claimed totals changed too, so read everything again.
  if (claimables.some((c, i) => c < view.tokens[i].claimable)) {
    await refresh();
    return;
  }
  if (claimables.every((c, i) => c === view.tokens[i].claimable)) return;
  const tokens = view.tokens.map((row, i) => ({
    ...row,
    claimable: claimables[i],
    earned: row.claimed + claimables[i],
  }));
  state.view = {
    ...view,
    tokens,
    claimableTotal: tokens.reduce((sum, r) => sum + r.claimable, 0n),
    earnedTotal: tokens.reduce((sum, r) => sum + r.earned, 0n),
  };
  render();
}

// ------------------------------------------------------------------ Claims

async function runTx(what: TxKind, send: (transport: Transport, entry: TxEntry) => Promise<TxResult>): Promise<void> {
  let entry: TxEntry = { id: ++txSeq, what, status: "wallet" };
  state.txs.unshift(entry);
  state.busy = true;
  render();
  try {
    const transport = walletTransport((hash) => {
      entry.status = "pending";
      entry.hash = hash;
      render();
    });
    const result = await send(transport, entry);
    const done: TxEntry = { ...entry, ...result, status: "confirmed", batch: undefined };
    state.txs[state.txs.indexOf(entry)] = done;
    entry = done;
  } catch (error) {
    console.error(error);
    entry.status = "failed";
    entry.error = error;
  } finally {
    state.busy = false;
    state.claimToToken = undefined;
    state.recipientInput = "";
  }
  await refresh();
}

function claimToken(row: TokenRow): void {
  void runTx({ kind: "claim", symbol: row.symbol }, async (transport) => {
    const result = await claim(transport, { token: row.token });
    return { paid: { amount: result.amount, recipient: result.recipient } };
  });
}

function claimTokenTo(row: TokenRow, recipient: Address): void {
  void runTx({ kind: "claimTo", symbol: row.symbol, recipient }, async (transport) => {
    const result = await claimTo(transport, { token: row.token, recipient });
    return { paid: { amount: result.amount, recipient: result.recipient } };
  });
}

/**
 * Claim all: one EIP-5792 batch (`wallet_sendCalls`, one `claim()` per token) when the wallet runs batches
 * atomically on this chain, else the factory's `claimMany` (one transaction).
 */
function claimAll(rows: readonly TokenRow[]): void {
  const tokens = rows.filter((r) => r.claimable > 0n).map((r) => r.token);
  void runTx({ kind: "claimAll", count: tokens.length }, async (transport, entry) => {
    const provider = state.provider!;
    const account = state.account!;
    const chainId = state.config!.chainId;
    const version = await atomicBatchSupport(provider, account, chainId);
    // An atomic batch fails as a whole if one claim has nothing left (paid out by the keeper or claimed elsewhere
    // since the page read it): read the amounts again and leave those out.
    const due =
      version === null
        ? tokens
        : (
            await Promise.all(
              tokens.map(async (token) =>
                (await claimable(transport, { token, holder: account })) > 0n ? token : null,
              ),
            )
          ).filter((token): token is Address => token !== null);
    if (version !== null && due.length === 0) return { paid: { amount: 0n, recipient: account } };
    if (version !== null && due.length > 0) {
      const sent = await sendClaimBatch(provider, account, chainId, due, version);
      entry.status = "pending";
      entry.batch = { ...sent, calls: due.length };
      render();
      const outcome = await waitForBatch(provider, sent, account, due);
      if (outcome.hash !== undefined) entry.hash = outcome.hash;
      return { paid: { amount: outcome.total, recipient: outcome.recipient } };
    }
    const result = await claimMany(transport, { factory: state.config!.factory, tokens });
    return {
      paid: { amount: result.total, recipient: result.recipient },
      ...(result.skipped.length > 0 ? { skipped: result.skipped } : {}),
    };
  });
}

// ------------------------------------------------------------------ Payment steps (the customer's)

function confirmHeld(p: HeldPayment): void {
  const terms = p.payment.terms!;
  const what = { kind: "payConfirm", amount: terms.amountWei, shopName: p.shopName } as const;
  void runTx(what, async (transport) => {
    const result = await confirmPayment(transport, { shop: p.shop, payment: terms });
    return { done: { kind: "payConfirmed", amount: result.capture.amountWei, shop: p.shopName } };
  });
}

function requestReturnOf(p: HeldPayment): void {
  const terms = p.payment.terms!;
  void runTx({ kind: "payReturn", amount: terms.amountWei, shopName: p.shopName }, async (transport) => {
    await requestReturn(transport, { shop: p.shop, payment: terms });
    return { done: { kind: "returnRequested" } };
  });
}

/** "… returned to you", and what the customer's address did not take, owed to it. */
function returnedText(amount: bigint, owed: bigint, recipient: Address): string {
  const back = t("tx.reclaimed", {
    amount: formatUnits18(amount - owed),
    coin: coin(),
    recipient: shortAddress(recipient),
  });
  return owed === 0n ? back : `${back} ${t("tx.owedAfter", { amount: formatUnits18(owed), coin: coin() })}`;
}

function reclaimHeld(p: HeldPayment): void {
  const terms = p.payment.terms!;
  void runTx({ kind: "payReclaim", amount: terms.amountWei, shopName: p.shopName }, async (transport) => {
    const result = await reclaimPayment(transport, { shop: p.shop, payment: terms });
    return {
      done: { kind: "reclaimed", amount: result.returnedWei, owed: result.owedWei, recipient: result.customer },
    };
  });
}

/** A payment step's confirmation in the current language. */
function doneText(done: Done): string {
  switch (done.kind) {
    case "payConfirmed":
      return t("tx.payConfirmed", { amount: formatUnits18(done.amount), coin: coin(), shop: done.shop });
    case "returnRequested":
      return t("tx.returnRequested");
    case "reclaimed":
      return returnedText(done.amount, done.owed, done.recipient);
    case "withdrawn":
      return t("tx.withdrawn", {
        amount: formatUnits18(done.amount),
        coin: coin(),
        recipient: shortAddress(done.recipient),
      });
    case "mined":
      return t("tx.mined");
  }
}

function withdrawOwed(o: OwedReturn): void {
  void runTx({ kind: "withdraw", amount: o.amount, shopName: o.shopName }, async (transport) => {
    const result = await withdrawReturns(transport, { shop: o.shop });
    return { done: { kind: "withdrawn", amount: result.amountWei, recipient: result.to } };
  });
}

// ------------------------------------------------------------------ Rendering

const app = document.getElementById("app")!;
/** Phones get a narrower chart (larger text). */
const narrow = window.matchMedia("(max-width: 720px)");

function button(
  label: string,
  onclick: () => void,
  attrs: Record<string, string | boolean | undefined> = {},
): HTMLButtonElement {
  return h(
    "button",
    { type: "button", ...attrs, onclick: (event: Event) => (event.preventDefault(), onclick()) },
    label,
  );
}

function renderHeader(): HTMLElement {
  const other: Lang = lang() === "en" ? "zh-CN" : "en";
  const walletPart: Node[] = [];
  if (state.account !== undefined) {
    walletPart.push(
      h(
        "span",
        { class: "account", "data-testid": "wallet-status", title: state.account },
        t("wallet.connected", { address: shortAddress(state.account) }),
      ),
      button(t("wallet.disconnect"), disconnect, { class: "link" }),
    );
  } else if (walletOptions().length > 0) {
    walletPart.push(
      button(state.connecting ? t("wallet.connecting") : t("wallet.connect"), openWallets, {
        class: "primary",
        "data-testid": "connect",
        disabled: state.connecting || state.config === undefined || state.pairing !== undefined,
      }),
    );
  }
  return h(
    "header",
    { class: "top" },
    h(
      "div",
      { class: "brand" },
      h("span", { class: "logo", "aria-hidden": "true" }, "◆"),
      h("div", {}, h("h1", {}, t("app.title")), h("p", { class: "subtitle" }, t("app.subtitle"))),
    ),
    h(
      "div",
      { class: "controls" },
      button(t("lang.switch"), () => changeLang(other), {
        class: "lang",
        "data-testid": "lang",
        "aria-label": t("lang.switchLabel"),
        lang: other,
      }),
      ...walletPart,
    ),
  );
}

function renderNotices(): Node[] {
  const out: Node[] = [];
  const config = state.config!;
  if (state.wallets.length === 0 && state.injected === undefined) out.push(renderNoWallet());
  if (state.picking && state.account === undefined) out.push(renderPicker());
  if (state.pairing !== undefined) out.push(renderPairing());
  if (state.account !== undefined && state.walletChain !== undefined && !onRightChain()) {
    out.push(
      h(
        "div",
        { class: "notice warn", role: "alert", "data-testid": "wrong-network" },
        h(
          "p",
          {},
          t("network.wrong", {
            actual: chainLabel(state.walletChain),
            expected: config.chainName,
            expectedId: config.chainId,
          }),
        ),
        button(
          state.switching ? t("network.switching") : t("network.switch", { name: config.chainName }),
          () => void switchNetwork(),
          {
            class: "primary",
            "data-testid": "switch-network",
            disabled: state.switching,
          },
        ),
      ),
    );
  }
  if (state.walletError !== undefined) {
    out.push(
      h(
        "p",
        { class: "notice error", role: "alert", "data-testid": "wallet-error" },
        explainError(state.walletError, { coin: coin(), chainName: config.chainName }),
      ),
    );
  }
  return out;
}

/** No wallet in this browser: the links that open the page in a mobile wallet's dapp browser. */
function renderNoWallet(): HTMLElement {
  const links = dappBrowserLinks(location.href);
  return h(
    "div",
    { class: "notice info", "data-testid": "no-wallet" },
    h("p", {}, t("wallet.none")),
    h("p", { class: "dapp-title" }, h("strong", {}, t("dapp.title"))),
    h("p", { class: "muted small" }, t("dapp.caption")),
    h(
      "div",
      { class: "buttons dapp-links", "data-testid": "dapp-links" },
      ...links.map((link) =>
        h(
          "a",
          {
            class: "button",
            href: link.href,
            rel: "noopener noreferrer",
            "data-testid": "dapp-link",
            "data-wallet": link.wallet,
          },
          t("dapp.open", { wallet: link.wallet }),
        ),
      ),
    ),
    h("p", { class: "muted small" }, t("dapp.wechat")),
  );
}

function walletIcon(option: WalletOption): HTMLElement {
  if (option.icon !== null) return h("img", { class: "wallet-icon", src: option.icon, alt: "", width: 28, height: 28 });
  const letter = option.id === WALLETCONNECT_ID ? "WC" : option.name.slice(0, 1).toUpperCase();
  return h(
    "span",
    { class: `wallet-icon placeholder ${option.id === WALLETCONNECT_ID ? "wc" : ""}`, "aria-hidden": "true" },
    letter,
  );
}

/** The wallet picker: every announced wallet (name and icon from its announcement), then WalletConnect. */
function renderPicker(): HTMLElement {
  const options = walletOptions();
  const remembered = localStorage.getItem(WALLET_KEY);
  const hasWc = options.some((o) => o.id === WALLETCONNECT_ID);
  return h(
    "section",
    { class: "card picker", "data-testid": "wallet-picker", "aria-label": t("wallet.choose") },
    h("h2", {}, t("wallet.choose")),
    h("p", { class: "muted" }, hasWc ? t("wallet.chooseCaption") : t("wallet.chooseCaptionNoWc")),
    h(
      "ul",
      { class: "wallet-list" },
      ...options.map((option) =>
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: "wallet-option",
              "data-testid": option.id === WALLETCONNECT_ID ? "wallet-option-walletconnect" : "wallet-option",
              "data-wallet-id": option.id,
              onclick: (event: Event) => (event.preventDefault(), void choose(option)),
            },
            walletIcon(option),
            h(
              "span",
              { class: "wallet-text" },
              h("span", { class: "wallet-name" }, option.name),
              option.id === WALLETCONNECT_ID
                ? h("span", { class: "wallet-hint muted small" }, t("wallet.walletconnectHint"))
                : null,
            ),
            remembered === option.id ? h("span", { class: "tag" }, t("wallet.remembered")) : null,
          ),
        ),
      ),
    ),
    button(t("wallet.cancel"), () => ((state.picking = false), render()), {
      class: "link",
      "data-testid": "picker-cancel",
    }),
  );
}

/** The WalletConnect pairing: QR code, the `wc:` link to open or copy, and a way back. */
function renderPairing(): HTMLElement {
  const pairing = state.pairing!;
  const uri = pairing.uri;
  const body: (Node | null)[] = [];
  if (uri === undefined) body.push(h("p", { class: "muted", "data-testid": "wc-starting" }, t("wc.starting")));
  else {
    const field = h("input", {
      id: "wc-uri",
      type: "text",
      readonly: true,
      value: uri,
      "data-testid": "wc-uri",
      onfocus: (event: Event) => (event.target as HTMLInputElement).select(),
    });
    body.push(
      h("p", { class: "muted" }, t("wc.hint")),
      pairing.qr !== undefined
        ? h("img", {
            class: "qr",
            src: pairing.qr,
            alt: t("wc.qrAlt"),
            width: 264,
            height: 264,
            "data-testid": "wc-qr",
          })
        : null,
      h("label", { for: "wc-uri" }, t("wc.linkLabel")),
      h(
        "div",
        { class: "row" },
        field,
        button(
          pairing.copied === true ? t("wc.copied") : t("wc.copy"),
          () => {
            void navigator.clipboard?.writeText(uri).then(
              () => {
                if (state.pairing?.uri === uri) state.pairing = { ...state.pairing, copied: true };
                render();
              },
              () => field.select(),
            );
          },
          { "data-testid": "wc-copy" },
        ),
      ),
      h("p", {}, h("a", { href: uri, class: "button primary", "data-testid": "wc-link" }, t("wc.open"))),
      h("p", { class: "muted small" }, t("wc.waiting")),
    );
  }
  return h(
    "section",
    { class: "card pairing", "data-testid": "walletconnect" },
    h("h2", {}, t("wc.title")),
    ...body,
    button(t("wallet.cancel"), cancelPairing, { class: "link", "data-testid": "wc-cancel" }),
  );
}

/** The estimate of `wei` in the shop's currency ("≈ ¥1,234.56 (est.)"), when config.json gives a rate. */
function fiat(wei: bigint): HTMLElement | null {
  const rate = state.config?.fiat ?? null;
  if (rate === null) return null;
  const minor = fiatMinorUnits(wei, rate);
  return h(
    "span",
    { class: "fiat", "data-testid": "fiat", "data-minor": minor.toString(), title: fiatRateText() },
    t("fiat.estimate", { amount: formatFiat(minor, rate.currency, lang()) }),
  );
}

function fiatRateText(): string {
  const rate = state.config!.fiat!;
  return t("fiat.rate", {
    coin: coin(),
    rate: rate.perNative,
    currency: rate.currency,
    asOf: rate.asOf === null ? "" : t("fiat.asOf", { date: rate.asOf }),
  });
}

/** Names of a few well-known chains, for the wrong-network warning. */
const KNOWN_CHAINS: Readonly<Record<number, string>> = {
  1: "Ethereum",
  10: "OP Mainnet",
  56: "BNB Smart Chain",
  137: "Polygon",
  8453: "Base",
  42161: "Arbitrum One",
  11155111: "Sepolia",
  31337: "Hardhat",
};

function chainLabel(id: number): string {
  const name = KNOWN_CHAINS[id];
  return name === undefined ? t("network.chain", { id }) : `${name} (${t("network.chain", { id })})`;
}

function renderReadonlyForm(): Node | null {
  if (state.account !== undefined) return null;
  const input = h("input", {
    id: "readonly-address",
    name: "address",
    type: "text",
    inputmode: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: t("wallet.addressPlaceholder"),
    value: state.readonlyAddress ?? "",
    "data-testid": "readonly-address",
  });
  const error = h("p", { class: "field-error", "data-testid": "readonly-error", "aria-live": "polite" });
  const form = h(
    "form",
    {
      class: "card readonly",
      "data-testid": "readonly-form",
      onsubmit: (event: Event) => {
        event.preventDefault();
        const checked = checkAddress(input.value);
        if (!checked.ok) {
          error.textContent = t(checked.error);
          return;
        }
        state.readonlyAddress = checked.address;
        const url = new URL(location.href);
        url.searchParams.set("address", checked.address);
        history.replaceState(null, "", url);
        void refresh();
      },
    },
    h("h2", {}, t("wallet.readonlyTitle")),
    h("label", { for: "readonly-address" }, t("wallet.addressLabel")),
    h(
      "div",
      { class: "row" },
      input,
      h("button", { type: "submit", class: "primary", "data-testid": "readonly-view" }, t("wallet.view")),
    ),
    error,
    state.readonlyAddress !== undefined
      ? h(
          "p",
          { class: "muted", "data-testid": "readonly-status" },
          t("wallet.viewing", { address: state.readonlyAddress }),
          " — ",
          t("wallet.readonlyHint"),
        )
      : null,
  );
  return form;
}

function canClaim(): boolean {
  return state.account !== undefined && onRightChain() && !state.busy;
}

function disabledTitle(): string | undefined {
  if (state.account !== undefined && !onRightChain())
    return t("network.claimDisabled", { name: state.config!.chainName });
  return undefined;
}

function renderSummary(view: HolderView): HTMLElement {
  const claimableCount = view.tokens.filter((r) => r.claimable > 0n).length;
  const c = coin();
  return h(
    "section",
    { class: "summary", "aria-label": t("summary.claimable") },
    h(
      "div",
      { class: "stat" },
      h("span", { class: "label" }, t("summary.claimable")),
      h(
        "strong",
        { "data-testid": "summary-claimable", "data-wei": view.claimableTotal.toString() },
        `${formatUnits18(view.claimableTotal)} ${c}`,
      ),
      fiat(view.claimableTotal),
    ),
    h(
      "div",
      { class: "stat" },
      h("span", { class: "label" }, t("summary.earned")),
      h(
        "strong",
        { "data-testid": "summary-earned", "data-wei": view.earnedTotal.toString() },
        `${formatUnits18(view.earnedTotal)} ${c}`,
      ),
      fiat(view.earnedTotal),
    ),
    h(
      "div",
      { class: "stat" },
      h("span", { class: "label" }, t("summary.tokens")),
      h("strong", { "data-testid": "summary-count" }, String(view.tokens.length)),
    ),
    state.account !== undefined
      ? h(
          "div",
          { class: "stat action" },
          claimableCount > 0
            ? button(t("summary.claimAll", { count: claimableCount }), () => claimAll(view.tokens), {
                class: "primary big",
                "data-testid": "claim-all",
                disabled: !canClaim(),
                title: disabledTitle(),
              })
            : h("span", { class: "muted" }, t("summary.nothing")),
        )
      : null,
  );
}

function renderClaimTo(row: TokenRow): HTMLElement {
  const id = `recipient-${row.token}`;
  const input = h("input", {
    id,
    type: "text",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "0x…",
    value: state.recipientInput,
    "data-testid": "recipient",
  });
  const error = h("p", { class: "field-error", "data-testid": "recipient-error", "aria-live": "polite" });
  const confirm = button(
    t("tokens.recipientConfirm"),
    () => {
      const checked = checkAddress(input.value);
      if (checked.ok) claimTokenTo(row, checked.address);
    },
    { class: "primary", "data-testid": "recipient-confirm", disabled: true },
  );
  const validate = (): void => {
    state.recipientInput = input.value;
    const checked = checkAddress(input.value);
    error.textContent = input.value.trim() === "" || checked.ok ? "" : t(checked.error);
    confirm.disabled = !checked.ok || !canClaim();
  };
  input.addEventListener("input", validate);
  if (state.recipientInput !== "") queueMicrotask(validate);
  return h(
    "div",
    { class: "claim-to", "data-testid": "claim-to-form" },
    h("label", { for: id }, t("tokens.recipientLabel", { symbol: row.symbol })),
    h(
      "div",
      { class: "row" },
      input,
      confirm,
      button(t("tokens.cancel"), () => ((state.claimToToken = undefined), (state.recipientInput = ""), render()), {
        class: "link",
      }),
    ),
    error,
  );
}

function renderTokens(view: HolderView): HTMLElement {
  const c = coin();
  if (view.tokens.length === 0) {
    return h(
      "section",
      { class: "card" },
      h("h2", {}, t("tokens.title")),
      h("p", { class: "muted", "data-testid": "no-tokens" }, t("tokens.empty")),
    );
  }
  const head = h(
    "tr",
    {},
    ...(["tokens.token", "tokens.balance", "tokens.share", "tokens.claimable", "tokens.earned"] as const).map((k) =>
      h("th", { scope: "col" }, t(k)),
    ),
    state.account !== undefined ? h("th", { scope: "col" }, t("tokens.actions")) : null,
  );
  const body = h("tbody", {});
  for (const row of view.tokens) {
    const actions =
      state.account !== undefined
        ? h(
            "td",
            { class: "actions", "data-label": t("tokens.actions") },
            h(
              "div",
              { class: "buttons" },
              button(t("tokens.claim"), () => claimToken(row), {
                class: "primary",
                "data-testid": "claim",
                disabled: !canClaim() || row.claimable === 0n,
                title: disabledTitle(),
              }),
              button(
                t("tokens.claimTo"),
                () => ((state.claimToToken = row.token), (state.recipientInput = ""), render()),
                {
                  "data-testid": "claim-to",
                  disabled: !canClaim() || row.claimable === 0n,
                  title: disabledTitle(),
                },
              ),
            ),
          )
        : null;
    body.append(
      h(
        "tr",
        { "data-testid": "token-row", "data-token": row.token },
        h(
          "td",
          { class: "token", "data-label": t("tokens.token") },
          h("strong", {}, row.symbol),
          h("span", { class: "muted" }, ` ${row.name}`),
          h("br", {}),
          h("span", { class: "shop", title: row.shop }, row.shopName),
        ),
        h(
          "td",
          {
            class: "num",
            "data-label": t("tokens.balance"),
            "data-testid": "balance",
            "data-wei": row.balance.toString(),
          },
          formatUnits18(row.balance, 4),
        ),
        h(
          "td",
          { class: "num", "data-label": t("tokens.share"), "data-testid": "share" },
          formatShare(row.balance, row.totalSupply),
        ),
        h(
          "td",
          {
            class: "num strong",
            "data-label": t("tokens.claimable"),
            "data-testid": "claimable",
            "data-wei": row.claimable.toString(),
          },
          h("span", { class: "native" }, `${formatUnits18(row.claimable)} ${c}`),
          fiat(row.claimable),
        ),
        h(
          "td",
          {
            class: "num",
            "data-label": t("tokens.earned"),
            "data-testid": "earned",
            "data-wei": row.earned.toString(),
            title: t("tokens.earnedHint", {
              claimed: formatUnits18(row.claimed),
              claimable: formatUnits18(row.claimable),
            }),
          },
          h("span", { class: "native" }, `${formatUnits18(row.earned)} ${c}`),
          fiat(row.earned),
        ),
        actions,
      ),
    );
    if (state.claimToToken === row.token && state.account !== undefined) {
      body.append(h("tr", { class: "claim-to-row" }, h("td", { colspan: 6 }, renderClaimTo(row))));
    }
  }
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t("tokens.title")),
    h("table", { class: "tokens" }, h("thead", {}, head), body),
  );
}

const STAGE_TAG: Record<HeldPayment["stage"], { key: MessageKey; cls: string }> = {
  window: { key: "pay.stage.window", cls: "" },
  capturable: { key: "pay.stage.capturable", cls: "" },
  returnRequested: { key: "pay.stage.returnRequested", cls: "bad" },
  expired: { key: "pay.stage.expired", cls: "good" },
};

function renderHeld(p: HeldPayment): HTMLElement {
  const c = coin();
  const terms = p.payment.terms;
  const actions = state.account !== undefined && state.account === p.payment.customer && terms !== undefined;
  const act = (label: MessageKey, testid: string, run: () => void, primary: boolean): HTMLButtonElement =>
    button(t(label), run, {
      class: primary ? "primary" : undefined,
      "data-testid": testid,
      disabled: !canClaim(),
      title: disabledTitle(),
    });
  const lines: Node[] = [];
  const buttons: HTMLButtonElement[] = [];
  let hint: string | null = null;
  if (terms === undefined) {
    lines.push(h("p", { class: "muted small" }, t("pay.noTerms")));
  } else if (p.stage === "window") {
    lines.push(
      h(
        "p",
        { "data-testid": "payment-auto-capture" },
        t("pay.autoCapture", { date: formatDateTime(terms.autoCaptureAt) }),
      ),
      h(
        "p",
        { class: "muted", "data-testid": "payment-expiry" },
        t("pay.expiry", { date: formatDateTime(terms.expiry) }),
      ),
    );
    buttons.push(
      act("pay.confirm", "payment-confirm", () => confirmHeld(p), true),
      act("pay.return", "payment-return", () => requestReturnOf(p), false),
    );
    hint = t("pay.returnHint");
  } else if (p.stage === "capturable") {
    lines.push(
      h(
        "p",
        { "data-testid": "payment-auto-capture" },
        t("pay.capturable", { date: formatDateTime(terms.autoCaptureAt) }),
      ),
      h(
        "p",
        { class: "muted", "data-testid": "payment-expiry" },
        t("pay.expiry", { date: formatDateTime(terms.expiry) }),
      ),
    );
    buttons.push(act("pay.confirm", "payment-confirm", () => confirmHeld(p), true));
  } else if (p.stage === "returnRequested") {
    lines.push(
      h(
        "p",
        { "data-testid": "payment-return-status" },
        t("pay.returnRequested", { date: formatDateTime(terms.expiry) }),
      ),
      h(
        "p",
        { class: "muted", "data-testid": "payment-expiry" },
        t("pay.expiry", { date: formatDateTime(terms.expiry) }),
      ),
    );
    buttons.push(act("pay.confirm", "payment-confirm", () => confirmHeld(p), false));
  } else {
    lines.push(h("p", { "data-testid": "payment-expiry" }, t("pay.expired", { date: formatDateTime(terms.expiry) })));
    buttons.push(act("pay.reclaim", "payment-reclaim", () => reclaimHeld(p), true));
  }
  const tag = STAGE_TAG[p.stage];
  return h(
    "li",
    {
      class: "payment",
      "data-testid": "payment",
      "data-order-hash": p.payment.orderHash,
      "data-shop": p.shop,
      "data-status": p.payment.status,
      "data-stage": p.stage,
      "data-wei": p.payment.heldWei.toString(),
      "data-auto-capture-at": terms?.autoCaptureAt.toString(),
      "data-expiry": terms?.expiry.toString(),
    },
    h(
      "div",
      { class: "pay-head" },
      h("strong", { class: "amount", "data-testid": "payment-amount" }, `${formatUnits18(p.payment.heldWei)} ${c}`),
      fiat(p.payment.heldWei),
      h("span", { class: "shop", title: p.shop }, p.shopName),
      h("span", { class: `tag ${tag.cls}`, "data-testid": "payment-stage" }, t(tag.key)),
    ),
    h(
      "p",
      { class: "muted small order", title: p.payment.orderHash },
      t("pay.order", { hash: shortAddress(p.payment.orderHash) }),
    ),
    ...lines,
    actions && buttons.length > 0 ? h("div", { class: "buttons" }, ...buttons) : null,
    actions && hint !== null ? h("p", { class: "muted small hint" }, hint) : null,
  );
}

function renderPast(p: PastPayment): HTMLElement {
  const c = coin();
  const pay = p.payment;
  const status = pay.status as "captured" | "refunded" | "voided" | "reclaimed";
  const amount = status === "voided" || status === "reclaimed" ? pay.returnedWei : pay.capturedWei;
  const details: string[] = [];
  if (pay.kind !== undefined && (status === "captured" || status === "refunded"))
    details.push(t(`pay.kind.${pay.kind}`));
  if (pay.refundedWei > 0n) details.push(t("pay.refunded", { amount: formatUnits18(pay.refundedWei), coin: c }));
  if (pay.returnedWei > 0n && status !== "voided" && status !== "reclaimed")
    details.push(t("pay.returned", { amount: formatUnits18(pay.returnedWei), coin: c }));
  return h(
    "li",
    {
      class: "payment past",
      "data-testid": "payment-history",
      "data-order-hash": pay.orderHash,
      "data-shop": p.shop,
      "data-status": status,
      "data-wei": amount.toString(),
    },
    h(
      "div",
      { class: "pay-head" },
      h("strong", { class: "amount" }, `${formatUnits18(amount)} ${c}`),
      fiat(amount),
      h("span", { class: "shop", title: p.shop }, p.shopName),
      h("span", { class: "tag", "data-testid": "payment-status" }, t(`pay.status.${status}`)),
    ),
    h(
      "p",
      { class: "muted small order", title: pay.orderHash },
      [t("pay.order", { hash: shortAddress(pay.orderHash) }), ...details].join(" · "),
    ),
  );
}

function renderOwed(o: OwedReturn): HTMLElement {
  return h(
    "li",
    { class: "payment owed", "data-testid": "returns-owed", "data-shop": o.shop, "data-wei": o.amount.toString() },
    h("p", {}, t("pay.owed", { shop: o.shopName, amount: formatUnits18(o.amount), coin: coin() }), " ", fiat(o.amount)),
    state.account !== undefined
      ? h(
          "div",
          { class: "buttons" },
          button(t("pay.withdraw"), () => withdrawOwed(o), {
            class: "primary",
            "data-testid": "withdraw-returns",
            disabled: !canClaim(),
            title: disabledTitle(),
          }),
        )
      : null,
  );
}

function renderPayments(view: PaymentsView): HTMLElement {
  const empty = view.held.length === 0 && view.owed.length === 0 && view.history.length === 0;
  return h(
    "section",
    { class: "card payments", "data-testid": "payments" },
    h("h2", {}, t("pay.title")),
    h("p", { class: "muted" }, t("pay.caption")),
    empty ? h("p", { class: "muted", "data-testid": "payments-none" }, t("pay.none")) : null,
    view.held.length > 0 ? h("h3", {}, t("pay.heldTitle")) : null,
    view.held.length > 0 ? h("ul", { class: "pay-list", "data-testid": "held" }, ...view.held.map(renderHeld)) : null,
    view.owed.length > 0 ? h("h3", {}, t("pay.owedTitle")) : null,
    view.owed.length > 0 ? h("ul", { class: "pay-list" }, ...view.owed.map(renderOwed)) : null,
    !empty ? h("h3", {}, t("pay.historyTitle")) : null,
    !empty && view.history.length === 0 ? h("p", { class: "muted" }, t("pay.historyNone")) : null,
    view.history.length > 0
      ? h("ul", { class: "pay-list history", "data-testid": "history" }, ...view.history.map(renderPast))
      : null,
  );
}

function ruleLines(spec: RulesSpec): Record<string, string> {
  const c = coin();
  return {
    spendPerToken:
      spec.spendPerToken === null
        ? t("rules.spendOff")
        : t("rules.spendValue", { amount: spec.spendPerToken, coin: c }),
    dividend: spec.dividend,
    referral:
      spec.referral === null
        ? t("rules.off")
        : [
            t("rules.referralValue", { share: spec.referral.share }),
            spec.referral.oneTokenPer === null
              ? null
              : t("rules.referralBonus", {
                  count: spec.referral.oneTokenPer,
                  min: spec.referral.minFirstOrder,
                  coin: c,
                }),
          ]
            .filter((x) => x !== null)
            .join("; "),
    pool: spec.pool === null ? t("rules.off") : t("rules.poolValue", { tokens: spec.pool.tokens, per: spec.pool.per }),
    maxSupply:
      spec.maxSupply === null ? t("rules.maxSupplyNone") : t("rules.maxSupplyValue", { amount: spec.maxSupply }),
  };
}

const FIELD_GROUP: Record<RulesChange["field"], { key: MessageKey; line: string }> = {
  spendPerToken: { key: "rules.spendPerToken", line: "spendPerToken" },
  dividendBps: { key: "rules.dividend", line: "dividend" },
  referralBps: { key: "rules.referral", line: "referral" },
  referralsPerToken: { key: "rules.referral", line: "referral" },
  minFirstOrder: { key: "rules.referral", line: "referral" },
  poolNum: { key: "rules.pool", line: "pool" },
  poolDen: { key: "rules.pool", line: "pool" },
  maxSupply: { key: "rules.maxSupply", line: "maxSupply" },
};

function renderPendingChange(p: PendingChange): HTMLElement {
  const before = ruleLines(p.current);
  const after = ruleLines(p.next);
  const items = new Map<string, { key: MessageKey; direction: RulesChange["direction"] }>();
  for (const change of p.changes) {
    const group = FIELD_GROUP[change.field];
    const seen = items.get(group.line);
    // One line per rule; "stingier" wins over the other directions of its fields.
    if (seen === undefined || change.direction === "stingier")
      items.set(group.line, { key: group.key, direction: change.direction });
  }
  const tag = (d: RulesChange["direction"]): HTMLElement =>
    h(
      "span",
      { class: `tag ${d === "stingier" ? "bad" : d === "more generous" ? "good" : ""}` },
      t(d === "stingier" ? "pending.stingier" : d === "more generous" ? "pending.generous" : "pending.changed"),
    );
  return h(
    "li",
    { "data-testid": "pending-change", "data-token": p.token, "data-effective-at": p.effectiveAt.toString() },
    h(
      "p",
      { class: "when" },
      t("pending.effective", { symbol: p.symbol, shop: p.shopName, date: formatDateTime(p.effectiveAt) }),
    ),
    h(
      "ul",
      { class: "changes" },
      ...[...items].map(([line, item]) =>
        h(
          "li",
          {},
          h("span", { class: "label" }, t(item.key)),
          " ",
          h("s", {}, before[line]),
          " → ",
          h("strong", {}, after[line]),
          " ",
          tag(item.direction),
        ),
      ),
    ),
  );
}

function renderPending(view: HolderView): HTMLElement | null {
  if (view.tokens.length === 0) return null;
  return h(
    "section",
    { class: "card", "data-testid": "pending" },
    h("h2", {}, t("pending.title")),
    view.pending.length === 0
      ? h("p", { class: "muted" }, t("pending.none"))
      : h("ul", { class: "pending" }, ...view.pending.map(renderPendingChange)),
  );
}

function renderChart(view: HolderView): HTMLElement | null {
  if (view.tokens.length === 0) return null;
  const any = view.daily.some((d) => d.amount > 0n);
  const total = view.daily.reduce((sum, d) => sum + d.amount, 0n);
  return h(
    "section",
    { class: "card" },
    h("h2", {}, t("chart.title")),
    h("p", { class: "muted" }, t("chart.caption", { days: CHART_DAYS, coin: coin() })),
    any
      ? dailyChart(view.daily, coin(), narrow.matches ? 360 : 640)
      : h("p", { class: "muted", "data-testid": "chart-empty" }, t("chart.empty")),
    any
      ? h(
          "p",
          { class: "muted small" },
          t("chart.total", { amount: formatUnits18(total), coin: coin() }),
          " ",
          fiat(total),
        )
      : null,
  );
}

function txLabel(what: TxKind): string {
  if (what.kind === "claim") return t("tx.claim", { symbol: what.symbol });
  if (what.kind === "claimTo") return t("tx.claimTo", { symbol: what.symbol, recipient: shortAddress(what.recipient) });
  if (what.kind === "claimAll") return t("tx.claimAll", { count: what.count });
  const params = { amount: formatUnits18(what.amount), coin: coin(), shop: what.shopName };
  if (what.kind === "payConfirm") return t("tx.payConfirm", params);
  if (what.kind === "payReturn") return t("tx.payReturn", params);
  if (what.kind === "payReclaim") return t("tx.payReclaim", params);
  return t("tx.withdraw", params);
}

function renderTxs(): HTMLElement | null {
  if (state.account === undefined && state.txs.length === 0) return null;
  const config = state.config!;
  const context = { coin: coin(), chainName: config.chainName };
  const items = state.txs.map((tx) => {
    let detail: string;
    if (tx.status === "wallet") detail = t("tx.wallet");
    else if (tx.status === "pending" && tx.batch !== undefined)
      detail = t("tx.batchPending", { count: tx.batch.calls });
    else if (tx.status === "pending") detail = t("tx.pending");
    else if (tx.status === "confirmed" && tx.done !== undefined) detail = doneText(tx.done);
    else if (tx.status === "confirmed")
      detail = t("tx.confirmed", {
        amount: formatUnits18(tx.paid!.amount),
        coin: coin(),
        recipient: shortAddress(tx.paid!.recipient),
      });
    else detail = t("tx.failed", { reason: tx.errorText ?? explainError(tx.error, context) });
    const hashNode =
      tx.hash === undefined
        ? null
        : config.explorerUrl !== null
          ? h(
              "a",
              { href: `${config.explorerUrl}/tx/${tx.hash}`, target: "_blank", rel: "noopener noreferrer" },
              t("tx.view", { hash: shortAddress(tx.hash) }),
            )
          : h("span", { class: "hash", title: tx.hash }, t("tx.view", { hash: shortAddress(tx.hash) }));
    return h(
      "li",
      {
        class: `tx ${tx.status}`,
        "data-testid": "tx",
        "data-status": tx.status,
        "data-hash": tx.hash,
        "data-batch": tx.batch?.id,
      },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h(
        "div",
        {},
        h("strong", {}, txLabel(tx.what)),
        h("p", { "data-testid": "tx-detail" }, detail),
        tx.status === "confirmed" && tx.paid !== undefined ? fiat(tx.paid.amount) : null,
        ...(tx.skipped ?? []).map((s) =>
          h(
            "p",
            { class: "muted" },
            t("tx.skipped", {
              token: shortAddress(s.token),
              reason: explainError(decodeContractError(s.reason) ?? new Error(s.reason), context),
            }),
          ),
        ),
        hashNode,
      ),
    );
  });
  return h(
    "section",
    { class: "card", "aria-live": "polite" },
    h("h2", {}, t("tx.title")),
    items.length === 0
      ? h("p", { class: "muted" }, t("tx.none"))
      : h("ul", { class: "txs", "data-testid": "txs" }, ...items),
  );
}

function renderBody(): Node[] {
  const out: Node[] = [];
  if (state.configError !== undefined) {
    out.push(
      h(
        "p",
        { class: "notice error", role: "alert", "data-testid": "config-error" },
        t("config.error", { detail: state.configError }),
      ),
    );
    return out;
  }
  if (state.config === undefined) return [h("p", { class: "muted" }, t("load.loading"))];
  out.push(...renderNotices());
  const form = renderReadonlyForm();
  if (form !== null) out.push(form);
  const txs = renderTxs();
  if (state.loadError !== undefined) {
    out.push(
      h(
        "div",
        { class: "notice error", role: "alert", "data-testid": "load-error" },
        h(
          "p",
          {},
          t("load.error", {
            detail: explainError(state.loadError, { coin: coin(), chainName: state.config.chainName }),
          }),
        ),
        button(t("load.retry"), () => void refresh()),
      ),
    );
  }
  const view = state.view;
  if (view !== undefined && view.holder === viewedAddress()) {
    out.push(renderSummary(view));
    if (state.config.fiat !== null)
      out.push(h("p", { class: "muted small fiat-note", "data-testid": "fiat-note" }, fiatRateText()));
    if (txs !== null && state.txs.length > 0) out.push(txs);
    out.push(renderTokens(view));
    out.push(renderPayments(view.payments));
    const pending = renderPending(view);
    if (pending !== null) out.push(pending);
    const chart = renderChart(view);
    if (chart !== null) out.push(chart);
    if (txs !== null && state.txs.length === 0) out.push(txs);
  } else if (txs !== null && state.txs.length > 0) out.push(txs);
  if (state.loading)
    out.push(h("p", { class: "loading muted", "data-testid": "loading", "aria-live": "polite" }, t("load.loading")));
  return out;
}

function renderFooter(): HTMLElement {
  const config = state.config;
  return h(
    "footer",
    {},
    h("p", { class: "security" }, t("footer.security")),
    config !== undefined
      ? h(
          "p",
          { class: "muted small" },
          t("footer.network", { name: config.chainName, id: config.chainId, factory: config.factory }),
        )
      : null,
  );
}

function render(): void {
  saveTxs();
  // Keep the focus (and the caret) in a field across a re-render, e.g. when a new block refreshes the amounts.
  const focused =
    document.activeElement instanceof HTMLInputElement && document.activeElement.id !== ""
      ? document.activeElement
      : null;
  const caret = focused !== null ? [focused.selectionStart, focused.selectionEnd] : null;
  document.documentElement.lang = lang();
  document.title = `${t("app.title")} · ShareMall`;
  const main = h(
    "main",
    { "data-ready": state.loading ? "false" : "true", "aria-busy": state.loading ? "true" : "false" },
    ...renderBody(),
  );
  app.replaceChildren(renderHeader(), main, renderFooter());
  if (focused !== null) {
    const again = document.getElementById(focused.id);
    if (again instanceof HTMLInputElement) {
      again.focus();
      if (caret !== null && again.type === "text") again.setSelectionRange(caret[0], caret[1]);
    }
  }
}

function changeLang(next: Lang): void {
  setLang(next);
  localStorage.setItem(LANG_KEY, next);
  render();
}

// ------------------------------------------------------------------ Start

async function start(): Promise<void> {
  setLang(initialLang(localStorage.getItem(LANG_KEY), navigator.language));
  state.injected = injectedProvider();
  let started = false;
  discoverWallets((wallets) => {
    state.wallets = wallets;
    // A remembered wallet that announces itself late: use it (the silent reconnect below has passed).
    const stored = localStorage.getItem(WALLET_KEY);
    const late = wallets.find((w) => w.info.rdns === stored);
    if (started && state.provider === undefined && late !== undefined) {
      useProvider(late.info.rdns, late.provider, false);
      void reconnectSilently().then(refresh);
    }
    render();
  });
  narrow.addEventListener("change", () => render());
  render();
  try {
    state.config = await loadConfig();
    setupClients(state.config);
  } catch (error) {
    state.configError = error instanceof ConfigError ? error.message : String(error);
    render();
    return;
  }
  const fromUrl = new URL(location.href).searchParams.get("address");
  if (fromUrl !== null) {
    const checked = checkAddress(fromUrl);
    if (checked.ok) state.readonlyAddress = checked.address;
  }
  const initial = await initialWallet();
  started = true;
  if (initial !== undefined) {
    useProvider(initial.id, initial.provider, false);
    await reconnectSilently();
  }
  await refresh();
  setInterval(() => void onBlockTick(), state.config.refreshSeconds * 1_000);
}

/** The account the chosen wallet already lets this page see, without a prompt (unless the holder disconnected). */
async function reconnectSilently(): Promise<void> {
  if (state.provider === undefined || localStorage.getItem(DISCONNECTED_KEY) !== null) return;
  try {
    const account = await connectedAccount(state.provider);
    if (account !== undefined) {
      setAccount(account);
      await syncWallet();
    }
  } catch (error) {
    state.walletError = error;
  }
}

void start();
