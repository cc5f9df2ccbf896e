import { DateScalar, DateTimeScalar, YenScalar } from "@ops/service-kit";
import { Mutation } from "./Mutation.js";
import { Order, OrderItemResolvers, OrderStatusChangeResolvers } from "./Order.js";
import type { OrderContext } from "../context.js";
import { BatchUndoMutation, BatchUndoQuery, BatchUndoResolvers } from "./BatchUndo.js";
import { ImportBatchResolvers, ImportMutation, ImportQuery, ImportResolvers } from "./Import.js";
import { Query } from "./Query.js";

export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Yen: YenScalar,
  Query: { ...Query, ...ImportQuery, ...BatchUndoQuery },
  Mutation: { ...Mutation, ...ImportMutation, ...BatchUndoMutation },
  Import: ImportResolvers,
  BatchUndo: BatchUndoResolvers,
  ImportBatch: ImportBatchResolvers,
  Order,
  OrderItem: OrderItemResolvers,
  OrderStatusChange: OrderStatusChangeResolvers,
  ConsistencyIssue: {
    orderId: (i: { orderId: number }) => String(i.orderId),
    order: (i: { orderId: number }, _: unknown, ctx: OrderContext) => ctx.loaders.order.load(i.orderId),
  },
};
