/** Notification templates: read by name, list, create, change, delete, and the seed's inserts. */
import type { Channel, NotificationTemplate } from "../domain/notification.js";
import type { ValidTemplate } from "../domain/validateTemplate.js";
import type { NotificationExecutor } from "./database.js";
import { stored, TEMPLATE_COLUMNS, toTemplate } from "./rows.js";

/** The template named `name`, or null. */
export async function templateByName(db: NotificationExecutor, name: string): Promise<NotificationTemplate | null> {
  const row = await db.selectFrom("notification_templates").select(TEMPLATE_COLUMNS).where("name", "=", name).executeTakeFirst();
  return row ? toTemplate(row) : null;
}

/** Every template, by name. */
export async function listTemplates(db: NotificationExecutor): Promise<NotificationTemplate[]> {
  const rows = await db.selectFrom("notification_templates").select(TEMPLATE_COLUMNS).orderBy("name").execute();
  return rows.map(toTemplate);
}

/** The names among `names` that have a template. */
export async function existingTemplateNames(db: NotificationExecutor, names: readonly string[]): Promise<Set<string>> {
  if (names.length === 0) return new Set();
  const rows = await db.selectFrom("notification_templates").select("name").where("name", "in", names).execute();
  return new Set(rows.map((r) => r.name));
}

const columns = (t: ValidTemplate) => ({
  name: t.name,
  subject_template: t.subjectTemplate,
  body_template: t.bodyTemplate,
  channel: stored<Channel>(t.channel),
  language: t.language,
});

/** Inserts templates in one statement; a taken name is a unique violation (the caller translates it). */
export async function insertTemplates(db: NotificationExecutor, templates: readonly ValidTemplate[]): Promise<NotificationTemplate[]> {
  if (templates.length === 0) return [];
  const rows = await db.insertInto("notification_templates").values(templates.map(columns)).returning(TEMPLATE_COLUMNS).execute();
  return rows.map(toTemplate);
}

/** Replaces the fields of template `id`; null when it is gone. */
export async function updateTemplateRow(db: NotificationExecutor, id: number, template: ValidTemplate): Promise<NotificationTemplate | null> {
  const row = await db.updateTable("notification_templates").set(columns(template)).where("id", "=", id).returning(TEMPLATE_COLUMNS).executeTakeFirst();
  return row ? toTemplate(row) : null;
}

/** Deletes the template named `name`; false when there was none. */
export async function deleteTemplateByName(db: NotificationExecutor, name: string): Promise<boolean> {
  const result = await db.deleteFrom("notification_templates").where("name", "=", name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
