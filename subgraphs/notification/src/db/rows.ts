/**
 * Rows as either database returns them → the service's values: timestamps (SQLite text,
 * PostgreSQL Date), numbers (PostgreSQL BIGINT), enums (stored lower case, shown upper case).
 */
import { sql, type Selectable } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import type { Channel, Notification, NotificationStatus, NotificationTemplate } from "../domain/notification.js";
import type { DB } from "./database.js";

export type NotificationRow = Selectable<DB["notifications"]>;
export type TemplateRow = Selectable<DB["notification_templates"]>;

/** Every column of `notifications`, in one list so each read selects the same. */
export const NOTIFICATION_COLUMNS = [
  "id",
  "order_id",
  "channel",
  "template_name",
  "recipient",
  "subject",
  "body",
  "status",
  "sent_at",
  "created_at",
  "failure_reason",
  "attempt_count",
  "batch_id",
  "idempotency_key",
] as const;

export const TEMPLATE_COLUMNS = ["id", "name", "subject_template", "body_template", "channel", "language"] as const;

const upper = <T extends string>(value: string) => value.toUpperCase() as T;

/** A `notifications` row as the service sees it. */
export function toNotification(r: NotificationRow): Notification {
  return {
    id: Number(r.id),
    orderId: Number(r.order_id),
    channel: upper<Channel>(r.channel),
    templateName: r.template_name,
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    status: upper<NotificationStatus>(r.status),
    sentAt: r.sent_at === null ? null : readTimestamp(r.sent_at),
    createdAt: readTimestamp(r.created_at),
    failureReason: r.failure_reason,
    attemptCount: Number(r.attempt_count),
    batchId: r.batch_id,
    idempotencyKey: r.idempotency_key,
  };
}

/** A `notification_templates` row as the service sees it. */
export function toTemplate(r: TemplateRow): NotificationTemplate {
  return {
    id: Number(r.id),
    name: r.name,
    subjectTemplate: r.subject_template,
    bodyTemplate: r.body_template,
    channel: upper<Channel>(r.channel),
    language: r.language,
  };
}

/** The stored (lower-case) value of an enum. */
export const stored = <T extends string>(value: string) => value.toLowerCase() as Lowercase<T>;

/**
 * A timestamp parameter for a timestamp column (the generated types call them strings): the kit's
 * drivers write a Date as each database stores it (SQLite: Prisma's text; PostgreSQL: UTC).
 */
export const at = (date: Date) => sql<string>`${date}`;
