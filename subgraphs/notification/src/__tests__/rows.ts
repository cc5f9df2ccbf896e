/**
 * Reading and planting rows in a test through the service's own database handle (the data kit),
 * so the same test runs on SQLite and PostgreSQL. Not a test file itself.
 */
import type { NotificationDatabase } from "../db/database.js";
import { NOTIFICATION_COLUMNS, at, stored, toNotification } from "../db/rows.js";
import { insertNotification, type NewNotification } from "../db/notifications.js";
import type { Notification, NotificationStatus } from "../domain/notification.js";

/** Which notifications: every given field must match. */
export interface NotificationWhere {
  ids?: readonly number[];
  orderId?: number;
  orderIds?: readonly number[];
  /** Orders from..through (consecutive ids: no 2,000-parameter list). */
  orderRange?: readonly [number, number];
  batchId?: string | null;
  batchIdPrefix?: string;
  status?: NotificationStatus;
  templateName?: string;
}

function select(database: NotificationDatabase, where: NotificationWhere) {
  let q = database.db.selectFrom("notifications");
  if (where.ids) q = q.where(database.helpers.inIds("id", where.ids));
  if (where.orderId !== undefined) q = q.where("order_id", "=", where.orderId);
  if (where.orderIds) q = q.where(database.helpers.inIds("order_id", where.orderIds));
  if (where.orderRange) q = q.where("order_id", ">=", where.orderRange[0]).where("order_id", "<=", where.orderRange[1]);
  if (where.batchId === null) q = q.where("batch_id", "is", null);
  else if (where.batchId !== undefined) q = q.where("batch_id", "=", where.batchId);
  if (where.batchIdPrefix !== undefined) q = q.where("batch_id", "like", `${where.batchIdPrefix}%`);
  if (where.status) q = q.where("status", "=", stored<NotificationStatus>(where.status));
  if (where.templateName !== undefined) q = q.where("template_name", "=", where.templateName);
  return q;
}

/** The matching notifications, by order id then id. */
export async function findNotifications(database: NotificationDatabase, where: NotificationWhere = {}): Promise<Notification[]> {
  const rows = await select(database, where).select(NOTIFICATION_COLUMNS).orderBy("order_id").orderBy("id").execute();
  return rows.map(toNotification);
}

/** The one notification `id`; throws when there is none. */
export async function getNotification(database: NotificationDatabase, id: number): Promise<Notification> {
  const [found] = await findNotifications(database, { ids: [id] });
  if (!found) throw new Error(`no notification ${id}`);
  return found;
}

/** How many notifications match. */
export async function countNotifications(database: NotificationDatabase, where: NotificationWhere = {}): Promise<number> {
  const row = await select(database, where)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Stores a notification as a test needs it (any status, created at `createdAt`). */
export async function plantNotification(database: NotificationDatabase, n: NewNotification & { createdAt?: Date }): Promise<Notification> {
  const created = await insertNotification(database.db, n);
  if (!n.createdAt) return created;
  await database.db.updateTable("notifications").set({ created_at: at(n.createdAt) }).where("id", "=", created.id).execute();
  return getNotification(database, created.id);
}

/** Writes a template straight into the database, past the checks of saving (as an old row would be). */
export async function plantTemplate(database: NotificationDatabase, t: { name: string; subjectTemplate: string; bodyTemplate: string; channel: "EMAIL" | "SMS"; language?: string }): Promise<void> {
  await database.db
    .insertInto("notification_templates")
    .values({ name: t.name, subject_template: t.subjectTemplate, body_template: t.bodyTemplate, channel: stored<"EMAIL" | "SMS">(t.channel), language: t.language ?? "ja" })
    .execute();
}

/** Changes a stored template's sources straight in the database, past the checks of saving. */
export async function changeTemplate(database: NotificationDatabase, name: string, change: { subjectTemplate?: string; bodyTemplate?: string }): Promise<void> {
  await database.db
    .updateTable("notification_templates")
    .set({
      ...(change.subjectTemplate !== undefined ? { subject_template: change.subjectTemplate } : {}),
      ...(change.bodyTemplate !== undefined ? { body_template: change.bodyTemplate } : {}),
    })
    .where("name", "=", name)
    .execute();
}

/** Removes the template `name` (if any). */
export async function removeTemplate(database: NotificationDatabase, name: string): Promise<void> {
  await database.db.deleteFrom("notification_templates").where("name", "=", name).execute();
}

/** How many templates are named `name` (0 or 1). */
export async function countTemplates(database: NotificationDatabase, name: string): Promise<number> {
  const row = await database.db.selectFrom("notification_templates").select((eb) => eb.fn.countAll<number>().as("n")).where("name", "=", name).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the event `eventId` was recorded as processed (0 or 1). */
export async function processedCount(database: NotificationDatabase, eventId: string): Promise<number> {
  const row = await database.db.selectFrom("processed_events").select((eb) => eb.fn.countAll<number>().as("n")).where("event_id", "=", eventId).executeTakeFirstOrThrow();
  return Number(row.n);
}
