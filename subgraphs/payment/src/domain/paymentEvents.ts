/**
 * The events the payment service produces (DESIGN section 5): a payment's change and its event
 * are written in one transaction. One event carries every payment of the same change, so the bulk
 * import completes a batch of payments with one delivery per destination.
 */
import { PAYMENT_COMPLETED, type CompletedPayment, type PaymentCompletedData } from "@ops/contracts";
import { enqueueEvent, enqueueEventSync, newEvent, type SyncDatabase } from "@ops/service-kit";
import type { Payment, PaymentTx } from "../db.js";

/** The producing service's name in every envelope. */
export const PAYMENT_SOURCE = "payment";

/** Event type and destinations per kind of change. */
export const PAYMENT_EVENTS = {
  completed: { type: PAYMENT_COMPLETED, destinations: ["order"] },
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

/**
 * `emitPaymentsCompleted` for the bulk path: one `payment.completed` event for every payment in
 * `payments` (written on the better-sqlite3 connection, inside the caller's transaction).
 */
export function emitPaymentsCompletedSync(db: SyncDatabase, payments: CompletedPayment[], batchId?: string): number {
  if (payments.length === 0) return 0;
  const data: PaymentCompletedData = batchId === undefined ? { payments } : { payments, batchId };
  const route = PAYMENT_EVENTS.completed;
  enqueueEventSync(db, newEvent(PAYMENT_SOURCE, route.type, data), route.destinations);
  return 1;
}
