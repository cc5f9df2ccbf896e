/**
 * Renders notification templates with Handlebars in an isolated environment that holds only the
 * documented helpers (templateVariables.ts). Pure: the caller supplies the variables.
 */
import Handlebars from "handlebars";
import { BadUserInputError } from "@ops/service-kit";
import { formatJapanDate, formatJapanDateTime, formatYen } from "./formatters.js";
import type { TemplateContext } from "./templateContext.js";

const handlebars = Handlebars.create();
// Helpers receive Handlebars' options object last; only the first argument matters here.
handlebars.registerHelper("yen", (value: unknown) => formatYen(value));
handlebars.registerHelper("date", (value: unknown) => formatJapanDate(value));
handlebars.registerHelper("datetime", (value: unknown) => formatJapanDateTime(value));

/**
 * Renders one template source. `noEscape`: mail goes out as text/plain and SMS as plain text, so
 * HTML escaping would only garble names like `A&B` or `O'Neil` into `A&amp;B`; nothing parses
 * the output as HTML. Throws BAD_USER_INPUT (on `field`) when rendering fails.
 */
export function renderTemplate(source: string, context: TemplateContext, field: string): string {
  try {
    return handlebars.compile(source, { noEscape: true })(context);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new BadUserInputError(`The template cannot be rendered: ${reason.split("\n")[0]}`, { field, params: { reason } });
  }
}

export interface RenderedMessage {
  /** Null for SMS, which has no subject line. */
  subject: string | null;
  body: string;
}

/** Where a rendering failure is reported: the input fields the sources came from. */
export interface SourceFields {
  subject: string;
  body: string;
}

/** Renders subject and body for a channel; SMS carries the body only. */
export function renderMessage(
  template: { subjectTemplate: string; bodyTemplate: string },
  channel: "EMAIL" | "SMS",
  context: TemplateContext,
  fields: SourceFields = { subject: "input.subjectTemplate", body: "input.bodyTemplate" },
): RenderedMessage {
  const body = renderTemplate(template.bodyTemplate, context, fields.body);
  if (channel === "SMS") return { subject: null, body };
  // A mail subject is one line, whatever the template's layout.
  const subject = renderTemplate(template.subjectTemplate, context, fields.subject).replace(/\s*\n\s*/g, " ").trim();
  return { subject, body };
}
