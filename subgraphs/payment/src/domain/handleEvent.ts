/**
 * Events the payment service receives, each applied exactly once (the dedup mark and every
 * effect in one transaction of the payment database); every payment move goes through the payment
 * gate (paymentGate.ts), which refuses — and the handlers count — the moves the machine forbids:
 *
 * - `import.payments` creates an imported chunk's payments (see importPayments.ts).
 * - `order.cancelled` settles each named order's payment: a COMPLETED one is refunded in full
 *   (reason: the cancellation reason), a PENDING one is FAILED ("order cancelled"); anything else
 *   (no payment, FAILED, REFUNDED) is left alone, so a repeated or late event never refunds twice.
 *   A payment that completed *after* the order was cancelled (a race between an operator's
 *   cancellation and the customer's payment) is refunded as a system compensation: kind
 *   `compensation`, the two times as its cause, and an entry in the audit trail.
 * - `order.payment_refused`: the order service received `payment.completed` for an order that
 *   was already cancelled (the payment was retried and completed after the cancellation had
 *   failed it): each payment still COMPLETED is refunded the same way.
 *   Undoing an import batch cancels thousands of orders in one event, so this is a bulk path too:
 *   a handful of statements per event instead of several Prisma calls per order (measured at
 *   ~400 orders/s, and a 33k-order batch would outlive Prisma's transaction timeout).
 */
import { IMPORT_PAYMENTS, isEvent, ORDER_CANCELLED, ORDER_PAYMENT_REFUSED, type OrderEventData, type PaymentRefusedData } from "@ops/contracts";
import { markProcessed, writeAudit, type EventEnvelope, type EventHandler, type Identity, type Logger } from "@ops/service-kit";
import type { PaymentDatabase, Queries } from "../db/database.js";
import { paymentsToSettle, type PaymentToSettle } from "../db/payments.js";
import { applyImportPayments } from "./importPayments.js";
import { movePayments, SERVICE_ACTOR, type RefundDetail } from "./paymentGate.js";
import { MAX_REASON_LENGTH, refundAmount } from "./paymentRules.js";

/** What this service reads of `order.cancelled`'s snapshots; `updatedAt` is when the order was cancelled. */
type CancelledOrder = Pick<OrderEventData["orders"][number], "id" | "cancelReason" | "updatedAt">;

/** The reason recorded on a compensation refund (its kind and cause say the rest). */
export const COMPENSATION_REASON = "payment completed after the order was cancelled: refunded automatically";

/** The reason recorded when the order gives none, and on a payment failed by a cancellation. */
export const CANCELLED_REASON = "order cancelled";

/** What happened to one order's payment. */
export type CancelEffect = "refunded" | "failed" | "none";

/** The refund reason for a cancellation: the order's reason, within the refund's length limit. */
export function cancellationRefundReason(cancelReason: string | null | undefined): string {
  const reason = cancelReason?.trim();
  return reason ? reason.slice(0, MAX_REASON_LENGTH) : CANCELLED_REASON;
}

/** The service itself, as the audit trail shows what it does on its own. */
const SERVICE_IDENTITY: Identity = { kind: "service", name: SERVICE_ACTOR, role: "admin" };

/**
 * Refunds the payments among `payments` that the gate allows (COMPLETED ones) with the detail
 * `refundOf` gives each; a compensation also gets its audit entry (the system, not a person, gave
 * the money back — the trail must say why). Returns the ids refunded and how many were refused.
 */
async function refund(trx: Queries, payments: readonly PaymentToSettle[], refundOf: (p: PaymentToSettle) => RefundDetail): Promise<{ refunded: Set<number>; refused: number }> {
  const byId = new Map(payments.map((p) => [p.id, p]));
  const { moved, refused } = await movePayments(trx, { to: "REFUNDED", ids: [...byId.keys()], actor: SERVICE_ACTOR, refundOf: (p) => refundOf(byId.get(p.id)!) });
  const at = new Date();
  for (const p of moved) {
    const detail = refundOf(byId.get(p.id)!);
    if (detail.kind !== "compensation") continue;
    const args = { amount: refundAmount(p), ...(JSON.parse(detail.cause!) as object) };
    await writeAudit(trx, { at, identity: SERVICE_IDENTITY, action: "compensationRefund", objectType: "Payment", objectId: String(p.id), outcome: "SUCCESS", errorCode: null, args });
  }
  return { refunded: new Set(moved.map((p) => p.id)), refused: refused.length };
}

/** True when the payment completed after `cancelledAt` (when its order was cancelled). */
function completedAfter(p: PaymentToSettle, cancelledAt: string | null | undefined): boolean {
  return !!p.completedAt && !!cancelledAt && p.completedAt.getTime() > Date.parse(cancelledAt);
}

/** A compensation: the system gives back a payment its cancelled order cannot use. */
function compensationRefund(p: PaymentToSettle, cancelledAt: string | null | undefined): RefundDetail {
  const completedAt = p.completedAt ? p.completedAt.toISOString() : null;
  return { reason: COMPENSATION_REASON, kind: "compensation", cause: JSON.stringify({ cancelledAt: cancelledAt ?? null, completedAt }) };
}

