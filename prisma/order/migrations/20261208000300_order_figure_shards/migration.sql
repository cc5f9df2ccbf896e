-- order_figures gains `shard` in its key (see schema.prisma): on PostgreSQL concurrent writers
-- add to different rows of a figure; here, with one writer, every row stays in shard 0 and the
-- triggers are unchanged. SQLite cannot change a primary key in place: the table is rebuilt, its
-- triggers dropped first and created again after it.
DROP TRIGGER "order_figures_insert";
DROP TRIGGER "order_figures_delete";
DROP TRIGGER "order_figures_update";
CREATE TABLE "new_order_figures" (
    "day" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "batch_id" TEXT NOT NULL DEFAULT '',
    "shard" INTEGER NOT NULL DEFAULT 0,
    "orders" INTEGER NOT NULL DEFAULT 0,
    "amount" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("day", "status", "batch_id", "shard")
);
INSERT INTO "new_order_figures" ("day", "status", "batch_id", "orders", "amount") SELECT "day", "status", "batch_id", "orders", "amount" FROM "order_figures";
DROP TABLE "order_figures";
ALTER TABLE "new_order_figures" RENAME TO "order_figures";
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
