/**
 * The outbox and the processed-events marks, written inside the caller's transaction (the
 * transactional outbox, DESIGN section 5): a committed change always has its events, a
 * rolled-back one never does. The dispatcher delivers the rows afterwards.
 */
import { insertMany } from "@ops/service-kit/data";
import type { EventEnvelope } from "@ops/service-kit/lite";
import { stamp, type OrderConn } from "./index.js";

/** An event and the services it goes to. */
export interface OutgoingEvent {
  event: EventEnvelope;
  destinations: readonly string[];
}

/** Writes the events, one outbox row per destination, a few statements however many events. */
export async function enqueueEvents(conn: OrderConn, events: readonly OutgoingEvent[]): Promise<void> {
  const now = stamp(new Date());
  const rows = events.flatMap(({ event, destinations }) => {
    const payload = JSON.stringify(event);
    return destinations.map((destination) => ({
      event_id: event.id,
      destination,
      type: event.type,
      payload,
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }));
  });
  await insertMany(conn, "outbox", rows);
}

/**
 * Records `event` as processed; false when it already was: the caller then does nothing
 * (exactly-once effect of at-least-once delivery).
 */
export async function markProcessed(conn: OrderConn, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean> {
  const result = await conn
    .insertInto("processed_events")
    .values({ event_id: event.id, type: event.type, source: event.source, processed_at: stamp(new Date()) })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}
