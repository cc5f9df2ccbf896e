import type { NotificationContext } from "../context.js";

export const Order = {
  // Orders live in the order service; any id is a valid reference here (with no notifications if unknown).
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  notifications: (order: { id: string }, _: unknown, ctx: NotificationContext) => {
    const id = Number(order.id);
    return Number.isSafeInteger(id) ? ctx.loaders.notificationsByOrder.load(id) : [];
  },
};
