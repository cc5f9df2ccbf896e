/**
 * A service's bulk write path: a dedicated better-sqlite3 connection for the events that touch
 * thousands of rows at once (an import's payments, a batch's confirmations or cancellations).
 * Prisma stays the path for the schema, migrations and ordinary mutations; on SQLite its per-row
 * writes run at ~16k rows/s, this connection at the database's speed (DESIGN section 6).
 *
 * Transactions here are synchronous and take the write lock up front (BEGIN IMMEDIATE). The
 * connection waits for no lock inside SQLite: Prisma's interactive transactions run on the same
 * event loop, so a blocking busy wait here would stall the very transaction holding the lock.
 * When the database is busy, `write` yields to the event loop and tries again, up to the same
 * busy timeout as the other connections.
 */
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS } from "./db.js";
import type { SyncDatabase } from "./events/outbox.js";

export interface BulkDb extends SyncDatabase {
  /**
   * A cached prepared statement; every call reports `sql` to `onQuery` (obtain it once per
   * execution where tests count executions).
   */
  statement(sql: string): Database.Statement;
  /** `statement`, typed as better-sqlite3's own `prepare`: code written for a plain connection runs here too. */
  prepare(sql: string): Database.Statement;
  /** Runs `work` in one IMMEDIATE transaction; retries while another connection holds the write lock. */
  write<T>(work: () => T): Promise<T>;
  close(): void;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface BulkDbOptions {
  /** Receives each statement when `statement(sql)` (or `prepare`) hands it out, like Prisma's query log. */
  onQuery?: (event: { query: string }) => void;
  /** How long `write` keeps retrying while the database is busy (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
  /**
   * Also report each `write` transaction to `onQuery`: "BEGIN IMMEDIATE" once it holds the write
   * lock, then "COMMIT" after it committed or "ROLLBACK" when `work` threw (tests bracket a
   * transaction's statements with them). Off by default.
   */
  reportTransactions?: boolean;
}

/** Opens the bulk connection on `dbPath` with the shared pragmas (WAL, synchronous NORMAL, foreign keys). */
export function openBulkDb(dbPath: string, options: BulkDbOptions = {}): BulkDb {
  const db = new Database(dbPath, { timeout: 0 });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  const busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  const statements = new Map<string, Database.Statement>();
  const statement = (sql: string): Database.Statement => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      statements.set(sql, stmt);
    }
    options.onQuery?.({ query: sql });
    return stmt;
  };
  return {
    statement,
    prepare: (sql) => statement(sql),
    async write<T>(work: () => T): Promise<T> {
      const deadline = Date.now() + busyTimeoutMs;
      const onQuery = options.reportTransactions ? options.onQuery : undefined;
      for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
        let began = false;
        try {
          if (!onQuery) return db.transaction(work).immediate();
          const result = db
            .transaction(() => {
              began = true;
              onQuery({ query: "BEGIN IMMEDIATE" });
              return work();
            })
            .immediate();
          onQuery({ query: "COMMIT" });
          return result;
        } catch (err) {
          if (began) onQuery?.({ query: "ROLLBACK" });
          // The transaction was rolled back as a whole: running `work` again is safe.
          if (!isBusy(err) || Date.now() + delay > deadline) throw err;
        }
        await sleep(delay);
      }
    },
    close: () => db.close(),
  };
}
