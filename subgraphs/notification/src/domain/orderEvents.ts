/**
 * The order events this service receives (DESIGN section 5): `order.confirmed`, `order.shipped`
 * and `order.cancelled` each send the customer an e-mail, rendered from the order snapshot the
 * event carries (no call back to the order service). One event may carry hundreds of orders: the
 * event is marked processed and every notification stored in ONE transaction (so a redelivered
 * event adds nothing), then handed to the transport after the commit. A template that is missing
 * or cannot be rendered stores the notification FAILED with the reason: throwing instead would
 * make the producer retry an event that can never succeed.
 */
import { markProcessed, type EventEnvelope } from "@ops/service-kit";
import type { NotificationDb, Prisma } from "../db.js";
import { renderMessage } from "./renderTemplate.js";
import { templateContext, type OrderData } from "./templateContext.js";

/** An order as the order service describes it in its events (its `OrderSnapshot`). */
export interface OrderEventSnapshot {
  id: number;
  customerName: string;
  customerEmail: string;
  status: string;
  totalAmount: number;
  currency: string;
  createdAt: string;
  updatedAt: string;
  cancelReason: string | null;
  items: { productName: string; quantity: number; unitPrice: number; subtotal: number }[];
}

/** The data of every order event: the orders that changed, many per event. */
export interface OrderEventData {
  orders: OrderEventSnapshot[];
}

/** Which template each order event sends. */
export const EVENT_TEMPLATES: Readonly<Record<string, string>> = {
  "order.confirmed": "ORDER_CONFIRMATION",
  "order.shipped": "ORDER_SHIPPED",
  "order.cancelled": "ORDER_CANCELLED",
};

export interface AppliedEvent {
  result: "applied" | "duplicate" | "ignored";
  /** Notifications stored PENDING by this event, to hand to the transport after the commit. */
  toDeliver: number[];
}

const MAX_REASON = 1000;

/** The snapshot in the shape templates render from (the order service's `order(id:)` answer). */
export function snapshotToOrderData(s: OrderEventSnapshot): OrderData {
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

/** The orders of an order event; throws (the producer retries, then dead-letters) when malformed. */
function orderSnapshots(event: EventEnvelope): OrderEventSnapshot[] {
  const orders = (event.data as Partial<OrderEventData> | null)?.orders;
  const valid = Array.isArray(orders) && orders.every((o) => !!o && Number.isInteger(o.id) && typeof o.customerEmail === "string");
  if (!valid) throw new Error(`event ${event.id} (${event.type}) has no valid data.orders list`);
  return orders;
}

const reasonText = (text: string) => text.slice(0, MAX_REASON);

/**
 * Applies one order event exactly once: records its id and stores a notification per order (PENDING,
 * or FAILED when the template is missing or does not render), all in one transaction. Unknown
 * event types are recorded and ignored. The caller delivers `toDeliver` after this resolves.
 */
export async function applyOrderEvent(db: NotificationDb, event: EventEnvelope): Promise<AppliedEvent> {
  return db.$transaction(async (tx) => {
    if (!(await markProcessed(tx, event))) return { result: "duplicate", toDeliver: [] };
    const templateName = EVENT_TEMPLATES[event.type];
    if (!templateName) return { result: "ignored", toDeliver: [] };
    const orders = orderSnapshots(event);
    if (orders.length === 0) return { result: "applied", toDeliver: [] };
    const template = await tx.notificationTemplate.findUnique({ where: { name: templateName } });
    const rows = orders.map((order): Prisma.NotificationCreateManyInput => {
      const base = { orderId: order.id, channel: "EMAIL" as const, templateName, recipient: order.customerEmail };
      if (!template) {
        return { ...base, status: "FAILED", failureReason: reasonText(`There is no template named "${templateName}" (event ${event.type}); create it, then send with sendNotification`) };
      }
      try {
        const message = renderMessage(template, "EMAIL", templateContext(snapshotToOrderData(order)), { subject: "subjectTemplate", body: "bodyTemplate" });
        return { ...base, subject: message.subject, body: message.body, status: "PENDING" };
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        return { ...base, status: "FAILED", failureReason: reasonText(`Template "${templateName}" could not be rendered: ${reason}`) };
      }
    });
    const created = await tx.notification.createManyAndReturn({ data: rows, select: { id: true, status: true } });
    return { result: "applied", toDeliver: created.filter((n) => n.status === "PENDING").map((n) => n.id) };
  });
}
