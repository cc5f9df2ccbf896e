/**
 * startSubgraphServer on the data kit, on both databases, through HTTP: mutations are audited
 * (success and failure) in the service's own database, the outbox is served and delivered from
 * it, and `/ready` answers from it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB as PaymentDB } from "../../../subgraphs/payment/src/generated/kysely/types.js";
import { openDatabase, type ServiceDb } from "../data/openDatabase.js";
import { DIALECTS, pgAdminUrl, serviceDatabase } from "../data/__tests__/testDatabases.js";
import pg from "pg";
import { ConflictError } from "../errors.js";
import { newEvent } from "../events/envelope.js";
import { enqueueEvent } from "../events/outbox.js";
import type { ServiceEvents } from "../events/serviceEvents.js";
import { createLogger } from "../logger.js";
import { DateTimeScalar } from "../scalars.js";
import { startSubgraphServer, type RunningServer } from "../subgraphServer.js";
import { graphqlRequest, mustQuery, tempDir, testSecurity } from "../testing/index.js";

// The payment subgraph's shared types (audit, outbox, page info) and two mutations of our own.
const paymentSchema = fs.readFileSync(path.resolve(import.meta.dirname, "../../../subgraphs/payment/schema.graphql"), "utf8");
const sharedTypes = [...paymentSchema.matchAll(/^(?:"[^"\n]*"\n)?(?:type|enum|input) (?:AuditEntry|AuditOutcome|AuditConnection|AuditEdge|AuditFilter|OutboxEntry|OutboxStatus|OutboxFigures|PageInfo)\b[^}]*\}/gms)].map((m) => m[0]);
const typeDefs = `${paymentSchema.slice(0, paymentSchema.indexOf("scalar Date\n"))}
${sharedTypes.join("\n\n")}
type Thing { id: ID! }
type Query {
  paymentAuditLog(first: Int = 50, after: String, filter: AuditFilter): AuditConnection! @auth(requires: "admin")
  paymentOutbox(status: OutboxStatus = DEAD, first: Int = 50): [OutboxEntry!]! @auth(requires: "admin")
  paymentOutboxFigures: OutboxFigures! @auth(requires: "viewer")
}
type Mutation {
  touchThing(id: ID!, apiKey: String): Thing!
  breakThing(id: ID!): Thing!
  replayPaymentEvent(id: ID!): OutboxEntry! @auth(requires: "admin")
}`;

const logger = createLogger("test", "silent");

describe.each(DIALECTS)("a subgraph server on %s", (dialect) => {
  const world = tempDir();
  const security = testSecurity(world.dir);
  let database: ServiceDb<PaymentDB>;
  let server: RunningServer;
  let admin: Record<string, string>;
  let readyUrl = "";

  beforeAll(async () => {
    database = await openDatabase<PaymentDB>(await serviceDatabase(dialect, "payment", world.dir));
    server = await startSubgraphServer<{ identity: null; events: ServiceEvents }>({
      name: "payment",
      typeDefs,
      resolvers: {
        DateTime: DateTimeScalar,
        Mutation: {
          touchThing: async (_: unknown, args: { id: string }, ctx: { events: ServiceEvents }) => {
            await database.transaction((trx) => enqueueEvent(trx, newEvent("payment", "payment.reviewed", { id: args.id }), ["order"]));
            ctx.events.wake();
            return { id: args.id };
          },
          breakThing: (_: unknown, args: { id: string }) => {
            throw new ConflictError(`Thing ${args.id} is locked`, { field: "id", params: { id: args.id } });
          },
        },
      } as never,
      context: (_req, identity, events) => ({ identity, events }) as never,
      // No receiver: deliveries fail and are retried, the rows stay pending.
      events: { webhookSecret: security.secrets.webhookSecret, destinations: () => ({}), tuning: { pollMs: 60_000 } },
      security: security.forService("payment").security,
      database,
      logger,
      port: 0,
    });
    admin = await security.headersFor("admin", { name: "ops-admin" });
    readyUrl = server.url.replace("/graphql", "/ready");
  });

  afterAll(async () => {
    await server.stop();
    world.cleanup();
  });

  it("audits a successful and a failed mutation in the service's database, secrets redacted", async () => {
    await mustQuery(server.url, `mutation { touchThing(id: "7", apiKey: "sk-secret") { id } }`, {}, admin);
    const failed = await graphqlRequest(server.url, `mutation { breakThing(id: "8") { id } }`, {}, admin);
    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "id" });

    const all = await mustQuery(server.url, `{ paymentAuditLog { totalCount edges { node { actor action objectType objectId outcome errorCode detail at } } } }`, {}, admin);
    expect(all.paymentAuditLog.totalCount).toBe(2);
    const [broken, touched] = all.paymentAuditLog.edges.map((e: { node: Record<string, unknown> }) => e.node);
    expect(broken).toMatchObject({ actor: "ops-admin", action: "breakThing", objectId: "8", outcome: "FAILURE", errorCode: "CONFLICT" });
    expect(touched).toMatchObject({ actor: "ops-admin", action: "touchThing", objectType: "Thing", objectId: "7", outcome: "SUCCESS", errorCode: null });
    expect(touched.detail).toBe(JSON.stringify({ id: "7", apiKey: "[redacted]" }));
    expect(Math.abs(Date.parse(touched.at as string) - Date.now())).toBeLessThan(60_000);

    // Filters and pages run in the database.
    const failures = await mustQuery(server.url, `{ paymentAuditLog(filter: { outcome: FAILURE }) { totalCount edges { node { action } } } }`, {}, admin);
    expect(failures.paymentAuditLog).toEqual({ totalCount: 1, edges: [{ node: { action: "breakThing" } }] });
    const page1 = await mustQuery(server.url, `{ paymentAuditLog(first: 1) { edges { node { action } } pageInfo { hasNextPage endCursor } } }`, {}, admin);
    expect(page1.paymentAuditLog.pageInfo.hasNextPage).toBe(true);
    const page2 = await mustQuery(server.url, `query($after: String) { paymentAuditLog(first: 1, after: $after) { edges { node { action } } pageInfo { hasNextPage } } }`, { after: page1.paymentAuditLog.pageInfo.endCursor }, admin);
    expect(page2.paymentAuditLog).toEqual({ edges: [{ node: { action: "touchThing" } }], pageInfo: { hasNextPage: false } });
    const later = await mustQuery(server.url, `query($from: DateTime) { paymentAuditLog(filter: { from: $from }) { totalCount } }`, { from: new Date(Date.now() + 60_000).toISOString() }, admin);
    expect(later.paymentAuditLog.totalCount).toBe(0);
  });

  it("serves the outbox from the service's database, and refuses to replay what is not there", async () => {
    const figuresQuery = `{ paymentOutboxFigures { service pending retrying dead delivered } }`;
    let figures = await mustQuery(server.url, figuresQuery, {}, admin);
    for (let i = 0; i < 200 && figures.paymentOutboxFigures.retrying === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      figures = await mustQuery(server.url, figuresQuery, {}, admin);
    }
    // The delivery failed (no URL for "order"): one row retrying.
    expect(figures.paymentOutboxFigures).toEqual({ service: "payment", pending: 0, retrying: 1, dead: 0, delivered: 0 });
    const pending = await mustQuery(server.url, `{ paymentOutbox(status: PENDING) { id type destination status attempts lastError createdAt } }`, {}, admin);
    expect(pending.paymentOutbox).toMatchObject([{ type: "payment.reviewed", destination: "order", status: "PENDING", attempts: 1, lastError: "no webhook URL configured for order" }]);
    const missing = await graphqlRequest(server.url, `mutation { replayPaymentEvent(id: "999999") { id } }`, {}, admin);
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "id" });
  });

  it.runIf(dialect === "postgres")("is not ready while its PostgreSQL database refuses connections, answering at once, and ready again once it is back", async () => {
    const name = new URL((database.target as { url: string }).url).pathname.slice(1);
    const admin = new pg.Client({ connectionString: await pgAdminUrl() });
    await admin.connect();
    try {
      expect((await fetch(readyUrl)).status).toBe(200);
      // The database goes away for this service: no new connection, the open ones cut.
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
      for (let i = 0; i < 2; i++) {
        const started = Date.now();
        const res = await fetch(readyUrl);
        expect(Date.now() - started).toBeLessThan(1_500);
        expect(res.status).toBe(503);
        const body = (await res.json()) as { status: string; service: string; reason: string };
        expect(body).toMatchObject({ status: "unavailable", service: "payment" });
        // Names the database problem (the pool's connection cut, or the database refusing new ones).
        expect(body.reason).toMatch(/^database unavailable: .*(not currently accepting connections|terminat|ECONNRESET)/i);
      }
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      const res = await fetch(readyUrl);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "ready", service: "payment" });
    } finally {
      await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await admin.end();
    }
  });

  it("is ready while its database answers, and says why not once it does not", async () => {
    expect(await (await fetch(readyUrl)).json()).toEqual({ status: "ready", service: "payment" });
    await database.close();
    const res = await fetch(readyUrl);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "unavailable", service: "payment", reason: expect.any(String) });
  });
});
