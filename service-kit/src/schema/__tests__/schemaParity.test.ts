/**
 * The SQLite and PostgreSQL migrations of each service build the same database: the same tables,
 * column names, index and trigger names, and the same behaviour of the CHECKs and the triggers
 * when the same plain SQL runs on both.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceName } from "../../config.js";
import { migrate } from "../../data/migrate.js";
import { startPgCluster, type PgCluster } from "../../testing/pgCluster.js";

interface Pair {
  sqlite: Database.Database;
  pg: pg.Client;
}

let cluster: PgCluster;
let dir: string;
const open: Pair[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ops-parity-"));
  cluster = await startPgCluster();
});
afterAll(async () => {
  for (const p of open) (p.sqlite.close(), await p.pg.end());
  await cluster?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function freshPair(service: ServiceName, name: string): Promise<Pair> {
  const file = path.join(dir, `${name}.db`);
  await migrate(service, { kind: "sqlite", path: file });
  const url = cluster.urlFor(name);
  await migrate(service, { kind: "postgres", url });
  const pair = { sqlite: new Database(file), pg: new pg.Client({ connectionString: url }) };
  await pair.pg.connect();
  open.push(pair);
  return pair;
}

async function structure(p: Pair) {
  const sqliteTables = (p.sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'sqlite_sequence') ORDER BY name`).all() as Array<{ name: string }>).map((t) => t.name);
  const pgColumns = (await p.pg.query<{ table_name: string; column_name: string }>(`SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`)).rows;
  const pgTables = [...new Set(pgColumns.map((c) => c.table_name))].sort();
  return {
    sqlite: {
      tables: Object.fromEntries(sqliteTables.map((t) => [t, (p.sqlite.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY name`).all(t) as Array<{ name: string }>).map((c) => c.name)])),
      indexes: (p.sqlite.prepare(`SELECT tbl_name || '.' || name AS n FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' `).all() as Array<{ n: string }>).map((r) => r.n).sort(),
      triggers: (p.sqlite.prepare(`SELECT tbl_name || '.' || name AS n FROM sqlite_master WHERE type = 'trigger' `).all() as Array<{ n: string }>).map((r) => r.n).sort(),
    },
    pg: {
      tables: Object.fromEntries(pgTables.map((t) => [t, pgColumns.filter((c) => c.table_name === t).map((c) => c.column_name).sort()])),
      indexes: (await p.pg.query<{ n: string }>(`SELECT tablename || '.' || indexname AS n FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%\\_pkey'`)).rows.map((r) => r.n).sort(),
      triggers: (await p.pg.query<{ n: string }>(`SELECT c.relname || '.' || t.tgname AS n FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal`)).rows.map((r) => r.n).sort(),
    },
  };
}

/** Runs each statement on both databases; returns, per statement, whether each accepted it. */
async function runBoth(p: Pair, statements: string[]): Promise<Array<{ sql: string; sqlite: boolean; pg: boolean }>> {
  const outcomes = [];
  for (const sql of statements) {
    let sqliteOk = true;
    let pgOk = true;
    try {
      p.sqlite.exec(sql);
    } catch (err) {
      expect((err as Error).message).toMatch(/CHECK constraint failed/);
      sqliteOk = false;
    }
    try {
      await p.pg.query(sql);
    } catch (err) {
      expect((err as { code?: string }).code).toBe("23514"); // check_violation
      pgOk = false;
    }
    outcomes.push({ sql, sqlite: sqliteOk, pg: pgOk });
  }
  return outcomes;
}

/**
 * The rows of `sql` on both databases, numbers as numbers (PostgreSQL's BIGINT arrives as text),
 * sorted alike (PostgreSQL sorts an enum in its declared order, SQLite the text).
 */
async function rowsBoth(p: Pair, sql: string) {
  const norm = (rows: Array<Record<string, unknown>>) =>
    rows
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v])))
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return { sqlite: norm(p.sqlite.prepare(sql).all() as Array<Record<string, unknown>>), pg: norm((await p.pg.query(sql)).rows) };
}

const SERVICES: ServiceName[] = ["order", "payment", "notification"];

describe.each(SERVICES)("%s: SQLite and PostgreSQL migrations", (service) => {
  it("make the same tables, columns, indexes and triggers", async () => {
    const s = await structure(await freshPair(service, `${service}_structure`));
    expect(Object.keys(s.sqlite.tables).length).toBeGreaterThan(5);
    expect(s.pg.tables).toEqual(s.sqlite.tables);
    expect(s.pg.indexes).toEqual(s.sqlite.indexes);
    expect(s.pg.triggers).toEqual(s.sqlite.triggers);
  });
});

const T = (iso: string) => `'${iso}'`;

