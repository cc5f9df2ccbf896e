/** The refund operation: full, once, with a reason, only for a COMPLETED payment. */
import { ConflictError, isUniqueViolationOn, type BulkDb } from "@ops/service-kit";
import type { Payment } from "../db.js";
import { idempotencyRequest, rememberResultSync, replayedResultSync } from "./idempotency.js";
import { loadPayment, moveOnePayment } from "./paymentOperations.js";
import { normaliseReason } from "./paymentRules.js";

export interface RefundRequest {
  paymentId: number;
  reason: string;
  idempotencyKey?: string | null;
  expectedUpdatedAt?: Date | null;
  /** Who asks (the identity's name), for the refund row. */
  actor: string;
}

/**
 * Refunds a COMPLETED payment in full through the payment gate (which writes the refund and marks
 * the payment REFUNDED), inside the caller's write transaction on `db`. A replayed idempotency key
 * returns the payment as it is now; a second refund is CONFLICT (the status check, and the UNIQUE
 * payment_id of refunds for a refund the status does not show).
 */
export function refundPayment(db: BulkDb, request: RefundRequest): Payment {
  const reason = normaliseReason(request.reason, "input.reason");
  // expectedUpdatedAt guards concurrency; it is not part of what the request asks for.
  const idempotency = idempotencyRequest(request.idempotencyKey, "refundPayment", { paymentId: request.paymentId, reason });
  const replayed = replayedResultSync(db, idempotency);
  if (replayed !== null) return loadPayment(db, replayed, "input.paymentId");

  let refunded: Payment;
  try {
    refunded = moveOnePayment(
      db,
      { id: request.paymentId, expectedUpdatedAt: request.expectedUpdatedAt, actor: request.actor },
      { to: "REFUNDED", ids: [request.paymentId], actor: request.actor, refundOf: () => ({ reason, kind: "operator", cause: null }) },
      { id: "input.paymentId", expectedUpdatedAt: "input.expectedUpdatedAt" },
    );
  } catch (err) {
    if (!isUniqueViolationOn(err, "payment_id")) throw err;
    throw new ConflictError(`Payment ${request.paymentId} is already refunded; a payment is refunded at most once`, {
      field: "input.paymentId",
      params: { id: request.paymentId },
    });
  }
  // Under the write lock no other request can take the key between the check above and here.
  rememberResultSync(db, idempotency, refunded.id);
  return refunded;
}
