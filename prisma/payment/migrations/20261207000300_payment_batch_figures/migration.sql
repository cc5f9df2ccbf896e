-- A batch's payments counted per status, kept by triggers: the batch page reads a few rows
-- instead of counting the 300,000 payments of an imported batch per request. (INSERT OR IGNORE
-- then UPDATE, not an upsert: see payment_day_figures.)
CREATE TABLE "payment_batch_figures" (
    "batch_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("batch_id", "status")
);

CREATE TRIGGER "payment_batch_figures_insert" AFTER INSERT ON "payments" WHEN NEW."batch_id" IS NOT NULL BEGIN
  INSERT OR IGNORE INTO "payment_batch_figures" ("batch_id", "status") VALUES (NEW."batch_id", NEW."status");
  UPDATE "payment_batch_figures" SET "count" = "count" + 1 WHERE "batch_id" = NEW."batch_id" AND "status" = NEW."status";
END;

CREATE TRIGGER "payment_batch_figures_delete" AFTER DELETE ON "payments" WHEN OLD."batch_id" IS NOT NULL BEGIN
  UPDATE "payment_batch_figures" SET "count" = "count" - 1 WHERE "batch_id" = OLD."batch_id" AND "status" = OLD."status";
END;

CREATE TRIGGER "payment_batch_figures_update" AFTER UPDATE OF "status", "batch_id" ON "payments"
WHEN OLD."status" IS NOT NEW."status" OR OLD."batch_id" IS NOT NEW."batch_id"
BEGIN
  UPDATE "payment_batch_figures" SET "count" = "count" - 1 WHERE "batch_id" = OLD."batch_id" AND "status" = OLD."status";
  INSERT OR IGNORE INTO "payment_batch_figures" ("batch_id", "status") SELECT NEW."batch_id", NEW."status" WHERE NEW."batch_id" IS NOT NULL;
  UPDATE "payment_batch_figures" SET "count" = "count" + 1 WHERE "batch_id" = NEW."batch_id" AND "status" = NEW."status";
END;

INSERT INTO "payment_batch_figures" ("batch_id", "status", "count")
SELECT "batch_id", "status", COUNT(*) FROM "payments" WHERE "batch_id" IS NOT NULL GROUP BY 1, 2;
