import { describe, expect, it } from "vitest";
import { parseWholeNumber, summarizeItems, toItemInputs, validateItem, type ItemDraft } from "@/domain/orderItems";

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
    expect(summarizeItems([row("2", "1280"), row("1", "3,500", "急須", 2)])).toEqual({ total: 6060, invalidRows: 0, complete: true });
  });

  it("leaves rows with a zero or fractional number out of the total and is not complete", () => {
    const summary = summarizeItems([row("2", "1000"), row("0", "500", "A", 2), row("1.5", "500", "B", 3)]);
    expect(summary).toEqual({ total: 2000, invalidRows: 2, complete: false });
  });

  it("counts a row without a product name as a problem but keeps its amount", () => {
    expect(summarizeItems([row("1", "100", "  ")])).toEqual({ total: 100, invalidRows: 1, complete: false });
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
