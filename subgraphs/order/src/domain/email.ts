/** The e-mail rule orders and imported rows share (no other imports: the import worker loads it). */

// Practical e-mail check: one @, no spaces, a dot in the domain, no empty labels.
const EMAIL_RE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function isValidEmail(email: string): boolean {
  return email.length <= 254 && EMAIL_RE.test(email);
}
