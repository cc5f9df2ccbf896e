-- What Prisma cannot express, as the SQLite migrations hand-write it: CHECKs, the rows the service
-- expects to exist, and the triggers that keep order_figures and order_name_grams current on every
-- write to orders, whatever path makes it (the API, an import chunk, a bulk move).
-- The triggers run once per statement over its transition tables: a COPY or a multi-row insert of
-- 2,000 orders adds to each figure once, not once per row. Figures are upserted in key order, so
-- two transactions touching the same figures wait for each other instead of deadlocking.
-- `day` is the Japan calendar day of created_at (UTC; Japan has no daylight saving: +9 hours).
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_unit_price_check" CHECK ("unit_price" > 0);
ALTER TABLE "import_uploads" ADD CONSTRAINT "import_uploads_state_check" CHECK ("state" IN ('open', 'receiving', 'complete', 'expired'));
ALTER TABLE "consistency_checks" ADD CONSTRAINT "consistency_checks_id_check" CHECK ("id" = 1);
INSERT INTO "consistency_checks" ("id") VALUES (1);
-- Positions of a name key's two-character pieces, as on SQLite (the first 300).
INSERT INTO "name_key_positions" ("i") SELECT generate_series(1, 300);

CREATE FUNCTION "order_figures_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "order_figures" AS f ("day", "status", "batch_id", "orders", "amount")
    SELECT to_char(n."created_at" + interval '9 hours', 'YYYY-MM-DD'), n."status", COALESCE(n."batch_id", ''), COUNT(*), SUM(n."total_amount")
    FROM new_rows n GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("day", "status", "batch_id") DO UPDATE SET "orders" = f."orders" + excluded."orders", "amount" = f."amount" + excluded."amount";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "order_figures" f SET "orders" = f."orders" - d."orders", "amount" = f."amount" - d."amount"
    FROM (SELECT to_char(o."created_at" + interval '9 hours', 'YYYY-MM-DD') AS "day", o."status", COALESCE(o."batch_id", '') AS "batch_id",
                 COUNT(*) AS "orders", SUM(o."total_amount") AS "amount"
          FROM old_rows o GROUP BY 1, 2, 3) d
    WHERE f."day" = d."day" AND f."status" = d."status" AND f."batch_id" = d."batch_id";
  ELSE
    -- An order that moved leaves its old figure and enters its new one: one upsert of the net change.
    INSERT INTO "order_figures" AS f ("day", "status", "batch_id", "orders", "amount")
    SELECT m."day", m."status", m."batch_id", SUM(m."orders"), SUM(m."amount") FROM (
      SELECT to_char(o."created_at" + interval '9 hours', 'YYYY-MM-DD') AS "day", o."status", COALESCE(o."batch_id", '') AS "batch_id", -1 AS "orders", -o."total_amount" AS "amount"
      FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE (o."status", o."total_amount", o."created_at", o."batch_id") IS DISTINCT FROM (n."status", n."total_amount", n."created_at", n."batch_id")
      UNION ALL
      SELECT to_char(n."created_at" + interval '9 hours', 'YYYY-MM-DD'), n."status", COALESCE(n."batch_id", ''), 1, n."total_amount"
      FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE (o."status", o."total_amount", o."created_at", o."batch_id") IS DISTINCT FROM (n."status", n."total_amount", n."created_at", n."batch_id")
    ) m GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT ("day", "status", "batch_id") DO UPDATE SET "orders" = f."orders" + excluded."orders", "amount" = f."amount" + excluded."amount";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "order_figures_insert" AFTER INSERT ON "orders" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_figures_apply"();
CREATE TRIGGER "order_figures_delete" AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_figures_apply"();
CREATE TRIGGER "order_figures_update" AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_figures_apply"();

-- Name search: every two-character piece of an order's name key with its time, id and total.
-- (name_key_positions.i is BIGINT like every integer here; substr takes an int.)
-- (Each branch names only the transition tables its event has.)
CREATE FUNCTION "order_name_grams_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "order_name_grams" ("gram", "at", "order_id", "amount")
    SELECT substr(n."customer_name_key", p."i"::int, 2), n."created_at", n."id", n."total_amount"
    FROM new_rows n JOIN "name_key_positions" p ON p."i" < length(n."customer_name_key")
    ON CONFLICT DO NOTHING;
  ELSIF TG_OP = 'DELETE' THEN
    DELETE FROM "order_name_grams" g USING old_rows o, "name_key_positions" p
    WHERE p."i" < length(o."customer_name_key") AND g."gram" = substr(o."customer_name_key", p."i"::int, 2)
      AND g."at" = o."created_at" AND g."order_id" = o."id";
  ELSE
    DELETE FROM "order_name_grams" g USING old_rows o, new_rows n, "name_key_positions" p
    WHERE n."id" = o."id"
      AND (n."customer_name_key", n."created_at", n."total_amount") IS DISTINCT FROM (o."customer_name_key", o."created_at", o."total_amount")
      AND p."i" < length(o."customer_name_key") AND g."gram" = substr(o."customer_name_key", p."i"::int, 2)
      AND g."at" = o."created_at" AND g."order_id" = o."id";
    INSERT INTO "order_name_grams" ("gram", "at", "order_id", "amount")
    SELECT substr(n."customer_name_key", p."i"::int, 2), n."created_at", n."id", n."total_amount"
    FROM old_rows o JOIN new_rows n ON n."id" = o."id" JOIN "name_key_positions" p ON p."i" < length(n."customer_name_key")
    WHERE (n."customer_name_key", n."created_at", n."total_amount") IS DISTINCT FROM (o."customer_name_key", o."created_at", o."total_amount")
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "order_name_grams_insert" AFTER INSERT ON "orders" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_name_grams_apply"();
CREATE TRIGGER "order_name_grams_update" AFTER UPDATE ON "orders" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_name_grams_apply"();
CREATE TRIGGER "order_name_grams_delete" AFTER DELETE ON "orders" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "order_name_grams_apply"();
