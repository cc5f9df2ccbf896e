-- Undoing an import batch is a background job: progress per chunk, cancellable, resumed after a
-- crash from its last committed chunk (`last_order_id`), its starts counted like an import's.
CREATE TABLE "batch_undos" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "batch_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "cancelled" INTEGER NOT NULL DEFAULT 0,
    "untouched" INTEGER NOT NULL DEFAULT 0,
    "last_order_id" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "crash_reason" TEXT,
    "actor" TEXT,
    "message" TEXT,
    "message_code" TEXT,
    "message_params" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "batch_undos_batch_id_id_idx" ON "batch_undos"("batch_id", "id");
CREATE INDEX "batch_undos_status_idx" ON "batch_undos"("status");

-- An undo reads its batch in id order, a chunk at a time.
CREATE INDEX "orders_batch_id_id_idx" ON "orders"("batch_id", "id");
