-- Job claims with a lease: on PostgreSQL several replicas share the job tables, and a job runs
-- only on the runner that claimed it while its heartbeat is fresh (a dead replica's job is taken
-- over once it is stale). SQLite has one service per file and keeps the columns empty.
ALTER TABLE "import_history" ADD COLUMN "claimed_by" TEXT;
ALTER TABLE "import_history" ADD COLUMN "heartbeat_at" DATETIME;
ALTER TABLE "batch_undos" ADD COLUMN "claimed_by" TEXT;
ALTER TABLE "batch_undos" ADD COLUMN "heartbeat_at" DATETIME;
