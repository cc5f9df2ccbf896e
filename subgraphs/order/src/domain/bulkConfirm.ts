/**
 * `payment.completed` for a whole imported batch confirms thousands of orders at once: on the
 * bulk connection, in one transaction with the dedup mark, through the status gate (history and
 * `order.confirmed` events included). Only PENDING orders move, so a late or repeated event never
 * moves an order backwards.
 */
import { markProcessedSync, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { moveOrders } from "./moveOrders.js";

export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number }[];
}

export async function confirmPaidOrders(bulk: BulkDb, event: EventEnvelope): Promise<"applied" | "duplicate"> {
  const { payments } = event.data as PaymentCompletedData;
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return "duplicate";
    const reasonOf = new Map(payments.map((p) => [p.orderId, `payment ${p.paymentId} completed`]));
    moveOrders(bulk, { ids: [...reasonOf.keys()], to: "CONFIRMED", reason: null, reasonOf: (id) => reasonOf.get(id) ?? "payment completed" });
    return "applied";
  });
}
