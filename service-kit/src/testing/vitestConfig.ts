/**
 * The Vitest settings every workspace shares. Vite would resolve `graphql` to its ESM build while
 * @apollo/subgraph (CommonJS) loads the CommonJS one: two copies, and graphql refuses types from
 * "another realm". Node itself loads one copy (graphql has no `exports` map), so tests do too.
 */
import { createRequire } from "node:module";
import os from "node:os";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

/**
 * Test files at once, for every project (a project does not inherit the root config's). Vitest's
 * default is one fewer than the cores: one file at a time on CI's two. Most files spend their time
 * waiting on the processes and databases they start, so one more than the cores keeps both busy
 * (measured on 2 cores: npm test's Vitest run 412 s → 280 s).
 */
export const TEST_WORKERS = os.availableParallelism() + 1;

export function workspaceConfig(name: string, files: { include?: string[]; exclude?: string[]; alone?: boolean } = {}) {
  return defineConfig({
    resolve: { alias: { graphql: require.resolve("graphql") } },
    test: {
      name,
      include: files.include ?? ["src/**/*.test.ts"],
      ...(files.exclude ? { exclude: ["**/node_modules/**", ...files.exclude] } : {}),
      // Timing bounds that only hold on a quiet machine (a process back within 10 s): one file,
      // after every other project's files have finished.
      ...(files.alone ? { sequence: { groupOrder: 1 } } : {}),
      maxWorkers: files.alone ? 1 : TEST_WORKERS,
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
