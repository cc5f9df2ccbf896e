/**
 * Revenue and refunds per Japan calendar day, for the dashboard's charts: one statement over the
 * range of `payment_day_figures`, zero-filled into a continuous series.
 *
 * A payment's completion day is the `created_at` of its COMPLETED row in `payment_attempts`:
 * `completePayment` and imported COMPLETED payments both write that row at the moment of
 * completion, and a payment has at most one (COMPLETED only moves on to REFUNDED).
 * `payments.updated_at` would move again on a refund. A refund's day is `refunds.created_at`.
 * The figures are kept by triggers on payment_attempts and refunds: a few rows per day instead of
 * every payment of the period (a 90-day chart after a million payments).
 */
import { dayRange } from "@ops/service-kit";
import type { Queries } from "../db/database.js";
import { dayFigures } from "../db/dayFigures.js";

export interface PaymentDay {
  day: string;
  revenue: number;
  completed: number;
  refunds: number;
  refundCount: number;
}

/** One row per Japan day from `from` to `to`, days without payments or refunds included (as zeros). */
export async function paymentDays(q: Queries, from: string, to: string): Promise<PaymentDay[]> {
  const days = dayRange(from, to);
  const rows = await dayFigures(q, from, to);
  const completed = new Map(rows.filter((r) => r.kind === "completed").map((r) => [r.day, r]));
  const refunded = new Map(rows.filter((r) => r.kind === "refunded").map((r) => [r.day, r]));
  return days.map((day) => {
    const c = completed.get(day);
    const r = refunded.get(day);
    return { day, revenue: c?.amount ?? 0, completed: c?.count ?? 0, refunds: r?.amount ?? 0, refundCount: r?.count ?? 0 };
  });
}
