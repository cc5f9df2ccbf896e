/** Per-request context: the database and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import type { OrderDb } from "./db.js";

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = map.get(k);
    if (list) list.push(row);
    else map.set(k, [row]);
  }
  return map;
}

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
