/**
 * `payment.completed` for an imported batch confirms its orders through the status gate: one
 * history row per confirmed order (actor `payment`, the payment as reason) and one
 * `order.confirmed`; orders the machine does not let confirm are refused and left alone — a
 * SHIPPED one unchanged without a history row, a CANCELLED one answered with
 * `order.payment_refused` so its payment is refunded. On a real (migrated) database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "@ops/service-kit";
import { freshTarget, tempDir } from "@ops/service-kit/testing";
import { openOrderDb, type OrderServiceDb } from "../../db/index.js";
import { handleOrderEvent } from "../handleEvent.js";

const world = tempDir("ops-confirm-test-");
let db: OrderServiceDb;
beforeAll(async () => {
  db = await openOrderDb(await freshTarget("order", world.dir));
});
afterAll(async () => {
  await db?.close();
  world.cleanup();
});

const insert = async (status: string) => {
  const row = await db.db
    .insertInto("orders")
    .values({ customer_email: "a@example.jp", customer_name: "顧客", status: status as never, total_amount: 1000, currency: "JPY", updated_at: "2026-12-01T09:00:00.000+00:00" })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
};
const history = async () =>
  (await db.db.selectFrom("order_status_changes").select(["order_id", "from_status", "to_status", "reason", "actor"]).orderBy("order_id").execute()).map((r) => ({ ...r, order_id: Number(r.order_id) }));
const outbox = async (type: string) => (await db.db.selectFrom("outbox").select("payload").where("type", "=", type).orderBy("id").execute()).map((r) => JSON.parse(r.payload).data);

describe("import confirmation (payment.completed for a batch) through the status gate", () => {
  it("confirms the PENDING orders with history, refuses the others, answers the cancelled one with order.payment_refused", async () => {
    const pending = [await insert("pending"), await insert("pending")];
    const shipped = await insert("shipped");
    const cancelled = await insert("cancelled");
    const named = [...pending, shipped, cancelled];
    const payments = named.map((orderId, i) => ({ paymentId: 100 + i, orderId, amount: 1000 }));
    expect(await handleOrderEvent(db, newEvent("payment", "payment.completed", { payments, batchId: "b1" }))).toBe("applied");

    const statuses = (await db.db.selectFrom("orders").select(["id", "status"]).orderBy("id").execute()).map((r) => ({ ...r, id: Number(r.id) }));
    expect(statuses).toEqual([
      { id: pending[0], status: "confirmed" },
      { id: pending[1], status: "confirmed" },
      { id: shipped, status: "shipped" },
      { id: cancelled, status: "cancelled" },
    ]);
    expect(await history()).toEqual(pending.map((id, i) => ({ order_id: id, from_status: "pending", to_status: "confirmed", reason: `payment ${100 + i} completed`, actor: "payment" })));
    expect((await outbox("order.confirmed")).map((d) => d.orders.map((o: { id: number }) => o.id))).toEqual([pending]);
    expect(await outbox("order.payment_refused")).toEqual([{ payments: [{ paymentId: 103, orderId: cancelled, cancelledAt: "2026-12-01T09:00:00.000Z" }] }]);

    // Delivered again under a new id (a retried chunk): nothing moves, no history row, no second confirmation.
    expect(await handleOrderEvent(db, newEvent("payment", "payment.completed", { payments, batchId: "b1" }))).toBe("applied");
    expect(await history()).toHaveLength(2);
    expect(await outbox("order.confirmed")).toHaveLength(1);
  });
});
