/**
 * `payment.completed` for a whole imported batch confirms thousands of orders at once: on the
 * bulk connection, in one transaction with the dedup mark, the status history and the
 * `order.confirmed` events (up to EVENT_ORDERS orders each). Only PENDING orders move, so a late
 * or repeated event never moves an order backwards. A payment that completed for an order already
 * CANCELLED (an operator cancelled while the customer paid) is answered with
 * `order.payment_refused`: the payment service refunds it as a system compensation.
 */
import { enqueueEventSync, groupBy, markProcessedSync, newEvent, sqlDate, type BulkDb, type EventEnvelope } from "@ops/service-kit";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../readModel.js";
import { EVENT_ORDERS, orderSnapshot, STATUS_EVENTS, type OrderEventData } from "./orderEvents.js";

export interface PaymentCompletedData {
  payments: { paymentId: number; orderId: number }[];
}

export async function confirmPaidOrders(bulk: BulkDb, event: EventEnvelope): Promise<"applied" | "duplicate"> {
  const { payments } = event.data as PaymentCompletedData;
  const route = STATUS_EVENTS.CONFIRMED!;
  return bulk.write(() => {
    if (!markProcessedSync(bulk, event)) return "duplicate";
    const now = new Date();
    const stamp = sqlDate(now);
    const reasonOf = new Map(payments.map((p) => [p.orderId, `payment ${p.paymentId} completed`]));
    const moved = bulk
      .statement(`UPDATE orders SET status = 'confirmed', updated_at = ? WHERE id IN (SELECT value FROM json_each(?)) AND status = 'pending' RETURNING ${ORDER_COLUMNS}`)
      .all(stamp, JSON.stringify(payments.map((p) => p.orderId))) as OrderRow[];
    refuseCancelled(bulk, payments, new Set(moved.map((o) => o.id)));
    if (moved.length === 0) return "applied";
    const history = bulk.statement("INSERT INTO order_status_changes (order_id, from_status, to_status, reason, created_at) VALUES (?, 'pending', 'confirmed', ?, ?)");
    for (const o of moved) history.run(o.id, reasonOf.get(o.id) ?? "payment completed", stamp);
    const items = bulk
      .statement("SELECT order_id, product_name, quantity, unit_price FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id")
      .all(JSON.stringify(moved.map((o) => o.id))) as { order_id: number; product_name: string; quantity: number; unit_price: number }[];
    const itemsByOrder = groupBy(items, (i) => i.order_id);
    const snapshots = moved.map((row) =>
      orderSnapshot(toOrder(row), (itemsByOrder.get(row.id) ?? []).map((i) => ({ productName: i.product_name, quantity: i.quantity, unitPrice: i.unit_price }))),
    );
    for (let i = 0; i < snapshots.length; i += EVENT_ORDERS) {
      enqueueEventSync(bulk, newEvent<OrderEventData>("order", route.type, { orders: snapshots.slice(i, i + EVENT_ORDERS) }), route.destinations);
    }
    return "applied";
  });
}

/** What `order.payment_refused` tells the payment service. */
export interface PaymentRefusedData {
  payments: { paymentId: number; orderId: number; cancelledAt: string | null }[];
}

/** Writes `order.payment_refused` for the payments whose orders were cancelled before they completed. */
function refuseCancelled(bulk: BulkDb, payments: PaymentCompletedData["payments"], confirmed: Set<number>): void {
  const others = payments.filter((p) => !confirmed.has(p.orderId));
  if (others.length === 0) return;
  const cancelled = bulk
    .statement("SELECT id, updated_at FROM orders WHERE id IN (SELECT value FROM json_each(?)) AND status = 'cancelled'")
    .all(JSON.stringify(others.map((p) => p.orderId))) as { id: number; updated_at: string }[];
  if (cancelled.length === 0) return;
  const at = new Map(cancelled.map((o) => [o.id, new Date(o.updated_at).toISOString()]));
  const refused = others.filter((p) => at.has(p.orderId)).map((p) => ({ paymentId: p.paymentId, orderId: p.orderId, cancelledAt: at.get(p.orderId) ?? null }));
  enqueueEventSync(bulk, newEvent<PaymentRefusedData>("order", "order.payment_refused", { payments: refused }), ["payment"]);
}
