import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";
import { fieldPwa } from "./field/pwa.ts";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

// The worker's /docs page loads Swagger UI from our own origin (see
// worker/routes/meta/docs.ts), so the build ships the files from the installed
// package instead of a CDN or a committed copy that would drift from it.
function swaggerUiAssets(): Plugin {
  const files = ["swagger-ui.css", "swagger-ui-bundle.js"];
  return {
    name: "phu-song:swagger-ui",
    apply: "build",
    async generateBundle() {
      const dist = dirname(require.resolve("swagger-ui-dist/package.json"));
      for (const file of files) {
        this.emitFile({
          type: "asset",
          fileName: `vendor/swagger-ui/${file}`,
          source: await readFile(resolve(dist, file)),
        });
      }
    },
  };
}

// The API runs in wrangler (port 8787 by default); the dev server forwards to
// it so that `vite` alone gives hot reload against real data.
const apiOrigin = process.env.PHU_SONG_API ?? "http://127.0.0.1:8787";

export default defineConfig({
  root: here,
  publicDir: resolve(here, "public"),
  build: {
    outDir: resolve(here, "../dist/web"),
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      input: {
        index: resolve(here, "index.html"),
        operator: resolve(here, "operator.html"),
        field: resolve(here, "field.html"),
        docs: resolve(here, "src/docs.ts"),
        "field-sw": resolve(here, "src/field/sw.ts"),
      },
      output: {
        // /docs.js is a fixed address in the worker's docs page, and a service
        // worker's address is its identity (and its scope's root).
        entryFileNames: (chunk) =>
          chunk.name === "docs" ? "docs.js" : chunk.name === "field-sw" ? "field-sw.js" : "assets/[name]-[hash].js",
      },
    },
  },
  plugins: [swaggerUiAssets(), fieldPwa()],
  server: {
    proxy: { "/api": apiOrigin, "/docs": apiOrigin },
  },
});
