/**
 * Orders per Japan calendar day, for the dashboard's charts: one aggregate statement over the
 * range of `order_figures`, zero-filled into a continuous series.
 */
import { dayRange, type SqliteReader } from "@ops/service-kit";

export interface OrderDay {
  day: string;
  orders: number;
  amount: number;
  cancelled: number;
}

// From order_figures (orders per Japan day, status and batch, kept by triggers on every write):
// a few hundred rows for a 90-day chart instead of every order of those days. The day is the
// one `orders(filter: { createdFrom, createdTo })` uses, so a day's figures here equal that
// filter's totalCount and totalAmount for the same day.
const ORDER_DAYS = `SELECT day, SUM(orders) AS orders, SUM(amount) AS amount,
  SUM(CASE WHEN status = 'cancelled' THEN orders ELSE 0 END) AS cancelled
  FROM order_figures WHERE day >= ? AND day <= ? GROUP BY day`;

/** One row per Japan day from `from` to `to`, days without orders included (as zeros). */
export function orderDays(reader: SqliteReader, from: string, to: string): OrderDay[] {
  const days = dayRange(from, to);
  const rows = reader.all<OrderDay>(ORDER_DAYS, from, to);
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const row = byDay.get(day);
    return { day, orders: row?.orders ?? 0, amount: row?.amount ?? 0, cancelled: row?.cancelled ?? 0 };
  });
}
