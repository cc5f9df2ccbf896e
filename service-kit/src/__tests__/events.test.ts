import http from "node:http";
import type { AddressInfo } from "node:net";
import { eventProblems } from "@ops/contracts";
import Database from "better-sqlite3";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logger.js";
import { OutboxDispatcher, retryDelay } from "../events/dispatcher.js";
import { newEvent, type EventEnvelope } from "../events/envelope.js";
import { enqueueEvent, markProcessed, type RawExecutor } from "../events/outbox.js";
import { mountWebhookReceiver, PERMANENT_REFUSAL } from "../events/receiver.js";
import { signWebhook, verifyWebhook } from "../events/signature.js";
import { freshDatabase, tempDir } from "../testing/index.js";

const SECRET = "test-webhook-secret";
const logger = createLogger("test", "silent");

/** Runs raw SQL like a Prisma transaction client would. */
function executor(db: Database.Database): RawExecutor {
  return { $executeRawUnsafe: async (sql, ...values) => db.prepare(sql).run(...(values as never[])).changes };
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

describe("outbox delivery", () => {
  const world = tempDir();
  let db: Database.Database;
  let receiver: http.Server;
  let url = "";
  let failuresLeft = 0;
  const received: EventEnvelope[] = [];
  const applied: string[] = [];

  beforeAll(async () => {
    const path = await freshDatabase("payment", world.dir);
    db = new Database(path);
    const app = express();
    // The receiver side: dedup with markProcessed in its own database (a second fresh one).
    const receiverDb = new Database(await freshDatabase("order", world.dir));
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
        const fresh = await markProcessed(executor(receiverDb), event);
        if (fresh) applied.push(event.id);
        return fresh ? "applied" : "duplicate";
      },
    });
    receiver = app.listen(0);
    await new Promise((r) => receiver.once("listening", r));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/events`;
  });

  afterAll(() => {
    receiver.close();
    db.close();
    world.cleanup();
  });

  const dispatcher = (overrides: Partial<ConstructorParameters<typeof OutboxDispatcher>[0]> = {}) =>
    new OutboxDispatcher({ dbPath: db.name, destinations: { order: url }, webhookSecret: SECRET, logger, pollMs: 20, baseDelayMs: 10, maxDelayMs: 40, ...overrides });

  async function until(check: () => boolean, ms = 5000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error("timed out");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("retries a failing receiver and applies the event once", async () => {
    failuresLeft = 2;
    const event = newEvent("payment", "payment.completed", { payments: [{ paymentId: 1, orderId: 1, amount: 100 }] });
    await enqueueEvent(executor(db), event, ["order"]);
    const d = dispatcher();
    d.start();
    await until(() => applied.includes(event.id));
    await d.stop();
    const row = db.prepare("SELECT id, status, attempts, last_error FROM outbox WHERE event_id = ?").get(event.id) as { id: number; status: string; attempts: number };
    expect(row).toMatchObject({ status: "delivered", attempts: 3, last_error: null });
    const attempts = db.prepare("SELECT http_status, error FROM outbox_attempts WHERE outbox_id = ? ORDER BY id").all(row.id) as { http_status: number; error: string | null }[];
    expect(attempts.map((a) => a.http_status)).toEqual([500, 500, 200]);
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
    await enqueueEvent(executor(db), event, ["order"]);
    const down = dispatcher({ destinations: { order: "http://127.0.0.1:9/webhooks/events" }, maxAttempts: 3 });
    down.start();
    await until(() => (db.prepare("SELECT status FROM outbox WHERE event_id = ?").get(event.id) as { status: string }).status === "dead");
    expect(down.figures().dead).toBe(1);
    await down.stop();
    const row = db.prepare("SELECT id, attempts, last_error FROM outbox WHERE event_id = ?").get(event.id) as { id: number; attempts: number; last_error: string };
    expect(row.attempts).toBe(3);
    expect(row.last_error).toMatch(/fetch failed|ECONNREFUSED/);
    const up = dispatcher();
    expect(await up.replay(row.id)).toBe(true);
    await until(() => applied.includes(event.id));
    // The receiver applied it; the dispatcher records the delivery when the answer arrives.
    await until(() => up.figures().pending === 0);
    expect(up.figures()).toMatchObject({ dead: 0, pending: 0 });
    await up.stop();
  });

  it("refuses a malformed event for good, and the dispatcher dead-letters it at once with the receiver's reason", async () => {
    // As a producer's bug would write it: `orderId` a string, `amount` missing.
    const event = { ...newEvent("payment", "payment.completed", { payments: [{ paymentId: 5, orderId: 5, amount: 100 }] }), data: { payments: [{ paymentId: 5, orderId: "5" }] } };
    await enqueueEvent(executor(db), event as EventEnvelope, ["order"]);
    const d = dispatcher();
    d.start();
    await until(() => (db.prepare("SELECT status FROM outbox WHERE event_id = ?").get(event.id) as { status: string }).status === "dead");
    // A retry would come within baseDelayMs·2 (10–20 ms): none does.
    await new Promise((r) => setTimeout(r, 200));
    await d.stop();
    const row = db.prepare("SELECT id, attempts, last_error FROM outbox WHERE event_id = ?").get(event.id) as { id: number; attempts: number; last_error: string };
    expect(row.attempts).toBe(1);
    expect(row.last_error).toMatch(/^HTTP 422: /);
    expect(row.last_error).toContain("payments[0].orderId: must be an integer, got a string; payments[0].amount: must be an integer, got missing");
    const attempts = db.prepare("SELECT http_status FROM outbox_attempts WHERE outbox_id = ?").all(row.id) as { http_status: number }[];
    expect(attempts).toEqual([{ http_status: PERMANENT_REFUSAL }]);
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
