/** The order list: filters, keyset pagination over a chosen sort, total count and amount (plain SQL, a hot path). */
import { decodeCursor, encodeCursor, endOfJapanDay, sqlDate, startOfJapanDay, type CursorValue, type SqlParam, type SqliteReader } from "@ops/service-kit";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../readModel.js";
import { nameKey } from "./nameKey.js";
import { nameGrams, nameSearch } from "./nameSearch.js";
import type { OrderStatus } from "./statusMachine.js";

export interface OrderFilter {
  status?: OrderStatus[] | null;
  customerEmail?: string | null;
  customerName?: string | null;
  createdFrom?: string | null;
  createdTo?: string | null;
  batchId?: string | null;
}

export type SortField = "CREATED_AT" | "TOTAL_AMOUNT" | "STATUS";
export interface OrderSort {
  field: SortField;
  direction: "ASC" | "DESC";
}

const COLUMN: Record<SortField, keyof OrderRow> = { CREATED_AT: "created_at", TOTAL_AMOUNT: "total_amount", STATUS: "status" };

interface Sql {
  where: string[];
  params: SqlParam[];
}

/** SQL conditions for a filter; every value is a bound parameter. */
export function filterSql(filter: OrderFilter | null | undefined): Sql {
  const sql: Sql = { where: [], params: [] };
  if (!filter) return sql;
  if (filter.status?.length) {
    // One bound value per status (at most five): SQLite then walks (status, created_at) for the
    // newest orders of those statuses; over a json_each list it walked every order by date.
    const statuses = [...new Set(filter.status.map((s) => s.toLowerCase()))];
    sql.where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
    sql.params.push(...statuses);
  }
  if (filter.customerEmail?.trim()) {
    sql.where.push("customer_email = ?");
    sql.params.push(filter.customerEmail.trim().toLowerCase());
  }
  if (filter.customerName?.trim()) {
    const key = nameKey(filter.customerName);
    const grams = nameGrams(key).slice(0, 8);
    // The orders holding every two-character piece of the name (order_name_grams, kept by a
    // trigger), then checked whole: a few lookups instead of reading a million names.
    if (grams.length) {
      sql.where.push(`id IN (${grams.map(() => "SELECT order_id FROM order_name_grams WHERE gram = ?").join(" INTERSECT ")})`);
      sql.params.push(...grams);
    }
    sql.where.push("instr(customer_name_key, ?) > 0");
    sql.params.push(key);
  }
  if (filter.batchId) {
    sql.where.push("batch_id = ?");
    sql.params.push(filter.batchId);
  }
  if (filter.createdFrom) {
    sql.where.push("created_at >= ?");
    sql.params.push(sqlDate(startOfJapanDay(filter.createdFrom)));
  }
  if (filter.createdTo) {
    sql.where.push("created_at < ?");
    sql.params.push(sqlDate(endOfJapanDay(filter.createdTo)));
  }
  return sql;
}

function sortValue(row: OrderRow, field: SortField): CursorValue {
  return field === "CREATED_AT" ? new Date(row.created_at).toISOString() : row[COLUMN[field]] as CursorValue;
}

function afterSql(after: string, sort: OrderSort): Sql {
  const { sortValue: raw, id } = decodeCursor(after);
  const column = COLUMN[sort.field];
  const value = sort.field === "CREATED_AT" ? sqlDate(new Date(String(raw))) : raw;
  const op = sort.direction === "DESC" ? "<" : ">";
  return { where: [`(${column} ${op} ? OR (${column} = ? AND id ${op} ?))`], params: [value, value, id] };
}

