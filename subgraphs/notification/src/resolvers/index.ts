import { DateTimeScalar } from "@ops/service-kit";
import { ImportBatch } from "./ImportBatch.js";
import { Mutation } from "./Mutation.js";
import { Notification } from "./Notification.js";
import { NotificationTemplate } from "./NotificationTemplate.js";
import { Order } from "./Order.js";
import { Query } from "./Query.js";

export const resolvers = {
  DateTime: DateTimeScalar,
  Query,
  Mutation,
  ImportBatch,
  Notification,
  NotificationTemplate,
  Order,
};
