/**
 * The payment rules of DESIGN section 3 — amount limits, payment methods, reasons, the status
 * machine and the refund policy — from `@ops/rules`, with refusals as GraphQL errors under the
 * names the payment service has always used. Only the stale-write check is the service's own.
 */
import {
  checkPaymentMethod,
  checkReason,
  DEFAULT_PAYMENT_METHOD,
  orderPayableError,
  payableAmountError,
  paymentMoveError,
  type OrderSnapshot,
  type PaymentStatus,
} from "@ops/rules";
import { acceptedOrThrow, ConflictError, throwRuleError } from "@ops/service-kit";

export {
  allowedPaymentMoves,
  CURRENCY,
  DEFAULT_PAYMENT_METHOD,
  MAX_PAYMENT_AMOUNT as MAX_AMOUNT,
  MAX_REASON_LENGTH,
  MIN_PAYMENT_AMOUNT as MIN_AMOUNT,
  refundAmount,
  type OrderSnapshot,
  type PaymentStatus,
} from "@ops/rules";

/** Throws BAD_USER_INPUT stating the limit when `amount` is not whole yen within 100–1,000,000. */
export function assertPayableAmount(amount: number, currency: string, field = "input.orderId"): void {
  throwRuleError(payableAmountError(amount, currency, field), "");
}

/** Throws CONFLICT for a cancelled order and BAD_USER_INPUT when its total cannot be paid. */
export function assertOrderPayable(order: OrderSnapshot): void {
  throwRuleError(orderPayableError(order));
}

/** The payment method identifier (see `@ops/rules`' paymentMethod.ts); absent means credit_card. */
export function normalisePaymentMethod(method: string | null | undefined, field = "input.paymentMethod"): string {
  if (method === null || method === undefined) return DEFAULT_PAYMENT_METHOD;
  return acceptedOrThrow(checkPaymentMethod(method, field), "");
}

/** A failure or refund reason: the text rule (multi-line), trimmed, required, at most 500 characters. */
export function normaliseReason(reason: string, field: string): string {
  return acceptedOrThrow(checkReason(reason, field), "");
}

/** Throws CONFLICT naming the current status when `from → to` is not in the machine. */
export function assertPaymentMove(id: number, from: PaymentStatus, to: PaymentStatus, field = "id"): void {
  throwRuleError(paymentMoveError(id, from, to, field), "");
}

/** Throws CONFLICT when `expected` (the updatedAt the operator saw) differs from the current one. */
export function assertNotStale(id: number, current: Date, expected: Date | null | undefined, field: string): void {
  if (!expected || expected.getTime() === current.getTime()) return;
  throw new ConflictError(
    `Payment ${id} was changed by someone else at ${current.toISOString()}; reload it and try again`,
    { field, params: { currentUpdatedAt: current.toISOString() } },
  );
}
