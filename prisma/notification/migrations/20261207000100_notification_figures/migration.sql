-- Notifications counted per status, channel, template and import batch ('' when none), kept by
-- triggers on every write: the list's total and a batch's counts read a few rows instead of
-- counting over a million notifications per request. (INSERT OR IGNORE then UPDATE: an upsert in a
-- trigger makes SQLite journal every statement that fires it — slow for bulk inserts.)
CREATE TABLE "notification_figures" (
    "status" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "template_name" TEXT NOT NULL,
    "batch_id" TEXT NOT NULL DEFAULT '',
    "count" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("status", "channel", "template_name", "batch_id")
);
CREATE INDEX "notification_figures_batch_id_idx" ON "notification_figures"("batch_id");

CREATE TRIGGER "notification_figures_insert" AFTER INSERT ON "notifications" BEGIN
  INSERT OR IGNORE INTO "notification_figures" ("status", "channel", "template_name", "batch_id") VALUES (NEW."status", NEW."channel", NEW."template_name", COALESCE(NEW."batch_id", ''));
  UPDATE "notification_figures" SET "count" = "count" + 1
  WHERE "status" = NEW."status" AND "channel" = NEW."channel" AND "template_name" = NEW."template_name" AND "batch_id" = COALESCE(NEW."batch_id", '');
END;

CREATE TRIGGER "notification_figures_delete" AFTER DELETE ON "notifications" BEGIN
  UPDATE "notification_figures" SET "count" = "count" - 1
  WHERE "status" = OLD."status" AND "channel" = OLD."channel" AND "template_name" = OLD."template_name" AND "batch_id" = COALESCE(OLD."batch_id", '');
END;

CREATE TRIGGER "notification_figures_update" AFTER UPDATE OF "status", "channel", "template_name", "batch_id" ON "notifications"
WHEN OLD."status" IS NOT NEW."status" OR OLD."channel" IS NOT NEW."channel" OR OLD."template_name" IS NOT NEW."template_name" OR OLD."batch_id" IS NOT NEW."batch_id"
BEGIN
  UPDATE "notification_figures" SET "count" = "count" - 1
  WHERE "status" = OLD."status" AND "channel" = OLD."channel" AND "template_name" = OLD."template_name" AND "batch_id" = COALESCE(OLD."batch_id", '');
  INSERT OR IGNORE INTO "notification_figures" ("status", "channel", "template_name", "batch_id") VALUES (NEW."status", NEW."channel", NEW."template_name", COALESCE(NEW."batch_id", ''));
  UPDATE "notification_figures" SET "count" = "count" + 1
  WHERE "status" = NEW."status" AND "channel" = NEW."channel" AND "template_name" = NEW."template_name" AND "batch_id" = COALESCE(NEW."batch_id", '');
END;

INSERT INTO "notification_figures" ("status", "channel", "template_name", "batch_id", "count")
SELECT "status", "channel", "template_name", COALESCE("batch_id", ''), COUNT(*) FROM "notifications" GROUP BY 1, 2, 3, 4;

-- The list newest first, and a batch's notifications newest first.
CREATE INDEX "notifications_created_at_idx" ON "notifications"("created_at");
CREATE INDEX "notifications_batch_id_created_at_idx" ON "notifications"("batch_id", "created_at");
