/** The refund operation: full, once, with a reason, only for a COMPLETED payment. */
import { ConflictError } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import type { Queries } from "../db/database.js";
import { idempotencyRequest, rememberResult, replayedResult } from "./idempotency.js";
import { loadPayment, moveOnePayment } from "./paymentOperations.js";
import { normaliseReason } from "./paymentRules.js";
import type { Payment } from "./paymentTypes.js";

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
 * the payment REFUNDED), inside the caller's write transaction `trx`. A replayed idempotency key
 * returns the payment as it is now; a second refund is CONFLICT (the status check, and the UNIQUE
 * payment_id of refunds for a refund the status does not show).
 */
export async function refundPayment(trx: Queries, request: RefundRequest): Promise<Payment> {
  const reason = normaliseReason(request.reason, "input.reason");
  // expectedUpdatedAt guards concurrency; it is not part of what the request asks for.
  const idempotency = idempotencyRequest(request.idempotencyKey, "refundPayment", { paymentId: request.paymentId, reason });
  const replayed = await replayedResult(trx, idempotency);
  if (replayed !== null) return loadPayment(trx, replayed, "input.paymentId");

  let refunded: Payment;
  try {
    refunded = await moveOnePayment(
      trx,
      { id: request.paymentId, expectedUpdatedAt: request.expectedUpdatedAt, actor: request.actor },
      { to: "REFUNDED", ids: [request.paymentId], actor: request.actor, refundOf: () => ({ reason, kind: "operator", cause: null }) },
      { id: "input.paymentId", expectedUpdatedAt: "input.expectedUpdatedAt" },
    );
  } catch (err) {
    const info = databaseError(err);
    if (info?.kind !== "unique" || info.column !== "payment_id") throw err;
    throw new ConflictError(`Payment ${request.paymentId} is already refunded; a payment is refunded at most once`, {
      field: "input.paymentId",
      params: { id: request.paymentId },
    });
  }
  await rememberResult(trx, idempotency, refunded.id);
  return refunded;
}
