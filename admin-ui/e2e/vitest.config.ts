import { fileURLToPath, URL } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The browser journeys (`npm run test:e2e`, part of `npm test`): each file starts the real stack
 * (four processes on free ports, a temporary data directory) and drives it with headless Chromium.
 * Kept out of the unit projects: admin-ui's own config includes only `src/**\/*.test.ts`.
 */
export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("../src", import.meta.url)) } },
  test: {
    name: "e2e",
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["**/*.e2e.ts"],
    environment: "node",
    // One stack and one browser at a time: the machine has two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
