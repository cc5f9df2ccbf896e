/**
 * The payment rules of DESIGN section 3: amount limits, payment methods, the status machine and
 * the refund policy. Pure: no database, no GraphQL.
 */
import { BadUserInputError, ConflictError, requireCleanText } from "@ops/service-kit";

export type PaymentStatus = "PENDING" | "COMPLETED" | "FAILED" | "REFUNDED";

/** Whole yen, inclusive (seed section 4). */
export const MIN_AMOUNT = 100;
export const MAX_AMOUNT = 1_000_000;
export const CURRENCY = "JPY";
export const DEFAULT_PAYMENT_METHOD = "credit_card";
export const MAX_REASON_LENGTH = 500;

const yen = (n: number) => n.toLocaleString("en-US");

/** Throws BAD_USER_INPUT stating the limit when `amount` is not whole yen within 100–1,000,000. */
export function assertPayableAmount(amount: number, currency: string, field = "input.orderId"): void {
  const params = { min: MIN_AMOUNT, max: MAX_AMOUNT, amount };
  if (currency !== CURRENCY) {
    throw new BadUserInputError(`Payments are in ${CURRENCY}; the order is in ${currency}`, { field, params: { allowed: [CURRENCY], currency } });
  }
  if (!Number.isInteger(amount)) {
    throw new BadUserInputError(`amount ${amount} is not a whole number of yen`, { field, params });
  }
  if (amount < MIN_AMOUNT) {
    throw new BadUserInputError(`amount ${yen(amount)} is below the minimum of ${yen(MIN_AMOUNT)} JPY`, { field, params });
  }
  if (amount > MAX_AMOUNT) {
    throw new BadUserInputError(`amount ${yen(amount)} is above the maximum of ${yen(MAX_AMOUNT)} JPY`, { field, params });
  }
}

/** What a payment needs to know about its order (read from the order service). */
export interface OrderSnapshot {
  id: number;
  totalAmount: number;
  currency: string;
  status: string;
}

/** Throws CONFLICT for a cancelled order and BAD_USER_INPUT when its total cannot be paid. */
export function assertOrderPayable(order: OrderSnapshot): void {
  if (order.status === "CANCELLED") {
    throw new ConflictError(`Order ${order.id} is CANCELLED; a cancelled order cannot be paid`, {
      field: "input.orderId",
      params: { orderId: order.id, status: order.status },
    });
  }
  assertPayableAmount(order.totalAmount, order.currency);
}

const METHOD_RE = /^[a-z][a-z0-9_]*$/;
const MAX_METHOD_LENGTH = 50;

/** A payment method is a lowercase identifier (`credit_card`, `konbini`, `paypay`, ...); absent means credit_card. */
export function normalisePaymentMethod(method: string | null | undefined, field = "input.paymentMethod"): string {
  if (method === null || method === undefined) return DEFAULT_PAYMENT_METHOD;
  const value = method.trim();
  if (!METHOD_RE.test(value) || value.length > MAX_METHOD_LENGTH) {
    throw new BadUserInputError(
      `"${method}" is not a payment method: use a lowercase identifier such as credit_card, bank_transfer, konbini, paypay or cash_on_delivery`,
      { field, params: { value: method, pattern: METHOD_RE.source, max: MAX_METHOD_LENGTH } },
    );
  }
  return value;
}

/** A failure or refund reason: the text rule (multi-line), trimmed, required, at most 500 characters. */
export function normaliseReason(reason: string, field: string): string {
  const value = requireCleanText(reason, field, "text").trim();
  if (!value) throw new BadUserInputError("A reason is required", { field });
  if (value.length > MAX_REASON_LENGTH) {
    throw new BadUserInputError(`The reason is longer than ${MAX_REASON_LENGTH} characters`, { field, params: { max: MAX_REASON_LENGTH } });
  }
  return value;
}

const MOVES: Record<PaymentStatus, readonly PaymentStatus[]> = {
  PENDING: ["COMPLETED", "FAILED"],
  FAILED: ["PENDING"],
  COMPLETED: ["REFUNDED"],
  REFUNDED: [],
};

const ACTION: Record<PaymentStatus, string> = {
  PENDING: "retried",
  COMPLETED: "completed",
  FAILED: "failed",
  REFUNDED: "refunded",
};

/** The moves the status machine allows from `from`. */
export function allowedPaymentMoves(from: PaymentStatus): readonly PaymentStatus[] {
  return MOVES[from];
}

/** Throws CONFLICT naming the current status when `from → to` is not in the machine. */
export function assertPaymentMove(id: number, from: PaymentStatus, to: PaymentStatus, field = "id"): void {
  if (MOVES[from].includes(to)) return;
  const required = (Object.keys(MOVES) as PaymentStatus[]).filter((s) => MOVES[s].includes(to));
  throw new ConflictError(
    `Payment ${id} is ${from}; only a ${required.join(" or ")} payment can be ${ACTION[to]}`,
    { field, params: { id, status: from, to, required, allowed: MOVES[from] } },
  );
}

/** The refund policy: always the payment's full amount. */
export function refundAmount(payment: { amount: number }): number {
  return payment.amount;
}

/** Throws CONFLICT when `expected` (the updatedAt the operator saw) differs from the current one. */
export function assertNotStale(id: number, current: Date, expected: Date | null | undefined, field: string): void {
  if (!expected || expected.getTime() === current.getTime()) return;
  throw new ConflictError(
    `Payment ${id} was changed by someone else at ${current.toISOString()}; reload it and try again`,
    { field, params: { currentUpdatedAt: current.toISOString() } },
  );
}
