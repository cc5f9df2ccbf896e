/**
 * Users who sign in with a password, kept in a JSON file (USERS_FILE, default
 * DATA_DIR/users.json) holding argon2id hashes only. Written atomically with mode 0600 by the
 * gateway (password changes) and by `npm run user:add` / `user:reset-password`; read afresh on
 * every sign-in, so a user added while the gateway runs can sign in at once.
 */
import fs from "node:fs";
import path from "node:path";
import { describeTextProblem, findTextProblem, isRole, makePrivateDir, ROLES, type Role } from "@ops/service-kit";

export interface UserRecord {
  username: string;
  role: Role;
  /** argon2id PHC string. */
  passwordHash: string;
  mustChangePassword: boolean;
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

function isUserRecord(r: unknown): r is UserRecord {
  const u = r as Partial<UserRecord> | null;
  return typeof u?.username === "string" && isRole(u.role) && typeof u.passwordHash === "string" && typeof u.mustChangePassword === "boolean";
}

export function readUsersFile(file: string): UserRecord[] {
  if (!fs.existsSync(file)) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new UserStoreError(`${file} is not valid JSON (${err instanceof Error ? err.message : String(err)}): fix or restore it.`);
  }
  if (!Array.isArray(parsed) || !parsed.every(isUserRecord)) {
    throw new UserStoreError(`${file} must hold a JSON array of users with username, role (${ROLES.join(", ")}), passwordHash and mustChangePassword.`);
  }
  return parsed;
}

/** Replaces the file in one step (write a private temp file, then rename over the old one). */
export function writeUsersFile(file: string, users: UserRecord[]): void {
  makePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Creates the file with `users` only if it does not exist yet; false when it already did. */
export function createUsersFileExclusive(file: string, users: UserRecord[]): boolean {
  makePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file); // fails with EEXIST: never overwrites users someone else created
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export function findUser(file: string, username: string): UserRecord | undefined {
  const name = normalizeUsername(username);
  return readUsersFile(file).find((u) => u.username === name);
}

/** A new user record (timestamps now). */
export function newUser(username: string, role: Role, passwordHash: string, mustChangePassword: boolean): UserRecord {
  const now = new Date().toISOString();
  return { username, role, passwordHash, mustChangePassword, createdAt: now, updatedAt: now, passwordChangedAt: mustChangePassword ? null : now };
}

/** Adds a user; refuses an invalid or already taken name. */
export function addUser(file: string, user: UserRecord): void {
  const problem = usernameProblem(user.username);
  if (problem) throw new UserStoreError(problem);
  const users = readUsersFile(file);
  if (users.some((u) => u.username === user.username)) {
    throw new UserStoreError(`User "${user.username}" already exists: choose another name, or reset the password with npm run user:reset-password -- ${user.username}`);
  }
  writeUsersFile(file, [...users, user]);
}

/** Sets a user's password hash and whether it must be changed at the next sign-in. */
export function setPasswordHash(file: string, username: string, passwordHash: string, mustChangePassword: boolean): UserRecord {
  const users = readUsersFile(file);
  const user = users.find((u) => u.username === normalizeUsername(username));
  if (!user) throw new UserStoreError(`No user "${normalizeUsername(username)}" in ${file}.`);
  const now = new Date().toISOString();
  Object.assign(user, { passwordHash, mustChangePassword, updatedAt: now, passwordChangedAt: mustChangePassword ? user.passwordChangedAt : now });
  writeUsersFile(file, users);
  return user;
}