const whereClause = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(" AND ")}` : "");

/**
 * The filter as conditions on `order_figures` (orders per Japan day, status and batch, kept by
 * triggers), or null when it filters on something the figures do not hold (e-mail, name): then
 * the orders themselves are counted. Status, dates and batch cover the dashboard, the batch page
 * and most list views, which must not count a million orders per request.
 */
function figuresSql(filter: OrderFilter | null | undefined): Sql | null {
  const sql: Sql = { where: [], params: [] };
  if (!filter) return sql;
  if (filter.customerEmail?.trim() || filter.customerName?.trim()) return null;
  if (filter.status?.length) {
    // One bound value per status (at most five): SQLite then walks (status, created_at) for the
    // newest orders of those statuses; over a json_each list it walked every order by date.
    const statuses = [...new Set(filter.status.map((s) => s.toLowerCase()))];
    sql.where.push(`status IN (${statuses.map(() => "?").join(", ")})`);
    sql.params.push(...statuses);
  }
  if (filter.batchId) {
    sql.where.push("batch_id = ?");
    sql.params.push(filter.batchId);
  }
  if (filter.createdFrom) {
    sql.where.push("day >= ?");
    sql.params.push(filter.createdFrom);
  }
  if (filter.createdTo) {
    sql.where.push("day <= ?");
    sql.params.push(filter.createdTo);
  }
  return sql;
}

/** Count and sum of the orders a filter matches: from the figures when they can answer, else from the orders. */
function orderTotals(reader: SqliteReader, raw: OrderFilter | null | undefined, filter: Sql = filterSql(raw)): { n: number; total: number | null } {
  const figures = figuresSql(raw);
  if (figures) {
    return reader.get<{ n: number; total: number | null }>(
      `SELECT COALESCE(SUM(orders), 0) AS n, SUM(amount) AS total FROM order_figures ${whereClause(figures.where)}`,
      ...figures.params,
    )!;
  }
  return reader.get<{ n: number; total: number | null }>(`SELECT COUNT(*) AS n, SUM(total_amount) AS total FROM orders ${whereClause(filter.where)}`, ...filter.params)!;
}

export function listOrders(
  reader: SqliteReader,
  args: { first: number; after?: string | null; filter?: OrderFilter | null; sort: OrderSort },
) {
  const { customerName, ...rest } = args.filter ?? {};
  const key = customerName?.trim() ? nameKey(customerName) : "";
  const byName = key ? nameSearch(reader, key) : null;
  // A name search starts from the name's pieces (nameSearch.ts); the other filters apply to the orders found.
  const filter = byName ? filterSql(rest) : filterSql(args.filter);
  const from = byName ? byName.from : "orders";
  const where = byName ? [...byName.where, ...filter.where] : filter.where;
  const params = byName ? [...byName.params, ...filter.params] : filter.params;
  const page = args.after ? afterSql(args.after, args.sort) : { where: [], params: [] };
  const dir = args.sort.direction === "DESC" ? "DESC" : "ASC";
  // Newest first over a name's pieces: walk the piece's own (gram, at, order_id) order.
  const orderBy = byName && args.sort.field === "CREATED_AT" ? `g.at ${dir}, g.order_id ${dir}` : `${COLUMN[args.sort.field]} ${dir}, id ${dir}`;
  const rows = reader.all<OrderRow>(
    `SELECT ${qualified} FROM ${from} ${whereClause([...where, ...page.where])} ORDER BY ${orderBy} LIMIT ?`,
    ...params,
    ...page.params,
    args.first + 1,
  );
  const totals =
    byName?.exact && filter.where.length === 0
      ? reader.get<{ n: number; total: number | null }>("SELECT COUNT(*) AS n, SUM(amount) AS total FROM order_name_grams WHERE gram = ?", byName.rarest)!
      : byName
        ? reader.get<{ n: number; total: number | null }>(`SELECT COUNT(*) AS n, SUM(total_amount) AS total FROM ${from} ${whereClause(where)}`, ...params)!
        : orderTotals(reader, args.filter, filter);
  const pageRows = rows.slice(0, args.first);
  const last = pageRows[pageRows.length - 1];
  return {
    totalCount: totals.n,
    totalAmount: totals.total ?? 0,
    edges: pageRows.map((row) => ({ cursor: encodeCursor(sortValue(row, args.sort.field), row.id), node: toOrder(row) })),
    pageInfo: {
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor(sortValue(last, args.sort.field), last.id) : null,
    },
  };
}

// The orders' columns named through their table: a name search joins order_name_grams too.
const qualified = ORDER_COLUMNS.split(",").map((c) => `orders.${c.trim()}`).join(", ");
