/**
 * The events the order service produces (DESIGN section 5): a status change and its event are
 * written in one transaction. One event carries every order of the same change, so a batch of
 * confirmations is one delivery per destination.
 */
import { EVENT_ITEMS, EVENT_ORDERS, ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_SHIPPED, type OrderEventType, type OrderSnapshot } from "@ops/contracts";
import { newEvent } from "@ops/service-kit/lite";
import { enqueueEvents, type OutgoingEvent } from "../db/events.js";
import type { OrderConn } from "../db/index.js";
import { itemsByOrderIds, type OrderItem } from "../db/items.js";
import type { Order } from "../db/orders.js";
import type { OrderStatus } from "./statusMoves.js";

/** Orders whose items are read in one statement while events are built. */
const ITEM_SLICE = 500;

/** Event type and destinations per new status; DELIVERED tells nobody. */
export const STATUS_EVENTS: Partial<Record<OrderStatus, { type: OrderEventType; destinations: string[] }>> = {
  CONFIRMED: { type: ORDER_CONFIRMED, destinations: ["notification"] },
  SHIPPED: { type: ORDER_SHIPPED, destinations: ["notification"] },
  CANCELLED: { type: ORDER_CANCELLED, destinations: ["notification", "payment"] },
};

type ItemFields = Pick<OrderItem, "productName" | "quantity" | "unitPrice">;

/** What an event says about an order and its items (the contract's `OrderSnapshot`). */
export function orderSnapshot(o: Order, items: readonly ItemFields[]): OrderSnapshot {
  return {
    id: o.id,
    customerName: o.customerName,
    customerEmail: o.customerEmail,
    status: o.status,
    totalAmount: o.totalAmount,
    currency: o.currency,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    cancelReason: o.cancelReason,
    items: items.map((i) => ({ productName: i.productName, quantity: i.quantity, unitPrice: i.unitPrice, subtotal: i.quantity * i.unitPrice })),
  };
}

/**
 * The events for orders that just changed status, given each order's items: per new status,
 * events of at most EVENT_ORDERS orders and EVENT_ITEMS items (the contract's limits, which
 * receivers enforce). Pure.
 */
export function statusEvents(orders: readonly Order[], itemsOf: (orderId: number) => readonly ItemFields[]): OutgoingEvent[] {
  const out: OutgoingEvent[] = [];
  for (const [status, route] of Object.entries(STATUS_EVENTS) as [OrderStatus, { type: OrderEventType; destinations: string[] }][]) {
    let snapshots: OrderSnapshot[] = [];
    let items = 0;
    const flush = () => {
      if (snapshots.length === 0) return;
      out.push({ event: newEvent("order", route.type, { orders: snapshots }), destinations: route.destinations });
      snapshots = [];
      items = 0;
    };
    for (const o of orders) {
      if (o.status !== status) continue;
      const own = itemsOf(o.id);
      if (snapshots.length >= EVENT_ORDERS || (snapshots.length > 0 && items + own.length > EVENT_ITEMS)) flush();
      snapshots.push(orderSnapshot(o, own));
      items += own.length;
    }
    flush();
  }
  return out;
}

/**
 * Writes the events for orders that just changed status, inside the caller's transaction on
 * `conn`: their items in one statement per ITEM_SLICE orders, the events in one bulk write.
 * Returns how many events were written.
 */
export async function emitStatusEvents(conn: OrderConn, orders: readonly Order[]): Promise<number> {
  const notified = orders.filter((o) => STATUS_EVENTS[o.status]);
  if (notified.length === 0) return 0;
  const byOrder = new Map<number, OrderItem[]>();
  for (let i = 0; i < notified.length; i += ITEM_SLICE) {
    for (const item of await itemsByOrderIds(conn, notified.slice(i, i + ITEM_SLICE).map((o) => o.id))) {
      const list = byOrder.get(item.orderId);
      if (list) list.push(item);
      else byOrder.set(item.orderId, [item]);
    }
  }
  const events = statusEvents(notified, (id) => byOrder.get(id) ?? []);
  await enqueueEvents(conn, events);
  return events.length;
}
