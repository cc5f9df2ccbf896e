/**
 * Which notification may be resent: PENDING → SENT | FAILED, FAILED → PENDING for a resend.
 * NOT_SENT (stored so by an import with sendConfirmations: NONE) is final. Pure.
 */
import { ConflictError, NotFoundError } from "@ops/service-kit";
import type { Notification } from "./notification.js";

/** The CONFLICT of a notification that is not (or no longer) FAILED. */
export function notResendable(id: number, status: string): ConflictError {
  return new ConflictError(`Notification ${id} is ${status}; only a FAILED notification can be resent`, {
    field: "id",
    params: { status, allowed: ["FAILED"] },
  });
}

/**
 * Throws NOT_FOUND when there is no notification `id`, CONFLICT unless it is FAILED with a
 * rendered message (one stored FAILED before rendering has nothing to resend).
 */
export function assertResendable(id: number, current: Notification | null): Notification {
  if (!current) throw new NotFoundError(`Notification ${id} does not exist`, { field: "id", params: { id } });
  // Deliberately not sent (an import with sendConfirmations: NONE): the decision stands.
  if (current.status === "NOT_SENT") {
    throw new ConflictError(
      `Notification ${id} is NOT_SENT: it was deliberately not sent (an import with sendConfirmations: NONE) and cannot be resent; send a new one with sendNotification`,
      { field: "id", params: { status: current.status, allowed: ["FAILED"] } },
    );
  }
  if (current.status !== "FAILED") throw notResendable(id, current.status);
  // Stored FAILED before rendering (missing or broken template, order-event flow): nothing to resend.
  if (current.body === null) {
    throw new ConflictError(`Notification ${id} was never rendered (${current.failureReason ?? "no message"}); fix the template, then send a new one`, {
      field: "id",
      params: { status: current.status, reason: "NOT_RENDERED" },
    });
  }
  return current;
}
