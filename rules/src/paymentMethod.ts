/**
 * How a payment was or will be made: an identifier such as `credit_card`, `bank_transfer`,
 * `konbini`, `paypay` or `cash_on_delivery` — a letter, then letters, digits or underscores, 1 to
 * 50 characters. Surrounding spaces are dropped and ASCII capitals folded (`Credit_Card` is
 * `credit_card`), so the API and the CSV import take exactly the same values; nothing else is
 * folded (a full-width or look-alike letter is refused, never turned into an ASCII one).
 */
import { badInput, type Checked } from "./ruleError.js";

/** What a payment is made with when nobody says. */
export const DEFAULT_PAYMENT_METHOD = "credit_card";
/** Longest payment method identifier. */
export const MAX_PAYMENT_METHOD_LENGTH = 50;
/** The identifier's shape once folded, as a pattern for messages and clients. */
export const PAYMENT_METHOD_PATTERN = "^[a-z][a-z0-9_]*$";

/** True when `value` (already folded) is a payment method identifier; char checks, no regex (the CSV import runs it per row). */
function isMethodIdentifier(value: string): boolean {
  const n = value.length;
  if (n < 1 || n > MAX_PAYMENT_METHOD_LENGTH) return false;
  let c = value.charCodeAt(0);
  if (c < 0x61 || c > 0x7a) return false;
  for (let i = 1; i < n; i++) {
    c = value.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x5f)) return false;
  }
  return true;
}

/** `value` trimmed, with A–Z folded to a–z (and nothing else: `toLowerCase` would turn the Kelvin sign into a `k`). */
function fold(value: string): string {
  const trimmed = value.trim();
  return /[A-Z]/.test(trimmed) ? trimmed.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x20)) : trimmed;
}

/**
 * Checks a payment method as typed for `field`: the folded identifier, or `invalidPaymentMethod`
 * (`{ value, pattern, max }`). An absent method is the caller's to decide (the API means
 * DEFAULT_PAYMENT_METHOD, an empty CSV cell means no payment).
 */
export function checkPaymentMethod(raw: string, field = "paymentMethod"): Checked<string> {
  const value = fold(raw);
  if (isMethodIdentifier(value)) return { ok: true, value };
  return {
    ok: false,
    error: badInput(
      "invalidPaymentMethod",
      field,
      `"${raw}" is not a payment method: use an identifier of 1 to ${MAX_PAYMENT_METHOD_LENGTH} letters, digits or underscores starting with a letter, such as credit_card, bank_transfer, konbini, paypay or cash_on_delivery`,
      { value: raw, pattern: PAYMENT_METHOD_PATTERN, max: MAX_PAYMENT_METHOD_LENGTH },
    ),
  };
}
