/**
 * Kysely's driver for a service's SQLite file, with the two properties the services rely on:
 *
 * - Writes take the write lock up front (BEGIN IMMEDIATE) and, when another connection holds it
 *   (an import worker, a second process), yield to the event loop and try again instead of
 *   busy-waiting inside SQLite: a blocking wait would stall the very transaction, running on this
 *   event loop, that holds the lock. So the writer connection has `timeout: 0`.
 * - Reads outside a transaction run on a second connection: WAL lets it read the last commit
 *   while a long write transaction is open on the writer (what `SqliteReader` did).
 *
 * better-sqlite3 runs each statement synchronously, so a statement needs no lock in JS; only an
 * open transaction (which spans awaits) holds its connection, through a mutex.
 */
import Database from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from "kysely";
import { BUSY_TIMEOUT_MS, sqlDate } from "../sqliteBasics.js";
import { makePrivateDir } from "../privateFiles.js";
import path from "node:path";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null only. */
function toSqliteParam(value: unknown): unknown {
  if (value instanceof Date) return sqlDate(value);
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value === undefined) return null;
  return value;
}

class Mutex {
  #held = false;
  #waiting: (() => void)[] = [];
  async lock(): Promise<void> {
    while (this.#held) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#held = true;
  }
  unlock(): void {
    this.#held = false;
    this.#waiting.shift()?.();
  }
}

/**
 * Most statements a connection keeps prepared, and the most SQL text they may add up to. Memory
 * follows the text: a prepared multi-row INSERT of 1,000 parameters (~4 KB of SQL) holds ~135 KB.
 * A bulk write's last, shorter chunk makes a statement of its own size that is rarely seen again;
 * counted by number alone, 500 of those held ~70 MB at a 1,000,000-row import. A service holds
 * several connections (requests, reader, background, the job worker's), so each keeps ~4 MB at
 * most: 128 KB of text still holds every full-size bulk statement a path repeats.
 */
const MAX_STATEMENTS = 500;
const MAX_STATEMENT_TEXT = 128 * 1024;

/** A connection with a bounded cache of prepared statements (a page's queries repeat all day). */
class Connection {
  readonly #statements = new Map<string, Database.Statement>();
  #text = 0;
  readonly mutex = new Mutex();
  constructor(readonly db: Database.Database) {}
  statement(sql: string): Database.Statement {
    let stmt = this.#statements.get(sql);
    if (stmt) {
      // Map order is insertion order: re-insert to keep the most recent last.
      this.#statements.delete(sql);
    } else {
      stmt = this.db.prepare(sql);
      this.#text += sql.length;
      // Least recently used first out, until both bounds hold (the new statement always stays).
      for (const oldest of this.#statements.keys()) {
        if (this.#statements.size < MAX_STATEMENTS && this.#text <= MAX_STATEMENT_TEXT) break;
        this.#statements.delete(oldest);
        this.#text -= oldest.length;
      }
    }
    this.#statements.set(sql, stmt);
    return stmt;
  }
  run<R>(sql: string, parameters: readonly unknown[]): QueryResult<R> {
    const stmt = this.statement(sql);
    const params = parameters.map(toSqliteParam);
    if (stmt.reader) return { rows: stmt.all(...params) as R[] };
    const { changes, lastInsertRowid } = stmt.run(...params);
    return { rows: [], numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid) };
  }
}

export interface SqliteDriverOptions {
  /** How long a writer keeps trying while another connection holds the write lock (default BUSY_TIMEOUT_MS). */
  busyTimeoutMs?: number;
}

/** Opens the file with the shared pragmas: WAL, synchronous NORMAL, foreign keys on. */
function openFile(file: string, options: Database.Options): Database.Database {
  const db = new Database(file, options);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return db;
}

export class ServiceSqliteDriver implements Driver {
  #writer?: Connection;
  #reader?: Connection;
  readonly #busyTimeoutMs: number;

  constructor(
    readonly file: string,
    options: SqliteDriverOptions = {},
  ) {
    this.#busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
  }

