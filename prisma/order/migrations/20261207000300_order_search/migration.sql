-- Order lists that stay fast at a million orders.
-- A batch's orders newest first (the batch page, orders filtered by batch).
CREATE INDEX "orders_batch_id_created_at_idx" ON "orders"("batch_id", "created_at");
-- Orders by total (the list's "total" sort).
CREATE INDEX "orders_total_amount_idx" ON "orders"("total_amount");

-- Name search by any part of the name: every two-character piece of an order's name key (the
-- normalised name, see nameKey.ts) with the order. A search for 山田 looks up its pieces and checks
-- the few orders that hold them all, instead of reading every order's name. Kept by a trigger
-- (the import, the API and any other writer alike); `name_key_positions` numbers the pieces
-- (name keys are at most 200 characters; SQLite triggers cannot use a recursive query).
CREATE TABLE "order_name_grams" (
    "gram" TEXT NOT NULL,
    "order_id" INTEGER NOT NULL,
    PRIMARY KEY ("gram", "order_id")
) WITHOUT ROWID;
CREATE TABLE "name_key_positions" ("i" INTEGER NOT NULL PRIMARY KEY);
INSERT INTO "name_key_positions" ("i")
SELECT a.n * 100 + b.n * 10 + c.n + 1
FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) a,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) b,
     (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9) c
WHERE a.n < 3;

CREATE TRIGGER "order_name_grams_insert" AFTER INSERT ON "orders" BEGIN
  INSERT OR IGNORE INTO "order_name_grams" ("gram", "order_id")
  SELECT substr(NEW."customer_name_key", p."i", 2), NEW."id" FROM "name_key_positions" p WHERE p."i" < length(NEW."customer_name_key");
END;

CREATE TRIGGER "order_name_grams_update" AFTER UPDATE OF "customer_name_key" ON "orders" WHEN OLD."customer_name_key" IS NOT NEW."customer_name_key" BEGIN
  DELETE FROM "order_name_grams" WHERE "order_id" = OLD."id" AND "gram" IN (SELECT substr(OLD."customer_name_key", p."i", 2) FROM "name_key_positions" p WHERE p."i" < length(OLD."customer_name_key"));
  INSERT OR IGNORE INTO "order_name_grams" ("gram", "order_id")
  SELECT substr(NEW."customer_name_key", p."i", 2), NEW."id" FROM "name_key_positions" p WHERE p."i" < length(NEW."customer_name_key");
END;

CREATE TRIGGER "order_name_grams_delete" AFTER DELETE ON "orders" BEGIN
  DELETE FROM "order_name_grams" WHERE "order_id" = OLD."id" AND "gram" IN (SELECT substr(OLD."customer_name_key", p."i", 2) FROM "name_key_positions" p WHERE p."i" < length(OLD."customer_name_key"));
END;

INSERT OR IGNORE INTO "order_name_grams" ("gram", "order_id")
SELECT substr(o."customer_name_key", p."i", 2), o."id" FROM "orders" o JOIN "name_key_positions" p ON p."i" < length(o."customer_name_key");
