/**
 * A fresh install has no users: the gateway creates `admin` with a random password that must be
 * changed at first sign-in, and prints it once. Nothing ships with a known default password.
 */
import type { AuthDb } from "@ops/service-kit";
import { generatePassword, hashPassword } from "./passwords.js";
import { addFirstUser, newUser } from "./userStore.js";

export const FIRST_ADMIN = "admin";

/**
 * Adds the first admin when the auth database has no user (after any users file was imported);
 * returns the password to show, else null. Of two gateways starting at once, one creates it.
 */
export async function ensureFirstAdmin(database: AuthDb): Promise<string | null> {
  const password = generatePassword();
  const created = await addFirstUser(database, newUser(FIRST_ADMIN, "admin", await hashPassword(password), true));
  return created ? password : null;
}

/** The one message that ever shows the first admin's password. */
export function firstAdminBanner(password: string, signInUrl: string): string {
  const rule = "=".repeat(72);
  return [
    "",
    rule,
    "  FIRST ADMIN CREATED / 初期管理者を作成しました",
    "",
    `  Sign in at   ${signInUrl}`,
    `  User name    ${FIRST_ADMIN}`,
    `  Password     ${password}`,
    "",
    "  This password is shown only this once and must be changed at first sign-in.",
    "  このパスワードは一度だけ表示されます。初回サインイン時に変更が必要です。",
    rule,
    "",
    "",
  ].join("\n");
}
