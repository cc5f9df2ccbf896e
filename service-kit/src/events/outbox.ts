/**
 * The transactional outbox: an event is written in the same database transaction as the state
 * change it describes (one row per destination), so a committed change always has its event and
 * a rolled-back one never does. The dispatcher delivers the rows afterwards.
 */
import { sqlDate } from "../sqliteBasics.js";
import type { EventEnvelope } from "./envelope.js";

/** Anything that runs raw SQL inside the caller's transaction (a Prisma transaction client). */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

const INSERT_OUTBOX = `INSERT INTO outbox (event_id, destination, type, payload, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 'pending', 0, ?, ?)`;

/** Something that prepares statements synchronously (a better-sqlite3 connection in a bulk path). */
export interface SyncDatabase {
  prepare(sql: string): { run(...params: unknown[]): unknown };
}

/** `enqueueEvent` for bulk paths on a better-sqlite3 connection, inside the caller's transaction. */
export function enqueueEventSync(db: SyncDatabase, event: EventEnvelope, destinations: readonly string[]): void {
  const now = sqlDate(new Date());
  const payload = JSON.stringify(event);
  const insert = db.prepare(INSERT_OUTBOX);
  for (const destination of destinations) insert.run(event.id, destination, event.type, payload, now, now);
}

/** Writes `event` for each destination inside the caller's transaction `tx`. */
export async function enqueueEvent(tx: RawExecutor, event: EventEnvelope, destinations: readonly string[]): Promise<void> {
  const now = sqlDate(new Date());
  const payload = JSON.stringify(event);
  for (const destination of destinations) {
    await tx.$executeRawUnsafe(
      INSERT_OUTBOX,
      event.id,
      destination,
      event.type,
      payload,
      now,
      now,
    );
  }
}

/**
 * Records `eventId` as processed inside the receiver's transaction. Returns false when it was
 * already processed: the caller then does nothing (exactly-once effect of at-least-once delivery).
 */
export async function markProcessed(tx: RawExecutor, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    `INSERT OR IGNORE INTO processed_events (event_id, type, source, processed_at) VALUES (?, ?, ?, ?)`,
    event.id,
    event.type,
    event.source,
    sqlDate(new Date()),
  );
  return inserted === 1;
}

/** `markProcessed` on a bulk (better-sqlite3) connection, inside the caller's transaction. */
export function markProcessedSync(db: SyncDatabase, event: Pick<EventEnvelope, "id" | "type" | "source">): boolean {
  const result = db.prepare(`INSERT OR IGNORE INTO processed_events (event_id, type, source, processed_at) VALUES (?, ?, ?, ?)`).run(event.id, event.type, event.source, sqlDate(new Date())) as { changes: number };
  return result.changes === 1;
}
