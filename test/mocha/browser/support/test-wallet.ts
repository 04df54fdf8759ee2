/**
 * A scriptable EIP-1193 wallet for browser tests. `window.ethereum` in the page forwards every `request()` to Node
 * through `page.exposeFunction`; Node answers accounts and chain id itself, signs and sends transactions with a
 * known private key (ethers), forwards reads to the node, and can be told to reject requests (EIP-1193 error 4001)
 * or to report another chain (and then accept `wallet_switchEthereumChain` back). Every request is logged, so a
 * test can check what the page asked the wallet for.
 */
import { JsonRpcProvider, Wallet } from "ethers";
import type { Page } from "playwright-core";

/** An EIP-1193 / JSON-RPC error as the wallet returns it to the page. */
export interface WalletError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

interface Reply {
  readonly result?: unknown;
  readonly error?: WalletError;
  /** Provider events the page emits before resolving (e.g. `chainChanged` after a switch). */
  readonly events?: readonly (readonly [string, unknown])[];
}

/** What the wallet was asked. */
export interface WalletRequest {
  readonly method: string;
  readonly params: unknown;
}

/** How the wallet makes itself known to the page. */
export interface TestWalletAnnouncement {
  /** EIP-6963 `info.name`. */
  readonly name: string;
  /** EIP-6963 `info.rdns`, e.g. "io.metamask". */
  readonly rdns: string;
  /** EIP-6963 `info.icon` (a data URI); a coloured square by default. */
  readonly icon?: string;
}

