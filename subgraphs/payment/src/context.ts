/** Per-request context: the database, the order reader and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy } from "@ops/service-kit";
import type { PaymentDb } from "./db.js";
import type { OrderReader } from "./domain/createPayment.js";

/** One `findMany({ where: { … in } })` per loader and request, whatever the number of lookups. */
export function createLoaders(db: PaymentDb) {
  return {
    payment: new DataLoader(async (ids: readonly number[]) => {
      const rows = await db.payment.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    paymentByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const rows = await db.payment.findMany({ where: { orderId: { in: [...orderIds] } } });
      const byOrder = new Map(rows.map((r) => [r.orderId, r]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
    refunds: new DataLoader(async (paymentIds: readonly number[]) => {
      const rows = await db.refund.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: { id: "asc" } });
      const byPayment = groupBy(rows, (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
    attempts: new DataLoader(async (paymentIds: readonly number[]) => {
      const rows = await db.paymentAttempt.findMany({ where: { paymentId: { in: [...paymentIds] } }, orderBy: { id: "asc" } });
      const byPayment = groupBy(rows, (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
  };
}

export interface PaymentContext {
  db: PaymentDb;
  orders: OrderReader;
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request. */
export function createContext(db: PaymentDb, orders: OrderReader): PaymentContext {
  return { db, orders, loaders: createLoaders(db) };
}
