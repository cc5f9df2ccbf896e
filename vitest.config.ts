import { defineConfig } from "vitest/config";

// Each workspace has its own config; `npm test` runs them all.
export default defineConfig({
  test: {
    projects: ["rules", "contracts", "service-kit", "subgraphs/order", "subgraphs/payment", "subgraphs/notification", "gateway", "gateway/vitest.chaos.config.ts", "admin-ui"],
  },
});
