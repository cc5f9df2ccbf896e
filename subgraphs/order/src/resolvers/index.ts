import { DateScalar, DateTimeScalar } from "@ops/service-kit";
import { Mutation } from "./Mutation.js";
import { Order, OrderItemResolvers, OrderStatusChangeResolvers } from "./Order.js";
import type { OrderContext } from "../context.js";
import { Query } from "./Query.js";

export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query,
  Mutation,
  Order,
  OrderItem: OrderItemResolvers,
  OrderStatusChange: OrderStatusChangeResolvers,
  ConsistencyIssue: {
    orderId: (i: { orderId: number }) => String(i.orderId),
    order: (i: { orderId: number }, _: unknown, ctx: OrderContext) => ctx.loaders.order.load(i.orderId),
  },
};
