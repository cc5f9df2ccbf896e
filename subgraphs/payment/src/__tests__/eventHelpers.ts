/** Helpers for the cross-service event tests: outbox rows, signed webhook deliveries, polling. */
import { EVENT_ORDERS, type OrderSnapshot } from "@ops/contracts";
import { signWebhook, SIGNATURE_HEADER, webhookUrl, type EventEnvelope } from "@ops/service-kit";
import type { ServiceDb } from "@ops/service-kit/data";
import { mustQuery, rowsOf } from "@ops/service-kit/testing";
import { paymentById } from "../db/payments.js";
import type { TestWorld } from "./testWorld.js";

/** Either service's database (the payment or the order service's, through the data kit). */
export type AnyDb = ServiceDb<any>;

/** The rows `text` (with `?` placeholders) returns from either service's database. */
export function selectRows<T>(db: AnyDb, text: string, ...params: unknown[]): Promise<T[]> {
  return rowsOf<T>(db, text, ...params);
}

/** One outbox row as stored, with its payload parsed. */
export interface OutboxRow {
  id: number;
  eventId: string;
  destination: string;
  type: string;
  status: string;
  event: EventEnvelope<any>;
}

/** Outbox rows of `db` of event `type`, oldest first, optionally only those `where` accepts. */
export async function outboxRows(db: AnyDb, type: string, where: (event: EventEnvelope<any>) => boolean = () => true): Promise<OutboxRow[]> {
  const rows = await selectRows<{ id: number | bigint; event_id: string; destination: string; type: string; status: string; payload: string }>(
    db,
    `SELECT id, event_id, destination, type, status, payload FROM outbox WHERE type = ? ORDER BY id`,
    type,
  );
  return rows
    .map((r) => ({ id: Number(r.id), eventId: r.event_id, destination: r.destination, type: r.type, status: r.status, event: JSON.parse(r.payload) as EventEnvelope<any> }))
    .filter((r) => where(r.event));
}

/** How many outbox rows `db` holds. */
export async function outboxCount(db: AnyDb): Promise<number> {
  const [row] = await selectRows<{ n: number | bigint }>(db, `SELECT COUNT(*) AS n FROM outbox`);
  return Number(row!.n);
}

/** Whether `db` recorded `eventId` as processed. */
export async function isProcessed(db: AnyDb, eventId: string): Promise<boolean> {
  const rows = await selectRows<unknown>(db, `SELECT event_id FROM processed_events WHERE event_id = ?`, eventId);
  return rows.length === 1;
}

/**
 * POSTs `event` to the webhook of the service at `graphqlUrl`, signed with `secret` at `at`
 * (a raw header value overrides the signature). Returns the HTTP status and the JSON answer.
 */
export async function postEvent(
  graphqlUrl: string,
  event: EventEnvelope | string,
  options: { secret: string; at?: number; header?: string | null },
): Promise<{ status: number; body: Record<string, unknown> }> {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const header = options.header === undefined ? signWebhook(options.secret, body, options.at) : options.header;
  const res = await fetch(webhookUrl(graphqlUrl), {
    method: "POST",
    headers: { "content-type": "application/json", ...(header === null ? {} : { [SIGNATURE_HEADER]: header }) },
    body,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A cancelled order as `order.cancelled` describes it (the fields this service does not read are filler). */
export function cancelledSnapshot(id: number, overrides: Partial<OrderSnapshot> = {}): OrderSnapshot {
  // Cancelled now, after any payment the test completed before: a cancellation, not a compensation.
  const now = new Date().toISOString();
  return {
    id,
    customerName: "山田 太郎",
    customerEmail: "taro@example.jp",
    status: "CANCELLED",
    totalAmount: 1_000,
    currency: "JPY",
    createdAt: now,
    updatedAt: now,
    cancelReason: null,
    items: [{ productName: "抹茶", quantity: 1, unitPrice: 1_000, subtotal: 1_000 }],
    ...overrides,
  };
}

/** `list` in pieces of at most `size` (EVENT_ORDERS: as the order service splits its events). */
export function chunks<T>(list: readonly T[], size = EVENT_ORDERS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** Calls `read` until `done` accepts its result or `timeoutMs` passes (then throws with the last value). */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The order's status, read from the order service. */
export async function orderStatus(world: TestWorld, orderId: string): Promise<string> {
  const data = await mustQuery<{ order: { status: string } }>(world.order.url, `query($id: ID!) { order(id: $id) { status } }`, { id: orderId });
  return data.order.status;
}

/** Waits until the order reaches `status`. */
export function orderBecomes(world: TestWorld, orderId: string, status: string): Promise<string> {
  return pollUntil(() => orderStatus(world, orderId), (s) => s === status);
}

/** Waits until the payment row with `id` reaches `status`; returns the row. */
export function paymentBecomes(world: TestWorld, id: string | number, status: string) {
  return pollUntil(() => paymentById(world.payment.database.db, Number(id)), (p) => p?.status === status);
}
