/** Per-request context: the database, the read path, the order reader and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy, type BulkDb, type Identity, type ServiceEvents, type SqliteReader } from "@ops/service-kit";
import type { PaymentDb } from "./db.js";
import type { OrderReader } from "./domain/createPayment.js";
import {
  attemptsByPaymentIds,
  paymentBatchesByIds,
  paymentsByIds,
  paymentsByOrderIds,
  paymentsOfBatches,
  refundsByPaymentIds,
  type BatchPaymentsPage,
} from "./readModel.js";

/** One page request of a batch's payments: `limit` payments after id `afterId`. */
export interface BatchPageKey {
  batchId: string;
  afterId: number;
  limit: number;
}

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
    paymentBatch: new DataLoader(async (batchIds: readonly string[]) => {
      const byId = new Map(paymentBatchesByIds(reader, batchIds).map((b) => [b.batchId, b]));
      return batchIds.map((id) => byId.get(id) ?? null);
    }),
    /** Pages of batches' payments: one statement per distinct (after, limit), i.e. one for `_entities`. */
    batchPayments: new DataLoader(
      async (keys: readonly BatchPageKey[]) => {
        const pages = new Map<string, BatchPaymentsPage>();
        const groups = groupBy(keys, (k) => `${k.afterId}:${k.limit}`);
        for (const group of groups.values()) {
          const { afterId, limit } = group[0]!;
          for (const page of paymentsOfBatches(reader, [...new Set(group.map((k) => k.batchId))], afterId, limit)) {
            pages.set(`${page.batchId}:${afterId}:${limit}`, page);
          }
        }
        return keys.map((k) => pages.get(`${k.batchId}:${k.afterId}:${k.limit}`)!);
      },
      { cacheKeyFn: (k) => `${k.batchId}:${k.afterId}:${k.limit}` },
    ),
  };
}

export interface PaymentContext {
  identity: Identity | null;
  db: PaymentDb;
  /** The bulk write connection: every status move goes through the payment gate on it. */
  bulk: BulkDb;
  /** The plain-SQL read path (aggregates, hot lookups). */
  reader: SqliteReader;
  orders: OrderReader;
  /** The outbox dispatcher: `wake()` after committing a transaction that wrote events. */
  events: ServiceEvents;
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request. */
export function createContext(db: PaymentDb, bulk: BulkDb, reader: SqliteReader, orders: OrderReader, identity: Identity | null, events: ServiceEvents): PaymentContext {
  return { identity, db, bulk, reader, orders, events, loaders: createLoaders(reader) };
}
