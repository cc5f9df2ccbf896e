/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temp folder, a free port, a private
 * socket folder, settings that trade durability for speed, and nothing left behind — stopped by
 * `stop()`, on process exit, and by a watchdog when the process is killed outright.
 *
 * Debian's `postgresql` package provides the binaries (`/usr/lib/postgresql/<major>/bin`). They
 * refuse to run as root, so as root every command runs as the `postgres` user (`runuser`).
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createDatabase, databaseUrl, dropDatabase } from "./pgAdmin.js";
import { freePort } from "../freePort.js";

export interface PgCluster {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: a superuser, trusted (no password). */
  readonly adminUrl: string;
  readonly port: number;
  /** The temp folder holding the data, the socket and `server.log` (removed by `stop`). */
  readonly dir: string;
  /** The cluster's major version, e.g. 15. */
  readonly version: number;
  /** The URL of database `name` on this cluster. */
  urlFor(name: string): string;
  /** Creates `name` (empty, or a copy of `template`) and returns its URL. */
  createDatabase(name: string, options?: { template?: string }): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Stops the server and removes its files; safe to call twice. */
  stop(): Promise<void>;
}

/** PostgreSQL is not installed (or not where we look): the message says how to install it. */
export class PgNotInstalledError extends Error {}

const INSTALL_HINT =
  "Install PostgreSQL (Debian/Ubuntu: apt-get install -y postgresql), or point OPS_PG_BIN_DIR at a folder holding initdb and pg_ctl.";

/**
 * The folder with `initdb`, `pg_ctl` and `postgres`: `OPS_PG_BIN_DIR` when set, else the newest
 * `/usr/lib/postgresql/<major>/bin`.
 */
export function findPgBinDir(env: NodeJS.ProcessEnv = process.env, root = "/usr/lib/postgresql"): string {
  const hasTools = (dir: string) => ["initdb", "pg_ctl", "postgres"].every((tool) => fs.existsSync(path.join(dir, tool)));
  if (env.OPS_PG_BIN_DIR) {
    if (hasTools(env.OPS_PG_BIN_DIR)) return env.OPS_PG_BIN_DIR;
    throw new PgNotInstalledError(`OPS_PG_BIN_DIR=${env.OPS_PG_BIN_DIR} holds no initdb, pg_ctl and postgres. ${INSTALL_HINT}`);
  }
  const majors = fs.existsSync(root)
    ? fs
        .readdirSync(root)
        .filter((entry) => /^\d+(\.\d+)?$/.test(entry) && hasTools(path.join(root, entry, "bin")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0] === undefined) throw new PgNotInstalledError(`PostgreSQL was not found in ${root}/<version>/bin. ${INSTALL_HINT}`);
  return path.join(root, majors[0], "bin");
}

/** How to run a PostgreSQL binary as a user it accepts: itself, or `runuser -u postgres --` as root. */
function commandFor(binDir: string, tool: string, args: string[]): string[] {
  const bin = path.join(binDir, tool);
  return process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--", bin, ...args] : [bin, ...args];
}

function run(argv: string[], what: string): void {
  const [cmd, ...args] = argv as [string, ...string[]];
  const result = spawnSync(cmd, args, { encoding: "utf8" });
  if (result.error) throw new Error(`${what} could not start (${cmd}): ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${result.stdout}${result.stderr}`.trimEnd());
}

// Durability is worthless for a cluster that lives as long as one test run.
const NOT_DURABLE = ["fsync = off", "synchronous_commit = off", "full_page_writes = off"];
// For benchmarks: data reaches the disk as in production; only the commit does not wait for it,
// which loses the last moments on a crash like SQLite's WAL with synchronous = NORMAL does.
const LIKE_SQLITE_WAL = ["synchronous_commit = off"];
const TEST_SETTINGS = [
  "listen_addresses = '127.0.0.1'",
  // Parallel test files each open a pool of up to 10.
  "max_connections = 300",
  "timezone = 'UTC'",
  "log_timezone = 'UTC'",
];
// Tests: no unattended background work competing with them for the 2 cores CI has. Benchmarks
// keep autovacuum on, as production does: its ANALYZE keeps the plans right while tables grow.
const NO_AUTOVACUUM = ["autovacuum = off"];

