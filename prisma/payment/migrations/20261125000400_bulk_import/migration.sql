-- Bulk order import (seed section 7): UNIQUE(order_id) stays (one payment per order guards
-- against double charging); an import's payments are grouped and totalled in payment_batches.
ALTER TABLE "payments" ADD COLUMN "batch_id" TEXT;
CREATE INDEX "payments_batch_id_idx" ON "payments"("batch_id");

CREATE TABLE "payment_batches" (
    "batch_id" TEXT NOT NULL PRIMARY KEY,
    "order_count" INTEGER NOT NULL DEFAULT 0,
    "total_amount" REAL NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'open',
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
