/** The receiver's dedup mark on the bulk connection (service-kit's `markProcessed` is for Prisma). */
import { sqlDate, type EventEnvelope } from "@ops/service-kit";
import type { BulkDb } from "../bulkDb.js";

const MARK = `INSERT OR IGNORE INTO processed_events (event_id, type, source, processed_at) VALUES (?, ?, ?, ?)`;

/** Records `event` as processed inside the caller's transaction; false when it was already. */
export function markProcessedSync(db: BulkDb, event: Pick<EventEnvelope, "id" | "type" | "source">): boolean {
  return db.statement(MARK).run(event.id, event.type, event.source, sqlDate(new Date())).changes === 1;
}
