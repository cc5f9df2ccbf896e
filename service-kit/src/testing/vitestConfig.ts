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

/**
 * Set by `npm run test:pg` for its full run: files listed as `dialectFree` are left out of that
 * second pass, since what they check does not depend on the database (it ran in `npm test`).
 */
export const SKIP_DIALECT_FREE_VARIABLE = "OPS_TEST_SKIP_DIALECT_FREE";

export interface WorkspaceFiles {
  include?: string[];
  exclude?: string[];
  /** Run alone, after every other project's files (timing bounds that need a quiet machine). */
  alone?: boolean;
  /**
   * Files whose subject does not depend on the database (a command line's output, a timeout
   * the gateway enforces, process supervision): the full PostgreSQL pass skips them.
   */
  dialectFree?: string[];
  /**
   * Vitest's pool: worker threads by default (a thread starts in a fraction of a forked process's
   * second per file; the gateway and payment suites), forked processes for a project whose tests
   * need a process of their own: they set `process.env.TZ` or measure the process's RSS, which
   * threads share (service-kit, order, notification).
   */
  pool?: "threads" | "forks";
}

export function workspaceConfig(name: string, files: WorkspaceFiles = {}) {
  const skipped = process.env[SKIP_DIALECT_FREE_VARIABLE] === "1" ? (files.dialectFree ?? []) : [];
  const exclude = [...(files.exclude ?? []), ...skipped];
  return defineConfig({
    resolve: { alias: { graphql: require.resolve("graphql") } },
    test: {
      name,
      include: files.include ?? ["src/**/*.test.ts"],
      ...(exclude.length ? { exclude: ["**/node_modules/**", ...exclude] } : {}),
      // Timing bounds that only hold on a quiet machine (a process back within 10 s): one file,
      // after every other project's files have finished.
      ...(files.alone ? { sequence: { groupOrder: 1 } } : {}),
      maxWorkers: files.alone ? 1 : TEST_WORKERS,
      pool: files.pool ?? "threads",
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  });
}
