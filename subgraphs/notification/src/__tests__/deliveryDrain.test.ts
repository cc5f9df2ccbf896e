/**
 * A notification replica that drains (SIGTERM) lets the hand-overs it runs finish and gives up
 * the ones still running at the drain's deadline: their claims are released (PostgreSQL: the
 * transaction holding the row lock rolls back) and they stay PENDING, so another replica sends
 * them at once. Two NotificationDelivery instances on two pools stand for two replicas.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainDeadline } from "@ops/service-kit";
import { openNotificationDatabase, type NotificationDatabase } from "../db/database.js";
import { NotificationDelivery } from "../domain/notificationDelivery.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";
import { getNotification, plantNotification } from "./rows.js";
import { startWorld, type World } from "./world.js";

let world: World;
const pools: NotificationDatabase[] = [];
beforeAll(async () => {
  world = await startWorld();
});
afterAll(async () => {
  for (const pool of pools) await pool.close();
  await world.stop();
});

const pending = (orderId: number) =>
  plantNotification(world.notification.database, {
    orderId,
    channel: "EMAIL",
    templateName: "ORDER_CONFIRMATION",
    recipient: `customer${orderId}@example.jp`,
    subject: `ご注文確認 — 注文番号 #${orderId}`,
    body: "本文",
    status: "PENDING",
  });

/** A replica's delivery on a pool of its own, handing over through `transport` one at a time. */
async function replica(transport: NotificationTransport): Promise<NotificationDelivery> {
  const pool = await openNotificationDatabase(world.notificationTarget, { poolSize: 3 });
  pools.push(pool);
  return new NotificationDelivery({ database: pool, transport }, { concurrency: 2 });
}

const statusOf = async (id: number) => (await getNotification(world.notification.database, id)).status;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("draining a notification replica", () => {
  it("finishes the hand-over in flight, abandons the one still hanging at the deadline, and the other replica sends that one at once", async () => {
    const [quick, hung] = [await pending(9101), await pending(9102)];
    const sentByA: number[] = [];
    // A's mail server answers the first message after 300 ms and never answers the second.
    const a = await replica({
      async send(message) {
        if (message.notificationId === hung.id) return new Promise<void>(() => {});
        await pause(300);
        sentByA.push(message.notificationId!);
      },
    });
    const sentByB: number[] = [];
    const b = await replica({
      async send(message) {
        sentByB.push(message.notificationId!);
      },
    });

    const handedOver = a.deliverAll([quick.id, hung.id]);
    await pause(100);
    if (world.notification.database.dialect === "postgres") {
      // While A holds them, B's claim skips both (FOR UPDATE SKIP LOCKED): nothing is sent twice.
      await b.deliverAll([quick.id, hung.id]);
      expect(sentByB).toEqual([]);
    }

    const started = Date.now();
    await a.stop(drainDeadline(1_000));
    const tookMs = Date.now() - started;
    await handedOver;
    expect(tookMs).toBeGreaterThanOrEqual(900);
    expect(tookMs).toBeLessThan(3_000);
    expect(sentByA).toEqual([quick.id]);
    expect(await statusOf(quick.id)).toBe("SENT");
    // Given up, not failed: it waits, unclaimed, for another replica.
    expect(await getNotification(world.notification.database, hung.id)).toMatchObject({ status: "PENDING", attemptCount: 0, failureReason: null });

    await b.deliverAll([quick.id, hung.id]);
    expect(sentByB).toEqual([hung.id]);
    expect(await statusOf(hung.id)).toBe("SENT");
    await b.stop();
  }, 30_000);
});
