/**
 * The shop's one currency. Absent or empty means JPY; otherwise JPY in any case or width, 円, or a
 * yen mark — `\` included: Shift_JIS has no other ¥ than 0x5C, which CP932 decodes as a
 * backslash (Excel in Japan saves ¥ so, and shows it as ¥). Amounts are whole yen.
 */
import { badInput, type Checked } from "./ruleError.js";

export const CURRENCY = "JPY";

/** True when `raw` names the yen (see above). */
export function isYen(raw: string | null | undefined): boolean {
  const value = (raw ?? "").trim();
  if (value === "" || value === CURRENCY) return true;
  const folded = value.normalize("NFKC").toUpperCase();
  return folded === CURRENCY || folded === "円" || folded === "¥" || folded === "\\";
}

/** Checks the currency typed for `field`: "JPY", or `unsupportedCurrency` (`{ allowed: ["JPY"], value }`). */
export function checkCurrency(raw: string | null | undefined, field = "currency"): Checked<"JPY"> {
  if (isYen(raw)) return { ok: true, value: CURRENCY };
  return { ok: false, error: badInput("unsupportedCurrency", field, `Currency ${raw} is not supported; orders are in ${CURRENCY}`, { allowed: [CURRENCY], value: raw }) };
}
