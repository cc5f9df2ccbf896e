import { workspaceConfig } from "../service-kit/src/testing/vitestConfig.js";

// chaos.test.ts runs alone, after the rest (vitest.chaos.config.ts).
export default workspaceConfig("gateway", {
  // The replica tests need PostgreSQL and nginx: `npm run test:cluster` (vitest.cluster.config.ts).
  exclude: ["src/__tests__/chaos.test.ts", "src/__tests__/cluster/**"],
  // The import command line's output and flags; the gateway's own subgraph timeouts.
  dialectFree: ["src/__tests__/importCli.test.ts", "src/__tests__/subgraphTimeout.test.ts"],
});
