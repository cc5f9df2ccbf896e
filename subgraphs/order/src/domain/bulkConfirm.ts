/**
 * `payment.completed` for a whole imported batch confirms thousands of orders at once: in one
 * transaction with the dedup mark, through the status gate (history with the actor `payment`,
 * and `order.confirmed` events included). Only PENDING orders move, so a late or repeated event
 * never moves an order backwards. A payment that completed for an order already CANCELLED (an
 * operator cancelled while the customer paid) is answered with `order.payment_refused`: the
 * payment service refunds it as a system compensation.
 */
import { ORDER_PAYMENT_REFUSED, type PaymentCompletedData } from "@ops/contracts";
import { newEvent, type EventEnvelope } from "@ops/service-kit/lite";
import { enqueueEvents, markProcessed } from "../db/events.js";
import type { OrderConn, OrderServiceDb } from "../db/index.js";
import { transition, type RefusedOrder } from "./transition.js";

/** The actor the history records for a confirmation a payment brought. */
export const PAYMENT_ACTOR = "payment";

/** Applies `payment.completed`, whose data the receiver has checked against its contract. */
export async function confirmPaidOrders(database: OrderServiceDb, event: EventEnvelope<PaymentCompletedData>): Promise<"applied" | "duplicate"> {
  const { payments } = event.data;
  return database.transaction(async (trx) => {
    if (!(await markProcessed(trx, event))) return "duplicate";
    const reasonOf = new Map(payments.map((p) => [p.orderId, `payment ${p.paymentId} completed`]));
    const { refused } = await transition(trx, { ids: [...reasonOf.keys()], to: "CONFIRMED", reason: null, reasonOf: (id) => reasonOf.get(id) ?? "payment completed", actor: PAYMENT_ACTOR });
    await refuseCancelled(trx, payments, refused);
    return "applied";
  });
}

/** Writes `order.payment_refused` for the payments whose orders the gate refused because they were cancelled. */
async function refuseCancelled(trx: OrderConn, payments: PaymentCompletedData["payments"], refused: readonly RefusedOrder[]): Promise<void> {
  const at = new Map(refused.filter((o) => o.status === "CANCELLED").map((o) => [o.id, o.updatedAt.toISOString()]));
  if (at.size === 0) return;
  const named = payments.filter((p) => at.has(p.orderId)).map((p) => ({ paymentId: p.paymentId, orderId: p.orderId, cancelledAt: at.get(p.orderId) ?? null }));
  await enqueueEvents(trx, [{ event: newEvent("order", ORDER_PAYMENT_REFUSED, { payments: named }), destinations: ["payment"] }]);
}
