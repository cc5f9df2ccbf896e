/**
 * The one place a rule's refusal (`RuleError` from `@ops/rules`) becomes a GraphQL error: its
 * code, its field under the input's path (`items.0.quantity` → `input.items.0.quantity`) and its
 * params, as the admin UI translates them.
 */
import type { Checked, RuleError } from "@ops/rules";
import { AppError } from "./errors.js";

/**
 * The GraphQL error for `error`, its field under `prefix` (the argument's path, `input` for most
 * mutations; "" when the rule was given the whole path already).
 */
export function ruleErrorToGraphQL(error: RuleError, prefix = "input"): AppError {
  const field = prefix ? `${prefix}.${error.field}` : error.field;
  return new AppError(error.code, error.reason, { field, params: error.params });
}

/** Throws `error` as a GraphQL error (see `ruleErrorToGraphQL`) when there is one. */
export function throwRuleError(error: RuleError | null, prefix = "input"): void {
  if (error) throw ruleErrorToGraphQL(error, prefix);
}

/** The value a rule accepted, or throws its refusal as a GraphQL error (see `ruleErrorToGraphQL`). */
export function acceptedOrThrow<T>(checked: Checked<T>, prefix = "input"): T {
  if (checked.ok) return checked.value;
  throw ruleErrorToGraphQL(checked.error, prefix);
}
