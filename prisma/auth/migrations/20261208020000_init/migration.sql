-- The auth database: users (imported once from users.json), session revocations, rate limits.
CREATE TABLE "users" (
    "username" TEXT NOT NULL PRIMARY KEY,
    "role" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "must_change_password" BOOLEAN NOT NULL,
    "token_generation" INTEGER NOT NULL DEFAULT 0,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL,
    "password_changed_at" DATETIME
);

CREATE TABLE "session_revocations" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "username" TEXT NOT NULL,
    "jti" TEXT,
    "below_generation" INTEGER,
    "reason" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "expires_at" DATETIME NOT NULL
);
CREATE INDEX "session_revocations_expires_at_idx" ON "session_revocations"("expires_at");

CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT
);
CREATE INDEX "rate_limits_expire_idx" ON "rate_limits"("expire");
