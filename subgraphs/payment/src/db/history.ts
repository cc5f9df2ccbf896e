/** What payment moves leave behind: `payment_attempts` (completions, failures) and `refunds`. */
import { insertMany, readTimestamp } from "@ops/service-kit/data";
import type { PaymentAttempt, Refund } from "../domain/paymentTypes.js";
import { dialectOf, helpersOf, stamp, type Queries } from "./database.js";
import { statusOf } from "./paymentRows.js";

/** The refunds of these payments, oldest first. */
export async function refundsByPaymentIds(q: Queries, paymentIds: readonly number[]): Promise<Refund[]> {
  if (paymentIds.length === 0) return [];
  const rows = await q
    .selectFrom("refunds")
    .select(["id", "payment_id", "amount", "reason", "status", "kind", "cause", "actor", "created_at"])
    .where(helpersOf(q).inIds("payment_id", paymentIds))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    paymentId: Number(r.payment_id),
    amount: Number(r.amount),
    reason: r.reason,
    status: r.status,
    kind: r.kind,
    cause: r.cause,
    actor: r.actor,
    createdAt: readTimestamp(r.created_at),
  }));
}

/** The attempts of these payments, oldest first. */
export async function attemptsByPaymentIds(q: Queries, paymentIds: readonly number[]): Promise<PaymentAttempt[]> {
  if (paymentIds.length === 0) return [];
  const rows = await q
    .selectFrom("payment_attempts")
    .select(["id", "payment_id", "transaction_id", "status", "failure_reason", "actor", "created_at"])
    .where(helpersOf(q).inIds("payment_id", paymentIds))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    paymentId: Number(r.payment_id),
    transactionId: r.transaction_id,
    status: statusOf(r.status),
    failureReason: r.failure_reason,
    actor: r.actor,
    createdAt: readTimestamp(r.created_at),
  }));
}

/** One finished attempt: the payment and the transaction id it ran under. */
export interface NewAttempt {
  paymentId: number;
  transactionId: string;
}

/** Records finished attempts, all with the same outcome, reason and actor, in bulk. */
export async function insertAttempts(
  trx: Queries,
  attempts: readonly NewAttempt[],
  outcome: { status: "completed" | "failed"; failureReason: string | null; actor: string },
): Promise<void> {
  const now = stamp();
  await insertMany(
    trx,
    "payment_attempts",
    attempts.map((a) => ({
      payment_id: a.paymentId,
      transaction_id: a.transactionId,
      status: outcome.status,
      failure_reason: outcome.failureReason,
      actor: outcome.actor,
      created_at: now,
    })),
    // SQLite: 2,000 attempts (an import event's) in one statement of 12,000 values.
    dialectOf(trx) === "sqlite" ? { chunkSize: 2_000 } : {},
  );
}

export interface NewRefund {
  paymentId: number;
  amount: number;
  reason: string;
  kind: string;
  cause: string | null;
}

/**
 * Records refunds by `actor` in bulk. UNIQUE(payment_id) stops a second refund the status would
 * not: the caller's transaction fails rather than pay twice.
 */
export async function insertRefunds(trx: Queries, refunds: readonly NewRefund[], actor: string): Promise<void> {
  const now = stamp();
  await insertMany(
    trx,
    "refunds",
    refunds.map((r) => ({
      payment_id: r.paymentId,
      amount: r.amount,
      reason: r.reason,
      status: "completed",
      kind: r.kind,
      cause: r.cause,
      actor,
      created_at: now,
    })),
  );
}
