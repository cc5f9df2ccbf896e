/** Phone numbers for SMS: Japanese mobile numbers as people write them, or E.164. Pure. */
import { BadUserInputError, requireCleanText } from "@ops/service-kit";

// Hyphens people type in Japan, including the long-vowel mark and full-width forms (after NFKC).
const SEPARATORS = /[\s\-‐‑‒–—―−ー().]/g;
// Japanese mobile and M2M prefixes that receive SMS: 060, 070, 080, 090, then 8 digits.
const JP_MOBILE = /^0[6-9]0\d{8}$/;
const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Normalises a phone number to E.164 (`090-1234-5678` → `+819012345678`). Accepts Japanese
 * mobile numbers with or without separators, full-width digits, and E.164 numbers of any
 * country. Throws BAD_USER_INPUT on `field` otherwise (landlines cannot receive SMS).
 */
export function normalisePhoneNumber(raw: string, field = "input.phoneNumber"): string {
  // Before the separators are dropped: they include \s, which would hide a line break inside.
  const compact = requireCleanText(raw, field).normalize("NFKC").replace(SEPARATORS, "");
  const refuse = (reason: string): never => {
    throw new BadUserInputError(`"${raw}" ${reason}`, {
      field,
      params: { value: raw, examples: ["090-1234-5678", "+819012345678"] },
    });
  };
  if (compact.startsWith("+81")) {
    // "+81 (0)90…" keeps the domestic trunk 0; E.164 drops it.
    const national = compact.slice(3).replace(/^0?/, "0");
    if (!JP_MOBILE.test(national)) refuse("is not a Japanese mobile number that can receive SMS");
    return `+81${national.slice(1)}`;
  }
  if (compact.startsWith("+")) {
    if (!E164.test(compact)) refuse("is not an E.164 phone number (+, country code, up to 15 digits)");
    return compact;
  }
  if (JP_MOBILE.test(compact)) return `+81${compact.slice(1)}`;
  if (/^0\d{9}$/.test(compact)) refuse("is a landline number, which cannot receive SMS; give a mobile number");
  return refuse("is not a valid phone number; write a Japanese mobile number like 090-1234-5678 or E.164 like +819012345678");
}
