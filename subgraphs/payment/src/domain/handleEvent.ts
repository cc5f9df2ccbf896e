/**
 * Events the payment service receives. `order.cancelled` settles each named order's payment:
 * a COMPLETED one is refunded in full (reason: the cancellation reason), a PENDING one is FAILED
 * ("order cancelled"); anything else (no payment, FAILED, REFUNDED) is left alone, so a repeated
 * or late event never refunds twice. One transaction holds the dedup mark and every effect.
 */
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import type { Payment, PaymentDb, PaymentTx } from "../db.js";
import { failPayment } from "./paymentOperations.js";
import { MAX_REASON_LENGTH } from "./paymentRules.js";
import { refundPayment } from "./refundPayment.js";

/** What `order.cancelled` carries that this service reads (the order's snapshot has more). */
export interface OrderCancelledData {
  orders: { id: number; cancelReason?: string | null }[];
}

/** The reason recorded when the order gives none, and on a payment failed by a cancellation. */
export const CANCELLED_REASON = "order cancelled";

/** What happened to one order's payment. */
export type CancelEffect = "refunded" | "failed" | "none";

/** The refund reason for a cancellation: the order's reason, within the refund's length limit. */
export function cancellationRefundReason(cancelReason: string | null | undefined): string {
  const reason = cancelReason?.trim();
  return reason ? reason.slice(0, MAX_REASON_LENGTH) : CANCELLED_REASON;
}

/** Settles one cancelled order's payment inside `tx`. */
async function settleCancelledPayment(tx: PaymentTx, payment: Payment | undefined, cancelReason: string | null | undefined): Promise<CancelEffect> {
  if (payment?.status === "COMPLETED") {
    await refundPayment(tx, { paymentId: payment.id, reason: cancellationRefundReason(cancelReason) });
    return "refunded";
  }
  if (payment?.status === "PENDING") {
    await failPayment(tx, { id: payment.id, reason: CANCELLED_REASON });
    return "failed";
  }
  return "none";
}

/** Applies `order.cancelled` for every order it names; returns the effect per order id. */
export async function applyOrdersCancelled(tx: PaymentTx, data: OrderCancelledData): Promise<Map<number, CancelEffect>> {
  const orders = Array.isArray(data?.orders) ? data.orders.filter((o) => Number.isInteger(o?.id)) : [];
  const payments = await tx.payment.findMany({ where: { orderId: { in: orders.map((o) => o.id) } } });
  const byOrder = new Map(payments.map((p) => [p.orderId, p]));
  const effects = new Map<number, CancelEffect>();
  for (const order of orders) {
    // A batch naming an order twice must not settle it twice: the first settlement wins.
    if (effects.has(order.id)) continue;
    effects.set(order.id, await settleCancelledPayment(tx, byOrder.get(order.id), order.cancelReason));
  }
  return effects;
}

/**
 * Applies one event exactly once: "duplicate" when its id was processed before, "ignored" for a
 * type this service does not act on (still marked, so it is acknowledged). Throws (and so rolls
 * everything back and makes the producer retry) when an effect fails.
 */
export async function handlePaymentEvent(db: PaymentDb, event: EventEnvelope): Promise<"applied" | "duplicate" | "ignored"> {
  return db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, event))) return "duplicate";
    if (event.type !== "order.cancelled") return "ignored";
    await applyOrdersCancelled(tx, event.data as OrderCancelledData);
    return "applied";
  });
}
