import { describe, expect, it } from "vitest";
import type { AppError } from "@ops/service-kit";
import { idempotencyRequest, requestHash } from "../domain/idempotency.js";
import {
  allowedPaymentMoves,
  assertNotStale,
  assertOrderPayable,
  assertPayableAmount,
  assertPaymentMove,
  normalisePaymentMethod,
  normaliseReason,
  refundAmount,
  type PaymentStatus,
} from "../domain/paymentRules.js";

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    return err as AppError;
  }
  throw new Error("expected an error");
}

describe("amount limits", () => {
  it("accepts whole yen from 100 to 1,000,000 inclusive", () => {
    for (const amount of [100, 101, 54_321, 999_999, 1_000_000]) expect(() => assertPayableAmount(amount, "JPY")).not.toThrow();
  });

  it.each([
    [99, /amount 99 is below the minimum of 100 JPY/],
    [50, /below the minimum of 100 JPY/],
    [1_000_001, /amount 1,000,001 is above the maximum of 1,000,000 JPY/],
    [100.5, /not a whole number of yen/],
  ])("refuses %d with BAD_USER_INPUT stating the limit", (amount, message) => {
    const err = thrown(() => assertPayableAmount(amount, "JPY"));
    expect(err.message).toMatch(message);
    expect(err.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.orderId", params: { min: 100, max: 1_000_000, amount } });
  });

  it("refuses another currency than JPY", () => {
    expect(thrown(() => assertPayableAmount(500, "USD")).extensions).toMatchObject({ code: "BAD_USER_INPUT", params: { allowed: ["JPY"] } });
  });

  it("refuses a cancelled order with CONFLICT and checks the total of a live one", () => {
    const cancelled = thrown(() => assertOrderPayable({ id: 7, totalAmount: 500, currency: "JPY", status: "CANCELLED" }));
    expect(cancelled.extensions).toMatchObject({ code: "CONFLICT", params: { orderId: 7, status: "CANCELLED" } });
    expect(thrown(() => assertOrderPayable({ id: 7, totalAmount: 50, currency: "JPY", status: "PENDING" })).extensions.code).toBe("BAD_USER_INPUT");
    expect(() => assertOrderPayable({ id: 7, totalAmount: 500, currency: "JPY", status: "CONFIRMED" })).not.toThrow();
  });
});

describe("payment methods", () => {
  it("defaults to credit_card and accepts lowercase identifiers", () => {
    expect(normalisePaymentMethod(undefined)).toBe("credit_card");
    expect(normalisePaymentMethod(null)).toBe("credit_card");
    for (const m of ["credit_card", "bank_transfer", "konbini", "paypay", "cash_on_delivery"]) expect(normalisePaymentMethod(m)).toBe(m);
    expect(normalisePaymentMethod("  konbini ")).toBe("konbini");
    // One rule with the CSV import: ASCII capitals folded, 1 to 50 characters.
    expect(normalisePaymentMethod("Credit_Card")).toBe("credit_card");
    expect(normalisePaymentMethod("c")).toBe("c");
    expect(normalisePaymentMethod("a".repeat(50))).toBe("a".repeat(50));
  });

  it.each(["", "   ", "credit card", "1pay", "paypay!", "コンビニ", "ＰＡＹＰＡＹ", "\u212Aonbini", "a".repeat(51)])("refuses %j", (method) => {
    expect(thrown(() => normalisePaymentMethod(method)).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.paymentMethod" });
  });
});

describe("status machine", () => {
  const all: PaymentStatus[] = ["PENDING", "COMPLETED", "FAILED", "REFUNDED"];
  const legal = new Set(["PENDING>COMPLETED", "PENDING>FAILED", "FAILED>PENDING", "COMPLETED>REFUNDED"]);

  it("allows exactly the designed moves", () => {
    for (const from of all) {
      for (const to of all) {
        const ok = legal.has(`${from}>${to}`);
        if (ok) expect(() => assertPaymentMove(1, from, to)).not.toThrow();
        else expect(thrown(() => assertPaymentMove(1, from, to)).extensions.code).toBe("CONFLICT");
      }
    }
    expect(allowedPaymentMoves("REFUNDED")).toEqual([]);
  });

  it("names the current status and the one required", () => {
    const err = thrown(() => assertPaymentMove(3, "PENDING", "REFUNDED"));
    expect(err.message).toBe("Payment 3 is PENDING; only a COMPLETED payment can be refunded");
    expect(err.extensions.params).toMatchObject({ status: "PENDING", required: ["COMPLETED"] });
    expect(thrown(() => assertPaymentMove(3, "COMPLETED", "COMPLETED")).message).toMatch(/is COMPLETED; only a PENDING payment can be completed/);
    expect(thrown(() => assertPaymentMove(3, "PENDING", "PENDING")).message).toMatch(/only a FAILED payment can be retried/);
  });
});

describe("refund policy and reasons", () => {
  it("always refunds the full amount", () => {
    expect(refundAmount({ amount: 12_345 })).toBe(12_345);
  });

  it("requires a trimmed, bounded reason", () => {
    expect(normaliseReason("  在庫切れ ", "input.reason")).toBe("在庫切れ");
    expect(thrown(() => normaliseReason("  ", "input.reason")).extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reason" });
    expect(thrown(() => normaliseReason("x".repeat(501), "input.reason")).extensions.params).toEqual({ max: 500 });
  });

  it("refuses a stale expectedUpdatedAt with CONFLICT", () => {
    const now = new Date("2026-11-25T00:00:00.000Z");
    expect(() => assertNotStale(1, now, null, "expectedUpdatedAt")).not.toThrow();
    expect(() => assertNotStale(1, now, new Date(now), "expectedUpdatedAt")).not.toThrow();
    const err = thrown(() => assertNotStale(1, now, new Date(now.getTime() - 1000), "expectedUpdatedAt"));
    expect(err.extensions).toMatchObject({ code: "CONFLICT", params: { currentUpdatedAt: now.toISOString() } });
  });
});

describe("idempotency hashing", () => {
  it("depends on the operation and the input, not on key order", () => {
    const a = requestHash("createPayment", { orderId: 1, paymentMethod: "konbini" });
    expect(requestHash("createPayment", { paymentMethod: "konbini", orderId: 1 })).toBe(a);
    expect(requestHash("createPayment", { orderId: 2, paymentMethod: "konbini" })).not.toBe(a);
    expect(requestHash("refundPayment", { orderId: 1, paymentMethod: "konbini" })).not.toBe(a);
  });

  it("needs no key and refuses an empty one", () => {
    expect(idempotencyRequest(undefined, "createPayment", {})).toBeNull();
    expect(idempotencyRequest("k-1", "createPayment", { orderId: 1 })?.hash).toBe(requestHash("createPayment", { orderId: 1 }));
    expect(thrown(() => idempotencyRequest(" ", "createPayment", {})).extensions.code).toBe("BAD_USER_INPUT");
  });
});
