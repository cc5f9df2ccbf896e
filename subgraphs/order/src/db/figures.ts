/**
 * `order_figures`: orders and amounts per Japan day, status and batch, kept by triggers on every
 * write, so charts and counts read a few hundred rows instead of every order.
 */
import { sql } from "kysely";
import type { OrderConn } from "./index.js";

/** One Japan day's figures. */
export interface DayFigures {
  day: string;
  orders: number;
  amount: number;
  cancelled: number;
}

/** The figures of each day from `from` to `to` (inclusive) that has orders (one statement). */
export async function figuresByDay(conn: OrderConn, from: string, to: string): Promise<DayFigures[]> {
  const rows = await conn
    .selectFrom("order_figures")
    .select((eb) => [
      "day",
      eb.fn.sum<number>("orders").as("orders"),
      eb.fn.sum<number>("amount").as("amount"),
      sql<number>`SUM(CASE WHEN status = 'cancelled' THEN orders ELSE 0 END)`.as("cancelled"),
    ])
    .where("day", ">=", from)
    .where("day", "<=", to)
    .groupBy("day")
    .execute();
  return rows.map((r) => ({ day: r.day, orders: Number(r.orders), amount: Number(r.amount), cancelled: Number(r.cancelled) }));
}

/** How many orders there are (no scan of the orders). */
export async function orderCount(conn: OrderConn): Promise<number> {
  const row = await conn.selectFrom("order_figures").select(sql<number>`COALESCE(SUM(orders), 0)`.as("n")).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How many orders a batch holds. */
export async function batchOrderCount(conn: OrderConn, batchId: string): Promise<number> {
  const row = await conn.selectFrom("order_figures").select(sql<number>`COALESCE(SUM(orders), 0)`.as("n")).where("batch_id", "=", batchId).executeTakeFirst();
  return Number(row?.n ?? 0);
}
