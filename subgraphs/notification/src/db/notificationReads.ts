/**
 * The service's hot reads, each ONE statement whatever the number of keys (the DataLoaders of a
 * request call them once): by id, by order, a page per import batch, counts per batch from
 * `notification_figures`, and the per-order states of the consistency check.
 */
import { sql } from "kysely";
import { ORDER_RANGE_ROWS_MAX, type OrderIdRange } from "@ops/service-kit";
import { readTimestamp, type DialectHelpers } from "@ops/service-kit/data";
import type { Notification } from "../domain/notification.js";
import type { NotificationExecutor } from "./database.js";
import { at, NOTIFICATION_COLUMNS, toNotification } from "./rows.js";

/** A keyset position in a newest-first list: strictly older than (createdAt, id). */
export interface Keyset {
  createdAt: Date;
  id: number;
}

/** The notifications among `ids` (any order). */
export async function notificationsByIds(db: NotificationExecutor, helpers: DialectHelpers, ids: readonly number[]): Promise<Notification[]> {
  const rows = await db.selectFrom("notifications").select(NOTIFICATION_COLUMNS).where(helpers.inIds("id", ids)).execute();
  return rows.map(toNotification);
}

/** The notifications of the orders `orderIds`, newest first within each order. */
export async function notificationsByOrderIds(db: NotificationExecutor, helpers: DialectHelpers, orderIds: readonly number[]): Promise<Notification[]> {
  const rows = await db
    .selectFrom("notifications")
    .select(NOTIFICATION_COLUMNS)
    .where(helpers.inIds("order_id", orderIds))
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map(toNotification);
}

/** Per import batch and status, how many notifications (from the triggers' figures). */
export async function notificationCountsByBatch(
  db: NotificationExecutor,
  helpers: DialectHelpers,
  batchIds: readonly string[],
): Promise<{ batchId: string; status: string; count: number }[]> {
  const rows = await db
    .selectFrom("notification_figures")
    .select(["batch_id", "status", sql<number>`SUM(count)`.as("count")])
    .where(helpers.inTexts("batch_id", batchIds))
    .groupBy(["batch_id", "status"])
    .having(sql<number>`SUM(count)`, ">", 0)
    .execute();
  return rows.map((r) => ({ batchId: r.batch_id, status: r.status, count: Number(r.count) }));
}

// SQLite joins at most 500 SELECTs in one compound statement; a page of batches holds far fewer.
const BRANCHES_PER_STATEMENT = 200;

/**
 * The first `limit` notifications of each batch, newest first (created_at, then id), after the
 * keyset position `after` when given: one statement per 200 batches, each branch an indexed walk
 * of (batch_id, created_at), so the same cost for 30 notifications or 300,000.
 */
export async function notificationsByBatchIds(
  db: NotificationExecutor,
  batchIds: readonly string[],
  limit: number,
  after: Keyset | null,
): Promise<Notification[]> {
  const branch = (batchId: string) => {
    let q = db.selectFrom("notifications").select(NOTIFICATION_COLUMNS).where("batch_id", "=", batchId);
    if (after) {
      q = q.where((eb) => eb.or([eb("created_at", "<", at(after.createdAt)), eb.and([eb("created_at", "=", at(after.createdAt)), eb("id", "<", after.id)])]));
    }
    // Wrapped, so each branch keeps its own ORDER BY and LIMIT inside the UNION ALL on both databases.
    return db.selectFrom(q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).as("b")).selectAll();
  };
  const out: Notification[] = [];
  for (let i = 0; i < batchIds.length; i += BRANCHES_PER_STATEMENT) {
    const [first, ...rest] = batchIds.slice(i, i + BRANCHES_PER_STATEMENT);
    let query = branch(first!);
    for (const batchId of rest) query = query.unionAll(branch(batchId));
    out.push(...(await query.execute()).map(toNotification));
  }
  return out;
}

/**
 * Per order in a range and template: whether a notification was SENT or deliberately NOT_SENT,
 * and when the first was stored (the consistency check), as compact JSON: [orderId, templateName,
 * matched 0|1, createdAt epoch ms]. One GROUP BY over the (order_id, template_name, status, created_at) index.
 */
export async function notificationStatesByOrderRange(db: NotificationExecutor, range: OrderIdRange): Promise<string> {
  let q = db
    .selectFrom("notifications")
    .select([
      "order_id",
      "template_name",
      sql<number>`MAX(CASE WHEN status IN ('sent', 'not_sent') THEN 1 ELSE 0 END)`.as("matched"),
      sql<string>`MIN(created_at)`.as("created_at"),
    ])
    .where("order_id", ">", range.after);
  if (range.through !== null) q = q.where("order_id", "<=", range.through);
  const rows = await q.groupBy(["order_id", "template_name"]).orderBy("order_id").limit(ORDER_RANGE_ROWS_MAX).execute();
  return JSON.stringify(rows.map((r) => [Number(r.order_id), r.template_name, Number(r.matched), readTimestamp(r.created_at).getTime()]));
}
