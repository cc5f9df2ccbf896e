/**
 * Payment operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change. Status moves run on the bulk
 * connection, through the payment gate (paymentGate.ts), like every other payment move.
 */
import crypto from "node:crypto";
import { ConflictError, isUniqueViolationOn, NotFoundError, type BulkDb } from "@ops/service-kit";
import type { Payment, PaymentTx } from "../db.js";
import { PAYMENT_SELECT, toPayment, type PaymentRow } from "../paymentRow.js";
import { rememberResult, replayedResult, type IdempotencyRequest } from "./idempotency.js";
import { movePayments, type PaymentMove } from "./paymentGate.js";
import { assertNotStale, assertPaymentMove, normaliseReason } from "./paymentRules.js";

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
export function loadPayment(db: BulkDb, id: number, field: string): Payment {
  const row = db.statement(`${PAYMENT_SELECT} WHERE id = ?`).get(id) as PaymentRow | undefined;
  if (!row) throw new NotFoundError(`Payment ${id} does not exist`, { field, params: { id } });
  return toPayment(row);
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
 * One payment through the payment gate, inside the caller's write transaction on `db`: NOT_FOUND,
 * CONFLICT for a stale `expectedUpdatedAt`, CONFLICT naming the status when the machine forbids
 * the move.
 */
export function moveOnePayment(db: BulkDb, change: StatusChange, move: PaymentMove, fields: Fields): Payment {
  const payment = loadPayment(db, change.id, fields.id);
  assertNotStale(payment.id, payment.updatedAt, change.expectedUpdatedAt, fields.expectedUpdatedAt);
  const { moved, refused } = movePayments(db, move);
  const [refusedPayment] = refused;
  if (refusedPayment) assertPaymentMove(refusedPayment.id, refusedPayment.status, move.to, fields.id);
  // The caller's transaction holds the write lock: the payment read above cannot have gone.
  return moved[0]!;
}

/** PENDING → COMPLETED, recording the successful attempt and writing `payment.completed`. */
export function completePayment(db: BulkDb, change: StatusChange): Payment {
  return moveOnePayment(db, change, { to: "COMPLETED", ids: [change.id], actor: change.actor }, { id: "id", expectedUpdatedAt: "expectedUpdatedAt" });
}

/** PENDING → FAILED with a reason, kept on the payment and on the recorded attempt. */
export function failPayment(db: BulkDb, change: StatusChange & { reason: string }): Payment {
  const reason = normaliseReason(change.reason, "input.reason");
  return moveOnePayment(db, change, { to: "FAILED", ids: [change.id], reason, actor: change.actor }, { id: "input.id", expectedUpdatedAt: "input.expectedUpdatedAt" });
}

/** FAILED → PENDING with a new transaction id; the failed attempt stays in payment_attempts. */
export function retryPayment(db: BulkDb, change: StatusChange): Payment {
  return moveOnePayment(db, change, { to: "PENDING", ids: [change.id], actor: change.actor }, { id: "id", expectedUpdatedAt: "expectedUpdatedAt" });
}
