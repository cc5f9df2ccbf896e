/**
 * Gateways started in the test process with their own configuration (as environment variables),
 * sharing one temp data directory and in-memory secrets. Without subgraph URLs they point at a
 * closed port: everything the gateway decides on its own (sign-in, credentials, limits, headers)
 * needs no subgraph.
 */
import { openAuthDatabase, type AuthDb } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { freshTarget, testSecurity, tempDir, type TestSecurity } from "@ops/service-kit/testing";
import { readGatewayConfig } from "../config.js";
import { startGateway, type RunningGateway } from "../gatewayServer.js";

const CLOSED = "http://127.0.0.1:9/graphql";

export interface TestGateways {
  dir: string;
  /** The users file of earlier versions (imported by `npm start`; test gateways do not read it). */
  usersFile: string;
  /** The gateways' shared auth database (SQLite in `dir`, or PostgreSQL under test:pg), migrated. */
  authTarget: Promise<DatabaseTarget>;
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
  const authTarget = freshTarget("auth", world.dir);
  authTarget.catch(() => undefined);
  let database: Promise<AuthDb> | undefined;
  return {
    dir: world.dir,
    usersFile: readGatewayConfig(base).security.usersFile,
    authTarget,
    security,
    async start(env = {}, subgraphUrls = { order: CLOSED, payment: CLOSED, notification: CLOSED }) {
      const config = readGatewayConfig({ ...base, ...env });
      database ??= authTarget.then((target) => openAuthDatabase(target));
      const gateway = await startGateway({
        port: 0,
        logLevel: "silent",
        subgraphUrls,
        security: config.security,
        secrets: security.secrets,
        subgraphTimeoutMs: config.subgraphTimeoutMs,
        authDatabase: await database,
      });
      running.push(gateway);
      return gateway;
    },
    async stopAll() {
      await Promise.all(running.map((g) => g.stop()));
      if (database) await (await database).close();
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
