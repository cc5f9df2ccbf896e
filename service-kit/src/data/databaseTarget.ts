/**
 * Where a service keeps its data: a SQLite file in DATA_DIR (the default, nothing to install) or
 * a PostgreSQL database named by `<SERVICE>_DATABASE_URL`. Read once at start; a bad value fails
 * the start with a message naming the variable.
 */
import { ConfigError, readStackConfig, type ServiceName } from "../config.js";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | {
      kind: "postgres";
      url: string;
      /** Connections the service's pool may open (`<SERVICE>_DATABASE_POOL_SIZE`, default 10). */
      poolSize: number;
    };

export const DEFAULT_POOL_SIZE = 10;

/** The variable that puts `service` on PostgreSQL, e.g. `ORDER_DATABASE_URL`. */
export function databaseUrlVariable(service: ServiceName): string {
  return `${service.toUpperCase()}_DATABASE_URL`;
}

/** `url` without its password, for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    // Without a host the rest is opaque text that may hold anything: keep the scheme only.
    if (!parsed.host) return `${parsed.protocol}…`;
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    // Not parseable: show the scheme at most, never the rest (it may hold a password).
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    return scheme ? `${scheme}…` : "(unparseable URL)";
  }
}

/** A one-line description of `target` that is safe to log. */
export function describeTarget(target: DatabaseTarget): string {
  return target.kind === "sqlite" ? `SQLite ${target.path}` : `PostgreSQL ${redactUrl(target.url)}`;
}

/**
 * The database `service` runs on: PostgreSQL when `<SERVICE>_DATABASE_URL` is a `postgres://` or
 * `postgresql://` URL, else its SQLite file (`<SERVICE>_DB_PATH`, default `DATA_DIR/<service>_service.db`).
 * Throws ConfigError for any other value.
 */
export function databaseTarget(service: ServiceName, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const variable = databaseUrlVariable(service);
  const raw = env[variable]?.trim();
  if (!raw) return { kind: "sqlite", path: readStackConfig(env).services[service].dbPath };
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
    throw new ConfigError(`${variable} names no database: add one to the URL (…/${service}), one database per service.`);
  }
  const poolVariable = `${service.toUpperCase()}_DATABASE_POOL_SIZE`;
  const rawPool = env[poolVariable];
  const poolSize = rawPool === undefined || rawPool === "" ? DEFAULT_POOL_SIZE : Number(rawPool);
  if (!Number.isInteger(poolSize) || poolSize < 1 || poolSize > 1000) {
    throw new ConfigError(`${poolVariable}=${rawPool} must be a whole number from 1 to 1000 (unset it to use ${DEFAULT_POOL_SIZE}).`);
  }
  return { kind: "postgres", url: raw, poolSize };
}
