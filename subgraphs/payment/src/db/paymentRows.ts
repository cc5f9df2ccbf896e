/** `payments` rows as either database returns them, and the Payment they become. */
import { readTimestamp } from "@ops/service-kit/data";
import type { Selectable } from "kysely";
import type { PaymentStatus } from "../domain/paymentRules.js";
import type { Payment } from "../domain/paymentTypes.js";
import type { DB } from "./database.js";

/** Every column of a payment, for SELECT and RETURNING. */
export const PAYMENT_COLUMNS = [
  "id",
  "order_id",
  "amount",
  "currency",
  "status",
  "payment_method",
  "transaction_id",
  "created_at",
  "updated_at",
  "failure_reason",
  "batch_id",
] as const;

export type PaymentRow = Pick<Selectable<DB["payments"]>, (typeof PAYMENT_COLUMNS)[number]>;

/** Status values are stored lower case, GraphQL's enum is upper case. */
export const statusOf = (stored: string) => stored.toUpperCase() as PaymentStatus;

export function toPayment(r: PaymentRow): Payment {
  return {
    id: Number(r.id),
    orderId: Number(r.order_id),
    amount: Number(r.amount),
    currency: r.currency,
    status: statusOf(r.status),
    paymentMethod: r.payment_method,
    transactionId: r.transaction_id,
    createdAt: readTimestamp(r.created_at),
    updatedAt: readTimestamp(r.updated_at),
    failureReason: r.failure_reason,
    batchId: r.batch_id,
  };
}
