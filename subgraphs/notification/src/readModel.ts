/** The notification service's hot reads in plain SQL (see service-kit's SqliteReader for why). */
import { idList, type SqliteReader } from "@ops/service-kit";
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
}

const SELECT =
  "SELECT id, order_id, channel, template_name, recipient, subject, body, status, sent_at, created_at, failure_reason, attempt_count, batch_id FROM notifications";

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
