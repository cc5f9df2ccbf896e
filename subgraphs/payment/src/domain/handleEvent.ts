/**
 * Events the payment service receives, each applied exactly once (the dedup mark and every
 * effect in one transaction on the bulk connection):
 *
 * - `import.payments` creates an imported chunk's payments (see importPayments.ts).
 * - `order.cancelled` settles each named order's payment: a COMPLETED one is refunded in full
 *   (reason: the cancellation reason), a PENDING one is FAILED ("order cancelled"); anything else
 *   (no payment, FAILED, REFUNDED) is left alone, so a repeated or late event never refunds twice.
 *   Undoing an import batch cancels thousands of orders in one event, so this is a bulk path too:
 *   a handful of statements per event instead of several Prisma calls per order (measured at
 *   ~400 orders/s, and a 33k-order batch would outlive Prisma's transaction timeout).
 */
import { sqlDate, type EventEnvelope, type EventHandler, type Logger } from "@ops/service-kit";
import type { BulkDb } from "@ops/service-kit";
import { applyImportPayments, IMPORT_PAYMENTS } from "./importPayments.js";
import { REFRESH_BATCH_STATUS, refreshBatchStatusParams } from "./paymentBatches.js";
import { MAX_REASON_LENGTH, refundAmount } from "./paymentRules.js";
import { markProcessedSync } from "@ops/service-kit";

/** What `order.cancelled` carries that this service reads (the order's snapshot has more). */
export interface OrderCancelledData {
  orders: { id: number; cancelReason?: string | null }[];
}

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
}

const PAYMENTS_OF_ORDERS = `SELECT id, order_id, amount, status, batch_id FROM payments WHERE order_id IN (SELECT value FROM json_each(?))`;
const INSERT_REFUNDS = `INSERT INTO refunds (payment_id, amount, reason, status, created_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, 'completed', ? FROM json_each(?)`;
const MARK_REFUNDED = `UPDATE payments SET status = 'refunded', updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'completed'`;
const INSERT_FAILED_ATTEMPTS = `INSERT INTO payment_attempts (payment_id, transaction_id, status, failure_reason, created_at)
  SELECT id, transaction_id, 'failed', ?, ? FROM payments WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'`;
const MARK_FAILED = `UPDATE payments SET status = 'failed', failure_reason = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending'`;

/**
 * Applies `order.cancelled` for every order it names, inside the caller's transaction on `db`;
 * returns the effect per order id. Refunds add no attempt (as `refundPayment`); failures record
 * the failed attempt (as `failPayment`).
 */
export function applyOrdersCancelled(db: BulkDb, data: OrderCancelledData): Map<number, CancelEffect> {
  const orders = Array.isArray(data?.orders) ? data.orders.filter((o) => Number.isSafeInteger(o?.id)) : [];
  // A batch naming an order twice must not settle it twice: the first mention wins.
  const reasons = new Map<number, string | null | undefined>();
  for (const o of orders) if (!reasons.has(o.id)) reasons.set(o.id, o.cancelReason);
  const effects = new Map<number, CancelEffect>([...reasons.keys()].map((id) => [id, "none"]));
  if (reasons.size === 0) return effects;

  const payments = db.statement(PAYMENTS_OF_ORDERS).all(JSON.stringify([...reasons.keys()])) as PaymentToSettle[];
  const refunds: [number, number, string][] = [];
  const failed: number[] = [];
  for (const p of payments) {
    if (p.status === "completed") {
      refunds.push([p.id, refundAmount(p), cancellationRefundReason(reasons.get(p.order_id))]);
      effects.set(p.order_id, "refunded");
    } else if (p.status === "pending") {
      failed.push(p.id);
      effects.set(p.order_id, "failed");
    }
  }
  const now = sqlDate(new Date());
  if (refunds.length > 0) {
    // UNIQUE(payment_id) on refunds refuses a second refund: the event fails rather than pay twice.
    db.statement(INSERT_REFUNDS).run(now, JSON.stringify(refunds));
    const moved = db.statement(MARK_REFUNDED).run(now, JSON.stringify(refunds.map((r) => r[0]))).changes;
    if (moved !== refunds.length) throw new Error(`order.cancelled: refunded ${moved} of ${refunds.length} payments; rolled back`);
  }
  if (failed.length > 0) {
    const ids = JSON.stringify(failed);
    db.statement(INSERT_FAILED_ATTEMPTS).run(CANCELLED_REASON, now, ids);
    db.statement(MARK_FAILED).run(CANCELLED_REASON, now, ids);
  }
  const batches = payments.filter((p) => p.batch_id && (p.status === "completed" || p.status === "pending")).map((p) => p.batch_id!);
  if (batches.length > 0) db.statement(REFRESH_BATCH_STATUS).run(...refreshBatchStatusParams(batches));
  return effects;
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
    if (event.type === IMPORT_PAYMENTS) {
      const result = await applyImportPayments(bulk, event, logger);
      if (result.events > 0) wake();
      return result.status;
    }
    return bulk.write(() => {
      if (!markProcessedSync(bulk, event)) return "duplicate";
      if (event.type !== "order.cancelled") return "ignored";
      // Refunds and failures caused by a cancellation produce no event: nothing to wake.
      applyOrdersCancelled(bulk, event.data as OrderCancelledData);
      return "applied";
    });
  };
}
