/**
 * Template operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change.
 */
import { ConflictError, isUniqueViolation, NotFoundError } from "@ops/service-kit";
import type { NotificationDb, NotificationTx } from "../db.js";
import { DEFAULT_TEMPLATES } from "./defaultTemplates.js";
import { validateTemplate, validateTemplateName, type Channel, type ValidTemplate } from "./validateTemplate.js";

export interface TemplatePatch {
  name: string;
  subjectTemplate?: string | null;
  bodyTemplate?: string | null;
  channel?: Channel | null;
  language?: string | null;
}

const notFound = (name: string, field = "input.name") =>
  new NotFoundError(`There is no template named "${name}"`, { field, params: { name } });

/** Inserts a validated template; a taken name is CONFLICT (the UNIQUE constraint, translated). */
export async function createTemplate(tx: NotificationTx, template: ValidTemplate) {
  try {
    return await tx.notificationTemplate.create({ data: template });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new ConflictError(`A template named "${template.name}" already exists; update it or choose another name`, {
      field: "input.name",
      params: { name: template.name },
    });
  }
}

/** Changes the given fields of a template; the result is validated as a whole. NOT_FOUND when missing. */
export async function updateTemplate(tx: NotificationTx, patch: TemplatePatch) {
  const name = validateTemplateName(patch.name);
  const current = await tx.notificationTemplate.findUnique({ where: { name } });
  if (!current) throw notFound(name);
  const next = validateTemplate({
    name,
    subjectTemplate: patch.subjectTemplate ?? current.subjectTemplate,
    bodyTemplate: patch.bodyTemplate ?? current.bodyTemplate,
    channel: patch.channel ?? current.channel,
    language: patch.language ?? current.language,
  });
  return tx.notificationTemplate.update({ where: { id: current.id }, data: next });
}

/** Deletes a template by name. Notifications sent with it keep its name. NOT_FOUND when missing. */
export async function deleteTemplate(tx: NotificationTx, name: string): Promise<true> {
  const deleted = await tx.notificationTemplate.deleteMany({ where: { name } });
  if (deleted.count === 0) throw notFound(name, "name");
  return true;
}

/**
 * Inserts the seed templates that are missing by name and leaves existing ones alone, so an
 * operator's edits survive restarts and starting twice changes nothing. Returns how many it added.
 */
export async function seedTemplates(db: NotificationDb): Promise<number> {
  const names = DEFAULT_TEMPLATES.map((t) => t.name);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.$transaction(async (tx) => {
        const existing = await tx.notificationTemplate.findMany({ where: { name: { in: names } }, select: { name: true } });
        const have = new Set(existing.map((t) => t.name));
        const missing = DEFAULT_TEMPLATES.filter((t) => !have.has(t.name));
        for (const template of missing) await tx.notificationTemplate.create({ data: template });
        return missing.length;
      });
    } catch (err) {
      // Another process seeding the same file at the same moment: its rows are there now.
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}
