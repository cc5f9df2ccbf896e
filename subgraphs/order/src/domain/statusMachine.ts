/** The order status machine (DESIGN section 3): its moves, the error for a refused one, the roles. */
import { ConflictError } from "@ops/service-kit";
import { MOVES, type OrderStatus } from "./statusMoves.js";

export { allowedTransitions, sourcesOf, STATUS_RANK, type OrderStatus } from "./statusMoves.js";

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
