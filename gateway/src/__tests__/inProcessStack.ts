/**
 * The whole stack in the test process: three real subgraphs on free ports over fresh databases
 * (SQLite files, or PostgreSQL databases under `npm run test:pg`), fast outbox retries, and a gateway in front, all with one set of test secrets. Services can be
 * stopped and started again on the same port (a subgraph outage).
 */
import { openAuthDatabase, QueryCounter, webhookUrl, type AuthDb, type Role } from "@ops/service-kit";
import { openDatabase, type DatabaseTarget, type ServiceDb } from "@ops/service-kit/data";
import { freshTarget, mustQuery, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { startOrderService } from "@ops/order/server";
import { startPaymentService } from "@ops/payment/server";
import { startNotificationService } from "@ops/notification/server";
import { readGatewayConfig } from "../config.js";
import { startGateway, type RunningGateway } from "../gatewayServer.js";
import { countingProxy, type CountingProxy } from "./countingProxy.js";

export type ServiceName = "order" | "payment" | "notification";
interface Running {
  url: string;
  port: number;
  stop: () => Promise<void>;
}

export interface InProcessStack {
  dir: string;
  security: TestSecurity;
  gateway: RunningGateway;
  /** Each subgraph's GraphQL URL (what the gateway calls, unless `routeThrough` replaced it). */
  urls: Record<ServiceName, string>;
  sql: Record<ServiceName, QueryCounter>;
  /** Where each service keeps its data. */
  targets: Record<ServiceName, DatabaseTarget>;
  /** The auth database (users, session revocations) the gateway writes and every subgraph reads. */
  authTarget: DatabaseTarget;
  /** The gateway's connection to it (another gateway in front of the same services may share it). */
  authDatabase: AuthDb;
  /** The test's own connection to a service's database (opened on first use), for reading and planting rows. */
  rows(name: ServiceName): Promise<ServiceDb<any>>;
  /** Every webhook to a service passes its gate: set `failing` to make the receiver answer 503. */
  gates: Record<ServiceName, CountingProxy>;
  /** Headers for the gateway as a signed-in user with `role`. */
  as(role: Role): Promise<Record<string, string>>;
  stopService(name: ServiceName): Promise<void>;
  startService(name: ServiceName): Promise<void>;
  /** Resolves once no service has an event waiting for delivery. */
  settled(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface InProcessStackOptions {
  /** Puts something (a proxy) between the gateway and a subgraph: returns the URL the gateway calls. */
  routeThrough?: (name: ServiceName, url: string) => Promise<string>;
  /** Gateway settings on top of the test ones, e.g. SUBGRAPH_TIMEOUT_MS. */
  gatewayEnv?: Record<string, string>;
  /** Run the order service's background consistency check (every 100 ms). */
  consistencyCheck?: boolean;
}

export async function startInProcessStack(options: InProcessStackOptions = {}): Promise<InProcessStack> {
  const world = tempDir("ops-stack-test-");
  const security = testSecurity(world.dir);
  const sql = { order: new QueryCounter(), payment: new QueryCounter(), notification: new QueryCounter() };
  const urls = { order: "", payment: "", notification: "" } as Record<ServiceName, string>;
  const ports = { order: 0, payment: 0, notification: 0 } as Record<ServiceName, number>;
  const targets = {} as Record<ServiceName, DatabaseTarget>;
  const opened = new Map<ServiceName, Promise<ServiceDb<any>>>();
  const gates = {} as Record<ServiceName, CountingProxy>;
  const hook = (name: ServiceName) => (gates[name] ? gates[name].url : webhookUrl(urls[name]));
  for (const name of ["order", "payment", "notification"] as const) targets[name] = await freshTarget(name, world.dir);
  const authTarget = await freshTarget("auth", world.dir);
  const authDatabase: AuthDb = await openAuthDatabase(authTarget);
  const outbox = { pollMs: 100, baseDelayMs: 50, maxDelayMs: 500 };
  const hooks = (name: ServiceName, port: number) => ({ port, logLevel: "silent" as const, database: targets[name], onQuery: sql[name].record, security: security.forService(name, authTarget), outbox });
  const starters: Record<ServiceName, (port: number) => Promise<Running>> = {
    order: (port) =>
      startOrderService({
        ...hooks("order", port),
        webhookUrls: () => ({ payment: hook("payment"), notification: hook("notification") }),
        peerUrls: () => ({ payment: urls.payment, notification: urls.notification }),
        importDir: `${world.dir}/imports`,
        importMaxBytes: 200 * 1024 * 1024,
        // The background check queries the other services: off unless a test asks for it, so
        // the SQL counts of federated reads stay exact.
        consistency: { intervalMs: 100, pollMs: 50, autoStart: options.consistencyCheck ?? false },
      }),
    payment: (port) => startPaymentService({ ...hooks("payment", port), orderServiceUrl: urls.order, webhookUrls: () => ({ order: hook("order") }) }),
    notification: (port) =>
      startNotificationService({ ...hooks("notification", port), orderServiceUrl: urls.order, outboxDir: world.dir, webhookUrls: () => ({}) }),
  };
  const running = {} as Record<ServiceName, Running>;
  for (const name of ["order", "payment", "notification"] as const) {
    running[name] = await starters[name](0);
    urls[name] = running[name].url;
    ports[name] = running[name].port;
  }
  for (const name of ["order", "payment", "notification"] as const) gates[name] = await countingProxy(webhookUrl(urls[name]));
  const routed = {} as Record<ServiceName, string>;
  for (const name of ["order", "payment", "notification"] as const) routed[name] = options.routeThrough ? await options.routeThrough(name, urls[name]) : urls[name];
  const config = readGatewayConfig({ DATA_DIR: world.dir, API_KEYS_FILE: security.apiKeysFile, RATE_LIMIT_PER_MINUTE: "100000", ...options.gatewayEnv });
  const gateway = await startGateway({
    port: 0,
    logLevel: "silent",
    subgraphUrls: routed,
    security: config.security,
    secrets: security.secrets,
    subgraphTimeoutMs: config.subgraphTimeoutMs,
    authDatabase,
  });

  const stack: InProcessStack = {
    dir: world.dir,
    security,
    gateway,
    urls: routed,
    sql,
    targets,
    authTarget,
    authDatabase,
    rows(name) {
      if (!opened.has(name)) opened.set(name, openDatabase<any>(targets[name], { poolSize: 2 }));
      return opened.get(name)!;
    },
    gates,
    as: async (role) => ({ authorization: (await security.headersFor(role)).authorization! }),
    async stopService(name) {
      await running[name].stop();
    },
    async startService(name) {
      running[name] = await starters[name](ports[name]);
    },
    async settled(timeoutMs = 15_000) {
      const admin = await security.headersFor("admin");
      const end = Date.now() + timeoutMs;
      for (;;) {
        let waiting = 0;
        for (const name of ["order", "payment", "notification"] as const) {
          const data = await mustQuery(urls[name], `{ f: ${name}OutboxFigures { pending retrying } }`, {}, admin);
          waiting += data.f.pending + data.f.retrying;
        }
        if (waiting === 0) return;
        if (Date.now() > end) throw new Error(`${waiting} events still waiting after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await gateway.stop();
      for (const name of ["notification", "payment", "order"] as const) await running[name].stop().catch(() => undefined);
      await Promise.all(Object.values(gates).map((g) => g.close()));
      await Promise.all([...opened.values()].map(async (db) => (await db).close()));
      await authDatabase.close();
      world.cleanup();
    },
  };
  return stack;
}
