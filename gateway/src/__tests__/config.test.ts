import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@ops/service-kit";
import { readGatewayConfig } from "../config.js";

const base = { DATA_DIR: "/srv/shop-data" };

describe("the gateway configuration", () => {
  it("defaults to development settings that work on a fresh clone", () => {
    const { security } = readGatewayConfig(base);
    expect(security).toEqual({
      production: false,
      usersFile: path.resolve("/srv/shop-data/users.json"),
      apiKeysFile: path.resolve("/srv/shop-data/api-keys.json"),
      sessionTtlSeconds: 900,
      corsOrigins: [],
      rateLimitPerMinute: 600,
      trustedProxyHops: 0,
      introspection: true,
      sandbox: true,
      cookieSecure: false,
      limits: { maxDepth: 12, maxAliases: 15, maxCost: 20000, maxTokens: 2000, maxDirectives: 50, maxBodyBytes: 1048576 },
      importMaxBytes: 200 * 1024 * 1024,
    });
  });

  it("waits 30 s for a subgraph unless SUBGRAPH_TIMEOUT_MS says otherwise", () => {
    expect(readGatewayConfig(base).subgraphTimeoutMs).toBe(30_000);
    expect(readGatewayConfig({ ...base, SUBGRAPH_TIMEOUT_MS: "5000" }).subgraphTimeoutMs).toBe(5000);
  });

  it("closes introspection and the Sandbox and secures the cookie in production, unless told otherwise", () => {
    expect(readGatewayConfig({ ...base, NODE_ENV: "production" }).security).toMatchObject({ production: true, introspection: false, sandbox: false, cookieSecure: true });
    expect(readGatewayConfig({ ...base, NODE_ENV: "production", GRAPHQL_INTROSPECTION: "true", GRAPHQL_SANDBOX: "yes", COOKIE_SECURE: "false" }).security).toMatchObject({
      introspection: true,
      sandbox: true,
      cookieSecure: false,
    });
  });

  it("reads every setting", () => {
    const { security } = readGatewayConfig({
      ...base,
      USERS_FILE: "/etc/shop/users.json",
      API_KEYS_FILE: "/etc/shop/keys.json",
      SESSION_TTL_SECONDS: "300",
      CORS_ORIGINS: "https://admin.example.jp, http://localhost:5173",
      RATE_LIMIT_PER_MINUTE: "100",
      MAX_DEPTH: "8",
      MAX_ALIASES: "5",
      MAX_COST: "1000",
      MAX_TOKENS: "500",
      MAX_DIRECTIVES: "10",
      MAX_BODY_BYTES: "65536",
    });
    expect(security).toMatchObject({
      usersFile: "/etc/shop/users.json",
      apiKeysFile: "/etc/shop/keys.json",
      sessionTtlSeconds: 300,
      corsOrigins: ["https://admin.example.jp", "http://localhost:5173"],
      rateLimitPerMinute: 100,
      limits: { maxDepth: 8, maxAliases: 5, maxCost: 1000, maxTokens: 500, maxDirectives: 10, maxBodyBytes: 65536 },
    });
  });

  it.each([
    [{ CORS_ORIGINS: "*" }, /CORS_ORIGINS entry "\*" is not an origin: list full origins such as https:\/\/admin.example.jp/],
    [{ CORS_ORIGINS: "https://admin.example.jp/" }, /no trailing slash/],
    [{ CORS_ORIGINS: "admin.example.jp" }, /not an origin/],
    [{ MAX_DEPTH: "deep" }, /MAX_DEPTH=deep is not allowed: set a whole number from 1 to 100, or unset it to use 12\./],
    [{ RATE_LIMIT_PER_MINUTE: "0" }, /RATE_LIMIT_PER_MINUTE=0 is not allowed/],
    [{ SESSION_TTL_SECONDS: "10" }, /from 60 to 86400/],
    [{ GRAPHQL_INTROSPECTION: "maybe" }, /GRAPHQL_INTROSPECTION=maybe is not a yes\/no value: use true or false/],
    [{ SUBGRAPH_TIMEOUT_MS: "50" }, /SUBGRAPH_TIMEOUT_MS=50 is not allowed: set a whole number from 100 to 600000, or unset it to use 30000\./],
  ])("refuses %o with a message that says how to fix it", (env, message) => {
    expect(() => readGatewayConfig({ ...base, ...env })).toThrow(ConfigError);
    expect(() => readGatewayConfig({ ...base, ...env })).toThrow(message);
  });
});
