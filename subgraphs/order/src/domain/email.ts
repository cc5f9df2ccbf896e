/**
 * The e-mail rule orders and imported rows share (no other imports: the import worker loads it).
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

// RFC 5322 atext plus dots (placed anywhere, see above); at least one character that is not a dot.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]*[A-Za-z0-9!#$%&'*+/=?^_`{|}~-][A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]*$/;
// A host-name label: letters (any script), digits and marks; hyphens inside, never at either end.
const LABEL = /^[\p{L}\p{N}\p{M}](?:[\p{L}\p{N}\p{M}-]{0,61}[\p{L}\p{N}\p{M}])?$/u;
const NUMERIC = /^\d+$/;
// C0, DEL, C1, and the bidirectional controls of service-kit's text rule.
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
  if (!LOCAL_PART.test(local)) return "invalidLocalPart";
  if (domain.startsWith("[")) return "ipLiteralDomain";
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return "invalidDomain";
  // A numeric top-level label is an IP address written without brackets (user@192.168.0.1).
  if (NUMERIC.test(labels[labels.length - 1]!)) return "ipLiteralDomain";
  return null;
}

/** True when `email` (already trimmed) is an address an order may have. */
export function isValidEmail(email: string): boolean {
  return emailProblem(email) === null;
}
