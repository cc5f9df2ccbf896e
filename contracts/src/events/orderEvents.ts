/**
 * The order service's status events: `order.confirmed` and `order.shipped` (to notification),
 * `order.cancelled` (to notification and payment). Each carries a snapshot of every order that
 * moved, so receivers act without calling back (notification renders its e-mails from them).
 */
import { array, nullable, object, refine } from "../validation/structures.js";
import { int, isoDateTime, oneOf, string } from "../validation/scalars.js";
import type { Validator } from "../validation/validator.js";
import { EVENT_ITEMS, EVENT_ORDERS, MAX_TEXT, MAX_TOKEN, SNAPSHOT_ITEMS } from "./eventLimits.js";

export const ORDER_CONFIRMED = "order.confirmed";
export const ORDER_SHIPPED = "order.shipped";
export const ORDER_CANCELLED = "order.cancelled";

/** The order events that carry snapshots. */
export type OrderEventType = typeof ORDER_CONFIRMED | typeof ORDER_SHIPPED | typeof ORDER_CANCELLED;

/** An order's status on the wire (GraphQL's enum values). */
export type WireOrderStatus = "PENDING" | "CONFIRMED" | "SHIPPED" | "DELIVERED" | "CANCELLED";
export const WIRE_ORDER_STATUSES = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"] as const satisfies readonly WireOrderStatus[];

/** One line of an order as events carry it; `subtotal` is quantity × unitPrice. */
export interface OrderSnapshotItem {
  productName: string;
  quantity: number;
  unitPrice: number;
  subtotal: number;
}

/** What receivers need to know about an order to act without calling back. */
export interface OrderSnapshot {
  id: number;
  customerName: string;
  customerEmail: string;
  status: WireOrderStatus;
  /** Whole yen. */
  totalAmount: number;
  currency: string;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601; on `order.cancelled`, when the order was cancelled. */
  updatedAt: string;
  cancelReason: string | null;
  items: OrderSnapshotItem[];
}

/** The data of every order status event: the orders that made the same move. */
export interface OrderEventData {
  orders: OrderSnapshot[];
}

const text = string({ max: MAX_TEXT });
const amount = int({ min: 0 });

const snapshotItem: Validator<OrderSnapshotItem> = object({
  productName: text,
  quantity: amount,
  unitPrice: amount,
  subtotal: amount,
});

/** An order snapshot (also the orders of `import.confirmations`). */
export const orderSnapshot: Validator<OrderSnapshot> = object({
  id: int({ min: 1 }),
  customerName: text,
  customerEmail: text,
  status: oneOf(WIRE_ORDER_STATUSES),
  totalAmount: amount,
  currency: string({ min: 1, max: MAX_TOKEN }),
  createdAt: isoDateTime(),
  updatedAt: isoDateTime(),
  cancelReason: nullable(text),
  items: array(snapshotItem, { max: SNAPSHOT_ITEMS }),
});

/** Validates `order.confirmed`, `order.shipped` and `order.cancelled`. */
export const orderEventData: Validator<OrderEventData> = refine(object({ orders: array(orderSnapshot, { min: 1, max: EVENT_ORDERS }) }), (data) => {
  const items = data.orders.reduce((sum, o) => sum + o.items.length, 0);
  return items > EVENT_ITEMS ? { path: "orders", problem: `must carry at most ${EVENT_ITEMS} items in all, got ${items}` } : null;
});
