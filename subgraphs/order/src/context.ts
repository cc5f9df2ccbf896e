/** Per-request context: the database, the read path and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy, type BulkDb, type Identity, type ServiceEvents, type SqliteReader } from "@ops/service-kit";
import type { ConsistencyChecker } from "./consistency/consistencyChecker.js";
import type { ConsistencyStore } from "./consistency/consistencyStore.js";
import type { OrderDb } from "./db.js";
import type { OrderServiceDb } from "./db/index.js";
import type { JobQueue } from "./jobs/jobRunner.js";
import type { UploadStore } from "./import/uploads.js";
import type { PeerReader } from "./peerReader.js";
import { historyByOrderIds, itemsByOrderIds, ordersByIds, realImportIdsByChecksums } from "./readModel.js";

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(reader: SqliteReader) {
  return {
    order: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map(ordersByIds(reader, ids).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    items: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(itemsByOrderIds(reader, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    statusHistory: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = groupBy(historyByOrderIds(reader, orderIds), (r) => r.orderId);
      return orderIds.map((id) => byOrder.get(id) ?? []);
    }),
    /** Ids of the real imports of each file (by checksum), oldest first: `Import.sameFileImport` for a page of imports. */
    realImportIds: new DataLoader(async (checksums: readonly string[]) => {
      const byChecksum = groupBy(realImportIdsByChecksums(reader, checksums), (r) => r.checksum);
      return checksums.map((c) => (byChecksum.get(c) ?? []).map((r) => r.id));
    }),
  };
}

export interface OrderContext {
  identity: Identity | null;
  db: OrderDb;
  /** The data kit's way in (imports, uploads, jobs and undos run on it). */
  database: OrderServiceDb;
  /** The bulk write connection: status moves go through it (the status gate). */
  bulk: BulkDb;
  events: ServiceEvents;
  peers: PeerReader;
  uploads: UploadStore;
  imports: JobQueue;
  undos: JobQueue;
  reader: SqliteReader;
  consistency: { store: ConsistencyStore; checker: ConsistencyChecker };
  loaders: ReturnType<typeof createLoaders>;
}

export interface OrderServices {
  db: OrderDb;
  database: OrderServiceDb;
  bulk: BulkDb;
  reader: SqliteReader;
  peers: PeerReader;
  uploads: UploadStore;
  imports: JobQueue;
  undos: JobQueue;
  consistency: { store: ConsistencyStore; checker: ConsistencyChecker };
}

export function createContext(services: OrderServices, identity: Identity | null, events: ServiceEvents): OrderContext {
  return { ...services, identity, events, loaders: createLoaders(services.reader) };
}
