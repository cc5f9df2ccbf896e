/** The `order_items` table: an order's lines, read for a page of orders or an event at once. */
import type { OrderConn } from "./index.js";
import { helpersOf } from "./index.js";
import { insertMany } from "@ops/service-kit/data";

/** One line of an order. */
export interface OrderItem {
  id: number;
  orderId: number;
  productName: string;
  quantity: number;
  unitPrice: number;
}

/** The items of the orders among `orderIds`, in id order (one statement). */
export async function itemsByOrderIds(conn: OrderConn, orderIds: readonly number[]): Promise<OrderItem[]> {
  if (orderIds.length === 0) return [];
  const rows = await conn
    .selectFrom("order_items")
    .select(["id", "order_id", "product_name", "quantity", "unit_price"])
    .where(helpersOf(conn).inIds("order_id", orderIds))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({ id: Number(r.id), orderId: Number(r.order_id), productName: r.product_name, quantity: Number(r.quantity), unitPrice: Number(r.unit_price) }));
}

/** A new line of an order. */
export interface NewItem {
  orderId: number;
  productName: string;
  quantity: number;
  unitPrice: number;
}

/** Inserts order lines, a few statements per thousands of lines. */
export async function insertItems(conn: OrderConn, items: readonly NewItem[]): Promise<void> {
  await insertMany(
    conn,
    "order_items",
    items.map((i) => ({ order_id: i.orderId, product_name: i.productName, quantity: i.quantity, unit_price: i.unitPrice })),
  );
}
