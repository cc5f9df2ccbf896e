/**
 * `npm run test:pg [vitest args]`: starts a throwaway PostgreSQL cluster, runs `vitest run` with
 * OPS_TEST_PG_ADMIN_URL pointing at it (suites then take their databases from it, see
 * service-kit/src/testing/freshDatabase.ts), and stops the cluster when Vitest ends, fails or is
 * interrupted. Without arguments it runs the projects already moved to the data kit.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { PG_ADMIN_URL_VARIABLE } from "../service-kit/src/testing/freshDatabase.js";
import { PgNotInstalledError, startPgCluster } from "../service-kit/src/testing/pgCluster.js";

// Grows as the services, the gateway and the browser journeys move to the data kit.
const DEFAULT_ARGS = ["--project", "service-kit"];

const require = createRequire(import.meta.url);
const vitest = path.join(path.dirname(require.resolve("vitest/package.json")), "vitest.mjs");

const cluster = await startPgCluster().catch((err: unknown) => {
  console.error(err instanceof PgNotInstalledError ? `test:pg: ${err.message}` : err);
  process.exit(1);
});
console.log(`test:pg: PostgreSQL ${cluster.version} on port ${cluster.port}`);

const args = process.argv.slice(2);
const child = spawn(process.execPath, [vitest, "run", ...(args.length ? args : DEFAULT_ARGS)], {
  stdio: "inherit",
  env: { ...process.env, [PG_ADMIN_URL_VARIABLE]: cluster.adminUrl },
});

// Ctrl-C reaches Vitest through the terminal's process group; a plain kill reaches only us: pass it on.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (child.pid !== undefined && child.exitCode === null) child.kill(signal);
  });
}

const code = await new Promise<number>((resolve) => {
  child.once("error", (err) => {
    console.error(`test:pg: could not run Vitest: ${err.message}`);
    resolve(1);
  });
  child.once("exit", (exitCode, signal) => resolve(exitCode ?? (signal === "SIGINT" ? 130 : 1)));
});
await cluster.stop();
process.exit(code);
