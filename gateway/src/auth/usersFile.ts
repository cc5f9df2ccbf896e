/**
 * The users file of earlier versions (USERS_FILE, default DATA_DIR/users.json): a JSON array of
 * users with argon2id hashes. Users now live in the auth database; a gateway that finds this file
 * at start imports it once (`importUsersFile`: names already in the database are kept as they
 * are) and renames it `users.json.imported`, so an upgrade loses no user.
 */
import fs from "node:fs";
import path from "node:path";
import { isRole, makePrivateDir, ROLES, type AuthDb, type Logger } from "@ops/service-kit";
import { insertUsers, UserStoreError, type UserRecord } from "./userStore.js";

/** A user as users.json held it (no token generation yet). */
export type UsersFileRecord = Omit<UserRecord, "tokenGeneration">;

function isUserRecord(r: unknown): r is UsersFileRecord {
  const u = r as Partial<UsersFileRecord> | null;
  return typeof u?.username === "string" && isRole(u.role) && typeof u.passwordHash === "string" && typeof u.mustChangePassword === "boolean";
}

export function readUsersFile(file: string): UsersFileRecord[] {
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
export function writeUsersFile(file: string, users: UsersFileRecord[]): void {
  makePrivateDir(path.dirname(file));
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** Where an imported users file is moved to. */
export function importedName(file: string): string {
  return `${file}.imported`;
}

/**
 * Imports `file` into the auth database when it exists, then renames it `<file>.imported`; a
 * name already in the database keeps its row. Safe from two gateways starting at once (both
 * insert without overwriting; one renames). Returns the names it added.
 */
export async function importUsersFile(database: AuthDb, file: string, logger?: Logger): Promise<string[]> {
  const users = readUsersFile(file);
  if (!fs.existsSync(file)) return [];
  const added = await insertUsers(
    database,
    users.map((u) => {
      const now = new Date().toISOString();
      return { ...u, createdAt: u.createdAt ?? now, updatedAt: u.updatedAt ?? now, passwordChangedAt: u.passwordChangedAt ?? null, tokenGeneration: 0 };
    }),
  );
  try {
    fs.renameSync(file, importedName(file));
  } catch (err) {
    // The other gateway renamed it first.
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  logger?.info("users imported from the users file", { file, users: users.length, added: added.length });
  return added;
}
