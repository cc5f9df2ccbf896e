/**
 * Users who sign in with a password, in the auth database (table `users`, argon2id hashes only),
 * shared by every gateway. Written by the gateway (password changes) and by `npm run user:add`,
 * `user:reset-password` and `user:remove`; read afresh on every sign-in, so a user added while
 * the gateways run can sign in at once. A password change, reset or removal raises the user's
 * token generation and revokes every token issued before it, in the same transaction.
 */
import type { RawBuilder } from "kysely";
import { describeTextProblem, findTextProblem, isRole, sqlDate, writeRevocation, type AuthDb, type RevocationReason, type Role } from "@ops/service-kit";
import { databaseError, readBoolean, readTimestamp } from "@ops/service-kit/data";

export interface UserRecord {
  username: string;
  role: Role;
  /** argon2id PHC string. */
  passwordHash: string;
  mustChangePassword: boolean;
  /** Carried by the user's tokens (`gen`): those below the current one are refused. */
  tokenGeneration: number;
  createdAt: string;
  updatedAt: string;
  passwordChangedAt: string | null;
}

/** A refused change (duplicate, unknown user, bad name): its message is meant for the operator. */
export class UserStoreError extends Error {}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

/** User names are compared in lower case, without surrounding blanks. */
export function normalizeUsername(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Why `username` (normalized) cannot be a user name, or null. */
export function usernameProblem(username: string): string | null {
  // Said without echoing the name: an escape sequence in it would act on the operator's terminal.
  const text = findTextProblem(username);
  if (text) return `The user name contains ${describeTextProblem(text)}: use 2 to 64 characters a-z, 0-9, ".", "_", "@" or "-", starting with a letter or digit.`;
  return USERNAME.test(username)
    ? null
    : `"${username}" is not a valid user name: use 2 to 64 characters a-z, 0-9, ".", "_", "@" or "-", starting with a letter or digit.`;
}

/** A new user record (timestamps now, generation 0). */
export function newUser(username: string, role: Role, passwordHash: string, mustChangePassword: boolean): UserRecord {
  const now = new Date().toISOString();
  return { username, role, passwordHash, mustChangePassword, tokenGeneration: 0, createdAt: now, updatedAt: now, passwordChangedAt: mustChangePassword ? null : now };
}

interface UserRow {
  username: string;
  role: string;
  password_hash: string;
  must_change_password: unknown;
  token_generation: unknown;
  created_at: unknown;
  updated_at: unknown;
  password_changed_at: unknown;
}

function fromRow(row: UserRow): UserRecord {
  if (!isRole(row.role)) throw new UserStoreError(`User "${row.username}" has an unknown role "${row.role}" in the auth database.`);
  return {
    username: row.username,
    role: row.role,
    passwordHash: row.password_hash,
    mustChangePassword: readBoolean(row.must_change_password),
    tokenGeneration: Number(row.token_generation),
    createdAt: readTimestamp(row.created_at).toISOString(),
    updatedAt: readTimestamp(row.updated_at).toISOString(),
    passwordChangedAt: row.password_changed_at === null ? null : readTimestamp(row.password_changed_at).toISOString(),
  };
}

/** The row `user` becomes (Prisma's DateTime text, which PostgreSQL parses as UTC). */
function toRow(database: AuthDb, user: UserRecord) {
  return {
    username: user.username,
    role: user.role,
    password_hash: user.passwordHash,
    // The generated types say SQLite's 0/1; PostgreSQL's column is a boolean: the helper writes either.
    must_change_password: database.helpers.bool(user.mustChangePassword) as unknown as RawBuilder<number>,
    token_generation: user.tokenGeneration,
    created_at: sqlDate(new Date(user.createdAt)),
    updated_at: sqlDate(new Date(user.updatedAt)),
    password_changed_at: user.passwordChangedAt === null ? null : sqlDate(new Date(user.passwordChangedAt)),
  };
}

export async function findUser(database: AuthDb, username: string): Promise<UserRecord | undefined> {
  const row = await database.db.selectFrom("users").selectAll().where("username", "=", normalizeUsername(username)).executeTakeFirst();
  return row ? fromRow(row) : undefined;
}

/** Every user, by name (for tests and operators; the table holds people, not millions). */
export async function listUsers(database: AuthDb): Promise<UserRecord[]> {
  return (await database.db.selectFrom("users").selectAll().orderBy("username").execute()).map(fromRow);
}

/**
 * The generation a user named `username` starts at: above every revocation still listed for the
 * name, so a removed user's old tokens stay refused when the name is given to someone again.
 */
async function firstGeneration(database: AuthDb, username: string): Promise<number> {
  const row = await database.db
    .selectFrom("session_revocations")
    .select((eb) => eb.fn.max("below_generation").as("below"))
    .where("username", "=", username)
    .executeTakeFirst();
  return Number(row?.below ?? 0);
}

/**
 * Inserts `users`; false for each one whose name is taken (nothing is overwritten). Returns the
 * names inserted.
 */
export async function insertUsers(database: AuthDb, users: UserRecord[]): Promise<string[]> {
  const inserted: string[] = [];
  for (const user of users) {
    const generation = Math.max(user.tokenGeneration, await firstGeneration(database, user.username));
    const result = await database.db
      .insertInto("users")
      .values(toRow(database, { ...user, tokenGeneration: generation }))
      .onConflict((oc) => oc.column("username").doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) inserted.push(user.username);
  }
  return inserted;
}

/** Adds a user; refuses an invalid or already taken name. */
export async function addUser(database: AuthDb, user: UserRecord): Promise<void> {
  const problem = usernameProblem(user.username);
  if (problem) throw new UserStoreError(problem);
  const inserted = await insertUsers(database, [user]);
  if (inserted.length === 0) {
    throw new UserStoreError(`User "${user.username}" already exists: choose another name, or reset the password with npm run user:reset-password -- ${user.username}`);
  }
}

/** Adds `user` only when there is no user at all; false when there was one (another gateway's first admin). */
export async function addFirstUser(database: AuthDb, user: UserRecord): Promise<boolean> {
  try {
    return await database.transaction(async (trx) => {
      const any = await trx.selectFrom("users").select("username").limit(1).executeTakeFirst();
      if (any) return false;
      await trx.insertInto("users").values(toRow(database, user)).execute();
      return true;
    });
  } catch (err) {
    // Two gateways starting at once: the second one's insert meets the first one's admin.
    if (databaseError(err)?.kind === "unique") return false;
    throw err;
  }
}

/** How long a revocation must be kept: as long as the longest token issued before it lives. */
export interface RevokeOptions {
  sessionTtlSeconds: number;
}

function notFound(username: string): UserStoreError {
  return new UserStoreError(`No user "${username}" in the auth database.`);
}

/**
 * Sets a user's password hash and whether it must be changed at the next sign-in, raises the
 * token generation and revokes every token issued before (`reason`), in one transaction.
 * Returns the updated user (sign the next token with its new generation).
 */
export async function setPasswordHash(
  database: AuthDb,
  username: string,
  passwordHash: string,
  mustChangePassword: boolean,
  reason: Extract<RevocationReason, "password_changed" | "password_reset">,
  options: RevokeOptions,
): Promise<UserRecord> {
  const name = normalizeUsername(username);
  return database.transaction(async (trx) => {
    const row = await trx.selectFrom("users").selectAll().where("username", "=", name).executeTakeFirst();
    if (!row) throw notFound(name);
    const user = fromRow(row);
    const now = new Date();
    const updated: UserRecord = {
      ...user,
      passwordHash,
      mustChangePassword,
      tokenGeneration: user.tokenGeneration + 1,
      updatedAt: now.toISOString(),
      passwordChangedAt: mustChangePassword ? user.passwordChangedAt : now.toISOString(),
    };
    // The revocation first: on PostgreSQL it takes the writers' lock before the row's.
    await writeRevocation(trx, { username: name, belowGeneration: updated.tokenGeneration, reason, expiresAt: new Date(now.getTime() + options.sessionTtlSeconds * 1000) });
    const { username: _key, created_at: _created, ...changes } = toRow(database, updated);
    await trx.updateTable("users").set(changes).where("username", "=", name).execute();
    return updated;
  });
}

/** Removes a user and revokes every token they hold, in one transaction; returns who it was. */
export async function removeUser(database: AuthDb, username: string, options: RevokeOptions): Promise<UserRecord> {
  const name = normalizeUsername(username);
  return database.transaction(async (trx) => {
    const row = await trx.selectFrom("users").selectAll().where("username", "=", name).executeTakeFirst();
    if (!row) throw notFound(name);
    const user = fromRow(row);
    const expiresAt = new Date(Date.now() + options.sessionTtlSeconds * 1000);
    await writeRevocation(trx, { username: name, belowGeneration: user.tokenGeneration + 1, reason: "user_removed", expiresAt });
    await trx.deleteFrom("users").where("username", "=", name).execute();
    return user;
  });
}
