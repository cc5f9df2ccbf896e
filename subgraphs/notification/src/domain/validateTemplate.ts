/** Validation of a template an operator saves: its name, language and both Handlebars sources. Pure. */
import { BadUserInputError, requireCleanText, type TextKind } from "@ops/service-kit";
import { checkTemplate } from "./checkTemplate.js";

export type Channel = "EMAIL" | "SMS";

export interface TemplateInput {
  name: string;
  /** Required for EMAIL; an SMS template has none (stored as ""). */
  subjectTemplate?: string | null;
  bodyTemplate: string;
  channel: Channel;
  language: string;
}

const NAME_RE = /^[A-Za-z0-9_-]{1,64}$/;
// A BCP 47 tag in its common forms: ja, en, en-US, zh-Hant.
const LANGUAGE_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
export const MAX_SUBJECT = 500;
export const MAX_BODY = 20_000;

/** Checks a template name (letters, digits, `_`, `-`); returns it trimmed. */
export function validateTemplateName(name: string, field = "input.name"): string {
  const trimmed = requireCleanText(name, field).trim();
  if (!NAME_RE.test(trimmed)) {
    throw new BadUserInputError(`"${name}" is not a valid template name: use 1–64 letters, digits, _ or -, like ORDER_SHIPPED`, {
      field,
      params: { value: name, pattern: NAME_RE.source },
    });
  }
  return trimmed;
}

/** Refuses a template source longer than `max` characters: saving and previewing share the limit. */
export function checkSourceLength(source: string, field: string, max: number): void {
  if (source.length > max) throw new BadUserInputError(`The template is longer than ${max} characters`, { field, params: { max } });
}

function validateSource(raw: string, field: string, max: number, kind: TextKind): string {
  const clean = requireCleanText(raw, field, kind);
  // A subject is one line: a line break around it (which the text rule lets through for trimming) is dropped.
  const source = kind === "line" ? clean.trim() : clean;
  if (!source.trim()) throw new BadUserInputError("The template is empty", { field });
  checkSourceLength(source, field, max);
  checkTemplate(source, field);
  return source;
}

/** A template as stored: every field checked, the subject "" for an SMS template without one. */
export type ValidTemplate = Required<{ [K in keyof TemplateInput]: NonNullable<TemplateInput[K]> }>;

/** Checks every field of a template; throws BAD_USER_INPUT naming the first bad one. */
export function validateTemplate(input: TemplateInput, path = "input"): ValidTemplate {
  const subject = input.subjectTemplate ?? "";
  const language = input.language.trim();
  if (!LANGUAGE_RE.test(language)) {
    throw new BadUserInputError(`"${input.language}" is not a language tag like ja or en`, {
      field: `${path}.language`,
      params: { value: input.language },
    });
  }
  return {
    name: validateTemplateName(input.name, `${path}.name`),
    // An SMS carries no subject, so its template needs none (one given is kept, for a switch back to EMAIL).
    subjectTemplate: input.channel === "SMS" && !subject.trim() ? "" : validateSource(subject, `${path}.subjectTemplate`, MAX_SUBJECT, "line"),
    bodyTemplate: validateSource(input.bodyTemplate, `${path}.bodyTemplate`, MAX_BODY, "text"),
    channel: input.channel,
    language,
  };
}
