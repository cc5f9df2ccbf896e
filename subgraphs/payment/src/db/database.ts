/**
 * The payment service's database, SQLite or PostgreSQL, through the data kit. Every function in
 * `db/` takes the `Queries` it runs on — the database outside a transaction, or the transaction a
 * use case opened with `PaymentDatabase.transaction` — so the caller decides the unit of work.
 */
import { PostgresAdapter, type Kysely } from "kysely";
import { dialectHelpers, openDatabase, type DatabaseTarget, type DialectHelpers, type DialectName, type OpenDatabaseOptions, type ServiceDb } from "@ops/service-kit/data";
import { sqlDate } from "@ops/service-kit";
import type { DB } from "../generated/kysely/types.js";

export type { DB };
export type PaymentDatabase = ServiceDb<DB>;
/** Where a `db/` function runs: the database or one of its transactions. */
export type Queries = Kysely<DB>;

/** Opens the payment database `target` names. */
export function openPaymentDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<PaymentDatabase> {
  return openDatabase<DB>(target, { applicationName: "ops-payment", ...options });
}

/** The database `q` runs on. */
export function dialectOf(q: Queries): DialectName {
  return q.getExecutor().adapter instanceof PostgresAdapter ? "postgres" : "sqlite";
}

/** The kit's dialect helpers (`inIds`, `japanDay`, …) for the database `q` runs on. */
export function helpersOf(q: Queries): DialectHelpers {
  return dialectHelpers(dialectOf(q));
}

/**
 * An instant as both databases take it in a timestamp column: Prisma's text on SQLite (which
 * compares it as text), UTC for PostgreSQL's `timestamp` (the offset is +00:00).
 */
export function stamp(date: Date = new Date()): string {
  return sqlDate(date);
}
