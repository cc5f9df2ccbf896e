/**
 * Creating a payment: the amount comes from the order service (never from input), the rules
 * are checked, then the payment is inserted in one transaction.
 */
import { NotFoundError, parseId } from "@ops/service-kit";
import type { PaymentDatabase } from "../db/database.js";
import { idempotencyRequest, replayedResult } from "./idempotency.js";
import { assertNoPayment, insertPayment, loadPayment } from "./paymentOperations.js";
import { assertOrderPayable, normalisePaymentMethod, type OrderSnapshot } from "./paymentRules.js";
import type { Payment } from "./paymentTypes.js";

/** Reads an order from the service that owns it; null when it does not exist. */
export interface OrderReader {
  getOrder(id: number): Promise<OrderSnapshot | null>;
}

export interface CreatePaymentRequest {
  orderId: string;
  paymentMethod?: string | null;
  idempotencyKey?: string | null;
}

/**
 * Creates a PENDING payment for the order, for the order's total. NOT_FOUND for a missing order,
 * CONFLICT for a cancelled or already paid one, BAD_USER_INPUT for an amount outside the limits.
 */
export async function createPayment(deps: { database: PaymentDatabase; orders: OrderReader }, request: CreatePaymentRequest): Promise<Payment> {
  const { db } = deps.database;
  const orderId = parseId(request.orderId, "input.orderId");
  const paymentMethod = normalisePaymentMethod(request.paymentMethod);
  const idempotency = idempotencyRequest(request.idempotencyKey, "createPayment", { orderId, paymentMethod });
  // A replay must answer even when the order has moved on since, so it is checked before the order.
  const replayed = await replayedResult(db, idempotency);
  if (replayed !== null) return loadPayment(db, replayed, "input.idempotencyKey");
  // Spares the order service a call when the answer is already known.
  await assertNoPayment(db, orderId);

  const order = await deps.orders.getOrder(orderId);
  if (!order) throw new NotFoundError(`Order ${orderId} does not exist`, { field: "input.orderId", params: { id: orderId } });
  assertOrderPayable(order);
  // The checks are repeated inside: a concurrent request may have paid the order meanwhile.
  return deps.database.transaction((trx) =>
    insertPayment(trx, { orderId, amount: order.totalAmount, currency: order.currency, paymentMethod }, idempotency),
  );
}
