import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

/**
 * The holder page: a static single-page app in app/, built to app/dist. `base: "./"` makes every asset URL
 * relative, so a shop can host the built files under any path (and `config.json` next to `index.html`).
 */
export default defineConfig({
  root,
  base: "./",
  publicDir: "public",
  // The SDK is imported by relative path from ../sdk/src; let the dev server read it.
  server: { fs: { allow: [fileURLToPath(new URL("..", import.meta.url))] } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1024,
  },
});
