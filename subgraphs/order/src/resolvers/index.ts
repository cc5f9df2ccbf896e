import { DateScalar, DateTimeScalar } from "@ops/service-kit";
import { Mutation } from "./Mutation.js";
import { Order, OrderItemResolvers, OrderStatusChangeResolvers } from "./Order.js";
import { Query } from "./Query.js";

export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Query,
  Mutation,
  Order,
  OrderItem: OrderItemResolvers,
  OrderStatusChange: OrderStatusChangeResolvers,
};
