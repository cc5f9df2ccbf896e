/**
 * The order events this service receives (DESIGN section 5): `order.confirmed`, `order.shipped`
 * and `order.cancelled` each send the customer an e-mail, rendered from the order snapshot the
 * event carries (no call back to the order service). One event may carry thousands of orders (a
 * bulk import's payments confirm them in bulk): the event is marked processed, the template
 * compiled once and every notification inserted with a few multi-row statements, all in ONE
 * transaction (so a redelivered event adds nothing); the caller hands the PENDING ones to the
 * transport after the commit, in bulk when the transport can.
 *
 * Exactly one confirmation per order: an imported order got its ORDER_CONFIRMATION (or NOT_SENT
 * record) from `import.confirmations` (importConfirmations.ts); when its payment completes,
 * `order.confirmed` arrives for it too and is skipped for every order that already has an
 * ORDER_CONFIRMATION in any status (one SELECT per event, not per order).
 *
 * A template that is missing or cannot be rendered stores the notification FAILED with the
 * reason: throwing instead would make the producer retry an event that can never succeed.
 */
import { isEvent, ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_SHIPPED, type OrderEventData, type OrderEventType, type OrderSnapshot } from "@ops/contracts";
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import { insertNotifications, ordersWithTemplate } from "../db/bulkNotifications.js";
import type { NotificationDatabase, NotificationTx } from "../db/database.js";
import { templateByName } from "../db/templates.js";
import type { NewNotificationRow, PendingMessage } from "./notification.js";
import { renderNotifications, type RenderOptions } from "./renderNotifications.js";

export const CONFIRMATION_TEMPLATE = "ORDER_CONFIRMATION";

/** Which template each order event sends. */
export const EVENT_TEMPLATES: Readonly<Record<OrderEventType, string>> = {
  [ORDER_CONFIRMED]: CONFIRMATION_TEMPLATE,
  [ORDER_SHIPPED]: "ORDER_SHIPPED",
  [ORDER_CANCELLED]: "ORDER_CANCELLED",
};

/** True for the events that send a template (their data checked by the receiver against the contract). */
function isOrderEvent(event: EventEnvelope): event is EventEnvelope<OrderEventData> & { type: OrderEventType } {
  return isEvent(event, ORDER_CONFIRMED) || isEvent(event, ORDER_SHIPPED) || isEvent(event, ORDER_CANCELLED);
}

export interface AppliedEvent {
  result: "applied" | "duplicate" | "ignored";
  /** Notifications stored PENDING by this event, to hand to the transport after the commit. */
  toDeliver: PendingMessage[];
  /** Notifications stored (any status). */
  stored: number;
  /** Orders skipped because they already had their confirmation. */
  skipped: number;
}

const nothing = (result: AppliedEvent["result"]): AppliedEvent => ({ result, toDeliver: [], stored: 0, skipped: 0 });

/** The first snapshot of each order id, in event order. */
export function distinctOrders<T extends { id: number }>(orders: readonly T[]): T[] {
  const seen = new Set<number>();
  return orders.filter((o) => !seen.has(o.id) && !!seen.add(o.id));
}

/**
 * The orders of `snapshots` that have no `templateName` notification yet (one SELECT for all),
 * each once. Only confirmations are deduplicated: a shipment or cancellation may be told twice.
 */
export async function ordersToNotify<T extends OrderSnapshot>(database: NotificationDatabase, trx: NotificationTx, templateName: string, snapshots: readonly T[]): Promise<T[]> {
  if (templateName !== CONFIRMATION_TEMPLATE) return [...snapshots];
  const distinct = distinctOrders(snapshots);
  const confirmed = await ordersWithTemplate(trx, database.helpers, distinct.map((o) => o.id), CONFIRMATION_TEMPLATE);
  return distinct.filter((o) => !confirmed.has(o.id));
}

/** Renders `templateName` (read once) for `orders` and stores the rows: the PENDING ones come back as messages. */
export async function storeRendered(trx: NotificationTx, templateName: string, orders: readonly OrderSnapshot[], options: RenderOptions): Promise<{ rows: NewNotificationRow[]; toDeliver: PendingMessage[] }> {
  const template = await templateByName(trx, templateName);
  const rows = renderNotifications(templateName, template, orders, options);
  return { rows, toDeliver: await insertNotifications(trx, rows) };
}

/**
 * Applies one order event exactly once, in one transaction: records its id and stores a
 * notification per order (PENDING, or FAILED when the template is missing or does not render).
 * Unknown event types are recorded and ignored. The caller delivers `toDeliver` after this resolves.
 */
export async function applyOrderEvent(database: NotificationDatabase, event: EventEnvelope): Promise<AppliedEvent> {
  const templateName = isOrderEvent(event) ? EVENT_TEMPLATES[event.type] : undefined;
  const snapshots: OrderSnapshot[] = isOrderEvent(event) ? event.data.orders : [];
  return database.transaction(async (trx) => {
    if (!(await markProcessed(trx, event))) return nothing("duplicate");
    if (!templateName) return nothing("ignored");
    const orders = await ordersToNotify(database, trx, templateName, snapshots);
    const skipped = snapshots.length - orders.length;
    if (orders.length === 0) return { ...nothing("applied"), skipped };
    const { rows, toDeliver } = await storeRendered(trx, templateName, orders, { eventType: event.type, batchId: null, deliver: true });
    return { result: "applied", toDeliver, stored: rows.length, skipped };
  });
}
