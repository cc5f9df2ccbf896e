/**
 * Security for a test world: fresh secrets in memory, the subgraphs' security, and request
 * headers for any role — what the router would send after a user signed in.
 */
import crypto from "node:crypto";
import path from "node:path";
import { ROUTER_SECRET_HEADER } from "../auth/authenticate.js";
import type { Role } from "../auth/roles.js";
import type { Secrets } from "../auth/secrets.js";
import { openAuthDatabase } from "../auth/authDatabase.js";
import { startRevocationList } from "../auth/revocationList.js";
import { createServiceSecurity, type ServiceSecurity } from "../auth/subgraphSecurity.js";
import type { DatabaseTarget } from "../data/databaseTarget.js";
import { signUserToken } from "../auth/tokens.js";

export interface TestSecurity {
  secrets: Secrets;
  apiKeysFile: string;
  /**
   * The security a service named `service` runs with; given the auth database, it refuses
   * revoked sessions as a configured service does (its own connection, closed with the server).
   */
  forService(service: string, authDatabase?: DatabaseTarget): ServiceSecurity;
  /** Headers of a request routed for a user with `role` (router secret + bearer token). */
  headersFor(role: Role, options?: { name?: string; mustChangePassword?: boolean; ttlSeconds?: number }): Promise<Record<string, string>>;
  /** The router secret alone, with no caller. */
  routerOnly(): Record<string, string>;
}

export function testSecurity(dir: string): TestSecurity {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("ed25519");
  const secrets: Secrets = {
    jwtPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    jwtPublicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    routerSecret: crypto.randomBytes(24).toString("base64url"),
    serviceSecret: crypto.randomBytes(24).toString("base64url"),
    webhookSecret: crypto.randomBytes(24).toString("base64url"),
  };
  const apiKeysFile = path.join(dir, "api-keys.json");
  return {
    secrets,
    apiKeysFile,
    forService: (service, authDatabase) =>
      createServiceSecurity(
        service,
        secrets,
        apiKeysFile,
        authDatabase ? startRevocationList(openAuthDatabase(authDatabase, { poolSize: 1 }), { ownsDatabase: true }) : undefined,
      ),
    async headersFor(role, options = {}) {
      const { token } = await signUserToken(
        secrets.jwtPrivateKey,
        { name: options.name ?? `test-${role}`, role, kind: "user", mustChangePassword: options.mustChangePassword },
        options.ttlSeconds ?? 600,
      );
      return { authorization: `Bearer ${token}`, [ROUTER_SECRET_HEADER]: secrets.routerSecret };
    },
    routerOnly: () => ({ [ROUTER_SECRET_HEADER]: secrets.routerSecret }),
  };
}
