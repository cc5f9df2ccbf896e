/**
 * The `orders` table: reads by id (the hot path's loaders), the insert of a new order with its
 * items, and the status gate's two statements (read the statuses, move the allowed orders).
 */
import { readTimestamp } from "@ops/service-kit/data";
import type { Selectable } from "kysely";
import type { Order as OrderTable, OrderStatus as DbStatus } from "../generated/kysely/types.js";
import type { OrderStatus } from "../domain/statusMoves.js";
import { dialectOf, helpersOf, stamp, type OrderConn } from "./index.js";

/** An order as the service works with it: camelCase, Dates, upper-case status. */
export interface Order {
  id: number;
  customerEmail: string;
  customerName: string;
  status: OrderStatus;
  totalAmount: number;
  currency: string;
  createdAt: Date;
  updatedAt: Date;
  nameKey: string;
  cancelReason: string | null;
  batchId: string | null;
  csvSource: string | null;
  importRowNumber: number | null;
  orderKey: string | null;
}

/** Every column of `orders`, as the reads select them. */
export const ORDER_COLUMNS = [
  "id",
  "customer_email",
  "customer_name",
  "status",
  "total_amount",
  "currency",
  "created_at",
  "updated_at",
  "customer_name_key",
  "cancel_reason",
  "batch_id",
  "csv_source",
  "import_row_number",
  "order_key",
] as const satisfies readonly (keyof OrderTable)[];

/** The same columns named through their table (for reads that join `orders` to another table). */
export const QUALIFIED_ORDER_COLUMNS = ORDER_COLUMNS.map((c) => `orders.${c}` as const);

export type OrderRow = Pick<Selectable<OrderTable>, (typeof ORDER_COLUMNS)[number]>;

/** The status as the database stores it ("pending"). */
export const dbStatus = (status: OrderStatus) => status.toLowerCase() as DbStatus;
/** The status as the API shows it ("PENDING"). */
export const apiStatus = (status: string) => status.toUpperCase() as OrderStatus;

/** A row of `orders` as the service works with it (either database's types). */
export function toOrder(r: OrderRow): Order {
  return {
    id: Number(r.id),
    customerEmail: r.customer_email,
    customerName: r.customer_name,
    status: apiStatus(r.status),
    totalAmount: Number(r.total_amount),
    currency: r.currency,
    createdAt: readTimestamp(r.created_at),
    updatedAt: readTimestamp(r.updated_at),
    nameKey: r.customer_name_key,
    cancelReason: r.cancel_reason,
    batchId: r.batch_id,
    csvSource: r.csv_source,
    importRowNumber: r.import_row_number === null ? null : Number(r.import_row_number),
    orderKey: r.order_key,
  };
}

/** The orders among `ids` (one statement, whatever the number of ids), in no particular order. */
export async function ordersByIds(conn: OrderConn, ids: readonly number[]): Promise<Order[]> {
  if (ids.length === 0) return [];
  const rows = await conn.selectFrom("orders").select(ORDER_COLUMNS).where(helpersOf(conn).inIds("id", ids)).execute();
  return rows.map(toOrder);
}

/**
 * One order, or null. `lock`: on PostgreSQL the row stays locked (FOR UPDATE) until the caller's
 * transaction ends, so a check made on it (an expected update time) still holds at the write.
 */
export async function orderById(conn: OrderConn, id: number, options: { lock?: boolean } = {}): Promise<Order | null> {
  let query = conn.selectFrom("orders").select(ORDER_COLUMNS).where("id", "=", id);
  if (options.lock && dialectOf(conn) === "postgres") query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toOrder(row) : null;
}

/** A new order's own columns (the database fills id, status, times). */
export interface NewOrderRow {
  customerEmail: string;
  customerName: string;
  nameKey: string;
  currency: string;
  totalAmount: number;
}

/** Inserts one order (PENDING, stamped now) and returns it; its items go in with `insertItems`. */
export async function insertOrderRow(conn: OrderConn, order: NewOrderRow): Promise<Order> {
  const now = stamp(new Date());
  const row = await conn
    .insertInto("orders")
    .values({
      customer_email: order.customerEmail,
      customer_name: order.customerName,
      customer_name_key: order.nameKey,
      currency: order.currency,
      total_amount: order.totalAmount,
      created_at: now,
      updated_at: now,
    })
    .returning(ORDER_COLUMNS)
    .executeTakeFirstOrThrow();
  return toOrder(row);
}

/** An order's status as the gate reads it. */
export interface OrderState {
  id: number;
  status: OrderStatus;
  updatedAt: Date;
}

/**
 * The status of each order among `ids`, in id order, for the status gate. On PostgreSQL the rows
 * are locked (FOR UPDATE) until the caller's transaction ends, so the move that follows sees the
 * statuses read here; a SQLite write transaction holds the whole database already.
 */
export async function orderStatesForMove(conn: OrderConn, ids: readonly number[]): Promise<OrderState[]> {
  let query = conn.selectFrom("orders").select(["id", "status", "updated_at"]).where(helpersOf(conn).inIds("id", ids)).orderBy("id");
  if (dialectOf(conn) === "postgres") query = query.forUpdate();
  const rows = await query.execute();
  return rows.map((r) => ({ id: Number(r.id), status: apiStatus(r.status), updatedAt: readTimestamp(r.updated_at) }));
}

/** One status move of many orders, as the gate decided it. */
export interface StatusMove {
  ids: readonly number[];
  /** The statuses the move may start from: an order in another status is left as it is. */
  from: readonly OrderStatus[];
  to: OrderStatus;
  at: Date;
  /** Set as the cancel reason (a move to CANCELLED); undefined leaves the column as it is. */
  cancelReason?: string | null;
}

/**
 * Moves the orders among `ids` that are in one of `from` to `to` (one statement) and returns them
 * as they are now, in no particular order. The status condition repeats the gate's check, so a
 * status column is never written on a stale read.
 */
export async function moveOrderStatuses(conn: OrderConn, move: StatusMove): Promise<Order[]> {
  if (move.ids.length === 0 || move.from.length === 0) return [];
  const rows = await conn
    .updateTable("orders")
    .set({
      status: dbStatus(move.to),
      updated_at: stamp(move.at),
      ...(move.cancelReason !== undefined ? { cancel_reason: move.cancelReason } : {}),
    })
    .where(helpersOf(conn).inIds("id", move.ids))
    // At most five values: a bound list (PostgreSQL reads them as the status enum).
    .where("status", "in", move.from.map(dbStatus))
    .returning(ORDER_COLUMNS)
    .execute();
  return rows.map(toOrder);
}
