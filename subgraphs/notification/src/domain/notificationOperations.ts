/**
 * Notification state changes: PENDING → SENT | FAILED, FAILED → PENDING for a resend. NOT_SENT
 * (stored so by an import with sendConfirmations: NONE) is final.
 * Each runs inside the transaction it is given (a later issue adds outbox events alongside).
 */
import { ConflictError, NotFoundError } from "@ops/service-kit";
import type { Channel, NotificationTx } from "../db.js";

export interface NewNotification {
  orderId: number;
  channel: Channel;
  templateName: string;
  recipient: string;
  subject: string | null;
  body: string;
  /** The caller's sendNotification key, if it gave one. */
  idempotencyKey?: string | null;
}

export type DeliveryOutcome = { ok: true; at: Date } | { ok: false; reason: string };

/** Stores a rendered notification as PENDING, before it is handed to a transport. */
export function createPendingNotification(tx: NotificationTx, notification: NewNotification) {
  return tx.notification.create({ data: { ...notification, status: "PENDING" } });
}

/** What a notification that could not be rendered records: no message, the reason, never attempted. */
export interface UnrenderedNotification extends Omit<NewNotification, "subject" | "body"> {
  failureReason: string;
}

/** Stores a notification whose template could not be rendered for its order, as FAILED with the reason. */
export function createUnrenderedNotification(tx: NotificationTx, notification: UnrenderedNotification) {
  return tx.notification.create({ data: { ...notification, subject: null, body: null, status: "FAILED" } });
}

/**
 * Records one delivery attempt of a PENDING notification: SENT with `sentAt`, or FAILED with the
 * reason. The last failure reason is kept after a later success, as history.
 */
export async function recordDelivery(tx: NotificationTx, id: number, outcome: DeliveryOutcome) {
  const updated = await tx.notification.updateMany({
    where: { id, status: "PENDING" },
    data: outcome.ok
      ? { status: "SENT", sentAt: outcome.at, attemptCount: { increment: 1 } }
      : { status: "FAILED", failureReason: outcome.reason, attemptCount: { increment: 1 } },
  });
  if (updated.count !== 1) throw new ConflictError(`Notification ${id} is no longer pending`, { params: { id } });
  return tx.notification.findUniqueOrThrow({ where: { id } });
}

/** Moves a FAILED notification back to PENDING for a resend; CONFLICT in any other status or when it has no rendered message. */
export async function reopenForResend(tx: NotificationTx, id: number) {
  const current = await tx.notification.findUnique({ where: { id } });
  if (!current) throw new NotFoundError(`Notification ${id} does not exist`, { field: "id", params: { id } });
  const refuse = (status: string) =>
    new ConflictError(`Notification ${id} is ${status}; only a FAILED notification can be resent`, {
      field: "id",
      params: { status, allowed: ["FAILED"] },
    });
  // Deliberately not sent (an import with sendConfirmations: NONE): the decision stands.
  if (current.status === "NOT_SENT") {
    throw new ConflictError(
      `Notification ${id} is NOT_SENT: it was deliberately not sent (an import with sendConfirmations: NONE) and cannot be resent; send a new one with sendNotification`,
      { field: "id", params: { status: current.status, allowed: ["FAILED"] } },
    );
  }
  if (current.status !== "FAILED") throw refuse(current.status);
  // Stored FAILED before rendering (missing or broken template, order-event flow): nothing to resend.
  if (current.body === null) {
    throw new ConflictError(`Notification ${id} was never rendered (${current.failureReason ?? "no message"}); fix the template, then send a new one`, {
      field: "id",
      params: { status: current.status, reason: "NOT_RENDERED" },
    });
  }
  // The status guard makes a concurrent second resend fail instead of sending twice.
  const updated = await tx.notification.updateMany({ where: { id, status: "FAILED" }, data: { status: "PENDING" } });
  if (updated.count !== 1) throw refuse("being resent");
  return tx.notification.findUniqueOrThrow({ where: { id } });
}
