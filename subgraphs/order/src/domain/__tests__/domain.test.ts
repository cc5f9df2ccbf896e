import { describe, expect, it } from "vitest";
import { GraphQLError } from "graphql";
import { nameKey } from "../nameKey.js";
import { allowedTransitions, assertTransition } from "../statusMachine.js";
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
});
