/** The refund operation: full, once, with a reason, only for a COMPLETED payment. */
import { ConflictError } from "@ops/service-kit";
import { isUniqueViolationOn } from "@ops/service-kit";
import type { Payment, PaymentTx } from "../db.js";
import { idempotencyRequest, replayedResult } from "./idempotency.js";
import { loadPayment, movePayment, rememberOnce } from "./paymentOperations.js";
import { assertNotStale, normaliseReason, refundAmount } from "./paymentRules.js";

export interface RefundRequest {
  paymentId: number;
  reason: string;
  idempotencyKey?: string | null;
  expectedUpdatedAt?: Date | null;
}

/**
 * Refunds a COMPLETED payment in full and marks it REFUNDED, inside the given transaction.
 * A replayed idempotency key returns the payment as the first call left it; a second refund is
 * CONFLICT (the status check, and the UNIQUE payment_id translated for a concurrent one).
 */
export async function refundPayment(tx: PaymentTx, request: RefundRequest): Promise<Payment> {
  const reason = normaliseReason(request.reason, "input.reason");
  // expectedUpdatedAt guards concurrency; it is not part of what the request asks for.
  const idempotency = idempotencyRequest(request.idempotencyKey, "refundPayment", { paymentId: request.paymentId, reason });
  const replayed = await replayedResult(tx, idempotency);
  if (replayed !== null) return tx.payment.findUniqueOrThrow({ where: { id: replayed } });

  const payment = await loadPayment(tx, request.paymentId, "input.paymentId");
  assertNotStale(payment.id, payment.updatedAt, request.expectedUpdatedAt, "input.expectedUpdatedAt");
  await movePayment(tx, payment, "REFUNDED", {}, "input.paymentId");
  try {
    await tx.refund.create({ data: { paymentId: payment.id, amount: refundAmount(payment), reason } });
  } catch (err) {
    if (!isUniqueViolationOn(err, "payment_id")) throw err;
    throw new ConflictError(`Payment ${payment.id} is already refunded; a payment is refunded at most once`, {
      field: "input.paymentId",
      params: { id: payment.id },
    });
  }
  await rememberOnce(tx, idempotency, payment.id);
  return tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
}
