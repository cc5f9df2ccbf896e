-- Staged upload targets move from JSON files beside the uploads into the database, so a PUT
-- claims its target with one atomic UPDATE (one winner), a target belongs to the identity that
-- created it, quotas are one query and a sweeper finds expired targets and never-imported files.
CREATE TABLE "import_uploads" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "filename" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" DATETIME NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'open' CHECK ("state" IN ('open', 'receiving', 'complete', 'expired')),
    "size" INTEGER,
    "checksum" TEXT,
    "path" TEXT,
    "imported_at" DATETIME
);
CREATE INDEX "import_uploads_created_by_state_idx" ON "import_uploads"("created_by", "state");
CREATE INDEX "import_uploads_state_expires_at_idx" ON "import_uploads"("state", "expires_at");
