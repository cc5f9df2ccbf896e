/**
 * Every bulk path moves payments through the payment gate: imported COMPLETED payments,
 * cancellation refunds and failures, compensation refunds. Each writes its attempt or refund rows
 * with actor and reason, and refuses (skips and counts, never writes) the moves the payment machine
 * forbids: a REFUNDED payment is not refunded again, a FAILED one not failed again. Events are
 * POSTed signed to the real webhook, as the order service's outbox delivers them.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newEvent } from "@ops/service-kit";
import { mustQuery } from "@ops/service-kit/testing";
import { applyOrdersCancelled, COMPENSATION_REASON } from "../domain/handleEvent.js";
import { cancelledSnapshot, outboxRows, postEvent } from "./eventHelpers.js";
import { FAIL_PAYMENT, REFUND_PAYMENT, startWorld, type TestWorld } from "./testWorld.js";

let world: TestWorld;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

const post = async (type: string, data: unknown) => {
  const reply = await postEvent(world.payment.url, newEvent("order", type, data), { secret: world.security.secrets.webhookSecret });
  expect(reply.status).toBe(200);
};
const sql = <T>(query: string, ...params: unknown[]) => world.payment.db.$queryRawUnsafe<T[]>(query, ...params);
const paymentOf = (orderId: number) => world.payment.db.payment.findUniqueOrThrow({ where: { orderId } });
const attempts = (paymentId: number) => sql<{ status: string; failure_reason: string | null; actor: string | null }>("SELECT status, failure_reason, actor FROM payment_attempts WHERE payment_id = ? ORDER BY id", paymentId);
const refunds = (paymentId: number) => sql<{ reason: string; kind: string; actor: string | null }>("SELECT reason, kind, actor FROM refunds WHERE payment_id = ? ORDER BY id", paymentId);

let nextOrder = 900_000;
/** Imports one payment per status asked for (COMPLETED or PENDING); returns their order ids. */
async function imported(...statuses: ("COMPLETED" | "PENDING")[]): Promise<number[]> {
  const orderIds = statuses.map(() => ++nextOrder);
  const payments = orderIds.map((orderId, i) => ({ orderId, amount: 1_000 + i, currency: "JPY", paymentMethod: "credit_card", status: statuses[i] }));
  await post("import.payments", { batchId: `gate-${nextOrder}`, importId: 1, payments });
  return orderIds;
}

describe("the payment gate on every bulk path", () => {
  it("import: COMPLETED payments are inserted PENDING and completed through the gate, with an attempt each (actor payment) and one payment.completed", async () => {
    const [paid, paidToo, waiting] = await imported("COMPLETED", "COMPLETED", "PENDING");
    const rows = await Promise.all([paid!, paidToo!, waiting!].map(paymentOf));
    expect(rows.map((p) => p.status)).toEqual(["COMPLETED", "COMPLETED", "PENDING"]);
    expect(await attempts(rows[0]!.id)).toEqual([{ status: "completed", failure_reason: null, actor: "payment" }]);
    expect(await attempts(rows[1]!.id)).toEqual([{ status: "completed", failure_reason: null, actor: "payment" }]);
    expect(await attempts(rows[2]!.id)).toEqual([]);
    const events = await outboxRows(world.payment.db, "payment.completed", (e) => e.data.payments.some((p: { orderId: number }) => p.orderId === paid));
    expect(events.map((e) => e.event.data.payments.map((p: { orderId: number }) => p.orderId))).toEqual([[paid, paidToo]]);
  });

  it("cancellation: refunds the COMPLETED payment, fails the PENDING one, and skips the FAILED and REFUNDED ones without writing", async () => {
    const [completed, pending, failed, refunded] = await imported("COMPLETED", "PENDING", "PENDING", "COMPLETED");
    const ids = await Promise.all([completed!, pending!, failed!, refunded!].map(async (o) => (await paymentOf(o)).id));
    await mustQuery(world.payment.url, FAIL_PAYMENT, { input: { id: String(ids[2]), reason: "カード認証エラー" } });
    await mustQuery(world.payment.url, REFUND_PAYMENT, { input: { paymentId: String(ids[3]), reason: "返品" } });

    const orders = [completed!, pending!, failed!, refunded!].map((id) => cancelledSnapshot(id, { cancelReason: "在庫切れ" }));
    await post("order.cancelled", { orders });
    expect((await Promise.all(ids.map((id) => world.payment.db.payment.findUniqueOrThrow({ where: { id } })))).map((p) => p.status)).toEqual([
      "REFUNDED",
      "FAILED",
      "FAILED",
      "REFUNDED",
    ]);
    expect(await refunds(ids[0]!)).toEqual([{ reason: "在庫切れ", kind: "cancellation", actor: "payment" }]);
    expect(await attempts(ids[1]!)).toEqual([{ status: "failed", failure_reason: "order cancelled", actor: "payment" }]);
    // Already FAILED (by an operator) and already REFUNDED (by hand): untouched, their rows as the operator left them.
    expect(await attempts(ids[2]!)).toEqual([{ status: "failed", failure_reason: "カード認証エラー", actor: "test-admin" }]);
    expect(await refunds(ids[3]!)).toEqual([{ reason: "返品", kind: "operator", actor: "test-admin" }]);
    expect((await world.payment.db.payment.findUniqueOrThrow({ where: { id: ids[2]! } })).failureReason).toBe("カード認証エラー");

    // The same cancellation again (a new event id, as after an undo's retry): everything is refused and counted, nothing written.
    const before = await sql<{ n: number | bigint }>("SELECT (SELECT COUNT(*) FROM refunds) + (SELECT COUNT(*) FROM payment_attempts) AS n");
    const bulk = world.payment.bulk;
    const again = await bulk.write(() => applyOrdersCancelled(bulk, { orders }));
    expect(again.counts).toEqual({ refunded: 0, failed: 0, refused: 4 });
    expect([...again.effects.values()]).toEqual(["none", "none", "none", "none"]);
    expect(await sql("SELECT (SELECT COUNT(*) FROM refunds) + (SELECT COUNT(*) FROM payment_attempts) AS n")).toEqual(before);
  });

  it("compensation: refunds a payment completed after its order was cancelled once, with its audit entry; a REFUNDED one is not refunded again", async () => {
    const [late, alreadyRefunded] = await imported("COMPLETED", "COMPLETED");
    const lateId = (await paymentOf(late!)).id;
    const refundedId = (await paymentOf(alreadyRefunded!)).id;
    await mustQuery(world.payment.url, REFUND_PAYMENT, { input: { paymentId: String(refundedId), reason: "返品" } });

    const refused = (orderId: number, paymentId: number) => ({ paymentId, orderId, cancelledAt: new Date(Date.now() - 60_000).toISOString() });
    await post("order.payment_refused", { payments: [refused(late!, lateId), refused(alreadyRefunded!, refundedId)] });
    expect(await refunds(lateId)).toEqual([{ reason: COMPENSATION_REASON, kind: "compensation", actor: "payment" }]);
    expect(await refunds(refundedId)).toEqual([{ reason: "返品", kind: "operator", actor: "test-admin" }]);
    const audit = () => sql<{ n: number | bigint }>("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'compensationRefund' AND object_id = ?", String(lateId));
    expect(Number((await audit())[0]!.n)).toBe(1);

    // Delivered again under a new id: the payment is REFUNDED now, so the gate refuses it.
    await post("order.payment_refused", { payments: [refused(late!, lateId)] });
    expect(await refunds(lateId)).toHaveLength(1);
    expect(Number((await audit())[0]!.n)).toBe(1);
  });
});
