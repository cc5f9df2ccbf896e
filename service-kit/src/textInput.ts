/** The text rule (text.ts) at the API's edge: a refused text is a BAD_USER_INPUT naming its field. */
import { BadUserInputError } from "./errors.js";
import { checkText, describeTextProblem, type TextKind } from "./text.js";

/**
 * Returns `value` as it may be stored (a multi-line field's CRLF read as LF), or throws
 * BAD_USER_INPUT with `field` and `params: { reason, position, character }` (reason
 * `controlCharacter`, `bidiControl` or `loneSurrogate`; position as text.ts counts it).
 */
export function requireCleanText(value: string, field: string, kind: TextKind = "line"): string {
  const checked = checkText(value, kind);
  if (checked.ok) return checked.value;
  const { problem } = checked;
  throw new BadUserInputError(`${field} contains ${describeTextProblem(problem)}: remove it and try again`, {
    field,
    params: { reason: problem.reason, position: problem.position, character: problem.character },
  });
}
