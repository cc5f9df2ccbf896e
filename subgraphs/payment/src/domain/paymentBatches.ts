/**
 * `payment_batches`: one row per import batch, grouping and totalling its payments
 * (UNIQUE(order_id) on payments stays: a batch never adds a second payment to an order).
 *
 * - `order_count` / `total_amount` grow by exactly the payments each `import.payments` event
 *   inserted, in the same transaction as the insert (a redelivered event is a duplicate and adds
 *   nothing; an item skipped by UNIQUE(order_id) was not inserted, so it is not counted). Not
 *   recomputed from all the batch's payments per event: that is O(batch) per chunk, quadratic over
 *   an import (~28M row reads for a 1M-row file). `recountBatch` recomputes, for repairs and tests.
 * - `status` is `open` while any payment of the batch is COMPLETED or PENDING, and becomes
 *   `refunded` once none is and at least one was refunded (undoing a batch refunds the paid ones
 *   and fails the pending ones). A batch whose payments all failed keeps its status.
 */
import { sqlDate, type SqlParam } from "@ops/service-kit";

export type BatchStatus = "open" | "refunded";

/** Creates a batch's row or adds an event's payments to it. Params: see `addToBatchParams`. */
export const ADD_TO_BATCH = `INSERT INTO payment_batches (batch_id, order_count, total_amount, status, created_at, updated_at)
  VALUES (?, ?, ?, 'open', ?, ?)
  ON CONFLICT(batch_id) DO UPDATE SET order_count = order_count + excluded.order_count,
    total_amount = total_amount + excluded.total_amount, updated_at = excluded.updated_at`;

/** Recomputes a batch's count and total from its payments (repairs, tests). Params: now, batch id. */
export const RECOUNT_BATCH = `UPDATE payment_batches SET
    (order_count, total_amount) = (SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM payments WHERE batch_id = payment_batches.batch_id),
    updated_at = ?
  WHERE batch_id = ?`;

/**
 * Sets the status of the batches named (a JSON array of batch ids) from their payments, touching
 * only rows whose status changes. Params: see `refreshBatchStatusParams`.
 */
export const REFRESH_BATCH_STATUS = `UPDATE payment_batches SET status = s.next, updated_at = ?
  FROM (
    SELECT b.batch_id,
      CASE
        WHEN EXISTS (SELECT 1 FROM payments p WHERE p.batch_id = b.batch_id AND p.status IN ('completed', 'pending')) THEN 'open'
        WHEN EXISTS (SELECT 1 FROM payments p WHERE p.batch_id = b.batch_id AND p.status = 'refunded') THEN 'refunded'
        ELSE b.status
      END AS next
    FROM payment_batches b WHERE b.batch_id IN (SELECT value FROM json_each(?))
  ) AS s
  WHERE payment_batches.batch_id = s.batch_id AND payment_batches.status <> s.next`;

/** Parameters of REFRESH_BATCH_STATUS for `batchIds` at `now`. */
export function refreshBatchStatusParams(batchIds: Iterable<string>, now = new Date()): SqlParam[] {
  return [sqlDate(now), JSON.stringify([...new Set(batchIds)])];
}

/** Parameters of ADD_TO_BATCH: `count` payments worth `amount` yen added to `batchId` at `now`. */
export function addToBatchParams(batchId: string, count: number, amount: number, now = new Date()): SqlParam[] {
  const at = sqlDate(now);
  return [batchId, count, amount, at, at];
}
