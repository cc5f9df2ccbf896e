-- Order lists that stay fast at a million orders.
-- A batch's orders newest first (the batch page, orders filtered by batch).
CREATE INDEX "orders_batch_id_created_at_idx" ON "orders"("batch_id", "created_at");
-- Orders by total (the list's "total" sort).
CREATE INDEX "orders_total_amount_idx" ON "orders"("total_amount");

-- Name search by any part of the name: every two-character piece of an order's name key (the
-- normalised name, see nameKey.ts) with the order's creation time, id and total. A search for 山田
-- walks its piece's entries newest first, and counts and sums them, without reading every
-- order's name. Kept by triggers (the import, the API and any other writer alike);
-- `name_key_positions` numbers the pieces (name keys are at most 200 characters, and SQLite
-- triggers cannot use a recursive query).
CREATE TABLE "order_name_grams" (
    "gram" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "order_id" INTEGER NOT NULL,
    "amount" INTEGER NOT NULL,
    PRIMARY KEY ("gram", "at", "order_id")
) WITHOUT ROWID;
CREATE TABLE "name_key_positions" ("i" INTEGER NOT NULL PRIMARY KEY);
INSERT INTO "name_key_positions" ("i")
SELECT a.n * 100 + b.n * 10 + c.n + 1
FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c
WHERE a.n < 3;

CREATE TRIGGER "order_name_grams_insert" AFTER INSERT ON "orders" BEGIN
  INSERT OR IGNORE INTO "order_name_grams" ("gram", "at", "order_id", "amount")
  SELECT substr(NEW."customer_name_key", p."i", 2), NEW."created_at", NEW."id", NEW."total_amount"
  FROM "name_key_positions" p WHERE p."i" < length(NEW."customer_name_key");
END;

CREATE TRIGGER "order_name_grams_update" AFTER UPDATE OF "customer_name_key", "created_at", "total_amount" ON "orders"
WHEN OLD."customer_name_key" IS NOT NEW."customer_name_key" OR OLD."created_at" IS NOT NEW."created_at" OR OLD."total_amount" IS NOT NEW."total_amount"
BEGIN
  DELETE FROM "order_name_grams" WHERE "at" = OLD."created_at" AND "order_id" = OLD."id"
    AND "gram" IN (SELECT substr(OLD."customer_name_key", p."i", 2) FROM "name_key_positions" p WHERE p."i" < length(OLD."customer_name_key"));
  INSERT OR IGNORE INTO "order_name_grams" ("gram", "at", "order_id", "amount")
  SELECT substr(NEW."customer_name_key", p."i", 2), NEW."created_at", NEW."id", NEW."total_amount"
  FROM "name_key_positions" p WHERE p."i" < length(NEW."customer_name_key");
END;

CREATE TRIGGER "order_name_grams_delete" AFTER DELETE ON "orders" BEGIN
  DELETE FROM "order_name_grams" WHERE "at" = OLD."created_at" AND "order_id" = OLD."id"
    AND "gram" IN (SELECT substr(OLD."customer_name_key", p."i", 2) FROM "name_key_positions" p WHERE p."i" < length(OLD."customer_name_key"));
END;

INSERT OR IGNORE INTO "order_name_grams" ("gram", "at", "order_id", "amount")
SELECT substr(o."customer_name_key", p."i", 2), o."created_at", o."id", o."total_amount"
FROM "orders" o JOIN "name_key_positions" p ON p."i" < length(o."customer_name_key");
