/** SQLite facts every connection shares, free of heavier imports (the import worker loads only these). */

/** Milliseconds a writer waits for another writer's lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

/** Prisma's SQLite DateTime text (`2026-11-25T09:27:44.927+00:00`) for comparisons in SQL. */
export function sqlDate(date: Date): string {
  return date.toISOString().replace("Z", "+00:00");
}
