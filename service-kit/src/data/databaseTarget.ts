/**
 * Where a service keeps its data: a SQLite file in DATA_DIR (the default, nothing to install) or
 * a PostgreSQL database named by `<SERVICE>_DATABASE_URL`. Read once at start; a bad value fails
 * the start with a message naming the variable.
 */
import { readStackConfig, type DatabaseName, type StackConfig } from "../config.js";

export type DatabaseTarget =
  | { kind: "sqlite"; path: string }
  | {
      kind: "postgres";
      url: string;
      /** Connections the service's pool may open (`<SERVICE>_DATABASE_POOL_SIZE`, default 10). */
      poolSize: number;
    };

export { DEFAULT_POOL_SIZE, databaseUrlVariable } from "../config.js";

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

/** Where `name` lives in `config`: a service's database, or the auth database (`config.authDatabase`). */
export function targetOf(name: DatabaseName, config: StackConfig): DatabaseTarget {
  return name === "auth" ? config.authDatabase : config.services[name].database;
}

/**
 * The database `service` runs on: PostgreSQL when `<SERVICE>_DATABASE_URL` is a `postgres://` or
 * `postgresql://` URL, else its SQLite file (`<SERVICE>_DB_PATH`, default `DATA_DIR/<service>_service.db`;
 * `auth`: `AUTH_DB_PATH`, default `DATA_DIR/auth.db`). Throws ConfigError for any other value.
 */
export function databaseTarget(service: DatabaseName, env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  return targetOf(service, readStackConfig(env));
}
