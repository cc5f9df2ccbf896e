/**
 * Events the payment service receives, each applied exactly once (the dedup mark and every
 * effect in one transaction on the bulk connection):
 *
 * - `import.payments` creates an imported chunk's payments (see importPayments.ts).
 * - `order.cancelled` settles each named order's payment: a COMPLETED one is refunded in full
 *   (reason: the cancellation reason), a PENDING one is FAILED ("order cancelled"); anything else
 *   (no payment, FAILED, REFUNDED) is left alone, so a repeated or late event never refunds twice.
 *   A payment that completed *after* the order was cancelled (a race between an operator's
 *   cancellation and the customer's payment) is refunded as a system compensation: kind
 *   `compensation`, the two times as its cause, and an entry in the audit trail.
 * - `order.payment_refused`: the order service received `payment.completed` for an order that
 *   was already cancelled (the payment was retried and completed after the cancellation had
 *   failed it): each payment still COMPLETED is refunded the same way.
 *   Undoing an import batch cancels thousands of orders in one event, so this is a bulk path too:
 *   a handful of statements per event instead of several Prisma calls per order (measured at
 *   ~400 orders/s, and a 33k-order batch would outlive Prisma's transaction timeout).
 */
import { IMPORT_PAYMENTS, isEvent, ORDER_CANCELLED, ORDER_PAYMENT_REFUSED, type OrderEventData, type PaymentRefusedData } from "@ops/contracts";
import { sqlDate, type EventEnvelope, type EventHandler, type Logger } from "@ops/service-kit";
import type { BulkDb } from "@ops/service-kit";
import { applyImportPayments } from "./importPayments.js";
import { REFRESH_BATCH_STATUS, refreshBatchStatusParams } from "./paymentBatches.js";
import { MAX_REASON_LENGTH, refundAmount } from "./paymentRules.js";
import { markProcessedSync } from "@ops/service-kit";

/** What this service reads of `order.cancelled`'s snapshots; `updatedAt` is when the order was cancelled. */
type CancelledOrder = Pick<OrderEventData["orders"][number], "id" | "cancelReason" | "updatedAt">;

/** The reason recorded on a compensation refund (its kind and cause say the rest). */
export const COMPENSATION_REASON = "payment completed after the order was cancelled: refunded automatically";

/** The reason recorded when the order gives none, and on a payment failed by a cancellation. */
export const CANCELLED_REASON = "order cancelled";

/** What happened to one order's payment. */
export type CancelEffect = "refunded" | "failed" | "none";

/** The refund reason for a cancellation: the order's reason, within the refund's length limit. */
export function cancellationRefundReason(cancelReason: string | null | undefined): string {
  const reason = cancelReason?.trim();
  return reason ? reason.slice(0, MAX_REASON_LENGTH) : CANCELLED_REASON;
}

interface PaymentToSettle {
  id: number;
  order_id: number;
  amount: number;
  status: string;
  batch_id: string | null;
  completed_at: string | null;
}

// "+a.status": look a payment's attempts up by payment_id; on (status, created_at) SQLite would
// walk every completed attempt for each payment (33,000 cancellations took minutes).
const PAYMENTS_OF_ORDERS = `SELECT p.id, p.order_id, p.amount, p.status, p.batch_id,
  (SELECT MAX(a.created_at) FROM payment_attempts a WHERE a.payment_id = p.id AND +a.status = 'completed') AS completed_at
  FROM payments p WHERE p.order_id IN (SELECT value FROM json_each(?))`;
const INSERT_REFUNDS = `INSERT INTO refunds (payment_id, amount, reason, status, kind, cause, created_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, 'completed', value ->> 3, value ->> 4, ? FROM json_each(?)`;
const INSERT_AUDIT = `INSERT INTO audit_log (at, actor, actor_kind, actor_role, action, object_type, object_id, outcome, error_code, detail)
  VALUES (?, 'payment', 'service', NULL, 'compensationRefund', 'Payment', ?, 'SUCCESS', NULL, ?)`;
const MARK_REFUNDED = `UPDATE payments SET status = 'refunded', updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'completed'`;
const INSERT_FAILED_ATTEMPTS = `INSERT INTO payment_attempts (payment_id, transaction_id, status, failure_reason, created_at)
  SELECT id, transaction_id, 'failed', ?, ? FROM payments WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'`;
const MARK_FAILED = `UPDATE payments SET status = 'failed', failure_reason = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'`;

/** A refund row to write: payment id, amount, reason, kind, cause (JSON or null). */
type RefundRow = [number, number, string, "cancellation" | "compensation", string | null];

/**
 * Writes refunds and marks their payments REFUNDED; a compensation also gets its audit entry
 * (the system, not a person, gave the money back — the trail must say why).
 */
function writeRefunds(db: BulkDb, refunds: RefundRow[], now: string): void {
  if (refunds.length === 0) return;
  // UNIQUE(payment_id) on refunds refuses a second refund: the event fails rather than pay twice.
  db.statement(INSERT_REFUNDS).run(now, JSON.stringify(refunds));
  const moved = db.statement(MARK_REFUNDED).run(now, JSON.stringify(refunds.map((r) => r[0]))).changes;
  if (moved !== refunds.length) throw new Error(`refunded ${moved} of ${refunds.length} payments; rolled back`);
  for (const [paymentId, amount, , kind, cause] of refunds) {
    if (kind === "compensation") db.statement(INSERT_AUDIT).run(now, String(paymentId), JSON.stringify({ amount, ...(JSON.parse(cause!) as object) }));
  }
}

