/** The order service's hot reads in plain SQL (see service-kit's SqliteReader for why). */
import { idList, type SqliteReader } from "@ops/service-kit";
import type { Order, OrderItem, OrderStatusChange } from "./generated/prisma/client.js";
import type { OrderStatus } from "./domain/statusMachine.js";
import { IMPORTED_STATUSES } from "./import/importTypes.js";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "./orderRow.js";

export { ORDER_COLUMNS, toOrder, type OrderRow };

export function ordersByIds(reader: SqliteReader, ids: readonly number[]): Order[] {
  return reader
    .all<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id IN (SELECT value FROM json_each(?))`, idList(ids))
    .map(toOrder);
}

export function itemsByOrderIds(reader: SqliteReader, orderIds: readonly number[]): OrderItem[] {
  return reader
    .all<{ id: number; order_id: number; product_name: string; quantity: number; unit_price: number }>(
      "SELECT id, order_id, product_name, quantity, unit_price FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(orderIds),
    )
    .map((r) => ({ id: r.id, orderId: r.order_id, productName: r.product_name, quantity: r.quantity, unitPrice: r.unit_price }));
}

export function historyByOrderIds(reader: SqliteReader, orderIds: readonly number[]): OrderStatusChange[] {
  return reader
    .all<{ id: number; order_id: number; from_status: string; to_status: string; reason: string | null; actor: string | null; created_at: string }>(
      "SELECT id, order_id, from_status, to_status, reason, actor, created_at FROM order_status_changes WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id",
      idList(orderIds),
    )
    .map((r) => ({
      id: r.id,
      orderId: r.order_id,
      fromStatus: r.from_status.toUpperCase() as OrderStatus,
      toStatus: r.to_status.toUpperCase() as OrderStatus,
      actor: r.actor,
      reason: r.reason,
      createdAt: new Date(r.created_at),
    }));
}

/**
 * The real (not dry-run) imports of each file, by checksum, in the statuses that make a new
 * import of it a duplicate (IMPORTED_STATUSES), oldest first; one statement.
 */
export function realImportIdsByChecksums(reader: SqliteReader, checksums: readonly string[]): { id: number; checksum: string }[] {
  return reader
    .all<{ id: number; checksum: string; options: string }>(
      `SELECT id, checksum, options FROM import_history
       WHERE checksum IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?))
       ORDER BY id`,
      JSON.stringify(checksums),
      JSON.stringify(IMPORTED_STATUSES),
    )
    .filter((r) => !(JSON.parse(r.options) as { dryRun?: boolean }).dryRun)
    .map(({ id, checksum }) => ({ id, checksum }));
}