describe("the triggers keep the same figures on both", () => {
  it("order: order_figures and order_name_grams after inserts, moves and deletes (totals past 2^31)", async () => {
    const p = await freshPair("order", "order_figures");
    const cols = `("customer_email", "customer_name", "status", "total_amount", "created_at", "updated_at", "customer_name_key", "batch_id")`;
    await runBoth(p, [
      `INSERT INTO "orders" ${cols} VALUES ('a@x.jp', '山田 太郎', 'pending', 1280, ${T("2026-11-30T15:30:00.000Z")}, ${T("2026-11-30T15:30:00.000Z")}, 'やまだたろう', NULL),
        ('b@x.jp', '佐藤', 'confirmed', 3000000000, ${T("2026-11-30T14:59:59.999Z")}, ${T("2026-11-30T14:59:59.999Z")}, 'さとう', 'b1'),
        ('c@x.jp', 'ああああ', 'pending', 500, ${T("2026-12-01T00:00:00.000Z")}, ${T("2026-12-01T00:00:00.000Z")}, 'ああああ', 'b1'),
        ('d@x.jp', 'ああああ', 'pending', 700, ${T("2026-12-01T00:00:00.000Z")}, ${T("2026-12-01T00:00:00.000Z")}, 'ああああ', 'b1')`,
      `UPDATE "orders" SET "status" = 'cancelled' WHERE "customer_email" IN ('a@x.jp', 'c@x.jp')`,
      `UPDATE "orders" SET "updated_at" = ${T("2026-12-02T00:00:00.000Z")} WHERE "customer_email" = 'b@x.jp'`,
      `UPDATE "orders" SET "customer_name_key" = 'さとうはなこ', "total_amount" = 4000000000 WHERE "customer_email" = 'b@x.jp'`,
      `UPDATE "orders" SET "batch_id" = NULL WHERE "customer_email" = 'd@x.jp'`,
      `DELETE FROM "orders" WHERE "customer_email" = 'c@x.jp'`,
      `INSERT INTO "orders" ("id", ${cols.slice(1)} VALUES (3000000000, 'e@x.jp', 'E', 'shipped', 100, ${T("2026-12-03T00:00:00.000Z")}, ${T("2026-12-03T00:00:00.000Z")}, 'e2', 'b2')`,
    ]);
    // Summed over shards: PostgreSQL spreads a figure over rows per transaction, SQLite keeps one.
    const figures = await rowsBoth(p, `SELECT "day", "status", "batch_id", SUM("orders") AS "orders", SUM("amount") AS "amount" FROM "order_figures" GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`);
    expect(figures.sqlite).toContainEqual({ day: "2026-11-30", status: "confirmed", batch_id: "b1", orders: 1, amount: 4000000000 }) // 23:59:59.999 in Japan;
    expect(figures.pg).toEqual(figures.sqlite);
    const grams = await rowsBoth(p, `SELECT "gram", "order_id", "amount" FROM "order_name_grams" ORDER BY 1, 2`);
    expect(grams.sqlite.map((g) => g.gram)).toEqual(expect.arrayContaining(["はな", "ああ", "e2"]));
    expect(grams.pg).toEqual(grams.sqlite);
    const at = await rowsBoth(p, `SELECT COUNT(*) AS n FROM "order_name_grams" g JOIN "orders" o ON o."id" = g."order_id" AND o."created_at" = g."at"`);
    expect(at.pg).toEqual(at.sqlite);
  });

  it("payment: payment_day_figures and payment_batch_figures", async () => {
    const p = await freshPair("payment", "payment_figures");
    const cols = `("order_id", "amount", "status", "transaction_id", "batch_id", "created_at", "updated_at")`;
    await runBoth(p, [
      `INSERT INTO "payments" ${cols} VALUES (1, 1000, 'pending', 't1', 'b1', ${T("2026-11-30T15:00:00.000Z")}, ${T("2026-11-30T15:00:00.000Z")}),
        (2, 2000, 'completed', 't2', 'b1', ${T("2026-11-30T15:00:00.000Z")}, ${T("2026-11-30T15:00:00.000Z")}),
        (3, 3000, 'pending', 't3', NULL, ${T("2026-11-30T15:00:00.000Z")}, ${T("2026-11-30T15:00:00.000Z")})`,
      `INSERT INTO "payment_attempts" ("payment_id", "transaction_id", "status", "created_at") VALUES (2, 't2', 'completed', ${T("2026-11-30T14:59:00.000Z")}), (1, 't1', 'failed', ${T("2026-11-30T16:00:00.000Z")})`,
      `UPDATE "payments" SET "status" = 'completed' WHERE "id" = 1`,
      `INSERT INTO "payment_attempts" ("payment_id", "transaction_id", "status", "created_at") VALUES (1, 't1b', 'completed', ${T("2026-12-01T01:00:00.000Z")})`,
      `INSERT INTO "refunds" ("payment_id", "amount", "reason", "status", "kind", "created_at") VALUES (2, 2000, 'r', 'completed', 'operator', ${T("2026-12-01T02:00:00.000Z")}), (1, 1000, 'r', 'pending', 'operator', ${T("2026-12-01T02:00:00.000Z")})`,
      `UPDATE "payments" SET "status" = 'refunded' WHERE "id" = 2`,
      `UPDATE "payments" SET "batch_id" = 'b2' WHERE "id" IN (1, 3)`,
      `DELETE FROM "refunds" WHERE "payment_id" = 2`,
      `DELETE FROM "payment_attempts" WHERE "transaction_id" = 't2'`,
    ]);
    const days = await rowsBoth(p, `SELECT "day", "kind", "count", "amount" FROM "payment_day_figures" ORDER BY 1, 2`);
    expect(days.sqlite).toContainEqual({ day: "2026-12-01", kind: "completed", count: 1, amount: 1000 });
    expect(days.pg).toEqual(days.sqlite);
    const batches = await rowsBoth(p, `SELECT "batch_id", "status", "count" FROM "payment_batch_figures" ORDER BY 1, 2`);
    expect(batches.sqlite).toContainEqual({ batch_id: "b2", status: "completed", count: 1 });
    expect(batches.pg).toEqual(batches.sqlite);
  });

  it("notification: notification_figures", async () => {
    const p = await freshPair("notification", "notification_figures");
    const cols = `("order_id", "channel", "template_name", "recipient", "status", "batch_id", "created_at")`;
    await runBoth(p, [
      `INSERT INTO "notifications" ${cols} VALUES (1, 'email', 'ORDER_CONFIRMED', 'a@x.jp', 'pending', NULL, ${T("2026-12-01T00:00:00.000Z")}),
        (2, 'email', 'ORDER_CONFIRMED', 'b@x.jp', 'pending', 'b1', ${T("2026-12-01T00:00:00.000Z")}),
        (3, 'sms', 'ORDER_SHIPPED', '090', 'not_sent', 'b1', ${T("2026-12-01T00:00:00.000Z")})`,
      `UPDATE "notifications" SET "status" = 'sent' WHERE "order_id" IN (1, 2)`,
      `UPDATE "notifications" SET "attempt_count" = 1 WHERE "order_id" = 1`,
      `UPDATE "notifications" SET "batch_id" = 'b2', "channel" = 'email' WHERE "order_id" = 3`,
      `DELETE FROM "notifications" WHERE "order_id" = 1`,
    ]);
    const figures = await rowsBoth(p, `SELECT "status", "channel", "template_name", "batch_id", "count" FROM "notification_figures" ORDER BY 1, 2, 3, 4`);
    expect(figures.sqlite).toContainEqual({ status: "not_sent", channel: "email", template_name: "ORDER_SHIPPED", batch_id: "b2", count: 1 });
    expect(figures.pg).toEqual(figures.sqlite);
  });
});

