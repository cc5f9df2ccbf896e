import { assertRole, pageSize, parseId } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import { consistencyReport } from "../domain/consistencyReport.js";
import { changeStatus, createOrder, type StatusChange } from "../domain/orderOperations.js";
import { roleForMove, type OrderStatus } from "../domain/statusMachine.js";
import { validateOrder, type NewOrder } from "../domain/validateOrder.js";

interface StatusInput {
  id: string;
  status: OrderStatus;
  reason?: string | null;
  expectedUpdatedAt?: Date | null;
}

/** Some moves need more than the field's operator role: checked against the current status. */
const guardFor = (ctx: OrderContext) => (from: OrderStatus, to: OrderStatus) => {
  assertRole(ctx.identity, roleForMove(from, to), `Moving an order from ${from} to ${to}`);
};

/** Changes the status and writes its event in one transaction (the status gate), then delivers the event. */
async function move(ctx: OrderContext, change: Omit<StatusChange, "actor">) {
  // Field roles let no anonymous request this far; the name is what the history records.
  const actor = ctx.identity?.name ?? "anonymous";
  const order = await ctx.database.transaction((trx) => changeStatus(trx, { ...change, actor }));
  ctx.events.wake();
  return order;
}

export const Mutation = {
  createOrder: (_: unknown, args: { input: NewOrder }, ctx: OrderContext) => createOrder(ctx.database, validateOrder(args.input)),
  updateOrderStatus: (_: unknown, { input }: { input: StatusInput }, ctx: OrderContext) => {
    const id = parseId(input.id, "input.id");
    return move(ctx, { id, to: input.status, reason: input.reason, expectedUpdatedAt: input.expectedUpdatedAt, manual: true, guard: guardFor(ctx) });
  },
  cancelOrder: (_: unknown, { input }: { input: Omit<StatusInput, "status"> }, ctx: OrderContext) => {
    const id = parseId(input.id, "input.id");
    return move(ctx, { id, to: "CANCELLED", reason: input.reason, expectedUpdatedAt: input.expectedUpdatedAt, manual: true, guard: guardFor(ctx) });
  },
  checkConsistencyNow: async (_: unknown, __: unknown, ctx: OrderContext) => {
    await ctx.consistency.checker.request();
    return consistencyReport(ctx.consistency.store, ctx.peers, ctx.events, { minAgeSeconds: 0, first: pageSize(null, 1_000, 100) });
  },
};
