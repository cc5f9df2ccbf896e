/**
 * The bulk write path: a dedicated better-sqlite3 connection with cached prepared statements, for
 * writes of thousands of rows per event (an import chunk's confirmations, an `order.confirmed`
 * carrying thousands of orders). Prisma's per-row create runs at about 16k rows/s here; a
 * prepared statement in one transaction runs at the database's speed. Prisma keeps the schema,
 * the migrations and the ordinary queries.
 *
 * Opened like service-kit's db.ts (WAL, synchronous NORMAL, foreign keys, busy timeout), with one
 * difference in how it waits for the write lock: better-sqlite3 waits *synchronously*, which
 * would freeze this thread — and the other writer is usually Prisma's connection in this very
 * process (a transaction open across an await), which can only commit when the event loop runs.
 * So the connection waits only briefly per try and `write` retries asynchronously, up to the
 * same BUSY_TIMEOUT_MS in total.
 */
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, type SqlParam } from "@ops/service-kit";

/** How long one try waits synchronously for the write lock before yielding to the event loop. */
const LOCK_TRY_MS = 25;
const LOCK_PAUSE_MS = 5;

export interface BulkStatement {
  run(...params: SqlParam[]): Database.RunResult;
  get<T>(...params: SqlParam[]): T | undefined;
  all<T>(...params: SqlParam[]): T[];
}

const isBusy = (err: unknown) => err instanceof Database.SqliteError && (err.code === "SQLITE_BUSY" || err.code === "SQLITE_LOCKED");

export class BulkWriter {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, BulkStatement>();

  constructor(
    dbPath: string,
    /** Receives every statement run, like Prisma's query log (tests count them). */
    private readonly onQuery?: (event: { query: string }) => void,
  ) {
    this.db = new Database(dbPath, { timeout: LOCK_TRY_MS });
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
  }

  /** A prepared statement, prepared once per connection; every execution is reported to onQuery. */
  prepare(sql: string): BulkStatement {
    let statement = this.statements.get(sql);
    if (statement) return statement;
    const prepared = this.db.prepare(sql);
    const onQuery = this.onQuery;
    statement = onQuery
      ? {
          run: (...params) => (onQuery({ query: sql }), prepared.run(...params)),
          get: <T>(...params: SqlParam[]) => (onQuery({ query: sql }), prepared.get(...params) as T | undefined),
          all: <T>(...params: SqlParam[]) => (onQuery({ query: sql }), prepared.all(...params) as T[]),
        }
      : {
          run: (...params) => prepared.run(...params),
          get: <T>(...params: SqlParam[]) => prepared.get(...params) as T | undefined,
          all: <T>(...params: SqlParam[]) => prepared.all(...params) as T[],
        };
    this.statements.set(sql, statement);
    return statement;
  }

  /**
   * Runs `work` (synchronous: no await inside) in one IMMEDIATE transaction: committed when it
   * returns, rolled back when it throws. Waits up to BUSY_TIMEOUT_MS for the write lock without
   * blocking the event loop; rejects with SQLITE_BUSY after that.
   */
  async write<T>(work: () => T): Promise<T> {
    const transaction = this.db.transaction(work);
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (;;) {
      try {
        this.onQuery?.({ query: "BEGIN IMMEDIATE" });
        const result = transaction.immediate();
        this.onQuery?.({ query: "COMMIT" });
        return result;
      } catch (err) {
        // Busy on BEGIN: nothing ran yet. Busy later (cannot happen once IMMEDIATE holds the
        // lock) was rolled back by better-sqlite3 and is retried the same way.
        if (!isBusy(err) || Date.now() >= deadline) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, LOCK_PAUSE_MS));
    }
  }

  close(): void {
    this.db.close();
  }
}
