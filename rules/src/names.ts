/**
 * The names on an order: the customer's and each product's. Any Unicode text the text rule
 * accepts (no control or bidirectional characters), trimmed, 1 to MAX_NAME_LENGTH characters.
 * Not normalised: NFC would replace the vendor kanji of CP932 names (塚 U+FA10, 神 U+FA19) with
 * other code points; searching folds them through the order service's name key anyway.
 */
import { MAX_NAME_LENGTH } from "./orderLimits.js";
import { badInput, type Checked } from "./ruleError.js";
import { describeTextProblem, findTextProblem } from "./text.js";

/** How a reason names the field: "The customer name", "The product name". */
export type NameKind = "customer" | "product";

const LABEL: Record<NameKind, string> = { customer: "The customer name", product: "The product name" };

/**
 * Checks a name as typed (`raw`, surrounding spaces allowed) for `field`: the trimmed name, or
 * `invalidText` (params `{ reason, position, character }`, the position in `raw`), `required`
 * or `tooLong` (`{ max }`).
 */
export function checkName(raw: string, kind: NameKind, field: string): Checked<string> {
  const text = findTextProblem(raw);
  if (text) {
    return { ok: false, error: badInput("invalidText", field, `${LABEL[kind]} contains ${describeTextProblem(text)}: remove it and try again`, { ...text }) };
  }
  const value = raw.trim();
  if (!value) return { ok: false, error: badInput("required", field, `${LABEL[kind]} is required`) };
  if (value.length > MAX_NAME_LENGTH) {
    return { ok: false, error: badInput("tooLong", field, `${LABEL[kind]} is longer than ${MAX_NAME_LENGTH} characters`, { max: MAX_NAME_LENGTH }) };
  }
  return { ok: true, value };
}
