/**
 * Revenue and refunds per Japan calendar day, for the dashboard's charts: two aggregate
 * statements over the range, zero-filled into a continuous series.
 *
 * A payment's completion day is the `created_at` of its COMPLETED row in `payment_attempts`:
 * `completePayment` and imported COMPLETED payments both write that row at the moment of
 * completion, and a payment has at most one (COMPLETED only moves on to REFUNDED).
 * `payments.updated_at` would move again on a refund. A refund's day is `refunds.created_at`.
 */
import { dayRange, endOfJapanDay, sqlDate, startOfJapanDay, type SqliteReader } from "@ops/service-kit";

export interface PaymentDay {
  day: string;
  revenue: number;
  completed: number;
  refunds: number;
  refundCount: number;
}

// Japan has no daylight saving time: a fixed +9 hours turns a UTC instant into its Japan day.
const COMPLETED_DAYS = `SELECT date(a.created_at, '+9 hours') AS day, COUNT(*) AS n, SUM(p.amount) AS total
  FROM payment_attempts a JOIN payments p ON p.id = a.payment_id
  WHERE a.status = 'completed' AND a.created_at >= ? AND a.created_at < ? GROUP BY day`;
const REFUND_DAYS = `SELECT date(created_at, '+9 hours') AS day, COUNT(*) AS n, SUM(amount) AS total
  FROM refunds WHERE status = 'completed' AND created_at >= ? AND created_at < ? GROUP BY day`;

interface DayTotal {
  day: string;
  n: number;
  total: number;
}

/** One row per Japan day from `from` to `to`, days without payments or refunds included (as zeros). */
export function paymentDays(reader: SqliteReader, from: string, to: string): PaymentDay[] {
  const days = dayRange(from, to);
  const bounds = [sqlDate(startOfJapanDay(from)), sqlDate(endOfJapanDay(to))] as const;
  const completed = new Map(reader.all<DayTotal>(COMPLETED_DAYS, ...bounds).map((r) => [r.day, r]));
  const refunded = new Map(reader.all<DayTotal>(REFUND_DAYS, ...bounds).map((r) => [r.day, r]));
  return days.map((day) => {
    const c = completed.get(day);
    const r = refunded.get(day);
    return { day, revenue: c?.total ?? 0, completed: c?.n ?? 0, refunds: r?.total ?? 0, refundCount: r?.n ?? 0 };
  });
}
