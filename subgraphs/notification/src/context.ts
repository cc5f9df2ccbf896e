/** Per-request context: the database, fresh DataLoaders (batching lives for one request), collaborators. */
import DataLoader from "dataloader";
import { groupBy, type Identity, type ServiceEvents, type SqliteReader } from "@ops/service-kit";
import type { NotificationDb } from "./db.js";
import type { NotificationDelivery } from "./domain/notificationDelivery.js";
import type { OrderReader } from "./orderClient.js";
import { notificationsByIds, notificationsByOrderIds } from "./readModel.js";
import type { NotificationTransport } from "./transport/NotificationTransport.js";

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(reader: SqliteReader) {
  return {
    notification: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map(notificationsByIds(reader, ids).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    notificationsByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(notificationsByOrderIds(reader, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
  };
}

export interface NotificationServices {
  db: NotificationDb;
  reader: SqliteReader;
  orders: OrderReader;
  transport: NotificationTransport;
  /** Every hand-over to the transport goes through it (at most one attempt per notification). */
  delivery: NotificationDelivery;
}

export interface NotificationContext extends NotificationServices {
  identity: Identity | null;
  /** This service's outbox (it produces no events today; its figures and dead letters are served). */
  events: ServiceEvents;
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request: new loaders over the shared services. */
export function createContext(services: NotificationServices, identity: Identity | null, events: ServiceEvents): NotificationContext {
  return { ...services, identity, events, loaders: createLoaders(services.reader) };
}
