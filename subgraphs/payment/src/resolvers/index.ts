import { DateScalar, DateTimeScalar, YenScalar } from "@ops/service-kit";
import { ImportBatch } from "./ImportBatch.js";
import { Mutation } from "./Mutation.js";
import { Order } from "./Order.js";
import { Payment } from "./Payment.js";
import { Query } from "./Query.js";
import { Refund } from "./Refund.js";

export const resolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  Yen: YenScalar,
  Query,
  Mutation,
  Payment,
  Refund,
  Order,
  ImportBatch,
};
