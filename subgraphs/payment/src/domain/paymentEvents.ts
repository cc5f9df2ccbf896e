/**
 * The events the payment service produces (DESIGN section 5): a payment's change and its event
 * are written in one transaction. One event carries every payment of the same change, so the bulk
 * import completes a batch of payments with one delivery per destination.
 */
import { enqueueEventSync, newEvent, type SyncDatabase } from "@ops/service-kit";

/** The producing service's name in every envelope. */
export const PAYMENT_SOURCE = "payment";

/** Data of `payment.completed`: the order service confirms each order it names. */
export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number; amount: number }[];
  /** The import batch, when the payments were created by `import.payments`. */
  batchId?: string;
}

/** Event type and destinations per kind of change. */
export const PAYMENT_EVENTS = {
  completed: { type: "payment.completed", destinations: ["order"] },
} as const;

/**
 * Writes one `payment.completed` event for every payment in `payments` (just completed by the
 * payment gate) on the bulk connection, inside the caller's transaction; nothing for an empty
 * list. Returns the number of events written.
 */
export function emitPaymentsCompletedSync(db: SyncDatabase, payments: PaymentCompletedData["payments"], batchId?: string): number {
  if (payments.length === 0) return 0;
  const data: PaymentCompletedData = batchId === undefined ? { payments } : { payments, batchId };
  const route = PAYMENT_EVENTS.completed;
  enqueueEventSync(db, newEvent(PAYMENT_SOURCE, route.type, data), route.destinations);
  return 1;
}
