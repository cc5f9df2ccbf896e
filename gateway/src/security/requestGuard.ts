/**
 * What every GraphQL request passes before Apollo sees it, as a plain function so the lean
 * POST path and Express's GET path run the same checks: who is calling (401 when the
 * credentials are forged, expired or unknown, or missing where anonymous callers are not let
 * through), whether they must change their password first (403), and the per-identity rate
 * limit (429 with Retry-After).
 */
import type { IncomingMessage } from "node:http";
import type { GraphQLError } from "graphql";
import { RateLimiterRes } from "rate-limiter-flexible";
import { AppError, authFailureStatus, type Authenticator, type Identity } from "@ops/service-kit";
import { authorizationOf } from "../auth/session.js";
import { gatewayError } from "../errors.js";
import { memoryRateLimitStore, type RateLimitStore } from "./rateLimiters.js";

/** The context of one operation: forwarded to every subgraph by SubgraphDataSource. */
export interface GatewayContext {
  identity: Identity | null;
  /** The Authorization value the subgraphs verify again (as received, or built from the cookie). */
  authorization: string | undefined;
}

export interface Rejection {
  status: number;
  error: GraphQLError;
  headers?: Record<string, string>;
}

export type RequestGuard = (req: IncomingMessage) => Promise<GatewayContext | Rejection>;

export function isRejection(value: GatewayContext | Rejection): value is Rejection {
  return "status" in value;
}

/**
 * The address the request came from. With no proxy in front (`trustedProxyHops` 0) it is the TCP
 * peer. Behind load balancers that append to `X-Forwarded-For` (nginx's
 * `$proxy_add_x_forwarded_for`), the peer is the last of them and the client is the address the
 * outermost trusted one saw: `hops` entries from the end of the list. Entries before that were
 * written by the client and are never believed, so a forged header cannot dodge the per-address
 * limits.
 */
export function clientIp(req: IncomingMessage, trustedProxyHops = 0): string {
  const peer = req.socket.remoteAddress ?? "unknown";
  if (trustedProxyHops === 0) return peer;
  const header = req.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? "")).split(",").map((a) => a.trim()).filter(Boolean);
  const chain = [...forwarded, peer];
  return chain[Math.max(0, chain.length - 1 - trustedProxyHops)]!;
}

export interface GuardOptions {
  /**
   * Let requests without credentials through to Apollo, where requireSignIn allows them
   * introspection only. Off: they are refused here, before their document is parsed.
   */
  anonymous: boolean;
  /** Where requests are counted (the auth database on PostgreSQL, shared by every gateway); memory by default. */
  store?: RateLimitStore;
  /** Load balancers in front of the gateway whose `X-Forwarded-For` is believed (TRUSTED_PROXY_HOPS). */
  trustedProxyHops?: number;
}

/** The answer to a request without credentials. */
export function signInFirst(): GraphQLError {
  return gatewayError("UNAUTHENTICATED", "Sign in first: send `Authorization: Bearer <token>` (from POST /auth/login) or `Authorization: ApiKey <key>`.");
}

export function createRequestGuard(authenticator: Authenticator, rateLimitPerMinute: number, options: GuardOptions = { anonymous: true }): RequestGuard {
  const limiter = (options.store ?? memoryRateLimitStore()).limiter({ keyPrefix: "graphql", points: rateLimitPerMinute, duration: 60 });
  const tooMany = (rejection: RateLimiterRes): Rejection => {
    const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    return {
      status: 429,
      headers: { "retry-after": String(retryAfter) },
      error: gatewayError("TOO_MANY_REQUESTS", `Too many requests: at most ${rateLimitPerMinute} per minute are allowed; retry in ${retryAfter} s.`, {
        params: { limit: rateLimitPerMinute, retryAfterSeconds: retryAfter },
      }),
    };
  };
  /** Counts a request against `key`; a Rejection when over the limit. */
  const count = async (key: string): Promise<Rejection | null> => {
    try {
      await limiter.consume(key);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return tooMany(rejection);
      throw rejection;
    }
  };

  return async (req) => {
    const authorization = authorizationOf(req.headers);
    let identity: Identity | null;
    try {
      identity = await authenticator.identify(authorization);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      // Credentials that could not be checked (503) are not a guess; failed ones count against
      // the address, so guessing keys is rate limited too.
      const status = authFailureStatus(err);
      if (status !== 401) return { status, error: err, headers: { "retry-after": "1" } };
      return (await count(`ip:${clientIp(req, options.trustedProxyHops)}`)) ?? { status, error: err };
    }
    if (identity?.kind === "service") {
      return { status: 401, error: gatewayError("UNAUTHENTICATED", "Service tokens are for calls between services, not through the gateway: sign in or use an API key.") };
    }
    const limited = await count(identity ? `${identity.kind}:${identity.name}` : `ip:${clientIp(req, options.trustedProxyHops)}`);
    if (limited) return limited;
    if (!identity && !options.anonymous) return { status: 401, error: signInFirst() };
    if (identity?.mustChangePassword) {
      return {
        status: 403,
        error: gatewayError("FORBIDDEN", "Change your password before doing anything else (POST /auth/password).", {
          params: { reason: "PASSWORD_CHANGE_REQUIRED" },
        }),
      };
    }
    return { identity, authorization };
  };
}
