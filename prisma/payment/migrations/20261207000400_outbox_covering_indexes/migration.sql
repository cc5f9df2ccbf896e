-- The outbox's payload (up to a few MB: an event of 2,000 orders) sits before status and attempts
-- in each row; SQLite reads a column after it by walking the payload's overflow pages. Counting
-- the outbox by status, or picking the due events, read every payload (a dashboard's outbox figures
-- took seconds after a large import). These indexes hold what those queries read, so they never
-- touch the rows.
CREATE INDEX "outbox_status_attempts_idx" ON "outbox"("status", "attempts");
CREATE INDEX "outbox_due_idx" ON "outbox"("status", "next_attempt_at", "id", "attempts", "destination", "type", "event_id");
DROP INDEX "outbox_status_next_attempt_at_idx";
