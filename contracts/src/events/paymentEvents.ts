/**
 * The payment flow's events: `payment.completed` (payment → order: confirm these orders) and its
 * answer `order.payment_refused` (order → payment: these orders were cancelled first; refund).
 */
import { array, nullable, object, optional } from "../validation/structures.js";
import { int, isoDateTime, string } from "../validation/scalars.js";
import type { Validator } from "../validation/validator.js";
import { EVENT_PAYMENTS, MAX_TOKEN } from "./eventLimits.js";

export const PAYMENT_COMPLETED = "payment.completed";
export const ORDER_PAYMENT_REFUSED = "order.payment_refused";

export interface CompletedPayment {
  paymentId: number;
  orderId: number;
  /** Whole yen. */
  amount: number;
}

/** Payments that just completed: one by the API, or an import chunk's. */
export interface PaymentCompletedData {
  payments: CompletedPayment[];
  /** The import batch, when the payments were created by `import.payments`. */
  batchId?: string;
}

export interface RefusedPayment {
  paymentId: number;
  orderId: number;
  /** ISO 8601: when the order was cancelled, when known. */
  cancelledAt: string | null;
}

/** Payments that completed for orders already cancelled. */
export interface PaymentRefusedData {
  payments: RefusedPayment[];
}

const id = int({ min: 1 });

export const paymentCompletedData: Validator<PaymentCompletedData> = object({
  payments: array(object({ paymentId: id, orderId: id, amount: int({ min: 0 }) }), { min: 1, max: EVENT_PAYMENTS }),
  batchId: optional(string({ min: 1, max: MAX_TOKEN })),
});

export const paymentRefusedData: Validator<PaymentRefusedData> = object({
  payments: array(object({ paymentId: id, orderId: id, cancelledAt: nullable(isoDateTime()) }), { min: 1, max: EVENT_PAYMENTS }),
});
