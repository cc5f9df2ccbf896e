import { describe, expect, it } from "vitest";
import {
  checkCurrency,
  checkCustomerEmail,
  checkName,
  itemCountError,
  MAX_ITEMS,
  MAX_NAME_LENGTH,
  MAX_ORDER_TOTAL,
  MAX_QUANTITY,
  MAX_UNIT_PRICE,
  orderTotalError,
  quantityError,
  unitPriceError,
  validateOrderInput,
} from "../index.js";

const problem = (e: { problem: string } | null) => e?.problem ?? null;

describe("quantity and unit price", () => {
  it.each([
    [0, "notPositiveWhole"],
    [-1, "notPositiveWhole"],
    [1, null],
    [1.5, "notPositiveWhole"],
    [Number.NaN, "notPositiveWhole"],
    [Number.POSITIVE_INFINITY, "notPositiveWhole"],
    [MAX_QUANTITY, null],
    [MAX_QUANTITY + 1, "tooLarge"],
    [2 ** 53, "tooLarge"],
  ])("quantity %d → %s", (n, expected) => {
    expect(problem(quantityError(n, "items.0.quantity"))).toBe(expected);
  });

  it.each([
    [0, "notPositiveWhole"],
    [1, null],
    [99.5, "notPositiveWhole"],
    [MAX_UNIT_PRICE, null],
    [MAX_UNIT_PRICE + 1, "tooLarge"],
    [2 ** 53, "tooLarge"],
  ])("unit price %d → %s", (n, expected) => {
    expect(problem(unitPriceError(n, "items.0.unitPrice"))).toBe(expected);
  });

  it("says the limit and the value in params, on the field given", () => {
    expect(quantityError(MAX_QUANTITY + 1, "items.3.quantity")).toEqual({
      code: "BAD_USER_INPUT",
      problem: "tooLarge",
      field: "items.3.quantity",
      reason: "Quantity is at most 10,000 per item, got 10,001",
      params: { max: MAX_QUANTITY, value: MAX_QUANTITY + 1 },
    });
    expect(unitPriceError(0, "p")?.params).toEqual({ min: 1, value: 0 });
  });
});

describe("item count and total", () => {
  it.each([
    [0, "tooFewItems"],
    [1, null],
    [MAX_ITEMS, null],
    [MAX_ITEMS + 1, "tooManyItems"],
  ])("%d items → %s", (n, expected) => {
    expect(problem(itemCountError(n))).toBe(expected);
  });

  it.each([
    [MAX_ORDER_TOTAL, null],
    [MAX_ORDER_TOTAL + 1, "totalTooLarge"],
    [2 ** 53, "totalTooLarge"],
  ])("total %d → %s", (n, expected) => {
    expect(problem(orderTotalError(n))).toBe(expected);
  });
});

describe("names, e-mails and currency", () => {
  it("trims names, refuses empty, over-long and control-character names, counts characters not bytes", () => {
    expect(checkName(" 山田　花子\u3000", "customer", "customerName")).toEqual({ ok: true, value: "山田　花子" });
    expect(checkName("あ".repeat(MAX_NAME_LENGTH), "customer", "customerName").ok).toBe(true);
    const refused = (raw: string) => {
      const c = checkName(raw, "product", "items.0.productName");
      return c.ok ? null : c.error;
    };
    expect(refused("\u3000")).toMatchObject({ problem: "required", field: "items.0.productName" });
    expect(refused("あ".repeat(MAX_NAME_LENGTH + 1))).toMatchObject({ problem: "tooLong", params: { max: 200 } });
    expect(refused("緑茶\u202Egpj.exe")).toMatchObject({ problem: "invalidText", params: { reason: "bidiControl", position: 2, character: "U+202E" } });
  });

  it("lower-cases and trims e-mails and refuses what the e-mail rule refuses", () => {
    expect(checkCustomerEmail("  Taro@Example.JP ")).toEqual({ ok: true, value: "taro@example.jp" });
    expect(checkCustomerEmail("")).toMatchObject({ ok: false, error: { problem: "required", field: "customerEmail" } });
    expect(checkCustomerEmail("taro@example")).toMatchObject({ ok: false, error: { problem: "invalidEmail", params: { value: "taro@example", problem: "invalidDomain" } } });
    expect(checkCustomerEmail("ｔａｒｏ@example.jp")).toMatchObject({ ok: false, error: { problem: "invalidEmail" } });
    expect(checkCustomerEmail("taro\u0000@example.jp")).toMatchObject({ ok: false, error: { problem: "invalidText" } });
  });

  it.each([null, undefined, "", "JPY", " jpy", "ＪＰＹ", "円", "¥", "￥", "\\"])("takes %j as JPY", (raw) => {
    expect(checkCurrency(raw)).toEqual({ ok: true, value: "JPY" });
  });

  it.each(["USD", "EUR", "\\\\", "JPYY"])("refuses %j as a currency", (raw) => {
    expect(checkCurrency(raw)).toMatchObject({ ok: false, error: { problem: "unsupportedCurrency", field: "currency", params: { allowed: ["JPY"] } } });
  });
});

describe("validateOrderInput", () => {
  const base = { customerEmail: "a@example.jp", customerName: "青木", items: [{ productName: "茶", quantity: 2, unitPrice: 1200 }] };

  it("normalises the order and computes its total", () => {
    expect(validateOrderInput({ ...base, customerEmail: " A@Example.jp", items: [...base.items, { productName: " 碗 ", quantity: 1, unitPrice: 3300 }] })).toEqual({
      ok: true,
      value: { customerEmail: "a@example.jp", customerName: "青木", currency: "JPY", totalAmount: 5700, items: [{ productName: "茶", quantity: 2, unitPrice: 1200 }, { productName: "碗", quantity: 1, unitPrice: 3300 }] },
    });
  });

  it("names the first bad field relative to the input", () => {
    const first = (input: typeof base) => {
      const c = validateOrderInput(input);
      return c.ok ? null : [c.error.field, c.error.problem];
    };
    expect(first({ ...base, items: [base.items[0]!, { productName: "x", quantity: 1, unitPrice: 0 }] })).toEqual(["items.1.unitPrice", "notPositiveWhole"]);
    expect(first({ ...base, items: [] })).toEqual(["items", "tooFewItems"]);
    expect(first({ ...base, items: [{ productName: "x", quantity: MAX_QUANTITY, unitPrice: MAX_UNIT_PRICE }] })).toEqual(["items", "totalTooLarge"]);
  });
});
