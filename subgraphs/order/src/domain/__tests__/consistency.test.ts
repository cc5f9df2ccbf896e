import { describe, expect, it } from "vitest";
import { findInconsistencies, type NotificationView, type OrderView, type PaymentView } from "../consistency.js";

const t = (m: number) => new Date(Date.UTC(2026, 10, 25, 0, m));
const order = (id: number, status: OrderView["status"], m = 0): OrderView => ({ id, status, updatedAt: t(m) });
const payment = (orderId: number, status: PaymentView["status"], m = 0): PaymentView => ({ orderId, status, updatedAt: t(m) });
const note = (orderId: number, templateName: string, status = "SENT"): NotificationView => ({ orderId, templateName, matched: status === "SENT" || status === "NOT_SENT", createdAt: t(0) });

describe("consistency", () => {
  it("is empty when the services agree", () => {
    const orders = [order(1, "PENDING"), order(2, "CONFIRMED"), order(3, "DELIVERED"), order(4, "CANCELLED")];
    const payments = [payment(2, "COMPLETED"), payment(3, "COMPLETED"), payment(4, "REFUNDED"), payment(1, "FAILED")];
    const notes = [note(2, "ORDER_CONFIRMATION"), note(3, "ORDER_CONFIRMATION"), note(3, "ORDER_SHIPPED"), note(4, "ORDER_CANCELLED", "NOT_SENT")];
    expect(findInconsistencies(orders, payments, notes)).toEqual([]);
  });

  it("finds each kind of disagreement, oldest first, with when it began", () => {
    const orders = [order(1, "PENDING", 1), order(2, "CANCELLED", 5), order(3, "SHIPPED", 2)];
    const payments = [payment(1, "COMPLETED", 3), payment(2, "COMPLETED", 4), payment(9, "PENDING", 0)];
    const notes = [note(3, "ORDER_SHIPPED", "FAILED"), note(8, "ORDER_CONFIRMATION"), note(2, "ORDER_CANCELLED")];
    const issues = findInconsistencies(orders, payments, notes);
    expect(issues.map((i) => [i.kind, i.orderId])).toEqual([
      ["PAYMENT_WITHOUT_ORDER", 9],
      ["NOTIFICATION_WITHOUT_ORDER", 8],
      ["MISSING_NOTIFICATION", 3],
      ["PAID_BUT_PENDING", 1],
      ["CANCELLED_NOT_REFUNDED", 2],
    ]);
    expect(issues.find((i) => i.kind === "CANCELLED_NOT_REFUNDED")?.since).toEqual(t(5));
  });

  it("skips the checks a missing view would need instead of guessing", () => {
    const orders = [order(1, "CONFIRMED")];
    expect(findInconsistencies(orders, [payment(1, "COMPLETED")], null)).toEqual([]);
    expect(findInconsistencies(orders, null, [])).toEqual([expect.objectContaining({ kind: "MISSING_NOTIFICATION" })]);
  });
});
