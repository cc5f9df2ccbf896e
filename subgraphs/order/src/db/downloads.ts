/**
 * What the CSV downloads read, a page at a time by key (constant memory whatever the import's
 * size or the shop's, the same on both databases): the import, its errors in row order, its
 * failed row numbers, and the orders an export's filter matches with their items.
 */
import { sql, type SqlBool } from "kysely";
import { helpersOf, type OrderConn } from "./index.js";
import { orderConditions, type ListFilter } from "./orderList.js";

/** What a report needs of its import. */
export interface ReportedImport {
  id: number;
  filename: string;
  encoding: string | null;
  uploadPath: string;
}

/** Import `id` as a report names it, or null. */
export async function reportedImport(conn: OrderConn, id: number): Promise<ReportedImport | null> {
  const row = await conn.selectFrom("import_history").select(["id", "filename", "encoding", "upload_path"]).where("id", "=", id).executeTakeFirst();
  return row ? { id: Number(row.id), filename: row.filename, encoding: row.encoding, uploadPath: row.upload_path } : null;
}

/** A line of the error report. */
export interface ReportedError {
  id: number;
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** The next `limit` errors of an import after (`afterRow`, `afterId`), in row order (the (import_id, row_number) index). */
export async function errorReportPage(conn: OrderConn, importId: number, after: { row: number; id: number }, limit: number): Promise<ReportedError[]> {
  const rows = await conn
    .selectFrom("import_errors")
    .select(["id", "row_number", "column", "value", "reason"])
    .where("import_id", "=", importId)
    .where((eb) => eb.or([eb("row_number", ">", after.row), eb.and([eb("row_number", "=", after.row), eb("id", ">", after.id)])]))
    .orderBy("row_number")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), rowNumber: Number(r.row_number), column: r.column, value: r.value, reason: r.reason }));
}

/** Failed row numbers of an import after `after`, ascending and distinct, at most `limit`. */
export async function failedRowNumbers(conn: OrderConn, importId: number, after: number, limit: number): Promise<number[]> {
  const rows = await conn
    .selectFrom("import_errors")
    .select("row_number")
    .distinct()
    .where("import_id", "=", importId)
    .where("row_number", ">", after)
    .orderBy("row_number")
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.row_number));
}

/** An exported order with its items (the import format's columns). */
export interface ExportedOrder {
  id: number;
  orderKey: string | null;
  customerEmail: string;
  customerName: string;
  currency: string;
  items: { productName: string; quantity: number; unitPrice: number }[];
}

/**
 * The next `limit` orders the filter matches after id `afterId`, in id order, each with its items
 * in their order: two statements a page (keyset on the primary key, then the page's items by
 * order id), on both databases.
 */
export async function exportPage(conn: OrderConn, filter: ListFilter, afterId: number, limit: number): Promise<ExportedOrder[]> {
  const where = [...orderConditions(conn, filter), sql<SqlBool>`orders.id > ${afterId}`];
  const { rows } = await sql<{ id: number; order_key: string | null; customer_email: string; customer_name: string; currency: string }>`
    SELECT orders.id, orders.order_key, orders.customer_email, orders.customer_name, orders.currency
    FROM orders WHERE ${sql.join(where, sql` AND `)} ORDER BY orders.id LIMIT ${limit}`.execute(conn);
  if (rows.length === 0) return [];
  const orders = new Map<number, ExportedOrder>();
  for (const r of rows) {
    const id = Number(r.id);
    orders.set(id, { id, orderKey: r.order_key, customerEmail: r.customer_email, customerName: r.customer_name, currency: r.currency, items: [] });
  }
  const items = await conn
    .selectFrom("order_items")
    .select(["order_id", "product_name", "quantity", "unit_price"])
    .where(helpersOf(conn).inIds("order_id", [...orders.keys()]))
    .orderBy("order_id")
    .orderBy("id")
    .execute();
  for (const i of items) orders.get(Number(i.order_id))!.items.push({ productName: i.product_name, quantity: Number(i.quantity), unitPrice: Number(i.unit_price) });
  return [...orders.values()];
}
