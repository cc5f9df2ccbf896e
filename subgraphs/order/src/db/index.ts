/**
 * The order service's database, SQLite or PostgreSQL, through the data kit. `db/` is the only
 * code that touches it: one file per table group, each function taking the Kysely instance or
 * transaction it runs on, so the caller opens the unit of work.
 */
import { sql, type Kysely } from "kysely";
import {
  dialectHelpers,
  openDatabase,
  transactionContext,
  type DatabaseTarget,
  type DialectHelpers,
  type DialectName,
  type OpenDatabaseOptions,
  type ServiceDb,
} from "@ops/service-kit/data";
import { sqlDate } from "@ops/service-kit/lite";
import type { DB } from "../generated/kysely/types.js";

/** The order service's tables, as generated from its schema.prisma. */
export type OrderTables = DB;
/** The order service's database: `db`, `transaction(work)`, `helpers`. */
export type OrderServiceDb = ServiceDb<DB>;
/** What a `db/` function runs on: the service's Kysely instance or one of its transactions. */
export type OrderConn = Kysely<DB>;

/** Opens the order database `target` names (migrated beforehand by `migrate("order", target)`). */
export function openOrderDb(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<OrderServiceDb> {
  return openDatabase<DB>(target, { applicationName: "order-service", ...options });
}

/** The dialect `conn` runs on (a transaction knows it; a bare instance is asked its adapter). */
export function dialectOf(conn: OrderConn): DialectName {
  const known = transactionContext(conn)?.dialect;
  if (known) return known;
  return conn.getExecutor().adapter.constructor.name.startsWith("Postgres") ? "postgres" : "sqlite";
}

/** `inIds`, timestamps and booleans for the database `conn` runs on. */
export function helpersOf(conn: OrderConn): DialectHelpers {
  return dialectHelpers(dialectOf(conn));
}

/**
 * A timestamp as a bound value both databases store alike: Prisma's UTC text
 * ("2026-11-25T00:00:00.000+00:00"), which SQLite keeps and compares as text, and which
 * PostgreSQL reads into a `timestamp` column as the UTC time it is (the offset of a `timestamp`
 * literal is ignored). Bulk inserts (`insertMany`) bind values, so the kit's `helpers.timestamp`
 * expression cannot serve there.
 */
export function stamp(date: Date): string {
  return sqlDate(date);
}

/** `SELECT 1`: the readiness probe's check that the database answers. */
export async function ping(conn: OrderConn): Promise<void> {
  await sql`SELECT 1`.execute(conn);
}
