-- What Prisma cannot express, as the SQLite migrations hand-write it: CHECKs, and the triggers that
-- keep payment_day_figures and payment_batch_figures current on every write, whatever path makes it.
-- The triggers run once per statement over its transition tables (a bulk insert adds to each figure
-- once); figures are upserted in key order so concurrent writers wait instead of deadlocking.
-- A completion counts on the Japan day (UTC +9 hours) of its COMPLETED payment_attempts row, a
-- refund on its own day (see subgraphs/payment/src/domain/paymentDays.ts).
ALTER TABLE "payments" ADD CONSTRAINT "payments_amount_check" CHECK ("amount" >= 100 AND "amount" <= 1000000);
ALTER TABLE "refunds" ADD CONSTRAINT "refunds_kind_check" CHECK ("kind" IN ('operator', 'cancellation', 'compensation'));

CREATE FUNCTION "payment_day_figures_attempts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "payment_day_figures" AS f ("day", "kind", "count", "amount")
    SELECT to_char(a."created_at" + interval '9 hours', 'YYYY-MM-DD'), 'completed', COUNT(*), SUM(p."amount")
    FROM new_rows a JOIN "payments" p ON p."id" = a."payment_id" WHERE a."status" = 'completed' GROUP BY 1 ORDER BY 1
    ON CONFLICT ("day", "kind") DO UPDATE SET "count" = f."count" + excluded."count", "amount" = f."amount" + excluded."amount";
  ELSE
    -- The payment may be gone already (a cascade from payments): its amount then counts as 0, as on SQLite.
    UPDATE "payment_day_figures" f SET "count" = f."count" - d."count", "amount" = f."amount" - d."amount"
    FROM (SELECT to_char(a."created_at" + interval '9 hours', 'YYYY-MM-DD') AS "day", COUNT(*) AS "count", COALESCE(SUM(p."amount"), 0) AS "amount"
          FROM old_rows a LEFT JOIN "payments" p ON p."id" = a."payment_id" WHERE a."status" = 'completed' GROUP BY 1) d
    WHERE f."day" = d."day" AND f."kind" = 'completed';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION "payment_day_figures_refunds"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "payment_day_figures" AS f ("day", "kind", "count", "amount")
    SELECT to_char(r."created_at" + interval '9 hours', 'YYYY-MM-DD'), 'refunded', COUNT(*), SUM(r."amount")
    FROM new_rows r WHERE r."status" = 'completed' GROUP BY 1 ORDER BY 1
    ON CONFLICT ("day", "kind") DO UPDATE SET "count" = f."count" + excluded."count", "amount" = f."amount" + excluded."amount";
  ELSE
    UPDATE "payment_day_figures" f SET "count" = f."count" - d."count", "amount" = f."amount" - d."amount"
    FROM (SELECT to_char(r."created_at" + interval '9 hours', 'YYYY-MM-DD') AS "day", COUNT(*) AS "count", SUM(r."amount") AS "amount"
          FROM old_rows r WHERE r."status" = 'completed' GROUP BY 1) d
    WHERE f."day" = d."day" AND f."kind" = 'refunded';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "payment_day_figures_attempt_insert" AFTER INSERT ON "payment_attempts" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_day_figures_attempts"();
CREATE TRIGGER "payment_day_figures_attempt_delete" AFTER DELETE ON "payment_attempts" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_day_figures_attempts"();
CREATE TRIGGER "payment_day_figures_refund_insert" AFTER INSERT ON "refunds" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_day_figures_refunds"();
CREATE TRIGGER "payment_day_figures_refund_delete" AFTER DELETE ON "refunds" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_day_figures_refunds"();

-- A batch's payments per status (payments without a batch are not counted); the figure's status is text.
CREATE FUNCTION "payment_batch_figures_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "payment_batch_figures" AS f ("batch_id", "status", "count")
    SELECT n."batch_id", n."status"::text, COUNT(*) FROM new_rows n WHERE n."batch_id" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("batch_id", "status") DO UPDATE SET "count" = f."count" + excluded."count";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "payment_batch_figures" f SET "count" = f."count" - d."count"
    FROM (SELECT o."batch_id", o."status"::text AS "status", COUNT(*) AS "count" FROM old_rows o WHERE o."batch_id" IS NOT NULL GROUP BY 1, 2) d
    WHERE f."batch_id" = d."batch_id" AND f."status" = d."status";
  ELSE
    INSERT INTO "payment_batch_figures" AS f ("batch_id", "status", "count")
    SELECT m."batch_id", m."status", SUM(m."count") FROM (
      SELECT o."batch_id", o."status"::text AS "status", -1 AS "count" FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE o."batch_id" IS NOT NULL AND (o."status", o."batch_id") IS DISTINCT FROM (n."status", n."batch_id")
      UNION ALL
      SELECT n."batch_id", n."status"::text, 1 FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE n."batch_id" IS NOT NULL AND (o."status", o."batch_id") IS DISTINCT FROM (n."status", n."batch_id")
    ) m GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT ("batch_id", "status") DO UPDATE SET "count" = f."count" + excluded."count";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "payment_batch_figures_insert" AFTER INSERT ON "payments" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_batch_figures_apply"();
CREATE TRIGGER "payment_batch_figures_delete" AFTER DELETE ON "payments" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_batch_figures_apply"();
CREATE TRIGGER "payment_batch_figures_update" AFTER UPDATE ON "payments" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "payment_batch_figures_apply"();
