/** Per-request context: the database, the read path and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy, type Identity, type ServiceEvents } from "@ops/service-kit";
import type { ConsistencyChecker } from "./consistency/consistencyChecker.js";
import type { ConsistencyStore } from "./consistency/consistencyStore.js";
import type { OrderConn, OrderServiceDb } from "./db/index.js";
import { realImportIdsByChecksums } from "./db/imports.js";
import { itemsByOrderIds } from "./db/items.js";
import { ordersByIds } from "./db/orders.js";
import { historyByOrderIds } from "./db/statusHistory.js";
import type { JobQueue } from "./jobs/jobRunner.js";
import type { UploadStore } from "./import/uploads.js";
import type { PeerReader } from "./peerReader.js";

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(conn: OrderConn) {
  return {
    order: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map((await ordersByIds(conn, ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    items: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(await itemsByOrderIds(conn, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    statusHistory: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(await historyByOrderIds(conn, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    /** Ids of the real imports of each file (by checksum), oldest first: `Import.sameFileImport` for a page of imports. */
    realImportIds: new DataLoader(async (checksums: readonly string[]) => {
      const byChecksum = groupBy(await realImportIdsByChecksums(conn, checksums), (r) => r.checksum);
      return checksums.map((c) => (byChecksum.get(c) ?? []).map((r) => r.id));
    }),
  };
}

export interface OrderServices {
  /** The service's database (the data kit): every read and write of orders goes through it. */
  database: OrderServiceDb;
  peers: PeerReader;
  uploads: UploadStore;
  imports: JobQueue;
  undos: JobQueue;
  consistency: { store: ConsistencyStore; checker: ConsistencyChecker };
}

export interface OrderContext extends OrderServices {
  identity: Identity | null;
  events: ServiceEvents;
  loaders: ReturnType<typeof createLoaders>;
}

export function createContext(services: OrderServices, identity: Identity | null, events: ServiceEvents): OrderContext {
  return { ...services, identity, events, loaders: createLoaders(services.database.db) };
}
