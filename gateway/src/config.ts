/**
 * The gateway's configuration: the stack's (ports, data directory, subgraph URLs) plus access
 * control and abuse limits, read once at start. A bad value stops the gateway with a message
 * that says how to fix it.
 */
import path from "node:path";
import { ConfigError, readStackConfig, type StackConfig } from "@ops/service-kit";

/** Limits on one GraphQL request (graphql-armor and the body reader). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  maxDirectives: number;
  maxBodyBytes: number;
}

export interface SecurityConfig {
  production: boolean;
  /** Users who sign in with a password (argon2id hashes), written by `npm run user:add`. */
  usersFile: string;
  /** API keys (SHA-256 hashes), written by `npm run apikey:add`; the subgraphs read it too. */
  apiKeysFile: string;
  sessionTtlSeconds: number;
  /** Origins allowed to call the gateway from a browser; empty = same origin only. */
  corsOrigins: string[];
  /** GraphQL requests per minute per identity (anonymous callers: per IP address). */
  rateLimitPerMinute: number;
  /**
   * Load balancers in front of the gateway that append the client's address to X-Forwarded-For
   * (TRUSTED_PROXY_HOPS, default 0): per-address limits count the client, not the balancer.
   */
  trustedProxyHops: number;
  introspection: boolean;
  /** The Apollo Sandbox landing page on GET /graphql. */
  sandbox: boolean;
  cookieSecure: boolean;
  limits: QueryLimits;
  /** The largest CSV upload (IMPORT_MAX_BYTES), refused at the gateway before the order service sees it. */
  importMaxBytes: number;
}

export interface GatewayConfig extends StackConfig {
  security: SecurityConfig;
  /** How long one call to a subgraph may take before it is answered as SERVICE_TIMEOUT (SUBGRAPH_TIMEOUT_MS). */
  subgraphTimeoutMs: number;
}

type Env = NodeJS.ProcessEnv;

function readInt(env: Env, key: string, fallback: number, min: number, max: number): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${key}=${raw} is not allowed: set a whole number from ${min} to ${max}, or unset it to use ${fallback}.`);
  }
  return value;
}

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

function readBool(env: Env, key: string, fallback: boolean): boolean {
  const raw = env[key]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ConfigError(`${key}=${env[key]} is not a yes/no value: use true or false, or unset it to use ${fallback}.`);
}

function readOrigins(env: Env): string[] {
  const raw = env.CORS_ORIGINS?.trim();
  if (!raw) return [];
  return raw.split(",").map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (origin === "*" || !parsed || parsed.origin !== origin || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError(
        `CORS_ORIGINS entry "${origin}" is not an origin: list full origins such as https://admin.example.jp (scheme, host, optional port; no path, no trailing slash, no "*"), separated by commas.`,
      );
    }
    return origin;
  });
}

/** Reads and validates the gateway configuration. Throws ConfigError with a fix-it message. */
export function readGatewayConfig(env: Env = process.env): GatewayConfig {
  const stack = readStackConfig(env);
  const production = stack.nodeEnv === "production";
  const security: SecurityConfig = {
    production,
    usersFile: path.resolve(env.USERS_FILE || path.join(stack.dataDir, "users.json")),
    apiKeysFile: stack.apiKeysFile,
    sessionTtlSeconds: readInt(env, "SESSION_TTL_SECONDS", 900, 60, 24 * 3600),
    corsOrigins: readOrigins(env),
    rateLimitPerMinute: readInt(env, "RATE_LIMIT_PER_MINUTE", 600, 1, 1_000_000),
    trustedProxyHops: readInt(env, "TRUSTED_PROXY_HOPS", 0, 0, 5),
    introspection: readBool(env, "GRAPHQL_INTROSPECTION", !production),
    sandbox: readBool(env, "GRAPHQL_SANDBOX", !production),
    cookieSecure: readBool(env, "COOKIE_SECURE", production),
    limits: {
      maxDepth: readInt(env, "MAX_DEPTH", 12, 1, 100),
      maxAliases: readInt(env, "MAX_ALIASES", 15, 0, 1000),
      maxCost: readInt(env, "MAX_COST", 20_000, 1, 10_000_000),
      maxTokens: readInt(env, "MAX_TOKENS", 2000, 10, 1_000_000),
      maxDirectives: readInt(env, "MAX_DIRECTIVES", 50, 0, 1000),
      maxBodyBytes: readInt(env, "MAX_BODY_BYTES", 1024 * 1024, 1024, 64 * 1024 * 1024),
    },
    importMaxBytes: stack.importMaxBytes,
  };
  return { ...stack, security, subgraphTimeoutMs: readInt(env, "SUBGRAPH_TIMEOUT_MS", 30_000, 100, 600_000) };
}
