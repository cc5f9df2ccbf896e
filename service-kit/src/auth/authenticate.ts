/**
 * Who is calling. Used by the gateway (for clients) and by every subgraph (which must not trust
 * the gateway blindly): a request identifies itself with `Authorization: Bearer <token>` or
 * `Authorization: ApiKey <key>`; subgraphs also demand the router's shared secret.
 */
import crypto from "node:crypto";
import { UnauthenticatedError, type AppError } from "../errors.js";
import type { ApiKeyStore } from "./apiKeys.js";
import type { Identity } from "./roles.js";
import type { TokenVerifier } from "./tokens.js";

export const ROUTER_SECRET_HEADER = "x-router-secret";

export interface Authenticator {
  /** The identity an Authorization header value proves, null when absent; UNAUTHENTICATED when invalid. */
  identify(authorization: string | undefined): Promise<Identity | null>;
}

export function createAuthenticator(tokens: TokenVerifier, apiKeys: ApiKeyStore): Authenticator {
  return {
    async identify(authorization) {
      if (!authorization) return null;
      const space = authorization.indexOf(" ");
      const scheme = authorization.slice(0, space).toLowerCase();
      const credential = authorization.slice(space + 1).trim();
      if (space < 0 || !credential) throw new UnauthenticatedError("The Authorization header is malformed: use `Bearer <token>` or `ApiKey <key>`.");
      if (scheme === "bearer") return tokens.verify(credential);
      if (scheme === "apikey") {
        const identity = apiKeys.find(credential);
        if (!identity) throw new UnauthenticatedError("The API key is not valid.");
        return identity;
      }
      throw new UnauthenticatedError(`Unknown authorization scheme "${scheme}": use Bearer or ApiKey.`);
    },
  };
}

/**
 * The HTTP status for credentials `identify` refused: 503 when they could not be checked (the
 * revocation list is stale; the client should retry, and keep its session), else 401.
 */
export function authFailureStatus(err: AppError): number {
  return err.extensions.code === "SERVICE_UNAVAILABLE" ? 503 : 401;
}

/** Constant-time comparison of the router secret header. */
export function hasRouterSecret(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const a = crypto.createHash("sha256").update(header).digest();
  const b = crypto.createHash("sha256").update(secret).digest();
  return crypto.timingSafeEqual(a, b);
}
