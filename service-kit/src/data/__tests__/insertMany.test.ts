import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/freshDatabase.js";
import { insertMany } from "../insertMany.js";
import { openDatabase, type ServiceDb } from "../openDatabase.js";
import { readBoolean, readTimestamp } from "../dialectHelpers.js";
import { DIALECTS, createTestTables, emptyDatabase, type TestDb } from "./testDatabases.js";

const files = tempDir("ops-insert-");
afterAll(() => files.cleanup());

const rowsOf = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => ({
    sku: `sku-${from + i}`,
    amount: 1 + ((from + i) % 1000),
    created_at: new Date(Date.UTC(2026, 10, 25, 0, 0, 0, from + i)),
    paid: i % 2 === 0,
    parent_id: null,
    // Tabs, newlines and backslashes survive COPY's text format.
    note: i % 3 === 0 ? null : `note\t${i}\n\\"q"`,
  }));

describe.each(DIALECTS)("insertMany on %s", (dialect) => {
  let sdb: ServiceDb<TestDb>;
  beforeAll(async () => {
    sdb = await openDatabase<TestDb>(await emptyDatabase(dialect, files.dir));
    await createTestTables(sdb.db, dialect);
  });
  afterAll(() => sdb?.close());

  const reset = () => sdb.db.deleteFrom("item").execute();

  it("returns the ids of the inserted rows in input order, across chunks", async () => {
    await reset();
    const rows = rowsOf(1234);
    const ids = await sdb.transaction((trx) => insertMany(trx, "item", rows, { returning: ["id", "sku"], chunkSize: 100 }));
    expect(ids).toHaveLength(1234);
    expect(ids.map((r) => r.sku)).toEqual(rows.map((r) => r.sku));
    const stored = await sdb.db.selectFrom("item").selectAll().where("id", "=", ids[1]!.id).executeTakeFirstOrThrow();
    expect(stored.sku).toBe("sku-1");
    expect(stored.note).toBe(rows[1]!.note);
    expect(readBoolean(stored.paid)).toBe(false);
    expect(readTimestamp(stored.created_at).toISOString()).toBe(rows[1]!.created_at.toISOString());
  });

  it("refuses rows whose columns differ, and an error rolls the whole insert back", async () => {
    await reset();
    const rows = [...rowsOf(3), { sku: "x", amount: 1 }] as ReturnType<typeof rowsOf>;
    await expect(sdb.transaction((trx) => insertMany(trx, "item", rows))).rejects.toThrow(/every row must have exactly/);
    const duplicate = [...rowsOf(10), ...rowsOf(1)];
    await expect(sdb.transaction((trx) => insertMany(trx, "item", duplicate, { chunkSize: 4 }))).rejects.toMatchObject({});
    const { n } = await sdb.db.selectFrom("item").select(sql<number>`count(*)`.as("n")).executeTakeFirstOrThrow();
    expect(n).toBe(0);
  });

  const methods = dialect === "postgres" ? (["unnest", "copy"] as const) : ([undefined] as const);
  it.each(methods)("writes 100,000 rows (%s) and prints rows/s", async (method) => {
    await reset();
    const rows = rowsOf(100_000);
    const started = performance.now();
    await sdb.transaction((trx) => insertMany(trx, "item", rows, method ? { method } : {}));
    const seconds = (performance.now() - started) / 1000;
    console.log(`insertMany ${dialect}${method ? ` ${method}` : ""}: 100,000 rows in ${seconds.toFixed(2)} s = ${Math.round(100_000 / seconds)} rows/s`);
    const stats = await sdb.db
      .selectFrom("item")
      .select([sql<number>`count(*)`.as("n"), sql<number>`sum(amount)`.as("total"), sql<number>`count(note)`.as("notes")])
      .executeTakeFirstOrThrow();
    expect(stats).toEqual({ n: 100_000, total: rows.reduce((s, r) => s + r.amount, 0), notes: rows.filter((r) => r.note !== null).length });
    const last = await sdb.db.selectFrom("item").select(["note", "created_at"]).where("sku", "=", "sku-99998").executeTakeFirstOrThrow();
    expect(last.note).toBe(rows[99_998]!.note);
    expect(readTimestamp(last.created_at).toISOString()).toBe(rows[99_998]!.created_at.toISOString());
  });
});
