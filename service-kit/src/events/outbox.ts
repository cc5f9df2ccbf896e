/**
 * The transactional outbox: an event is written in the same database transaction as the state
 * change it describes (one row per destination), so a committed change always has its event and
 * a rolled-back one never does. The dispatcher delivers the rows afterwards.
 *
 * `enqueueEvent` and `markProcessed` take the caller's Kysely transaction (SQLite or PostgreSQL,
 * from `ServiceDb.transaction`).
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

/**
 * Writes `event` for each of `destinations` inside the caller's transaction `trx` (one statement
 * for all destinations), due at once.
 */
export async function enqueueEvent<DB extends OutboxTables>(trx: Kysely<DB> | Transaction<DB>, event: EventEnvelope, destinations: readonly string[]): Promise<void> {
  if (destinations.length === 0) return;
  // Both databases read this text: SQLite compares it as Prisma's DateTime text, PostgreSQL
  // parses it into its `timestamp` column (the offset is +00:00, the column holds UTC).
  const now = sqlDate(new Date());
  const payload = JSON.stringify(event);
  await (trx as unknown as Kysely<OutboxSchema>)
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
export async function markProcessed<DB extends ProcessedEventTables>(trx: Kysely<DB> | Transaction<DB>, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean> {
  const processedAt = sqlDate(new Date());
  const result = await (trx as unknown as Kysely<OutboxSchema>)
    .insertInto("processed_events")
    .values({ event_id: event.id, type: event.type, source: event.source, processed_at: processedAt })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
