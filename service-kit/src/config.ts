/**
 * Configuration of the whole stack, read once from the environment.
 * Every service reads the part it needs; defaults make `npm start` work on a fresh clone.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DatabaseTarget } from "./data/databaseTarget.js";

export const SERVICE_NAMES = ["order", "payment", "notification"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * Every database the stack migrates: the three services' and `auth`, the identity tier's (users,
 * session revocations, rate limits), which the gateways own and the subgraphs only read.
 */
export const DATABASE_NAMES = [...SERVICE_NAMES, "auth"] as const;
export type DatabaseName = (typeof DATABASE_NAMES)[number];

/** The repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface ServiceEndpoint {
  name: ServiceName;
  host: string;
  port: number;
  /** The subgraph's GraphQL URL, as the gateway and other services reach it. */
  url: string;
  /** The SQLite file the service uses when it is not on PostgreSQL. */
  dbPath: string;
  /** Where the service keeps its data: `dbPath`, or PostgreSQL when `<SERVICE>_DATABASE_URL` is set. */
  database: DatabaseTarget;
}

export interface StackConfig {
  nodeEnv: string;
  dataDir: string;
  host: string;
  gatewayPort: number;
  logLevel: LogLevel;
  services: Record<ServiceName, ServiceEndpoint>;
  /** Where the file transport writes what it sends (one JSON line per message). */
  outboxDir: string;
  /** API keys with roles (hashes only), read by the gateway and every subgraph. */
  apiKeysFile: string;
  /** How the outbox dispatcher retries (tests shorten the delays). */
  outbox: OutboxTuning;
  /** Where uploaded CSV files wait for (and stay after) their import. */
  importDir: string;
  /** The largest CSV file an upload accepts, in bytes. */
  importMaxBytes: number;
  /** Time between two passes of the background consistency check. */
  consistencyIntervalMs: number;
  /** PostgreSQL: how long a job (import, batch undo) stays claimed by a runner that stopped renewing it. */
  jobLeaseMs: number;
  /** How long a SIGTERM's drain may take (in-flight requests, the import chunk running) before it is cut short. */
  drainTimeoutMs: number;
  /**
   * How long a draining process keeps accepting connections while `/ready` answers 503, so a load
   * balancer that probes readiness stops sending before connections are refused (0: refuse at once).
   */
  drainNoticeMs: number;
  /** Upload targets one identity may hold open (created, file not yet received). */
  importMaxOpenUploads: number;
  /** Bytes of uploaded files one identity may keep that no import has used yet. */
  importMaxPendingBytes: number;
  /** CSV downloads (error reports, failed rows, exports) one identity may run at once. */
  importMaxDownloads: number;
  smtpUrl: string | undefined;
  /**
   * The identity tier's database: `AUTH_DATABASE_URL` (PostgreSQL, shared by every gateway and
   * subgraph) or the SQLite file `AUTH_DB_PATH` (default DATA_DIR/auth.db, one machine).
   */
  authDatabase: DatabaseTarget;
  /** How often each process reads new session revocations (REVOCATION_POLL_MS, default 250). */
  revocationPollMs: number;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";
const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error", "silent"];

const DEFAULT_PORTS: Record<ServiceName, number> = { order: 4001, payment: 4002, notification: 4003 };

export class ConfigError extends Error {}

export interface OutboxTuning {
  pollMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  /** How long one delivery may take; on PostgreSQL a claim's lease is two of these and 10 s. */
  timeoutMs: number;
}

function readPositive(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${key}=${raw} must be a positive whole number (unset it to use ${fallback}).`);
  return n;
}

/** The webhook endpoint of a service, next to its GraphQL endpoint. */
export function webhookUrl(graphqlUrl: string): string {
  return graphqlUrl.replace(/\/graphql$/, "/webhooks/events");
}

function readNonNegative(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${key}=${raw} must be a whole number of milliseconds, 0 or more (unset it to use ${fallback}).`);
  return n;
}

