-- What Prisma cannot express, as the SQLite migrations hand-write it: the triggers that keep
-- notification_figures current on every write to notifications, whatever path makes it. They run
-- once per statement over its transition tables (a bulk insert adds to each figure once); figures
-- are upserted in key order so concurrent writers wait instead of deadlocking. The figures hold
-- status and channel as text.
CREATE FUNCTION "notification_figures_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "notification_figures" AS f ("status", "channel", "template_name", "batch_id", "count")
    SELECT n."status"::text, n."channel"::text, n."template_name", COALESCE(n."batch_id", ''), COUNT(*) FROM new_rows n GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("status", "channel", "template_name", "batch_id") DO UPDATE SET "count" = f."count" + excluded."count";
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE "notification_figures" f SET "count" = f."count" - d."count"
    FROM (SELECT o."status"::text AS "status", o."channel"::text AS "channel", o."template_name", COALESCE(o."batch_id", '') AS "batch_id", COUNT(*) AS "count" FROM old_rows o GROUP BY 1, 2, 3, 4) d
    WHERE f."status" = d."status" AND f."channel" = d."channel" AND f."template_name" = d."template_name" AND f."batch_id" = d."batch_id";
  ELSE
    INSERT INTO "notification_figures" AS f ("status", "channel", "template_name", "batch_id", "count")
    SELECT m."status", m."channel", m."template_name", m."batch_id", SUM(m."count") FROM (
      SELECT o."status"::text AS "status", o."channel"::text AS "channel", o."template_name", COALESCE(o."batch_id", '') AS "batch_id", -1 AS "count"
      FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE (o."status", o."channel", o."template_name", o."batch_id") IS DISTINCT FROM (n."status", n."channel", n."template_name", n."batch_id")
      UNION ALL
      SELECT n."status"::text, n."channel"::text, n."template_name", COALESCE(n."batch_id", ''), 1
      FROM old_rows o JOIN new_rows n ON n."id" = o."id"
      WHERE (o."status", o."channel", o."template_name", o."batch_id") IS DISTINCT FROM (n."status", n."channel", n."template_name", n."batch_id")
    ) m GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT ("status", "channel", "template_name", "batch_id") DO UPDATE SET "count" = f."count" + excluded."count";
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "notification_figures_insert" AFTER INSERT ON "notifications" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "notification_figures_apply"();
CREATE TRIGGER "notification_figures_delete" AFTER DELETE ON "notifications" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "notification_figures_apply"();
CREATE TRIGGER "notification_figures_update" AFTER UPDATE ON "notifications" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION "notification_figures_apply"();
