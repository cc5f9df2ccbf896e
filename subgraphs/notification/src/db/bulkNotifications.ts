/**
 * The bulk paths' statements, each taking arrays: which orders already have a template's
 * notification (one SELECT per event), storing an event's notifications (a few multi-row
 * INSERTs per 2,000: SQLite VALUES lists, PostgreSQL unnest), and the PENDING ones the sweeper
 * finds.
 */
import { sqlDate } from "@ops/service-kit";
import { insertMany, transactionContext, type DialectHelpers } from "@ops/service-kit/data";
import type { NewNotificationRow, NotificationStatus, PendingMessage } from "../domain/notification.js";
import type { NotificationExecutor, NotificationTx } from "./database.js";
import { at, stored } from "./rows.js";

/** The orders among `orderIds` that have a notification of `templateName` in any status: one SELECT. */
export async function ordersWithTemplate(db: NotificationExecutor, helpers: DialectHelpers, orderIds: readonly number[], templateName: string): Promise<Set<number>> {
  if (orderIds.length === 0) return new Set();
  const rows = await db
    .selectFrom("notifications")
    .select("order_id")
    .distinct()
    .where(helpers.inIds("order_id", orderIds))
    .where("template_name", "=", templateName)
    .execute();
  return new Set(rows.map((r) => Number(r.order_id)));
}

/** SQLite: rows per INSERT. The figures' triggers and statement journal cost once per statement,
 * so 500 rows (5,500 parameters) a statement beat the kit's default of 2,000 parameters. */
const SQLITE_ROWS_PER_INSERT = 500;

/**
 * Inserts every row (created now, EMAIL, never attempted) inside `trx` and returns the PENDING
 * ones as messages for the transport, with their ids.
 */
export async function insertNotifications(trx: NotificationTx, rows: readonly NewNotificationRow[]): Promise<PendingMessage[]> {
  if (rows.length === 0) return [];
  // Text both databases read as this instant (SQLite compares Prisma's text; PostgreSQL ignores the +00:00).
  const createdAt = sqlDate(new Date());
  const returned = await insertMany(
    trx,
    "notifications",
    rows.map((r) => ({
      order_id: r.orderId,
      channel: "email" as const,
      template_name: r.templateName,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      status: stored<NotificationStatus>(r.status),
      created_at: createdAt,
      failure_reason: r.failureReason,
      attempt_count: 0,
      batch_id: r.batchId,
    })),
    { returning: ["id"], ...(transactionContext(trx)?.dialect === "sqlite" ? { chunkSize: SQLITE_ROWS_PER_INSERT } : {}) },
  );
  // Ids are given in the order the rows go in; RETURNING's own order is not promised.
  const ids = returned.map((r) => Number(r.id)).sort((a, b) => a - b);
  const pending: PendingMessage[] = [];
  rows.forEach((r, k) => {
    if (r.status === "PENDING") pending.push({ id: ids[k]!, channel: "EMAIL", recipient: r.recipient, subject: r.subject, body: r.body ?? "" });
  });
  return pending;
}

/** The ids of up to `limit` notifications still PENDING that were stored before `cutoff`, oldest first. */
export async function pendingIdsBefore(db: NotificationExecutor, cutoff: Date, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom("notifications")
    .select("id")
    .where("status", "=", "pending")
    .where("created_at", "<", at(cutoff))
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}
