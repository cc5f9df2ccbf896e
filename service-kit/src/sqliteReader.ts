/**
 * The read path for hot federated queries: plain SQL on a second better-sqlite3 connection with
 * cached prepared statements. Prisma stays the write path (and ordinary queries); on the queries
 * a page of 50 orders fans out to, its query compiler and adapter cost about half of a
 * subgraph's CPU (profile in the federated-core issue's closing note). WAL lets this connection
 * read while Prisma's connection writes.
 */
import Database from "better-sqlite3";
import { BUSY_TIMEOUT_MS, sqlDate } from "./sqliteBasics.js";

export { sqlDate };

export type SqlParam = string | number | bigint | null;

export class SqliteReader {
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly dbPath: string,
    /** Receives every statement run, like Prisma's query log (tests count them). */
    private readonly onQuery?: (event: { query: string }) => void,
  ) {
    this.db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
  }

  /**
   * Runs one query on a connection of its own and hands its rows over `size` at a time, reading
   * the next ones only when asked: a download of 300,000 orders walks them once, in the order the
   * query's plan gives, and holds one batch at a time. (One statement instead of pages of
   * `LIMIT … WHERE id > ?`, whose plan may sort the whole match again for every page.) The
   * connection closes when the rows end or the caller stops early.
   */
  async *batches<T>(size: number, sql: string, ...params: SqlParam[]): AsyncGenerator<T[]> {
    const db = new Database(this.dbPath, { readonly: true, timeout: BUSY_TIMEOUT_MS });
    try {
      this.onQuery?.({ query: sql });
      let batch: T[] = [];
      for (const row of db.prepare(sql).iterate(...params) as IterableIterator<T>) {
        batch.push(row);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    } finally {
      db.close();
    }
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    this.onQuery?.({ query: sql });
    return stmt;
  }

  all<T>(sql: string, ...params: SqlParam[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  get<T>(sql: string, ...params: SqlParam[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  close(): void {
    this.db.close();
  }
}

/** One bound parameter for a list of ids: use as `col IN (SELECT value FROM json_each(?))`. */
export function idList(ids: readonly number[]): string {
  return JSON.stringify(ids);
}

