/**
 * Gateways started in the test process with their own configuration (as environment variables),
 * sharing one temp data directory and in-memory secrets. Without subgraph URLs they point at a
 * closed port: everything the gateway decides on its own (sign-in, credentials, limits, headers)
 * needs no subgraph.
 */
import { testSecurity, tempDir, type TestSecurity } from "@ops/service-kit/testing";
import { readGatewayConfig } from "../config.js";
import { startGateway, type RunningGateway } from "../gatewayServer.js";

const CLOSED = "http://127.0.0.1:9/graphql";

export interface TestGateways {
  dir: string;
  usersFile: string;
  security: TestSecurity;
  /** Starts a gateway configured by `env` (on top of DATA_DIR and API_KEYS_FILE). */
  start(env?: Record<string, string>, subgraphUrls?: Record<string, string>): Promise<RunningGateway>;
  stopAll(): Promise<void>;
}

export function testGateways(): TestGateways {
  const world = tempDir("ops-gateway-test-");
  const security = testSecurity(world.dir);
  const running: RunningGateway[] = [];
  const base = { DATA_DIR: world.dir, API_KEYS_FILE: security.apiKeysFile };
  return {
    dir: world.dir,
    usersFile: readGatewayConfig(base).security.usersFile,
    security,
    async start(env = {}, subgraphUrls = { order: CLOSED, payment: CLOSED, notification: CLOSED }) {
      const config = readGatewayConfig({ ...base, ...env });
      const gateway = await startGateway({ port: 0, logLevel: "silent", subgraphUrls, security: config.security, secrets: security.secrets, subgraphTimeoutMs: config.subgraphTimeoutMs });
      running.push(gateway);
      return gateway;
    },
    async stopAll() {
      await Promise.all(running.map((g) => g.stop()));
      world.cleanup();
    },
  };
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: any;
}

/** Sends a request and reads the answer as JSON when it is JSON. */
export async function send(url: string, init: RequestInit = {}): Promise<HttpAnswer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  if (res.headers.get("content-type")?.includes("json") && text) body = JSON.parse(text);
  return { status: res.status, headers: res.headers, body };
}

/** POST /graphql with a JSON body, as API clients do. */
export function postGraphQL(url: string, query: string, headers: Record<string, string> = {}, variables: Record<string, unknown> = {}): Promise<HttpAnswer> {
  return send(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query, variables }) });
}

/** The status of GET /health: 200 while the gateway is alive. */
export async function healthStatus(gateway: RunningGateway): Promise<number> {
  return (await fetch(`${new URL(gateway.url).origin}/health`)).status;
}
