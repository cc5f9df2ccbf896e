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
 * statements per call, whatever the number of payments.
 */
import crypto from "node:crypto";
import { sqlDate, type BulkDb } from "@ops/service-kit";
import type { Payment } from "../db.js";
import { PAYMENT_COLUMNS, PAYMENT_SELECT, toPayment, type PaymentRow } from "../paymentRow.js";
import { REFRESH_BATCH_STATUS, refreshBatchStatusParams } from "./paymentBatches.js";
import { emitPaymentsCompletedSync } from "./paymentEvents.js";
import { allowedPaymentMoves, refundAmount, type PaymentStatus } from "./paymentRules.js";

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

const SELECT_CURRENT = `${PAYMENT_SELECT} WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`;
// The status condition repeats the gate's check: the caller's write transaction holds the lock,
// so it never differs, but a status is never written on a stale read. A retry's new transaction
// ids come as a JSON object { "<payment id>": "<uuid>" }.
const UPDATE_STATUS = `UPDATE payments SET status = ?, updated_at = ?,
    failure_reason = CASE WHEN ? THEN ? ELSE failure_reason END,
    transaction_id = COALESCE(? ->> ('$."' || id || '"'), transaction_id)
  WHERE id IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?))
  RETURNING ${PAYMENT_COLUMNS}`;
const INSERT_ATTEMPTS = `INSERT INTO payment_attempts (payment_id, transaction_id, status, failure_reason, actor, created_at)
  SELECT value ->> 0, value ->> 1, ?, ?, ?, ? FROM json_each(?)`;
// UNIQUE(payment_id) on refunds stops a second refund the status would not: the caller's
// transaction fails rather than pay twice.
const INSERT_REFUNDS = `INSERT INTO refunds (payment_id, amount, reason, status, kind, cause, actor, created_at)
  SELECT value ->> 0, value ->> 1, value ->> 2, 'completed', value ->> 3, value ->> 4, ?, ? FROM json_each(?)`;

/** What a move writes into `failure_reason`: the reason of a failure, nothing after a completion or retry. */
function failureReason(move: PaymentMove): { set: boolean; value: string | null } {
  if (move.to === "FAILED") return { set: true, value: move.reason };
  if (move.to === "REFUNDED") return { set: false, value: null };
  return { set: true, value: null };
}

/**
 * Moves the payments among `ids` whose status allows `move.to`, inside the caller's write
 * transaction on `db`, with their attempts or refunds, batch statuses and events; reports the others.
 */
export function movePayments(db: BulkDb, move: PaymentMove): PaymentMoveResult {
  if (move.ids.length === 0) return { moved: [], refused: [], missing: [], events: 0 };
  const current = (db.statement(SELECT_CURRENT).all(JSON.stringify(move.ids)) as PaymentRow[]).map(toPayment);
  const allowed = current.filter((p) => allowedPaymentMoves(p.status).includes(move.to));
  const refused = current.filter((p) => !allowedPaymentMoves(p.status).includes(move.to)).map((p) => ({ id: p.id, status: p.status }));
  const found = new Set(current.map((p) => p.id));
  const missing = [...new Set(move.ids)].filter((id) => !found.has(id));
  if (allowed.length === 0) return { moved: [], refused, missing, events: 0 };

  const now = sqlDate(new Date());
  const sources = [...new Set(allowed.map((p) => p.status.toLowerCase()))];
  if (move.to === "REFUNDED") {
    const refunds = allowed.map((p) => {
      const r = move.refundOf(p);
      return [p.id, refundAmount(p), r.reason, r.kind, r.cause];
    });
    db.statement(INSERT_REFUNDS).run(move.actor, now, JSON.stringify(refunds));
  }
  const newTransactionIds = move.to === "PENDING" ? Object.fromEntries(allowed.map((p) => [String(p.id), crypto.randomUUID()])) : {};
  const reason = failureReason(move);
  const rows = db
    .prepare(UPDATE_STATUS)
    .all(move.to.toLowerCase(), now, reason.set ? 1 : 0, reason.value, JSON.stringify(newTransactionIds), JSON.stringify(allowed.map((p) => p.id)), JSON.stringify(sources)) as PaymentRow[];
  const moved = rows.map(toPayment).sort((a, b) => a.id - b.id);
  if (move.to === "COMPLETED" || move.to === "FAILED") {
    const attempts = moved.map((p) => [p.id, p.transactionId]);
    db.statement(INSERT_ATTEMPTS).run(move.to.toLowerCase(), reason.value, move.actor, now, JSON.stringify(attempts));
  }
  const batches = new Set(moved.flatMap((p) => (p.batchId ? [p.batchId] : [])));
  if (batches.size > 0) db.statement(REFRESH_BATCH_STATUS).run(...refreshBatchStatusParams(batches));
  let events = 0;
  if (move.to === "COMPLETED") {
    const [batchId] = batches;
    const payments = moved.map((p) => ({ paymentId: p.id, orderId: p.orderId, amount: p.amount }));
    events = emitPaymentsCompletedSync(db, payments, batches.size === 1 && moved.every((p) => p.batchId === batchId) ? batchId : undefined);
  }
  return { moved, refused, missing, events };
}
