/**
 * Password hashing with argon2id (@node-rs/argon2, OWASP's parameters: 19 MiB, 2 passes, one
 * lane), random passwords, and the rule a new password must follow.
 */
import crypto from "node:crypto";
import { hash, verify } from "@node-rs/argon2";

export const MIN_PASSWORD_LENGTH = 12;
// Long enough for any passphrase, short enough that hashing stays cheap for a hostile caller.
export const MAX_PASSWORD_LENGTH = 256;

const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

/** An argon2id PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

/** True when `password` matches `passwordHash`; false for a wrong password or an unreadable hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** 24 random characters (144 bits), shown once to the person who will change it. */
export function generatePassword(): string {
  return crypto.randomBytes(18).toString("base64url");
}

/** Why `password` may not become `username`'s new password, or null when it may. */
export function passwordProblem(password: string, username: string, currentPassword?: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `The new password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The new password must have at most ${MAX_PASSWORD_LENGTH} characters.`;
  if (password.trim().toLowerCase() === username.toLowerCase()) return "The new password must not be the user name.";
  if (currentPassword !== undefined && password === currentPassword) return "The new password must differ from the current one.";
  return null;
}
