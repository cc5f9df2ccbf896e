-- Audit trail: every mutation, who made it, on which object, when, with what outcome.
CREATE TABLE "audit_log" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actor" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "actor_role" TEXT,
    "action" TEXT NOT NULL,
    "object_type" TEXT NOT NULL,
    "object_id" TEXT,
    "outcome" TEXT NOT NULL,
    "error_code" TEXT,
    "detail" TEXT
);
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");
CREATE INDEX "audit_log_actor_at_idx" ON "audit_log"("actor", "at");
CREATE INDEX "audit_log_object_idx" ON "audit_log"("object_type", "object_id");
