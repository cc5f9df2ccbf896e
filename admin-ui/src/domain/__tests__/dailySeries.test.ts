import { describe, expect, it } from "vitest";
import { orderSeries, revenueSeries, shortDay } from "@/domain/dailySeries";

describe("revenueSeries", () => {
  it("puts days in order with one value per dataset, and totals the range", () => {
    const series = revenueSeries([
      { day: "2026-01-02", revenue: 7_000, completed: 2, refunds: 0, refundCount: 0 },
      { day: "2026-01-01", revenue: 3_000, completed: 1, refunds: 0, refundCount: 0 },
      { day: "2026-01-03", revenue: 0, completed: 0, refunds: 5_000, refundCount: 1 },
    ]);
    expect(series.days).toEqual(["2026-01-01", "2026-01-02", "2026-01-03"]);
    expect(series.revenue).toEqual([3_000, 7_000, 0]);
    expect(series.refunds).toEqual([0, 0, 5_000]);
    expect(series.totals).toEqual({ revenue: 10_000, refunds: 5_000, net: 5_000, completed: 3, refundCount: 1 });
  });

  it("answers zeros for an empty range", () => {
    expect(revenueSeries([])).toEqual({ days: [], revenue: [], refunds: [], totals: { revenue: 0, refunds: 0, net: 0, completed: 0, refundCount: 0 } });
  });
});

describe("orderSeries", () => {
  it("splits each day into kept and cancelled orders that stack up to the day's orders", () => {
    const series = orderSeries([
      { day: "2026-01-02", orders: 3, amount: 6_000, cancelled: 1 },
      { day: "2026-01-03", orders: 0, amount: 0, cancelled: 0 },
    ]);
    expect(series.days).toEqual(["2026-01-02", "2026-01-03"]);
    expect(series.kept).toEqual([2, 0]);
    expect(series.cancelled).toEqual([1, 0]);
    expect(series.totals).toEqual({ orders: 3, cancelled: 1, amount: 6_000 });
  });
});

describe("shortDay", () => {
  it("labels a day month/day without leading zeros", () => {
    expect(shortDay("2026-01-02")).toBe("1/2");
    expect(shortDay("2026-11-25")).toBe("11/25");
  });
});
