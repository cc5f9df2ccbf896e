-- An upload's bytes where every order replica reads them: on PostgreSQL the PUT writes the file
-- into this table in pieces of about 1 MB, and the import (on any replica) reads them in order.
-- SQLite has one order service per file and keeps uploads on its disk: the table stays empty.
CREATE TABLE "import_upload_chunks" (
    "upload_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "bytes" BLOB NOT NULL,

    PRIMARY KEY ("upload_id", "seq"),
    CONSTRAINT "import_upload_chunks_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "import_uploads" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
