/**
 * `payment.completed` for a whole imported batch confirms thousands of orders at once: on the
 * bulk connection, in one transaction with the dedup mark, through the status gate (history with
 * the actor `payment`, and `order.confirmed` events included). Only PENDING orders move, so a late
 * or repeated event never moves an order backwards. A payment that completed for an order already CANCELLED (an operator
 * cancelled while the customer paid) is answered with `order.payment_refused`: the payment
 * service refunds it as a system compensation.
 */
import { ORDER_PAYMENT_REFUSED, type PaymentCompletedData } from "@ops/contracts";
import { enqueueEventSync, markProcessedSync, newEvent, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { transition, type RefusedOrder } from "./transition.js";

/** The actor the history records for a confirmation a payment brought. */
export const PAYMENT_ACTOR = "payment";

/** Applies `payment.completed`, whose data the receiver has checked against its contract. */
export async function confirmPaidOrders(bulk: BulkDb, event: EventEnvelope<PaymentCompletedData>): Promise<"applied" | "duplicate"> {
  const { payments } = event.data;
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return "duplicate";
    const reasonOf = new Map(payments.map((p) => [p.orderId, `payment ${p.paymentId} completed`]));
    const { refused } = transition(bulk, { ids: [...reasonOf.keys()], to: "CONFIRMED", reason: null, reasonOf: (id) => reasonOf.get(id) ?? "payment completed", actor: PAYMENT_ACTOR });
    refuseCancelled(bulk, payments, refused);
    return "applied";
  });
}

/** Writes `order.payment_refused` for the payments whose orders the gate refused because they were cancelled. */
function refuseCancelled(bulk: BulkDb, payments: PaymentCompletedData["payments"], refused: readonly RefusedOrder[]): void {
  const at = new Map(refused.filter((o) => o.status === "CANCELLED").map((o) => [o.id, o.updatedAt.toISOString()]));
  if (at.size === 0) return;
  const named = payments.filter((p) => at.has(p.orderId)).map((p) => ({ paymentId: p.paymentId, orderId: p.orderId, cancelledAt: at.get(p.orderId) ?? null }));
  enqueueEventSync(bulk, newEvent("order", ORDER_PAYMENT_REFUSED, { payments: named }), ["payment"]);
}
