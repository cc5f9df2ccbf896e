import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { nameKey } from "../nameKey.js";
import { allowedTransitions, assertTransition } from "../statusMachine.js";
import { MAX_ITEMS, MAX_ORDER_TOTAL, MAX_QUANTITY, MAX_UNIT_PRICE } from "@ops/rules";
import { validateOrder } from "../validateOrder.js";

function codeOf(fn: () => unknown): { code: unknown; field: unknown; params: unknown } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    const e = err as GraphQLError;
    return { code: e.extensions.code, field: e.extensions.field, params: e.extensions.params };
  }
  throw new Error("expected an error");
}

describe("status machine", () => {
  it("allows exactly the design's moves", () => {
    expect(allowedTransitions("PENDING")).toEqual(["CONFIRMED", "CANCELLED"]);
    expect(allowedTransitions("CONFIRMED")).toEqual(["SHIPPED", "CANCELLED"]);
    expect(allowedTransitions("SHIPPED")).toEqual(["DELIVERED"]);
    expect(allowedTransitions("DELIVERED")).toEqual([]);
    expect(allowedTransitions("CANCELLED")).toEqual([]);
  });

  it("refuses other moves with CONFLICT naming the allowed ones", () => {
    const e = codeOf(() => assertTransition("SHIPPED", "CANCELLED"));
    expect(e.code).toBe("CONFLICT");
    expect(e.params).toEqual({ from: "SHIPPED", to: "CANCELLED", allowed: ["DELIVERED"] });
    expect(codeOf(() => assertTransition("PENDING", "SHIPPED")).code).toBe("CONFLICT");
    expect(codeOf(() => assertTransition("DELIVERED", "PENDING")).code).toBe("CONFLICT");
    expect(() => assertTransition("CONFIRMED", "SHIPPED")).not.toThrow();
  });
});

describe("name key", () => {
  it("folds width, kana, case and spaces", () => {
    expect(nameKey("ヤマダ　タロウ")).toBe(nameKey("やまだ たろう"));
    expect(nameKey("ﾔﾏﾀﾞ ﾀﾛｳ")).toBe(nameKey("やまだたろう"));
    expect(nameKey("ＳＵＺＵＫＩ Ｈａｎａｋｏ")).toBe("suzukihanako");
    expect(nameKey("山田 太郎")).toBe("山田太郎");
  });
});

describe("order validation", () => {
  const base = { customerEmail: "hanako@example.jp", customerName: "鈴木 花子", items: [{ productName: "緑茶", quantity: 2, unitPrice: 450 }] };

  it("computes the total from the items", () => {
    const order = validateOrder({ ...base, items: [...base.items, { productName: "湯呑み", quantity: 1, unitPrice: 1200 }] });
    expect(order.totalAmount).toBe(2 * 450 + 1200);
    expect(order.currency).toBe("JPY");
  });

  it.each([
    [{ customerEmail: "not-an-email" }, "input.customerEmail"],
    [{ customerName: "  " }, "input.customerName"],
    [{ currency: "USD" }, "input.currency"],
    [{ items: [] }, "input.items"],
    [{ items: [{ productName: "", quantity: 1, unitPrice: 1 }] }, "input.items.0.productName"],
    [{ items: [{ productName: "x", quantity: 0, unitPrice: 1 }] }, "input.items.0.quantity"],
    [{ items: [{ productName: "x", quantity: 1.5, unitPrice: 1 }] }, "input.items.0.quantity"],
    [{ items: [{ productName: "x", quantity: 1, unitPrice: 0 }] }, "input.items.0.unitPrice"],
    [{ items: [{ productName: "x", quantity: 1, unitPrice: 99.5 }] }, "input.items.0.unitPrice"],
  ])("refuses %j at %s", (patch, field) => {
    const e = codeOf(() => validateOrder({ ...base, ...patch }));
    expect(e.code).toBe("BAD_USER_INPUT");
    expect(e.field).toBe(field);
  });

  describe("per-order limits", () => {
    const line = (quantity: number, unitPrice: number) => ({ productName: "x", quantity, unitPrice });

    it("accepts every limit exactly", () => {
      expect(validateOrder({ ...base, items: [line(MAX_QUANTITY, 1)] }).totalAmount).toBe(10_000);
      expect(validateOrder({ ...base, items: [line(1, MAX_UNIT_PRICE)] }).totalAmount).toBe(10_000_000);
      expect(validateOrder({ ...base, items: [line(MAX_QUANTITY, MAX_ORDER_TOTAL / MAX_QUANTITY)] }).totalAmount).toBe(MAX_ORDER_TOTAL);
      expect(validateOrder({ ...base, items: Array.from({ length: MAX_ITEMS }, () => line(10, MAX_ORDER_TOTAL / MAX_ITEMS / 10)) }).totalAmount).toBe(MAX_ORDER_TOTAL);
    });

    it("refuses one over each, naming the field and the maximum", () => {
      expect(codeOf(() => validateOrder({ ...base, items: [line(1, 1), line(MAX_QUANTITY + 1, 1)] }))).toEqual({
        code: "BAD_USER_INPUT",
        field: "input.items.1.quantity",
        params: { max: 10_000, value: 10_001 },
      });
      expect(codeOf(() => validateOrder({ ...base, items: [line(1, MAX_UNIT_PRICE + 1)] }))).toEqual({
        code: "BAD_USER_INPUT",
        field: "input.items.0.unitPrice",
        params: { max: 10_000_000, value: 10_000_001 },
      });
      expect(codeOf(() => validateOrder({ ...base, items: [line(MAX_QUANTITY, MAX_ORDER_TOTAL / MAX_QUANTITY), line(1, 1)] }))).toEqual({
        code: "BAD_USER_INPUT",
        field: "input.items",
        params: { max: 100_000_000, total: 100_000_001 },
      });
      expect(codeOf(() => validateOrder({ ...base, items: Array.from({ length: MAX_ITEMS + 1 }, () => line(1, 1)) }))).toEqual({
        code: "BAD_USER_INPUT",
        field: "input.items",
        params: { max: 100 },
      });
    });

    it("refuses the hostile order of 1,000,000 × 10,000 yen at its quantity", () => {
      expect(codeOf(() => validateOrder({ ...base, items: [line(1_000_000, 10_000)] }))).toMatchObject({ field: "input.items.0.quantity", params: { max: MAX_QUANTITY } });
      // Within each line's limits, the total is what breaks: 100 lines of 10,000 × 10,000,000.
      const e = codeOf(() => validateOrder({ ...base, items: Array.from({ length: MAX_ITEMS }, () => line(MAX_QUANTITY, MAX_UNIT_PRICE)) }));
      expect(e).toEqual({ code: "BAD_USER_INPUT", field: "input.items", params: { max: MAX_ORDER_TOTAL, total: 10_000_000_000_000 } });
    });
  });
});
