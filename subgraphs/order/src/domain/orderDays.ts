/**
 * Orders per Japan calendar day, for the dashboard's charts: one aggregate statement over the
 * range of `order_figures`, zero-filled into a continuous series.
 */
import { dayRange } from "@ops/service-kit";
import { figuresByDay, type DayFigures } from "../db/figures.js";
import type { OrderConn } from "../db/index.js";

export type OrderDay = DayFigures;

/**
 * One row per Japan day from `from` to `to`, days without orders included (as zeros). The day is
 * the one `orders(filter: { createdFrom, createdTo })` uses, so a day's figures here equal that
 * filter's totalCount and totalAmount for the same day.
 */
export async function orderDays(conn: OrderConn, from: string, to: string): Promise<OrderDay[]> {
  const days = dayRange(from, to);
  const byDay = new Map((await figuresByDay(conn, from, to)).map((r) => [r.day, r]));
  return days.map((day) => byDay.get(day) ?? { day, orders: 0, amount: 0, cancelled: 0 });
}
