/**
 * Which wallets the browser has: EIP-6963 multi-wallet discovery (every extension announces itself with a name, an
 * icon and its reverse-DNS id, so a holder with two extensions can pick one), `window.ethereum` only as the fallback
 * when nothing announces, and the holder's choice remembered by rdns. Without any wallet, links that open this page
 * inside a mobile wallet's dapp browser.
 */
import type { Eip1193Provider } from "./wallet.js";

/** EIP-6963 `EIP6963ProviderInfo`. */
export interface WalletInfo {
  readonly uuid: string;
  readonly name: string;
  /** A data URI (the page loads no remote images: anything else is dropped). */
  readonly icon: string | null;
  /** Reverse DNS of the wallet, e.g. "io.metamask": what the page remembers. */
  readonly rdns: string;
}

/** A wallet the page can use. */
export interface AnnouncedWallet {
  readonly info: WalletInfo;
  readonly provider: Eip1193Provider;
}

/** The id the page remembers for the `window.ethereum` fallback and for WalletConnect. */
export const INJECTED_ID = "injected";
export const WALLETCONNECT_ID = "walletconnect";

function isProvider(value: unknown): value is Eip1193Provider {
  return typeof value === "object" && value !== null && typeof (value as Eip1193Provider).request === "function";
}

/** Validates an `eip6963:announceProvider` detail (any page script can dispatch one). */
export function parseAnnouncement(detail: unknown): AnnouncedWallet | null {
  if (typeof detail !== "object" || detail === null) return null;
  const { info, provider } = detail as { info?: unknown; provider?: unknown };
  if (typeof info !== "object" || info === null || !isProvider(provider)) return null;
  const { uuid, name, icon, rdns } = info as Record<string, unknown>;
  if (typeof uuid !== "string" || typeof name !== "string" || typeof rdns !== "string") return null;
  if (name.trim() === "" || rdns.trim() === "") return null;
  const safeIcon =
    typeof icon === "string" && /^data:image\/(png|svg\+xml|webp|gif|jpeg)[;,]/i.test(icon) ? icon : null;
  return { info: { uuid, name: name.trim().slice(0, 64), icon: safeIcon, rdns: rdns.trim() }, provider };
}

/**
 * Listens for EIP-6963 announcements and asks every wallet to announce itself. `onChange` gets the wallets so far
 * (one per rdns, the latest announcement winning), each time one arrives. Returns a function that stops listening.
 */
export function discoverWallets(onChange: (wallets: readonly AnnouncedWallet[]) => void): () => void {
  const byRdns = new Map<string, AnnouncedWallet>();
  const listener = (event: Event): void => {
    const wallet = parseAnnouncement((event as CustomEvent<unknown>).detail);
    if (wallet === null) return;
    const known = byRdns.get(wallet.info.rdns);
    if (known !== undefined && known.provider === wallet.provider && known.info.uuid === wallet.info.uuid) return;
    byRdns.set(wallet.info.rdns, wallet);
    onChange([...byRdns.values()]);
  };
  window.addEventListener("eip6963:announceProvider", listener);
  window.dispatchEvent(new Event("eip6963:requestProvider"));
  return () => window.removeEventListener("eip6963:announceProvider", listener);
}

/** A mobile wallet whose dapp browser can open this page. */
export interface DappBrowserLink {
  readonly wallet: "imToken" | "TokenPocket" | "OKX Wallet";
  readonly href: string;
}

/**
 * Links that open `pageUrl` in the dapp browsers of imToken, TokenPocket and OKX Wallet (their documented deep
 * links, see docs/app.md):
 * - imToken: `imtokenv2://navigate/DappView?url=<url, URI-encoded>`
 * - TokenPocket: `tpdapp://open?params=<{"url": …, "chain": "ETH", "source": …} as JSON, URI-encoded>`
 * - OKX Wallet: `https://web3.okx.com/download?deeplink=<okx://wallet/dapp/url?dappUrl=<url, encoded>, encoded>`
 *   (a universal link: it opens the app when installed, its download page otherwise).
 */
export function dappBrowserLinks(pageUrl: string, source = "ShareMall"): DappBrowserLink[] {
  const url = new URL(pageUrl);
  url.hash = "";
  const target = url.toString();
  const tp = JSON.stringify({ url: target, chain: "ETH", source });
  const okx = `okx://wallet/dapp/url?dappUrl=${encodeURIComponent(target)}`;
  return [
    { wallet: "imToken", href: `imtokenv2://navigate/DappView?url=${encodeURIComponent(target)}` },
    { wallet: "TokenPocket", href: `tpdapp://open?params=${encodeURIComponent(tp)}` },
    { wallet: "OKX Wallet", href: `https://web3.okx.com/download?deeplink=${encodeURIComponent(okx)}` },
  ];
}
