/**
 * Vite for the admin UI. `npm run dev` serves it with hot reload and proxies the gateway's routes
 * (GATEWAY_URL, default http://127.0.0.1:4000), so the session cookie stays same-origin;
 * `npm run build:ui` writes `dist/`, which the gateway serves under its self-only CSP (no inline
 * script or style in the output: CSS goes to files, templates are compiled ahead, nothing evals).
 */
import { fileURLToPath, URL } from "node:url";
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:4000";
const proxied = ["/graphql", "/auth", "/uploads", "/imports", "/exports", "/ready", "/health"];

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { "@": fileURLToPath(new URL("./src", import.meta.url)) } },
  server: {
    port: Number(process.env.UI_PORT ?? 5173),
    proxy: Object.fromEntries(proxied.map((route) => [route, { target: gateway, changeOrigin: false }])),
  },
  build: {
    target: "es2022",
    // The gateway's CSP forbids data: scripts; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
