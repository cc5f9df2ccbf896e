/** SQLite access shared by the services: the Prisma driver adapter and the pragmas we rely on. */
import path from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import type { QueryEvent } from "./data/openDatabase.js";
import { makePrivateDir } from "./privateFiles.js";

import { BUSY_TIMEOUT_MS } from "./sqliteBasics.js";

export { BUSY_TIMEOUT_MS };

/** The driver adapter for one SQLite file; creates the parent folder (owner-only) when missing. */
export function sqliteAdapter(dbPath: string): PrismaBetterSQLite3 {
  makePrivateDir(path.dirname(dbPath));
  return new PrismaBetterSQLite3({ url: `file:${dbPath}`, timeout: BUSY_TIMEOUT_MS });
}

interface RawCapable {
  $queryRawUnsafe(query: string): Promise<unknown>;
}

/**
 * WAL lets readers go on while one writer writes (progress queries during an import);
 * foreign keys are on so the seed's CASCADE holds.
 */
export async function applyPragmas(prisma: RawCapable): Promise<void> {
  await prisma.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  await prisma.$queryRawUnsafe("PRAGMA synchronous = NORMAL");
  await prisma.$queryRawUnsafe("PRAGMA foreign_keys = ON");
}

/**
 * Counts the SQL statements a client sends, for tests that guard against N+1 queries: pass
 * `record` as `onQuery` to the kit's `openDatabase` (or to Prisma's query log).
 */
export class QueryCounter {
  count = 0;
  readonly statements: string[] = [];
  record = (event: Pick<QueryEvent, "query">): void => {
    this.count += 1;
    this.statements.push(event.query);
  };
  reset(): void {
    this.count = 0;
    this.statements.length = 0;
  }
}

/** True for SQLite's "a concurrent writer committed first" errors, which a retry resolves. */
export function isBusyError(err: unknown): boolean {
  const text = err instanceof Error ? `${err.message} ${(err as { code?: string }).code ?? ""}` : String(err);
  return /SQLITE_BUSY|database is locked|P2034/.test(text);
}

/**
 * Retries `$transaction` when SQLite refuses it because another connection wrote in between
 * (SQLITE_BUSY_SNAPSHOT: a deferred transaction cannot upgrade to a writer after a concurrent
 * commit; the import worker, the outbox dispatcher and the audit log write on their own
 * connections). The transaction is re-run from the start, so its effect happens once.
 */
export function withBusyRetry<T extends { $transaction: (...args: never[]) => Promise<unknown> }>(client: T, attempts = 6): T {
  const original = client.$transaction.bind(client) as (...args: unknown[]) => Promise<unknown>;
  const retrying = async (...args: unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await original(...args);
      } catch (err) {
        if (attempt >= attempts || !isBusyError(err)) throw err;
        await new Promise((r) => setTimeout(r, 5 * 2 ** attempt * (0.5 + Math.random())));
      }
    }
  };
  return new Proxy(client, {
    get: (target, prop) => {
      if (prop === "$transaction") return retrying;
      const value: unknown = Reflect.get(target, prop);
      // Prisma's methods use private fields: call them on the client itself, not on the proxy.
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

export interface DbOptions {
  /** Emit every SQL statement to this callback (tests count them). */
  onQuery?: (event: { query: string }) => void;
}

interface PrismaLike {
  $on(event: never, listener: never): void;
  $queryRawUnsafe(query: string): Promise<unknown>;
  $transaction: (...args: never[]) => Promise<unknown>;
}

/**
 * Opens a service's Prisma client over its SQLite file: the driver adapter, the query log when
 * asked for, the shared pragmas, and transactions retried on busy snapshots.
 */
export async function openPrisma<T extends PrismaLike>(
  create: (options: { adapter: PrismaBetterSQLite3; log: { emit: "event"; level: "query" }[] }) => T,
  dbPath: string,
  options: DbOptions = {},
): Promise<T> {
  const prisma = create({ adapter: sqliteAdapter(dbPath), log: options.onQuery ? [{ emit: "event", level: "query" }] : [] });
  if (options.onQuery) prisma.$on("query" as never, options.onQuery as never);
  await applyPragmas(prisma);
  return withBusyRetry(prisma);
}
