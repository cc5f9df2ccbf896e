-- Delivery tracking: why a notification failed and how often it was tried; lookups by order.
ALTER TABLE "notifications" ADD COLUMN "failure_reason" TEXT;
ALTER TABLE "notifications" ADD COLUMN "attempt_count" INTEGER NOT NULL DEFAULT 0;
CREATE INDEX "notifications_order_id_idx" ON "notifications"("order_id");
