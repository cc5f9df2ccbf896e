import http from "node:http";
import type { AddressInfo } from "node:net";
import { eventProblems } from "@ops/contracts";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { OutboxDispatcher, retryDelay } from "../events/dispatcher.js";
import { newEvent, type EventEnvelope } from "../events/envelope.js";
import { enqueueEvent, markProcessed } from "../events/outbox.js";
import { mountWebhookReceiver, PERMANENT_REFUSAL } from "../events/receiver.js";
import { signWebhook, verifyWebhook } from "../events/signature.js";
import type { DB as PaymentDB } from "../../../subgraphs/payment/src/generated/kysely/types.js";
import type { DB as OrderDB } from "../../../subgraphs/order/src/generated/kysely/types.js";
import { openDatabase, type ServiceDb } from "../data/openDatabase.js";
import { DIALECTS, serviceDatabase } from "../data/__tests__/testDatabases.js";
import { tempDir } from "../testing/index.js";

const SECRET = "test-webhook-secret";
const logger = createLogger("test", "silent");

async function until(check: () => boolean | Promise<boolean>, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("webhook signatures", () => {
  const body = JSON.stringify({ hello: "世界" });

  it("accepts its own signature and refuses a changed body, another secret or an old timestamp", () => {
    const header = signWebhook(SECRET, body);
    expect(() => verifyWebhook(SECRET, header, body)).not.toThrow();
    expect(() => verifyWebhook(SECRET, header, body.replace("世界", "world"))).toThrow(/does not match/);
    expect(() => verifyWebhook("other", header, body)).toThrow(/does not match/);
    const old = signWebhook(SECRET, body, Date.now() - 10 * 60_000);
    expect(() => verifyWebhook(SECRET, old, body)).toThrow(/tolerance/);
    expect(() => verifyWebhook(SECRET, undefined, body)).toThrow(/missing/);
  });

  it("backs off exponentially with a cap and jitter", () => {
    expect(retryDelay(1, 500, 60_000, () => 1)).toBe(500);
    expect(retryDelay(4, 500, 60_000, () => 1)).toBe(4000);
    expect(retryDelay(30, 500, 60_000, () => 1)).toBe(60_000);
    expect(retryDelay(4, 500, 60_000, () => 0)).toBe(2000);
  });
});

describe.each(DIALECTS)("outbox delivery on %s", (dialect) => {
  const world = tempDir();
  let db: ServiceDb<PaymentDB>;
  let receiverDb: ServiceDb<OrderDB>;
  let receiver: http.Server;
  let url = "";
  let failuresLeft = 0;
  const received: EventEnvelope[] = [];
  const applied: string[] = [];

  beforeAll(async () => {
    db = await openDatabase<PaymentDB>(await serviceDatabase(dialect, "payment", world.dir));
    const app = express();
    // The receiver side: dedup with markProcessed in its own database (a second fresh one).
    receiverDb = await openDatabase<OrderDB>(await serviceDatabase(dialect, "order", world.dir));
    mountWebhookReceiver(app, {
      secret: SECRET,
      logger,
      contracts: eventProblems,
      handle: async (event) => {
        received.push(event);
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error("receiver down");
        }
        const fresh = await receiverDb.transaction((trx) => markProcessed(trx, event));
        if (fresh) applied.push(event.id);
        return fresh ? "applied" : "duplicate";
      },
    });
    receiver = app.listen(0);
    await new Promise((r) => receiver.once("listening", r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/events`;
  });

  afterAll(async () => {
    receiver.close();
    await db.close();
    await receiverDb.close();
    world.cleanup();
  });

  const dispatcher = (overrides: Partial<ConstructorParameters<typeof OutboxDispatcher>[0]> = {}) =>
    new OutboxDispatcher({ database: db, destinations: { order: url }, webhookSecret: SECRET, logger, pollMs: 20, baseDelayMs: 10, maxDelayMs: 40, ...overrides });
  const enqueue = (event: EventEnvelope, destinations = ["order"]) => db.transaction((trx) => enqueueEvent(trx, event, destinations));
  const outboxRow = (eventId: string) => db.db.selectFrom("outbox").select(["id", "status", "attempts", "last_error"]).where("event_id", "=", eventId).executeTakeFirstOrThrow();
  const attemptsOf = (id: number) => db.db.selectFrom("outbox_attempts").select(["http_status", "error"]).where("outbox_id", "=", id).orderBy("id").execute();

  it("retries a failing receiver and applies the event once", async () => {
    failuresLeft = 2;
    const event = newEvent("payment", "payment.completed", { payments: [{ paymentId: 1, orderId: 1, amount: 100 }] });
    await enqueue(event);
    const d = dispatcher();
    d.start();
    await until(() => applied.includes(event.id));
    await d.stop();
    const row = await outboxRow(event.id);
    expect({ ...row, attempts: Number(row.attempts) }).toMatchObject({ status: "delivered", attempts: 3, last_error: null });
    const attempts = await attemptsOf(row.id);
    expect(attempts.map((a) => Number(a.http_status))).toEqual([500, 500, 200]);
    expect(attempts[0]!.error).toMatch(/HTTP 500/);
    expect(received.filter((e) => e.id === event.id)).toHaveLength(3);
  });

  it("applies a redelivered event only once", async () => {
    const event = newEvent("payment", "payment.completed", { payments: [{ paymentId: 2, orderId: 2, amount: 100 }] });
    for (let i = 0; i < 5; i++) {
      const body = JSON.stringify(event);
      const res = await fetch(url, { method: "POST", headers: { "ops-signature": signWebhook(SECRET, body) }, body });
      expect((await res.json()).status).toBe(i === 0 ? "applied" : "duplicate");
    }
    expect(applied.filter((id) => id === event.id)).toHaveLength(1);
  });

  it("refuses a bad signature and a replayed old one without applying anything", async () => {
    const event = newEvent("payment", "payment.completed", { payments: [{ paymentId: 3, orderId: 3, amount: 100 }] });
    const body = JSON.stringify(event);
    const bad = await fetch(url, { method: "POST", headers: { "ops-signature": signWebhook("wrong", body) }, body });
    expect(bad.status).toBe(401);
    const old = await fetch(url, { method: "POST", headers: { "ops-signature": signWebhook(SECRET, body, Date.now() - 3_600_000) }, body });
    expect(old.status).toBe(401);
    expect(received.some((e) => e.id === event.id)).toBe(false);
  });

  it("dead-letters after the last attempt, and a replay delivers it", async () => {
    const event = newEvent("payment", "payment.refunded", [{ orderId: 4 }]);
    await enqueue(event);
    const down = dispatcher({ destinations: { order: "http://127.0.0.1:9/webhooks/events" }, maxAttempts: 3 });
    down.start();
    await until(async () => (await outboxRow(event.id)).status === "dead");
    expect((await down.figures()).dead).toBe(1);
    await down.stop();
    const row = await outboxRow(event.id);
    expect(Number(row.attempts)).toBe(3);
    expect(row.last_error).toMatch(/fetch failed|ECONNREFUSED/);
    const up = dispatcher();
    expect(await up.get(row.id)).toMatchObject({ status: "dead", attempts: 3, event_id: event.id, delivered_at: null });
    expect((await up.list("dead", 10)).map((r) => r.id)).toEqual([row.id]);
    expect(await up.replay(row.id)).toBe(true);
    await until(() => applied.includes(event.id));
    // The receiver applied it; the dispatcher records the delivery when the answer arrives.
    await until(async () => (await up.figures()).pending === 0);
    expect(await up.figures()).toMatchObject({ dead: 0, pending: 0, retrying: 0 });
    const delivered = await up.get(row.id);
    expect(delivered?.delivered_at).toBeInstanceOf(Date);
    // A delivered event is not replayed.
    expect(await up.replay(row.id)).toBe(false);
    await up.stop();
  });

  it("refuses a malformed event for good, and the dispatcher dead-letters it at once with the receiver's reason", async () => {
    // As a producer's bug would write it: `orderId` a string, `amount` missing.
    const event = { ...newEvent("payment", "payment.completed", { payments: [{ paymentId: 5, orderId: 5, amount: 100 }] }), data: { payments: [{ paymentId: 5, orderId: "5" }] } };
    await enqueue(event as EventEnvelope);
    const d = dispatcher();
    d.start();
    await until(async () => (await outboxRow(event.id)).status === "dead");
    // A retry would come within baseDelayMs·2 (10–20 ms): none does.
    await new Promise((r) => setTimeout(r, 200));
    await d.stop();
    const row = await outboxRow(event.id);
    expect(Number(row.attempts)).toBe(1);
    expect(row.last_error).toMatch(/^HTTP 422: /);
    expect(row.last_error).toContain("payments[0].orderId: must be an integer, got a string; payments[0].amount: must be an integer, got missing");
    expect((await attemptsOf(row.id)).map((a) => Number(a.http_status))).toEqual([PERMANENT_REFUSAL]);
    expect(received.some((e) => e.id === event.id)).toBe(false);
  });

  it("refuses a signed body that is not an event for good, and passes a type without a contract to the service", async () => {
    const post = (body: string) => fetch(url, { method: "POST", headers: { "ops-signature": signWebhook(SECRET, body) }, body });
    expect((await post("{not json")).status).toBe(PERMANENT_REFUSAL);
    expect((await post(JSON.stringify({ id: "x", type: "payment.completed" }))).status).toBe(PERMANENT_REFUSAL);
    const unknown = newEvent("payment", "payment.reviewed", ["anything"]);
    const res = await post(JSON.stringify(unknown));
    expect(res.status).toBe(200);
    expect(received.some((e) => e.id === unknown.id)).toBe(true);
  });
});
