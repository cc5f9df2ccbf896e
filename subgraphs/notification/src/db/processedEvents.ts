/** Events already applied here: the receiver records each id in its own transaction. */
import type { EventEnvelope } from "@ops/service-kit";
import type { NotificationExecutor } from "./database.js";
import { at } from "./rows.js";

/** Records `event` as processed; false when it already was (the caller then does nothing). */
export async function markProcessed(db: NotificationExecutor, event: Pick<EventEnvelope, "id" | "type" | "source">): Promise<boolean> {
  const result = await db
    .insertInto("processed_events")
    .values({ event_id: event.id, type: event.type, source: event.source, processed_at: at(new Date()) })
    .onConflict((oc) => oc.column("event_id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}
