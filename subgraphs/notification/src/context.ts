/** Per-request context: the database, fresh DataLoaders (batching lives for one request), collaborators. */
import DataLoader from "dataloader";
import { groupBy, type Identity, type ServiceEvents } from "@ops/service-kit";
import type { NotificationDatabase } from "./db/database.js";
import { notificationCountsByBatch, notificationsByBatchIds, notificationsByIds, notificationsByOrderIds } from "./db/notificationReads.js";
import { keysetOf } from "./domain/listNotifications.js";
import type { Notification } from "./domain/notification.js";
import type { NotificationDelivery } from "./domain/notificationDelivery.js";
import type { OrderReader } from "./orderClient.js";
import type { NotificationTransport } from "./transport/NotificationTransport.js";

/** How many notifications of an import batch are in each status. */
export interface NotificationCounts {
  sent: number;
  failed: number;
  pending: number;
  notSent: number;
  total: number;
}

const COUNT_KEYS: Record<string, keyof NotificationCounts> = { sent: "sent", failed: "failed", pending: "pending", not_sent: "notSent" };

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(database: NotificationDatabase) {
  const { db, helpers } = database;
  // Pages of batch notifications: one loader (so one statement) per distinct (first, after).
  const batchPages = new Map<string, DataLoader<string, Notification[]>>();
  return {
    /** Up to `limit` notifications per batch after the cursor, newest first. */
    batchNotifications(limit: number, after: string | null | undefined): DataLoader<string, Notification[]> {
      const key = `${limit}\u0000${after ?? ""}`;
      let loader = batchPages.get(key);
      if (!loader) {
        const keyset = after ? keysetOf(after) : null;
        loader = new DataLoader(async (batchIds: readonly string[]) => {
          const byBatch = groupBy(await notificationsByBatchIds(db, batchIds, limit, keyset), (n) => n.batchId);
          return batchIds.map((id) => byBatch.get(id) ?? []);
        });
        batchPages.set(key, loader);
      }
      return loader;
    },
    batchCounts: new DataLoader(async (batchIds: readonly string[]) => {
      const counts = new Map(batchIds.map((id): [string, NotificationCounts] => [id, { sent: 0, failed: 0, pending: 0, notSent: 0, total: 0 }]));
      for (const row of await notificationCountsByBatch(db, helpers, batchIds)) {
        const entry = counts.get(row.batchId)!;
        const key = COUNT_KEYS[row.status];
        if (key) entry[key] += row.count;
        entry.total += row.count;
      }
      return batchIds.map((id) => counts.get(id)!);
    }),
    notification: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map((await notificationsByIds(db, helpers, ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    notificationsByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(await notificationsByOrderIds(db, helpers, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
  };
}

export interface NotificationServices {
  database: NotificationDatabase;
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
  return { ...services, identity, events, loaders: createLoaders(services.database) };
}
