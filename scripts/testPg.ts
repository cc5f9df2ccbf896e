/**
 * `npm run test:pg [vitest args]`: starts a throwaway PostgreSQL cluster, runs `vitest run` with
 * OPS_TEST_PG_ADMIN_URL pointing at it (suites then take their databases from it, see
 * service-kit/src/testing/freshDatabase.ts), and stops the cluster when Vitest ends, fails or is
 * interrupted.
 *
 * Without a selection it runs every project that touches a database (rules, contracts,
 * service-kit, the three services, the gateway) except the files whose subject does not depend on
 * the database (`dialectFree` in the projects' configs), then the browser journeys
 * (`admin-ui/e2e/vitest.config.ts`) against stacks on the cluster; flags (`--reporter dot`,
 * `--bail 1`) pass through to both runs. With a selection (`--project`, `--config` or file
 * filters) it runs `vitest run` with exactly those arguments.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { PG_ADMIN_URL_VARIABLE } from "../service-kit/src/testing/freshDatabase.js";
import { SKIP_DIALECT_FREE_VARIABLE } from "../service-kit/src/testing/vitestConfig.js";
import { PgNotInstalledError, startPgCluster } from "../service-kit/src/testing/pgCluster.js";

// Not gateway-chaos: killing processes under load on PostgreSQL is what `npm run test:cluster`
// does, with replicas; the single-process chaos test runs in `npm test`.
const PROJECTS = ["rules", "contracts", "service-kit", "order", "payment", "notification", "gateway"];
const JOURNEYS = ["--config", "admin-ui/e2e/vitest.config.ts"];

// Flags that take no value, so a word after them is a file filter.
const BOOLEAN_FLAGS = new Set(["--silent", "--no-color", "--coverage", "--passWithNoTests", "--allowOnly", "--update", "--no-file-parallelism", "--no-isolate"]);

/** True when `args` choose what to run (a project, a config, or file filters), not just how. */
function selectsTests(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--project" || arg === "--config" || arg === "-c" || arg.startsWith("--project=") || arg.startsWith("--config=")) return true;
    if (!arg.startsWith("-")) {
      // A flag's value ("--reporter dot") is not a filter.
      const previous = args[i - 1];
      if (previous?.startsWith("--") && !previous.includes("=") && !BOOLEAN_FLAGS.has(previous)) continue;
      return true;
    }
  }
  return false;
}

const require = createRequire(import.meta.url);
const vitest = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");

const cluster = await startPgCluster().catch((err: unknown) => {
  console.error(err instanceof PgNotInstalledError ? `test:pg: ${err.message}` : err);
  process.exit(1);
});
console.log(`test:pg: PostgreSQL ${cluster.version} on port ${cluster.port}`);

let child: ChildProcess | undefined;
let interrupted = false;
// Ctrl-C reaches Vitest through the terminal's process group; a plain kill reaches only us: pass it on.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    interrupted = true;
    if (child?.pid !== undefined && child.exitCode === null) child.kill(signal);
  });
}

/** Runs `vitest run args` on the cluster; resolves with its exit code. */
function runVitest(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<number> {
  const run = spawn(process.execPath, [vitest, "run", ...args], {
    stdio: "inherit",
    env: { ...process.env, [PG_ADMIN_URL_VARIABLE]: cluster.adminUrl, ...extraEnv },
  });
  child = run;
  return new Promise<number>((resolve) => {
    run.once("error", (err) => {
      console.error(`test:pg: could not run Vitest: ${err.message}`);
      resolve(1);
    });
    run.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal === "SIGINT" ? 130 : 1)));
  });
}

const args = process.argv.slice(2);
let code: number;
if (selectsTests(args)) code = await runVitest(args);
else {
  // The full pass leaves out files whose subject does not depend on the database (`dialectFree`
  // in the projects' configs); a selection runs exactly what it names.
  code = await runVitest([...PROJECTS.flatMap((project) => ["--project", project]), ...args], { [SKIP_DIALECT_FREE_VARIABLE]: "1" });
  // The journeys run even after a failure above (CI wants both reports), unless interrupted.
  if (!interrupted) {
    console.log("test:pg: browser journeys");
    const journeys = await runVitest([...JOURNEYS, ...args]);
    code ||= journeys;
  }
}
await cluster.stop();
process.exit(code);
