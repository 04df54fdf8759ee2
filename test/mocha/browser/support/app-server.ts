/**
 * Builds the holder page with Vite's JS API into a temporary directory, writes its `config.json` for a given
 * chain, and serves it with `vite preview` on a free port.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, preview, type PreviewServer } from "vite";
import { freePort } from "../../support/hardhat-node.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const configFile = path.join(root, "app/vite.config.ts");

/** `config.json` as the page reads it. */
export interface PageConfig {
  readonly chainId: number;
  readonly chainName: string;
  readonly rpcUrl: string;
  readonly factory: string;
  readonly currencySymbol: string;
  readonly fromBlock?: number;
  readonly explorerUrl?: string;
  readonly walletConnectProjectId?: string;
  readonly fiat?: { readonly currency: string; readonly perNative: string; readonly asOf?: string };
  readonly refreshSeconds?: number;
}

export interface AppServer {
  /** Base URL of the page, ending in `/`. */
  readonly url: string;
  readonly outDir: string;
  stop(): Promise<void>;
}

/** Builds the page with `config` and serves it. */
export async function serveApp(config: PageConfig): Promise<AppServer> {
  const outDir = await mkdtemp(path.join(tmpdir(), "sharemall-app-"));
  await build({ configFile, logLevel: "warn", build: { outDir, emptyOutDir: true } });
  await writeFile(path.join(outDir, "config.json"), JSON.stringify(config, null, 2));
  const port = await freePort();
  const server: PreviewServer = await preview({
    configFile,
    logLevel: "warn",
    build: { outDir },
    preview: { host: "127.0.0.1", port, strictPort: true },
  });
  return {
    url: `http://127.0.0.1:${port}/`,
    outDir,
    stop: async () => {
      await server.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}
