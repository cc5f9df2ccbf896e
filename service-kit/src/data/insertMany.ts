/**
 * Bulk inserts that take arrays, on each database's fast path:
 * - SQLite: multi-row INSERT, one cached prepared statement per chunk size;
 * - PostgreSQL: `INSERT … SELECT * FROM unnest($1::type[], …)` — one parameter per column, so a
 *   chunk of thousands of rows is one statement — or, for large arrays without RETURNING,
 *   `COPY … FROM STDIN` through pg-copy-streams.
 * Thresholds measured at 100,000 rows (insertMany.test.ts prints the figures; README "Running on PostgreSQL").
 */
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { CompiledQuery, type Insertable, type Kysely, type Selectable, type Transaction } from "kysely";
import { from as copyFrom } from "pg-copy-streams";
import { transactionContext, type TransactionContext } from "./openDatabase.js";
import type { DialectName } from "./dialectHelpers.js";

/** SQLite: bound parameters per statement that measured fastest (rows per chunk = this / columns). */
export const SQLITE_PARAMS_PER_STATEMENT = 2000;
/** PostgreSQL: rows per unnest statement. */
export const PG_ROWS_PER_STATEMENT = 10_000;
/** PostgreSQL: from this many rows (and no RETURNING) COPY is used. */
export const PG_COPY_FROM_ROWS = 5_000;

export interface InsertManyOptions<K extends string> {
  /** Columns to return for every inserted row, in the order of `rows`. */
  returning?: readonly K[];
  /** Rows per statement (default: measured per database). */
  chunkSize?: number;
  /** PostgreSQL: "copy" or "unnest" instead of choosing by size (benchmarks). */
  method?: "copy" | "unnest";
}

const quote = (name: string) =>
  name
    .split(".")
    .map((part) => `"${part.replace(/"/g, '""')}"`)
    .join(".");

function dialectOf(trx: Kysely<unknown>, context: TransactionContext | undefined): DialectName {
  if (context) return context.dialect;
  return trx.getExecutor().adapter.constructor.name.startsWith("Postgres") ? "postgres" : "sqlite";
}

function columnsOf(rows: readonly object[]): string[] {
  const columns = Object.keys(rows[0]!);
  const key = columns.join("\0");
  rows.forEach((row, i) => {
    const keys = Object.keys(row);
    if (keys.length !== columns.length || keys.join("\0") !== key) {
      throw new Error(`insertMany: row ${i} has the columns ${keys.join(", ")}; every row must have exactly ${columns.join(", ")} (use null for no value).`);
    }
  });
  return columns;
}

/**
 * Inserts `rows` (all with the same columns, in the same order) into `table` inside `trx` and
 * returns the `returning` columns of every row in input order (an empty list without it).
 * Give it the transaction of `ServiceDb.transaction` so PostgreSQL can use COPY.
 */
