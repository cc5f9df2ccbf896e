/**
 * What rendering one template may cost (DESIGN section 9: a budget guards everything a user can
 * make large). `{{#each}}` blocks nested inside one another multiply: thirteen of them over a
 * four-item order would write 4^13 copies and exhaust the service's memory. The limits are far
 * above what a shop's e-mail or SMS needs and far below what hurts the service. Pure data and
 * the error that names a limit; the renderer (renderTemplate.ts) enforces them as it goes.
 */
import { MAX_BLOCK_DEPTH } from "@ops/rules";
import { BadUserInputError } from "@ops/service-kit";

export const RENDER_LIMITS = {
  /** Blocks (`{{#each}}`, `{{#if}}`, `{{#unless}}`, `{{#with}}`, any other) inside one another; `{{else if}}` adds none. */
  depth: MAX_BLOCK_DEPTH,
  /** Runs of an `{{#each}}` body in one message, all blocks together. */
  iterations: 10_000,
  /** Characters of a rendered body (e-mail or SMS). */
  bodyLength: 100_000,
  /** Characters of a rendered e-mail subject. */
  subjectLength: 1_000,
  /** Milliseconds one message (subject and body) may take to render. */
  renderTimeMs: 250,
} as const;

/** The limit a rendering broke, as `extensions.params.limit` names it. */
export type RenderLimit = "depth" | "iterations" | "outputLength" | "renderTime";

const grouped = (n: number) => n.toLocaleString("en-US");

function describe(limit: RenderLimit, max: number, line: number | undefined): string {
  switch (limit) {
    case "depth":
      return `Blocks are nested more than ${max} deep ({{#each}}, {{#if}}, {{#unless}} and {{#with}} inside one another)${line ? ` at line ${line}` : ""}; flatten the template`;
    case "iterations":
      return `{{#each}} would repeat more than ${grouped(max)} times in one message for this order; nest fewer {{#each}} blocks`;
    case "outputLength":
      return `The rendered text would be longer than ${grouped(max)} characters`;
    case "renderTime":
      return `Rendering took longer than ${max} ms; the template does too much for this order`;
  }
}

/**
 * BAD_USER_INPUT for a template that breaks a rendering limit: `extensions.params` holds
 * `{ limit, max }` (and the `line` of a block nested too deep), `extensions.field` the template's
 * input field.
 */
export class RenderLimitError extends BadUserInputError {
  constructor(
    readonly limit: RenderLimit,
    readonly max: number,
    field: string,
    line?: number,
  ) {
    super(describe(limit, max, line), { field, params: { limit, max, ...(line ? { line } : {}) } });
  }
}
