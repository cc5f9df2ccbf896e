/**
 * The e-mail rule orders and imported rows share (the API, the CSV import, the admin UI).
 * What a shop can send to: `local@domain`, the local part a dot-atom of printable ASCII (dots
 * anywhere, since Japanese carriers issued `taro..yamada.@docomo.ne.jp`), the domain host names
 * (Unicode labels allowed for Japanese domains, such as `例え.jp`). Refused: anything that could
 * smuggle a second address or a header into mail (control characters, angle brackets, commas,
 * quotes), quoted local parts, IP-literal domains, and more than 64 / 254 characters.
 */

/** Why an address was refused. */
export type EmailProblem =
  | "tooLong"
  | "localPartTooLong"
  | "notOneAt"
  | "controlCharacter"
  | "angleBracket"
  | "quotedLocalPart"
  | "ipLiteralDomain"
  | "invalidLocalPart"
  | "invalidDomain";

export const MAX_EMAIL_LENGTH = 254;
export const MAX_LOCAL_PART_LENGTH = 64;

// RFC 5322 atext plus dots, placed anywhere (see above); a local part of dots alone is refused.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const ONLY_DOTS = /^\.+$/;
// Host-name labels of 1 to 63 characters: ASCII letters, digits and hyphens (the common case,
// checked without Unicode tables), or letters, digits and marks of any script.
const ASCII_DOMAIN = /^[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})+$/;
const UNICODE_DOMAIN = /^[\p{L}\p{N}\p{M}-]{1,63}(?:\.[\p{L}\p{N}\p{M}-]{1,63})+$/u;
const HYPHEN_AT_LABEL_END = /(?:^|\.)-|-(?:\.|$)/;
// A numeric top-level label is an IP address written without brackets (user@192.168.0.1).
const NUMERIC_TOP_LEVEL = /\.\d+$/;
// C0, DEL, C1, and the bidirectional controls of the text rule (text.ts).
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The first reason `email` (already trimmed) cannot be an order's address, or null when it can. */
export function emailProblem(email: string): EmailProblem | null {
  if (email.length > MAX_EMAIL_LENGTH) return "tooLong";
  if (CONTROL.test(email) || !email.isWellFormed()) return "controlCharacter";
  if (email.includes("<") || email.includes(">")) return "angleBracket";
  const at = email.lastIndexOf("@");
  if (at < 0 || email.indexOf("@") !== at) return email.startsWith('"') ? "quotedLocalPart" : "notOneAt";
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.startsWith('"')) return "quotedLocalPart";
  if (local.length > MAX_LOCAL_PART_LENGTH) return "localPartTooLong";
  if (!LOCAL_PART.test(local) || ONLY_DOTS.test(local)) return "invalidLocalPart";
  if (domain.startsWith("[")) return "ipLiteralDomain";
  if (!(ASCII_DOMAIN.test(domain) || UNICODE_DOMAIN.test(domain)) || HYPHEN_AT_LABEL_END.test(domain)) return "invalidDomain";
  if (NUMERIC_TOP_LEVEL.test(domain)) return "ipLiteralDomain";
  return null;
}

/** True when `email` (already trimmed) is an address an order may have. */
export function isValidEmail(email: string): boolean {
  return emailProblem(email) === null;
}
