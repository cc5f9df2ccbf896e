/**
 * The order events this service receives (DESIGN section 5): `order.confirmed`, `order.shipped`
 * and `order.cancelled` each send the customer an e-mail, rendered from the order snapshot the
 * event carries (no call back to the order service). One event may carry thousands of orders (a
 * bulk import's payments confirm them in bulk): the event is marked processed, the template
 * compiled once and every notification inserted with one prepared statement, all in ONE
 * transaction on the bulk connection (so a redelivered event adds nothing); the caller hands the
 * PENDING ones to the transport after the commit, in bulk when the transport can.
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
import { markProcessedSync, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { insertNotifications, ordersWithTemplate, renderNotifications, type PendingMessage } from "./bulkNotifications.js";

export { snapshotToOrderData } from "./bulkNotifications.js";

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
 * Applies one order event exactly once, in one transaction: records its id and stores a
 * notification per order (PENDING, or FAILED when the template is missing or does not render).
 * Unknown event types are recorded and ignored. The caller delivers `toDeliver` after this resolves.
 */
export async function applyOrderEvent(bulk: BulkDb, event: EventEnvelope): Promise<AppliedEvent> {
  const templateName = isOrderEvent(event) ? EVENT_TEMPLATES[event.type] : undefined;
  const snapshots = isOrderEvent(event) ? event.data.orders : [];
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return nothing("duplicate");
    if (!templateName) return nothing("ignored");
    let orders: OrderSnapshot[] = snapshots;
    let skipped = 0;
    if (templateName === CONFIRMATION_TEMPLATE) {
      const distinct = distinctOrders(snapshots);
      const confirmed = ordersWithTemplate(bulk, distinct.map((o) => o.id), CONFIRMATION_TEMPLATE);
      orders = distinct.filter((o) => !confirmed.has(o.id));
      skipped = snapshots.length - orders.length;
    }
    if (orders.length === 0) return { ...nothing("applied"), skipped };
    const rows = renderNotifications(bulk, templateName, orders, { eventType: event.type, batchId: null, deliver: true });
    return { result: "applied", toDeliver: insertNotifications(bulk, rows), stored: rows.length, skipped };
  });
}
