import type { PaymentContext } from "../context.js";
import type { Payment as PaymentRow } from "../domain/paymentTypes.js";

export const Payment = {
  __resolveReference: (ref: { id: string }, ctx: PaymentContext) => {
    const id = Number(ref.id);
    return Number.isSafeInteger(id) ? ctx.loaders.payment.load(id) : null;
  },
  // The order subgraph owns Order; a reference is all this subgraph gives.
  order: (payment: PaymentRow) => ({ __typename: "Order", id: String(payment.orderId) }),
  refunds: (payment: PaymentRow, _: unknown, ctx: PaymentContext) => ctx.loaders.refunds.load(payment.id),
  attempts: (payment: PaymentRow, _: unknown, ctx: PaymentContext) => ctx.loaders.attempts.load(payment.id),
};
