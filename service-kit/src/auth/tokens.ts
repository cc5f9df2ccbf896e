/**
 * Signed tokens. Users and API clients get short-lived EdDSA JWTs from the gateway (only it holds
 * the private key; every subgraph verifies with the public key, so a subgraph cannot mint one).
 * Services call each other with short-lived HS256 tokens signed with the service secret.
 */
import crypto from "node:crypto";
import { decodeProtectedHeader, importPKCS8, importSPKI, jwtVerify, SignJWT, type JWTPayload } from "jose";
import { UnauthenticatedError } from "../errors.js";
import { isRole, type Identity } from "./roles.js";

const ISSUER = "order-operations/gateway";
const SERVICE_ISSUER = "order-operations/service";
const AUDIENCE = "order-operations/api";

export interface UserTokenClaims {
  name: string;
  role: Identity["role"];
  kind: "user" | "apikey";
  mustChangePassword?: boolean;
}

/** Signs a user token for `ttlSeconds` (the gateway, at sign-in). */
export async function signUserToken(privateKeyPem: string, claims: UserTokenClaims, ttlSeconds: number): Promise<{ token: string; expiresAt: Date }> {
  const key = await importPKCS8(privateKeyPem, "EdDSA");
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const token = await new SignJWT({ role: claims.role, kind: claims.kind, ...(claims.mustChangePassword ? { pwd: true } : {}) })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.name)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .setJti(crypto.randomUUID())
    .sign(key);
  return { token, expiresAt };
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

export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

/**
 * Verifies user and service tokens; UNAUTHENTICATED for a forged, expired or malformed one.
 * Verified tokens are remembered until they expire, so a page of requests costs one verification.
 */
export function createTokenVerifier(jwtPublicKeyPem: string, serviceSecret: string): TokenVerifier {
  const publicKey = importSPKI(jwtPublicKeyPem, "EdDSA");
  const serviceKey = new TextEncoder().encode(serviceSecret);
  const cache = new Map<string, { identity: Identity; exp: number }>();
  return {
    async verify(token) {
      const hit = cache.get(token);
      if (hit && hit.exp > Date.now()) return hit.identity;
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
      if (cache.size > 5000) cache.clear();
      cache.set(token, { identity, exp: (payload.exp ?? 0) * 1000 });
      return identity;
    },
  };
}
