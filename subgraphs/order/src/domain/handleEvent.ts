/**
 * Events the order service receives. `payment.completed` confirms each PENDING order it names
 * (and so produces `order.confirmed`); an order already past PENDING is left alone, so a late or
 * repeated event never moves an order backwards. Applied exactly once per event id.
 */
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import type { Order } from "../generated/prisma/client.js";
import { emitStatusEvents } from "./orderEvents.js";
import { changeStatus } from "./orderOperations.js";

export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number }[];
}

export async function handleOrderEvent(db: OrderDb, event: EventEnvelope): Promise<"applied" | "duplicate" | "ignored"> {
  return db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, event))) return "duplicate";
    if (event.type !== "payment.completed") return "ignored";
    const { payments } = event.data as PaymentCompletedData;
    const confirmed: Order[] = [];
    for (const { orderId, paymentId } of payments) {
      const order = await tx.order.findUnique({ where: { id: orderId }, select: { status: true } });
      if (order?.status !== "PENDING") continue;
      confirmed.push(await changeStatus(tx, { id: orderId, to: "CONFIRMED", reason: `payment ${paymentId} completed`, manual: false }));
    }
    await emitStatusEvents(tx, confirmed);
    return "applied";
  });
}