describe("the CHECKs refuse and accept the same boundary values on both", () => {
  it("order", async () => {
    const p = await freshPair("order", "order_checks");
    await runBoth(p, [`INSERT INTO "orders" ("customer_email", "customer_name", "total_amount") VALUES ('a@x.jp', 'A', 1)`]);
    const item = (q: number, price: number) => `INSERT INTO "order_items" ("order_id", "product_name", "quantity", "unit_price") VALUES (1, 'p', ${q}, ${price})`;
    const upload = (state: string) => `INSERT INTO "import_uploads" ("id", "filename", "created_by", "expires_at", "state") VALUES ('${state}', 'f.csv', 'user:a', ${T("2026-12-01T00:00:00.000Z")}, '${state}')`;
    const outcomes = await runBoth(p, [item(0, 1), item(1, 0), item(-1, 1), item(1, 1), item(10000, 10000000), upload("open"), upload("expired"), upload("bogus"), `INSERT INTO "consistency_checks" ("id") VALUES (2)`]);
    expect(outcomes.map((o) => o.sqlite)).toEqual([false, false, false, true, true, true, true, false, false]);
    for (const o of outcomes) expect(o.pg, o.sql).toBe(o.sqlite);
    const count = await rowsBoth(p, `SELECT COUNT(*) AS n FROM "order_items"`);
    expect(count.pg).toEqual(count.sqlite);
  });

  it("payment", async () => {
    const p = await freshPair("payment", "payment_checks");
    const payment = (id: number, amount: number) => `INSERT INTO "payments" ("order_id", "amount", "transaction_id") VALUES (${id}, ${amount}, 't${id}')`;
    const refund = (kind: string) => `INSERT INTO "refunds" ("payment_id", "amount", "reason", "kind") VALUES (2, 100, 'r', '${kind}')`;
    const outcomes = await runBoth(p, [payment(1, 99), payment(2, 100), payment(3, 1000000), payment(4, 1000001), payment(5, 0), refund("bogus"), refund("compensation")]);
    expect(outcomes.map((o) => o.sqlite)).toEqual([false, true, true, false, false, false, true]);
    for (const o of outcomes) expect(o.pg, o.sql).toBe(o.sqlite);
  });
});
