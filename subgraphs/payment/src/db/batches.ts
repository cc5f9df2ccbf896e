/**
 * `payment_batches`: one row per import batch, grouping and totalling its payments
 * (UNIQUE(order_id) on payments stays: a batch never adds a second payment to an order).
 *
 * - `order_count` / `total_amount` grow by exactly the payments each `import.payments` event
 *   inserted, in the same transaction as the insert (a redelivered event is a duplicate and adds
 *   nothing; an item skipped because its order had a payment was not inserted, so it is not
 *   counted). Not recomputed from all the batch's payments per event: that is O(batch) per chunk,
 *   quadratic over an import. `recountBatch` recomputes, for repairs and tests.
 * - `status` is `open` while any payment of the batch is COMPLETED or PENDING, and becomes
 *   `refunded` once none is and at least one was refunded (undoing a batch refunds the paid ones
 *   and fails the pending ones). A batch whose payments all failed keeps its status.
 */
import { sql, type Expression } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import { helpersOf, stamp, type Queries } from "./database.js";

export type BatchStatus = "open" | "refunded";

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

/** Batches by id, one statement whatever their number (the counts from payment_batch_figures, kept by triggers). */
export async function batchesByIds(q: Queries, batchIds: readonly string[]): Promise<PaymentBatchRow[]> {
  if (batchIds.length === 0) return [];
  const count = (status: string) => sql<number>`COALESCE(SUM(CASE f.status WHEN ${sql.lit(status)} THEN f.count END), 0)`;
  const rows = await q
    .selectFrom("payment_batches as b")
    .leftJoin("payment_batch_figures as f", "f.batch_id", "b.batch_id")
    .select(["b.batch_id", "b.order_count", "b.total_amount", "b.status", "b.created_at", "b.updated_at"])
    .select([count("completed").as("completed"), count("pending").as("pending"), count("refunded").as("refunded"), count("failed").as("failed")])
    .where(helpersOf(q).inTexts("b.batch_id", batchIds))
    .groupBy(["b.batch_id", "b.order_count", "b.total_amount", "b.status", "b.created_at", "b.updated_at"])
    .execute();
  return rows.map((r) => ({
    batchId: r.batch_id,
    orderCount: Number(r.order_count),
    totalAmount: Number(r.total_amount),
    completedCount: Number(r.completed),
    pendingCount: Number(r.pending),
    refundedCount: Number(r.refunded),
    failedCount: Number(r.failed),
    status: r.status,
    createdAt: readTimestamp(r.created_at),
    updatedAt: readTimestamp(r.updated_at),
  }));
}

/** Creates a batch's row or adds `count` payments worth `amount` yen to it. */
export async function addToBatch(trx: Queries, batchId: string, count: number, amount: number): Promise<void> {
  const now = stamp();
  await trx
    .insertInto("payment_batches")
    .values({ batch_id: batchId, order_count: count, total_amount: amount, status: "open", created_at: now, updated_at: now })
    .onConflict((oc) =>
      oc.column("batch_id").doUpdateSet((eb) => ({
        order_count: eb("payment_batches.order_count", "+", eb.ref("excluded.order_count")),
        total_amount: eb("payment_batches.total_amount", "+", eb.ref("excluded.total_amount")),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .execute();
}

/**
 * What a batch's status should be, from its payments counted per status in payment_batch_figures
 * (kept by triggers in the same transaction): a few rows per batch, where looking for a payment
 * still open walked the refunded ones first, O(batch) per event of an undo.
 */
function nextStatus(): Expression<string> {
  const any = (statuses: string) =>
    sql.raw(`EXISTS (SELECT 1 FROM payment_batch_figures f WHERE f.batch_id = payment_batches.batch_id AND f.status IN (${statuses}) AND f.count > 0)`);
  return sql<string>`CASE WHEN ${any("'completed', 'pending'")} THEN 'open' WHEN ${any("'refunded'")} THEN 'refunded' ELSE payment_batches.status END`;
}

/** Sets the status of these batches from their payments, touching only rows whose status changes. */
export async function refreshBatchStatus(trx: Queries, batchIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(batchIds)];
  if (ids.length === 0) return;
  await trx
    .updateTable("payment_batches")
    .set({ status: nextStatus(), updated_at: stamp() })
    .where(helpersOf(trx).inTexts("batch_id", ids))
    .where("status", "<>", nextStatus())
    .execute();
}

/** Recomputes a batch's count and total from its payments (repairs, tests). */
export async function recountBatch(trx: Queries, batchId: string): Promise<void> {
  await trx
    .updateTable("payment_batches")
    .set((eb) => ({
      order_count: eb.selectFrom("payments").select((p) => p.fn.countAll<number>().as("n")).where("payments.batch_id", "=", batchId),
      total_amount: eb.selectFrom("payments").select(sql<number>`COALESCE(SUM(amount), 0)`.as("total")).where("payments.batch_id", "=", batchId),
      updated_at: stamp(),
    }))
    .where("batch_id", "=", batchId)
    .execute();
}
