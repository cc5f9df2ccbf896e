/**
 * Reading and writing rows in tests, on SQLite and PostgreSQL alike: statements are written with
 * `?` placeholders and sent through the data kit, numbered ($1, $2, …) for PostgreSQL.
 */
import { CompiledQuery } from "kysely";
import { PG_ADMIN_URL_VARIABLE } from "./freshDatabase.js";
import type { ServiceDb } from "../data/openDatabase.js";

/** True under `npm run test:pg` (fresh targets are PostgreSQL databases). */
export const onPostgres = Boolean(process.env[PG_ADMIN_URL_VARIABLE]);

/** `text` compiled for `database`'s dialect (its `?` placeholders numbered for PostgreSQL). */
function compile(database: ServiceDb<any>, text: string, params: readonly unknown[]): CompiledQuery {
  let n = 0;
  return CompiledQuery.raw(database.dialect === "postgres" ? text.replace(/\?/g, () => `$${++n}`) : text, [...params]);
}

/** The rows `text` returns. */
export async function rowsOf<T = Record<string, any>>(database: ServiceDb<any>, text: string, ...params: unknown[]): Promise<T[]> {
  return (await database.db.executeQuery<T>(compile(database, text, params))).rows;
}

/** Runs `text` (a write); returns the number of rows it changed. */
export async function runSql(database: ServiceDb<any>, text: string, ...params: unknown[]): Promise<number> {
  return Number((await database.db.executeQuery(compile(database, text, params))).numAffectedRows ?? 0n);
}

/** The number in the first column of the first row (`SELECT COUNT(*) AS n …`; PostgreSQL counts are bigint). */
export async function countOf(database: ServiceDb<any>, text: string, ...params: unknown[]): Promise<number> {
  const [row] = await rowsOf<Record<string, unknown>>(database, text, ...params);
  return Number(Object.values(row ?? {})[0] ?? 0);
}
