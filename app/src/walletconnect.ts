/**
 * WalletConnect v2 for wallets on a phone, through the maintained `@walletconnect/universal-provider` (the provider
 * under WalletConnect's own EthereumProvider, without its modal UI): the page shows the pairing URI as a QR code and
 * a `wc:` link, the phone wallet approves the session through WalletConnect's relay, and from then on the session is
 * an EIP-1193 provider like an injected wallet. Loaded only when a holder picks it (a separate chunk), and offered
 * only when `config.json` has a `walletConnectProjectId`.
 */
import type { AppConfig } from "./config.js";
import type { Eip1193Provider } from "./wallet.js";

/** What the page asks a WalletConnect wallet for (the same as of an injected one). */
const METHODS = [
  "eth_sendTransaction",
  "eth_accounts",
  "eth_requestAccounts",
  "eth_chainId",
  "wallet_switchEthereumChain",
  "wallet_addEthereumChain",
  "wallet_getCapabilities",
  "wallet_sendCalls",
  "wallet_getCallsStatus",
];
const EVENTS = ["accountsChanged", "chainChanged"];

type UniversalProvider = Awaited<ReturnType<(typeof import("@walletconnect/universal-provider"))["default"]["init"]>>;

/** A WalletConnect session (or the attempt at one). */
export interface WalletConnectSession {
  /** The session as an EIP-1193 provider. */
  readonly provider: Eip1193Provider;
  /** Whether a session is established (restored from the browser's storage, or approved by the wallet). */
  connected(): boolean;
  /**
   * Pairs with a wallet: `onUri` gets the `wc:` pairing URI to show (QR code and link); resolves once the wallet
   * approved the session.
   */
  pair(onUri: (uri: string) => void): Promise<void>;
  /** Stops waiting for a wallet to pair. */
  abort(): void;
  /** Ends the session (the wallet is told). */
  disconnect(): Promise<void>;
}

let shared: Promise<UniversalProvider> | undefined;

/** Starts WalletConnect's client for `config` (once per page), restoring a session the browser kept. */
export async function walletConnect(config: AppConfig, projectId: string): Promise<WalletConnectSession> {
  shared ??= import("@walletconnect/universal-provider").then(({ default: Provider }) =>
    Provider.init({
      projectId,
      metadata: {
        name: "ShareMall",
        description: "See and claim the dividends of your ShareMall tokens",
        url: location.origin,
        icons: [],
      },
    }),
  );
  let wc: UniversalProvider;
  try {
    wc = await shared;
  } catch (error) {
    shared = undefined; // let the next attempt start afresh (e.g. once the network is back)
    throw error;
  }
  const chain = `eip155:${config.chainId}`;
  const provider: Eip1193Provider = {
    request: (args) => wc.request(args as { method: string; params?: unknown[] }, chain),
    on: (event, listener) => void wc.on(event, listener),
    removeListener: (event, listener) => void wc.removeListener(event, listener),
  };
  return {
    provider,
    connected: () => wc.session !== undefined,
    pair: async (onUri) => {
      const listener = (uri: unknown): void => {
        if (typeof uri === "string") onUri(uri);
      };
      wc.on("display_uri", listener);
      try {
        await wc.connect({
          optionalNamespaces: {
            eip155: {
              chains: [chain],
              methods: METHODS,
              events: EVENTS,
              rpcMap: { [String(config.chainId)]: config.rpcUrl },
            },
          },
        });
        wc.setDefaultChain(chain, config.rpcUrl);
      } finally {
        wc.removeListener("display_uri", listener);
      }
    },
    abort: () => wc.abortPairingAttempt(),
    disconnect: () => wc.disconnect(),
  };
}

/** The pairing URI as a QR code (a PNG data URL), made in the page. */
export async function qrDataUrl(uri: string): Promise<string> {
  const { toDataURL } = await import("qrcode");
  return toDataURL(uri, { errorCorrectionLevel: "M", margin: 2, width: 264 });
}
