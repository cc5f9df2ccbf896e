/**
 * The one migration runner for both databases: applies a service's pending migrations
 * (`prisma/<service>/migrations` on SQLite, `prisma/<service>/postgres/migrations` on PostgreSQL)
 * in name order, each in a transaction, and records them in `_prisma_migrations` exactly as
 * `prisma migrate deploy` does (same table, checksum = sha256 of the file), so a database Prisma
 * migrated before continues here, and Prisma still reads a database migrated here.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { REPO_ROOT, type DatabaseName } from "../config.js";

/** Where a service's database is: a SQLite file or a PostgreSQL database (created when missing). */
export type MigrationTarget = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string; poolSize?: number };

/** One migration folder: its name, its SQL and the checksum Prisma records for it. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

// Prisma's own advisory lock key (schema-engine): the runner and `prisma migrate deploy` exclude
// each other as well as two replicas starting at once.
const PG_LOCK_KEY = 72707369;

/** The folder of a service's migrations for one kind of database. */
export function migrationsDir(service: DatabaseName, kind: MigrationTarget["kind"]): string {
  return path.join(REPO_ROOT, "prisma", service, ...(kind === "postgres" ? ["postgres"] : []), "migrations");
}

/** A service's migrations for one kind of database, in the order they apply. */
export function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(dir, e.name, "migration.sql")))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const bytes = fs.readFileSync(path.join(dir, name, "migration.sql"));
      return { name, sql: bytes.toString("utf8"), checksum: crypto.createHash("sha256").update(bytes).digest("hex") };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * The migrations still to apply, after refusing a database whose history no longer matches the
 * files: an applied migration whose file changed, or one that Prisma left failed.
 */
function pendingAfterCheck(files: MigrationFile[], rows: AppliedRow[], where: string): MigrationFile[] {
  const applied = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at !== null) continue;
    if (row.finished_at === null) {
      throw new Error(`${where}: migration ${row.migration_name} failed earlier and was left unfinished; resolve it (prisma migrate resolve) before migrating again`);
    }
    applied.set(row.migration_name, row);
  }
  for (const file of files) {
    const row = applied.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new Error(`${where}: migration ${file.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… in the file); add a new migration instead of editing an applied one`);
    }
  }
  return files.filter((f) => !applied.has(f.name));
}

const SQLITE_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

// Prisma writes its times on SQLite as RFC 3339 text with milliseconds and "+00:00".
const prismaTime = () => new Date().toISOString().replace("Z", "+00:00");

function migrateSqlite(files: MigrationFile[], file: string): string[] {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  try {
    db.pragma("busy_timeout = 10000");
    db.exec(SQLITE_HISTORY);
    const read = () => db.prepare(`SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`).all() as AppliedRow[];
    const done: string[] = [];
    for (const migration of pendingAfterCheck(files, read(), file)) {
      // IMMEDIATE takes the write lock first: a second process waits, then sees the row and skips.
      db.exec("BEGIN IMMEDIATE");
      try {
        if (!pendingAfterCheck(files, read(), file).some((m) => m.name === migration.name)) {
          db.exec("ROLLBACK");
          continue;
        }
        const startedAt = prismaTime();
        db.exec(migration.sql);
        db.prepare(`INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count") VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`)
          .run(crypto.randomUUID(), migration.checksum, prismaTime(), migration.name, startedAt);
        db.exec("COMMIT");
        done.push(migration.name);
      } catch (err) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw new Error(`${file}: migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return done;
  } finally {
    db.close();
  }
}

const PG_HISTORY = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/** The database a PostgreSQL URL names, and the same server's `postgres` database to create it from. */
function splitDatabaseUrl(url: string): { name: string; adminUrl: string } {
  const parsed = new URL(url);
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!name) throw new Error(`database URL names no database: ${parsed.protocol}//${parsed.host}/ (add /<database>)`);
  parsed.pathname = "/postgres";
  return { name, adminUrl: parsed.toString() };
}

async function ensureDatabase(url: string): Promise<void> {
  const { name, adminUrl } = splitDatabaseUrl(url);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return;
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`).catch((err: { code?: string }) => {
      // Another replica created it between our look and our CREATE: that is what we wanted.
      if (err.code !== "42P04" && err.code !== "23505") throw err;
    });
  } finally {
    await admin.end();
  }
}

async function migratePostgres(files: MigrationFile[], url: string): Promise<string[]> {
  await ensureDatabase(url);
  const where = `postgres database ${splitDatabaseUrl(url).name}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [PG_LOCK_KEY]);
    await client.query(PG_HISTORY);
    const { rows } = await client.query<AppliedRow>(`SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations"`);
    const done: string[] = [];
    for (const migration of pendingAfterCheck(files, rows, where)) {
      await client.query("BEGIN");
      try {
        const { rows: [started] } = await client.query<{ now: Date }>("SELECT clock_timestamp() AS now");
        // No parameters: the simple query protocol runs a multi-statement script, $$ bodies and all.
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" ("id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count") VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
          [crypto.randomUUID(), migration.checksum, migration.name, started?.now],
        );
        await client.query("COMMIT");
        done.push(migration.name);
      } catch (err) {
        await client.query("ROLLBACK");
        throw new Error(`${where}: migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
      }
    }
    return done;
  } finally {
    // Ending the session releases the advisory lock too, even after a failure.
    await client.end();
  }
}

/**
 * Applies `service`'s pending migrations to `target` and returns the names it applied (none when
 * the database is current). Refuses, before applying anything, a database where an applied
 * migration's file has changed since. On PostgreSQL, creates the database when it is missing and
 * holds an advisory lock throughout, so replicas starting together migrate once.
 */
export async function migrate(service: DatabaseName, target: MigrationTarget): Promise<string[]> {
  const files = readMigrations(migrationsDir(service, target.kind));
  return target.kind === "sqlite" ? migrateSqlite(files, target.path) : migratePostgres(files, target.url);
}
