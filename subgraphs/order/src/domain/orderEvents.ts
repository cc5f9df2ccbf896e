/**
 * The events the order service produces (DESIGN section 5): a status change and its event are
 * written in one transaction. One event carries every order of the same change, so a batch of
 * confirmations is one delivery per destination. Free of Apollo and Prisma: the worker thread
 * that undoes batches writes these events too.
 */
import type Database from "better-sqlite3";
import { EVENT_ITEMS, EVENT_ORDERS, ORDER_CANCELLED, ORDER_CONFIRMED, ORDER_SHIPPED, type OrderEventType, type OrderSnapshot } from "@ops/contracts";
import { enqueueEventSync, newEvent } from "@ops/service-kit/lite";
import type { Order, OrderItem } from "../generated/prisma/client.js";
import type { OrderStatus } from "./statusMoves.js";

/** A connection that prepares statements (better-sqlite3, or a service's bulk connection). */
export interface SqlConnection {
  prepare(sql: string): Database.Statement;
}

/** Orders whose items are read in one statement while events are built. */
const ITEM_SLICE = 500;

/** Event type and destinations per new status; DELIVERED tells nobody. */
export const STATUS_EVENTS: Partial<Record<OrderStatus, { type: OrderEventType; destinations: string[] }>> = {
  CONFIRMED: { type: ORDER_CONFIRMED, destinations: ["notification"] },
  SHIPPED: { type: ORDER_SHIPPED, destinations: ["notification"] },
  CANCELLED: { type: ORDER_CANCELLED, destinations: ["notification", "payment"] },
};

/** What an event says about an order and its items (the contract's `OrderSnapshot`). */
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

const ITEMS_OF_ORDERS = "SELECT order_id, product_name, quantity, unit_price FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id";

/**
 * Writes the events for orders that just changed status, inside the caller's transaction on `db`:
 * per new status, events of at most EVENT_ORDERS orders and EVENT_ITEMS items (the contract's
 * limits, which receivers enforce). Returns how many
 * events were written.
 */
export function emitStatusEvents(db: SqlConnection, orders: readonly Order[]): number {
  let written = 0;
  for (const [status, route] of Object.entries(STATUS_EVENTS) as [OrderStatus, { type: OrderEventType; destinations: string[] }][]) {
    const changed = orders.filter((o) => o.status === status);
    let snapshots: OrderSnapshot[] = [];
    let items = 0;
    const flush = () => {
      if (snapshots.length === 0) return;
      enqueueEventSync(db, newEvent("order", route.type, { orders: snapshots }), route.destinations);
      written += 1;
      snapshots = [];
      items = 0;
    };
    for (let i = 0; i < changed.length; i += ITEM_SLICE) {
      const slice = changed.slice(i, i + ITEM_SLICE);
      const rows = db.prepare(ITEMS_OF_ORDERS).all(JSON.stringify(slice.map((o) => o.id))) as { order_id: number; product_name: string; quantity: number; unit_price: number }[];
      const byOrder = new Map<number, { productName: string; quantity: number; unitPrice: number }[]>();
      for (const r of rows) {
        const item = { productName: r.product_name, quantity: r.quantity, unitPrice: r.unit_price };
        const list = byOrder.get(r.order_id);
        if (list) list.push(item);
        else byOrder.set(r.order_id, [item]);
      }
      for (const o of slice) {
        const own = byOrder.get(o.id) ?? [];
        if (snapshots.length >= EVENT_ORDERS || (snapshots.length > 0 && items + own.length > EVENT_ITEMS)) flush();
        snapshots.push(orderSnapshot(o, own));
        items += own.length;
      }
    }
    flush();
  }
  return written;
}
