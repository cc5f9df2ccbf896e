/**
 * The budget of one message's rendering, spent while it renders: every run of an `{{#each}}`
 * body counts against the iterations and checks the deadline, and the text an `{{#each}}` has
 * produced so far is measured against the field's output limit — so a template that would
 * explode stops at the limit instead of first building a huge string. Handlebars renders
 * synchronously, so the budget of the rendering in progress is simply held here while it runs.
 */
import type { HelperDelegate, HelperOptions } from "handlebars";
import { RENDER_LIMITS, type RenderLimit } from "./renderLimits.js";

/** A limit was reached; the renderer turns it into a RenderLimitError on the field it was rendering. */
export class RenderLimitExceeded extends Error {
  constructor(
    readonly limit: RenderLimit,
    readonly max: number,
  ) {
    super(`rendering limit "${limit}" (${max}) exceeded`);
  }
}

/** What one message may spend: its iterations and its deadline, shared by subject and body. */
export class RenderBudget {
  private iterations = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxIterations: number = RENDER_LIMITS.iterations,
    private readonly maxMs: number = RENDER_LIMITS.renderTimeMs,
  ) {
    this.deadline = performance.now() + maxMs;
  }

  /** How many `{{#each}}` bodies have run so far. */
  get iterationsRun(): number {
    return this.iterations;
  }

  /** One more run of an `{{#each}}` body; throws past the iteration limit or the deadline. */
  iterate(): void {
    this.iterations += 1;
    if (this.iterations > this.maxIterations) throw new RenderLimitExceeded("iterations", this.maxIterations);
    if (performance.now() > this.deadline) throw new RenderLimitExceeded("renderTime", this.maxMs);
  }
}

/** Throws when `length` characters exceed the field's `max`. */
export function checkOutput(length: number, max: number): void {
  if (length > max) throw new RenderLimitExceeded("outputLength", max);
}

interface Rendering {
  budget: RenderBudget;
  maxOutput: number;
}

let current: Rendering | null = null;

/**
 * Runs `render` (one field of a message) under `budget` and the field's output limit; the result
 * is measured too, for text that grew outside any `{{#each}}`.
 */
export function renderWithin(budget: RenderBudget, maxOutput: number, render: () => string): string {
  const previous = current;
  current = { budget, maxOutput };
  try {
    const text = render();
    checkOutput(text.length, maxOutput);
    return text;
  } finally {
    current = previous;
  }
}

/**
 * Wraps Handlebars' own `each` so that every iteration is paid for. Handlebars' `{{#items}}`
 * sections iterate through the environment's `each` too, so they are counted as well. Outside
 * `renderWithin` it refuses to run: an unbudgeted rendering is a bug, not a reason to iterate freely.
 */
export function budgetedEach(each: HelperDelegate): HelperDelegate {
  return function (this: unknown, context: unknown, options: HelperOptions) {
    const rendering = current;
    if (!rendering) throw new Error("{{#each}} ran outside a budgeted rendering");
    let produced = 0;
    const fn = options.fn;
    const counted: HelperOptions["fn"] = (value, runtime) => {
      rendering.budget.iterate();
      const piece = fn(value, runtime);
      // Everything this block wrote so far ends up inside the field: stop once it alone is too long.
      produced += piece.length;
      checkOutput(produced, rendering.maxOutput);
      return piece;
    };
    return each.call(this, context, { ...options, fn: counted });
  };
}
