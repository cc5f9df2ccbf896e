/**
 * Events the order service receives. `payment.completed` confirms each PENDING order it names
 * (and so produces `order.confirmed`); an order already past PENDING is left alone, so a late or
 * repeated event never moves an order backwards. Applied exactly once per event id.
 */
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import { moveOrders } from "./moveOrders.js";

export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number }[];
}

export async function handleOrderEvent(db: OrderDb, event: EventEnvelope): Promise<"applied" | "duplicate" | "ignored"> {
  return db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, event))) return "duplicate";
    if (event.type !== "payment.completed") return "ignored";
    const { payments } = event.data as PaymentCompletedData;
    // One event may carry a whole imported batch: confirm in bulk; only PENDING orders move.
    const reason = payments.length === 1 ? `payment ${payments[0]!.paymentId} completed` : "payment completed";
    await moveOrders(tx, payments.map((p) => p.orderId), ["PENDING"], "CONFIRMED", reason);
    return "applied";
  });
}
