import { parseId } from "@ops/service-kit";
import type { PaymentContext } from "../context.js";
import { createPayment, type CreatePaymentRequest } from "../domain/createPayment.js";
import { emitPaymentsCompleted } from "../domain/paymentEvents.js";
import { completePayment, failPayment, retryPayment } from "../domain/paymentOperations.js";
import { refundPayment } from "../domain/refundPayment.js";

interface StatusArgs {
  id: string;
  expectedUpdatedAt?: Date | null;
}

interface FailInput extends StatusArgs {
  reason: string;
}

interface RefundInput {
  paymentId: string;
  reason: string;
  idempotencyKey?: string | null;
  expectedUpdatedAt?: Date | null;
}

export const Mutation = {
  createPayment: (_: unknown, { input }: { input: CreatePaymentRequest }, ctx: PaymentContext) => createPayment(ctx, input),
  /** Completes the payment and writes `payment.completed` in one transaction, then delivers it. */
  completePayment: async (_: unknown, args: StatusArgs, ctx: PaymentContext) => {
    const id = parseId(args.id);
    const payment = await ctx.db.$transaction(async (tx) => {
      const completed = await completePayment(tx, { id, expectedUpdatedAt: args.expectedUpdatedAt });
      await emitPaymentsCompleted(tx, [completed]);
      return completed;
    });
    ctx.events.wake();
    return payment;
  },
  failPayment: (_: unknown, { input }: { input: FailInput }, ctx: PaymentContext) => {
    const id = parseId(input.id, "input.id");
    return ctx.db.$transaction((tx) => failPayment(tx, { id, reason: input.reason, expectedUpdatedAt: input.expectedUpdatedAt }));
  },
  retryPayment: (_: unknown, args: StatusArgs, ctx: PaymentContext) => {
    const id = parseId(args.id);
    return ctx.db.$transaction((tx) => retryPayment(tx, { id, expectedUpdatedAt: args.expectedUpdatedAt }));
  },
  refundPayment: (_: unknown, { input }: { input: RefundInput }, ctx: PaymentContext) => {
    const paymentId = parseId(input.paymentId, "input.paymentId");
    return ctx.db.$transaction((tx) => refundPayment(tx, { ...input, paymentId }));
  },
};
