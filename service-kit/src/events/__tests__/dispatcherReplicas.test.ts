/**
 * Several replicas of a service share one PostgreSQL database: their dispatchers claim due rows
 * (FOR UPDATE SKIP LOCKED with a lease), so every event reaches its receiver once, not once per
 * replica — counted at the receiver without deduplication.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DB as PaymentDB } from "../../../../subgraphs/payment/src/generated/kysely/types.js";
import { readTimestamp } from "../../data/dialectHelpers.js";
import { openDatabase, type ServiceDb } from "../../data/openDatabase.js";
import { DIALECTS, serviceDatabase } from "../../data/__tests__/testDatabases.js";
import { createLogger } from "../../logger.js";
import { tempDir } from "../../testing/freshDatabase.js";
import { OutboxDispatcher } from "../dispatcher.js";
import { newEvent, type EventEnvelope } from "../envelope.js";
import { enqueueEvent } from "../outbox.js";

const SECRET = "replica-secret";
const logger = createLogger("test", "silent");

describe.skipIf(!DIALECTS.includes("postgres"))("two dispatchers on one PostgreSQL database", () => {
  const world = tempDir();
  const replicas: ServiceDb<PaymentDB>[] = [];
  let receiver: http.Server;
  let url = "";
  const deliveries = new Map<string, number>();
  const byReplica = new Map<string, number>();
  let failNext = 0;
  let latencyMs = 2;

  beforeAll(async () => {
    const target = await serviceDatabase("postgres", "payment", world.dir);
    // Two pools on the same database, as two processes would have.
    replicas.push(await openDatabase<PaymentDB>(target), await openDatabase<PaymentDB>(target));
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        const event = JSON.parse(body) as EventEnvelope;
        deliveries.set(event.id, (deliveries.get(event.id) ?? 0) + 1);
        const replica = new URL(req.url ?? "/", "http://x").searchParams.get("replica") ?? "?";
        byReplica.set(replica, (byReplica.get(replica) ?? 0) + 1);
        if (failNext > 0) {
          failNext -= 1;
          res.writeHead(503).end("busy");
          return;
        }
        // A little latency, so both dispatchers are busy at the same time.
        setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end("{}"), latencyMs);
      });
    });
    receiver.listen(0);
    await new Promise((r) => receiver.once("listening", r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/events`;
  });

  afterAll(async () => {
    receiver.close();
    for (const db of replicas) await db.close();
    world.cleanup();
  });

  const dispatcher = (db: ServiceDb<PaymentDB>) => {
    const at = `${url}?replica=${replicas.indexOf(db)}`;
    return new OutboxDispatcher({ database: db, destinations: { order: at, notification: at }, webhookSecret: SECRET, logger, pollMs: 5, baseDelayMs: 5, maxDelayMs: 20, batchSize: 25 });
  };

  it("delivers each of 300 events exactly once, with both replicas taking part", async () => {
    const events = Array.from({ length: 150 }, (_, i) => newEvent("payment", "payment.reviewed", { n: i }));
    await replicas[0]!.transaction(async (trx) => {
      for (const event of events) await enqueueEvent(trx, event, ["order", "notification"]);
    });
    const [a, b] = replicas.map(dispatcher) as [OutboxDispatcher, OutboxDispatcher];
    a.start();
    b.start();
    const end = Date.now() + 20_000;
    while ((await a.figures()).delivered < 300) {
      if (Date.now() > end) throw new Error(`timed out: ${JSON.stringify(await a.figures())}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all([a.stop(), b.stop()]);
    // Each event went to two destinations of the same URL: two receipts per event, never more.
    expect([...deliveries.values()].every((n) => n === 2)).toBe(true);
    expect(deliveries.size).toBe(150);
    const attempts = await replicas[1]!.db.selectFrom("outbox_attempts").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(attempts.n)).toBe(300);
    expect(byReplica.get("0")).toBeGreaterThan(0);
    expect(byReplica.get("1")).toBeGreaterThan(0);
    expect(await a.figures()).toEqual({ pending: 0, retrying: 0, dead: 0, delivered: 300 });
  });

  it("a row claimed by one replica is not due for the other until its lease ends; a failure sets its real retry time", async () => {
    deliveries.clear();
    failNext = 1;
    const event = newEvent("payment", "payment.reviewed", { n: "lease" });
    await replicas[0]!.transaction((trx) => enqueueEvent(trx, event, ["order"]));
    const a = dispatcher(replicas[0]!);
    const b = dispatcher(replicas[1]!);
    a.start();
    b.start();
    const end = Date.now() + 10_000;
    while ((await a.figures()).delivered < 301) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all([a.stop(), b.stop()]);
    // One refused attempt, then one delivery: two receipts, never a concurrent third.
    expect(deliveries.get(event.id)).toBe(2);
    const row = await replicas[0]!.db.selectFrom("outbox").select(["attempts", "status"]).where("event_id", "=", event.id).executeTakeFirstOrThrow();
    expect({ attempts: Number(row.attempts), status: row.status }).toEqual({ attempts: 2, status: "delivered" });
  });

  it("a replica that stops gives its claimed rows back: the other delivers them at once, not after the lease", async () => {
    deliveries.clear();
    byReplica.clear();
    latencyMs = 300;
    const events = Array.from({ length: 10 }, (_, i) => newEvent("payment", "payment.reviewed", { n: `drain-${i}` }));
    await replicas[0]!.transaction(async (trx) => {
      for (const event of events) await enqueueEvent(trx, event, ["order"]);
    });
    const ids = events.map((e) => e.id);
    const a = dispatcher(replicas[0]!);
    a.start();
    // A claimed all ten (one pass) and is delivering the first, slowly.
    const end = Date.now() + 5_000;
    while (!byReplica.get("0")) {
      if (Date.now() > end) throw new Error("replica A never delivered");
      await new Promise((r) => setTimeout(r, 5));
    }
    const leased = await replicas[0]!.db.selectFrom("outbox").select("next_attempt_at").where("event_id", "in", ids).where("status", "=", "pending").execute();
    expect(leased.every((r) => readTimestamp(r.next_attempt_at).getTime() > Date.now() + 20_000)).toBe(true);
    await a.stop();
    // The delivery in flight finished; the nine others are due now, not at their lease.
    const afterStop = await replicas[0]!.db.selectFrom("outbox").select(["status", "next_attempt_at"]).where("event_id", "in", ids).execute();
    expect(afterStop.filter((r) => r.status === "delivered")).toHaveLength(1);
    expect(afterStop.filter((r) => r.status === "pending" && readTimestamp(r.next_attempt_at).getTime() <= Date.now())).toHaveLength(9);

    latencyMs = 2;
    const b = dispatcher(replicas[1]!);
    const started = Date.now();
    b.start();
    while ((await b.figures()).pending > 0) {
      if (Date.now() - started > 3_000) throw new Error(`the stopped replica's rows were not delivered at once: ${JSON.stringify(await b.figures())}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await b.stop();
    expect(ids.map((id) => deliveries.get(id))).toEqual(ids.map(() => 1));
    expect({ a: byReplica.get("0"), b: byReplica.get("1") }).toEqual({ a: 1, b: 9 });
  });
});
