/**
 * One way into a service's database, SQLite or PostgreSQL: a typed Kysely instance, transactions
 * that are re-run when the database asks for it, and a statement hook for the SQL-count tests.
 */
import { Kysely, sql, type LogEvent, type Transaction } from "kysely";
import pg from "pg";
import type { DatabaseTarget } from "./databaseTarget.js";
import { databaseError } from "./databaseError.js";
import { dialectHelpers, type DialectHelpers, type DialectName } from "./dialectHelpers.js";
import { serviceTypes } from "./pgTypes.js";
import { ServicePostgresDialect } from "./postgresDriver.js";
import { prepareStatements } from "./preparedStatements.js";
import { ServiceSqliteDriver } from "./sqliteDriver.js";
import { SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Dialect } from "kysely";

export interface QueryEvent {
  query: string;
  params: readonly unknown[];
  durationMs: number;
  /** Set when the statement failed. */
  error?: unknown;
}

export interface OpenDatabaseOptions {
  /** Every statement run through `db` (tests count them, like Prisma's query log). */
  onQuery?: (event: QueryEvent) => void;
  /** PostgreSQL: cancel a statement after this many ms (`statement_timeout`); off by default. */
  statementTimeoutMs?: number;
  /** PostgreSQL: pool size (default: the target's, 10). */
  poolSize?: number;
  /** PostgreSQL: how long to wait for a free connection before failing (default 30 s). */
  connectionTimeoutMs?: number;
  /** SQLite: how long a writer waits for another connection's write lock (default 5 s). */
  busyTimeoutMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

export interface TransactionOptions {
  /** false: a read-only transaction (SQLite: on the reader connection; PostgreSQL: READ ONLY). Default true. */
  write?: boolean;
  /** PostgreSQL isolation; SQLite transactions are serializable anyway. */
  isolation?: "read committed" | "repeatable read" | "serializable";
  /** Runs of `work` at most when the database reports a conflict (default 5). */
  attempts?: number;
}

export interface ServiceDb<DB> {
  readonly dialect: DialectName;
  /** Where it is (the SQLite file's permissions are checked at start; never log a PG URL unredacted). */
  readonly target: DatabaseTarget;
  /** Queries outside a transaction (SQLite: reads on the reader connection, writes on the writer). */
  readonly db: Kysely<DB>;
  /** `inIds`, `japanDay`, timestamps and booleans for this dialect. */
  readonly helpers: DialectHelpers;
  /**
   * Runs `work` in one transaction and returns its result. When the database refuses it because
   * of a concurrent transaction (PostgreSQL serialization failure or deadlock, SQLite busy), the
   * whole of `work` runs again, so it must not have effects outside the database.
   */
  transaction<T>(work: (trx: Transaction<DB>) => Promise<T>, options?: TransactionOptions): Promise<T>;
  close(): Promise<void>;
}

/** What a transaction of a ServiceDb knows about its database (insertMany's COPY needs the pool). */
export interface TransactionContext {
  dialect: DialectName;
  /** PostgreSQL: the client behind this transaction. */
  client?: (trx: Transaction<unknown>) => Promise<pg.PoolClient>;
  onQuery?: (event: QueryEvent) => void;
}

const contexts = new WeakMap<object, TransactionContext>();

/** The context of a transaction that `ServiceDb.transaction` opened, if it was one. */
export function transactionContext(trx: object): TransactionContext | undefined {
  return contexts.get(trx);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function logger(onQuery: OpenDatabaseOptions["onQuery"]) {
  if (!onQuery) return undefined;
  return (event: LogEvent) =>
    onQuery({
      query: event.query.sql,
      params: event.query.parameters,
      durationMs: event.queryDurationMillis,
      ...(event.level === "error" ? { error: event.error } : {}),
    });
}

function sqliteDialect(driver: ServiceSqliteDriver): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}

/** Opens the database `target` names. SQLite creates the file's folder; PostgreSQL connects lazily. */
export async function openDatabase<DB>(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<ServiceDb<DB>> {
  const log = logger(options.onQuery);
  let context: TransactionContext;
  let db: Kysely<DB>;
  let pool: pg.Pool | undefined;
  if (target.kind === "sqlite") {
    const driver = new ServiceSqliteDriver(target.path, options.busyTimeoutMs !== undefined ? { busyTimeoutMs: options.busyTimeoutMs } : {});
    db = new Kysely<DB>({ dialect: sqliteDialect(driver), ...(log ? { log } : {}) });
    // Open the files now: a wrong path fails at start, not at the first request.
    await driver.init();
    driver.init = async () => {};
    context = { dialect: "sqlite", ...(options.onQuery ? { onQuery: options.onQuery } : {}) };
  } else {
    pool = new pg.Pool({
      connectionString: target.url,
      max: options.poolSize ?? target.poolSize,
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 30_000,
      types: serviceTypes,
      // Every session in UTC: now(), casts between timestamp and timestamptz, japanDay.
      options: "-c TimeZone=UTC",
      application_name: options.applicationName ?? "ops-service",
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    });
    // An idle client that loses its connection (server restart) must not crash the process.
    pool.on("error", () => {});
    const clients = new Map<number, pg.PoolClient>();
    pool.on("connect", (client) => {
      const pid = (client as unknown as { processID: number }).processID;
      clients.set(pid, client);
      client.on("end", () => clients.delete(pid));
      // A connection cut while checked out between two statements (the server restarting, an
      // administrator terminating it) emits "error" on its client, which would crash the process
      // (the pool listens only to idle ones). The statement that uses it next fails instead, and the
      // pool discards it on release, so /ready reports the database and the service lives on.
      client.on("error", () => {});
      prepareStatements(client);
    });
    db = new Kysely<DB>({ dialect: new ServicePostgresDialect(pool), ...(log ? { log } : {}) });
    context = {
      dialect: "postgres",
      ...(options.onQuery ? { onQuery: options.onQuery } : {}),
      client: async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        const client = clients.get(rows[0]!.pid);
        if (!client) throw new Error("The transaction's PostgreSQL connection is not one of this pool's.");
        return client;
      },
    };
  }
  const dialect = context.dialect;
  return {
    dialect,
    target,
    db,
    helpers: dialectHelpers(dialect),
    async transaction<T>(work: (trx: Transaction<DB>) => Promise<T>, txOptions: TransactionOptions = {}): Promise<T> {
      const attempts = txOptions.attempts ?? 5;
      for (let attempt = 1; ; attempt++) {
        try {
          let builder = db.transaction();
          if (txOptions.write === false) builder = builder.setAccessMode("read only");
          if (txOptions.isolation && dialect === "postgres") builder = builder.setIsolationLevel(txOptions.isolation);
          return await builder.execute(async (trx) => {
            contexts.set(trx, context);
            return work(trx);
          });
        } catch (err) {
          const kind = databaseError(err)?.kind;
          if (attempt >= attempts || (kind !== "serialization" && kind !== "busy")) throw err;
          // Jittered backoff so the two conflicting transactions do not collide again.
          await sleep(5 * 2 ** attempt * (0.5 + Math.random()));
        }
      }
    },
    close: () => db.destroy(),
  };
}
