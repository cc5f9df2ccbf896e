/**
 * Starts the whole stack as child processes: migrates the three databases, starts the subgraphs,
 * then the gateway pointed at them, and (when asked) supervises them. Used by `npm start`, the
 * benchmarks and end-to-end tests.
 */
import { loadSecrets } from "../auth/secrets.js";
import { DATABASE_NAMES, databaseUrlVariable, readStackConfig, SERVICE_NAMES, type ServiceName } from "../config.js";
import { targetOf } from "../data/databaseTarget.js";
import { migrate } from "../data/migrate.js";
import { freshStackDatabases, prepareStackDatabases } from "./stackDatabases.js";
import { startServiceProcess, type ProcessName, type ServiceProcess } from "./serviceProcess.js";
import { Supervisor, type SupervisionOptions } from "./supervisor.js";
import { freePort } from "../freePort.js";

export interface LaunchOptions {
  /** Environment for every process (DATA_DIR, ports, secrets). Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Pipe child stderr instead of inheriting it (tests). */
  silent?: boolean;
  /** Skip migrations (the databases are known to be current). */
  skipMigrations?: boolean;
  /**
   * Restart a process that dies (see Supervisor): `true` for the defaults (0.25 s doubling to
   * 10 s). Off by default: tests that kill a service on purpose bring it back with `restart()`.
   */
  supervise?: boolean | SupervisionOptions;
}

export interface Stack {
  gatewayUrl: string;
  /** The running processes; a restart (yours or the supervisor's) replaces its entry. */
  processes: Record<ProcessName, ServiceProcess>;
  /** The environment each process was started with (ports pinned to where they listen). */
  env: NodeJS.ProcessEnv;
  /** Starts a stopped or killed process again on the same port. */
  restart(name: ProcessName): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** Variables that would point a launched stack at another install's services, databases or files. */
const INHERITED_LOCATIONS = [
  "ORDER_URL",
  "PAYMENT_URL",
  "NOTIFICATION_URL",
  "ORDER_DB_PATH",
  "PAYMENT_DB_PATH",
  "NOTIFICATION_DB_PATH",
  "USERS_FILE",
  "API_KEYS_FILE",
  "SECRETS_FILE",
  "AUTH_DB_PATH",
  ...DATABASE_NAMES.flatMap((name) => [databaseUrlVariable(name), `${name.toUpperCase()}_DATABASE_POOL_SIZE`]),
];

/**
 * The environment of a throwaway stack (tests, benchmarks, browser tests): this process's
 * environment without anything locating another install, everything under `dataDir`, every
 * port free (0), quiet logs; then `overrides`.
 *
 * Under `npm run test:pg` (`OPS_TEST_PG_ADMIN_URL` set) each service, and the auth database, whose
 * database `overrides` does not name (`<SERVICE>_DB_PATH` or `<SERVICE>_DATABASE_URL`) gets a fresh PostgreSQL database
 * on that cluster: its URL is set here, and the database itself is cloned from the service's
 * migrated template when the stack starts (`launchStack`, `startServiceProcess`).
 */
export function isolatedStackEnv(dataDir: string, overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of INHERITED_LOCATIONS) delete env[key];
  const result: NodeJS.ProcessEnv = { ...env, DATA_DIR: dataDir, GATEWAY_PORT: "0", ORDER_PORT: "0", PAYMENT_PORT: "0", NOTIFICATION_PORT: "0", LOG_LEVEL: "warn", ...overrides };
  Object.assign(result, freshStackDatabases(result, overrides));
  return result;
}

/**
 * Brings every database of the stack `env` describes to the current schema: the three services'
 * and the auth database (each its SQLite file, or its PostgreSQL database, created first under
 * `npm run test:pg`). For a test that starts one service alone: its user tokens are checked
 * against the auth database's revocation list, which must exist.
 */
export async function migrateStack(env: NodeJS.ProcessEnv): Promise<void> {
  const config = readStackConfig(env);
  await prepareStackDatabases(env);
  await Promise.all(DATABASE_NAMES.map((name) => migrate(name, targetOf(name, config))));
}

/** Migrates, starts the three subgraphs and the gateway on `options.env`, and returns them running. */
export async function launchStack(options: LaunchOptions = {}): Promise<Stack> {
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env) };
  // Port 0 (tests, benchmarks): pick the ports now, so every service knows every URL from the
  // start (the order service delivers events to services that start after it).
  for (const key of ["ORDER_PORT", "PAYMENT_PORT", "NOTIFICATION_PORT"]) {
    if (env[key] === "0") env[key] = String(await freePort());
  }
  const config = readStackConfig(env);
  // Generate development secrets once here, before four processes would race to.
  loadSecrets(config.dataDir, env);
  if (options.skipMigrations) await prepareStackDatabases(env);
  else await migrateStack(env);
  const processes = {} as Record<ProcessName, ServiceProcess>;
  // Every start, first or again, sees `env` as it is then: the ports pinned below.
  const start = (name: ProcessName) => startServiceProcess(name, env, { silent: options.silent });
  try {
    const pin = (p: ServiceProcess) => {
      processes[p.name] = p;
      // Pin the port so others find it and a restart comes back where the gateway expects it.
      const upper = p.name.toUpperCase();
      env[`${upper}_URL`] = p.url;
      env[`${upper}_PORT`] = new URL(p.url).port;
    };
    // Payment and notification read orders from the order service, so it starts first.
    pin(await start("order"));
    (await Promise.all((["payment", "notification"] as const).map(start))).forEach(pin);
    processes.gateway = await start("gateway");
    env.GATEWAY_PORT = new URL(processes.gateway.url).port;
  } catch (err) {
    await Promise.all(Object.values(processes).map((p) => p.kill()));
    throw err;
  }
  const supervisor = options.supervise ? new Supervisor(processes, start, options.supervise === true ? {} : options.supervise) : undefined;
  const stack: Stack = {
    gatewayUrl: processes.gateway.url,
    processes,
    env,
    async restart(name) {
      if (supervisor) return supervisor.restart(name);
      await processes[name].stop();
      processes[name] = await start(name);
      return processes[name];
    },
    async stop() {
      await supervisor?.close();
      await processes.gateway.stop();
      await Promise.all(SERVICE_NAMES.map((name: ServiceName) => processes[name].stop()));
    },
  };
  return stack;
}