/**
 * Starts a fresh cluster. Throws PgNotInstalledError when PostgreSQL is missing, and an error
 * with the server's log when it does not start.
 */
export async function startPgCluster(options: { binDir?: string; /** fsync on (benchmarks); off by default. */ durable?: boolean } = {}): Promise<PgCluster> {
  const binDir = options.binDir ?? findPgBinDir();
  const asRoot = process.getuid?.() === 0;
  if (asRoot && spawnSync("id", ["-u", "postgres"]).status !== 0) {
    throw new PgNotInstalledError(`There is no "postgres" user to run PostgreSQL as (running as root). ${INSTALL_HINT}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-pg-"));
  const dataDir = path.join(dir, "data");
  const socketDir = path.join(dir, "socket");
  const logFile = path.join(dir, "server.log");
  fs.mkdirSync(socketDir);
  if (asRoot) {
    const { uid, gid } = postgresIds();
    for (const p of [dir, socketDir]) fs.chownSync(p, uid, gid);
  }
  const stopArgv = commandFor(binDir, "pg_ctl", ["stop", "-D", dataDir, "-m", "immediate", "-w", "-s"]);
  let running = false;
  let watchdog: number | undefined;
  const stopNow = () => {
    if (running) spawnSync(stopArgv[0]!, stopArgv.slice(1), { stdio: "ignore" });
    running = false;
    if (watchdog !== undefined) {
      try {
        process.kill(watchdog);
      } catch {
        // Already gone.
      }
      watchdog = undefined;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopNow);
  try {
    run(commandFor(binDir, "initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"]), "initdb");
    fs.appendFileSync(
      path.join(dataDir, "postgresql.conf"),
      `\n# Test cluster (service-kit/src/testing/pgCluster.ts)\n${[...(options.durable ? LIKE_SQLITE_WAL : [...NOT_DURABLE, ...NO_AUTOVACUUM]), ...TEST_SETTINGS, `unix_socket_directories = '${socketDir}'`].join("\n")}\n`,
    );
    const version = Number(fs.readFileSync(path.join(dataDir, "PG_VERSION"), "utf8").trim());
    // Another process may take the free port between our probe and the server's bind: try again.
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const start = commandFor(binDir, "pg_ctl", ["start", "-D", dataDir, "-l", logFile, "-w", "-t", "60", "-s", "-o", `-p ${port}`]);
      const result = spawnSync(start[0]!, start.slice(1), { encoding: "utf8" });
      if (result.status === 0) break;
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
      if (attempt < 5 && /could not bind|already in use/i.test(log)) continue;
      throw new Error(`PostgreSQL did not start (pg_ctl exit ${result.status}):\n${result.stderr}${log}`.trimEnd());
    }
    running = true;
    watchdog = startWatchdog(dir, stopArgv);
    const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    return {
      adminUrl,
      port,
      dir,
      version,
      urlFor: (name) => databaseUrl(adminUrl, name),
      createDatabase: (name, opts) => createDatabase(adminUrl, name, opts),
      dropDatabase: (name) => dropDatabase(adminUrl, name),
      stop: async () => {
        process.removeListener("exit", stopNow);
        stopNow();
      },
    };
  } catch (err) {
    process.removeListener("exit", stopNow);
    stopNow();
    throw err;
  }
}

function postgresIds(): { uid: number; gid: number } {
  const read = (flag: string) => Number(spawnSync("id", [flag, "postgres"], { encoding: "utf8" }).stdout.trim());
  return { uid: read("-u"), gid: read("-g") };
}

/**
 * A detached shell that outlives a killed test process (SIGKILL, a crashed worker) and then stops
 * the server and removes its files; `stop()` and the exit hook end it first in the normal case.
 */
function startWatchdog(dir: string, stopArgv: string[]): number | undefined {
  const script = 'parent=$1; dir=$2; shift 2; while kill -0 "$parent" 2>/dev/null; do sleep 1; done; "$@" >/dev/null 2>&1; rm -rf "$dir"';
  const child = spawn("sh", ["-c", script, "pg-watchdog", String(process.pid), dir, ...stopArgv], { detached: true, stdio: "ignore" });
  child.unref();
  return child.pid;
}
