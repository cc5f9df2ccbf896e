/**
 * The few places where SQLite and PostgreSQL need different SQL, as typed Kysely expressions, so
 * the services write one query for both.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from "kysely";
import { sqlDate } from "../sqliteBasics.js";

export type DialectName = "sqlite" | "postgres";

/** A column name (`"order.id"`) or any expression. */
export type ColumnRef = string | Expression<unknown>;

const ref = (column: ColumnRef) => (typeof column === "string" ? sql.ref(column) : column);

export interface DialectHelpers {
  /**
   * `column` is one of `ids`, with ONE parameter whatever the list's length (no parameter limit,
   * one cached statement): SQLite `IN (SELECT value FROM json_each(?))`, PostgreSQL `= ANY(?::bigint[])`.
   */
  inIds(column: ColumnRef, ids: readonly number[]): RawBuilder<SqlBool>;
  /** `inIds` for text keys (PostgreSQL `text[]`). */
  inTexts(column: ColumnRef, values: readonly string[]): RawBuilder<SqlBool>;
  /** The Japan calendar day ("2026-11-25") of a UTC timestamp column (Japan keeps no daylight time). */
  japanDay(column: ColumnRef): RawBuilder<string>;
  /** A timestamp parameter as the column stores it (SQLite: Prisma's text, `sqlDate`). */
  timestamp(date: Date): RawBuilder<Date>;
  /** The current time, as `timestamp` would store it. */
  now(): RawBuilder<Date>;
  /** A boolean parameter (SQLite stores 1/0). */
  bool(value: boolean): RawBuilder<boolean>;
}

const sqliteHelpers: DialectHelpers = {
  inIds: (column, ids) => sql<SqlBool>`${ref(column)} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`,
  inTexts: (column, values) => sql<SqlBool>`${ref(column)} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`,
  japanDay: (column) => sql<string>`date(${ref(column)}, '+9 hours')`,
  timestamp: (date) => sql<Date>`${sqlDate(date)}`,
  now: () => sql<Date>`strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')`,
  bool: (value) => sql<boolean>`${value ? 1 : 0}`,
};

const postgresHelpers: DialectHelpers = {
  inIds: (column, ids) => sql<SqlBool>`${ref(column)} = ANY(${ids}::bigint[])`,
  inTexts: (column, values) => sql<SqlBool>`${ref(column)} = ANY(${values}::text[])`,
  // Sessions run in UTC (openDatabase), so ::timestamp reads a timestamptz column as UTC too.
  japanDay: (column) => sql<string>`to_char(${ref(column)}::timestamp + interval '9 hours', 'YYYY-MM-DD')`,
  timestamp: (date) => sql<Date>`${date.toISOString()}::timestamp`,
  now: () => sql<Date>`localtimestamp(3)`,
  bool: (value) => sql<boolean>`${value}::boolean`,
};

/** The helpers for `dialect`; a ServiceDb carries its own as `helpers`. */
export function dialectHelpers(dialect: DialectName): DialectHelpers {
  return dialect === "sqlite" ? sqliteHelpers : postgresHelpers;
}

/** A timestamp as read from either database (SQLite text, PostgreSQL Date) → Date. */
export function readTimestamp(value: unknown): Date {
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new TypeError(`Not a timestamp: ${String(value)}`);
}

/** A boolean as read from either database (SQLite 0/1, PostgreSQL true/false) → boolean. */
export function readBoolean(value: unknown): boolean {
  if (typeof value === "boolean") return value;
  if (value === 0 || value === 1 || value === 0n || value === 1n) return Number(value) === 1;
  throw new TypeError(`Not a boolean: ${String(value)}`);
}
