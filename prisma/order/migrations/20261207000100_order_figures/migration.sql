-- Orders counted and summed per Japan day, status and import batch, kept current by triggers on
-- every write to orders, whatever path makes it (the API, an import chunk, a bulk move). Totals
-- of the orders list (status, dates, batch filters), the dashboard's figures and orderDays read
-- these few rows instead of counting a million orders per request.
-- `day` is the Japan calendar day of created_at (Japan has no daylight saving: +9 hours);
-- `batch_id` is '' for orders that were not imported. The triggers add with INSERT OR IGNORE then
-- UPDATE rather than an upsert: an upsert inside a trigger makes SQLite journal every statement
-- that fires it, which cost a bulk import of 33,000 orders about a second.
CREATE TABLE "order_figures" (
    "day" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "batch_id" TEXT NOT NULL DEFAULT '',
    "orders" INTEGER NOT NULL DEFAULT 0,
    "amount" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("day", "status", "batch_id")
);
CREATE INDEX "order_figures_batch_id_idx" ON "order_figures"("batch_id");

CREATE TRIGGER "order_figures_insert" AFTER INSERT ON "orders" BEGIN
  INSERT OR IGNORE INTO "order_figures" ("day", "status", "batch_id") VALUES (date(NEW."created_at", '+9 hours'), NEW."status", COALESCE(NEW."batch_id", ''));
  UPDATE "order_figures" SET "orders" = "orders" + 1, "amount" = "amount" + NEW."total_amount"
  WHERE "day" = date(NEW."created_at", '+9 hours') AND "status" = NEW."status" AND "batch_id" = COALESCE(NEW."batch_id", '');
END;

CREATE TRIGGER "order_figures_delete" AFTER DELETE ON "orders" BEGIN
  UPDATE "order_figures" SET "orders" = "orders" - 1, "amount" = "amount" - OLD."total_amount"
  WHERE "day" = date(OLD."created_at", '+9 hours') AND "status" = OLD."status" AND "batch_id" = COALESCE(OLD."batch_id", '');
END;

CREATE TRIGGER "order_figures_update" AFTER UPDATE OF "status", "total_amount", "created_at", "batch_id" ON "orders"
WHEN OLD."status" IS NOT NEW."status" OR OLD."total_amount" IS NOT NEW."total_amount" OR OLD."created_at" IS NOT NEW."created_at" OR OLD."batch_id" IS NOT NEW."batch_id"
BEGIN
  UPDATE "order_figures" SET "orders" = "orders" - 1, "amount" = "amount" - OLD."total_amount"
  WHERE "day" = date(OLD."created_at", '+9 hours') AND "status" = OLD."status" AND "batch_id" = COALESCE(OLD."batch_id", '');
  INSERT OR IGNORE INTO "order_figures" ("day", "status", "batch_id") VALUES (date(NEW."created_at", '+9 hours'), NEW."status", COALESCE(NEW."batch_id", ''));
  UPDATE "order_figures" SET "orders" = "orders" + 1, "amount" = "amount" + NEW."total_amount"
  WHERE "day" = date(NEW."created_at", '+9 hours') AND "status" = NEW."status" AND "batch_id" = COALESCE(NEW."batch_id", '');
END;

-- The orders that exist already.
INSERT INTO "order_figures" ("day", "status", "batch_id", "orders", "amount")
SELECT date("created_at", '+9 hours'), "status", COALESCE("batch_id", ''), COUNT(*), SUM("total_amount")
FROM "orders" GROUP BY 1, 2, 3;
