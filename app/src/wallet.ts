/**
 * The wallet: any EIP-1193 provider — one that announced itself through EIP-6963 (discovery.ts), `window.ethereum`
 * when none did (MetaMask, Rabby, Coinbase Wallet, a mobile wallet's in-app browser, ...), or a WalletConnect session
 * (walletconnect.ts). The page only asks it for accounts, its chain, a chain switch, its EIP-5792 capabilities, and to
 * send the claim and payment transactions the SDK builds (or one batch of `claim()` calls); it never asks for keys or
 * signatures of anything else.
 */
import type { AppConfig } from "./config.js";
import { isUnknownChain } from "./errors.js";

/** The EIP-1193 provider surface the page uses. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
  on?(event: string, listener: (...args: unknown[]) => void): void;
  removeListener?(event: string, listener: (...args: unknown[]) => void): void;
}

declare global {
  interface Window {
    ethereum?: Eip1193Provider;
  }
}

/** The injected provider (`window.ethereum`), if any: the fallback when no wallet announces itself. */
export function injectedProvider(): Eip1193Provider | undefined {
  const candidate = window.ethereum;
  return candidate !== undefined && typeof candidate.request === "function" ? candidate : undefined;
}

function firstAccount(result: unknown): `0x${string}` | undefined {
  if (!Array.isArray(result) || typeof result[0] !== "string") return undefined;
  return result[0] as `0x${string}`;
}

/** The account the wallet already lets this page see (no prompt), if any. */
export async function connectedAccount(provider: Eip1193Provider): Promise<`0x${string}` | undefined> {
  return firstAccount(await provider.request({ method: "eth_accounts" }));
}

/** Asks the wallet to connect (prompts the user). */
export async function requestAccount(provider: Eip1193Provider): Promise<`0x${string}` | undefined> {
  return firstAccount(await provider.request({ method: "eth_requestAccounts" }));
}

/** The wallet's current chain id. */
export async function walletChainId(provider: Eip1193Provider): Promise<number> {
  const id = await provider.request({ method: "eth_chainId" });
  return typeof id === "string" ? Number.parseInt(id, 16) : Number(id);
}

const hexChain = (id: number): string => `0x${id.toString(16)}`;

/** Asks the wallet to switch to the configured chain, adding it first when the wallet does not know it (4902). */
export async function switchChain(provider: Eip1193Provider, config: AppConfig): Promise<void> {
  try {
    await provider.request({ method: "wallet_switchEthereumChain", params: [{ chainId: hexChain(config.chainId) }] });
  } catch (error) {
    if (!isUnknownChain(error)) throw error;
    await provider.request({
      method: "wallet_addEthereumChain",
      params: [
        {
          chainId: hexChain(config.chainId),
          chainName: config.chainName,
          rpcUrls: [config.rpcUrl],
          nativeCurrency: { name: config.currencySymbol, symbol: config.currencySymbol, decimals: 18 },
          ...(config.explorerUrl !== null ? { blockExplorerUrls: [config.explorerUrl] } : {}),
        },
      ],
    });
  }
}
