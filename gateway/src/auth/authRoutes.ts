/**
 * Sign-in on the gateway's origin (JSON): `POST /auth/login`, `POST /auth/logout`,
 * `GET /auth/me`, `POST /auth/password`. A successful sign-in sets an HttpOnly, SameSite=Strict
 * session cookie for the admin UI and returns the same short-lived token for API clients.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { GraphQLError } from "graphql";
import {
  AppError,
  authFailureStatus,
  revokeSession,
  signUserToken,
  type AuthDb,
  type Authenticator,
  type Identity,
  type Logger,
  type RevocationList,
  type TokenVerifier,
} from "@ops/service-kit";
import { errorBody, gatewayError } from "../errors.js";
import { clientIp } from "../security/requestGuard.js";
import type { LoginThrottle } from "./loginThrottle.js";
import { hashPassword, MAX_PASSWORD_LENGTH, passwordProblem, verifyPassword } from "./passwords.js";
import { authorizationOf, clearedSessionCookie, sessionCookie } from "./session.js";
import { findUser, normalizeUsername, setPasswordHash, type UserRecord } from "./userStore.js";

export interface AuthRoutesOptions {
  /** The auth database: users, and the revocations sign-out writes. */
  database: AuthDb;
  authenticator: Authenticator;
  /** Reads a token's session for sign-out (signature and expiry; no revocation check). */
  tokens: TokenVerifier;
  /** This gateway's revocation list: refreshed at once after a sign-out or password change. */
  revocations: RevocationList;
  jwtPrivateKey: string;
  sessionTtlSeconds: number;
  cookieSecure: boolean;
  throttle: LoginThrottle;
  /** Load balancers in front whose `X-Forwarded-For` is believed (see clientIp). */
  trustedProxyHops?: number;
  logger: Logger;
}

const BAD_CREDENTIALS = "The user name or password is wrong.";

function fail(res: Response, status: number, error: GraphQLError): void {
  res.status(status).type("application/json").send(errorBody(error));
}

function stringField(body: unknown, name: string): string | null {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" && value.length > 0 && value.length <= MAX_PASSWORD_LENGTH ? value : null;
}

