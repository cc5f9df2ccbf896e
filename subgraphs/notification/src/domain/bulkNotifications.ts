/**
 * The statements of the bulk path (service-kit's `openBulkDb`): finding the orders that already
 * have a notification of a template, rendering many orders with one compiled template, inserting
 * all their notifications with one prepared statement, and recording the outcome of a bulk
 * hand-over in one UPDATE. Everything but `recordBulkDelivery` runs synchronously inside the
 * caller's `BulkDb.write` transaction (deduplicating the event there is service-kit's
 * `markProcessedSync`).
 *
 * Each execution obtains its statement through `bulk.statement(sql)` (a cached prepared
 * statement), which reports it to the query log: tests count the statements run.
 */
import type { OrderSnapshot } from "@ops/contracts";
import { sqlDate, type BulkDb } from "@ops/service-kit";
import { compileMessage, type RenderedMessage } from "./renderTemplate.js";
import { templateContext, type OrderData, type TemplateContext } from "./templateContext.js";

/** A notification committed PENDING, with everything the transport needs (no re-read). */
export interface PendingMessage {
  id: number;
  channel: "EMAIL" | "SMS";
  recipient: string;
  subject: string | null;
  body: string;
}

/** A row for `insertNotifications` (EMAIL: every event-driven notification is an e-mail). */
export interface NewNotificationRow {
  orderId: number;
  templateName: string;
  recipient: string;
  subject: string | null;
  body: string | null;
  status: "pending" | "failed" | "not_sent";
  failureReason: string | null;
  batchId: string | null;
}

export type BulkOutcome = { ok: true; at: Date } | { ok: false; reason: string };

const MAX_REASON = 1000;
const reasonText = (text: string) => text.slice(0, MAX_REASON);

/** The orders among `orderIds` that have a notification of `templateName` in any status: one SELECT. */
export function ordersWithTemplate(bulk: BulkDb, orderIds: readonly number[], templateName: string): Set<number> {
  if (orderIds.length === 0) return new Set();
  const rows = bulk
    .statement("SELECT DISTINCT order_id FROM notifications WHERE order_id IN (SELECT value FROM json_each(?)) AND template_name = ?")
    .all(JSON.stringify(orderIds), templateName) as { order_id: number }[];
  return new Set(rows.map((r) => r.order_id));
}

interface TemplateSources {
  subjectTemplate: string;
  bodyTemplate: string;
}

function templateSources(bulk: BulkDb, name: string): TemplateSources | undefined {
  return bulk
    .statement("SELECT subject_template AS subjectTemplate, body_template AS bodyTemplate FROM notification_templates WHERE name = ?")
    .get(name) as TemplateSources | undefined;
}

/** The snapshot in the shape templates render from (the order service's `order(id:)` answer). */
export function snapshotToOrderData(s: OrderSnapshot): OrderData {
  return {
    id: String(s.id),
    customerName: s.customerName,
    customerEmail: s.customerEmail,
    totalAmount: s.totalAmount,
    currency: s.currency,
    status: s.status,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    items: s.items ?? [],
  };
}

export interface RenderOptions {
  /** The event, for the reasons stored when the template is missing. */
  eventType: string;
  batchId: string | null;
  /** true: PENDING, to hand to the transport; false: NOT_SENT, rendered for the record only. */
  deliver: boolean;
}

/**
 * Renders `templateName` (read and compiled once) for every order. A missing template or one that
 * does not render gives FAILED rows with the reason when they were to be sent (never a throw: the
 * producer would retry an event that can never succeed), NOT_SENT rows with the reason otherwise.
 */
export function renderNotifications(bulk: BulkDb, templateName: string, orders: readonly OrderSnapshot[], options: RenderOptions): NewNotificationRow[] {
  const sources = templateSources(bulk, templateName);
  const status = options.deliver ? "pending" : "not_sent";
  const unrendered = options.deliver ? "failed" : "not_sent";
  const { batchId } = options;
  const row = (order: OrderSnapshot, subject: string | null, body: string | null, rowStatus: NewNotificationRow["status"], failureReason: string | null): NewNotificationRow => ({
    orderId: order.id,
    templateName,
    recipient: order.customerEmail,
    subject,
    body,
    status: rowStatus,
    failureReason,
    batchId,
  });
  if (!sources) {
    const reason = reasonText(`There is no template named "${templateName}" (event ${options.eventType}); create it, then send with sendNotification`);
    return orders.map((order) => row(order, null, null, unrendered, reason));
  }
  const render: (context: TemplateContext) => RenderedMessage = compileMessage(sources, "EMAIL", { subject: "subjectTemplate", body: "bodyTemplate" });
  return orders.map((order) => {
    try {
      const message = render(templateContext(snapshotToOrderData(order)));
      return row(order, message.subject, message.body, status, null);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      return row(order, null, null, unrendered, reasonText(`Template "${templateName}" could not be rendered: ${reason}`));
    }
  });
}

