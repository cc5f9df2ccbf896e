/**
 * The order status machine (DESIGN section 3): PENDING → CONFIRMED → SHIPPED → DELIVERED, and
 * PENDING | CONFIRMED → CANCELLED. The order service's gate moves every order through it; the
 * admin UI offers only the moves it allows, with the role each needs.
 */
import { conflict, type RuleError } from "./ruleError.js";

export type OrderStatus = "PENDING" | "CONFIRMED" | "SHIPPED" | "DELIVERED" | "CANCELLED";

/** The statuses an order may move to from each status. */
export const MOVES: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  CANCELLED: [],
};

/** Position in the lifecycle, so an event that arrives late never moves an order back. */
export const STATUS_RANK: Readonly<Record<OrderStatus, number>> = { PENDING: 0, CONFIRMED: 1, SHIPPED: 2, DELIVERED: 3, CANCELLED: 4 };

/** The statuses an order in `from` may move to. */
export function allowedTransitions(from: OrderStatus): readonly OrderStatus[] {
  return MOVES[from];
}

/** The statuses an order may move to `to` from (CANCELLED: PENDING and CONFIRMED). */
export function sourcesOf(to: OrderStatus): OrderStatus[] {
  return (Object.keys(MOVES) as OrderStatus[]).filter((from) => MOVES[from].includes(to));
}

/** Why an order cannot move `from → to`, or null: `illegalMove` (CONFLICT, `{ from, to, allowed }`). */
export function orderMoveError(from: OrderStatus, to: OrderStatus, field = "status"): RuleError | null {
  const allowed = MOVES[from];
  if (allowed.includes(to)) return null;
  return conflict(
    "illegalMove",
    field,
    `An order cannot move from ${from} to ${to}; allowed from ${from}: ${allowed.length ? allowed.join(", ") : "none (final status)"}.`,
    { from, to, allowed },
  );
}

/** The roles that may ask for a status move by hand. */
export type MoveRole = "operator" | "admin";

/**
 * The role a status move needs when an operator asks for it (roles table, issue "Access
 * control"): confirming by hand overrides the payment flow and cancelling a confirmed (paid)
 * order refunds it, so both need an admin; other moves an operator.
 */
export function roleForMove(from: OrderStatus, to: OrderStatus): MoveRole {
  if (to === "CONFIRMED") return "admin";
  if (to === "CANCELLED" && from === "CONFIRMED") return "admin";
  return "operator";
}
