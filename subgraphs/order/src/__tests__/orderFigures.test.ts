/**
 * order_figures (orders per Japan day, status and batch) are kept by triggers: whatever writes
 * orders — inserts one by one or in bulk, status moves, deletes — the figures equal a fresh
 * GROUP BY over the orders themselves, on SQLite and PostgreSQL alike.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshTarget, runSql, tempDir } from "@ops/service-kit/testing";
import { openOrderDb, stamp, type OrderServiceDb } from "../db/index.js";

const world = tempDir();
let database: OrderServiceDb;

beforeAll(async () => {
  database = await openOrderDb(await freshTarget("order", world.dir));
});
afterAll(async () => {
  await database?.close();
  world.cleanup();
});

interface Figure {
  day: string;
  status: string;
  batch_id: string;
  orders: unknown;
  amount: unknown;
}
/** Counts and sums as numbers (PostgreSQL answers bigint and numeric as text). */
const figures = (rows: Figure[]) => rows.map((r) => ({ day: r.day, status: r.status, batchId: r.batch_id, orders: Number(r.orders), amount: Number(r.amount) }));

async function fromFigures() {
  const { rows } = await sql<Figure>`SELECT day, status, batch_id, SUM(orders) AS orders, SUM(amount) AS amount FROM order_figures
    GROUP BY 1, 2, 3 HAVING SUM(orders) <> 0 OR SUM(amount) <> 0 ORDER BY 1, 2, 3`.execute(database.db);
  return figures(rows);
}
async function fromOrders() {
  const { rows } = await sql<Figure>`SELECT ${database.helpers.japanDay("created_at")} AS day, status, COALESCE(batch_id, '') AS batch_id, COUNT(*) AS orders, SUM(total_amount) AS amount
    FROM orders GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(database.db);
  return figures(rows);
}

describe("order_figures", () => {
  it("follows inserts, status moves, batch changes and deletes", async () => {
    const base = Date.parse("2026-03-31T14:30:00Z"); // 23:30 in Japan: the day boundary is near
    const order = (i: number) => ({
      customer_email: "f@example.jp",
      customer_name: "集計 太郎",
      total_amount: 100 + i,
      status: (["pending", "confirmed", "shipped"] as const)[i % 3]!,
      created_at: stamp(new Date(base + i * 7_000)),
      updated_at: stamp(new Date(base)),
      batch_id: i % 4 === 0 ? "batch-a" : null,
    });
    await database.transaction(async (trx) => {
      // One by one, then one statement of many rows (PostgreSQL's triggers run per statement).
      for (let i = 0; i < 100; i++) await trx.insertInto("orders").values(order(i)).execute();
      await trx
        .insertInto("orders")
        .values(Array.from({ length: 400 }, (_, i) => order(100 + i)))
        .execute();
    });
    expect(await fromFigures()).toEqual(await fromOrders());

    await runSql(database, "UPDATE orders SET status = 'cancelled' WHERE id % 5 = 0");
    await runSql(database, "UPDATE orders SET status = 'confirmed', updated_at = ? WHERE status = 'pending' AND id % 2 = 0", stamp(new Date(base)));
    // An update that touches no figure column leaves the figures alone.
    await runSql(database, "UPDATE orders SET cancel_reason = 'x' WHERE id % 7 = 0");
    await runSql(database, "UPDATE orders SET batch_id = 'batch-b' WHERE id % 9 = 0");
    await runSql(database, "DELETE FROM orders WHERE id % 11 = 0");
    expect(await fromFigures()).toEqual(await fromOrders());
    // Both Japan days of the range are present.
    expect(new Set((await fromFigures()).map((r) => r.day))).toEqual(new Set(["2026-03-31", "2026-04-01"]));
  });
});
