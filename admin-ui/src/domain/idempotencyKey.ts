/**
 * A fresh idempotency key. `crypto.getRandomValues` works on plain HTTP too, where
 * `crypto.randomUUID` is missing (it needs a secure context).
 */
export function newIdempotencyKey(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
