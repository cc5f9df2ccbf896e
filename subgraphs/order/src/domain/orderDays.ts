/**
 * Orders per Japan calendar day, for the dashboard's charts: one aggregate statement over the
 * range (the `created_at` index bounds it), zero-filled into a continuous series.
 */
import { dayRange, endOfJapanDay, sqlDate, startOfJapanDay, type SqliteReader } from "@ops/service-kit";

export interface OrderDay {
  day: string;
  orders: number;
  amount: number;
  cancelled: number;
}

// Japan has no daylight saving time: a fixed +9 hours turns a UTC instant into its Japan day.
// The bounds are the ones `orders(filter: { createdFrom, createdTo })` uses, so a day's figures
// here equal that filter's totalCount and totalAmount for the same day.
const ORDER_DAYS = `SELECT date(created_at, '+9 hours') AS day, COUNT(*) AS orders, SUM(total_amount) AS amount,
  SUM(status = 'cancelled') AS cancelled
  FROM orders WHERE created_at >= ? AND created_at < ? GROUP BY day`;

/** One row per Japan day from `from` to `to`, days without orders included (as zeros). */
export function orderDays(reader: SqliteReader, from: string, to: string): OrderDay[] {
  const days = dayRange(from, to);
  const rows = reader.all<OrderDay>(ORDER_DAYS, sqlDate(startOfJapanDay(from)), sqlDate(endOfJapanDay(to)));
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return days.map((day) => {
    const row = byDay.get(day);
    return { day, orders: row?.orders ?? 0, amount: row?.amount ?? 0, cancelled: row?.cancelled ?? 0 };
  });
}