  async init(): Promise<void> {
    makePrivateDir(path.dirname(this.file));
    this.#writer = new Connection(openFile(this.file, { timeout: 0 }));
    const reader = openFile(this.file, { timeout: BUSY_TIMEOUT_MS });
    // The reader must never write: a write there would take the lock without the yield above.
    reader.pragma("query_only = ON");
    this.#reader = new Connection(reader);
  }

  get writer(): Connection {
    if (!this.#writer) throw new Error("The SQLite database is closed.");
    return this.#writer;
  }
  get reader(): Connection {
    if (!this.#reader) throw new Error("The SQLite database is closed.");
    return this.#reader;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteSession(this);
  }

  /** Retries `attempt` while SQLite reports the database busy, yielding between tries. */
  async whileBusy<T>(attempt: () => T): Promise<T> {
    const deadline = Date.now() + this.#busyTimeoutMs;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      try {
        return attempt();
      } catch (err) {
        if (!isBusy(err) || Date.now() + delay > deadline) throw err;
      }
      await sleep(delay);
    }
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const session = connection as SqliteSession;
    if (settings.accessMode === "read only") {
      await session.hold(this.reader);
      this.reader.db.exec("BEGIN");
      return;
    }
    await session.hold(this.writer);
    try {
      await this.whileBusy(() => this.writer.db.exec("BEGIN IMMEDIATE"));
    } catch (err) {
      session.letGo();
      throw err;
    }
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as SqliteSession;
    session.held().db.exec("COMMIT");
    session.letGo();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const session = connection as SqliteSession;
    const { db } = session.held();
    try {
      // SQLite may have rolled back already (some errors end the transaction themselves).
      if (db.inTransaction) db.exec("ROLLBACK");
    } finally {
      session.letGo();
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).held().db.exec(`SAVEPOINT "${name}"`);
  }
  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).held().db.exec(`ROLLBACK TO "${name}"`);
  }
  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).held().db.exec(`RELEASE "${name}"`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteSession).letGo();
  }

  async destroy(): Promise<void> {
    this.#writer?.db.close();
    this.#reader?.db.close();
    this.#writer = this.#reader = undefined;
  }
}

/** One acquired connection as Kysely sees it: routed per statement until it holds a transaction. */
class SqliteSession implements DatabaseConnection {
  #holding?: Connection;
  constructor(private readonly driver: ServiceSqliteDriver) {}

  async hold(connection: Connection): Promise<void> {
    await connection.mutex.lock();
    this.#holding = connection;
  }
  held(): Connection {
    if (!this.#holding) throw new Error("No SQLite transaction is open on this connection.");
    return this.#holding;
  }
  letGo(): void {
    this.#holding?.mutex.unlock();
    this.#holding = undefined;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const { sql, parameters } = compiledQuery;
    if (this.#holding) return this.#holding.run<R>(sql, parameters);
    const { reader, writer } = this.driver;
    if (reader.statement(sql).readonly) {
      // Waits only while a read-only transaction holds the reader.
      await reader.mutex.lock();
      try {
        return reader.run<R>(sql, parameters);
      } finally {
        reader.mutex.unlock();
      }
    }
    await writer.mutex.lock();
    try {
      // A failed autocommit statement changed nothing: trying it again is safe.
      return await this.driver.whileBusy(() => writer.run<R>(sql, parameters));
    } finally {
      writer.mutex.unlock();
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const params = compiledQuery.parameters.map(toSqliteParam);
    if (this.#holding) {
      for (const row of this.#holding.db.prepare(compiledQuery.sql).iterate(...params)) yield { rows: [row as R] };
      return;
    }
    // better-sqlite3 refuses other statements on a connection while an iterator is open, and a
    // download may take minutes: a stream reads on a connection of its own.
    const db = new Database(this.driver.file, { readonly: true, timeout: BUSY_TIMEOUT_MS });
    try {
      for (const row of db.prepare(compiledQuery.sql).iterate(...params)) yield { rows: [row as R] };
    } finally {
      db.close();
    }
  }
}
