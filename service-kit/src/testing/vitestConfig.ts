/**
 * The Vitest settings every workspace shares. Vite would resolve `graphql` to its ESM build while
 * @apollo/subgraph (CommonJS) loads the CommonJS one: two copies, and graphql refuses types from
 * "another realm". Node itself loads one copy (graphql has no `exports` map), so tests do too.
 */
import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

export function workspaceConfig(name: string) {
  return defineConfig({
    resolve: { alias: { graphql: require.resolve("graphql") } },
    test: {
      name,
      include: ["src/**/*.test.ts"],
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
