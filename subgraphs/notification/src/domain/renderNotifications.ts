/**
 * Rendering many orders with one compiled template (the order events and import confirmations):
 * a missing template or one that does not render gives FAILED rows with the reason when they were
 * to be sent (never a throw: the producer would retry an event that can never succeed), NOT_SENT
 * rows with the reason otherwise. Pure: the caller reads the template and stores the rows.
 */
import type { OrderSnapshot } from "@ops/contracts";
import type { NewNotificationRow } from "./notification.js";
import { compileMessage, type RenderedMessage } from "./renderTemplate.js";
import { templateContext, type OrderData, type TemplateContext } from "./templateContext.js";

const MAX_REASON = 1000;
const reasonText = (text: string) => text.slice(0, MAX_REASON);

/** A template's two sources. */
export interface TemplateSources {
  subjectTemplate: string;
  bodyTemplate: string;
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

/** Renders `templateName` (`sources`, null when there is no such template), compiled once, for every order. */
export function renderNotifications(
  templateName: string,
  sources: TemplateSources | null,
  orders: readonly OrderSnapshot[],
  options: RenderOptions,
): NewNotificationRow[] {
  const status = options.deliver ? "PENDING" : "NOT_SENT";
  const unrendered = options.deliver ? "FAILED" : "NOT_SENT";
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
