/**
 * The per-day figures the order and payment services answer, shaped for the dashboard's charts:
 * labels, one number array per dataset, and the range's totals. Plain functions of the API rows.
 */
import type { InsightsOrderDaysQuery, InsightsPaymentDaysQuery } from "@/gql/graphql";

export type OrderDay = InsightsOrderDaysQuery["orderDays"][number];
export type PaymentDay = InsightsPaymentDaysQuery["paymentDays"][number];

export interface RevenueSeries {
  days: string[];
  revenue: number[];
  refunds: number[];
  totals: { revenue: number; refunds: number; net: number; completed: number; refundCount: number };
}

export interface OrderSeries {
  days: string[];
  /** Orders created that day and not cancelled since (the lower part of a stacked bar). */
  kept: number[];
  cancelled: number[];
  totals: { orders: number; cancelled: number; amount: number };
}

const sum = (values: readonly number[]) => values.reduce((s, v) => s + v, 0);

/** Revenue and refunds per day, oldest first, with the range's totals (net = revenue − refunds). */
export function revenueSeries(rows: readonly PaymentDay[]): RevenueSeries {
  const sorted = [...rows].sort((a, b) => a.day.localeCompare(b.day));
  const revenue = sorted.map((r) => r.revenue);
  const refunds = sorted.map((r) => r.refunds);
  return {
    days: sorted.map((r) => r.day),
    revenue,
    refunds,
    totals: {
      revenue: sum(revenue),
      refunds: sum(refunds),
      net: sum(revenue) - sum(refunds),
      completed: sum(sorted.map((r) => r.completed)),
      refundCount: sum(sorted.map((r) => r.refundCount)),
    },
  };
}

/** Orders per day split into kept and cancelled (stacked, they make the day's orders), with totals. */
export function orderSeries(rows: readonly OrderDay[]): OrderSeries {
  const sorted = [...rows].sort((a, b) => a.day.localeCompare(b.day));
  return {
    days: sorted.map((r) => r.day),
    kept: sorted.map((r) => r.orders - r.cancelled),
    cancelled: sorted.map((r) => r.cancelled),
    totals: { orders: sum(sorted.map((r) => r.orders)), cancelled: sum(sorted.map((r) => r.cancelled)), amount: sum(sorted.map((r) => r.amount)) },
  };
}

/** A Japan calendar day as a short axis label: 11/25 (the year is in the card's range). */
export function shortDay(day: string): string {
  const [, month, date] = day.split("-");
  return month && date ? `${Number(month)}/${Number(date)}` : day;
}
