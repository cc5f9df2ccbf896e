/**
 * Template operations: each opens its own unit of work on the database it is given, so the check
 * and the write see the same template.
 */
import { ConflictError, NotFoundError } from "@ops/service-kit";
import { databaseError } from "@ops/service-kit/data";
import type { NotificationDatabase } from "../db/database.js";
import { deleteTemplateByName, existingTemplateNames, insertTemplates, templateByName, updateTemplateRow } from "../db/templates.js";
import { DEFAULT_TEMPLATES } from "./defaultTemplates.js";
import type { NotificationTemplate } from "./notification.js";
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

const isUniqueViolation = (err: unknown) => databaseError(err)?.kind === "unique";

/** Inserts a validated template; a taken name is CONFLICT (the UNIQUE constraint, translated). */
export async function createTemplate(database: NotificationDatabase, template: ValidTemplate): Promise<NotificationTemplate> {
  try {
    const [created] = await database.transaction((trx) => insertTemplates(trx, [template]));
    return created!;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    throw new ConflictError(`A template named "${template.name}" already exists; update it or choose another name`, {
      field: "input.name",
      params: { name: template.name },
    });
  }
}

/** Changes the given fields of a template; the result is validated as a whole. NOT_FOUND when missing. */
export async function updateTemplate(database: NotificationDatabase, patch: TemplatePatch): Promise<NotificationTemplate> {
  const name = validateTemplateName(patch.name);
  return database.transaction(async (trx) => {
    const current = await templateByName(trx, name);
    if (!current) throw notFound(name);
    const next = validateTemplate({
      name,
      subjectTemplate: patch.subjectTemplate ?? current.subjectTemplate,
      bodyTemplate: patch.bodyTemplate ?? current.bodyTemplate,
      channel: patch.channel ?? current.channel,
      language: patch.language ?? current.language,
    });
    const updated = await updateTemplateRow(trx, current.id, next);
    if (!updated) throw notFound(name);
    return updated;
  });
}

/** Deletes a template by name. Notifications sent with it keep its name. NOT_FOUND when missing. */
export async function deleteTemplate(database: NotificationDatabase, name: string): Promise<true> {
  const deleted = await database.transaction((trx) => deleteTemplateByName(trx, name));
  if (!deleted) throw notFound(name, "name");
  return true;
}

/**
 * Inserts the seed templates that are missing by name and leaves existing ones alone, so an
 * operator's edits survive restarts and starting twice changes nothing. Returns how many it added.
 */
export async function seedTemplates(database: NotificationDatabase): Promise<number> {
  const names = DEFAULT_TEMPLATES.map((t) => t.name);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await database.transaction(async (trx) => {
        const have = await existingTemplateNames(trx, names);
        const missing = DEFAULT_TEMPLATES.filter((t) => !have.has(t.name));
        return (await insertTemplates(trx, missing)).length;
      });
    } catch (err) {
      // Another replica seeding the same database at the same moment: its rows are there now.
      if (!isUniqueViolation(err) || attempt >= 3) throw err;
    }
  }
}
