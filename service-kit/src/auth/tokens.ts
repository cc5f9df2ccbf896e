/**
 * Signed tokens. Users and API clients get short-lived EdDSA JWTs from the gateway (only it holds
 * the private key; every subgraph verifies with the public key, so a subgraph cannot mint one).
 * Services call each other with short-lived HS256 tokens signed with the service secret.
 */
import crypto from "node:crypto";
import { decodeProtectedHeader, importPKCS8, importSPKI, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { UnauthenticatedError } from "../errors.js";
import type { RevocationList, TokenSession } from "./revocationList.js";
import { isRole, type Identity } from "./roles.js";

const ISSUER = "order-operations/gateway";
const SERVICE_ISSUER = "order-operations/service";
const AUDIENCE = "order-operations/api";

export interface UserTokenClaims {
  name: string;
  role: Identity["role"];
  kind: "user" | "apikey";
  mustChangePassword?: boolean;
  /**
   * The user's token generation (`gen`): a password change, reset or removal revokes every token
   * below the new one, including one issued in the same second (JWT `iat` counts whole seconds).
   */
  generation?: number;
}

/** What the gateway needs to revoke a token it issued: its session id and when it expires. */
export interface IssuedToken {
  token: string;
  expiresAt: Date;
  jti: string;
}

/** Signs a user token for `ttlSeconds` (the gateway, at sign-in). */
export async function signUserToken(privateKeyPem: string, claims: UserTokenClaims, ttlSeconds: number): Promise<IssuedToken> {
  const key = await importPKCS8(privateKeyPem, "EdDSA");
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const jti = crypto.randomUUID();
  const token = await new SignJWT({
    role: claims.role,
    kind: claims.kind,
    ...(claims.mustChangePassword ? { pwd: true } : {}),
    ...(claims.generation ? { gen: claims.generation } : {}),
  })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.name)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(jti)
    .sign(key);
  return { token, expiresAt, jti };
}

/** Signs a token a service presents to another service. */
export async function signServiceToken(serviceSecret: string, service: string, ttlSeconds = 300): Promise<string> {
  return new SignJWT({ kind: "service" })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(SERVICE_ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(service)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(new TextEncoder().encode(serviceSecret));
}

function toIdentity(payload: JWTPayload): Identity {
  const name = payload.sub;
  if (!name) throw new UnauthenticatedError("The token names no subject.");
  if (payload.kind === "service") return { kind: "service", name, role: "admin" };
  if (!isRole(payload.role) || (payload.kind !== "user" && payload.kind !== "apikey")) {
    throw new UnauthenticatedError("The token carries no valid role.");
  }
  return { kind: payload.kind, name, role: payload.role, ...(payload.pwd === true ? { mustChangePassword: true } : {}) };
}

/** A verified token: who it names, and (user tokens) the session it belongs to. */
export interface VerifiedToken {
  identity: Identity;
  /** Absent for service tokens. */
  session?: TokenSession;
  expiresAt: Date;
}

export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
  /**
   * The signature and expiry checks of `verify` without the revocation check, with the session
   * (jti, generation) and expiry: what sign-out needs to revoke a token.
   */
  inspect(token: string): Promise<VerifiedToken>;
}

function sessionOf(payload: JWTPayload, name: string): TokenSession {
  return { name, jti: payload.jti, generation: typeof payload.gen === "number" ? payload.gen : 0 };
}

/**
 * Verifies user and service tokens; UNAUTHENTICATED for a forged, expired or malformed one, and,
 * given the revocation list, for a signed-out one (SERVICE_UNAVAILABLE while the list is stale).
 * Verified signatures are remembered until they expire, so a page of requests costs one
 * verification; the revocation check runs on every call.
 */
export function createTokenVerifier(jwtPublicKeyPem: string, serviceSecret: string, revocations?: RevocationList): TokenVerifier {
  const publicKey = importSPKI(jwtPublicKeyPem, "EdDSA");
  const serviceKey = new TextEncoder().encode(serviceSecret);
  const cache = new Map<string, VerifiedToken>();
  const verifySignature = async (token: string): Promise<VerifiedToken> => {
    const hit = cache.get(token);
    if (hit && hit.expiresAt.getTime() > Date.now()) return hit;
    let payload: JWTPayload;
    try {
      const { alg } = decodeProtectedHeader(token);
      payload =
        alg === "HS256"
          ? (await jwtVerify(token, serviceKey, { issuer: SERVICE_ISSUER, audience: AUDIENCE, algorithms: ["HS256"] })).payload
          : (await jwtVerify(token, await publicKey, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["EdDSA"] })).payload;
    } catch (err) {
      const expired = (err as { code?: string }).code === "ERR_JWT_EXPIRED";
      throw new UnauthenticatedError(expired ? "Your session has expired: sign in again." : "The token is not valid: sign in again.");
    }
    const identity = toIdentity(payload);
    const verified: VerifiedToken = {
      identity,
      expiresAt: new Date((payload.exp ?? 0) * 1000),
      ...(identity.kind === "service" ? {} : { session: sessionOf(payload, identity.name) }),
    };
    if (cache.size > 5000) cache.clear();
    cache.set(token, verified);
    return verified;
  };
  return {
    inspect: verifySignature,
    async verify(token) {
      const verified = await verifySignature(token);
      if (verified.session) revocations?.check(verified.session);
      return verified.identity;
    },
  };
}
