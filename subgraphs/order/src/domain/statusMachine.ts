/** The order status machine (DESIGN section 3). Pure: no database, no GraphQL. */
import { ConflictError } from "@ops/service-kit";

export type OrderStatus = "PENDING" | "CONFIRMED" | "SHIPPED" | "DELIVERED" | "CANCELLED";

const MOVES: Record<OrderStatus, readonly OrderStatus[]> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  CANCELLED: [],
};

/** Position in the lifecycle, so an event that arrives late never moves an order back. */
export const STATUS_RANK: Record<OrderStatus, number> = { PENDING: 0, CONFIRMED: 1, SHIPPED: 2, DELIVERED: 3, CANCELLED: 4 };

export function allowedTransitions(from: OrderStatus): readonly OrderStatus[] {
  return MOVES[from];
}

/** Throws CONFLICT naming the allowed moves when `from → to` is not in the machine. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (MOVES[from].includes(to)) return;
  const allowed = MOVES[from];
  throw new ConflictError(
    `An order cannot move from ${from} to ${to}; allowed from ${from}: ${allowed.length ? allowed.join(", ") : "none (final status)"}.`,
    { field: "input.status", params: { from, to, allowed } },
  );
}

/**
 * The role a status move needs when an operator asks for it (roles table, issue "Access
 * control"): confirming by hand overrides the payment flow and cancelling a confirmed (paid)
 * order refunds it, so both need an admin; other moves an operator.
 */
export function roleForMove(from: OrderStatus, to: OrderStatus): "operator" | "admin" {
  if (to === "CONFIRMED") return "admin";
  if (to === "CANCELLED" && from === "CONFIRMED") return "admin";
  return "operator";
}