function readPort(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${key}=${raw} is not a port number: set it to an integer between 0 and 65535, or unset it to use ${fallback}.`);
  }
  return port;
}

/** Connections a service's PostgreSQL pool may open unless `<SERVICE>_DATABASE_POOL_SIZE` says otherwise. */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Connections each process opens to the auth database by default: one poll every 250 ms, a
 * sign-in now and then, one rate-limit UPSERT per gateway request (AUTH_DATABASE_POOL_SIZE).
 */
export const AUTH_POOL_SIZE = 3;

/** The variable that puts `service` on PostgreSQL, e.g. `ORDER_DATABASE_URL`. */
export function databaseUrlVariable(service: DatabaseName): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

/**
 * The database `service` runs on: PostgreSQL when `<SERVICE>_DATABASE_URL` is a `postgres://` or
 * `postgresql://` URL, else its SQLite file `dbPath`. Throws ConfigError for any other value.
 */
function readDatabaseTarget(service: DatabaseName, env: NodeJS.ProcessEnv, dbPath: string, defaultPoolSize = DEFAULT_POOL_SIZE): DatabaseTarget {
  const variable = databaseUrlVariable(service);
  const raw = env[variable]?.trim();
  if (!raw) return { kind: "sqlite", path: dbPath };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${variable} is not a URL: set it to postgres://user:password@host:5432/database, or unset it to use SQLite in DATA_DIR.`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new ConfigError(
      `${variable} uses "${url.protocol}", which is not supported: set it to a postgres:// or postgresql:// URL, or unset it to use SQLite in DATA_DIR.`,
    );
  }
  if (url.pathname.length <= 1) {
    throw new ConfigError(`${variable} names no database: add one to the URL (…/${service}), one database per service${service === "auth" ? " (and one for the gateways' auth data)" : ""}.`);
  }
  const poolVariable = `${service.toUpperCase()}_DATABASE_POOL_SIZE`;
  const rawPool = env[poolVariable];
  const poolSize = rawPool === undefined || rawPool === "" ? defaultPoolSize : Number(rawPool);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new ConfigError(`${poolVariable}=${rawPool} must be a whole number from 1 to 1000 (unset it to use ${defaultPoolSize}).`);
  }
  return { kind: "postgres", url: raw, poolSize };
}

/**
 * What a service's `main.ts` passes its start function about its database: the target, and the
 * SQLite path for a service that still takes `dbPath` (spread it: `...serviceDatabaseOptions(…)`).
 * A service on the data kit uses `database`; `dbPath` goes once every service does.
 */
export function serviceDatabaseOptions(endpoint: ServiceEndpoint): { database: DatabaseTarget; dbPath: string } {
  return { database: endpoint.database, dbPath: endpoint.dbPath };
}

/** Reads and validates the stack configuration. Throws ConfigError with a fix-it message. */
export function readStackConfig(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const dataDir = path.resolve(env.DATA_DIR ?? path.join(REPO_ROOT, "data"));
  const host = env.HOST ?? "127.0.0.1";
  const logLevel = (env.LOG_LEVEL ?? "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL=${env.LOG_LEVEL} is unknown: use one of ${LOG_LEVELS.join(", ")}.`);
  }
  const services = {} as Record<ServiceName, ServiceEndpoint>;
  for (const name of SERVICE_NAMES) {
    const upper = name.toUpperCase();
    const port = readPort(env, `${upper}_PORT`, DEFAULT_PORTS[name]);
    const dbPath = path.resolve(env[`${upper}_DB_PATH`] ?? path.join(dataDir, `${name}_service.db`));
    services[name] = {
      name,
      host,
      port,
      url: env[`${upper}_URL`] ?? `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}/graphql`,
      dbPath,
      database: readDatabaseTarget(name, env, dbPath),
    };
  }
  return {
    nodeEnv: env.NODE_ENV ?? "development",
    dataDir,
    host,
    gatewayPort: readPort(env, "GATEWAY_PORT", 4000),
    logLevel,
    services,
    outboxDir: path.resolve(env.MAIL_OUTBOX_DIR ?? path.join(dataDir, "outbox")),
    apiKeysFile: path.resolve(env.API_KEYS_FILE ?? path.join(dataDir, "api-keys.json")),
    importDir: path.resolve(env.IMPORT_DIR ?? path.join(dataDir, "imports")),
    importMaxBytes: readPositive(env, "IMPORT_MAX_BYTES", 200 * 1024 * 1024),
    consistencyIntervalMs: readPositive(env, "CONSISTENCY_INTERVAL_MS", 60_000),
    jobLeaseMs: readPositive(env, "JOB_LEASE_MS", 30_000),
    drainTimeoutMs: readPositive(env, "DRAIN_TIMEOUT_MS", 20_000),
    drainNoticeMs: readNonNegative(env, "DRAIN_NOTICE_MS", 0),
    importMaxOpenUploads: readPositive(env, "IMPORT_MAX_OPEN_UPLOADS", 20),
    importMaxPendingBytes: readPositive(env, "IMPORT_MAX_PENDING_BYTES", 1024 * 1024 * 1024),
    importMaxDownloads: readPositive(env, "IMPORT_MAX_DOWNLOADS", 2),
    outbox: {
      pollMs: readPositive(env, "OUTBOX_POLL_MS", 1000),
      baseDelayMs: readPositive(env, "OUTBOX_BASE_DELAY_MS", 500),
      maxDelayMs: readPositive(env, "OUTBOX_MAX_DELAY_MS", 300_000),
      maxAttempts: readPositive(env, "OUTBOX_MAX_ATTEMPTS", 15),
      timeoutMs: readPositive(env, "OUTBOX_TIMEOUT_MS", 10_000),
    },
    smtpUrl: env.SMTP_URL || undefined,
    authDatabase: readDatabaseTarget("auth", env, path.resolve(env.AUTH_DB_PATH ?? path.join(dataDir, "auth.db")), AUTH_POOL_SIZE),
    revocationPollMs: readPositive(env, "REVOCATION_POLL_MS", 250),
  };
}
