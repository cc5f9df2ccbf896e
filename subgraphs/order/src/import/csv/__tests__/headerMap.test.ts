import { describe, expect, it } from "vitest";
import { mapHeader } from "../index.js";

const STANDARD = ["order_ref", "customer_email", "customer_name", "product_name", "quantity", "unit_price", "currency", "payment_method", "payment_status"];

describe("mapHeader", () => {
  it("maps the contract's columns to their positions", () => {
    expect(mapHeader(STANDARD)).toEqual({
      columns: { order_ref: 0, customer_email: 1, customer_name: 2, product_name: 3, quantity: 4, unit_price: 5, currency: 6, payment_method: 7, payment_status: 8 },
      unknown: [],
      missing: [],
    });
  });

  it("takes columns in any order, in any case, with spaces around and full-width", () => {
    const header = mapHeader(["  UNIT_PRICE ", "ＱＵＡＮＴＩＴＹ", "\u3000Product_Name", "Customer_Name\t", "customer_EMAIL"]);
    expect(header.columns).toEqual({ order_ref: -1, customer_email: 4, customer_name: 3, product_name: 2, quantity: 1, unit_price: 0, currency: -1, payment_method: -1, payment_status: -1 });
    expect(header.missing).toEqual([]);
    expect(header.unknown).toEqual([]);
  });

  it("reports unknown columns and a repeated column, keeping the first position; ignores empty header cells", () => {
    const header = mapHeader([...STANDARD, " Note ", "Quantity", "", "  ", "メモ"]);
    expect(header.columns.quantity).toBe(4);
    expect(header.unknown).toEqual(["Note", "Quantity", "メモ"]);
  });

  it("names the required columns that are missing", () => {
    expect(mapHeader(["order_ref", "customer_name", "quantity", "currency"]).missing).toEqual(["customer_email", "product_name", "unit_price"]);
  });
});
