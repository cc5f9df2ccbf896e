/**
 * The order list's reads (a hot path): one page by keyset over a chosen sort, and the count and
 * sum of the orders a filter matches — from `order_figures` (kept by triggers) when the filter
 * allows, so the dashboard and the batch page never count a million orders per request.
 */
import { sql, type RawBuilder, type SqlBool } from "kysely";
import type { OrderStatus } from "../domain/statusMoves.js";
import { dialectOf, stamp, type OrderConn } from "./index.js";
import { dbStatus, QUALIFIED_ORDER_COLUMNS, toOrder, type Order, type OrderRow } from "./orders.js";

/** The name search's plan (domain/nameSearch.ts): walk the rarest piece's entries, check the others and the whole key. */
export interface NameMatch {
  key: string;
  rarest: string;
  others: readonly string[];
  /** True when the piece alone decides (a two-character key): no check of the whole name. */
  exact: boolean;
}

/** A filter, as the domain has normalised it. */
export interface ListFilter {
  statuses: readonly OrderStatus[];
  /** Lower-cased e-mail. */
  email: string | null;
  /** Orders whose name key holds this key, walked through its pieces. */
  name: NameMatch | null;
  /** A one-character name key (no piece to walk): checked on every order the rest selects. */
  nameContains: string | null;
  batchId: string | null;
  /** Japan calendar days, inclusive. */
  fromDay: string | null;
  toDay: string | null;
  /** The same days as instants: created at or after `createdFrom`, before `createdBefore`. */
  createdFrom: Date | null;
  createdBefore: Date | null;
}

export type SortField = "CREATED_AT" | "TOTAL_AMOUNT" | "STATUS";
export interface ListPage {
  first: number;
  field: SortField;
  direction: "ASC" | "DESC";
  /** The last row of the previous page: its sort value (CREATED_AT as an ISO instant) and id. */
  after: { value: string | number; id: number } | null;
}

const and = (conditions: RawBuilder<SqlBool>[]) => (conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``);

/** `column` holds `key` (SQLite instr, PostgreSQL strpos: the same test). */
function contains(conn: OrderConn, key: string): RawBuilder<SqlBool> {
  return dialectOf(conn) === "postgres" ? sql<SqlBool>`strpos(orders.customer_name_key, ${key}) > 0` : sql<SqlBool>`instr(orders.customer_name_key, ${key}) > 0`;
}

/** Conditions on `orders` for a filter, without the name walk; every value a bound parameter. */
export function orderConditions(conn: OrderConn, filter: ListFilter): RawBuilder<SqlBool>[] {
  const where: RawBuilder<SqlBool>[] = [];
  // One bound value per status (at most five): the (status, created_at) index then serves the
  // newest orders of those statuses.
  if (filter.statuses.length) where.push(sql<SqlBool>`orders.status IN (${sql.join(filter.statuses.map(dbStatus))})`);
  if (filter.email) where.push(sql<SqlBool>`orders.customer_email = ${filter.email}`);
  if (filter.nameContains) where.push(contains(conn, filter.nameContains));
  if (filter.batchId) where.push(sql<SqlBool>`orders.batch_id = ${filter.batchId}`);
  if (filter.createdFrom) where.push(sql<SqlBool>`orders.created_at >= ${stamp(filter.createdFrom)}`);
  if (filter.createdBefore) where.push(sql<SqlBool>`orders.created_at < ${stamp(filter.createdBefore)}`);
  return where;
}

/** The FROM and conditions of the name walk: the rarest piece's entries joined to their orders. */
function nameWalk(conn: OrderConn, name: NameMatch) {
  // SQLite's CROSS JOIN keeps the pieces outer (the planner would otherwise start from orders);
  // PostgreSQL plans the join by its statistics.
  const from =
    dialectOf(conn) === "postgres"
      ? sql`order_name_grams g INNER JOIN orders ON orders.id = g.order_id`
      : sql`order_name_grams g CROSS JOIN orders ON orders.id = g.order_id`;
  const where: RawBuilder<SqlBool>[] = [
    sql<SqlBool>`g.gram = ${name.rarest}`,
    ...name.others.map((gram) => sql<SqlBool>`EXISTS (SELECT 1 FROM order_name_grams g2 WHERE g2.gram = ${gram} AND g2.at = g.at AND g2.order_id = g.order_id)`),
    ...(name.exact ? [] : [contains(conn, name.key)]),
  ];
  return { from, where };
}

