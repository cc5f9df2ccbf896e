import { parseId } from "@ops/service-kit";
import type { PaymentContext } from "../context.js";
import { createPayment, type CreatePaymentRequest } from "../domain/createPayment.js";
import { refreshBatchStatus } from "../domain/paymentBatches.js";
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
  // A move of an imported payment can settle (or reopen) its batch: its status follows in the same transaction.
  failPayment: (_: unknown, { input }: { input: FailInput }, ctx: PaymentContext) => {
    const id = parseId(input.id, "input.id");
    return ctx.db.$transaction(async (tx) => {
      const payment = await failPayment(tx, { id, reason: input.reason, expectedUpdatedAt: input.expectedUpdatedAt });
      await refreshBatchStatus(tx, [payment.batchId]);
      return payment;
    });
  },
  retryPayment: (_: unknown, args: StatusArgs, ctx: PaymentContext) => {
    const id = parseId(args.id);
    return ctx.db.$transaction(async (tx) => {
      const payment = await retryPayment(tx, { id, expectedUpdatedAt: args.expectedUpdatedAt });
      await refreshBatchStatus(tx, [payment.batchId]);
      return payment;
    });
  },
  refundPayment: (_: unknown, { input }: { input: RefundInput }, ctx: PaymentContext) => {
    const paymentId = parseId(input.paymentId, "input.paymentId");
    return ctx.db.$transaction(async (tx) => {
      const payment = await refundPayment(tx, { ...input, paymentId });
      await refreshBatchStatus(tx, [payment.batchId]);
      return payment;
    });
  },
};
