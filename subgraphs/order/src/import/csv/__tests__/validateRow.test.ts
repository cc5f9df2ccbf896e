import { describe, expect, it } from "vitest";
import { mapHeader, validateRow, type ParsedRow, type RowError } from "../index.js";

const HEADER = ["order_ref", "customer_email", "customer_name", "product_name", "quantity", "unit_price", "currency", "payment_method", "payment_status"];
const { columns } = mapHeader(HEADER);
const GOOD = ["A-1", "taro@example.jp", "佐藤 太郎", "緑茶", "2", "1200", "JPY", "credit_card", "completed"];

function row(changes: Partial<Record<string, string>>): string[] {
  return HEADER.map((name, i) => changes[name] ?? GOOD[i]!);
}

function errorsOf(changes: Partial<Record<string, string>>, rowNumber = 7): RowError[] {
  const result = validateRow(row(changes), columns, rowNumber);
  if (result.ok) throw new Error("expected the row to fail");
  expect(result.rowNumber).toBe(rowNumber);
  return result.errors;
}

function parsed(fields: string[], cols = columns): ParsedRow {
  const result = validateRow(fields, cols, 2);
  if (!result.ok) throw new Error(`expected the row to pass: ${JSON.stringify(result.errors)}`);
  return result.row;
}

describe("validateRow", () => {
  it("normalises a valid row", () => {
    expect(parsed(row({ order_ref: " A-1 ", customer_email: "  Taro@Example.JP ", customer_name: "\u3000佐藤 太郎 ", product_name: " 緑茶 ", quantity: "１２", unit_price: "¥1,200", currency: " jpy", payment_method: " Credit_Card ", payment_status: "PENDING" }))).toEqual({
      rowNumber: 2,
      orderRef: "A-1",
      customerEmail: "taro@example.jp",
      customerName: "佐藤 太郎",
      productName: "緑茶",
      quantity: 12,
      unitPrice: 1200,
      currency: "JPY",
      paymentMethod: "credit_card",
      paymentStatus: "pending",
    });
  });

  it("applies the defaults: no order_ref, currency JPY, no payment method, status completed", () => {
    expect(parsed(row({ order_ref: "", currency: "", payment_method: " ", payment_status: "" }))).toMatchObject({ orderRef: null, currency: "JPY", paymentMethod: null, paymentStatus: "completed" });
  });

  it("works without the optional columns", () => {
    const only = mapHeader(["customer_email", "customer_name", "product_name", "quantity", "unit_price"]).columns;
    expect(parsed(["a@b.jp", "Ann", "Tea", "1", "100"], only)).toMatchObject({ orderRef: null, currency: "JPY", paymentMethod: null, paymentStatus: "completed" });
  });

  it("keeps names as written: any Unicode, vendor kanji not normalised", () => {
    const name = "髙橋 \uFA10子 ①"; // 塚 as the compatibility ideograph CP932 decodes to
    expect(parsed(row({ customer_name: name })).customerName).toBe(name);
  });

  it.each<[string, Partial<Record<string, string>>, string | null, string | null, string, string, object]>([
    ["empty e-mail", { customer_email: " " }, "customer_email", " ", "customer_email is required", "REQUIRED", { column: "customer_email" }],
    ["bad e-mail", { customer_email: "taro@example" }, "customer_email", "taro@example", "customer_email is not a valid e-mail address", "INVALID_EMAIL", {}],
    ["e-mail with a space", { customer_email: "ta ro@example.jp" }, "customer_email", "ta ro@example.jp", "customer_email is not a valid e-mail address", "INVALID_EMAIL", {}],
    ["empty name", { customer_name: "\u3000" }, "customer_name", "\u3000", "customer_name is required", "REQUIRED", { column: "customer_name" }],
    ["long name", { customer_name: "あ".repeat(201) }, "customer_name", "あ".repeat(201), "customer_name is longer than 200 characters", "TOO_LONG", { column: "customer_name", max: 200 }],
    ["empty product", { product_name: "" }, "product_name", "", "product_name is required", "REQUIRED", { column: "product_name" }],
    ["long product", { product_name: "x".repeat(201) }, "product_name", "x".repeat(201), "product_name is longer than 200 characters", "TOO_LONG", { column: "product_name", max: 200 }],
    ["long order_ref", { order_ref: "r".repeat(201) }, "order_ref", "r".repeat(201), "order_ref is longer than 200 characters", "TOO_LONG", { column: "order_ref", max: 200 }],
    ["empty quantity", { quantity: "" }, "quantity", "", "quantity is required", "REQUIRED", { column: "quantity" }],
    ["zero quantity", { quantity: "0" }, "quantity", "0", "quantity must be a whole number greater than 0", "QUANTITY_NOT_POSITIVE_INTEGER", {}],
    ["negative quantity", { quantity: "-1" }, "quantity", "-1", "quantity must be a whole number greater than 0", "QUANTITY_NOT_POSITIVE_INTEGER", {}],
    ["fractional quantity", { quantity: "1.5" }, "quantity", "1.5", "quantity must be a whole number greater than 0", "QUANTITY_NOT_POSITIVE_INTEGER", {}],
    ["quantity in words", { quantity: "two" }, "quantity", "two", "quantity must be a whole number greater than 0", "QUANTITY_NOT_POSITIVE_INTEGER", {}],
    ["empty price", { unit_price: "" }, "unit_price", "", "unit_price is required", "REQUIRED", { column: "unit_price" }],
    ["zero price", { unit_price: "¥0" }, "unit_price", "¥0", "unit_price must be a whole number of yen greater than 0", "UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: false }],
    ["negative price", { unit_price: "-100" }, "unit_price", "-100", "unit_price must be a whole number of yen greater than 0", "UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: false }],
    ["price with sen", { unit_price: "12.5" }, "unit_price", "12.5", "unit_price must be a whole number of yen greater than 0 (JPY has no fractions)", "UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: true }],
    ["price in words", { unit_price: "free" }, "unit_price", "free", "unit_price must be a whole number of yen greater than 0", "UNIT_PRICE_NOT_POSITIVE_YEN", { fraction: false }],
    ["huge line total", { quantity: "10000000", unit_price: "10000000000" }, null, null, "quantity × unit_price is too large", "LINE_TOTAL_TOO_LARGE", {}],
    ["other currency", { currency: "USD" }, "currency", "USD", "currency must be JPY (the services only take JPY)", "CURRENCY_NOT_JPY", {}],
    ["method with a space", { payment_method: "credit card" }, "payment_method", "credit card", "payment_method must be an identifier such as credit_card: a letter, then 1 to 39 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 40 }],
    ["one-letter method", { payment_method: "c" }, "payment_method", "c", "payment_method must be an identifier such as credit_card: a letter, then 1 to 39 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 40 }],
    ["method starting with a digit", { payment_method: "3ds" }, "payment_method", "3ds", "payment_method must be an identifier such as credit_card: a letter, then 1 to 39 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 40 }],
    ["unknown status", { payment_status: "paid" }, "payment_status", "paid", "payment_status must be completed or pending", "INVALID_PAYMENT_STATUS", {}],
  ])("refuses %s", (_label, changes, column, value, reason, code, params) => {
    expect(errorsOf(changes)).toEqual([{ rowNumber: 7, column, value, reason, code, params }]);
  });

  it("accepts the limits: 200 characters, 40-character method, JPY written as 円 or full-width", () => {
    expect(parsed(row({ customer_name: "あ".repeat(200), payment_method: "a" + "b".repeat(39), currency: "ＪＰＹ" })).paymentMethod).toHaveLength(40);
    expect(parsed(row({ currency: "円" })).currency).toBe("JPY");
    expect(errorsOf({ payment_method: "a" + "b".repeat(40) })[0]!.column).toBe("payment_method");
  });

  it("reads \\ (¥ in a Shift_JIS file) as JPY and as a yen mark in unit_price", () => {
    expect(parsed(row({ currency: "\\", unit_price: "\\1,650" }))).toMatchObject({ currency: "JPY", unitPrice: 1650 });
    expect(parsed(row({ currency: " \\ " })).currency).toBe("JPY");
    expect(errorsOf({ currency: "\\\\" })[0]).toMatchObject({ column: "currency", code: "CURRENCY_NOT_JPY" });
  });

  it("tells which order a failed row belongs to", () => {
    expect(validateRow(row({ order_ref: " A-9 ", quantity: "0" }), columns, 4)).toMatchObject({ ok: false, rowNumber: 4, orderRef: "A-9" });
    expect(validateRow(row({ order_ref: "", quantity: "0" }), columns, 4)).toMatchObject({ ok: false, orderRef: null });
  });

  it("reports every failing column of a row", () => {
    expect(errorsOf({ customer_email: "nope", quantity: "0", unit_price: "12.5", currency: "EUR" }, 12).map((e) => [e.rowNumber, e.column])).toEqual([
      [12, "customer_email"],
      [12, "quantity"],
      [12, "unit_price"],
      [12, "currency"],
    ]);
  });

  it("reads missing cells of a short record as empty and ignores cells beyond the header", () => {
    const short = validateRow(["A-1", "taro@example.jp", "Taro"], columns, 3);
    expect(short.ok ? [] : short.errors.map((e) => [e.column, e.value, e.reason])).toEqual([
      ["product_name", "", "product_name is required"],
      ["quantity", "", "quantity is required"],
      ["unit_price", "", "unit_price is required"],
    ]);
    expect(parsed([...GOOD, "extra", "cells"]).productName).toBe("緑茶");
  });
});
