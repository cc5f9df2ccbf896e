/**
 * What a subgraph needs to protect itself and to call other services, built once at start from
 * the stack configuration and the secrets.
 */
import type { StackConfig } from "../config.js";
import { createApiKeyStore } from "./apiKeys.js";
import { createAuthenticator, ROUTER_SECRET_HEADER } from "./authenticate.js";
import { loadSecrets, type Secrets } from "./secrets.js";
import { openAuthDatabase } from "./authDatabase.js";
import { startRevocationList, type RevocationList } from "./revocationList.js";
import { createTokenVerifier, signServiceToken } from "./tokens.js";
import type { SubgraphSecurity } from "../subgraphServer.js";

export interface ServiceSecurity {
  security: SubgraphSecurity;
  /** Signs and verifies cross-service webhooks. */
  webhookSecret: string;
  /** Headers a service sends to another service: the router secret and its own service token. */
  serviceHeaders: () => Promise<Record<string, string>>;
}

/**
 * Builds a service's security from explicit secrets (tests) or the configured ones. With
 * `revocations`, signed-out tokens are refused (the server closes the list when it stops).
 */
export function createServiceSecurity(
  service: string,
  secrets: Pick<Secrets, "jwtPublicKey" | "routerSecret" | "serviceSecret" | "webhookSecret">,
  apiKeysFile: string,
  revocations?: RevocationList,
): ServiceSecurity {
  const authenticator = createAuthenticator(createTokenVerifier(secrets.jwtPublicKey, secrets.serviceSecret, revocations), createApiKeyStore(apiKeysFile));
  let cached: { token: string; renewAt: number } | undefined;
  return {
    security: { routerSecret: secrets.routerSecret, authenticator, ...(revocations ? { revocations } : {}) },
    webhookSecret: secrets.webhookSecret,
    serviceHeaders: async () => {
      if (!cached || cached.renewAt < Date.now()) {
        // Valid for five minutes, renewed after four: never sent about to expire.
        cached = { token: await signServiceToken(secrets.serviceSecret, service, 300), renewAt: Date.now() + 240_000 };
      }
      return { authorization: `Bearer ${cached.token}`, [ROUTER_SECRET_HEADER]: secrets.routerSecret };
    },
  };
}

/**
 * The configured security of `service`: the secrets, the API keys file, and the session
 * revocations read from the auth database (`config.authDatabase`, one connection, reads only).
 */
export function serviceSecurityFromConfig(service: string, config: StackConfig, env: NodeJS.ProcessEnv = process.env): ServiceSecurity {
  const revocations = startRevocationList(openAuthDatabase(config.authDatabase, { poolSize: 1, applicationName: `ops-${service}-revocations` }), {
    pollMs: config.revocationPollMs,
    ownsDatabase: true,
  });
  return createServiceSecurity(service, loadSecrets(config.dataDir, env), config.apiKeysFile, revocations);
}
