-- Cross-service events: the transactional outbox (one row per event and destination), a record
-- of every delivery attempt, and the ids of events already applied here (deduplication).
CREATE TABLE "outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "event_id" TEXT NOT NULL,
    "destination" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL,
    "last_error" TEXT,
    "created_at" DATETIME NOT NULL,
    "delivered_at" DATETIME
);
CREATE UNIQUE INDEX "outbox_event_id_destination_key" ON "outbox"("event_id", "destination");
CREATE INDEX "outbox_status_next_attempt_at_idx" ON "outbox"("status", "next_attempt_at");

CREATE TABLE "outbox_attempts" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "outbox_id" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "http_status" INTEGER,
    "error" TEXT,
    "duration_ms" INTEGER NOT NULL,
    CONSTRAINT "outbox_attempts_outbox_id_fkey" FOREIGN KEY ("outbox_id") REFERENCES "outbox" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "outbox_attempts_outbox_id_idx" ON "outbox_attempts"("outbox_id");

CREATE TABLE "processed_events" (
    "event_id" TEXT NOT NULL PRIMARY KEY,
    "type" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "processed_at" DATETIME NOT NULL
);
