/**
 * The identity tier's database (prisma/auth): users, session revocations and rate limits. The
 * gateways own it (they migrate it, write users and revocations); every subgraph opens it only to
 * read `session_revocations`, so a PostgreSQL role with SELECT on that table is enough for them.
 */
import type { DatabaseTarget } from "../data/databaseTarget.js";
import { openDatabase, type OpenDatabaseOptions, type ServiceDb } from "../data/openDatabase.js";
import type { DB } from "./generated/kysely/types.js";

/** The auth database's tables, as Kysely sees them (generated from prisma/auth/schema.prisma). */
export type AuthTables = DB;
export type AuthDb = ServiceDb<AuthTables>;

/**
 * Opens the auth database `target` (`readStackConfig().authDatabase`). The pool stays small
 * (`target.poolSize`, AUTH_DATABASE_POOL_SIZE, default 3): each process polls it every 250 ms
 * and writes to it only at sign-in, sign-out and password changes.
 */
export function openAuthDatabase(target: DatabaseTarget, options: OpenDatabaseOptions = {}): Promise<AuthDb> {
  return openDatabase<AuthTables>(target, { applicationName: "ops-auth", connectionTimeoutMs: 5000, ...options });
}
