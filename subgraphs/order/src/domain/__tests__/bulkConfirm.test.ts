/**
 * `payment.completed` for an imported batch confirms its orders through the status gate: one
 * history row per confirmed order (actor `payment`, the payment as reason) and one
 * `order.confirmed`; orders the machine does not let confirm are refused and left alone — a
 * SHIPPED one unchanged without a history row, a CANCELLED one answered with
 * `order.payment_refused` so its payment is refunded. On a real (migrated) database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent, openBulkDb, type BulkDb } from "@ops/service-kit";
import { freshDatabase, tempDir } from "@ops/service-kit/testing";
import { handleOrderEvent } from "../handleEvent.js";

const world = tempDir("ops-confirm-test-");
let db: BulkDb;
beforeAll(async () => {
  db = openBulkDb(await freshDatabase("order", world.dir));
});
afterAll(() => {
  db?.close();
  world.cleanup();
});

const insert = (status: string) =>
  Number(
    db
      .prepare("INSERT INTO orders (customer_email, customer_name, status, total_amount, currency, updated_at) VALUES ('a@example.jp', '顧客', ?, 1000, 'JPY', ?)")
      .run(status, "2026-12-01T09:00:00.000+00:00")
      .lastInsertRowid,
  );
const history = () => db.prepare("SELECT order_id, from_status, to_status, reason, actor FROM order_status_changes ORDER BY order_id").all();
const outbox = (type: string) => (db.prepare("SELECT payload FROM outbox WHERE type = ? ORDER BY id").all(type) as { payload: string }[]).map((r) => JSON.parse(r.payload).data);

describe("import confirmation (payment.completed for a batch) through the status gate", () => {
  it("confirms the PENDING orders with history, refuses the others, answers the cancelled one with order.payment_refused", async () => {
    const pending = [insert("pending"), insert("pending")];
    const shipped = insert("shipped");
    const cancelled = insert("cancelled");
    const named = [...pending, shipped, cancelled];
    const payments = named.map((orderId, i) => ({ paymentId: 100 + i, orderId, amount: 1000 }));
    expect(await handleOrderEvent(db, newEvent("payment", "payment.completed", { payments, batchId: "b1" }))).toBe("applied");

    const statuses = db.prepare("SELECT id, status FROM orders ORDER BY id").all();
    expect(statuses).toEqual([
      { id: pending[0], status: "confirmed" },
      { id: pending[1], status: "confirmed" },
      { id: shipped, status: "shipped" },
      { id: cancelled, status: "cancelled" },
    ]);
    expect(history()).toEqual(pending.map((id, i) => ({ order_id: id, from_status: "pending", to_status: "confirmed", reason: `payment ${100 + i} completed`, actor: "payment" })));
    expect(outbox("order.confirmed").map((d) => d.orders.map((o: { id: number }) => o.id))).toEqual([pending]);
    expect(outbox("order.payment_refused")).toEqual([{ payments: [{ paymentId: 103, orderId: cancelled, cancelledAt: "2026-12-01T09:00:00.000Z" }] }]);

    // Delivered again under a new id (a retried chunk): nothing moves, no history row, no second confirmation.
    expect(await handleOrderEvent(db, newEvent("payment", "payment.completed", { payments, batchId: "b1" }))).toBe("applied");
    expect(history()).toHaveLength(2);
    expect(outbox("order.confirmed")).toHaveLength(1);
  });
});
