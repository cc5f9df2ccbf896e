/** The order list: filters, keyset pagination over a chosen sort, total count and amount (plain SQL, a hot path). */
import { decodeCursor, encodeCursor, endOfJapanDay, sqlDate, startOfJapanDay, type CursorValue, type SqlParam, type SqliteReader } from "@ops/service-kit";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../readModel.js";
import { nameKey } from "./nameKey.js";
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
  /** The filter narrows to the orders a name search found (a short list of ids). */
  byName?: boolean;
}

/** The distinct two-character pieces of a name key, at most 8 (enough to narrow; the whole key is checked after). */
function nameGrams(key: string): string[] {
  const chars = [...key];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length && grams.size < 8; i++) grams.add(chars[i]! + chars[i + 1]!);
  return [...grams];
}

/** SQL conditions for a filter; every value is a bound parameter. */
export function filterSql(filter: OrderFilter | null | undefined): Sql {
  const sql: Sql = { where: [], params: [] };
  if (!filter) return sql;
  if (filter.status?.length) {
    sql.where.push("status IN (SELECT value FROM json_each(?))");
    sql.params.push(JSON.stringify(filter.status.map((s) => s.toLowerCase())));
  }
  if (filter.customerEmail?.trim()) {
    sql.where.push("customer_email = ?");
    sql.params.push(filter.customerEmail.trim().toLowerCase());
  }
  if (filter.customerName?.trim()) {
    const key = nameKey(filter.customerName);
    const grams = nameGrams(key);
    // The orders holding every two-character piece of the name (order_name_grams, kept by a
    // trigger), then checked whole: a few lookups instead of reading a million names.
    if (grams.length) {
      sql.where.push(`id IN (${grams.map(() => "SELECT order_id FROM order_name_grams WHERE gram = ?").join(" INTERSECT ")})`);
      sql.params.push(...grams);
      sql.byName = true;
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
    sql.where.push("status IN (SELECT value FROM json_each(?))");
    sql.params.push(JSON.stringify(filter.status.map((s) => s.toLowerCase())));
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
  const filter = filterSql(args.filter);
  const page = args.after ? afterSql(args.after, args.sort) : { where: [], params: [] };
  const dir = args.sort.direction === "DESC" ? "DESC" : "ASC";
  const rows = reader.all<OrderRow>(
    // After a name search, sort the few orders found ("+" keeps SQLite from walking a sort index
    // over every order instead, checking each against the list).
    `SELECT ${ORDER_COLUMNS} FROM orders ${whereClause([...filter.where, ...page.where])} ORDER BY ${filter.byName ? "+" : ""}${COLUMN[args.sort.field]} ${dir}, id ${dir} LIMIT ?`,
    ...filter.params,
    ...page.params,
    args.first + 1,
  );
  const totals = orderTotals(reader, args.filter, filter);
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
