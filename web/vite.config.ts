import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

// The dashboard is served by the control plane (src/api/routes/web-ui.ts) from dist/web.
// No plugin: Vite compiles TSX itself; fast refresh is not worth a dependency here.
export default defineConfig({
  root: here,
  base: "/",
  publicDir: "public",
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  build: {
    outDir: fileURLToPath(new URL("../dist/web", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // The CSP forbids inline code: no inlined module-preload polyfill, no data: scripts.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: {
      output: { manualChunks: undefined },
    },
  },
  server: { proxy: { "/api": "http://127.0.0.1:7070" } },
});
