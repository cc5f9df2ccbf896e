import type { OrderContext } from "../context.js";
import type { OrderItem } from "../db/items.js";
import type { Order as OrderRow } from "../db/orders.js";
import type { OrderStatusChange } from "../db/statusHistory.js";
import { allowedTransitions } from "../domain/statusMachine.js";

export const Order = {
  __resolveReference: (ref: { id: string }, ctx: OrderContext) => {
    const id = Number(ref.id);
    return Number.isSafeInteger(id) ? ctx.loaders.order.load(id) : null;
  },
  items: (order: OrderRow, _: unknown, ctx: OrderContext) => ctx.loaders.items.load(order.id),
  statusHistory: (order: OrderRow, _: unknown, ctx: OrderContext) => ctx.loaders.statusHistory.load(order.id),
  allowedTransitions: (order: OrderRow) => allowedTransitions(order.status),
  importBatch: (order: OrderRow) => (order.batchId ? { batchId: order.batchId } : null),
};

export const OrderItemResolvers = {
  subtotal: (item: OrderItem) => item.quantity * item.unitPrice,
};

export const OrderStatusChangeResolvers = {
  from: (c: OrderStatusChange) => c.fromStatus,
  to: (c: OrderStatusChange) => c.toStatus,
  at: (c: OrderStatusChange) => c.createdAt,
};
