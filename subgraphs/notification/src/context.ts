/** Per-request context: the database, fresh DataLoaders (batching lives for one request), collaborators. */
import DataLoader from "dataloader";
import { groupBy } from "@ops/service-kit";
import type { Notification, NotificationDb } from "./db.js";
import type { OrderReader } from "./orderClient.js";
import type { NotificationTransport } from "./transport/NotificationTransport.js";

/** One query per request for any number of notifications by id or by order. */
export function createLoaders(db: NotificationDb) {
  return {
    notification: new DataLoader(async (ids: readonly number[]) => {
      const rows = await db.notification.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    notificationsByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const rows = await db.notification.findMany({
        where: { orderId: { in: [...orderIds] } },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      const byOrder = groupBy<Notification, number>(rows, (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
  };
}

export interface NotificationServices {
  db: NotificationDb;
  orders: OrderReader;
  transport: NotificationTransport;
}

export interface NotificationContext extends NotificationServices {
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request: new loaders over the shared services. */
export function createContext(services: NotificationServices): NotificationContext {
  return { ...services, loaders: createLoaders(services.db) };
}