const NOTIFICATION_VALUES = "(?, 'email', ?, ?, ?, ?, ?, ?, ?, 0, ?)";
const insertSql = (rows: number) =>
  `INSERT INTO notifications (order_id, channel, template_name, recipient, subject, body, status, created_at, failure_reason, attempt_count, batch_id)
     VALUES ${Array(rows).fill(NOTIFICATION_VALUES).join(", ")} RETURNING id`;
/** Rows per INSERT: one statement for many rows keeps SQLite's per-statement work (the triggers'
 * statement journal above all) once per 500 notifications instead of once per notification. */
const ROWS_PER_INSERT = 500;
const FULL_INSERT = insertSql(ROWS_PER_INSERT);
const ONE_ROW_INSERT = insertSql(1);

/**
 * Inserts every row (created now, EMAIL, never attempted), ROWS_PER_INSERT per statement and the
 * rest one by one (two cached statements, not one per size), and returns the PENDING ones as
 * messages for the transport.
 */
export function insertNotifications(bulk: BulkDb, rows: readonly NewNotificationRow[]): PendingMessage[] {
  const createdAt = sqlDate(new Date());
  const pending: PendingMessage[] = [];
  const values = (r: NewNotificationRow) => [r.orderId, r.templateName, r.recipient, r.subject, r.body, r.status, createdAt, r.failureReason, r.batchId];
  const written = (slice: readonly NewNotificationRow[], returned: { id: number }[]) => {
    // Ids are given in the order the rows go in (VALUES order); RETURNING's own order is not promised.
    const ids = [...returned].sort((a, b) => a.id - b.id);
    slice.forEach((r, k) => {
      if (r.status === "pending") pending.push({ id: ids[k]!.id, channel: "EMAIL", recipient: r.recipient, subject: r.subject, body: r.body ?? "" });
    });
  };
  let start = 0;
  for (; start + ROWS_PER_INSERT <= rows.length; start += ROWS_PER_INSERT) {
    const slice = rows.slice(start, start + ROWS_PER_INSERT);
    written(slice, bulk.statement(FULL_INSERT).all(...slice.flatMap(values)) as { id: number }[]);
  }
  for (const r of rows.slice(start)) written([r], bulk.statement(ONE_ROW_INSERT).all(...values(r)) as { id: number }[]);
  return pending;
}

/** The PENDING notifications among `ids`, as messages (the sweeper's bulk hand-over): one SELECT. */
export function pendingMessages(bulk: BulkDb, ids: readonly number[]): PendingMessage[] {
  if (ids.length === 0) return [];
  return bulk
    .statement(
      `SELECT id, upper(channel) AS channel, recipient, subject, COALESCE(body, '') AS body FROM notifications
       WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(JSON.stringify(ids)) as PendingMessage[];
}

/**
 * Records one bulk hand-over: SENT with `sent_at`, or FAILED with the reason, for every id still
 * PENDING, in ONE statement. Resolves to how many rows changed.
 */
export async function recordBulkDelivery(bulk: BulkDb, ids: readonly number[], outcome: BulkOutcome): Promise<number> {
  if (ids.length === 0) return 0;
  const list = JSON.stringify(ids);
  return bulk.write(() => {
    const result = outcome.ok
      ? bulk
          .statement(
            `UPDATE notifications SET status = 'sent', sent_at = ?, attempt_count = attempt_count + 1
             WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))`,
          )
          .run(sqlDate(outcome.at), list)
      : bulk
          .statement(
            `UPDATE notifications SET status = 'failed', failure_reason = ?, attempt_count = attempt_count + 1
             WHERE status = 'pending' AND id IN (SELECT value FROM json_each(?))`,
          )
          .run(reasonText(outcome.reason), list);
    return result.changes;
  });
}