function tooManyAttempts(res: Response, retryAfter: number): void {
  res.setHeader("retry-after", String(retryAfter));
  const minutes = Math.ceil(retryAfter / 60);
  fail(res, 429, gatewayError("TOO_MANY_REQUESTS", `Too many failed sign-in attempts: try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
    params: { retryAfterSeconds: retryAfter },
  }));
}

export function createAuthRoutes(options: AuthRoutesOptions): Router {
  const { database, throttle, logger, revocations } = options;
  // Verifying against a fixed hash when the user does not exist takes as long as a real check,
  // so the answer time does not tell whether a user name exists.
  const dummyHash = hashPassword("not-a-real-password-used-for-timing-only");

  const issue = async (res: Response, user: UserRecord) => {
    const { token, expiresAt } = await signUserToken(
      options.jwtPrivateKey,
      { name: user.username, role: user.role, kind: "user", mustChangePassword: user.mustChangePassword, generation: user.tokenGeneration },
      options.sessionTtlSeconds,
    );
    res.setHeader("set-cookie", sessionCookie(token, expiresAt, options.cookieSecure));
    res.setHeader("cache-control", "no-store");
    res.json({ token, expiresAt: expiresAt.toISOString(), user: { username: user.username, role: user.role, mustChangePassword: user.mustChangePassword } });
  };

  /** The verified caller, or null after answering 401. */
  const caller = async (req: Request, res: Response): Promise<Identity | null> => {
    try {
      const identity = await options.authenticator.identify(authorizationOf(req.headers));
      if (identity && identity.kind !== "service") return identity;
      fail(res, 401, gatewayError("UNAUTHENTICATED", "Not signed in."));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const status = authFailureStatus(err);
      // A session that could not be checked (503) is kept: it may well be valid.
      if (status === 401) res.setHeader("set-cookie", clearedSessionCookie(options.cookieSecure));
      fail(res, status, err);
    }
    return null;
  };

  const router = express.Router();
  // Only JSON bodies: a cross-site HTML form cannot send one without a CORS preflight, so these
  // routes cannot be driven from another site (on top of the SameSite=Strict cookie).
  router.use((req, res, next) => {
    if (req.method !== "POST" || req.is("application/json")) return next();
    fail(res, 415, gatewayError("UNSUPPORTED_MEDIA_TYPE", "Send a JSON body with `content-type: application/json`."));
  });
  router.use(express.json({ limit: "16kb" }));

  router.post("/login", async (req, res) => {
    const rawName = stringField(req.body, "username");
    const password = stringField(req.body, "password");
    if (!rawName || !password) {
      fail(res, 400, gatewayError("BAD_USER_INPUT", "Send `username` and `password` (non-empty strings)."));
      return;
    }
    const username = normalizeUsername(rawName);
    const ip = clientIp(req, options.trustedProxyHops);
    const wait = await throttle.attempt(username, ip);
    if (wait > 0) {
      logger.warn("sign-in locked", { ip, retryAfterSeconds: wait });
      tooManyAttempts(res, wait);
      return;
    }
    const user = await findUser(database, username);
    const ok = await verifyPassword(user?.passwordHash ?? (await dummyHash), password);
    if (!user || !ok) {
      await throttle.failed(ip);
      // An unknown name is not logged: it is often a password typed into the wrong field.
      logger.info("sign-in failed", { username: user ? username : "(unknown user)", ip });
      fail(res, 401, gatewayError("UNAUTHENTICATED", BAD_CREDENTIALS));
      return;
    }
    await throttle.succeeded(username, ip);
    logger.info("signed in", { username, role: user.role });
    await issue(res, user);
  });

  // Revokes the session of the token sent (header or cookie) everywhere, then clears the cookie.
  // A missing, forged, expired or already revoked token has nothing to revoke: still 204.
  router.post("/logout", async (req, res) => {
    const authorization = authorizationOf(req.headers);
    const token = authorization?.toLowerCase().startsWith("bearer ") ? authorization.slice(7).trim() : undefined;
    const verified = token ? await options.tokens.inspect(token).catch(() => null) : null;
    const session = verified?.session;
    if (verified && session?.jti && !revocations.isRevoked(session)) {
      try {
        await revokeSession(database, session.name, session.jti, verified.expiresAt);
      } catch (err) {
        logger.error("sign-out not recorded", { error: err instanceof Error ? err.message : String(err) });
        // The cookie stays: the session is still valid, and the client should know it.
        fail(res, 503, gatewayError("SERVICE_UNAVAILABLE", "Sign-out could not be recorded (the auth database does not answer): try again in a moment.", {
          params: { service: "auth" },
        }));
        return;
      }
      await revocations.refresh().catch(() => undefined);
      logger.info("signed out", { username: session.name });
    }
    res.setHeader("set-cookie", clearedSessionCookie(options.cookieSecure));
    res.status(204).end();
  });

  router.get("/me", async (req, res) => {
    const identity = await caller(req, res);
    if (!identity) return;
    res.setHeader("cache-control", "no-store");
    res.json({ user: { username: identity.name, role: identity.role, kind: identity.kind, mustChangePassword: identity.mustChangePassword === true } });
  });

  router.post("/password", async (req, res) => {
    const identity = await caller(req, res);
    if (!identity) return;
    if (identity.kind !== "user") {
      fail(res, 403, gatewayError("FORBIDDEN", "API keys have no password: sign in as a user to change one."));
      return;
    }
    const currentPassword = stringField(req.body, "currentPassword");
    const newPassword = (req.body as Record<string, unknown> | undefined)?.newPassword;
    if (!currentPassword || typeof newPassword !== "string") {
      fail(res, 400, gatewayError("BAD_USER_INPUT", "Send `currentPassword` and `newPassword` (strings)."));
      return;
    }
    const ip = clientIp(req, options.trustedProxyHops);
    const wait = await throttle.attempt(identity.name, ip);
    if (wait > 0) {
      tooManyAttempts(res, wait);
      return;
    }
    const user = await findUser(database, identity.name);
    if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
      await throttle.failed(ip);
      fail(res, 401, gatewayError("UNAUTHENTICATED", "The current password is wrong."));
      return;
    }
    await throttle.succeeded(identity.name, ip);
    const problem = passwordProblem(newPassword, user.username, currentPassword);
    if (problem) {
      fail(res, 400, gatewayError("BAD_USER_INPUT", problem, { field: "newPassword" }));
      return;
    }
    const updated = await setPasswordHash(database, user.username, await hashPassword(newPassword), false, "password_changed", {
      sessionTtlSeconds: options.sessionTtlSeconds,
    });
    // Every earlier token of the user is refused from now on, here at once, elsewhere within a poll.
    await revocations.refresh().catch(() => undefined);
    logger.info("password changed", { username: user.username });
    await issue(res, updated);
  });

  // Body parser errors (too large, not JSON) in the same shape as every other error.
  router.use((err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (err.type === "entity.too.large") fail(res, 413, gatewayError("PAYLOAD_TOO_LARGE", "The request body is larger than 16 KB."));
    else if (err.status === 400) fail(res, 400, gatewayError("BAD_REQUEST", "The request body is not valid JSON."));
    else next(err);
  });
  return router;
}
