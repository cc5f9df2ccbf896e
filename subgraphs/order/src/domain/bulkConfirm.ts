/**
 * `payment.completed` for a whole imported batch confirms thousands of orders at once: on the
 * bulk connection, in one transaction with the dedup mark, through the status gate (history and
 * `order.confirmed` events included). Only PENDING orders move, so a late or repeated event never
 * moves an order backwards. A payment that completed for an order already CANCELLED (an operator
 * cancelled while the customer paid) is answered with `order.payment_refused`: the payment
 * service refunds it as a system compensation.
 */
import { ORDER_PAYMENT_REFUSED, type PaymentCompletedData } from "@ops/contracts";
import { enqueueEventSync, markProcessedSync, newEvent, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { moveOrders } from "./moveOrders.js";

/** Applies `payment.completed`, whose data the receiver has checked against its contract. */
export async function confirmPaidOrders(bulk: BulkDb, event: EventEnvelope<PaymentCompletedData>): Promise<"applied" | "duplicate"> {
  const { payments } = event.data;
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return "duplicate";
    const reasonOf = new Map(payments.map((p) => [p.orderId, `payment ${p.paymentId} completed`]));
    const moved = moveOrders(bulk, { ids: [...reasonOf.keys()], to: "CONFIRMED", reason: null, reasonOf: (id) => reasonOf.get(id) ?? "payment completed" });
    refuseCancelled(bulk, payments, new Set(moved.map((o) => o.id)));
    return "applied";
  });
}

/** Writes `order.payment_refused` for the payments whose orders were cancelled before they completed. */
function refuseCancelled(bulk: BulkDb, payments: PaymentCompletedData["payments"], confirmed: Set<number>): void {
  const others = payments.filter((p) => !confirmed.has(p.orderId));
  if (others.length === 0) return;
  const cancelled = bulk
    .statement("SELECT id, updated_at FROM orders WHERE id IN (SELECT value FROM json_each(?)) AND status = 'cancelled'")
    .all(JSON.stringify(others.map((p) => p.orderId))) as { id: number; updated_at: string }[];
  if (cancelled.length === 0) return;
  const at = new Map(cancelled.map((o) => [o.id, new Date(o.updated_at).toISOString()]));
  const refused = others.filter((p) => at.has(p.orderId)).map((p) => ({ paymentId: p.paymentId, orderId: p.orderId, cancelledAt: at.get(p.orderId) ?? null }));
  enqueueEventSync(bulk, newEvent("order", ORDER_PAYMENT_REFUSED, { payments: refused }), ["payment"]);
}
