import { pageSize, parseId, parseOrderRange } from "@ops/service-kit";
import type { PaymentContext } from "../context.js";
import { paymentStatesByOrderRange } from "../db/payments.js";
import { listPayments, type PaymentFilter } from "../domain/listPayments.js";
import { paymentDays } from "../domain/paymentDays.js";

export const Query = {
  payment: (_: unknown, args: { id: string }, ctx: PaymentContext) => ctx.loaders.payment.load(parseId(args.id)),
  paymentByOrder: (_: unknown, args: { orderId: string }, ctx: PaymentContext) =>
    ctx.loaders.paymentByOrder.load(parseId(args.orderId, "orderId")),
  payments: (
    _: unknown,
    args: { first?: number | null; after?: string | null; filter?: PaymentFilter | null },
    ctx: PaymentContext,
  ) => listPayments(ctx.database.db, { first: pageSize(args.first), after: args.after, filter: args.filter }),
  paymentBatch: (_: unknown, args: { batchId: string }, ctx: PaymentContext) => ctx.loaders.paymentBatch.load(args.batchId),
  paymentDays: (_: unknown, args: { from: string; to: string }, ctx: PaymentContext) => paymentDays(ctx.database.db, args.from, args.to),
  /** Compact JSON for the consistency check: [orderId, STATUS, updatedAt epoch ms] per payment. */
  paymentStatesByOrderRange: async (_: unknown, args: { afterOrderId: number; throughOrderId?: number | null }, ctx: PaymentContext) => {
    const states = await paymentStatesByOrderRange(ctx.database.db, parseOrderRange(args.afterOrderId, args.throughOrderId));
    return JSON.stringify(states.map((s) => [s.orderId, s.status, s.updatedAt.getTime()]));
  },
};
