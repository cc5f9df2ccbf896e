/** What the service's code works with: a notification and a template, as the API shows them. */
import type { Channel } from "./validateTemplate.js";

export type { Channel };
export type NotificationStatus = "PENDING" | "SENT" | "FAILED" | "NOT_SENT";

export interface Notification {
  id: number;
  orderId: number;
  channel: Channel;
  templateName: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  status: NotificationStatus;
  sentAt: Date | null;
  createdAt: Date;
  failureReason: string | null;
  attemptCount: number;
  /** The import batch whose orders this notification is about. */
  batchId: string | null;
  /** The caller's sendNotification key, if it gave one. */
  idempotencyKey: string | null;
}

export interface NotificationTemplate {
  id: number;
  name: string;
  subjectTemplate: string;
  bodyTemplate: string;
  channel: Channel;
  language: string;
}

/** A notification committed PENDING, with everything the transport needs (no re-read). */
export interface PendingMessage {
  id: number;
  channel: Channel;
  recipient: string;
  subject: string | null;
  body: string;
}

/** The outcome of one hand-over to a transport. */
export type DeliveryOutcome = { ok: true; at: Date } | { ok: false; reason: string };

/** A new notification of the bulk paths (every event-driven notification is an e-mail). */
export interface NewNotificationRow {
  orderId: number;
  templateName: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  status: "PENDING" | "FAILED" | "NOT_SENT";
  failureReason: string | null;
  batchId: string | null;
}
