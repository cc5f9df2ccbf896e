-- Domain rules of the federated core: name search key, cancel reason, status history,
-- and the indexes the order list filters and sorts by.
ALTER TABLE "orders" ADD COLUMN "customer_name_key" TEXT NOT NULL DEFAULT '';
ALTER TABLE "orders" ADD COLUMN "cancel_reason" TEXT;

CREATE INDEX "orders_created_at_idx" ON "orders"("created_at");
CREATE INDEX "orders_status_created_at_idx" ON "orders"("status", "created_at");
CREATE INDEX "orders_customer_email_idx" ON "orders"("customer_email");

CREATE TABLE "order_status_changes" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "order_id" INTEGER NOT NULL,
    "from_status" TEXT NOT NULL,
    "to_status" TEXT NOT NULL,
    "reason" TEXT,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "order_status_changes_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "order_status_changes_order_id_idx" ON "order_status_changes"("order_id");
