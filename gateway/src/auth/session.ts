/**
 * The credentials of a request: `Authorization` as sent (Bearer token or ApiKey), else the
 * session cookie the admin UI got at sign-in, turned into `Bearer <token>` so the subgraphs see
 * one scheme.
 */
import type { IncomingHttpHeaders } from "node:http";
import { parseCookie, stringifySetCookie } from "cookie";

export const SESSION_COOKIE = "ops_session";

/** The Authorization value to verify and forward, or undefined for an anonymous request. */
export function authorizationOf(headers: IncomingHttpHeaders): string | undefined {
  if (headers.authorization) return headers.authorization;
  const cookies = headers.cookie;
  if (!cookies || !cookies.includes(SESSION_COOKIE)) return undefined;
  const token = parseCookie(cookies)[SESSION_COOKIE];
  return token ? `Bearer ${token}` : undefined;
}

/** HttpOnly (scripts cannot read it), SameSite=Strict (other sites cannot send it), the whole origin. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((expiresAt.getTime() - Date.now()) / 1000));
  return stringifySetCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: "strict", path: "/", secure, maxAge, expires: expiresAt });
}

export function clearedSessionCookie(secure: boolean): string {
  return stringifySetCookie(SESSION_COOKIE, "", { httpOnly: true, sameSite: "strict", path: "/", secure, maxAge: 0, expires: new Date(0) });
}
