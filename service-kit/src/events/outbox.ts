/**
 * The transactional outbox: an event is written in the same database transaction as the state
 * change it describes (one row per destination), so a committed change always has its event and
 * a rolled-back one never does. The dispatcher delivers the rows afterwards.
 *
 * `enqueueEvent` and `markProcessed` take the caller's Kysely transaction (SQLite or PostgreSQL,
 * from `ServiceDb.transaction`); the Prisma and better-sqlite3 forms remain until every service
 * has moved to the data kit.
 */
import type { Kysely, Transaction } from "kysely";
import { sqlDate } from "../sqliteBasics.js";
import type { EventEnvelope } from "./envelope.js";

/**
 * The outbox tables every service's migrations create, as far as the kit relies on them. A
 * service's generated `DB` satisfies it structurally, so its own `Transaction<DB>` is accepted.
 * (The parameters name `Transaction<DB>` as well as `Kysely<DB>`: TypeScript does not infer `DB`
 * through the subclass.)
 */
export interface OutboxTables {
  outbox: { event_id: string; destination: string; type: string; payload: string };
}

/** The table receivers deduplicate on (`processed_events`, primary key `event_id`). */
export interface ProcessedEventTables {
  processed_events: { event_id: string; type: string; source: string };
}

// What the kit writes, typed for its own queries; callers' tables are checked by the interfaces above.
interface OutboxSchema {
  outbox: {
    event_id: string;
    destination: string;
    type: string;
    payload: string;
    status: string;
    attempts: number;
    next_attempt_at: string;
    created_at: string;
  };
  processed_events: { event_id: string; type: string; source: string; processed_at: string };
}

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

function isRawExecutor(tx: unknown): tx is RawExecutor {
  return typeof (tx as Partial<RawExecutor>).$executeRawUnsafe === "function";
}

/**
 * `enqueueEvent` for bulk paths on a better-sqlite3 connection, inside the caller's transaction.
 * @deprecated Use `enqueueEvent(trx, …)` on the service's Kysely transaction; removed once the services have moved.
 */
export function enqueueEventSync(db: SyncDatabase, event: EventEnvelope, destinations: readonly string[]): void {
  const now = sqlDate(new Date());
  const payload = JSON.stringify(event);
  const insert = db.prepare(INSERT_OUTBOX);
  for (const destination of destinations) insert.run(event.id, destination, event.type, payload, now, now);
}

/**
 * Writes `event` for each of `destinations` inside the caller's transaction `trx` (one statement
 * for all destinations), due at once.
 */
export async function enqueueEvent<DB extends OutboxTables>(trx: Kysely<DB> | Transaction<DB>, event: EventEnvelope, destinations: readonly string[]): Promise<void>;
/** @deprecated The Prisma form: use `enqueueEvent(trx, …)` on the service's Kysely transaction. */
export async function enqueueEvent(tx: RawExecutor, event: EventEnvelope, destinations: readonly string[]): Promise<void>;
export async function enqueueEvent(tx: object, event: EventEnvelope, destinations: readonly string[]): Promise<void> {
  if (destinations.length === 0) return;
  // Both databases read this text: SQLite compares it as Prisma's DateTime text, PostgreSQL
  // parses it into its `timestamp` column (the offset is +00:00, the column holds UTC).
  const now = sqlDate(new Date());
  const payload = JSON.stringify(event);
  if (isRawExecutor(tx)) {
    for (const destination of destinations) await tx.$executeRawUnsafe(INSERT_OUTBOX, event.id, destination, event.type, payload, now, now);
    return;
  }
  await (tx as unknown as Kysely<OutboxSchema>)
    .insertInto("outbox")
    .values(
      destinations.map((destination) => ({
        event_id: event.id,
        destination,
        type: event.type,
        payload,
        status: "pending",
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
      })),
    )
    .execute();
}

/**
 * Records `event` as processed inside the receiver's transaction. Returns false when it was
 * already processed: the caller then does nothing (exactly-once effect of at-least-once delivery).
 * `ON CONFLICT DO NOTHING` on both databases, so a concurrent duplicate never fails the transaction.
 */
export async function markProcessed<DB extends ProcessedEventTables>(trx: Kysely<DB> | Transaction<DB>, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean>;
/** @deprecated The Prisma form: use `markProcessed(trx, …)` on the service's Kysely transaction. */
export async function markProcessed(tx: RawExecutor, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean>;
export async function markProcessed(tx: object, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean> {
  const processedAt = sqlDate(new Date());
  if (isRawExecutor(tx)) {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT OR IGNORE INTO processed_events (event_id, type, source, processed_at) VALUES (?, ?, ?, ?)`,
      event.id,
      event.type,
      event.source,
      processedAt,
    );
    return inserted === 1;
  }
  const result = await (tx as unknown as Kysely<OutboxSchema>)
    .insertInto("processed_events")
    .values({ event_id: event.id, type: event.type, source: event.source, processed_at: processedAt })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/**
 * `markProcessed` on a bulk (better-sqlite3) connection, inside the caller's transaction.
 * @deprecated Use `markProcessed(trx, …)` on the service's Kysely transaction; removed once the services have moved.
 */
export function markProcessedSync(db: SyncDatabase, event: Pick<EventEnvelope, "id" | "type" | "source">): boolean {
  const result = db.prepare(`INSERT OR IGNORE INTO processed_events (event_id, type, source, processed_at) VALUES (?, ?, ?, ?)`).run(event.id, event.type, event.source, sqlDate(new Date())) as { changes: number };
  return result.changes === 1;
}
