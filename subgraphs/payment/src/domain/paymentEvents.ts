/**
 * The events the payment service produces (DESIGN section 5): a payment's change and its event
 * are written in one transaction. One event carries every payment of the same change, so the bulk
 * import completes a batch of payments with one delivery per destination.
 */
import { PAYMENT_COMPLETED, type CompletedPayment, type PaymentCompletedData } from "@ops/contracts";
import { enqueueEvent, newEvent } from "@ops/service-kit";
import type { Queries } from "../db/database.js";

/** The producing service's name in every envelope. */
export const PAYMENT_SOURCE = "payment";

/** Event type and destinations per kind of change. */
export const PAYMENT_EVENTS = {
  completed: { type: PAYMENT_COMPLETED, destinations: ["order"] },
} as const;

/**
 * Writes one `payment.completed` event for every payment in `payments` (just completed by the
 * payment gate) inside the caller's transaction `trx`; nothing for an empty list. Returns the
 * number of events written.
 */
export async function emitPaymentsCompleted(trx: Queries, payments: CompletedPayment[], batchId?: string): Promise<number> {
  if (payments.length === 0) return 0;
  const data: PaymentCompletedData = batchId === undefined ? { payments } : { payments, batchId };
  const route = PAYMENT_EVENTS.completed;
  await enqueueEvent(trx, newEvent(PAYMENT_SOURCE, route.type, data), route.destinations);
  return 1;
}
