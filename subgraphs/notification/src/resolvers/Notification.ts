import type { NotificationContext } from "../context.js";
import type { Notification as NotificationRow } from "../domain/notification.js";

export const Notification = {
  __resolveReference: (ref: { id: string }, ctx: NotificationContext) => {
    const id = Number(ref.id);
    return Number.isSafeInteger(id) ? ctx.loaders.notification.load(id) : null;
  },
  // The order subgraph owns Order; a reference is all this subgraph gives.
  order: (n: NotificationRow) => ({ __typename: "Order", id: String(n.orderId) }),
};
