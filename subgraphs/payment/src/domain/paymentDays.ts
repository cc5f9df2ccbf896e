/**
 * Revenue and refunds per Japan calendar day, for the dashboard's charts: one statement over the
 * range of `payment_day_figures`, zero-filled into a continuous series.
 *
 * A payment's completion day is the `created_at` of its COMPLETED row in `payment_attempts`:
 * `completePayment` and imported COMPLETED payments both write that row at the moment of
 * completion, and a payment has at most one (COMPLETED only moves on to REFUNDED).
 * `payments.updated_at` would move again on a refund. A refund's day is `refunds.created_at`.
 */
import { dayRange, type SqliteReader } from "@ops/service-kit";

export interface PaymentDay {
  day: string;
  revenue: number;
  completed: number;
  refunds: number;
  refundCount: number;
}

// From payment_day_figures, kept by triggers on payment_attempts and refunds: a few rows per day
// instead of every payment of the period (a 90-day chart after a million payments).
const DAYS = `SELECT day, kind, count AS n, amount AS total FROM payment_day_figures WHERE day >= ? AND day <= ?`;

interface DayTotal {
  day: string;
  kind: "completed" | "refunded";
  n: number;
  total: number;
}

/** One row per Japan day from `from` to `to`, days without payments or refunds included (as zeros). */
export function paymentDays(reader: SqliteReader, from: string, to: string): PaymentDay[] {
  const days = dayRange(from, to);
  const rows = reader.all<DayTotal>(DAYS, from, to);
  const completed = new Map(rows.filter((r) => r.kind === "completed").map((r) => [r.day, r]));
  const refunded = new Map(rows.filter((r) => r.kind === "refunded").map((r) => [r.day, r]));
  return days.map((day) => {
    const c = completed.get(day);
    const r = refunded.get(day);
    return { day, revenue: c?.total ?? 0, completed: c?.n ?? 0, refunds: r?.total ?? 0, refundCount: r?.n ?? 0 };
  });
}
