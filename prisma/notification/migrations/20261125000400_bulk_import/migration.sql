-- Bulk order import (seed section 7): notifications of one import batch, and the status
-- 'not_sent' (stored like the others in the TEXT status column) for deliberately unsent ones.
ALTER TABLE "notifications" ADD COLUMN "batch_id" TEXT;
CREATE INDEX "notifications_batch_id_idx" ON "notifications"("batch_id");
-- The sweeper looks for PENDING notifications left behind by a crash.
CREATE INDEX "notifications_status_created_at_idx" ON "notifications"("status", "created_at");
