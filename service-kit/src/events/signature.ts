/**
 * Webhook signatures, shaped like Stripe's: `Ops-Signature: t=<unix seconds>,v1=<hex>` where v1 is
 * HMAC-SHA256 over `<t>.<raw body>` with the shared webhook secret. The receiver refuses a bad
 * signature and a timestamp outside the tolerance window (replay).
 */
import crypto from "node:crypto";

export const SIGNATURE_HEADER = "ops-signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

export class SignatureError extends Error {}

/**
 * The body as bytes or text (text is signed as its UTF-8 bytes). Bytes are hashed as they are: an
 * import's event carries a megabyte of Japanese text, and encoding it again for the hash cost the
 * sender and the receiver each about as much CPU as the hash itself.
 */
export type WebhookBody = string | Uint8Array;

function hmac(secret: string, timestamp: number, body: WebhookBody): string {
  return crypto.createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The header value for `body` signed at `now`. */
export function signWebhook(secret: string, body: WebhookBody, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/** Throws SignatureError unless `header` signs `body` with `secret` within `toleranceSeconds` of `now`. */
export function verifyWebhook(secret: string, header: string | undefined, body: WebhookBody, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now()): void {
  if (!header) throw new SignatureError("missing signature header");
  const parts = new Map<string, string[]>();
  for (const item of header.split(",")) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    parts.set(key, [...(parts.get(key) ?? []), item.slice(eq + 1).trim()]);
  }
  const t = Number(parts.get("t")?.[0]);
  if (!Number.isInteger(t)) throw new SignatureError("signature has no timestamp");
  if (Math.abs(now / 1000 - t) > toleranceSeconds) throw new SignatureError("signature timestamp outside the tolerance window");
  const expected = Buffer.from(hmac(secret, t, body), "hex");
  const valid = (parts.get("v1") ?? []).some((sig) => {
    const given = Buffer.from(sig, "hex");
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
  if (!valid) throw new SignatureError("signature does not match");
}
