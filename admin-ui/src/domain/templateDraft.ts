/**
 * A notification template as the editor holds it, and the API inputs that save it. Pure.
 */
import type { Channel, CreateNotificationTemplateInput, TemplateFieldsFragment, UpdateNotificationTemplateInput } from "@/gql/graphql";

/**
 * The editor's route parameter for a template not saved yet (`/templates/new`). A stored template
 * could be named "new" too (names are letters, digits, _ and -); the editor then offers to create,
 * and saving says the name is taken.
 */
export const NEW_TEMPLATE = "new";

/** Template names the service accepts: 1–64 letters, digits, _ or -. */
export const TEMPLATE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Languages the editor offers (the service takes any BCP 47 tag; a stored other one is kept). */
export const LANGUAGES = ["ja", "en"] as const;

export interface TemplateDraft {
  name: string;
  subjectTemplate: string;
  bodyTemplate: string;
  channel: Channel;
  language: string;
}

/** A new template's starting point: an e-mail in Japanese. */
export function emptyDraft(): TemplateDraft {
  return { name: "", subjectTemplate: "", bodyTemplate: "", channel: "EMAIL", language: "ja" };
}

/** The editable fields of a stored template. */
export function draftOf(template: Pick<TemplateFieldsFragment, keyof TemplateDraft>): TemplateDraft {
  const { name, subjectTemplate, bodyTemplate, channel, language } = template;
  return { name, subjectTemplate, bodyTemplate, channel, language };
}

/** Whether `draft` differs from what is stored (an SMS subject is never sent, so it does not count). */
export function draftChanged(draft: TemplateDraft, stored: TemplateDraft | null): boolean {
  if (!stored) return draft.name !== "" || draft.subjectTemplate !== "" || draft.bodyTemplate !== "";
  return (
    draft.bodyTemplate !== stored.bodyTemplate ||
    draft.channel !== stored.channel ||
    draft.language !== stored.language ||
    (draft.channel === "EMAIL" && draft.subjectTemplate !== stored.subjectTemplate)
  );
}

/** The input that creates `draft`; an SMS template has no subject (the service stores none). */
export function createInput(draft: TemplateDraft): CreateNotificationTemplateInput {
  const name = draft.name.trim();
  const subject = draft.channel === "SMS" && !draft.subjectTemplate.trim() ? null : draft.subjectTemplate;
  return { name, subjectTemplate: subject, bodyTemplate: draft.bodyTemplate, channel: draft.channel, language: draft.language.trim() };
}

/** The input that changes the stored template into `draft`: only what changed (an SMS keeps its stored subject). */
export function updateInput(draft: TemplateDraft, stored: TemplateDraft): UpdateNotificationTemplateInput {
  const input: UpdateNotificationTemplateInput = { name: stored.name };
  if (draft.channel === "EMAIL" && draft.subjectTemplate !== stored.subjectTemplate) input.subjectTemplate = draft.subjectTemplate;
  if (draft.bodyTemplate !== stored.bodyTemplate) input.bodyTemplate = draft.bodyTemplate;
  if (draft.channel !== stored.channel) input.channel = draft.channel;
  if (draft.language.trim() !== stored.language) input.language = draft.language.trim();
  return input;
}
