/**
 * The refund policy: a refund always returns the payment's full amount (no partial refunds), and
 * only a COMPLETED payment can be refunded (paymentStatus.ts). A cancelled confirmed order is
 * refunded the same way as a refund asked for by hand.
 */

/** How much a refund of `payment` returns, whole yen. */
export function refundAmount(payment: { amount: number }): number {
  return payment.amount;
}
