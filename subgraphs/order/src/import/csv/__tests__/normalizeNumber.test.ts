import { describe, expect, it } from "vitest";
import { parseAmount, parseQuantity } from "../index.js";

describe("parseAmount", () => {
  it.each([
    ["1200", 1200],
    ["１，２００", 1200],
    ["¥1,200", 1200],
    ["￥１，２００", 1200],
    ["1200円", 1200],
    ["\\1,200", 1200],
    ["1,200 円", 1200],
    [" 3 ", 3],
    ["\u3000１２\u3000", 12],
    ["¥ 12,345,678", 12345678],
    ["12.5", 12.5],
    ["１２．５", 12.5],
    ["0", 0],
    ["-5", -5],
    ["-¥1,200", -1200],
    ["¥-1,200", -1200],
    ["+7", 7],
  ])("reads %j as %d", (raw, value) => {
    expect(parseAmount(raw)).toBe(value);
  });

  it.each(["", "   ", "abc", "12a", "1,20", "12,00", ",100", "1,,000", "1,000,00", "1.", ".5", "1e3", "¥", "円", "¥1200円", "--1", "1 2", "1.2.3", "NaN", "Infinity", "0x10", "1,000.5.0", "１２ab"])(
    "refuses %j",
    (raw) => {
      expect(parseAmount(raw)).toBeNull();
    },
  );
});

describe("parseQuantity", () => {
  it("reads full-width digits, separators and spaces", () => {
    expect(parseQuantity("１２")).toBe(12);
    expect(parseQuantity(" 3 ")).toBe(3);
    expect(parseQuantity("１，０００")).toBe(1000);
    expect(parseQuantity("1.5")).toBe(1.5);
  });

  it("refuses currency marks: a quantity of ¥3 is a mistake", () => {
    expect(parseQuantity("¥3")).toBeNull();
    expect(parseQuantity("3円")).toBeNull();
    expect(parseQuantity("\\3")).toBeNull();
  });
});
