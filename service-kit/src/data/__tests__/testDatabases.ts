/**
 * The databases the kit's suites run on: a SQLite file, and a PostgreSQL database on the cluster of
 * `npm run test:pg` — or, under plain `npm test`, on a cluster this file starts (skipped where
 * PostgreSQL is not installed, except in CI).
 */
import { sql, type Generated, type Kysely } from "kysely";
import { afterAll } from "vitest";
import type { DatabaseTarget } from "../databaseTarget.js";
import type { DialectName } from "../dialectHelpers.js";
import type { ServiceName } from "../../config.js";
import { PG_ADMIN_URL_VARIABLE, emptyTarget, freshTarget } from "../../testing/freshDatabase.js";
import { findPgBinDir, startPgCluster, type PgCluster } from "../../testing/pgCluster.js";

function pgInstalled(): boolean {
  try {
    return Boolean(findPgBinDir());
  } catch {
    return false;
  }
}

/** The dialects this run covers. */
export const DIALECTS: DialectName[] =
  process.env[PG_ADMIN_URL_VARIABLE] || pgInstalled() || process.env.CI ? ["sqlite", "postgres"] : ["sqlite"];

let cluster: Promise<PgCluster> | undefined;
afterAll(async () => {
  if (cluster) await (await cluster).stop();
});

/** An empty database of `dialect`; `dir` holds SQLite files. */
export async function emptyDatabase(dialect: DialectName, dir: string): Promise<DatabaseTarget> {
  if (dialect === "sqlite") return emptyTarget(dir, {});
  let adminUrl = process.env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) {
    cluster ??= startPgCluster();
    adminUrl = (await cluster).adminUrl;
  }
  return emptyTarget(dir, { [PG_ADMIN_URL_VARIABLE]: adminUrl });
}

export interface TestDb {
  parent: { id: number; name: string };
  item: { id: Generated<number>; sku: string; amount: number; created_at: Date | string; paid: boolean | number; parent_id: number | null; note: string | null };
  counter: { id: number; n: number };
}

/** The test tables, in each dialect's own DDL (what the migrations will write per database). */
export async function createTestTables(db: Kysely<TestDb>, dialect: DialectName): Promise<void> {
  const pg = dialect === "postgres";
  const statements = [
    `CREATE TABLE parent (id ${pg ? "bigserial" : "INTEGER"} PRIMARY KEY, name TEXT NOT NULL)`,
    `CREATE TABLE item (
       id ${pg ? "bigserial" : "INTEGER"} PRIMARY KEY,
       sku TEXT NOT NULL,
       amount INTEGER NOT NULL,
       created_at ${pg ? "timestamp(3)" : "DATETIME"} NOT NULL,
       paid BOOLEAN NOT NULL DEFAULT ${pg ? "false" : "0"},
       parent_id BIGINT REFERENCES parent(id),
       note TEXT,
       CONSTRAINT item_amount_positive CHECK (amount > 0),
       CONSTRAINT item_sku_key UNIQUE (sku))`,
    "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)",
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** A fresh migrated database of `service` in `dialect` (`freshTarget` on this run's cluster). */
export async function serviceDatabase(dialect: DialectName, service: ServiceName, dir: string): Promise<DatabaseTarget> {
  if (dialect === "sqlite") return freshTarget(service, dir, {});
  let adminUrl = process.env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) {
    cluster ??= startPgCluster();
    adminUrl = (await cluster).adminUrl;
  }
  return freshTarget(service, dir, { [PG_ADMIN_URL_VARIABLE]: adminUrl });
}

/** The admin URL of this run's PostgreSQL cluster (test:pg's, or one this file starts). */
export async function pgAdminUrl(): Promise<string> {
  const adminUrl = process.env[PG_ADMIN_URL_VARIABLE];
  if (adminUrl) return adminUrl;
  cluster ??= startPgCluster();
  return (await cluster).adminUrl;
}
