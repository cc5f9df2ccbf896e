/** Per-request context: the database, the read path, the order reader and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy, type Identity, type ServiceEvents, type SqliteReader } from "@ops/service-kit";
import type { PaymentDb } from "./db.js";
import type { OrderReader } from "./domain/createPayment.js";
import { attemptsByPaymentIds, paymentsByIds, paymentsByOrderIds, refundsByPaymentIds } from "./readModel.js";

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(reader: SqliteReader) {
  return {
    payment: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map(paymentsByIds(reader, ids).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    paymentByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = new Map(paymentsByOrderIds(reader, orderIds).map((r) => [r.orderId, r]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
    refunds: new DataLoader(async (paymentIds: readonly number[]) => {
      const byPayment = groupBy(refundsByPaymentIds(reader, paymentIds), (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
    attempts: new DataLoader(async (paymentIds: readonly number[]) => {
      const byPayment = groupBy(attemptsByPaymentIds(reader, paymentIds), (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
  };
}

export interface PaymentContext {
  identity: Identity | null;
  db: PaymentDb;
  orders: OrderReader;
  /** The outbox dispatcher: `wake()` after committing a transaction that wrote events. */
  events: ServiceEvents;
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request. */
export function createContext(db: PaymentDb, reader: SqliteReader, orders: OrderReader, identity: Identity | null, events: ServiceEvents): PaymentContext {
  return { identity, db, orders, events, loaders: createLoaders(reader) };
}
