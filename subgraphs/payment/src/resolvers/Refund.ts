import type { Refund as RefundRow } from "../domain/paymentTypes.js";

/** What a compensation's `cause` column holds. */
interface CompensationCause {
  cancelledAt: string | null;
  completedAt: string | null;
}

export const Refund = {
  kind: (refund: RefundRow) => refund.kind.toUpperCase(),
  compensation: (refund: RefundRow) => {
    if (refund.kind !== "compensation" || !refund.cause) return null;
    const cause = JSON.parse(refund.cause) as CompensationCause;
    return { orderCancelledAt: cause.cancelledAt ? new Date(cause.cancelledAt) : null, paymentCompletedAt: cause.completedAt ? new Date(cause.completedAt) : null };
  },
};
