/**
 * An order's e-mail address as typed: trimmed, lower-cased, then the text rule and the e-mail
 * rule (email.ts). Lower-casing first means `Taro@Example.JP` and `taro@example.jp` are one
 * customer wherever the order came from.
 */
import { emailProblem } from "./email.js";
import { badInput, type Checked } from "./ruleError.js";
import { describeTextProblem, findTextProblem } from "./text.js";

/** `value` trimmed and lower-cased (skipping the copy when nothing would change). */
export function normaliseEmail(value: string): string {
  const trimmed = value.trim();
  for (let i = 0; i < trimmed.length; i++) {
    const c = trimmed.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c >= 0x80) return trimmed.toLowerCase();
  }
  return trimmed;
}

/**
 * Checks the address typed for `field`: the normalised address, or `required`, `invalidText`
 * (`{ reason, position, character }`) or `invalidEmail` (`{ value, problem }`: the address as
 * typed and which part of the e-mail rule refused it).
 */
export function checkCustomerEmail(raw: string, field = "customerEmail"): Checked<string> {
  const value = normaliseEmail(raw);
  if (value === "") return { ok: false, error: badInput("required", field, "The customer's e-mail address is required") };
  const text = findTextProblem(raw);
  if (text) {
    return { ok: false, error: badInput("invalidText", field, `The e-mail address contains ${describeTextProblem(text)}: remove it and try again`, { ...text }) };
  }
  const problem = emailProblem(value);
  if (problem) return { ok: false, error: badInput("invalidEmail", field, `"${raw}" is not a valid e-mail address`, { value: raw, problem }) };
  return { ok: true, value };
}