export async function insertMany<DB, TB extends keyof DB & string, K extends keyof Selectable<DB[TB]> & string = never>(
  trx: Transaction<DB> | Kysely<DB>,
  table: TB,
  rows: readonly Insertable<DB[TB]>[],
  options: InsertManyOptions<K> = {},
): Promise<Pick<Selectable<DB[TB]>, K>[]> {
  if (rows.length === 0) return [];
  const columns = columnsOf(rows as readonly object[]);
  const context = transactionContext(trx);
  const dialect = dialectOf(trx as Kysely<unknown>, context);
  const returning = options.returning?.length ? ` RETURNING ${options.returning.map(quote).join(", ")}` : "";
  const out: Pick<Selectable<DB[TB]>, K>[] = [];
  const values = (row: object) => Object.values(row) as unknown[];

  if (dialect === "sqlite") {
    const size = Math.max(1, Math.min(options.chunkSize ?? Math.floor(SQLITE_PARAMS_PER_STATEMENT / columns.length), Math.floor(32766 / columns.length)));
    const head = `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES `;
    const tuple = `(${columns.map(() => "?").join(", ")})`;
    for (let start = 0; start < rows.length; start += size) {
      const chunk = rows.slice(start, start + size) as readonly object[];
      const text = head + Array.from(chunk, () => tuple).join(", ") + returning;
      const result = await trx.executeQuery<Pick<Selectable<DB[TB]>, K>>(CompiledQuery.raw(text, chunk.flatMap(values)));
      if (returning) out.push(...result.rows);
    }
    return out;
  }

  const useCopy = options.method === "copy" || (options.method !== "unnest" && !returning && rows.length >= PG_COPY_FROM_ROWS);
  if (useCopy) {
    if (returning) throw new Error("insertMany: COPY cannot return rows; leave out `returning` or use method \"unnest\".");
    if (!context?.client || !(trx as Transaction<DB>).isTransaction) {
      throw new Error("insertMany: COPY needs a transaction opened by ServiceDb.transaction.");
    }
    const client = await context.client(trx as Transaction<unknown>);
    const text = `COPY ${quote(table)} (${columns.map(quote).join(", ")}) FROM STDIN`;
    const started = performance.now();
    await pipeline(Readable.from(copyLines(rows as readonly object[])), client.query(copyFrom(text)));
    context.onQuery?.({ query: text, params: [], durationMs: performance.now() - started });
    return out;
  }

  const types = await columnTypes(trx as Kysely<unknown>, table, context);
  const casts = columns.map((column, i) => {
    const type = types.get(column);
    if (!type) throw new Error(`insertMany: ${table} has no column ${column}.`);
    return `$${i + 1}::${type}[]`;
  });
  const text = `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) SELECT * FROM unnest(${casts.join(", ")})${returning}`;
  const size = options.chunkSize ?? PG_ROWS_PER_STATEMENT;
  for (let start = 0; start < rows.length; start += size) {
    const chunk = rows.slice(start, start + size) as readonly object[];
    const arrays = columns.map((_, c) => chunk.map((row) => pgArrayValue(values(row)[c])));
    const result = await trx.executeQuery<Pick<Selectable<DB[TB]>, K>>(CompiledQuery.raw(text, arrays));
    if (returning) out.push(...result.rows);
  }
  return out;
}

/** pg writes arrays element by element: instants in UTC, objects as JSON. */
function pgArrayValue(value: unknown): unknown {
  if (value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === "object" && !Buffer.isBuffer(value)) return JSON.stringify(value);
  return value;
}

// Column types per table, looked up once per database (a migration adds tables, it never changes
// a column's type under a running service).
const typeCaches = new WeakMap<TransactionContext, Map<string, Promise<Map<string, string>>>>();

async function columnTypes(trx: Kysely<unknown>, table: string, context: TransactionContext | undefined): Promise<Map<string, string>> {
  let typeCache = context && typeCaches.get(context);
  if (!typeCache) {
    typeCache = new Map();
    if (context) typeCaches.set(context, typeCache);
  }
  let types = typeCache.get(table);
  if (!types) {
    types = trx
      .executeQuery<{ name: string; type: string }>(
        CompiledQuery.raw(
          "SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
          [quote(table)],
        ),
      )
      .then(({ rows }) => new Map(rows.map((r) => [r.name, r.type])));
    typeCache.set(table, types);
    types.catch(() => typeCache.delete(table));
  }
  return types;
}

/** COPY's text format: tab-separated, \N for null, backslash escapes. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === "boolean") text = value ? "t" : "f";
  else if (typeof value === "object" && !Buffer.isBuffer(value)) text = JSON.stringify(value);
  else text = String(value);
  return text.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

function* copyLines(rows: readonly object[]): Generator<string> {
  // About 1 MB per write: few stream calls, bounded memory.
  let buffer = "";
  for (const row of rows) {
    buffer += `${Object.values(row).map(copyValue).join("\t")}\n`;
    if (buffer.length >= 1 << 20) {
      yield buffer;
      buffer = "";
    }
  }
  if (buffer) yield buffer;
}
