/**
 * The events the order service produces (DESIGN section 5): a status change and its event are
 * written in one transaction. One event carries every order of the same change, so a batch of
 * confirmations is one delivery per destination.
 */
import { enqueueEvent, groupBy, newEvent } from "@ops/service-kit";
import type { Order, OrderItem } from "../generated/prisma/client.js";
import type { OrderTx } from "../db.js";
import type { OrderStatus } from "./statusMachine.js";

/** What receivers need to act without calling back (the notification service renders from it). */
export interface OrderSnapshot {
  id: number;
  customerName: string;
  customerEmail: string;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  cancelReason: string | null;
  items: { productName: string; quantity: number; unitPrice: number; subtotal: number }[];
}

export interface OrderEventData {
  orders: OrderSnapshot[];
}

/** The most orders one event carries (a few MB at most). */
export const EVENT_ORDERS = 2_000;

/** Event type and destinations per new status; DELIVERED tells nobody. */
export const STATUS_EVENTS: Partial<Record<OrderStatus, { type: string; destinations: string[] }>> = {
  CONFIRMED: { type: "order.confirmed", destinations: ["notification"] },
  SHIPPED: { type: "order.shipped", destinations: ["notification"] },
  CANCELLED: { type: "order.cancelled", destinations: ["notification", "payment"] },
};

/** What an event says about an order and its items. */
export function orderSnapshot(o: Order, items: readonly Pick<OrderItem, "productName" | "quantity" | "unitPrice">[]): OrderSnapshot {
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

/** Writes the events for orders that just changed status, inside the same transaction. */
export async function emitStatusEvents(tx: OrderTx, orders: Order[]): Promise<number> {
  if (orders.length === 0) return 0;
  const ids = orders.map((o) => o.id);
  const items: OrderItem[] = [];
  // In slices: SQLite caps the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    items.push(...(await tx.orderItem.findMany({ where: { orderId: { in: ids.slice(i, i + 500) } }, orderBy: { id: "asc" } })));
  }
  const itemsByOrder = groupBy(items, (i) => i.orderId);
  const snapshot = (o: Order): OrderSnapshot => orderSnapshot(o, itemsByOrder.get(o.id) ?? []);
  let written = 0;
  for (const [status, route] of Object.entries(STATUS_EVENTS) as [OrderStatus, { type: string; destinations: string[] }][]) {
    const changed = orders.filter((o) => o.status === status);
    // Large changes (a batch undone, confirmed or cancelled) go out as events of EVENT_ORDERS orders.
    for (let i = 0; i < changed.length; i += EVENT_ORDERS) {
      await enqueueEvent(tx, newEvent<OrderEventData>("order", route.type, { orders: changed.slice(i, i + EVENT_ORDERS).map(snapshot) }), route.destinations);
      written += 1;
    }
  }
  return written;
}
