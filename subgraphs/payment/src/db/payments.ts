/**
 * Reads and inserts of `payments` (their status moves are the gate's: paymentStatus.ts). Lookups
 * by any number of ids are one statement with one parameter (`inIds`).
 */
import { sql } from "kysely";
import { insertMany, readTimestamp } from "@ops/service-kit/data";
import { ORDER_RANGE_ROWS_MAX, type OrderIdRange } from "@ops/service-kit";
import type { Payment, PaymentCursor, PaymentFilter } from "../domain/paymentTypes.js";
import { dialectOf, helpersOf, stamp, type Queries } from "./database.js";
import { PAYMENT_COLUMNS, statusOf, toPayment, type PaymentRow } from "./paymentRows.js";

/** The payments with these ids, in id order (missing ids are left out). */
export async function paymentsByIds(q: Queries, ids: readonly number[]): Promise<Payment[]> {
  if (ids.length === 0) return [];
  const rows = await q.selectFrom("payments").select(PAYMENT_COLUMNS).where(helpersOf(q).inIds("id", ids)).orderBy("id").execute();
  return rows.map(toPayment);
}

/** The payment with `id`, or null. */
export async function paymentById(q: Queries, id: number): Promise<Payment | null> {
  const row = await q.selectFrom("payments").select(PAYMENT_COLUMNS).where("id", "=", id).executeTakeFirst();
  return row ? toPayment(row) : null;
}

/** The payments of these orders (at most one each). */
export async function paymentsByOrderIds(q: Queries, orderIds: readonly number[]): Promise<Payment[]> {
  if (orderIds.length === 0) return [];
  const rows = await q.selectFrom("payments").select(PAYMENT_COLUMNS).where(helpersOf(q).inIds("order_id", orderIds)).execute();
  return rows.map(toPayment);
}

/** The id of the order's payment, or null when it has none. */
export async function paymentIdOfOrder(q: Queries, orderId: number): Promise<number | null> {
  const row = await q.selectFrom("payments").select("id").where("order_id", "=", orderId).executeTakeFirst();
  return row ? Number(row.id) : null;
}

export interface NewPayment {
  orderId: number;
  amount: number;
  currency: string;
  paymentMethod: string;
  transactionId: string;
}

/** Inserts one PENDING payment and returns it (UNIQUE order_id and transaction_id are the database's). */
export async function insertPayment(q: Queries, payment: NewPayment): Promise<Payment> {
  const now = stamp();
  const row = await q
    .insertInto("payments")
    .values({
      order_id: payment.orderId,
      amount: payment.amount,
      currency: payment.currency,
      status: "pending",
      payment_method: payment.paymentMethod,
      transaction_id: payment.transactionId,
      created_at: now,
      updated_at: now,
    })
    .returning(PAYMENT_COLUMNS)
    .executeTakeFirstOrThrow();
  return toPayment(row);
}

/** The list's filter as a condition (status and batch use the indexes on them). */
function filtered(q: Queries, filter: PaymentFilter | null | undefined) {
  let query = q.selectFrom("payments");
  if (filter?.status?.length) query = query.where("status", "in", filter.status.map((s) => s.toLowerCase() as PaymentRow["status"]));
  if (filter?.batchId) query = query.where("batch_id", "=", filter.batchId);
  return query;
}

