-- Revenue and refunds per Japan day, kept current by triggers, so the dashboard's charts read a
-- few rows instead of every payment of the period. A completion counts on the day of its
-- COMPLETED payment_attempts row (at most one per payment), a refund on its own day
-- (see subgraphs/payment/src/domain/paymentDays.ts). kind: 'completed' | 'refunded'.
-- (INSERT OR IGNORE then UPDATE: an upsert in a trigger makes SQLite journal every statement that
-- fires it — slow for bulk inserts.)
CREATE TABLE "payment_day_figures" (
    "day" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "amount" INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY ("day", "kind")
);

CREATE TRIGGER "payment_day_figures_attempt_insert" AFTER INSERT ON "payment_attempts" WHEN NEW."status" = 'completed' BEGIN
  INSERT OR IGNORE INTO "payment_day_figures" ("day", "kind") VALUES (date(NEW."created_at", '+9 hours'), 'completed');
  UPDATE "payment_day_figures" SET "count" = "count" + 1, "amount" = "amount" + (SELECT "amount" FROM "payments" WHERE "id" = NEW."payment_id")
  WHERE "day" = date(NEW."created_at", '+9 hours') AND "kind" = 'completed';
END;

CREATE TRIGGER "payment_day_figures_attempt_delete" AFTER DELETE ON "payment_attempts" WHEN OLD."status" = 'completed' BEGIN
  UPDATE "payment_day_figures" SET "count" = "count" - 1, "amount" = "amount" - COALESCE((SELECT "amount" FROM "payments" WHERE "id" = OLD."payment_id"), 0)
  WHERE "day" = date(OLD."created_at", '+9 hours') AND "kind" = 'completed';
END;

CREATE TRIGGER "payment_day_figures_refund_insert" AFTER INSERT ON "refunds" WHEN NEW."status" = 'completed' BEGIN
  INSERT OR IGNORE INTO "payment_day_figures" ("day", "kind") VALUES (date(NEW."created_at", '+9 hours'), 'refunded');
  UPDATE "payment_day_figures" SET "count" = "count" + 1, "amount" = "amount" + NEW."amount"
  WHERE "day" = date(NEW."created_at", '+9 hours') AND "kind" = 'refunded';
END;

CREATE TRIGGER "payment_day_figures_refund_delete" AFTER DELETE ON "refunds" WHEN OLD."status" = 'completed' BEGIN
  UPDATE "payment_day_figures" SET "count" = "count" - 1, "amount" = "amount" - OLD."amount"
  WHERE "day" = date(OLD."created_at", '+9 hours') AND "kind" = 'refunded';
END;

INSERT INTO "payment_day_figures" ("day", "kind", "count", "amount")
SELECT date(a."created_at", '+9 hours'), 'completed', COUNT(*), SUM(p."amount")
FROM "payment_attempts" a JOIN "payments" p ON p."id" = a."payment_id" WHERE a."status" = 'completed' GROUP BY 1;
INSERT INTO "payment_day_figures" ("day", "kind", "count", "amount")
SELECT date("created_at", '+9 hours'), 'refunded', COUNT(*), SUM("amount") FROM "refunds" WHERE "status" = 'completed' GROUP BY 1
ON CONFLICT ("day", "kind") DO UPDATE SET "count" = "count" + excluded."count", "amount" = "amount" + excluded."amount";
