-- A batch's payments counted per status, kept by triggers: the batch page reads a few rows
-- instead of counting the 300,000 payments of an imported batch per request.
CREATE TABLE "payment_batch_figures" (
    "batch_id" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("batch_id", "status")
);

CREATE TRIGGER "payment_batch_figures_insert" AFTER INSERT ON "payments" WHEN NEW."batch_id" IS NOT NULL BEGIN
  INSERT INTO "payment_batch_figures" ("batch_id", "status", "count") VALUES (NEW."batch_id", NEW."status", 1)
  ON CONFLICT ("batch_id", "status") DO UPDATE SET "count" = "count" + 1;
END;

CREATE TRIGGER "payment_batch_figures_delete" AFTER DELETE ON "payments" WHEN OLD."batch_id" IS NOT NULL BEGIN
  UPDATE "payment_batch_figures" SET "count" = "count" - 1 WHERE "batch_id" = OLD."batch_id" AND "status" = OLD."status";
END;

CREATE TRIGGER "payment_batch_figures_update" AFTER UPDATE OF "status", "batch_id" ON "payments"
WHEN OLD."status" IS NOT NEW."status" OR OLD."batch_id" IS NOT NEW."batch_id"
BEGIN
  UPDATE "payment_batch_figures" SET "count" = "count" - 1 WHERE "batch_id" = OLD."batch_id" AND "status" = OLD."status";
  INSERT INTO "payment_batch_figures" ("batch_id", "status", "count") SELECT NEW."batch_id", NEW."status", 1 WHERE NEW."batch_id" IS NOT NULL
  ON CONFLICT ("batch_id", "status") DO UPDATE SET "count" = "count" + 1;
END;

INSERT INTO "payment_batch_figures" ("batch_id", "status", "count")
SELECT "batch_id", "status", COUNT(*) FROM "payments" WHERE "batch_id" IS NOT NULL GROUP BY 1, 2;
