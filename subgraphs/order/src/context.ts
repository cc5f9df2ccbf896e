/** Per-request context: the database and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy } from "@ops/service-kit";
import type { OrderDb } from "./db.js";

export function createLoaders(db: OrderDb) {
  return {
    order: new DataLoader(async (ids: readonly number[]) => {
      const rows = await db.order.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    items: new DataLoader(async (orderIds: readonly number[]) => {
      const rows = await db.orderItem.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
      const byOrder = groupBy(rows, (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    statusHistory: new DataLoader(async (orderIds: readonly number[]) => {
      const rows = await db.orderStatusChange.findMany({ where: { orderId: { in: [...orderIds] } }, orderBy: { id: "asc" } });
      const byOrder = groupBy(rows, (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
  };
}

export interface OrderContext {
  db: OrderDb;
  loaders: ReturnType<typeof createLoaders>;
}

export function createContext(db: OrderDb): OrderContext {
  return { db, loaders: createLoaders(db) };
}
