/**
 * An order as SQL reads it, and as Prisma would return it. Free of heavier imports: the worker
 * thread that imports files and undoes batches reads orders through it too.
 */
import type { Order } from "./generated/prisma/client.js";
import type { OrderStatus } from "./domain/statusMoves.js";

export interface OrderRow {
  id: number;
  customer_email: string;
  customer_name: string;
  status: string;
  total_amount: number;
  currency: string;
  created_at: string;
  updated_at: string;
  customer_name_key: string;
  cancel_reason: string | null;
  batch_id: string | null;
  csv_source: string | null;
  import_row_number: number | null;
  order_key: string | null;
}

export const ORDER_COLUMNS =
  "id, customer_email, customer_name, status, total_amount, currency, created_at, updated_at, customer_name_key, cancel_reason, batch_id, csv_source, import_row_number, order_key";

/** A row as Prisma would return it: camelCase, Dates, upper-case enum. */
export function toOrder(r: OrderRow): Order {
  return {
    id: r.id,
    customerEmail: r.customer_email,
    customerName: r.customer_name,
    status: r.status.toUpperCase() as OrderStatus,
    totalAmount: r.total_amount,
    currency: r.currency,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    nameKey: r.customer_name_key,
    cancelReason: r.cancel_reason,
    batchId: r.batch_id,
    csvSource: r.csv_source,
    importRowNumber: r.import_row_number,
    orderKey: r.order_key,
  };
}