function sortColumn(conn: OrderConn, field: SortField): RawBuilder<unknown> {
  if (field === "CREATED_AT") return sql`orders.created_at`;
  if (field === "TOTAL_AMOUNT") return sql`orders.total_amount`;
  // PostgreSQL's status enum sorts in declaration order: sort its text, as SQLite does.
  return dialectOf(conn) === "postgres" ? sql`orders.status::text` : sql`orders.status`;
}

/** Up to `first + 1` orders after the cursor (the extra one says whether a next page exists). */
export async function orderPage(conn: OrderConn, filter: ListFilter, page: ListPage): Promise<Order[]> {
  const walk = filter.name ? nameWalk(conn, filter.name) : null;
  const where = [...(walk?.where ?? []), ...orderConditions(conn, filter)];
  const column = sortColumn(conn, page.field);
  const op = sql.raw(page.direction === "DESC" ? "<" : ">");
  if (page.after) {
    const value = page.field === "CREATED_AT" ? stamp(new Date(String(page.after.value))) : page.field === "STATUS" ? String(page.after.value) : page.after.value;
    where.push(sql<SqlBool>`(${column} ${op} ${value} OR (${column} = ${value} AND orders.id ${op} ${page.after.id}))`);
  }
  const dir = sql.raw(page.direction === "DESC" ? "DESC" : "ASC");
  // Newest first over a name's pieces: walk the piece's own (gram, at, order_id) order.
  const orderBy = walk && page.field === "CREATED_AT" ? sql`g.at ${dir}, g.order_id ${dir}` : sql`${column} ${dir}, orders.id ${dir}`;
  const columns = sql.join(QUALIFIED_ORDER_COLUMNS.map((c) => sql.raw(c)));
  const { rows } = await sql<OrderRow>`SELECT ${columns} FROM ${walk?.from ?? sql`orders`} ${and(where)} ORDER BY ${orderBy} LIMIT ${page.first + 1}`.execute(conn);
  return rows.map(toOrder);
}

export interface Totals {
  count: number;
  amount: number;
}

const totals = (row: { n: unknown; total: unknown } | undefined): Totals => ({ count: Number(row?.n ?? 0), amount: Number(row?.total ?? 0) });

/**
 * Count and sum of the orders `filter` matches (one statement): from a two-character name's piece
 * alone, from `order_figures` when the filter holds nothing the figures lack (e-mail, name), else
 * from the orders themselves.
 */
export async function orderTotals(conn: OrderConn, filter: ListFilter): Promise<Totals> {
  const rest = orderConditions(conn, filter);
  if (filter.name) {
    if (filter.name.exact && rest.length === 0) {
      const { rows } = await sql<{ n: number; total: number | null }>`SELECT COUNT(*) AS n, SUM(amount) AS total FROM order_name_grams WHERE gram = ${filter.name.rarest}`.execute(conn);
      return totals(rows[0]);
    }
    const walk = nameWalk(conn, filter.name);
    const { rows } = await sql<{ n: number; total: number | null }>`SELECT COUNT(*) AS n, SUM(orders.total_amount) AS total FROM ${walk.from} ${and([...walk.where, ...rest])}`.execute(conn);
    return totals(rows[0]);
  }
  if (!filter.email && !filter.nameContains) {
    const where: RawBuilder<SqlBool>[] = [];
    if (filter.statuses.length) where.push(sql<SqlBool>`status IN (${sql.join(filter.statuses.map(dbStatus))})`);
    if (filter.batchId) where.push(sql<SqlBool>`batch_id = ${filter.batchId}`);
    if (filter.fromDay) where.push(sql<SqlBool>`day >= ${filter.fromDay}`);
    if (filter.toDay) where.push(sql<SqlBool>`day <= ${filter.toDay}`);
    const { rows } = await sql<{ n: number; total: number | null }>`SELECT COALESCE(SUM(orders), 0) AS n, SUM(amount) AS total FROM order_figures ${and(where)}`.execute(conn);
    return totals(rows[0]);
  }
  const { rows } = await sql<{ n: number; total: number | null }>`SELECT COUNT(*) AS n, SUM(orders.total_amount) AS total FROM orders ${and(rest)}`.execute(conn);
  return totals(rows[0]);
}
