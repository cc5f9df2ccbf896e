import { describe, expect, it } from "vitest";
import { allowedTransitions, orderMoveError, roleForMove, sourcesOf, STATUS_RANK, type OrderStatus } from "../index.js";

const ALL: OrderStatus[] = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"];
const LEGAL = new Set(["PENDING>CONFIRMED", "PENDING>CANCELLED", "CONFIRMED>SHIPPED", "CONFIRMED>CANCELLED", "SHIPPED>DELIVERED"]);

describe("the order status machine", () => {
  it("allows exactly the design's moves; a refused one is a CONFLICT naming the allowed ones", () => {
    for (const from of ALL) {
      for (const to of ALL) {
        const error = orderMoveError(from, to);
        expect(error === null).toBe(LEGAL.has(`${from}>${to}`));
        if (error) expect(error).toMatchObject({ code: "CONFLICT", problem: "illegalMove", field: "status", params: { from, to, allowed: allowedTransitions(from) } });
      }
    }
    expect(orderMoveError("DELIVERED", "PENDING")?.reason).toMatch(/none \(final status\)/);
  });

  it("knows where each status is reached from and ranks the lifecycle", () => {
    expect(sourcesOf("CANCELLED")).toEqual(["PENDING", "CONFIRMED"]);
    expect(sourcesOf("PENDING")).toEqual([]);
    expect(ALL.map((s) => STATUS_RANK[s])).toEqual([0, 1, 2, 3, 4]);
  });

  it("needs an admin to confirm by hand or cancel a confirmed order, an operator otherwise", () => {
    expect(roleForMove("PENDING", "CONFIRMED")).toBe("admin");
    expect(roleForMove("CONFIRMED", "CANCELLED")).toBe("admin");
    expect(roleForMove("PENDING", "CANCELLED")).toBe("operator");
    expect(roleForMove("CONFIRMED", "SHIPPED")).toBe("operator");
    expect(roleForMove("SHIPPED", "DELIVERED")).toBe("operator");
  });
});
