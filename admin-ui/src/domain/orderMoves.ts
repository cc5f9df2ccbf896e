/**
 * Which status moves the UI offers for an order. The server's `allowedTransitions` decides what
 * the status machine permits; the role each move needs mirrors the order service's
 * `roleForMove` (confirming by hand overrides the payment flow, cancelling a confirmed order
 * refunds it: both admin). The server checks both again.
 */
import type { OrderStatus } from "@/gql/graphql";
import { hasRole, type Role } from "./roles";

export type MoveKind = "confirm" | "ship" | "deliver" | "cancel";

export interface StatusMove {
  to: OrderStatus;
  kind: MoveKind;
  requiredRole: Role;
  /** A reason must be given (confirming by hand, cancelling). */
  needsReason: boolean;
  /** Whether the signed-in role may take it. */
  permitted: boolean;
}

const KIND: Record<OrderStatus, MoveKind | null> = {
  PENDING: null,
  CONFIRMED: "confirm",
  SHIPPED: "ship",
  DELIVERED: "deliver",
  CANCELLED: "cancel",
};

/** The role the order service requires for `from → to`. */
export function roleForMove(from: OrderStatus, to: OrderStatus): Role {
  if (to === "CONFIRMED") return "admin";
  if (to === "CANCELLED" && from === "CONFIRMED") return "admin";
  return "operator";
}

/** Every move the machine allows from the order's status, with whether `role` may take it. */
export function statusMoves(order: { status: OrderStatus; allowedTransitions: readonly OrderStatus[] }, role: string | null | undefined): StatusMove[] {
  return order.allowedTransitions.flatMap((to) => {
    const kind = KIND[to];
    if (!kind) return [];
    const requiredRole = roleForMove(order.status, to);
    return [{ to, kind, requiredRole, needsReason: kind === "confirm" || kind === "cancel", permitted: hasRole(role, requiredRole) }];
  });
}
