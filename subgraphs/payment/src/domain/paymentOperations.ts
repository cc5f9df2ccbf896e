/**
 * Payment operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change. Status moves go through the
 * payment gate (paymentGate.ts), like every other payment move.
 */
import crypto from "node:crypto";
import { ConflictError, NotFoundError } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import type { Queries } from "../db/database.js";
import { insertPayment as insertPaymentRow, paymentById, paymentIdOfOrder, type NewPayment } from "../db/payments.js";
import { rememberResult, replayedResult, type IdempotencyRequest } from "./idempotency.js";
import { movePayments, type PaymentMove } from "./paymentGate.js";
import { assertNotStale, assertPaymentMove, normaliseReason } from "./paymentRules.js";
import type { Payment } from "./paymentTypes.js";

function secondPayment(orderId: number, paymentId?: number): ConflictError {
  return new ConflictError(`Order ${orderId} already has a payment${paymentId ? ` (payment ${paymentId})` : ""}; an order is paid at most once`, {
    field: "input.orderId",
    params: { orderId, ...(paymentId ? { paymentId } : {}) },
  });
}

/** Throws CONFLICT when the order already has a payment. */
export async function assertNoPayment(q: Queries, orderId: number): Promise<void> {
  const existing = await paymentIdOfOrder(q, orderId);
  if (existing !== null) throw secondPayment(orderId, existing);
}

/**
 * Inserts a PENDING payment with a fresh transaction id inside `trx`. A replayed idempotency key
 * returns the first payment; a second payment for the order is CONFLICT (checked, and the UNIQUE
 * order_id translated for a concurrent insert).
 */
export async function insertPayment(trx: Queries, payment: Omit<NewPayment, "transactionId">, idempotency: IdempotencyRequest | null): Promise<Payment> {
  const replayed = await replayedResult(trx, idempotency);
  if (replayed !== null) return loadPayment(trx, replayed, "input.idempotencyKey");
  await assertNoPayment(trx, payment.orderId);
  let created: Payment;
  try {
    created = await insertPaymentRow(trx, { ...payment, transactionId: crypto.randomUUID() });
  } catch (err) {
    const info = databaseError(err);
    if (info?.kind === "unique" && info.column === "order_id") throw secondPayment(payment.orderId);
    throw err;
  }
  await rememberResult(trx, idempotency, created.id);
  return created;
}

/** The payment with `id`, or NOT_FOUND naming `field`. */
export async function loadPayment(q: Queries, id: number, field: string): Promise<Payment> {
  const payment = await paymentById(q, id);
  if (!payment) throw new NotFoundError(`Payment ${id} does not exist`, { field, params: { id } });
  return payment;
}

export interface StatusChange {
  id: number;
  expectedUpdatedAt?: Date | null;
  /** Who asks (the identity's name), for the attempt or refund row. */
  actor: string;
}

/** Where a move's errors point in the mutation's input. */
interface Fields {
  id: string;
  expectedUpdatedAt: string;
}

/**
 * One payment through the payment gate, inside the caller's write transaction `trx`: NOT_FOUND,
 * CONFLICT for a stale `expectedUpdatedAt`, CONFLICT naming the status when the machine forbids
 * the move.
 */
export async function moveOnePayment(trx: Queries, change: StatusChange, move: PaymentMove, fields: Fields): Promise<Payment> {
  const payment = await loadPayment(trx, change.id, fields.id);
  assertNotStale(payment.id, payment.updatedAt, change.expectedUpdatedAt, fields.expectedUpdatedAt);
  const { moved, refused } = await movePayments(trx, move);
  const [refusedPayment] = refused;
  if (refusedPayment) assertPaymentMove(refusedPayment.id, refusedPayment.status, move.to, fields.id);
  const [movedPayment] = moved;
  // SQLite's write lock or PostgreSQL's row lock of the UPDATE: a payment read above and not
  // moved was changed by a concurrent transaction; the status check in the UPDATE caught it.
  if (!movedPayment) throw new ConflictError(`Payment ${change.id} was changed by a concurrent request; reload it and try again`, { field: fields.id, params: { id: change.id } });
  return movedPayment;
}

/** PENDING → COMPLETED, recording the successful attempt and writing `payment.completed`. */
export function completePayment(trx: Queries, change: StatusChange): Promise<Payment> {
  return moveOnePayment(trx, change, { to: "COMPLETED", ids: [change.id], actor: change.actor }, { id: "id", expectedUpdatedAt: "expectedUpdatedAt" });
}

/** PENDING → FAILED with a reason, kept on the payment and on the recorded attempt. */
export function failPayment(trx: Queries, change: StatusChange & { reason: string }): Promise<Payment> {
  const reason = normaliseReason(change.reason, "input.reason");
  return moveOnePayment(trx, change, { to: "FAILED", ids: [change.id], reason, actor: change.actor }, { id: "input.id", expectedUpdatedAt: "input.expectedUpdatedAt" });
}

/** FAILED → PENDING with a new transaction id; the failed attempt stays in payment_attempts. */
export function retryPayment(trx: Queries, change: StatusChange): Promise<Payment> {
  return moveOnePayment(trx, change, { to: "PENDING", ids: [change.id], actor: change.actor }, { id: "id", expectedUpdatedAt: "expectedUpdatedAt" });
}
