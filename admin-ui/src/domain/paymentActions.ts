/**
 * The payment actions the UI offers, from the payment's status (the payment service's machine:
 * PENDING → COMPLETED | FAILED, FAILED → PENDING by retry, COMPLETED → REFUNDED) and the role:
 * an operator records, completes, fails and retries; only an admin refunds.
 */
import type { OrderStatus, PaymentStatus } from "@/gql/graphql";
import { hasRole, type Role } from "./roles";

export type PaymentActionKind = "create" | "complete" | "fail" | "retry" | "refund";

export interface PaymentAction {
  kind: PaymentActionKind;
  requiredRole: Role;
  permitted: boolean;
}

/** Whole yen a payment may be (the payment service's limits). */
export const PAYABLE_MIN = 100;
export const PAYABLE_MAX = 1_000_000;

const BY_STATUS: Record<PaymentStatus, readonly PaymentActionKind[]> = {
  PENDING: ["complete", "fail"],
  FAILED: ["retry"],
  COMPLETED: ["refund"],
  REFUNDED: [],
};

export function paymentActions(
  order: { status: OrderStatus },
  payment: { status: PaymentStatus } | null | undefined,
  role: string | null | undefined,
): PaymentAction[] {
  const kinds: readonly PaymentActionKind[] = payment ? BY_STATUS[payment.status] : order.status === "CANCELLED" ? [] : ["create"];
  return kinds.map((kind) => {
    const requiredRole: Role = kind === "refund" ? "admin" : "operator";
    return { kind, requiredRole, permitted: hasRole(role, requiredRole) };
  });
}

/** Whether an order total can be paid at all (outside the limits the service answers BAD_USER_INPUT). */
export function isPayableAmount(amount: number): boolean {
  return Number.isInteger(amount) && amount >= PAYABLE_MIN && amount <= PAYABLE_MAX;
}
