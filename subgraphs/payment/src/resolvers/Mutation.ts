import { parseId } from "@ops/service-kit";
import type { PaymentContext } from "../context.js";
import type { Queries } from "../db/database.js";
import type { Payment } from "../domain/paymentTypes.js";
import { createPayment, type CreatePaymentRequest } from "../domain/createPayment.js";
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

/** The name the attempt and refund rows record; field roles let no anonymous request this far. */
const actorOf = (ctx: PaymentContext) => ctx.identity?.name ?? "anonymous";

/**
 * Runs one status move through the payment gate in one write transaction (with its attempt or
 * refund, the batch's status and `payment.completed`), then delivers events.
 */
async function move(ctx: PaymentContext, work: (trx: Queries) => Promise<Payment>): Promise<Payment> {
  const payment = await ctx.database.transaction(work);
  ctx.events.wake();
  return payment;
}

export const Mutation = {
  createPayment: (_: unknown, { input }: { input: CreatePaymentRequest }, ctx: PaymentContext) => createPayment(ctx, input),
  completePayment: (_: unknown, args: StatusArgs, ctx: PaymentContext) => {
    const id = parseId(args.id);
    return move(ctx, (trx) => completePayment(trx, { id, expectedUpdatedAt: args.expectedUpdatedAt, actor: actorOf(ctx) }));
  },
  failPayment: (_: unknown, { input }: { input: FailInput }, ctx: PaymentContext) => {
    const id = parseId(input.id, "input.id");
    return move(ctx, (trx) => failPayment(trx, { id, reason: input.reason, expectedUpdatedAt: input.expectedUpdatedAt, actor: actorOf(ctx) }));
  },
  retryPayment: (_: unknown, args: StatusArgs, ctx: PaymentContext) => {
    const id = parseId(args.id);
    return move(ctx, (trx) => retryPayment(trx, { id, expectedUpdatedAt: args.expectedUpdatedAt, actor: actorOf(ctx) }));
  },
  refundPayment: (_: unknown, { input }: { input: RefundInput }, ctx: PaymentContext) => {
    const paymentId = parseId(input.paymentId, "input.paymentId");
    return move(ctx, (trx) => refundPayment(trx, { ...input, paymentId, actor: actorOf(ctx) }));
  },
};