/** What one settling event did: payments refunded and failed, and those the gate refused (already failed or refunded). */
export interface SettleCounts {
  refunded: number;
  failed: number;
  refused: number;
}

/**
 * Applies `order.cancelled` for every order it names, inside the caller's transaction `trx`,
 * through the payment gate: every payment of those orders is offered for a refund (the gate
 * refunds the COMPLETED ones and refuses the others) and the PENDING ones are failed. Returns the
 * effect per order id and the counts. Refunds add no attempt (as `refundPayment`); failures
 * record the failed attempt (as `failPayment`).
 */
export async function applyOrdersCancelled(
  trx: Queries,
  data: { orders: readonly CancelledOrder[] },
): Promise<{ effects: Map<number, CancelEffect>; counts: SettleCounts }> {
  const orders = Array.isArray(data?.orders) ? data.orders.filter((o) => Number.isSafeInteger(o?.id)) : [];
  // A batch naming an order twice must not settle it twice: the first mention wins.
  const reasons = new Map<number, string | null | undefined>();
  const cancelledAt = new Map<number, string | null | undefined>();
  for (const o of orders) {
    if (reasons.has(o.id)) continue;
    reasons.set(o.id, o.cancelReason);
    cancelledAt.set(o.id, o.updatedAt);
  }
  const effects = new Map<number, CancelEffect>([...reasons.keys()].map((id) => [id, "none"]));
  if (reasons.size === 0) return { effects, counts: { refunded: 0, failed: 0, refused: 0 } };

  const payments = await paymentsToSettle(trx, [...reasons.keys()]);
  const pending = payments.filter((p) => p.status === "pending");
  const others = payments.filter((p) => p.status !== "pending");
  // Completed after the cancellation (the event was on its way): a compensation, not a cancellation refund.
  const { refunded, refused } = await refund(trx, others, (p) => {
    const at = cancelledAt.get(p.orderId);
    return completedAfter(p, at) ? compensationRefund(p, at) : { reason: cancellationRefundReason(reasons.get(p.orderId)), kind: "cancellation", cause: null };
  });
  const failed = await movePayments(trx, { to: "FAILED", ids: pending.map((p) => p.id), reason: CANCELLED_REASON, actor: SERVICE_ACTOR });
  const failedIds = new Set(failed.moved.map((p) => p.id));
  for (const p of payments) {
    if (refunded.has(p.id)) effects.set(p.orderId, "refunded");
    else if (failedIds.has(p.id)) effects.set(p.orderId, "failed");
  }
  return { effects, counts: { refunded: refunded.size, failed: failedIds.size, refused: refused + failed.refused.length } };
}

/** Applies `order.payment_refused`: each payment still COMPLETED is refunded as a compensation; the gate refuses the others. */
export async function applyPaymentsRefused(trx: Queries, data: PaymentRefusedData): Promise<SettleCounts> {
  const named = Array.isArray(data?.payments) ? data.payments.filter((p) => Number.isSafeInteger(p?.orderId)) : [];
  if (named.length === 0) return { refunded: 0, failed: 0, refused: 0 };
  const cancelledAt = new Map(named.map((p) => [p.orderId, p.cancelledAt]));
  const payments = await paymentsToSettle(trx, [...cancelledAt.keys()]);
  // The order service saw the completion after the cancellation: a compensation whatever the clocks say.
  const { refunded, refused } = await refund(trx, payments, (p) => compensationRefund(p, cancelledAt.get(p.orderId)));
  return { refunded: refunded.size, failed: 0, refused };
}

export interface PaymentEventDeps {
  database: PaymentDatabase;
  logger: Logger;
  /** Wakes the outbox dispatcher (after a commit that wrote events). */
  wake: () => void;
}

/**
 * Applies one event exactly once: "duplicate" when its id was processed before, "ignored" for a
 * type this service does not act on (still marked, so it is acknowledged). Throws (and so rolls
 * everything back and makes the producer retry) when an effect fails.
 */
export function createPaymentEventHandler(deps: PaymentEventDeps): EventHandler {
  const { database, logger, wake } = deps;
  return async (event: EventEnvelope) => {
    if (isEvent(event, IMPORT_PAYMENTS)) {
      const result = await applyImportPayments(database, event, logger);
      if (result.events > 0) wake();
      return result.status;
    }
    return database.transaction(async (trx) => {
      if (!(await markProcessed(trx, event))) return "duplicate";
      // Refunds and failures caused by a cancellation produce no event: nothing to wake.
      if (isEvent(event, ORDER_CANCELLED)) {
        const { counts } = await applyOrdersCancelled(trx, event.data);
        // Payments already failed or refunded are skipped by the gate, never settled twice.
        if (counts.refused > 0) logger.info("order.cancelled: payments already settled were skipped", { ...counts, eventId: event.id });
      } else if (isEvent(event, ORDER_PAYMENT_REFUSED)) {
        const counts = await applyPaymentsRefused(trx, event.data);
        if (counts.refunded > 0) logger.warn("payments completed after their orders were cancelled were refunded", { ...counts, eventId: event.id });
      } else return "ignored";
      return "applied";
    });
  };
}
