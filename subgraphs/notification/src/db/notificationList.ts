/** The filtered notification list: a newest-first keyset page and the number of matches. */
import { sql } from "kysely";
import type { Channel, Notification, NotificationStatus } from "../domain/notification.js";
import type { NotificationExecutor } from "./database.js";
import type { Keyset } from "./notificationReads.js";
import { at, NOTIFICATION_COLUMNS, stored, toNotification } from "./rows.js";

/** A checked filter: absent fields do not filter. */
export interface NotificationListFilter {
  orderId?: number;
  statuses?: readonly NotificationStatus[];
  channel?: Channel;
  templateName?: string;
  batchId?: string;
}

/** Up to `limit` notifications matching `filter`, newest first, strictly after `after`. */
export async function notificationPage(db: NotificationExecutor, filter: NotificationListFilter, limit: number, after: Keyset | null): Promise<Notification[]> {
  let q = db.selectFrom("notifications").select(NOTIFICATION_COLUMNS);
  if (filter.orderId !== undefined) q = q.where("order_id", "=", filter.orderId);
  if (filter.statuses?.length) q = q.where("status", "in", filter.statuses.map((s) => stored<NotificationStatus>(s)));
  if (filter.channel) q = q.where("channel", "=", stored<Channel>(filter.channel));
  if (filter.templateName !== undefined) q = q.where("template_name", "=", filter.templateName);
  if (filter.batchId !== undefined) q = q.where("batch_id", "=", filter.batchId);
  if (after) {
    q = q.where((eb) => eb.or([eb("created_at", "<", at(after.createdAt)), eb.and([eb("created_at", "=", at(after.createdAt)), eb("id", "<", after.id)])]));
  }
  const rows = await q.orderBy("created_at", "desc").orderBy("id", "desc").limit(limit).execute();
  return rows.map(toNotification);
}

/**
 * How many notifications `filter` matches. Without an order, from `notification_figures` (counts
 * per status, channel, template and batch, kept by triggers): a few rows, not a million; an
 * order's notifications are few and counted directly.
 */
export async function countNotifications(db: NotificationExecutor, filter: NotificationListFilter): Promise<number> {
  if (filter.orderId !== undefined) {
    let q = db.selectFrom("notifications").select(sql<number>`COUNT(*)`.as("n")).where("order_id", "=", filter.orderId);
    if (filter.statuses?.length) q = q.where("status", "in", filter.statuses.map((s) => stored<NotificationStatus>(s)));
    if (filter.channel) q = q.where("channel", "=", stored<Channel>(filter.channel));
    if (filter.templateName !== undefined) q = q.where("template_name", "=", filter.templateName);
    if (filter.batchId !== undefined) q = q.where("batch_id", "=", filter.batchId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }
  // The figures hold lower-case text (not the enums): compare as text on both databases.
  let q = db.selectFrom("notification_figures").select(sql<number>`COALESCE(SUM(count), 0)`.as("n"));
  if (filter.statuses?.length) q = q.where("status", "in", filter.statuses.map((s) => s.toLowerCase()));
  if (filter.channel) q = q.where("channel", "=", filter.channel.toLowerCase());
  if (filter.templateName !== undefined) q = q.where("template_name", "=", filter.templateName);
  if (filter.batchId !== undefined) q = q.where("batch_id", "=", filter.batchId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}