/** Up to `limit` payments newest first (created_at, then id) after `after`. */
export async function paymentPage(q: Queries, args: { filter?: PaymentFilter | null; after?: PaymentCursor | null; limit: number }): Promise<Payment[]> {
  let query = filtered(q, args.filter).select(PAYMENT_COLUMNS);
  const after = args.after;
  if (after) {
    const at = stamp(after.createdAt);
    query = query.where((eb) => eb.or([eb("created_at", "<", at), eb.and([eb("created_at", "=", at), eb("id", "<", after.id)])]));
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(args.limit).execute();
  return rows.map(toPayment);
}

/** How many payments the filter accepts. */
export async function countPayments(q: Queries, filter: PaymentFilter | null | undefined): Promise<number> {
  const row = await filtered(q, filter).select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Each payment of the orders in `range` (the consistency check): order id, status, last change; at most ORDER_RANGE_ROWS_MAX. */
export async function paymentStatesByOrderRange(q: Queries, range: OrderIdRange): Promise<{ orderId: number; status: string; updatedAt: Date }[]> {
  let query = q.selectFrom("payments").select(["order_id", "status", "updated_at"]).where("order_id", ">", range.after);
  if (range.through !== null) query = query.where("order_id", "<=", range.through);
  const rows = await query.orderBy("order_id").limit(ORDER_RANGE_ROWS_MAX).execute();
  return rows.map((r) => ({ orderId: Number(r.order_id), status: statusOf(r.status), updatedAt: readTimestamp(r.updated_at) }));
}

/** One page of a batch's payments and how many the batch has in all. */
export interface BatchPaymentsPage {
  batchId: string;
  totalCount: number;
  /** Up to `limit` payments after the cursor, in import order (id ascending). */
  payments: Payment[];
}

// SQLite joins at most 500 SELECTs in one compound statement; a page holds far fewer batches.
const BRANCHES_PER_STATEMENT = 200;

/**
 * The first `limit` payments after id `afterId` of each batch, with each batch's total, in one
 * statement for any number of batches: one branch per batch, each a walk of the (batch_id, id)
 * index from the cursor that stops after `limit` rows; the total comes from
 * payment_batch_figures (kept by triggers), not from counting the batch.
 */
export async function paymentsOfBatches(q: Queries, batchIds: readonly string[], afterId: number, limit: number): Promise<BatchPaymentsPage[]> {
  const rows: (PaymentRow & { key: string; total: number | string })[] = [];
  for (let i = 0; i < batchIds.length; i += BRANCHES_PER_STATEMENT) {
    const branches = batchIds.slice(i, i + BRANCHES_PER_STATEMENT).map(
      (id) => sql`SELECT * FROM (SELECT k.key, k.total, p.* FROM
        (SELECT CAST(${id} AS TEXT) AS key, (SELECT COALESCE(SUM(f.count), 0) FROM payment_batch_figures f WHERE f.batch_id = ${id}) AS total) k
        LEFT JOIN (SELECT ${sql.join(PAYMENT_COLUMNS.map((c) => sql.ref(c)))} FROM payments
          WHERE batch_id = ${id} AND id > ${afterId} ORDER BY id LIMIT ${limit}) p ON TRUE) branch`,
    );
    const { rows: part } = await sql<PaymentRow & { key: string; total: number | string }>`${sql.join(branches, sql` UNION ALL `)}`.execute(q);
    rows.push(...part);
  }
  const pages = new Map<string, BatchPaymentsPage>(batchIds.map((id) => [id, { batchId: id, totalCount: 0, payments: [] }]));
  for (const r of rows) {
    const page = pages.get(r.key)!;
    page.totalCount = Number(r.total);
    if (r.id !== null) page.payments.push(toPayment(r));
  }
  return [...pages.values()];
}

/** The orders among `orderIds` that already have a payment. */
export async function ordersWithPayments(q: Queries, orderIds: readonly number[]): Promise<Set<number>> {
  if (orderIds.length === 0) return new Set();
  const rows = await q.selectFrom("payments").select("order_id").where(helpersOf(q).inIds("order_id", orderIds)).execute();
  return new Set(rows.map((r) => Number(r.order_id)));
}

// SQLite: an event's 2,000 payments in 2 statements of 9,000 values rather than 10 of the kit's
// default (throughput within noise, fewer statements); PostgreSQL sends one unnest statement.
const SQLITE_IMPORT_ROWS = 1_000;

export interface ImportedPayment {
  orderId: number;
  amount: number;
  currency: string;
  paymentMethod: string;
  transactionId: string;
}

/**
 * Inserts an import's payments PENDING for `batchId`, in bulk (SQLite multi-row INSERTs,
 * PostgreSQL unnest arrays), and returns id, order and amount of each in input order. The caller
 * leaves out orders that have a payment: UNIQUE(order_id) refuses a second one.
 */
export async function insertImportedPayments(
  trx: Queries,
  batchId: string,
  payments: readonly ImportedPayment[],
): Promise<{ id: number; orderId: number; amount: number }[]> {
  const now = stamp();
  const rows = payments.map((p) => ({
    order_id: p.orderId,
    amount: p.amount,
    currency: p.currency,
    status: "pending" as const,
    payment_method: p.paymentMethod,
    transaction_id: p.transactionId,
    batch_id: batchId,
    created_at: now,
    updated_at: now,
  }));
  const written = await insertMany(trx, "payments", rows, {
    returning: ["id", "order_id", "amount"],
    ...(dialectOf(trx) === "sqlite" ? { chunkSize: SQLITE_IMPORT_ROWS } : {}),
  });
  return written.map((w) => ({ id: Number(w.id), orderId: Number(w.order_id), amount: Number(w.amount) }));
}

/** A payment an order's cancellation settles, with when it completed (its COMPLETED attempt). */
export interface PaymentToSettle {
  id: number;
  orderId: number;
  amount: number;
  status: string;
  batchId: string | null;
  completedAt: Date | null;
}

/** The payments of these orders with their completion time, one statement. */
export async function paymentsToSettle(q: Queries, orderIds: readonly number[]): Promise<PaymentToSettle[]> {
  if (orderIds.length === 0) return [];
  const rows = await q
    .selectFrom("payments as p")
    .select(["p.id", "p.order_id", "p.amount", "p.status", "p.batch_id"])
    // "status || ''": look a payment's attempts up by payment_id; on (status, created_at) SQLite
    // would walk every completed attempt for each payment (33,000 cancellations took minutes).
    .select((eb) =>
      eb
        .selectFrom("payment_attempts as a")
        .select((a) => a.fn.max("a.created_at").as("at"))
        .whereRef("a.payment_id", "=", "p.id")
        .where(sql<boolean>`a.status || '' = 'completed'`)
        .as("completed_at"),
    )
    .where(helpersOf(q).inIds("p.order_id", orderIds))
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    orderId: Number(r.order_id),
    amount: Number(r.amount),
    status: r.status,
    batchId: r.batch_id,
    completedAt: r.completed_at === null || r.completed_at === undefined ? null : readTimestamp(r.completed_at),
  }));
}
