/**
 * Writing session revocations (the gateways and the account scripts): one session at sign-out,
 * every earlier token of a user at a password change, reset or removal. Every process reads
 * them back through its RevocationList.
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { transactionContext } from "../data/openDatabase.js";
import { sqlDate } from "../sqliteBasics.js";
import type { AuthDb, AuthTables } from "./authDatabase.js";

export type RevocationReason = "logout" | "password_changed" | "password_reset" | "user_removed";

export interface Revocation {
  username: string;
  /** One session: the token's `jti`. */
  jti?: string;
  /** Every token of `username` whose generation (`gen` claim) is below this one. */
  belowGeneration?: number;
  reason: RevocationReason;
  /** When every token it names has expired: issue time + the longest session TTL. */
  expiresAt: Date;
}

// Any constant: revocation writers take it for their transaction (see below).
const REVOCATION_WRITE_LOCK = 727073;

/**
 * Adds `revocation` inside `trx` (a transaction of `ServiceDb.transaction` on the auth database).
 * On PostgreSQL the writers queue on one advisory lock until commit, so ids become visible in
 * the order they were assigned: a reader asking for `id > last` never skips a row that commits
 * late. (SQLite has one writer at a time anyway.)
 */
export async function writeRevocation(trx: Transaction<AuthTables>, revocation: Revocation): Promise<void> {
  if (transactionContext(trx)?.dialect === "postgres") await sql`SELECT pg_advisory_xact_lock(${REVOCATION_WRITE_LOCK})`.execute(trx);
  const now = new Date();
  await trx
    .insertInto("session_revocations")
    .values({
      username: revocation.username,
      jti: revocation.jti ?? null,
      below_generation: revocation.belowGeneration ?? null,
      reason: revocation.reason,
      // Prisma's DateTime text: SQLite compares it as text, PostgreSQL parses it (UTC sessions).
      created_at: sqlDate(now),
      expires_at: sqlDate(revocation.expiresAt),
    })
    .execute();
}

/** Revokes one session (sign-out) in its own transaction. */
export function revokeSession(database: AuthDb, username: string, jti: string, expiresAt: Date): Promise<void> {
  return database.transaction((trx) => writeRevocation(trx, { username, jti, reason: "logout", expiresAt }));
}

/** Deletes the revocations whose tokens have all expired; returns how many. */
export async function pruneRevocations(db: Kysely<AuthTables>, now = new Date()): Promise<number> {
  const result = await db.deleteFrom("session_revocations").where("expires_at", "<", sqlDate(now)).executeTakeFirst();
  return Number(result.numDeletedRows);
}
