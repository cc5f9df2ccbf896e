/** A `payments` row as SQL reads it, and the Payment the resolvers and the domain use. */
import type { Payment } from "./db.js";
import type { PaymentStatus } from "./domain/paymentRules.js";

export interface PaymentRow {
  id: number;
  order_id: number;
  amount: number;
  currency: string;
  status: string;
  payment_method: string;
  transaction_id: string;
  created_at: string;
  updated_at: string;
  failure_reason: string | null;
  batch_id: string | null;
}

/** The columns of PaymentRow, for SELECT and RETURNING. */
export const PAYMENT_COLUMNS = "id, order_id, amount, currency, status, payment_method, transaction_id, created_at, updated_at, failure_reason, batch_id";

export const PAYMENT_SELECT = `SELECT ${PAYMENT_COLUMNS} FROM payments`;

export function toPayment(r: PaymentRow): Payment {
  return {
    id: r.id,
    orderId: r.order_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status.toUpperCase() as PaymentStatus,
    paymentMethod: r.payment_method,
    transactionId: r.transaction_id,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
    failureReason: r.failure_reason,
    batchId: r.batch_id,
  };
}
