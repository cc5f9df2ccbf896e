/**
 * Which status moves the UI offers for an order. The server's `allowedTransitions` decides what
 * the status machine permits; the role each move needs is the order rules' `roleForMove`
 * (`@ops/rules`: confirming by hand overrides the payment flow, cancelling a confirmed order
 * refunds it: both admin). The server checks both again.
 */
import { roleForMove } from "@ops/rules";
import type { OrderStatus } from "@/gql/graphql";
import { hasRole, type Role } from "./roles";

export { roleForMove };

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

/** Every move the machine allows from the order's status, with whether `role` may take it. */
export function statusMoves(order: { status: OrderStatus; allowedTransitions: readonly OrderStatus[] }, role: string | null | undefined): StatusMove[] {
  return order.allowedTransitions.flatMap((to) => {
    const kind = KIND[to];
    if (!kind) return [];
    const requiredRole: Role = roleForMove(order.status, to);
    return [{ to, kind, requiredRole, needsReason: kind === "confirm" || kind === "cancel", permitted: hasRole(role, requiredRole) }];
  });
}
