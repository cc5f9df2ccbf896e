/**
 * Payment operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change.
 */
import crypto from "node:crypto";
import { ConflictError, isUniqueViolationOn, NotFoundError } from "@ops/service-kit";
import type { Payment, PaymentTx, Prisma } from "../db.js";
import { rememberResult, replayedResult, type IdempotencyRequest } from "./idempotency.js";
import { assertNotStale, assertPaymentMove, normaliseReason, type PaymentStatus } from "./paymentRules.js";

export interface NewPayment {
  orderId: number;
  amount: number;
  currency: string;
  paymentMethod: string;
}

function secondPayment(orderId: number, paymentId?: number): ConflictError {
  return new ConflictError(`Order ${orderId} already has a payment${paymentId ? ` (payment ${paymentId})` : ""}; an order is paid at most once`, {
    field: "input.orderId",
    params: { orderId, ...(paymentId ? { paymentId } : {}) },
  });
}

/** Throws CONFLICT when the order already has a payment. */
export async function assertNoPayment(tx: PaymentTx, orderId: number): Promise<void> {
  const existing = await tx.payment.findUnique({ where: { orderId }, select: { id: true } });
  if (existing) throw secondPayment(orderId, existing.id);
}

/** Remembers a keyed result; a key taken meanwhile by a concurrent request is CONFLICT, not a 500. */
export async function rememberOnce(tx: PaymentTx, request: IdempotencyRequest | null, resultId: number): Promise<void> {
  try {
    await rememberResult(tx, request, resultId);
  } catch (err) {
    if (!request || !isUniqueViolationOn(err, "key")) throw err;
    throw new ConflictError(`Idempotency key "${request.key}" is being used by a concurrent request; retry to get its result`, {
      field: "input.idempotencyKey",
      params: { key: request.key },
    });
  }
}

/**
 * Inserts a PENDING payment with a fresh transaction id. A replayed idempotency key returns the
 * first payment; a second payment for the order is CONFLICT (checked, and the UNIQUE order_id
 * translated for a concurrent insert).
 */
export async function insertPayment(tx: PaymentTx, payment: NewPayment, idempotency: IdempotencyRequest | null): Promise<Payment> {
  const replayed = await replayedResult(tx, idempotency);
  if (replayed !== null) return tx.payment.findUniqueOrThrow({ where: { id: replayed } });
  await assertNoPayment(tx, payment.orderId);
  let created: Payment;
  try {
    created = await tx.payment.create({ data: { ...payment, transactionId: crypto.randomUUID() } });
  } catch (err) {
    if (isUniqueViolationOn(err, "order_id")) throw secondPayment(payment.orderId);
    throw err;
  }
  await rememberOnce(tx, idempotency, created.id);
  return created;
}

/** The payment with `id`, or NOT_FOUND naming `field`. */
export async function loadPayment(tx: PaymentTx, id: number, field: string): Promise<Payment> {
  const payment = await tx.payment.findUnique({ where: { id } });
  if (!payment) throw new NotFoundError(`Payment ${id} does not exist`, { field, params: { id } });
  return payment;
}

/**
 * Moves `payment` to `to` if the machine allows it. The status/updatedAt guard makes a
 * concurrent move fail here instead of being overwritten.
 */
export async function movePayment(
  tx: PaymentTx,
  payment: Payment,
  to: PaymentStatus,
  data: Omit<Prisma.PaymentUpdateManyMutationInput, "status">,
  field: string,
): Promise<void> {
  assertPaymentMove(payment.id, payment.status, to, field);
  const updated = await tx.payment.updateMany({
    where: { id: payment.id, status: payment.status, updatedAt: payment.updatedAt },
    data: { ...data, status: to },
  });
  if (updated.count !== 1) {
    throw new ConflictError(`Payment ${payment.id} was changed by someone else; reload it and try again`, { field, params: { id: payment.id } });
  }
}

export interface StatusChange {
  id: number;
  expectedUpdatedAt?: Date | null;
}

/** PENDING → COMPLETED, recording the successful attempt. */
export async function completePayment(tx: PaymentTx, change: StatusChange): Promise<Payment> {
  const payment = await loadPayment(tx, change.id, "id");
  assertNotStale(payment.id, payment.updatedAt, change.expectedUpdatedAt, "expectedUpdatedAt");
  await movePayment(tx, payment, "COMPLETED", { failureReason: null }, "id");
  await tx.paymentAttempt.create({ data: { paymentId: payment.id, transactionId: payment.transactionId, status: "COMPLETED" } });
  return tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
}

/** PENDING → FAILED with a reason, kept on the payment and on the recorded attempt. */
export async function failPayment(tx: PaymentTx, change: StatusChange & { reason: string }): Promise<Payment> {
  const reason = normaliseReason(change.reason, "input.reason");
  const payment = await loadPayment(tx, change.id, "input.id");
  assertNotStale(payment.id, payment.updatedAt, change.expectedUpdatedAt, "input.expectedUpdatedAt");
  await movePayment(tx, payment, "FAILED", { failureReason: reason }, "input.id");
  await tx.paymentAttempt.create({
    data: { paymentId: payment.id, transactionId: payment.transactionId, status: "FAILED", failureReason: reason },
  });
  return tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
}

/** FAILED → PENDING with a new transaction id; the failed attempt stays in payment_attempts. */
export async function retryPayment(tx: PaymentTx, change: StatusChange): Promise<Payment> {
  const payment = await loadPayment(tx, change.id, "id");
  assertNotStale(payment.id, payment.updatedAt, change.expectedUpdatedAt, "expectedUpdatedAt");
  await movePayment(tx, payment, "PENDING", { transactionId: crypto.randomUUID(), failureReason: null }, "id");
  return tx.payment.findUniqueOrThrow({ where: { id: payment.id } });
}
