/**
 * Nothing lost on a crash: a notification committed PENDING whose delivery never happened (as if
 * the process died between the commit and the transport) is delivered by the sweeper, once; and
 * concurrent hand-overs of one notification share a single attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NotificationDelivery } from "../domain/notificationDelivery.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import { outboxLines, sendsPerNotification, waitFor } from "./eventHelpers.js";
import { countNotifications, getNotification, plantNotification } from "./rows.js";
import { startWorld, type World } from "./world.js";

const SWEEP = { intervalMs: 100, olderThanMs: 1500 };

let world: World;
beforeAll(async () => {
  world = await startWorld({ sweeper: SWEEP });
});
afterAll(() => world.stop());

const leftPending = (orderId: number, ageMs: number) =>
  plantNotification(world.notification.database, {
    orderId,
    channel: "EMAIL",
    templateName: "ORDER_CONFIRMATION",
    recipient: `customer${orderId}@example.jp`,
    subject: `ご注文確認 — 注文番号 #${orderId}`,
    body: "本文",
    status: "PENDING",
    createdAt: new Date(Date.now() - ageMs),
  });

const statusOf = async (id: number) => (await getNotification(world.notification.database, id)).status;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the sweeper of notifications left PENDING", () => {
  it("delivers one older than the threshold exactly once", async () => {
    const left = await leftPending(7001, 60_000);
    await waitFor("the sweeper to send it", async () => (await statusOf(left.id)) === "SENT");
    // Several more sweeps: it is not sent again.
    await pause(SWEEP.intervalMs * 5);
    const after = await getNotification(world.notification.database, left.id);
    expect(after).toMatchObject({ status: "SENT", attemptCount: 1, failureReason: null });
    expect(outboxLines(world).filter((l) => l.notificationId === left.id)).toEqual([
      expect.objectContaining({ channel: "EMAIL", recipient: "customer7001@example.jp", subject: "ご注文確認 — 注文番号 #7001", body: "本文" }),
    ]);
  });

  it("leaves a young one alone until it passes the threshold, then delivers it once", async () => {
    const young = await leftPending(7002, 0);
    await pause(SWEEP.intervalMs * 4);
    expect(await statusOf(young.id)).toBe("PENDING");
    await waitFor("the sweeper to send it", async () => (await statusOf(young.id)) === "SENT", SWEEP.olderThanMs + 5000);
    await pause(SWEEP.intervalMs * 3);
    expect(sendsPerNotification(world).get(young.id)).toBe(1);
  });

  it("delivers a whole batch left behind, each once", async () => {
    const rows = await Promise.all(Array.from({ length: 60 }, (_, i) => leftPending(7100 + i, 30_000)));
    const ids = rows.map((r) => r.id);
    await waitFor("the batch to be sent", async () => (await countNotifications(world.notification.database, { ids, status: "SENT" })) === 60);
    await pause(SWEEP.intervalMs * 3);
    const sends = sendsPerNotification(world);
    expect(ids.every((id) => sends.get(id) === 1)).toBe(true);
  });
});

describe("one hand-over per notification", () => {
  it("shares one attempt between concurrent callers and leaves a delivered notification alone", async () => {
    const sent: number[] = [];
    const slow: NotificationTransport = {
      async send(message) {
        await pause(50);
        sent.push(message.notificationId!);
      },
    };
    const delivery = new NotificationDelivery({ database: world.notification.database, transport: slow }, { concurrency: 2 });
    // Young rows: the service's own sweeper leaves them alone during this test.
    const rows = await Promise.all([8001, 8002, 8003].map((orderId) => leftPending(orderId, 0)));
    const ids = rows.map((r) => r.id);
    const results = await Promise.all([delivery.deliverAll(ids), ...ids.map((id) => delivery.deliver(id)), delivery.deliver(ids[0]!)]);
    expect(results.slice(1).map((n) => n && n.status)).toEqual(["SENT", "SENT", "SENT", "SENT"]);
    expect(sent.sort()).toEqual([...ids].sort());
    // Later callers re-read the status: no second send.
    expect((await delivery.deliver(ids[1]!))?.status).toBe("SENT");
    expect(await delivery.deliver(999_999)).toBeNull();
    expect(sent).toHaveLength(3);
    await delivery.stop();
  });
});
