/**
 * order_figures (orders per Japan day, status and batch) are kept by triggers: whatever writes
 * orders — inserts one by one or in bulk, status moves, deletes — the figures equal a fresh
 * GROUP BY over the orders themselves.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";

const world = tempDir();
let db: Database.Database;

beforeAll(async () => {
  db = new Database(await freshDatabase("order", world.dir));
});
afterAll(() => {
  db.close();
  world.cleanup();
});

const iso = (ms: number) => new Date(ms).toISOString().replace("Z", "+00:00");

function fromFigures() {
  return db.prepare("SELECT day, status, batch_id, orders, amount FROM order_figures WHERE orders <> 0 OR amount <> 0 ORDER BY 1, 2, 3").all();
}
function fromOrders() {
  return db
    .prepare(
      `SELECT date(created_at, '+9 hours') AS day, status, COALESCE(batch_id, '') AS batch_id, COUNT(*) AS orders, SUM(total_amount) AS amount
       FROM orders GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    )
    .all();
}

describe("order_figures", () => {
  it("follows inserts, status moves, batch changes and deletes", () => {
    const insert = db.prepare(
      "INSERT INTO orders (customer_email, customer_name, total_amount, status, created_at, updated_at, batch_id) VALUES ('f@example.jp', '集計 太郎', ?, ?, ?, ?, ?)",
    );
    const base = Date.parse("2026-03-31T14:30:00Z"); // 23:30 in Japan: the day boundary is near
    db.transaction(() => {
      for (let i = 0; i < 500; i++) {
        insert.run(100 + i, ["pending", "confirmed", "shipped"][i % 3], iso(base + i * 7_000), iso(base), i % 4 === 0 ? "batch-a" : null);
      }
    })();
    expect(fromFigures()).toEqual(fromOrders());

    db.prepare("UPDATE orders SET status = 'cancelled' WHERE id % 5 = 0").run();
    db.prepare("UPDATE orders SET status = 'confirmed', updated_at = ? WHERE status = 'pending' AND id % 2 = 0").run(iso(base));
    // An update that touches no figure column leaves the figures alone.
    db.prepare("UPDATE orders SET cancel_reason = 'x' WHERE id % 7 = 0").run();
    db.prepare("UPDATE orders SET batch_id = 'batch-b' WHERE id % 9 = 0").run();
    db.prepare("DELETE FROM orders WHERE id % 11 = 0").run();
    expect(fromFigures()).toEqual(fromOrders());
    // Both Japan days of the range are present.
    expect(new Set(fromFigures().map((r) => (r as { day: string }).day))).toEqual(new Set(["2026-03-31", "2026-04-01"]));
  });
});
