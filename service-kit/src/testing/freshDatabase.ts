/**
 * A throwaway, fully migrated SQLite file per test suite. Migrations run once (with the real
 * `prisma migrate deploy`) into a template keyed by the migrations' content; each call copies it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { DatabaseName } from "../config.js";
import type { DatabaseTarget } from "../data/databaseTarget.js";
import { migrate } from "../data/migrate.js";
import { migrateDatabase, prismaDir } from "../stack/migrateDatabase.js";
import { createDatabase, databaseExists, databaseUrl } from "./pgAdmin.js";

/** Set by `npm run test:pg` (scripts/testPg.ts): the admin URL of its throwaway cluster. */
export const PG_ADMIN_URL_VARIABLE = "OPS_TEST_PG_ADMIN_URL";

function migrationsHash(service: DatabaseName): string {
  const dir = path.join(prismaDir(service), "migrations");
  const hash = crypto.createHash("sha256");
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) hash.update(entry).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

const templates = new Map<DatabaseName, Promise<string>>();

async function template(service: DatabaseName): Promise<string> {
  const dir = path.join(os.tmpdir(), "ops-db-templates");
  const file = path.join(dir, `${service}-${migrationsHash(service)}.db`);
  if (fs.existsSync(file)) return file;
  const staging = path.join(dir, `${service}-${process.pid}-${crypto.randomUUID()}.db`);
  await migrateDatabase(service, staging);
  fs.renameSync(staging, file); // atomic: concurrent suites never see a half-migrated template
  return file;
}

/** A temp directory for one suite's files (databases, outbox), removed by `cleanup`. */
export function tempDir(prefix = "ops-test-"): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Copies the migrated template of `service` to `dir` and returns the new file's path. */
export async function freshDatabase(service: DatabaseName, dir: string): Promise<string> {
  let t = templates.get(service);
  if (!t) {
    t = template(service);
    templates.set(service, t);
  }
  const file = path.join(dir, service === "auth" ? "auth.db" : `${service}_service.db`);
  fs.copyFileSync(await t, file);
  return file;
}

function schemaHash(service: DatabaseName): string {
  // Everything under prisma/<service>: the schema and the migrations of both databases.
  const dir = prismaDir(service);
  const hash = crypto.createHash("sha256");
  for (const entry of fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).sort()) {
    const file = path.join(dir, entry);
    if (fs.statSync(file).isFile()) hash.update(entry).update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The migrated template database of `service` on the test cluster, built once per schema content.
 * Vitest runs files in several processes at once: an advisory lock makes one of them build it
 * while the others wait, then they all find it.
 */
async function pgTemplate(adminUrl: string, service: DatabaseName): Promise<string> {
  const name = `tpl_${service}_${schemaHash(service)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query("SELECT pg_advisory_lock(hashtext($1))", [name]);
    if (await databaseExists(adminUrl, name)) return name;
    const building = `${name}_building`;
    await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
    await createDatabase(adminUrl, building);
    await migrate(service, { kind: "postgres", url: databaseUrl(adminUrl, building), poolSize: 2 });
    // Renamed only once complete: a failed migration never leaves a template others would use.
    await admin.query(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
    return name;
  } finally {
    await admin.end(); // ends the session, and with it the advisory lock
  }
}

const pgTemplates = new Map<DatabaseName, Promise<string>>();

/** The name of `service`'s migrated template on the cluster `adminUrl` (built by the first caller). */
function pgTemplateOf(adminUrl: string, service: DatabaseName): Promise<string> {
  let t = pgTemplates.get(service);
  if (!t) {
    t = pgTemplate(adminUrl, service);
    pgTemplates.set(service, t);
    t.catch(() => pgTemplates.delete(service));
  }
  return t;
}

/**
 * Creates database `name` on the cluster `adminUrl` as a copy of `service`'s migrated template,
 * unless it exists already (a stack's processes may ask for it concurrently); returns its URL.
 */
export async function cloneServiceDatabase(adminUrl: string, service: DatabaseName, name: string): Promise<string> {
  const template = await pgTemplateOf(adminUrl, service);
  if (await databaseExists(adminUrl, name)) return databaseUrl(adminUrl, name);
  try {
    return await createDatabase(adminUrl, name, { template });
  } catch (err) {
    // Another process created it first: 42P04 duplicate_database, or 23505 when both CREATEs raced.
    const code = (err as { code?: string }).code;
    if ((code === "42P04" || code === "23505") && (await databaseExists(adminUrl, name))) return databaseUrl(adminUrl, name);
    throw err;
  }
}

/**
 * A fresh, migrated database for one suite: a PostgreSQL database cloned from the migrated
 * template when `OPS_TEST_PG_ADMIN_URL` is set (`npm run test:pg`), else a SQLite file in `dir`
 * (`freshDatabase`). The cluster is thrown away after the run, databases with it.
 */
export async function freshTarget(service: DatabaseName, dir: string, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseTarget> {
  const adminUrl = env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) return { kind: "sqlite", path: await freshDatabase(service, dir) };
  const name = `${service}_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const url = await createDatabase(adminUrl, name, { template: await pgTemplateOf(adminUrl, service) });
  return { kind: "postgres", url, poolSize: 5 };
}

/** An empty database for kit tests that create their own tables: PostgreSQL under test:pg, else SQLite in `dir`. */
export async function emptyTarget(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<DatabaseTarget> {
  const adminUrl = env[PG_ADMIN_URL_VARIABLE];
  if (!adminUrl) return { kind: "sqlite", path: path.join(dir, `empty-${crypto.randomUUID()}.db`) };
  const url = await createDatabase(adminUrl, `empty_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`);
  return { kind: "postgres", url, poolSize: 5 };
}
