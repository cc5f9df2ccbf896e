/**
 * The payment actions the UI offers, from the payment's status (the payment service's machine in
 * `@ops/rules`: PENDING → COMPLETED | FAILED, FAILED → PENDING by retry, COMPLETED → REFUNDED)
 * and the role: an operator records, completes, fails and retries; only an admin refunds.
 */
import { allowedPaymentMoves, isPayableAmount, MAX_PAYMENT_AMOUNT, MIN_PAYMENT_AMOUNT } from "@ops/rules";
import type { OrderStatus, PaymentStatus } from "@/gql/graphql";
import { hasRole, type Role } from "./roles";

export { isPayableAmount };

export type PaymentActionKind = "create" | "complete" | "fail" | "retry" | "refund";

export interface PaymentAction {
  kind: PaymentActionKind;
  requiredRole: Role;
  permitted: boolean;
}

/** Whole yen a payment may be (the payment rules' limits). */
export const PAYABLE_MIN = MIN_PAYMENT_AMOUNT;
export const PAYABLE_MAX = MAX_PAYMENT_AMOUNT;

/** The action that moves a payment to each status. */
const ACTION_TO: Record<PaymentStatus, PaymentActionKind> = { COMPLETED: "complete", FAILED: "fail", PENDING: "retry", REFUNDED: "refund" };

export function paymentActions(
  order: { status: OrderStatus },
  payment: { status: PaymentStatus } | null | undefined,
  role: string | null | undefined,
): PaymentAction[] {
  const kinds: readonly PaymentActionKind[] = payment ? allowedPaymentMoves(payment.status).map((to) => ACTION_TO[to]) : order.status === "CANCELLED" ? [] : ["create"];
  return kinds.map((kind) => {
    const requiredRole: Role = kind === "refund" ? "admin" : "operator";
    return { kind, requiredRole, permitted: hasRole(role, requiredRole) };
  });
}
