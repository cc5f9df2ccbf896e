import type { PaymentContext } from "../context.js";

interface OrderRef {
  id: string;
}

export const Order = {
  __resolveReference: (ref: OrderRef) => ({ id: ref.id }),
  payment: (order: OrderRef, _: unknown, ctx: PaymentContext) => {
    const id = Number(order.id);
    return Number.isSafeInteger(id) ? ctx.loaders.paymentByOrder.load(id) : null;
  },
};
