/**
 * Signing in for tests, the way people and API clients do: a users file with one user per role
 * and known passwords, then `POST /auth/login` on the gateway, which returns a bearer token and
 * sets the session cookie.
 *
 *   await writeTestUsers(authTarget);   // the auth database, before or after the gateway starts
 *   const as = await signInEveryRole(gatewayUrl);
 *   await graphqlRequest(gatewayUrl, query, {}, as.operator.headers);
 */
import { openAuthDatabase, ROLES, type Role } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { hashPassword } from "../auth/passwords.js";
import { insertUsers, newUser } from "../auth/userStore.js";
import { writeUsersFile } from "../auth/usersFile.js";

export interface TestUser {
  username: string;
  role: Role;
  password: string;
  mustChangePassword?: boolean;
}

/** One user per role; their passwords are known to the tests only. */
export const TEST_USERS: Record<Role, TestUser> = {
  viewer: { username: "test-viewer", role: "viewer", password: "viewer-password-for-tests" },
  operator: { username: "test-operator", role: "operator", password: "operator-password-for-tests" },
  admin: { username: "test-admin", role: "admin", password: "admin-password-for-tests" },
};

/** Writes the users of TEST_USERS and `extra` to an earlier version's users file (imported at the gateway's start). */
export async function writeTestUsersFile(usersFile: string, extra: TestUser[] = []): Promise<void> {
  const users = await Promise.all(
    [...Object.values(TEST_USERS), ...extra].map(async (u) => newUser(u.username, u.role, await hashPassword(u.password), u.mustChangePassword ?? false)),
  );
  writeUsersFile(usersFile, users);
}

/** Adds the users of TEST_USERS and `extra` to the (migrated) auth database (argon2id hashes, as the scripts do). */
export async function writeTestUsers(target: DatabaseTarget | Promise<DatabaseTarget>, extra: TestUser[] = []): Promise<void> {
  const users = await Promise.all(
    [...Object.values(TEST_USERS), ...extra].map(async (u) => newUser(u.username, u.role, await hashPassword(u.password), u.mustChangePassword ?? false)),
  );
  const database = await openAuthDatabase(await target, { poolSize: 1 });
  try {
    await insertUsers(database, users);
  } finally {
    await database.close();
  }
}

export interface SignedIn {
  token: string;
  expiresAt: string;
  user: { username: string; role: Role; mustChangePassword: boolean };
  /** `Authorization: Bearer <token>`, for API-style calls. */
  headers: Record<string, string>;
  /** The session cookie as a browser would send it (`ops_session=<token>`). */
  cookie: string;
  /** The raw Set-Cookie header of the sign-in answer. */
  setCookie: string;
}

/** The gateway's origin for a `…/graphql` URL. */
export function originOf(gatewayUrl: string): string {
  return new URL(gatewayUrl).origin;
}

export function login(gatewayUrl: string, username: string, password: string): Promise<Response> {
  return fetch(`${originOf(gatewayUrl)}/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
}

/** Signs in through `POST /auth/login`; throws with the answer when it is refused. */
export async function signIn(gatewayUrl: string, username: string, password: string): Promise<SignedIn> {
  const res = await login(gatewayUrl, username, password);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`Sign-in of ${username} answered ${res.status}: ${text}`);
  const body = JSON.parse(text) as Omit<SignedIn, "headers" | "cookie" | "setCookie">;
  const setCookie = res.headers.get("set-cookie") ?? "";
  return { ...body, headers: { authorization: `Bearer ${body.token}` }, cookie: setCookie.split(";")[0]!, setCookie };
}

/** Signs in the TEST_USERS of every role. */
export async function signInEveryRole(gatewayUrl: string): Promise<Record<Role, SignedIn>> {
  const entries = await Promise.all(ROLES.map(async (role) => [role, await signIn(gatewayUrl, TEST_USERS[role].username, TEST_USERS[role].password)] as const));
  return Object.fromEntries(entries) as Record<Role, SignedIn>;
}
