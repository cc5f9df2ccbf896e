/** Per-request context: the database, the order reader and fresh DataLoaders (batching lives for one request). */
import DataLoader from "dataloader";
import { groupBy, type Identity, type ServiceEvents } from "@ops/service-kit";
import type { PaymentDatabase, Queries } from "./db/database.js";
import { batchesByIds } from "./db/batches.js";
import { attemptsByPaymentIds, refundsByPaymentIds } from "./db/history.js";
import { paymentsByIds, paymentsByOrderIds, paymentsOfBatches, type BatchPaymentsPage } from "./db/payments.js";
import type { OrderReader } from "./domain/createPayment.js";

/** One page request of a batch's payments: `limit` payments after id `afterId`. */
export interface BatchPageKey {
  batchId: string;
  afterId: number;
  limit: number;
}

/** One SQL statement per loader and request, whatever the number of lookups. */
export function createLoaders(q: Queries) {
  return {
    payment: new DataLoader(async (ids: readonly number[]) => {
      const byId = new Map((await paymentsByIds(q, ids)).map((r) => [r.id, r]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    paymentByOrder: new DataLoader(async (orderIds: readonly number[]) => {
      const byOrder = new Map((await paymentsByOrderIds(q, orderIds)).map((r) => [r.orderId, r]));
      return orderIds.map((id) => byOrder.get(id) ?? null);
    }),
    refunds: new DataLoader(async (paymentIds: readonly number[]) => {
      const byPayment = groupBy(await refundsByPaymentIds(q, paymentIds), (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
    attempts: new DataLoader(async (paymentIds: readonly number[]) => {
      const byPayment = groupBy(await attemptsByPaymentIds(q, paymentIds), (r) => r.paymentId);
      return paymentIds.map((id) => byPayment.get(id) ?? []);
    }),
    paymentBatch: new DataLoader(async (batchIds: readonly string[]) => {
      const byId = new Map((await batchesByIds(q, batchIds)).map((b) => [b.batchId, b]));
      return batchIds.map((id) => byId.get(id) ?? null);
    }),
    /** Pages of batches' payments: one statement per distinct (after, limit), i.e. one for `_entities`. */
    batchPayments: new DataLoader(
      async (keys: readonly BatchPageKey[]) => {
        const pages = new Map<string, BatchPaymentsPage>();
        const groups = groupBy(keys, (k) => `${k.afterId}:${k.limit}`);
        for (const group of groups.values()) {
          const { afterId, limit } = group[0]!;
          for (const page of await paymentsOfBatches(q, [...new Set(group.map((k) => k.batchId))], afterId, limit)) {
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
  /** The payment database (SQLite or PostgreSQL): reads on `database.db`, writes in `database.transaction`. */
  database: PaymentDatabase;
  orders: OrderReader;
  /** The outbox dispatcher: `wake()` after committing a transaction that wrote events. */
  events: ServiceEvents;
  loaders: ReturnType<typeof createLoaders>;
}

/** A fresh context for one request. */
export function createContext(database: PaymentDatabase, orders: OrderReader, identity: Identity | null, events: ServiceEvents): PaymentContext {
  return { identity, database, orders, events, loaders: createLoaders(database.db) };
}
