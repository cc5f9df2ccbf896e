import { describe, expect, it } from "vitest";
import {
  allowedPaymentMoves,
  checkPaymentMethod,
  checkReason,
  isPayableAmount,
  MAX_PAYMENT_AMOUNT,
  MAX_REASON_LENGTH,
  MIN_PAYMENT_AMOUNT,
  orderPayableError,
  payableAmountError,
  paymentMoveError,
  refundAmount,
  type PaymentStatus,
} from "../index.js";

describe("payment amounts", () => {
  it.each([
    [0, "amountTooSmall"],
    [1, "amountTooSmall"],
    [99, "amountTooSmall"],
    [MIN_PAYMENT_AMOUNT, null],
    [100.5, "amountNotWhole"],
    [MAX_PAYMENT_AMOUNT, null],
    [MAX_PAYMENT_AMOUNT + 1, "amountTooLarge"],
    [2 ** 53, "amountTooLarge"],
  ])("%d yen → %s", (amount, expected) => {
    expect(payableAmountError(amount, "JPY", "orderId")?.problem ?? null).toBe(expected);
    expect(isPayableAmount(amount)).toBe(expected === null);
  });

  it("states the limits and refuses another currency", () => {
    expect(payableAmountError(99, "JPY", "input.orderId")).toMatchObject({ field: "input.orderId", reason: "amount 99 is below the minimum of 100 JPY", params: { min: 100, max: 1_000_000, amount: 99 } });
    expect(payableAmountError(500, "USD", "orderId")).toMatchObject({ problem: "unsupportedCurrency", params: { allowed: ["JPY"], currency: "USD" } });
  });

  it("refuses to pay a cancelled order with CONFLICT", () => {
    expect(orderPayableError({ id: 7, totalAmount: 500, currency: "JPY", status: "CANCELLED" })).toMatchObject({ code: "CONFLICT", problem: "orderCancelled", params: { orderId: 7 } });
    expect(orderPayableError({ id: 7, totalAmount: 500, currency: "JPY", status: "PENDING" })).toBeNull();
  });
});

describe("payment methods: one rule for the API and the CSV", () => {
  it.each([
    ["credit_card", "credit_card"],
    [" Credit_Card ", "credit_card"],
    ["c", "c"],
    ["a".repeat(50), "a".repeat(50)],
    ["pay2go", "pay2go"],
  ])("takes %j as %j", (raw, value) => {
    expect(checkPaymentMethod(raw)).toEqual({ ok: true, value });
  });

  it.each(["", " ", "a".repeat(51), "credit card", "1pay", "pay-easy", "ＰＡＹＰＡＹ", "\u212Aonbini", "コンビニ"])("refuses %j", (raw) => {
    expect(checkPaymentMethod(raw, "input.paymentMethod")).toMatchObject({ ok: false, error: { code: "BAD_USER_INPUT", problem: "invalidPaymentMethod", field: "input.paymentMethod", params: { max: 50 } } });
  });
});

describe("reasons", () => {
  it("trims, keeps line breaks, refuses empty, over-long and control characters", () => {
    expect(checkReason(" 在庫切れ\r\n再入荷待ち ", "input.reason")).toEqual({ ok: true, value: "在庫切れ\n再入荷待ち" });
    expect(checkReason("x".repeat(MAX_REASON_LENGTH), "r").ok).toBe(true);
    expect(checkReason("x".repeat(MAX_REASON_LENGTH + 1), "r")).toMatchObject({ ok: false, error: { problem: "tooLong", params: { max: 500 } } });
    expect(checkReason(" \n ", "r")).toMatchObject({ ok: false, error: { problem: "required" } });
    expect(checkReason("a\u001bb", "r")).toMatchObject({ ok: false, error: { problem: "invalidText" } });
  });
});

describe("payment status machine and refund policy", () => {
  const all: PaymentStatus[] = ["PENDING", "COMPLETED", "FAILED", "REFUNDED"];
  const legal = new Set(["PENDING>COMPLETED", "PENDING>FAILED", "FAILED>PENDING", "COMPLETED>REFUNDED"]);

  it("allows exactly the design's moves and refuses the others with CONFLICT", () => {
    for (const from of all) {
      for (const to of all) {
        const error = paymentMoveError(3, from, to);
        expect(error === null).toBe(legal.has(`${from}>${to}`));
        if (error) expect(error).toMatchObject({ code: "CONFLICT", problem: "illegalMove", params: { id: 3, status: from, to, allowed: allowedPaymentMoves(from) } });
      }
    }
    expect(paymentMoveError(3, "PENDING", "REFUNDED")?.reason).toBe("Payment 3 is PENDING; only a COMPLETED payment can be refunded");
  });

  it("refunds the full amount", () => {
    expect(refundAmount({ amount: 12_800 })).toBe(12_800);
  });
});
