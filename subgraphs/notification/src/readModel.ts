/** The notification service's hot reads in plain SQL (see service-kit's SqliteReader for why). */
import { idList, ORDER_RANGE_ROWS_MAX, sqlDate, type OrderIdRange, type SqliteReader } from "@ops/service-kit";
import type { Notification } from "./db.js";

interface NotificationRow {
  id: number;
  order_id: number;
  channel: string;
  template_name: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  status: string;
  sent_at: string | null;
  created_at: string;
  failure_reason: string | null;
  attempt_count: number;
  batch_id: string | null;
  idempotency_key: string | null;
}

const SELECT =
  "SELECT id, order_id, channel, template_name, recipient, subject, body, status, sent_at, created_at, failure_reason, attempt_count, batch_id, idempotency_key FROM notifications";

function toNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    orderId: r.order_id,
    channel: r.channel.toUpperCase() as Notification["channel"],
    templateName: r.template_name,
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    status: r.status.toUpperCase() as Notification["status"],
    sentAt: r.sent_at === null ? null : new Date(r.sent_at),
    createdAt: new Date(r.created_at),
    failureReason: r.failure_reason,
    attemptCount: r.attempt_count,
    batchId: r.batch_id,
    idempotencyKey: r.idempotency_key,
  };
}

export function notificationsByIds(reader: SqliteReader, ids: readonly number[]): Notification[] {
  return reader.all<NotificationRow>(`${SELECT} WHERE id IN (SELECT value FROM json_each(?))`, idList(ids)).map(toNotification);
}

/** Newest first within each order. */
export function notificationsByOrderIds(reader: SqliteReader, orderIds: readonly number[]): Notification[] {
  return reader
    .all<NotificationRow>(`${SELECT} WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY created_at DESC, id DESC`, idList(orderIds))
    .map(toNotification);
}

/** Per import batch and status, how many notifications: from notification_figures (kept by triggers), one statement. */
export function notificationCountsByBatch(reader: SqliteReader, batchIds: readonly string[]): { batchId: string; status: string; count: number }[] {
  return reader.all<{ batchId: string; status: string; count: number }>(
    `SELECT batch_id AS batchId, status, SUM(count) AS count FROM notification_figures
     WHERE batch_id IN (SELECT value FROM json_each(?)) GROUP BY batch_id, status HAVING SUM(count) > 0`,
    JSON.stringify(batchIds),
  );
}

/**
 * The first `limit` notifications of each batch, newest first (created_at, then id), after the
 * keyset position `after` when given: one statement whatever the number of batches, each branch
 * an indexed walk of (batch_id, created_at) — the same cost for 30 notifications or 300,000.
 */
export function notificationsByBatchIds(
  reader: SqliteReader,
  batchIds: readonly string[],
  limit: number,
  after: { createdAt: Date; id: number } | null,
): Notification[] {
  if (batchIds.length === 0) return [];
  const at = after ? sqlDate(after.createdAt) : null;
  const branch = `SELECT * FROM (${SELECT} WHERE batch_id = ? AND (? IS NULL OR created_at < ? OR (created_at = ? AND id < ?)) ORDER BY created_at DESC, id DESC LIMIT ?)`;
  const rows: NotificationRow[] = [];
  // SQLite joins at most 500 SELECTs in one compound statement; a page holds far fewer batches.
  for (let i = 0; i < batchIds.length; i += 200) {
    const slice = batchIds.slice(i, i + 200);
    rows.push(...reader.all<NotificationRow>(slice.map(() => branch).join(" UNION ALL "), ...slice.flatMap((batchId) => [batchId, at, at, at, after?.id ?? 0, limit])));
  }
  return rows.map(toNotification);
}

/**
 * Per order in a range and template: whether a notification was SENT or deliberately NOT_SENT,
 * and when the first was stored (the consistency check), as compact JSON: [orderId, templateName,
 * matched 0|1, createdAt epoch ms]. One GROUP BY over the order_id index.
 */
export function notificationStatesByOrderRange(reader: SqliteReader, range: OrderIdRange): string {
  const rows = reader.all<{ order_id: number; template_name: string; matched: number; created_at: string }>(
    `SELECT order_id, template_name, MAX(status IN ('sent', 'not_sent')) AS matched, MIN(created_at) AS created_at
     FROM notifications WHERE order_id > ? AND (? IS NULL OR order_id <= ?)
     GROUP BY order_id, template_name ORDER BY order_id LIMIT ?`,
    range.after,
    range.through,
    range.through,
    ORDER_RANGE_ROWS_MAX,
  );
  return JSON.stringify(rows.map((r) => [r.order_id, r.template_name, r.matched, Date.parse(r.created_at)]));
}
