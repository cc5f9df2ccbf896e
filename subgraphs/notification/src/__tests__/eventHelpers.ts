/** Helpers for the order-event tests: signed webhook posts, snapshots, outbox lines, polling. Not a test file. */
import fs from "node:fs";
import path from "node:path";
import type { OrderSnapshot } from "@ops/contracts";
import { newEvent, SIGNATURE_HEADER, signWebhook, type EventEnvelope } from "@ops/service-kit";
import { countOf } from "@ops/service-kit/testing";
import { TEST_ORDER, type World } from "./world.js";

/** An order snapshot as the order service puts it in its events. */
export function snapshot(id: number, overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  const items = TEST_ORDER.items.map((i) => ({ ...i, subtotal: i.quantity * i.unitPrice }));
  return {
    id,
    customerName: TEST_ORDER.customerName,
    customerEmail: `customer${id}@example.jp`,
    status: "SHIPPED",
    totalAmount: items.reduce((sum, i) => sum + i.subtotal, 0),
    currency: "JPY",
    createdAt: "2026-11-25T01:30:00.000Z",
    updatedAt: "2026-11-25T03:00:00.000Z",
    cancelReason: null,
    items,
    ...overrides,
  };
}

/** An order event as the order service sends it (any type: tests send some the service ignores). */
export function orderEvent(type: string, orders: OrderSnapshot[]): EventEnvelope {
  return newEvent("order", type, { orders });
}

/** POSTs `body` to the world's webhook, signed with its secret unless `signature` is given. */
export async function postEvent(world: World, body: string, signature = signWebhook(world.security.secrets.webhookSecret, body)) {
  const res = await fetch(world.webhookUrl, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature }, body });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** The lines the file transport appended, oldest first. */
export function outboxLines(world: World): Record<string, any>[] {
  const file = path.join(world.outboxDir, "notifications.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l)) : [];
}

/** How many times the transport was handed each notification id. */
export function sendsPerNotification(world: World): Map<number, number> {
  const counts = new Map<number, number>();
  for (const line of outboxLines(world)) counts.set(line.notificationId, (counts.get(line.notificationId) ?? 0) + 1);
  return counts;
}

/** Polls `probe` until it returns something truthy, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once every event the order service wrote for the notification service was acknowledged. */
export function orderEventsDelivered(world: World): Promise<true> {
  return waitFor("the order service's events to be delivered", async () => {
    return (await countOf(world.order.database, `SELECT COUNT(*) AS n FROM outbox WHERE destination = 'notification' AND status <> 'delivered'`)) === 0;
  });
}
