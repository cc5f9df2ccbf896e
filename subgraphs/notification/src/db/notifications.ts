/**
 * One notification at a time: read by id or idempotency key, store one, reopen one for a resend
 * (deliveries are recorded by the claims, deliveryClaims.ts). Each takes the executor it runs on
 * (the caller opens the transaction).
 */
import type { Channel, Notification, NotificationStatus } from "../domain/notification.js";
import type { NotificationExecutor } from "./database.js";
import { at, NOTIFICATION_COLUMNS, stored, toNotification } from "./rows.js";

/** The notification `id`, or null. */
export async function notificationById(db: NotificationExecutor, id: number): Promise<Notification | null> {
  const row = await db.selectFrom("notifications").select(NOTIFICATION_COLUMNS).where("id", "=", id).executeTakeFirst();
  return row ? toNotification(row) : null;
}

/** The notification stored with the caller's idempotency key `key`, or null. */
export async function notificationByIdempotencyKey(db: NotificationExecutor, key: string): Promise<Notification | null> {
  const row = await db.selectFrom("notifications").select(NOTIFICATION_COLUMNS).where("idempotency_key", "=", key).executeTakeFirst();
  return row ? toNotification(row) : null;
}

export interface NewNotification {
  orderId: number;
  channel: Channel;
  templateName: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  status: NotificationStatus;
  failureReason?: string | null;
  idempotencyKey?: string | null;
}

/** Stores one notification, created now and never attempted; a taken idempotency key is a unique violation. */
export async function insertNotification(db: NotificationExecutor, n: NewNotification): Promise<Notification> {
  const row = await db
    .insertInto("notifications")
    .values({
      order_id: n.orderId,
      channel: stored<Channel>(n.channel),
      template_name: n.templateName,
      recipient: n.recipient,
      subject: n.subject,
      body: n.body,
      status: stored<NotificationStatus>(n.status),
      created_at: at(new Date()),
      failure_reason: n.failureReason ?? null,
      attempt_count: 0,
      idempotency_key: n.idempotencyKey ?? null,
    })
    .returning(NOTIFICATION_COLUMNS)
    .executeTakeFirstOrThrow();
  return toNotification(row);
}

/** Moves notification `id` from FAILED back to PENDING; null when it was not FAILED any more. */
export async function reopenFailed(db: NotificationExecutor, id: number): Promise<Notification | null> {
  const row = await db
    .updateTable("notifications")
    .set({ status: "pending" })
    .where("id", "=", id)
    .where("status", "=", "failed")
    .returning(NOTIFICATION_COLUMNS)
    .executeTakeFirst();
  return row ? toNotification(row) : null;
}
