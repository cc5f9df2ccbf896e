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
    dbPath: string,
    /** Receives every statement run, like Prisma's query log (tests count them). */
    private readonly onQuery?: (event: { query: string }) => void,
  ) {
    this.db = new Database(dbPath, { timeout: BUSY_TIMEOUT_MS });
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

