/** The payment service's hot reads in plain SQL (see service-kit's SqliteReader for why). */
import { idList, type SqliteReader } from "@ops/service-kit";
import type { Payment, PaymentAttempt, Refund } from "./db.js";
import type { PaymentStatus } from "./domain/paymentRules.js";

interface PaymentRow {
  id: number;
  order_id: number;
  amount: number;
  currency: string;
  status: string;
  payment_method: string;
  transaction_id: string;
  created_at: string;
  updated_at: string;
  failure_reason: string | null;
  batch_id: string | null;
}

const PAYMENT_SELECT =
  "SELECT id, order_id, amount, currency, status, payment_method, transaction_id, created_at, updated_at, failure_reason, batch_id FROM payments";

function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id,
    orderId: r.order_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status.toUpperCase() as PaymentStatus,
    paymentMethod: r.payment_method,
    transactionId: r.transaction_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    failureReason: r.failure_reason,
    batchId: r.batch_id,
  };
}

export function paymentsByIds(reader: SqliteReader, ids: readonly number[]): Payment[] {
  return reader.all<PaymentRow>(`${PAYMENT_SELECT} WHERE id IN (SELECT value FROM json_each(?))`, idList(ids)).map(toPayment);
}

export function paymentsByOrderIds(reader: SqliteReader, orderIds: readonly number[]): Payment[] {
  return reader.all<PaymentRow>(`${PAYMENT_SELECT} WHERE order_id IN (SELECT value FROM json_each(?))`, idList(orderIds)).map(toPayment);
}

export function refundsByPaymentIds(reader: SqliteReader, paymentIds: readonly number[]): Refund[] {
  return reader
    .all<{ id: number; payment_id: number; amount: number; reason: string; status: string; created_at: string }>(
      "SELECT id, payment_id, amount, reason, status, created_at FROM refunds WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(paymentIds),
    )
    .map((r) => ({ id: r.id, paymentId: r.payment_id, amount: r.amount, reason: r.reason, status: r.status, createdAt: new Date(r.created_at) }));
}

export function attemptsByPaymentIds(reader: SqliteReader, paymentIds: readonly number[]): PaymentAttempt[] {
  return reader
    .all<{ id: number; payment_id: number; transaction_id: string; status: string; failure_reason: string | null; created_at: string }>(
      "SELECT id, payment_id, transaction_id, status, failure_reason, created_at FROM payment_attempts WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(paymentIds),
    )
    .map((r) => ({
      id: r.id,
      paymentId: r.payment_id,
      transactionId: r.transaction_id,
      status: r.status.toUpperCase() as PaymentStatus,
      failureReason: r.failure_reason,
      createdAt: new Date(r.created_at),
    }));
}
