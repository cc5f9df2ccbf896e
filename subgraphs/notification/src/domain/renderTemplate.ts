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
  return compileTemplate(source, field)(context);
}

/**
 * Compiled templates by source text. Each compilation is a new JavaScript function that V8 runs
 * cold (interpreted) until it has optimised it again, so re-compiling the same template for every
 * event of a bulk import made rendering several times slower than reusing it. Keyed by the
 * source, an edited template is simply a new entry; bounded, as templates are few.
 */
const cache = new Map<string, HandlebarsTemplateDelegate>();
const KNOWN_HELPERS = { yen: true, date: true, datetime: true };
const CACHE_LIMIT = 200;

function compiled(source: string): HandlebarsTemplateDelegate {
  let template = cache.get(source);
  if (!template) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    // knownHelpers: the registered helpers are called directly (no lookup per use); same output.
    template = handlebars.compile(source, { noEscape: true, knownHelpers: KNOWN_HELPERS });
    cache.set(source, template);
  }
  return template;
}

/**
 * Compiles one template source once, for rendering many contexts (thousands of orders of one
 * event). The returned function throws BAD_USER_INPUT (on `field`) when rendering fails —
 * Handlebars compiles lazily, so a syntax error surfaces on the first call.
 */
export function compileTemplate(source: string, field: string): (context: TemplateContext) => string {
  const template = compiled(source);
  return (context) => {
    try {
      return template(context);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new BadUserInputError(`The template cannot be rendered: ${reason.split("\n")[0]}`, { field, params: { reason } });
    }
  };
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
  return compileMessage(template, channel, fields)(context);
}

/** `renderMessage` compiled once, for many contexts. */
export function compileMessage(
  template: { subjectTemplate: string; bodyTemplate: string },
  channel: "EMAIL" | "SMS",
  fields: SourceFields = { subject: "input.subjectTemplate", body: "input.bodyTemplate" },
): (context: TemplateContext) => RenderedMessage {
  const body = compileTemplate(template.bodyTemplate, fields.body);
  if (channel === "SMS") return (context) => ({ subject: null, body: body(context) });
  const subject = compileTemplate(template.subjectTemplate, fields.subject);
  return (context) => {
    const text = body(context);
    // A mail subject is one line, whatever the template's layout.
    return { subject: subject(context).replace(/\s*\n\s*/g, " ").trim(), body: text };
  };
}
