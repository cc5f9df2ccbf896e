/** The payment service's hot reads in plain SQL (see service-kit's SqliteReader for why). */
import { idList, ORDER_RANGE_ROWS_MAX, type OrderIdRange, type SqliteReader } from "@ops/service-kit";
import type { Payment, PaymentAttempt, Refund } from "./db.js";
import type { PaymentStatus } from "./domain/paymentRules.js";
import { PAYMENT_SELECT, toPayment, type PaymentRow } from "./paymentRow.js";

export function paymentsByIds(reader: SqliteReader, ids: readonly number[]): Payment[] {
  return reader.all<PaymentRow>(`${PAYMENT_SELECT} WHERE id IN (SELECT value FROM json_each(?))`, idList(ids)).map(toPayment);
}

export function paymentsByOrderIds(reader: SqliteReader, orderIds: readonly number[]): Payment[] {
  return reader.all<PaymentRow>(`${PAYMENT_SELECT} WHERE order_id IN (SELECT value FROM json_each(?))`, idList(orderIds)).map(toPayment);
}

export function refundsByPaymentIds(reader: SqliteReader, paymentIds: readonly number[]): Refund[] {
  return reader
    .all<{ id: number; payment_id: number; amount: number; reason: string; status: string; kind: string; cause: string | null; actor: string | null; created_at: string }>(
      "SELECT id, payment_id, amount, reason, status, kind, cause, actor, created_at FROM refunds WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(paymentIds),
    )
    .map((r) => ({ id: r.id, paymentId: r.payment_id, amount: r.amount, reason: r.reason, status: r.status, kind: r.kind, cause: r.cause, actor: r.actor, createdAt: new Date(r.created_at) }));
}

export function attemptsByPaymentIds(reader: SqliteReader, paymentIds: readonly number[]): PaymentAttempt[] {
  return reader
    .all<{ id: number; payment_id: number; transaction_id: string; status: string; failure_reason: string | null; actor: string | null; created_at: string }>(
      "SELECT id, payment_id, transaction_id, status, failure_reason, actor, created_at FROM payment_attempts WHERE payment_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(paymentIds),
    )
    .map((r) => ({
      id: r.id,
      paymentId: r.payment_id,
      transactionId: r.transaction_id,
      status: r.status.toUpperCase() as PaymentStatus,
      failureReason: r.failure_reason,
      actor: r.actor,
      createdAt: new Date(r.created_at),
    }));
}

/** A `payment_batches` row with its payments counted by status. */
export interface PaymentBatchRow {
  batchId: string;
  orderCount: number;
  totalAmount: number;
  completedCount: number;
  pendingCount: number;
  refundedCount: number;
  failedCount: number;
  status: string;
  createdAt: Date;
  updatedAt: Date;
}

/** Batches by id, one statement whatever their number (the status counts come from the payments). */
export function paymentBatchesByIds(reader: SqliteReader, batchIds: readonly string[]): PaymentBatchRow[] {
  return reader
    .all<{
      batch_id: string;
      order_count: number;
      total_amount: number;
      status: string;
      created_at: string;
      updated_at: string;
      completed: number;
      pending: number;
      refunded: number;
      failed: number;
    }>(
      // The counts per status from payment_batch_figures (kept by triggers), not from every payment.
      `SELECT b.batch_id, b.order_count, b.total_amount, b.status, b.created_at, b.updated_at,
         COALESCE(SUM(CASE f.status WHEN 'completed' THEN f.count END), 0) AS completed, COALESCE(SUM(CASE f.status WHEN 'pending' THEN f.count END), 0) AS pending,
         COALESCE(SUM(CASE f.status WHEN 'refunded' THEN f.count END), 0) AS refunded, COALESCE(SUM(CASE f.status WHEN 'failed' THEN f.count END), 0) AS failed
       FROM payment_batches b LEFT JOIN payment_batch_figures f ON f.batch_id = b.batch_id
       WHERE b.batch_id IN (SELECT value FROM json_each(?))
       GROUP BY b.batch_id`,
      JSON.stringify(batchIds),
    )
    .map((r) => ({
      batchId: r.batch_id,
      orderCount: r.order_count,
      totalAmount: r.total_amount,
      completedCount: r.completed,
      pendingCount: r.pending,
      refundedCount: r.refunded,
      failedCount: r.failed,
      status: r.status,
      createdAt: new Date(r.created_at),
      updatedAt: new Date(r.updated_at),
    }));
}

/** One page of a batch's payments and how many the batch has in all. */
export interface BatchPaymentsPage {
  batchId: string;
  totalCount: number;
  /** Up to `first + 1` payments after the cursor, in import order (id ascending). */
  payments: Payment[];
}

/**
 * The first `limit` payments after id `afterId` of each batch, with each batch's total, in one
 * statement for any number of batches: one branch per batch, each an indexed walk of batch_id
 * (whose entries end in the row id, so already in id order) that stops after `limit` rows ("+id":
 * with the cursor bound SQLite would rather walk every payment by id from it); the
 * total comes from payment_batch_figures (kept by triggers), not from counting the batch.
 */
export function paymentsOfBatches(reader: SqliteReader, batchIds: readonly string[], afterId: number, limit: number): BatchPaymentsPage[] {
  const branch = `SELECT k.key, k.total, p.* FROM (SELECT ? AS key, (SELECT COALESCE(SUM(f.count), 0) FROM payment_batch_figures f WHERE f.batch_id = ?) AS total) k
    LEFT JOIN (SELECT id, order_id, amount, currency, status, payment_method, transaction_id, created_at, updated_at, failure_reason, batch_id
      FROM payments WHERE batch_id = ? AND +id > ? ORDER BY id LIMIT ?) p`;
  const rows: (PaymentRow & { key: string; total: number })[] = [];
  // SQLite joins at most 500 SELECTs in one compound statement; a page holds far fewer batches.
  for (let i = 0; i < batchIds.length; i += 200) {
    const slice = batchIds.slice(i, i + 200);
    rows.push(...reader.all<PaymentRow & { key: string; total: number }>(slice.map(() => `SELECT * FROM (${branch})`).join(" UNION ALL "), ...slice.flatMap((id) => [id, id, id, afterId, limit])));
  }
  const pages = new Map<string, BatchPaymentsPage>(batchIds.map((id) => [id, { batchId: id, totalCount: 0, payments: [] }]));
  for (const r of rows) {
    const page = pages.get(r.key)!;
    page.totalCount = r.total;
    if (r.id !== null) page.payments.push(toPayment(r));
  }
  return [...pages.values()];
}

/**
 * The state of every payment of the orders in a range (the consistency check), by order id, as
 * compact JSON: [orderId, STATUS, updatedAt epoch ms] per payment.
 */
export function paymentStatesByOrderRange(reader: SqliteReader, range: OrderIdRange): string {
  const rows = reader.all<{ order_id: number; status: string; updated_at: string }>(
    "SELECT order_id, status, updated_at FROM payments WHERE order_id > ? AND (? IS NULL OR order_id <= ?) ORDER BY order_id LIMIT ?",
    range.after,
    range.through,
    range.through,
    ORDER_RANGE_ROWS_MAX,
  );
  return JSON.stringify(rows.map((r) => [r.order_id, r.status.toUpperCase(), Date.parse(r.updated_at)]));
}
