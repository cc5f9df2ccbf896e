/**
 * The payment status gate (DESIGN section 9): the only code that changes a payment's status, for
 * one payment or 2,000 — the API's complete, fail, retry and refund, the refunds and failures an
 * order's cancellation brings, the compensation refunds, and the COMPLETED payments an import
 * creates. Inside the caller's write transaction it checks each payment's move against the payment
 * status machine (paymentRules.ts), moves the payments it allows and writes what each move leaves
 * behind: a completed or failed attempt (`payment_attempts`), a refund (`refunds`), a new
 * transaction id for a retry, each with its actor; the status of the import batches concerned; and
 * `payment.completed` for completed payments. Payments whose status forbids the move are refused
 * with their status and left as they are: the API answers CONFLICT for its one payment, a bulk path
 * skips and counts them, so a repeated or late event never refunds or fails twice. A few
 * statements per call, whatever the number of payments; the checks are here, their SQL in
 * db/paymentStatus.ts (status), db/history.ts (attempts, refunds) and db/batches.ts.
 */
import crypto from "node:crypto";
import type { Queries } from "../db/database.js";
import { refreshBatchStatus } from "../db/batches.js";
import { insertAttempts, insertRefunds } from "../db/history.js";
import { paymentsByIds } from "../db/payments.js";
import { writePaymentStatus, type StatusWrite } from "../db/paymentStatus.js";
import { emitPaymentsCompleted } from "./paymentEvents.js";
import { allowedPaymentMoves, refundAmount, type PaymentStatus } from "./paymentRules.js";
import type { Payment } from "./paymentTypes.js";

/** Why and how a payment is refunded. */
export interface RefundDetail {
  reason: string;
  /** `operator` (the API), `cancellation` (its order was cancelled), `compensation` (paid after the cancellation). */
  kind: "operator" | "cancellation" | "compensation";
  /** A compensation's cause as JSON ({ cancelledAt, completedAt }). */
  cause: string | null;
}

interface Common {
  ids: readonly number[];
  /** Who asks: a user's or API key's name, or the service acting (`payment`). */
  actor: string;
}

/** A move to one status, with what that move needs. */
export type PaymentMove =
  | (Common & { to: "COMPLETED" })
  | (Common & { to: "FAILED"; reason: string })
  /** A retry: the payment gets a new transaction id. */
  | (Common & { to: "PENDING" })
  | (Common & { to: "REFUNDED"; refundOf: (payment: Payment) => RefundDetail });

/** A payment the gate did not move: its status does not allow the move. */
export interface RefusedPayment {
  id: number;
  status: PaymentStatus;
}

export interface PaymentMoveResult {
  /** The payments moved, as they are now, in id order. */
  moved: Payment[];
  /** The payments whose status forbids the move, in id order. */
  refused: RefusedPayment[];
  /** Ids that name no payment. */
  missing: number[];
  /** Outbox events written (`payment.completed`: 0 or 1). */
  events: number;
}

/** The actor recorded for what the service does by itself (events, imports). */
export const SERVICE_ACTOR = "payment";

/** What a move writes into `failure_reason`: the reason of a failure, nothing after a completion or retry, untouched by a refund. */
function failureReason(move: PaymentMove): StatusWrite["failureReason"] {
  if (move.to === "FAILED") return { value: move.reason };
  if (move.to === "REFUNDED") return undefined;
  return { value: null };
}

const stored = (status: PaymentStatus) => status.toLowerCase() as StatusWrite["to"];

/**
 * Moves the payments among `ids` whose status allows `move.to`, inside the caller's write
 * transaction `trx`, with their attempts or refunds, batch statuses and events; reports the others.
 */
export async function movePayments(trx: Queries, move: PaymentMove): Promise<PaymentMoveResult> {
  if (move.ids.length === 0) return { moved: [], refused: [], missing: [], events: 0 };
  const current = await paymentsByIds(trx, move.ids);
  const allowed = current.filter((p) => allowedPaymentMoves(p.status).includes(move.to));
  const refused = current.filter((p) => !allowedPaymentMoves(p.status).includes(move.to)).map((p) => ({ id: p.id, status: p.status }));
  const found = new Set(current.map((p) => p.id));
  const missing = [...new Set(move.ids)].filter((id) => !found.has(id));
  if (allowed.length === 0) return { moved: [], refused, missing, events: 0 };

  if (move.to === "REFUNDED") {
    const refunds = allowed.map((p) => ({ paymentId: p.id, amount: refundAmount(p), ...move.refundOf(p) }));
    await insertRefunds(trx, refunds, move.actor);
  }
  const reason = failureReason(move);
  const moved = await writePaymentStatus(trx, {
    ids: allowed.map((p) => p.id),
    to: stored(move.to),
    // The gate's check, repeated in the statement: a status is never written on a stale read.
    from: [...new Set(allowed.map((p) => stored(p.status)))],
    ...(reason ? { failureReason: reason } : {}),
    ...(move.to === "PENDING" ? { transactionIds: new Map(allowed.map((p) => [p.id, crypto.randomUUID()])) } : {}),
  });
  if (move.to === "COMPLETED" || move.to === "FAILED") {
    await insertAttempts(
      trx,
      moved.map((p) => ({ paymentId: p.id, transactionId: p.transactionId })),
      { status: move.to === "COMPLETED" ? "completed" : "failed", failureReason: reason?.value ?? null, actor: move.actor },
    );
  }
  const batches = new Set(moved.flatMap((p) => (p.batchId ? [p.batchId] : [])));
  await refreshBatchStatus(trx, batches);
  let events = 0;
  if (move.to === "COMPLETED") {
    const [batchId] = batches;
    const payments = moved.map((p) => ({ paymentId: p.id, orderId: p.orderId, amount: p.amount }));
    events = await emitPaymentsCompleted(trx, payments, batches.size === 1 && moved.every((p) => p.batchId === batchId) ? batchId : undefined);
  }
  return { moved, refused, missing, events };
}
