import { describe, expect, it } from "vitest";
import { mapHeader, validateRow, type ParsedRow, type RowError } from "../index.js";
import { MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "@ops/rules";

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
    ["e-mail with a NUL", { customer_email: "taro@example.jp\u0000" }, "customer_email", "taro@example.jp\u0000", "customer_email contains a control character (U+0000) at position 15; remove it", "INVALID_TEXT", { column: "customer_email", reason: "controlCharacter", position: 15, character: "U+0000" }],
    ["name with ESC", { customer_name: "佐藤\u001b[2J" }, "customer_name", "佐藤\u001b[2J", "customer_name contains a control character (U+001B) at position 2; remove it", "INVALID_TEXT", { column: "customer_name", reason: "controlCharacter", position: 2, character: "U+001B" }],
    ["name with a line break inside", { customer_name: "佐藤\r\n太郎" }, "customer_name", "佐藤\r\n太郎", "customer_name contains a control character (U+000D) at position 2; remove it", "INVALID_TEXT", { column: "customer_name", reason: "controlCharacter", position: 2, character: "U+000D" }],
    ["name with a C1 control", { customer_name: "佐藤\u0085" }, "customer_name", "佐藤\u0085", "customer_name contains a control character (U+0085) at position 2; remove it", "INVALID_TEXT", { column: "customer_name", reason: "controlCharacter", position: 2, character: "U+0085" }],
    ["product with an RTL override", { product_name: "緑茶\u202Egpj.exe" }, "product_name", "緑茶\u202Egpj.exe", "product_name contains a bidirectional control character (U+202E) at position 2; remove it", "INVALID_TEXT", { column: "product_name", reason: "bidiControl", position: 2, character: "U+202E" }],
    ["product with an isolate", { product_name: "\u2066緑茶" }, "product_name", "\u2066緑茶", "product_name contains a bidirectional control character (U+2066) at position 0; remove it", "INVALID_TEXT", { column: "product_name", reason: "bidiControl", position: 0, character: "U+2066" }],
    ["product with a lone surrogate", { product_name: "緑茶\ud800" }, "product_name", "緑茶\ud800", "product_name contains a lone surrogate (not valid Unicode) (U+D800) at position 2; remove it", "INVALID_TEXT", { column: "product_name", reason: "loneSurrogate", position: 2, character: "U+D800" }],
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
    ["quantity over the limit", { quantity: "10,001" }, "quantity", "10,001", "quantity is at most 10,000", "QUANTITY_TOO_LARGE", { max: 10_000 }],
    ["price over the limit", { unit_price: "¥10,000,001" }, "unit_price", "¥10,000,001", "unit_price is at most 10,000,000 JPY", "UNIT_PRICE_TOO_LARGE", { max: 10_000_000 }],
    ["line over the order limit", { quantity: "10000", unit_price: "10001" }, null, null, "quantity × unit_price is over the limit of 100,000,000 JPY per order", "LINE_TOTAL_TOO_LARGE", { max: 100_000_000 }],
    ["other currency", { currency: "USD" }, "currency", "USD", "currency must be JPY (the services only take JPY)", "CURRENCY_NOT_JPY", {}],
    ["method with a space", { payment_method: "credit card" }, "payment_method", "credit card", "payment_method must be an identifier such as credit_card: a letter, then up to 49 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 50 }],
    ["method with a hyphen", { payment_method: "pay-easy" }, "payment_method", "pay-easy", "payment_method must be an identifier such as credit_card: a letter, then up to 49 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 50 }],
    ["method starting with a digit", { payment_method: "3ds" }, "payment_method", "3ds", "payment_method must be an identifier such as credit_card: a letter, then up to 49 letters, digits or underscores", "INVALID_PAYMENT_METHOD", { maxLength: 50 }],
    ["unknown status", { payment_status: "paid" }, "payment_status", "paid", "payment_status must be completed or pending", "INVALID_PAYMENT_STATUS", {}],
  ])("refuses %s", (_label, changes, column, value, reason, code, params) => {
    expect(errorsOf(changes)).toEqual([{ rowNumber: 7, column, value, reason, code, params }]);
  });

  it("accepts the order limits exactly, from the same constants as validateOrder", () => {
    expect(parsed(row({ quantity: String(MAX_QUANTITY), unit_price: String(MAX_ORDER_TOTAL / MAX_QUANTITY) }))).toMatchObject({ quantity: 10_000, unitPrice: 10_000 });
    expect(parsed(row({ quantity: "１０", unit_price: `${MAX_UNIT_PRICE.toLocaleString("en")}円` }))).toMatchObject({ quantity: 10, unitPrice: 10_000_000 });
  });

  it("reports a quantity and a price both over their limits on their own columns, not their product too", () => {
    expect(errorsOf({ quantity: "1000000", unit_price: "10000000000" }).map((e) => [e.column, e.code])).toEqual([
      ["quantity", "QUANTITY_TOO_LARGE"],
      ["unit_price", "UNIT_PRICE_TOO_LARGE"],
    ]);
    expect(errorsOf({ quantity: "1000000", unit_price: "10000" }).map((e) => e.code)).toEqual(["QUANTITY_TOO_LARGE"]);
  });

  it("accepts a name with a line break around it (a cell edited with Alt+Enter), trimmed as before", () => {
    expect(parsed(row({ customer_name: "佐藤 太郎\r\n", product_name: "\t緑茶" }))).toMatchObject({ customerName: "佐藤 太郎", productName: "緑茶" });
  });

  it("accepts the limits: 200 characters, a method of 1 to 50 characters as the API does, JPY written as 円 or full-width", () => {
    expect(parsed(row({ customer_name: "あ".repeat(200), payment_method: "a" + "b".repeat(49), currency: "ＪＰＹ" })).paymentMethod).toHaveLength(50);
    expect(parsed(row({ payment_method: "C" })).paymentMethod).toBe("c");
    expect(parsed(row({ currency: "円" })).currency).toBe("JPY");
    expect(errorsOf({ payment_method: "a" + "b".repeat(50) })[0]!.column).toBe("payment_method");
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
