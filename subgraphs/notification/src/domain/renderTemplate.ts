/**
 * Renders notification templates with Handlebars in an isolated environment that holds only the
 * documented helpers (templateVariables.ts), within the rendering limits (renderLimits.ts): blocks
 * nested too deeply are refused before rendering, and iterations, output length and time are
 * counted while it renders (renderBudget.ts). Pure: the caller supplies the variables.
 */
import Handlebars from "handlebars";
import { BadUserInputError } from "@ops/service-kit";
import { formatJapanDate, formatJapanDateTime, formatYen } from "./formatters.js";
import { budgetedEach, RenderBudget, RenderLimitExceeded, renderWithin } from "./renderBudget.js";
import { RENDER_LIMITS, RenderLimitError } from "./renderLimits.js";
import type { TemplateContext } from "./templateContext.js";
import { firstTooDeep, type TooDeep } from "./templateDepth.js";

const handlebars = Handlebars.create();
// Helpers receive Handlebars' options object last; only the first argument matters here.
handlebars.registerHelper("yen", (value: unknown) => formatYen(value));
handlebars.registerHelper("date", (value: unknown) => formatJapanDate(value));
handlebars.registerHelper("datetime", (value: unknown) => formatJapanDateTime(value));
// The only helper that repeats, so the only one that can multiply the output: counted.
handlebars.registerHelper("each", budgetedEach(handlebars.helpers.each!));

/** A compiled source, or why it cannot render (it did not parse, or its blocks nest too deep). */
type Compiled = { template: HandlebarsTemplateDelegate } | { tooDeep: TooDeep } | { parseError: unknown };

/**
 * Compiled templates by source text. Each compilation is a new JavaScript function that V8 runs
 * cold (interpreted) until it has optimised it again, so re-compiling the same template for every
 * event of a bulk import made rendering several times slower than reusing it. Keyed by the
 * source, an edited template is simply a new entry; bounded, as templates are few.
 */
const cache = new Map<string, Compiled>();
const KNOWN_HELPERS = { yen: true, date: true, datetime: true };
const CACHE_LIMIT = 200;

function compiled(source: string): Compiled {
  let entry = cache.get(source);
  if (!entry) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    entry = compile(source);
    cache.set(source, entry);
  }
  return entry;
}

function compile(source: string): Compiled {
  let ast: hbs.AST.Program;
  try {
    ast = handlebars.parse(source);
  } catch (err) {
    return { parseError: err };
  }
  // Checked on every path that renders, not only when saving: a template stored before the limit
  // (or written straight into the database) is held to it too.
  const tooDeep = firstTooDeep(ast, RENDER_LIMITS.depth);
  if (tooDeep) return { tooDeep };
  // The source, not the AST: compile parses it the same way, and never takes a tree from elsewhere.
  // knownHelpers: the registered helpers are called directly (no lookup per use); same output.
  const template = handlebars.compile(source, { noEscape: true, knownHelpers: KNOWN_HELPERS });
  // Handlebars compiles on the first call. One call with no data does it here, so a rendering's
  // deadline measures rendering only and does not depend on whether the template was cached.
  // Without data nothing repeats; an error it meets is left for a real rendering to report.
  try {
    renderWithin(new RenderBudget(), Number.POSITIVE_INFINITY, () => template({}));
  } catch {
    // reported by the rendering that meets it
  }
  return { template };
}

/** Which limit applies to a field's rendered text. */
export type OutputKind = "subject" | "body";
const MAX_OUTPUT: Record<OutputKind, number> = { subject: RENDER_LIMITS.subjectLength, body: RENDER_LIMITS.bodyLength };

/** A compiled field: renders one context, within the message's budget (a fresh one when none is given). */
export type FieldRenderer = (context: TemplateContext, budget?: RenderBudget) => string;

/**
 * Compiles one template source once, for rendering many contexts (thousands of orders of one
 * event). Never throws itself: the returned function throws BAD_USER_INPUT on `field` when the
 * source does not compile or rendering fails, and a RenderLimitError (also BAD_USER_INPUT,
 * `params: { limit, max }`) when blocks nest too deep or the rendering breaks a limit — so a bulk
 * caller records the failure per order.
 */
export function compileTemplate(source: string, field: string, kind: OutputKind = "body"): FieldRenderer {
  const entry = compiled(source);
  const maxOutput = MAX_OUTPUT[kind];
  return (context, budget = new RenderBudget()) => {
    if ("tooDeep" in entry) throw new RenderLimitError("depth", RENDER_LIMITS.depth, field, entry.tooDeep.line);
    try {
      if ("parseError" in entry) throw entry.parseError;
      const { template } = entry;
      return renderWithin(budget, maxOutput, () => template(context));
    } catch (err) {
      if (err instanceof RenderLimitExceeded) throw new RenderLimitError(err.limit, err.max, field);
      const reason = err instanceof Error ? err.message : String(err);
      throw new BadUserInputError(`The template cannot be rendered: ${reason.split("\n")[0]}`, { field, params: { reason } });
    }
  };
}

/** Renders one template source (as a body) within a budget of its own. */
export function renderTemplate(source: string, context: TemplateContext, field: string): string {
  return compileTemplate(source, field)(context);
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

/**
 * `renderMessage` compiled once, for many contexts. Each message gets one budget: subject and
 * body share its iterations and deadline, and each stays within its own length.
 */
export function compileMessage(
  template: { subjectTemplate: string; bodyTemplate: string },
  channel: "EMAIL" | "SMS",
  fields: SourceFields = { subject: "input.subjectTemplate", body: "input.bodyTemplate" },
): (context: TemplateContext) => RenderedMessage {
  const body = compileTemplate(template.bodyTemplate, fields.body, "body");
  if (channel === "SMS") return (context) => ({ subject: null, body: body(context) });
  const subject = compileTemplate(template.subjectTemplate, fields.subject, "subject");
  return (context) => {
    const budget = new RenderBudget();
    const text = body(context, budget);
    // A mail subject is one line, whatever the template's layout.
    return { subject: subject(context, budget).replace(/\s*\n\s*/g, " ").trim(), body: text };
  };
}
