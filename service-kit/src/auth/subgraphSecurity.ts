/**
 * What a subgraph needs to protect itself and to call other services, built once at start from
 * the stack configuration and the secrets.
 */
import type { StackConfig } from "../config.js";
import { createApiKeyStore } from "./apiKeys.js";
import { createAuthenticator, ROUTER_SECRET_HEADER } from "./authenticate.js";
import { loadSecrets, type Secrets } from "./secrets.js";
import { createTokenVerifier, signServiceToken } from "./tokens.js";
import type { SubgraphSecurity } from "../subgraphServer.js";

export interface ServiceSecurity {
  security: SubgraphSecurity;
  /** Signs and verifies cross-service webhooks. */
  webhookSecret: string;
  /** Headers a service sends to another service: the router secret and its own service token. */
  serviceHeaders: () => Promise<Record<string, string>>;
}

/** Builds a service's security from explicit secrets (tests) or the configured ones. */
export function createServiceSecurity(
  service: string,
  secrets: Pick<Secrets, "jwtPublicKey" | "routerSecret" | "serviceSecret" | "webhookSecret">,
  apiKeysFile: string,
): ServiceSecurity {
  const authenticator = createAuthenticator(createTokenVerifier(secrets.jwtPublicKey, secrets.serviceSecret), createApiKeyStore(apiKeysFile));
  let cached: { token: string; renewAt: number } | undefined;
  return {
    security: { routerSecret: secrets.routerSecret, authenticator },
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

export function serviceSecurityFromConfig(service: string, config: StackConfig, env: NodeJS.ProcessEnv = process.env): ServiceSecurity {
  return createServiceSecurity(service, loadSecrets(config.dataDir, env), config.apiKeysFile);
}
