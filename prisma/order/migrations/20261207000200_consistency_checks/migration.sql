-- The consistency report is checked in the background, one range of order ids at a time, and
-- served from here: never computed by scanning a million orders in a request.
CREATE TABLE "consistency_issues" (
    "kind" TEXT NOT NULL,
    "order_id" INTEGER NOT NULL,
    "detail" TEXT NOT NULL,
    "since" DATETIME NOT NULL,
    "found_at" DATETIME NOT NULL,
    PRIMARY KEY ("kind", "order_id")
);
CREATE INDEX "consistency_issues_order_id_idx" ON "consistency_issues"("order_id");
CREATE INDEX "consistency_issues_since_idx" ON "consistency_issues"("since");

-- One row: the pass in progress (started_at, cursor) and the last complete one.
CREATE TABLE "consistency_checks" (
    "id" INTEGER NOT NULL PRIMARY KEY CHECK ("id" = 1),
    "started_at" DATETIME,
    "cursor" INTEGER NOT NULL DEFAULT 0,
    "checked_orders" INTEGER NOT NULL DEFAULT 0,
    "pass_unavailable" TEXT NOT NULL DEFAULT '[]',
    "last_started_at" DATETIME,
    "last_finished_at" DATETIME,
    "last_unavailable" TEXT NOT NULL DEFAULT '[]',
    "requested_at" DATETIME
);
INSERT INTO "consistency_checks" ("id") VALUES (1);