/** True when the payment completed after `cancelledAt` (when its order was cancelled). */
function completedAfter(p: PaymentToSettle, cancelledAt: string | null | undefined): boolean {
  return !!p.completed_at && !!cancelledAt && Date.parse(p.completed_at) > Date.parse(cancelledAt);
}

/** The refund row of a compensation: the system gives back a payment its cancelled order cannot use. */
function compensationRefund(p: PaymentToSettle, cancelledAt: string | null | undefined): RefundRow {
  const completedAt = p.completed_at ? new Date(p.completed_at).toISOString() : null;
  return [p.id, refundAmount(p), COMPENSATION_REASON, "compensation", JSON.stringify({ cancelledAt: cancelledAt ?? null, completedAt })];
}

/**
 * Applies `order.cancelled` for every order it names, inside the caller's transaction on `db`;
 * returns the effect per order id. Refunds add no attempt (as `refundPayment`); failures record
 * the failed attempt (as `failPayment`).
 */
export function applyOrdersCancelled(db: BulkDb, data: { orders: readonly CancelledOrder[] }): Map<number, CancelEffect> {
  const orders = Array.isArray(data?.orders) ? data.orders.filter((o) => Number.isSafeInteger(o?.id)) : [];
  // A batch naming an order twice must not settle it twice: the first mention wins.
  const reasons = new Map<number, string | null | undefined>();
  const cancelledAt = new Map<number, string | null | undefined>();
  for (const o of orders) {
    if (reasons.has(o.id)) continue;
    reasons.set(o.id, o.cancelReason);
    cancelledAt.set(o.id, o.updatedAt);
  }
  const effects = new Map<number, CancelEffect>([...reasons.keys()].map((id) => [id, "none"]));
  if (reasons.size === 0) return effects;

  const payments = db.statement(PAYMENTS_OF_ORDERS).all(JSON.stringify([...reasons.keys()])) as PaymentToSettle[];
  const refunds: RefundRow[] = [];
  const failed: number[] = [];
  for (const p of payments) {
    if (p.status === "completed") {
      // Completed after the cancellation (the event was on its way): a compensation, not a cancellation refund.
      const at = cancelledAt.get(p.order_id);
      refunds.push(completedAfter(p, at) ? compensationRefund(p, at) : [p.id, refundAmount(p), cancellationRefundReason(reasons.get(p.order_id)), "cancellation", null]);
      effects.set(p.order_id, "refunded");
    } else if (p.status === "pending") {
      failed.push(p.id);
      effects.set(p.order_id, "failed");
    }
  }
  const now = sqlDate(new Date());
  writeRefunds(db, refunds, now);
  if (failed.length > 0) {
    const ids = JSON.stringify(failed);
    db.statement(INSERT_FAILED_ATTEMPTS).run(CANCELLED_REASON, now, ids);
    db.statement(MARK_FAILED).run(CANCELLED_REASON, now, ids);
  }
  const batches = payments.filter((p) => p.batch_id && (p.status === "completed" || p.status === "pending")).map((p) => p.batch_id!);
  if (batches.length > 0) db.statement(REFRESH_BATCH_STATUS).run(...refreshBatchStatusParams(batches));
  return effects;
}

/** Applies `order.payment_refused`: each payment still COMPLETED is refunded as a compensation. */
export function applyPaymentsRefused(db: BulkDb, data: PaymentRefusedData): number {
  const named = Array.isArray(data?.payments) ? data.payments.filter((p) => Number.isSafeInteger(p?.orderId)) : [];
  if (named.length === 0) return 0;
  const cancelledAt = new Map(named.map((p) => [p.orderId, p.cancelledAt]));
  const payments = db.statement(PAYMENTS_OF_ORDERS).all(JSON.stringify([...cancelledAt.keys()])) as PaymentToSettle[];
  const refunds: RefundRow[] = [];
  // The order service saw the completion after the cancellation: a compensation whatever the clocks say.
  for (const p of payments) if (p.status === "completed") refunds.push(compensationRefund(p, cancelledAt.get(p.order_id)));
  const now = sqlDate(new Date());
  writeRefunds(db, refunds, now);
  const batches = payments.filter((p) => p.batch_id && p.status === "completed").map((p) => p.batch_id!);
  if (batches.length > 0) db.statement(REFRESH_BATCH_STATUS).run(...refreshBatchStatusParams(batches));
  return refunds.length;
}

export interface PaymentEventDeps {
  bulk: BulkDb;
  logger: Logger;
  /** Wakes the outbox dispatcher (after a commit that wrote events). */
  wake: () => void;
}

/**
 * Applies one event exactly once: "duplicate" when its id was processed before, "ignored" for a
 * type this service does not act on (still marked, so it is acknowledged). Throws (and so rolls
 * everything back and makes the producer retry) when an effect fails.
 */
export function createPaymentEventHandler(deps: PaymentEventDeps): EventHandler {
  const { bulk, logger, wake } = deps;
  return async (event: EventEnvelope) => {
    if (isEvent(event, IMPORT_PAYMENTS)) {
      const result = await applyImportPayments(bulk, event, logger);
      if (result.events > 0) wake();
      return result.status;
    }
    return bulk.write(() => {
      if (!markProcessedSync(bulk, event)) return "duplicate";
      // Refunds and failures caused by a cancellation produce no event: nothing to wake.
      if (isEvent(event, ORDER_CANCELLED)) applyOrdersCancelled(bulk, event.data);
      else if (isEvent(event, ORDER_PAYMENT_REFUSED)) {
        const refunded = applyPaymentsRefused(bulk, event.data);
        if (refunded > 0) logger.warn("payments completed after their orders were cancelled were refunded", { refunded, eventId: event.id });
      } else return "ignored";
      return "applied";
    });
  };
}
