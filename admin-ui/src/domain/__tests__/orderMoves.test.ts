import { describe, expect, it } from "vitest";
import { statusMoves } from "@/domain/orderMoves";
import { paymentActions } from "@/domain/paymentActions";
import type { OrderStatus } from "@/gql/graphql";

// What the order service answers as allowedTransitions for each status.
const ALLOWED: Record<OrderStatus, OrderStatus[]> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  CANCELLED: [],
};

const offered = (status: OrderStatus, role: string) =>
  statusMoves({ status, allowedTransitions: ALLOWED[status] }, role)
    .filter((m) => m.permitted)
    .map((m) => m.kind);

describe("status moves offered", () => {
  it.each([
    // status, viewer, operator, admin
    ["PENDING", [], ["cancel"], ["confirm", "cancel"]],
    ["CONFIRMED", [], ["ship"], ["ship", "cancel"]],
    ["SHIPPED", [], ["deliver"], ["deliver"]],
    ["DELIVERED", [], [], []],
    ["CANCELLED", [], [], []],
  ] as const)("from %s: viewer %j, operator %j, admin %j", (status, viewer, operator, admin) => {
    expect(offered(status, "viewer")).toEqual(viewer);
    expect(offered(status, "operator")).toEqual(operator);
    expect(offered(status, "admin")).toEqual(admin);
  });

  it("offers only what allowedTransitions allows, even to an admin", () => {
    expect(statusMoves({ status: "PENDING", allowedTransitions: ["CANCELLED"] }, "admin").map((m) => m.kind)).toEqual(["cancel"]);
  });

  it("asks for a reason when confirming by hand and when cancelling", () => {
    const moves = statusMoves({ status: "PENDING", allowedTransitions: ALLOWED.PENDING }, "admin");
    expect(moves.map((m) => [m.kind, m.needsReason, m.requiredRole])).toEqual([
      ["confirm", true, "admin"],
      ["cancel", true, "operator"],
    ]);
  });

  it("needs an admin to cancel a confirmed (paid) order", () => {
    const cancel = statusMoves({ status: "CONFIRMED", allowedTransitions: ALLOWED.CONFIRMED }, "operator").find((m) => m.kind === "cancel");
    expect(cancel).toMatchObject({ requiredRole: "admin", permitted: false });
  });

  it("offers nothing to an unknown role", () => {
    expect(offered("PENDING", "guest")).toEqual([]);
  });
});

describe("payment actions offered", () => {
  const kinds = (orderStatus: OrderStatus, payment: "PENDING" | "COMPLETED" | "FAILED" | "REFUNDED" | null, role: string) =>
    paymentActions({ status: orderStatus }, payment ? { status: payment } : null, role)
      .filter((a) => a.permitted)
      .map((a) => a.kind);

  it("records a payment for an order without one, unless it is cancelled", () => {
    expect(kinds("PENDING", null, "operator")).toEqual(["create"]);
    expect(kinds("CANCELLED", null, "admin")).toEqual([]);
    expect(kinds("PENDING", null, "viewer")).toEqual([]);
  });

  it("follows the payment's status machine", () => {
    expect(kinds("PENDING", "PENDING", "operator")).toEqual(["complete", "fail"]);
    expect(kinds("PENDING", "FAILED", "operator")).toEqual(["retry"]);
    expect(kinds("CONFIRMED", "REFUNDED", "admin")).toEqual([]);
  });

  it("lets only an admin refund", () => {
    expect(kinds("CONFIRMED", "COMPLETED", "operator")).toEqual([]);
    expect(kinds("CONFIRMED", "COMPLETED", "admin")).toEqual(["refund"]);
  });
});
