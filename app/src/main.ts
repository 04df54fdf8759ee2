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
import { decodeContractError } from "../../sdk/src/contract-errors.js";
import type { Transport } from "../../sdk/src/client/transport.js";
import { fromViem } from "../../sdk/src/client/viem.js";
import { claim, claimMany, claimTo } from "../../sdk/src/holder.js";
import { confirmPayment, reclaimPayment, requestReturn, withdrawReturns } from "../../sdk/src/payments.js";
import type { RulesChange, RulesSpec } from "../../sdk/src/rules.js";
import type { Address, Hex } from "../../sdk/src/types.js";
import { dailyChart } from "./chart.js";
import { ConfigError, loadConfig, type AppConfig } from "./config.js";
import { CHART_DAYS, loadHolder, type HolderView, type PendingChange, type TokenRow } from "./data.js";
import { h } from "./dom.js";
import { explainError } from "./errors.js";
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

/** What a confirmed transaction did. */
interface TxResult {
  /** Coin paid out (claims). */
  readonly paid?: { readonly amount: bigint; readonly recipient: Address };
  readonly skipped?: readonly { readonly token: Address; readonly reason: Hex }[];
  /** The confirmation in words (payment steps), in the current language. */
  readonly done?: () => string;
}

interface TxEntry extends TxResult {
  readonly id: number;
  readonly what: TxKind;
  status: "wallet" | "pending" | "confirmed" | "failed";
  hash?: Hex;
  error?: unknown;
}

interface State {
  config?: AppConfig;
  configError?: string;
  provider?: Eip1193Provider;
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

const state: State = { connecting: false, switching: false, loading: false, txs: [], busy: false, recipientInput: "" };
let publicClient: PublicClient | undefined;
let readTransport: Transport | undefined;
let loadSeq = 0;
let txSeq = 0;

const LANG_KEY = "sharemall.lang";
const DISCONNECTED_KEY = "sharemall.disconnected";

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

async function syncWallet(): Promise<void> {
  if (state.provider === undefined) return;
  state.walletChain = await walletChainId(state.provider);
}

async function connect(): Promise<void> {
  if (state.provider === undefined) return;
  state.connecting = true;
  state.walletError = undefined;
  render();
  try {
    const account = await requestAccount(state.provider);
    if (account !== undefined) {
      state.account = getAddress(account) as Address;
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

function disconnect(): void {
  state.account = undefined;
  state.walletChain = undefined;
  localStorage.setItem(DISCONNECTED_KEY, "1");
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

function listen(provider: Eip1193Provider): void {
  provider.on?.("accountsChanged", (accounts: unknown) => {
    const first = Array.isArray(accounts) && typeof accounts[0] === "string" ? accounts[0] : undefined;
    if (state.account === undefined && first !== undefined) return; // not connected here: ignore
    state.account = first === undefined ? undefined : (getAddress(first) as Address);
    void refresh();
  });
  provider.on?.("chainChanged", (id: unknown) => {
    state.walletChain = typeof id === "string" ? Number.parseInt(id, 16) : Number(id);
    render();
  });
}

// ------------------------------------------------------------------ Claims

async function runTx(what: TxKind, send: (transport: Transport) => Promise<TxResult>): Promise<void> {
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
    const result = await send(transport);
    const done: TxEntry = { ...entry, ...result, status: "confirmed" };
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

function claimAll(rows: readonly TokenRow[]): void {
  const tokens = rows.filter((r) => r.claimable > 0n).map((r) => r.token);
  void runTx({ kind: "claimAll", count: tokens.length }, async (transport) => {
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
    const amount = result.capture.amountWei;
    return { done: () => t("tx.payConfirmed", { amount: formatUnits18(amount), coin: coin(), shop: p.shopName }) };
  });
}

function requestReturnOf(p: HeldPayment): void {
  const terms = p.payment.terms!;
  void runTx({ kind: "payReturn", amount: terms.amountWei, shopName: p.shopName }, async (transport) => {
    await requestReturn(transport, { shop: p.shop, payment: terms });
    return { done: () => t("tx.returnRequested") };
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
    return { done: () => returnedText(result.returnedWei, result.owedWei, result.customer) };
  });
}

function withdrawOwed(o: OwedReturn): void {
  void runTx({ kind: "withdraw", amount: o.amount, shopName: o.shopName }, async (transport) => {
    const result = await withdrawReturns(transport, { shop: o.shop });
    return {
      done: () =>
        t("tx.withdrawn", {
          amount: formatUnits18(result.amountWei),
          coin: coin(),
          recipient: shortAddress(result.to),
        }),
    };
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
  } else if (state.provider !== undefined) {
    walletPart.push(
      button(state.connecting ? t("wallet.connecting") : t("wallet.connect"), () => void connect(), {
        class: "primary",
        "data-testid": "connect",
        disabled: state.connecting || state.config === undefined,
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
  if (state.provider === undefined)
    out.push(h("p", { class: "notice info", "data-testid": "no-wallet" }, t("wallet.none")));
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
          `${formatUnits18(row.claimable)} ${c}`,
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
          `${formatUnits18(row.earned)} ${c}`,
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
    h("p", {}, t("pay.owed", { shop: o.shopName, amount: formatUnits18(o.amount), coin: coin() })),
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
    any ? h("p", { class: "muted small" }, t("chart.total", { amount: formatUnits18(total), coin: coin() })) : null,
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
    else if (tx.status === "pending") detail = t("tx.pending");
    else if (tx.status === "confirmed" && tx.done !== undefined) detail = tx.done();
    else if (tx.status === "confirmed")
      detail = t("tx.confirmed", {
        amount: formatUnits18(tx.paid!.amount),
        coin: coin(),
        recipient: shortAddress(tx.paid!.recipient),
      });
    else detail = t("tx.failed", { reason: explainError(tx.error, context) });
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
      { class: `tx ${tx.status}`, "data-testid": "tx", "data-status": tx.status, "data-hash": tx.hash },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h(
        "div",
        {},
        h("strong", {}, txLabel(tx.what)),
        h("p", { "data-testid": "tx-detail" }, detail),
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
  document.documentElement.lang = lang();
  document.title = `${t("app.title")} · ShareMall`;
  const main = h(
    "main",
    { "data-ready": state.loading ? "false" : "true", "aria-busy": state.loading ? "true" : "false" },
    ...renderBody(),
  );
  app.replaceChildren(renderHeader(), main, renderFooter());
}

function changeLang(next: Lang): void {
  setLang(next);
  localStorage.setItem(LANG_KEY, next);
  render();
}

// ------------------------------------------------------------------ Start

async function start(): Promise<void> {
  setLang(initialLang(localStorage.getItem(LANG_KEY), navigator.language));
  state.provider = injectedProvider();
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
  if (state.provider !== undefined) {
    listen(state.provider);
    if (localStorage.getItem(DISCONNECTED_KEY) === null) {
      try {
        const account = await connectedAccount(state.provider);
        if (account !== undefined) {
          state.account = getAddress(account) as Address;
          await syncWallet();
        }
      } catch (error) {
        state.walletError = error;
      }
    }
  }
  await refresh();
}

void start();
