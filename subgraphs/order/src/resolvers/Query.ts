import { pageSize, parseId } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import { consistencyReport } from "../domain/consistencyReport.js";
import { listOrders, type OrderFilter, type OrderSort } from "../domain/listOrders.js";
import { orderDays } from "../domain/orderDays.js";

export const Query = {
  order: (_: unknown, args: { id: string }, ctx: OrderContext) => ctx.loaders.order.load(parseId(args.id)),
  orders: (
    _: unknown,
    args: { first?: number | null; after?: string | null; filter?: OrderFilter | null; sort?: Partial<OrderSort> | null },
    ctx: OrderContext,
  ) =>
    listOrders(ctx.database.db, {
      first: pageSize(args.first),
      after: args.after,
      filter: args.filter,
      sort: { field: args.sort?.field ?? "CREATED_AT", direction: args.sort?.direction ?? "DESC" },
    }),
  consistencyReport: (_: unknown, args: { minAgeSeconds?: number | null; first?: number | null }, ctx: OrderContext) =>
    consistencyReport(ctx.consistency.store, ctx.peers, ctx.events, { minAgeSeconds: Math.max(0, args.minAgeSeconds ?? 0), first: pageSize(args.first, 1_000, 100) }),
  orderDays: (_: unknown, args: { from: string; to: string }, ctx: OrderContext) => orderDays(ctx.database.db, args.from, args.to),
};