/** A square icon as a data URI, as EIP-6963 wants it. */
export function squareIcon(colour: string): string {
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">` +
    `<rect width="32" height="32" rx="6" fill="${colour}"/></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

/**
 * The page side: a minimal EIP-1193 provider over the exposed function `binding`, announced through EIP-6963
 * (`eip6963:announceProvider`, again on every `eip6963:requestProvider`) when `announce` is given, and installed as
 * `window.ethereum` when `inject` is true.
 */
function pageScript(binding: string, announce: TestWalletAnnouncement | undefined, inject: boolean): string {
  const info =
    announce === undefined
      ? "null"
      : JSON.stringify({ uuid: crypto.randomUUID(), name: announce.name, rdns: announce.rdns, icon: announce.icon });
  return `(() => {
  const listeners = {};
  const emit = (event, ...args) => {
    for (const fn of (listeners[event] || []).slice()) {
      try { fn(...args); } catch (error) { console.error(error); }
    }
  };
  const provider = {
    isShareMallTestWallet: true,
    async request(args) {
      const params = JSON.stringify(args.params === undefined ? [] : args.params);
      const reply = await window[${JSON.stringify(binding)}](args.method, params);
      for (const [event, value] of reply.events || []) emit(event, value);
      if (reply.error) {
        const error = new Error(reply.error.message);
        error.code = reply.error.code;
        if (reply.error.data !== undefined) error.data = reply.error.data;
        throw error;
      }
      return reply.result;
    },
    on(event, fn) { (listeners[event] = listeners[event] || []).push(fn); return provider; },
    removeListener(event, fn) { listeners[event] = (listeners[event] || []).filter((f) => f !== fn); return provider; },
  };
  (window.__testWalletEmit = window.__testWalletEmit || {})[${JSON.stringify(binding)}] = emit;
  if (${inject}) window.ethereum = provider;
  const info = ${info};
  if (info !== null) {
    const detail = Object.freeze({ info: Object.freeze(info), provider });
    const announce = () => window.dispatchEvent(new CustomEvent("eip6963:announceProvider", { detail }));
    window.addEventListener("eip6963:requestProvider", announce);
    announce();
  }
})();`;
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export interface TestWalletOptions {
  /** The node the wallet signs for and forwards reads to. */
  readonly rpcUrl: string;
  /** The node's chain id. */
  readonly chainId: number;
  readonly privateKey: string;
  /** The chain id the wallet reports at first (default: the node's). */
  readonly reportChainId?: number;
  /** Whether the page is already authorised (`eth_accounts` answers the account without a prompt). */
  readonly connected?: boolean;
  /**
   * EIP-6963: announce the wallet under this name and rdns. Default: "ShareMall Test Wallet",
   * `org.sharemall.test-wallet`; `false` announces nothing (an old wallet that only sets `window.ethereum`).
   */
  readonly announce?: TestWalletAnnouncement | false;
  /** Whether the wallet also sets `window.ethereum` (default true; a second wallet on a page usually does not). */
  readonly inject?: boolean;
  /**
   * EIP-5792: answer `wallet_getCapabilities` with atomic batches for the chain, as `atomic.status` "supported"
   * (current) or `atomicBatch.supported` (older wallets), and execute `wallet_sendCalls` (all calls in one block,
   * none if any would revert) with `wallet_getCallsStatus`. Default: the methods are unknown to the wallet.
   */
  readonly batch?: "atomic" | "atomicBatch";
}

/** A `wallet_sendCalls` batch the wallet executed. */
export interface TestWalletBatch {
  readonly id: string;
  readonly calls: readonly { readonly to: string; readonly data: string }[];
  readonly hashes: readonly string[];
  /** `wallet_getCallsStatus` polls so far (the first answers "pending"). */
  polls: number;
}

let bindings = 0;

export class TestWallet {
  readonly address: string;
  /** Every request, in order. */
  readonly requests: WalletRequest[] = [];
  /** Hashes of the transactions it sent. */
  readonly sent: string[] = [];
  /** When true, every transaction and chain switch is rejected with 4001, as when the user clicks "Reject". */
  reject = false;
  reportedChainId: number;
  /** The batches sent with `wallet_sendCalls`. */
  readonly batches: TestWalletBatch[] = [];
  /** The EIP-6963 rdns it announces (undefined: none). */
  readonly rdns: string | undefined;
  private connected: boolean;
  private readonly signer: Wallet;
  private readonly provider: JsonRpcProvider;

  constructor(private readonly options: TestWalletOptions) {
    this.provider = new JsonRpcProvider(options.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    this.provider.pollingInterval = 50;
    this.signer = new Wallet(options.privateKey, this.provider);
    this.address = this.signer.address;
    this.reportedChainId = options.reportChainId ?? options.chainId;
    this.connected = options.connected ?? false;
    this.rdns = options.announce === false ? undefined : (options.announce?.rdns ?? "org.sharemall.test-wallet");
  }

  /** Installs the wallet in `page` (before any of its scripts run). */
  async attach(page: Page): Promise<void> {
    const binding = `__testWalletRequest${++bindings}`;
    await page.exposeFunction(binding, (method: string, params: string) =>
      this.handle(method, JSON.parse(params) as unknown[]),
    );
    const announce =
      this.options.announce === false
        ? undefined
        : (this.options.announce ?? { name: "ShareMall Test Wallet", rdns: "org.sharemall.test-wallet" });
    const withIcon = announce === undefined ? undefined : { ...announce, icon: announce.icon ?? squareIcon("#64748b") };
    await page.addInitScript({ content: pageScript(binding, withIcon, this.options.inject ?? true) });
  }

  /** Transactions the page asked the wallet to send: `to` and 4-byte selector. */
  transactionRequests(): { to: string; selector: string }[] {
    return this.requests
      .filter((r) => r.method === "eth_sendTransaction")
      .map((r) => {
        const [tx] = r.params as { to: string; data?: string }[];
        return { to: tx.to.toLowerCase(), selector: (tx.data ?? "0x").slice(0, 10) };
      });
  }

  stop(): void {
    this.provider.destroy();
  }

  private async forward(method: string, params: readonly unknown[]): Promise<Reply> {
    const response = await fetch(this.options.rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    });
    const body = (await response.json()) as { result?: unknown; error?: WalletError };
    return body.error !== undefined ? { error: body.error } : { result: body.result };
  }

  private async handle(method: string, params: unknown[]): Promise<Reply> {
    this.requests.push({ method, params });
    const rejected: Reply = { error: { code: 4001, message: "User rejected the request." } };
    switch (method) {
      case "eth_requestAccounts":
        if (this.reject) return rejected;
        this.connected = true;
        return { result: [this.address], events: [["accountsChanged", [this.address]]] };
      case "eth_accounts":
        return { result: this.connected ? [this.address] : [] };
      case "eth_chainId":
        return { result: hex(this.reportedChainId) };
      case "net_version":
        return { result: String(this.reportedChainId) };
      case "wallet_switchEthereumChain": {
        if (this.reject) return rejected;
        const [{ chainId }] = params as { chainId: string }[];
        if (Number.parseInt(chainId, 16) !== this.options.chainId) {
          return { error: { code: 4902, message: `Unrecognized chain ID "${chainId}".` } };
        }
        this.reportedChainId = this.options.chainId;
        return { result: null, events: [["chainChanged", chainId]] };
      }
      case "eth_sendTransaction": {
        if (this.reject) return rejected;
        if (this.reportedChainId !== this.options.chainId) {
          return { error: { code: -32603, message: "The wallet is on another chain" } };
        }
        const [tx] = params as { from?: string; to: string; data?: string; value?: string; gas?: string }[];
        if (tx.from !== undefined && tx.from.toLowerCase() !== this.address.toLowerCase()) {
          return { error: { code: 4100, message: `Unknown account ${tx.from}` } };
        }
        // Like a real wallet: estimate first, and hand a revert (with its data) back to the page.
        const call = { from: this.address, to: tx.to, data: tx.data ?? "0x", value: tx.value ?? "0x0" };
        const estimate = await this.forward("eth_estimateGas", [call]);
        if (estimate.error !== undefined) return estimate;
        const response = await this.signer.sendTransaction({
          to: tx.to,
          data: tx.data ?? "0x",
          value: BigInt(tx.value ?? 0),
          gasLimit: (BigInt(estimate.result as string) * 12n) / 10n,
        });
        this.sent.push(response.hash);
        return { result: response.hash };
      }
      case "wallet_getCapabilities":
        if (this.options.batch === undefined) break;
        return {
          result: {
            [hex(this.options.chainId)]:
              this.options.batch === "atomic"
                ? { atomic: { status: "supported" } }
                : { atomicBatch: { supported: true } },
          },
        };
      case "wallet_sendCalls":
        if (this.options.batch === undefined) break;
        if (this.reject) return rejected;
        return this.sendCalls(params);
      case "wallet_getCallsStatus":
        if (this.options.batch === undefined) break;
        return this.callsStatus(params);
      case "personal_sign":
      case "eth_sign":
      case "eth_signTypedData_v4":
      case "eth_signTransaction":
        return { error: { code: 4200, message: `The test wallet does not support ${method}` } };
      default:
        return this.forward(method, params);
    }
    return { error: { code: 4200, message: `The wallet does not support ${method}` } };
  }

  /** `wallet_sendCalls`: estimates every call (any revert refuses the batch), then mines them all in one block. */
  private async sendCalls(params: unknown[]): Promise<Reply> {
    const [request] = params as {
      version: string;
      chainId: string;
      from?: string;
      calls: { to: string; data?: string; value?: string }[];
    }[];
    if (
      Number.parseInt(request.chainId, 16) !== this.options.chainId ||
      this.reportedChainId !== this.options.chainId
    ) {
      return { error: { code: 5710, message: `Unsupported chain ${request.chainId}` } };
    }
    if (request.from !== undefined && request.from.toLowerCase() !== this.address.toLowerCase()) {
      return { error: { code: 4100, message: `Unknown account ${request.from}` } };
    }
    const gas: bigint[] = [];
    for (const call of request.calls) {
      const estimate = await this.forward("eth_estimateGas", [
        { from: this.address, to: call.to, data: call.data ?? "0x", value: call.value ?? "0x0" },
      ]);
      if (estimate.error !== undefined) return estimate;
      gas.push((BigInt(estimate.result as string) * 12n) / 10n);
    }
    const hashes: string[] = [];
    await this.forward("evm_setAutomine", [false]);
    try {
      let nonce = await this.provider.getTransactionCount(this.address, "pending");
      for (const [i, call] of request.calls.entries()) {
        const response = await this.signer.sendTransaction({
          to: call.to,
          data: call.data ?? "0x",
          value: BigInt(call.value ?? 0),
          gasLimit: gas[i],
          nonce: nonce++,
        });
        hashes.push(response.hash);
      }
      await this.forward("evm_mine", []);
    } finally {
      await this.forward("evm_setAutomine", [true]);
    }
    const id = `0x${(this.batches.length + 1).toString(16).padStart(64, "0")}`;
    this.batches.push({ id, calls: request.calls.map((c) => ({ to: c.to, data: c.data ?? "0x" })), hashes, polls: 0 });
    this.sent.push(...hashes);
    return { result: request.version.startsWith("1") ? id : { id } };
  }

  /** `wallet_getCallsStatus`: "pending" at the first poll, then the receipts (EIP-5792 v2, or v1 for atomicBatch). */
  private async callsStatus(params: unknown[]): Promise<Reply> {
    const [id] = params as string[];
    const batch = this.batches.find((b) => b.id === id);
    if (batch === undefined) return { error: { code: 5730, message: `Unknown bundle id ${id}` } };
    const v1 = this.options.batch === "atomicBatch";
    if (batch.polls++ === 0) {
      return { result: v1 ? { status: "PENDING" } : { version: "2.0.0", id, status: 100, atomic: true } };
    }
    const receipts: unknown[] = [];
    for (const hash of batch.hashes) {
      const receipt = await this.forward("eth_getTransactionReceipt", [hash]);
      receipts.push(receipt.result);
    }
    const ok = receipts.every((r) => (r as { status: string }).status === "0x1");
    return {
      result: v1
        ? { status: "CONFIRMED", receipts }
        : { version: "2.0.0", id, chainId: hex(this.options.chainId), atomic: true, status: ok ? 200 : 500, receipts },
    };
  }
}
