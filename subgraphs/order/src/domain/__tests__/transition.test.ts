/**
 * The status gate on a real (migrated) database: it moves only the orders the status machine
 * allows and reports the others with their status, writes one history row per moved order (with
 * its actor), and writes the change's events in bounded pieces — at most EVENT_ORDERS orders and
 * EVENT_ITEMS items each.
 */
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";
import { transition, type OrderTransition } from "../transition.js";
import { EVENT_ITEMS, EVENT_ORDERS } from "@ops/contracts";
import { MOVES, type OrderStatus } from "../statusMoves.js";

const world = tempDir("ops-gate-test-");
let db: Database.Database;
beforeAll(async () => {
  db = new Database(await freshDatabase("order", world.dir));
});
afterAll(() => {
  db?.close();
  world.cleanup();
});

/** Inserts `count` orders in `status` with `items` items each; returns their ids. */
function insertOrders(count: number, status: string, items = 1): number[] {
  const order = db.prepare("INSERT INTO orders (customer_email, customer_name, status, total_amount, currency) VALUES (?, ?, ?, ?, 'JPY')");
  const item = db.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, ?, 1, 100)");
  return db.transaction(() =>
    Array.from({ length: count }, (_, i) => {
      const id = Number(order.run(`g${i}@example.jp`, `顧客 ${i}`, status, items * 100).lastInsertRowid);
      for (let n = 0; n < items; n++) item.run(id, `商品 ${n}`);
      return id;
    }),
  )();
}

/** The gate in its own transaction, as every caller runs it. */
const move = (m: Omit<OrderTransition, "actor"> & { actor?: string }) => db.transaction(() => transition(db, { actor: "tester", ...m }))();
const ids = (orders: readonly { id: number }[]) => orders.map((o) => o.id);

const events = (type: string) =>
  (db.prepare("SELECT payload FROM outbox WHERE type = ? AND destination = 'notification' ORDER BY id").all(type) as { payload: string }[]).map(
    (r) => JSON.parse(r.payload).data.orders as { id: number; items: unknown[]; cancelReason: string | null }[],
  );

describe("transition, the order status gate", () => {
  it("moves only orders whose status allows the move, with one history row each and their events; refuses the others", () => {
    const pending = insertOrders(3, "pending");
    const confirmed = insertOrders(2, "confirmed");
    const shipped = insertOrders(2, "shipped");
    const result = move({ ids: [...pending, ...confirmed, ...shipped, 999_999], to: "CANCELLED", reason: "在庫切れ", actor: "sato" });
    const { moved } = result;
    expect(ids(moved)).toEqual([...pending, ...confirmed]);
    expect(moved.every((o) => o.status === "CANCELLED" && o.cancelReason === "在庫切れ")).toBe(true);
    expect(result.refused.map((o) => [o.id, o.status])).toEqual(shipped.map((id) => [id, "SHIPPED"]));
    expect(result.missing).toEqual([999_999]);
    const history = db.prepare("SELECT order_id, from_status, to_status, reason, actor FROM order_status_changes ORDER BY order_id").all();
    expect(history).toEqual([
      ...pending.map((id) => ({ order_id: id, from_status: "pending", to_status: "cancelled", reason: "在庫切れ", actor: "sato" })),
      ...confirmed.map((id) => ({ order_id: id, from_status: "confirmed", to_status: "cancelled", reason: "在庫切れ", actor: "sato" })),
    ]);
    expect(db.prepare("SELECT status, COUNT(*) AS n FROM orders WHERE id IN (SELECT value FROM json_each(?)) GROUP BY status").all(JSON.stringify(shipped))).toEqual([{ status: "shipped", n: 2 }]);
    expect(events("order.cancelled").map((e) => e.map((o) => o.id))).toEqual([[...pending, ...confirmed]]);
    expect(db.prepare("SELECT destination FROM outbox WHERE type = 'order.cancelled' ORDER BY destination").all()).toEqual([{ destination: "notification" }, { destination: "payment" }]);

    // Again: nothing is allowed any more, so nothing moves, nothing is written.
    const again = move({ ids: pending, to: "CANCELLED", reason: "二重" });
    expect(again.moved).toEqual([]);
    expect(again.refused.map((o) => o.status)).toEqual(["CANCELLED", "CANCELLED", "CANCELLED"]);
    expect(db.prepare("SELECT COUNT(*) AS n FROM order_status_changes WHERE reason = '二重'").get()).toEqual({ n: 0 });
  });

  it("checks every move against the status machine: only the sources of the target move", () => {
    const statuses = Object.keys(MOVES) as OrderStatus[];
    for (const to of statuses) {
      const byStatus = new Map(statuses.map((s) => [s, insertOrders(1, s.toLowerCase())[0]!]));
      const result = move({ ids: [...byStatus.values()], to, reason: `to ${to}` });
      const allowed = statuses.filter((from) => MOVES[from].includes(to));
      expect(ids(result.moved)).toEqual(allowed.map((s) => byStatus.get(s)));
      expect(result.refused.map((o) => o.status)).toEqual(statuses.filter((s) => !allowed.includes(s)));
      const history = db.prepare("SELECT from_status FROM order_status_changes WHERE reason = ? ORDER BY order_id").pluck().all(`to ${to}`);
      expect(history).toEqual(allowed.map((s) => s.toLowerCase()));
      for (const s of statuses) {
        const now = db.prepare("SELECT status FROM orders WHERE id = ?").pluck().get(byStatus.get(s));
        expect(now).toBe(allowed.includes(s) ? to.toLowerCase() : s.toLowerCase());
      }
    }
  });

  it("records a reason per order when given one (the payment that confirmed it)", () => {
    const orders = insertOrders(2, "pending");
    move({ ids: orders, to: "CONFIRMED", reason: null, reasonOf: (id) => `payment ${id * 10} completed`, actor: "payment" });
    expect(db.prepare("SELECT order_id, reason, actor FROM order_status_changes WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY order_id").all(JSON.stringify(orders))).toEqual(
      orders.map((id) => ({ order_id: id, reason: `payment ${id * 10} completed`, actor: "payment" })),
    );
    expect(db.prepare("SELECT COUNT(*) AS n FROM orders WHERE id IN (SELECT value FROM json_each(?)) AND cancel_reason IS NULL").get(JSON.stringify(orders))).toEqual({ n: 2 });
  });

  it("splits a large change into events of at most EVENT_ORDERS orders and EVENT_ITEMS items", () => {
    db.exec("DELETE FROM outbox");
    const small = insertOrders(EVENT_ORDERS + 1, "pending");
    move({ ids: small, to: "CONFIRMED", reason: "入金確認" });
    expect(events("order.confirmed").map((e) => e.length)).toEqual([EVENT_ORDERS, 1]);

    // 100 items per order: an event closes at EVENT_ITEMS items, whatever the order count.
    const large = insertOrders(250, "pending", 100);
    move({ ids: large, to: "CANCELLED", reason: "大口" });
    const cancelled = events("order.cancelled").filter((e) => e.every((o) => o.cancelReason === "大口"));
    expect(cancelled.map((e) => e.length)).toEqual([EVENT_ITEMS / 100, 250 - EVENT_ITEMS / 100]);
    expect(cancelled.flat().every((o) => o.items.length === 100)).toBe(true);
  });
});
