/**
 * The gateway's sign-in routes (README "Signing in"). The session lives in the `ops_session`
 * HttpOnly cookie, which this code never sees: it only learns who is signed in from the answers.
 */
import { isRole, type Role } from "@/domain/roles";
import { HttpFailure, NetworkFailure, type ApiErrorLike } from "./failures";

export interface SessionUser {
  username: string;
  role: Role;
  mustChangePassword: boolean;
}

async function call(path: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`/auth/${path}`, {
      method: body === undefined ? "GET" : "POST",
      credentials: "same-origin",
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (err) {
    throw new NetworkFailure(err);
  }
  if (res.status === 204) return {};
  let parsed: unknown = null;
  try {
    parsed = await res.json();
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  if (!res.ok) {
    const errors = (parsed as { errors?: ApiErrorLike[] } | null)?.errors;
    const list = Array.isArray(errors) ? errors : [];
    const retryAfter = Number(res.headers.get("retry-after"));
    // The Retry-After header is the one sure source of the wait (the body says it in words).
    if (res.status === 429 && list[0] && Number.isFinite(retryAfter) && retryAfter > 0) {
      const ext = { ...list[0].extensions };
      ext.params = { ...(ext.params as object | undefined), retryAfterSeconds: retryAfter };
      list[0] = { ...list[0], extensions: ext };
    }
    throw new HttpFailure(res.status, list);
  }
  return parsed;
}

function toUser(value: unknown): SessionUser {
  const u = (value as { user?: Record<string, unknown> } | null)?.user;
  if (!u || typeof u.username !== "string" || !isRole(u.role)) throw new HttpFailure(502, [{ message: "Unexpected answer from /auth", extensions: { code: "INTERNAL_SERVER_ERROR" } }]);
  return { username: u.username, role: u.role, mustChangePassword: u.mustChangePassword === true };
}

/** Who is signed in, or null when nobody is (401). */
export async function fetchCurrentUser(): Promise<SessionUser | null> {
  try {
    return toUser(await call("me"));
  } catch (err) {
    if (err instanceof HttpFailure && err.status === 401) return null;
    throw err;
  }
}

export async function login(username: string, password: string): Promise<SessionUser> {
  return toUser(await call("login", { username, password }));
}

export async function logout(): Promise<void> {
  await call("logout", {});
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<SessionUser> {
  return toUser(await call("password", { currentPassword, newPassword }));
}
