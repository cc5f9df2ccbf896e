import { describe, expect, it } from "vitest";
import { MAX_ITEMS as API_MAX_ITEMS } from "../../domain/validateOrder.js";
import { MAX_ITEMS, tooManyItemsErrors, validateGroup, type GroupRow } from "../validateGroup.js";

const rows = (count: number, firstRow = 2): GroupRow[] =>
  Array.from({ length: count }, (_, i) => ({
    rowNumber: firstRow + i,
    data: { valid: true, customerEmail: "a@example.jp", customerName: "多品目 注文", productName: `茶 ${i}`, quantity: 1, unitPrice: 100, currency: "JPY", paymentMethod: null, paymentStatus: "completed" },
  }));

describe("validateGroup: items per order", () => {
  it("uses the API's limit", () => {
    expect(MAX_ITEMS).toBe(API_MAX_ITEMS);
    expect(MAX_ITEMS).toBe(100);
  });

  it("accepts an order of MAX_ITEMS rows and rejects one more, reporting every row", () => {
    const ok = validateGroup("K-1", "K-1", rows(MAX_ITEMS), { createPayments: true });
    expect(ok.ok && ok.order.items).toHaveLength(MAX_ITEMS);
    const over = validateGroup("K-1", "K-1", rows(MAX_ITEMS + 1, 5), { createPayments: true });
    if (over.ok) throw new Error("expected a rejection");
    expect(over.errors.map((e) => e.rowNumber)).toEqual(Array.from({ length: MAX_ITEMS + 1 }, (_, i) => 5 + i));
    expect(over.errors[0]).toEqual({
      rowNumber: 5,
      column: null,
      value: null,
      reason: "order_ref K-1 has 101 items; an order holds at most 100 (split it into several orders)",
      code: "ORDER_TOO_MANY_ITEMS",
      params: { order: "K-1", firstRow: 5, items: 101, max: 100 },
    });
  });

  it("reports an order of any size a batch of rows at a time, with its whole count", () => {
    const batch = tooManyItemsErrors(null, 7, [9000, 9001], 10_000);
    expect(batch.map((e) => [e.rowNumber, e.params])).toEqual([
      [9000, { order: null, firstRow: 7, items: 10_000, max: 100 }],
      [9001, { order: null, firstRow: 7, items: 10_000, max: 100 }],
    ]);
    expect(batch[0]!.reason).toBe("row 7 has 10,000 items; an order holds at most 100 (split it into several orders)");
  });
});
