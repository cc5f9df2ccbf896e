/**
 * The payment status machine (DESIGN section 3): PENDING → COMPLETED | FAILED, FAILED → PENDING
 * (a retry), COMPLETED → REFUNDED. The payment service's gate moves every payment through it; the
 * admin UI offers only the actions it allows.
 */
import { conflict, type RuleError } from "./ruleError.js";

export type PaymentStatus = "PENDING" | "COMPLETED" | "FAILED" | "REFUNDED";

/** The statuses a payment may move to from each status. */
export const PAYMENT_MOVES: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  PENDING: ["COMPLETED", "FAILED"],
  FAILED: ["PENDING"],
  COMPLETED: ["REFUNDED"],
  REFUNDED: [],
};

/** What moving to a status is called, for reasons ("only a PENDING payment can be completed"). */
const ACTION: Record<PaymentStatus, string> = { PENDING: "retried", COMPLETED: "completed", FAILED: "failed", REFUNDED: "refunded" };

/** The moves the status machine allows from `from`. */
export function allowedPaymentMoves(from: PaymentStatus): readonly PaymentStatus[] {
  return PAYMENT_MOVES[from];
}

/** The statuses a payment may move to `to` from. */
export function paymentSourcesOf(to: PaymentStatus): PaymentStatus[] {
  return (Object.keys(PAYMENT_MOVES) as PaymentStatus[]).filter((from) => PAYMENT_MOVES[from].includes(to));
}

/**
 * Why payment `id` cannot move `from → to`, or null: `illegalMove` (CONFLICT,
 * `{ id, status, to, required, allowed }`: `required` the statuses it would have to be in).
 */
export function paymentMoveError(id: number, from: PaymentStatus, to: PaymentStatus, field = "id"): RuleError | null {
  if (PAYMENT_MOVES[from].includes(to)) return null;
  const required = paymentSourcesOf(to);
  return conflict("illegalMove", field, `Payment ${id} is ${from}; only a ${required.join(" or ")} payment can be ${ACTION[to]}`, {
    id,
    status: from,
    to,
    required,
    allowed: PAYMENT_MOVES[from],
  });
}
