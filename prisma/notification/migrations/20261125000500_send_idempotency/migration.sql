-- sendNotification takes an idempotency key: the same key sends one message, however often the
-- request arrives (a retry after a timeout, a double click).
-- AlterTable
ALTER TABLE "notifications" ADD COLUMN "idempotency_key" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "notifications_idempotency_key_key" ON "notifications"("idempotency_key");
