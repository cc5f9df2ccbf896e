import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../config.js";
import { startPgCluster, type PgCluster } from "../../testing/pgCluster.js";
import { migrate, migrationsDir, readMigrations } from "../migrate.js";

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const sqliteNames = readMigrations(migrationsDir("payment", "sqlite")).map((m) => m.name);
const pgNames = readMigrations(migrationsDir("payment", "postgres")).map((m) => m.name);

async function pgRows<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("migrate on SQLite", () => {
  let dir: string;
  beforeAll(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-migrate-"))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("applies every migration once, recording each as Prisma does", async () => {
    const file = path.join(dir, "fresh", "payment.db");
    expect(await migrate("payment", { kind: "sqlite", path: file })).toEqual(sqliteNames);
    expect(await migrate("payment", { kind: "sqlite", path: file })).toEqual([]);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`).all() as Array<Record<string, unknown>>;
    db.close();
    const files = readMigrations(migrationsDir("payment", "sqlite"));
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count, r.logs, r.rolled_back_at])).toEqual(files.map((f) => [f.name, f.checksum, 1, null, null]));
    for (const r of rows) expect(r.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  });

  it("continues a database that prisma migrate deploy migrated", async () => {
    const file = path.join(dir, "prisma", "payment_service.db");
    fs.mkdirSync(path.dirname(file));
    const cli = require.resolve("prisma/build/index.js");
    await run(process.execPath, [cli, "migrate", "deploy", "--config", path.join(REPO_ROOT, "prisma/payment/prisma.config.ts")], {
      cwd: REPO_ROOT,
      env: { ...process.env, PAYMENT_DB_PATH: file, PRISMA_HIDE_UPDATE_MESSAGE: "1", CHECKPOINT_DISABLE: "1" },
    });
    expect(await migrate("payment", { kind: "sqlite", path: file })).toEqual([]);
  });

  it("refuses a database whose applied migration changed, naming it, before applying anything", async () => {
    const file = path.join(dir, "changed", "payment.db");
    await migrate("payment", { kind: "sqlite", path: file });
    const db = new Database(file);
    const last = sqliteNames.at(-1)!;
    // The last one pending again, the first one's file "edited": nothing may be applied.
    db.prepare(`DELETE FROM "_prisma_migrations" WHERE "migration_name" = ?`).run(last);
    db.prepare(`UPDATE "_prisma_migrations" SET "checksum" = 'deadbeef' WHERE "migration_name" = ?`).run(sqliteNames[0]);
    db.close();
    await expect(migrate("payment", { kind: "sqlite", path: file })).rejects.toThrow(new RegExp(`migration ${sqliteNames[0]} was changed after it was applied`));
    const after = new Database(file, { readonly: true });
    expect(after.prepare(`SELECT COUNT(*) AS n FROM "_prisma_migrations" WHERE "migration_name" = ?`).get(last)).toEqual({ n: 0 });
    after.close();
  });
});

describe("migrate on PostgreSQL", () => {
  let cluster: PgCluster;
  beforeAll(async () => void (cluster = await startPgCluster()));
  afterAll(async () => cluster?.stop());

  it("creates the missing database, applies every migration once and records it as Prisma does", async () => {
    const url = cluster.urlFor("payment_fresh");
    expect(await migrate("payment", { kind: "postgres", url })).toEqual(pgNames);
    expect(await migrate("payment", { kind: "postgres", url })).toEqual([]);
    const rows = await pgRows<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(url, `SELECT * FROM "_prisma_migrations" ORDER BY "migration_name"`);
    const files = readMigrations(migrationsDir("payment", "postgres"));
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count])).toEqual(files.map((f) => [f.name, f.checksum, 1]));
    expect(rows.every((r) => r.finished_at instanceof Date)).toBe(true);
  });

  it("migrates once when replicas start together", async () => {
    const url = cluster.urlFor("payment_replicas");
    const results = await Promise.all([1, 2, 3].map(() => migrate("payment", { kind: "postgres", url })));
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, pgNames.length]);
    const [{ n }] = (await pgRows<{ n: string }>(url, `SELECT COUNT(*) AS n FROM "_prisma_migrations"`)) as [{ n: string }];
    expect(Number(n)).toBe(pgNames.length);
  });

  it("refuses a database whose applied migration changed, naming it, before applying anything", async () => {
    const url = cluster.urlFor("payment_changed");
    await migrate("payment", { kind: "postgres", url });
    const last = pgNames.at(-1)!;
    await pgRows(url, `DELETE FROM "_prisma_migrations" WHERE "migration_name" = '${last}'`);
    await pgRows(url, `UPDATE "_prisma_migrations" SET "checksum" = 'deadbeef' WHERE "migration_name" = '${pgNames[0]}'`);
    await expect(migrate("payment", { kind: "postgres", url })).rejects.toThrow(new RegExp(`migration ${pgNames[0]} was changed after it was applied`));
    expect(await pgRows(url, `SELECT 1 FROM "_prisma_migrations" WHERE "migration_name" = '${last}'`)).toEqual([]);
  });

  it("leaves nothing behind when a migration fails, and says which", async () => {
    const url = cluster.urlFor("payment_failing");
    // A table in the way of the first migration: it fails part-way through its script.
    await cluster.createDatabase("payment_failing");
    await pgRows(url, `CREATE TABLE "payment_attempts" ("x" int)`);
    await expect(migrate("payment", { kind: "postgres", url })).rejects.toThrow(new RegExp(`migration ${pgNames[0]} failed: .*payment_attempts`));
    const tables = await pgRows<{ tablename: string }>(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(tables.map((t) => t.tablename)).toEqual(["_prisma_migrations", "payment_attempts"]);
    expect(await pgRows(url, `SELECT 1 FROM "_prisma_migrations"`)).toEqual([]);
  });
});
