/**
 * What a rule says when it refuses a value: a plain value, free of GraphQL, that each caller maps
 * to its own language — the services to a `GraphQLError` (service-kit's `ruleErrors.ts`), the CSV
 * import to its error codes and columns (the order service's `ruleErrorColumns.ts`), the admin UI
 * to a translated hint.
 */

/** The API code a refusal maps to: bad input, or a move the current state does not allow. */
export type RuleErrorCode = "BAD_USER_INPUT" | "CONFLICT";

/**
 * Which rule refused the value, finer than the code: the CSV import has a code of its own for
 * several of them, and tests compare paths by it.
 */
export type RuleProblem =
  | "required"
  | "tooLong"
  | "invalidText"
  | "invalidEmail"
  | "notPositiveWhole"
  | "tooLarge"
  | "tooFewItems"
  | "tooManyItems"
  | "totalTooLarge"
  | "unsupportedCurrency"
  | "amountNotWhole"
  | "amountTooSmall"
  | "amountTooLarge"
  | "invalidPaymentMethod"
  | "orderCancelled"
  | "illegalMove";

export interface RuleError {
  code: RuleErrorCode;
  problem: RuleProblem;
  /**
   * The input path the refusal concerns, relative to the input (`customerEmail`,
   * `items.0.quantity`); the GraphQL layer prefixes it (`input.items.0.quantity`).
   */
  field: string;
  /** English, for people; `params` say the same for a client that translates. */
  reason: string;
  /** The values a translated message needs, e.g. `{ max: 100 }`. */
  params: Record<string, unknown>;
}

/** A value a rule accepted (normalised), or why it refused it. */
export type Checked<T> = { ok: true; value: T } | { ok: false; error: RuleError };

/** A BAD_USER_INPUT refusal. */
export function badInput(problem: RuleProblem, field: string, reason: string, params: Record<string, unknown> = {}): RuleError {
  return { code: "BAD_USER_INPUT", problem, field, reason, params };
}

/** A CONFLICT refusal: the value is fine, the current state does not allow it. */
export function conflict(problem: RuleProblem, field: string, reason: string, params: Record<string, unknown> = {}): RuleError {
  return { code: "CONFLICT", problem, field, reason, params };
}

/** 1234567 → "1,234,567", the way reasons write amounts and counts. */
export function withCommas(n: number): string {
  return n.toLocaleString("en");
}
