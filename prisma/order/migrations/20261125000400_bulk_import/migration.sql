-- Bulk order import (seed section 7): where an order came from, import history with progress,
-- per-row errors. (Rows are staged in a temporary table of the import's own connection.)
ALTER TABLE "orders" ADD COLUMN "batch_id" TEXT;
ALTER TABLE "orders" ADD COLUMN "csv_source" TEXT;
ALTER TABLE "orders" ADD COLUMN "import_row_number" INTEGER;
ALTER TABLE "orders" ADD COLUMN "order_key" TEXT;
-- Resuming a batch can never duplicate an order (NULLs, i.e. orders not imported, are distinct).
CREATE UNIQUE INDEX "orders_batch_id_order_key_key" ON "orders"("batch_id", "order_key");
CREATE INDEX "orders_batch_id_import_row_number_idx" ON "orders"("batch_id", "import_row_number");

CREATE TABLE "import_history" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "batch_id" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "checksum" TEXT NOT NULL,
    "file_size" INTEGER NOT NULL,
    "encoding" TEXT,
    "total_rows" INTEGER NOT NULL DEFAULT 0,
    "success_count" INTEGER NOT NULL DEFAULT 0,
    "failure_count" INTEGER NOT NULL DEFAULT 0,
    "orders_created" INTEGER NOT NULL DEFAULT 0,
    "valid_orders" INTEGER NOT NULL DEFAULT 0,
    "bytes_read" INTEGER NOT NULL DEFAULT 0,
    "rows_done" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "phase" TEXT,
    "options" TEXT NOT NULL,
    "upload_path" TEXT NOT NULL,
    "retry_of" INTEGER,
    "actor" TEXT,
    "message" TEXT,
    "unknown_columns" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" DATETIME,
    "finished_at" DATETIME,
    "updated_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX "import_history_checksum_idx" ON "import_history"("checksum");
CREATE INDEX "import_history_batch_id_idx" ON "import_history"("batch_id");
CREATE INDEX "import_history_created_at_idx" ON "import_history"("created_at");

CREATE TABLE "import_errors" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "import_id" INTEGER NOT NULL,
    "row_number" INTEGER NOT NULL,
    "column" TEXT,
    "value" TEXT,
    "reason" TEXT NOT NULL,
    "order_key" TEXT
);
CREATE INDEX "import_errors_import_id_row_number_idx" ON "import_errors"("import_id", "row_number");
