import { describe, expect, it } from "vitest";
import { MAX_ITEMS, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE, parseWholeNumber, summarizeItems, toItemInputs, validateItem, type ItemDraft } from "@/domain/orderItems";

const row = (quantity: string, unitPrice: string, productName = "煎茶", key = 1): ItemDraft => ({ key, productName, quantity, unitPrice });

describe("parseWholeNumber", () => {
  it.each([
    ["3", 3],
    ["1,280", 1280],
    ["１２８０", 1280],
    [" 12 ", 12],
  ])("reads %j as %d", (text, value) => {
    expect(parseWholeNumber(text)).toEqual({ value });
  });

  it.each([
    ["", "required"],
    ["0", "atLeastOne"],
    ["1.5", "notWholeNumber"],
    ["-2", "notWholeNumber"],
    ["1e3", "notWholeNumber"],
    ["12,34", "notWholeNumber"],
    ["99999999999999999999", "tooLarge"],
  ])("refuses %j (%s)", (text, problem) => {
    expect(parseWholeNumber(text)).toEqual({ problem });
  });
});

describe("summarizeItems", () => {
  it("adds quantity × unit price over the rows", () => {
    expect(summarizeItems([row("2", "1280"), row("1", "3,500", "急須", 2)])).toEqual({ total: 6060, invalidRows: 0, overLimit: false, complete: true });
  });

  it("leaves rows with a zero or fractional number out of the total and is not complete", () => {
    const summary = summarizeItems([row("2", "1000"), row("0", "500", "A", 2), row("1.5", "500", "B", 3)]);
    expect(summary).toEqual({ total: 2000, invalidRows: 2, overLimit: false, complete: false });
  });

  it("counts a row without a product name as a problem but keeps its amount", () => {
    expect(summarizeItems([row("1", "100", "  ")])).toEqual({ total: 100, invalidRows: 1, overLimit: false, complete: false });
    expect(validateItem(row("1", "100", ""))).toEqual({ productName: "required" });
  });

  it("is not complete without rows", () => {
    expect(summarizeItems([]).complete).toBe(false);
  });

  it("turns valid rows into the mutation's input", () => {
    expect(toItemInputs([row("2", "1,280", " 煎茶 ")])).toEqual([{ productName: "煎茶", quantity: 2, unitPrice: 1280 }]);
    expect(() => toItemInputs([row("0", "1")])).toThrow();
  });
});

describe("the order service's limits", () => {
  it("are the order service's numbers", () => {
    expect({ MAX_ITEMS, MAX_QUANTITY, MAX_UNIT_PRICE, MAX_ORDER_TOTAL }).toEqual({ MAX_ITEMS: 100, MAX_QUANTITY: 10_000, MAX_UNIT_PRICE: 10_000_000, MAX_ORDER_TOTAL: 100_000_000 });
  });

  it("accepts each limit exactly and refuses one more", () => {
    expect(validateItem(row("10,000", "10,000,000"))).toEqual({});
    expect(validateItem(row("10,001", "10,000,001"))).toEqual({ quantity: "tooLarge", unitPrice: "tooLarge" });
    expect(summarizeItems([row("10000", "10000")])).toEqual({ total: 100_000_000, invalidRows: 0, overLimit: false, complete: true });
    expect(summarizeItems([row("10000", "10000"), row("1", "1", "飴", 2)])).toEqual({ total: 100_000_001, invalidRows: 0, overLimit: true, complete: false });
  });

  it("leaves a row over a limit out of the total, as a row with a wrong number", () => {
    expect(summarizeItems([row("1", "500"), row("1000000", "10000", "急須", 2)])).toEqual({ total: 500, invalidRows: 1, overLimit: false, complete: false });
  });
});
