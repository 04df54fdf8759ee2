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

/** The page side: a minimal EIP-1193 provider over the exposed `__testWalletRequest` function. */
const PAGE_SCRIPT = `(() => {
  const listeners = {};
  const emit = (event, ...args) => {
    for (const fn of (listeners[event] || []).slice()) {
      try { fn(...args); } catch (error) { console.error(error); }
    }
  };
  const provider = {
    isShareMallTestWallet: true,
    async request(args) {
      const reply = await window.__testWalletRequest(args.method, JSON.stringify(args.params === undefined ? [] : args.params));
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
  window.__testWalletEmit = emit;
  window.ethereum = provider;
})();`;

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
}

export class TestWallet {
  readonly address: string;
  /** Every request, in order. */
  readonly requests: WalletRequest[] = [];
  /** Hashes of the transactions it sent. */
  readonly sent: string[] = [];
  /** When true, every transaction and chain switch is rejected with 4001, as when the user clicks "Reject". */
  reject = false;
  reportedChainId: number;
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
  }

  /** Installs the wallet in `page` (before any of its scripts run). */
  async attach(page: Page): Promise<void> {
    await page.exposeFunction("__testWalletRequest", (method: string, params: string) =>
      this.handle(method, JSON.parse(params) as unknown[]),
    );
    await page.addInitScript({ content: PAGE_SCRIPT });
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
      case "personal_sign":
      case "eth_sign":
      case "eth_signTypedData_v4":
      case "eth_signTransaction":
        return { error: { code: 4200, message: `The test wallet does not support ${method}` } };
      default:
        return this.forward(method, params);
    }
  }
}
