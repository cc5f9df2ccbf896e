-- Imports that cannot crash-loop the service: every start of an import is counted before it
-- runs, with why the previous start ended unfinished; after three crashed starts the import is
-- FAILED instead of resumed again. (Batch undos, a later migration, have the same two columns.)
ALTER TABLE "import_history" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "import_history" ADD COLUMN "crash_reason" TEXT;
