/**
 * Why someone did something (a payment failed, a refund, a cancellation): multi-line text under
 * the text rule, trimmed, required, at most MAX_REASON_LENGTH characters.
 */
import { badInput, type Checked } from "./ruleError.js";
import { checkText, describeTextProblem } from "./text.js";

/** Longest reason, in characters once trimmed. */
export const MAX_REASON_LENGTH = 500;

/** Checks a reason typed for `field`: the trimmed text (CRLF read as LF), or `invalidText`, `required` or `tooLong` (`{ max }`). */
export function checkReason(raw: string, field: string): Checked<string> {
  const text = checkText(raw, "text");
  if (!text.ok) {
    return { ok: false, error: badInput("invalidText", field, `${field} contains ${describeTextProblem(text.problem)}: remove it and try again`, { ...text.problem }) };
  }
  const value = text.value.trim();
  if (!value) return { ok: false, error: badInput("required", field, "A reason is required") };
  if (value.length > MAX_REASON_LENGTH) return { ok: false, error: badInput("tooLong", field, `The reason is longer than ${MAX_REASON_LENGTH} characters`, { max: MAX_REASON_LENGTH }) };
  return { ok: true, value };
}
