/**
 * The events the payment service produces (DESIGN section 5): a payment's change and its event
 * are written in one transaction. One event carries every payment of the same change, so the bulk
 * import completes a batch of payments with one delivery per destination.
 */
import { enqueueEvent, newEvent } from "@ops/service-kit";
import type { Payment, PaymentTx } from "../db.js";

/** The producing service's name in every envelope. */
export const PAYMENT_SOURCE = "payment";

/** Data of `payment.completed`: the order service confirms each order it names. */
export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number; amount: number }[];
}

/** Event type and destinations per kind of change. */
export const PAYMENT_EVENTS = {
  completed: { type: "payment.completed", destinations: ["order"] },
} as const;

/**
 * Writes one `payment.completed` event for `payments` (just completed) inside the same
 * transaction `tx`; nothing for an empty list. Returns the number of events written.
 */
export async function emitPaymentsCompleted(tx: PaymentTx, payments: readonly Payment[]): Promise<number> {
  if (payments.length === 0) return 0;
  const data: PaymentCompletedData = {
    payments: payments.map((p) => ({ paymentId: p.id, orderId: p.orderId, amount: p.amount })),
  };
  const route = PAYMENT_EVENTS.completed;
  await enqueueEvent(tx, newEvent(PAYMENT_SOURCE, route.type, data), route.destinations);
  return 1;
}
