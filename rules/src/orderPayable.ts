/** Whether an order can be paid at all: not once cancelled, and only for a payable total. */
import { payableAmountError } from "./paymentAmount.js";
import { conflict, type RuleError } from "./ruleError.js";

/** What a payment needs to know about its order (the payment service reads it from the order service). */
export interface OrderSnapshot {
  id: number;
  totalAmount: number;
  currency: string;
  status: string;
}

/** Why `order` cannot be paid, or null: `orderCancelled` (CONFLICT, `{ orderId, status }`) or an amount refusal (paymentAmount.ts). */
export function orderPayableError(order: OrderSnapshot, field = "orderId"): RuleError | null {
  if (order.status === "CANCELLED") {
    return conflict("orderCancelled", field, `Order ${order.id} is CANCELLED; a cancelled order cannot be paid`, { orderId: order.id, status: order.status });
  }
  return payableAmountError(order.totalAmount, order.currency, field);
}
