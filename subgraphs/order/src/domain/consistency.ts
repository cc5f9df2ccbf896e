/**
 * The consistency report (DESIGN section 5): orders whose services disagree, computed from the
 * order service's own rows and what the payment and notification services report through their
 * APIs. Pure: the caller gathers the three views — for one range of order ids at a time, so a
 * payment or notification of the range without its order is one "without order".
 * (A deliberately unsent notification, NOT_SENT, matches as much as a sent one: `matched`.)
 */
import type { OrderStatus } from "./statusMachine.js";

export interface OrderView {
  id: number;
  status: OrderStatus;
  updatedAt: Date;
}
export interface PaymentView {
  orderId: number;
  status: "PENDING" | "COMPLETED" | "FAILED" | "REFUNDED";
  updatedAt: Date;
}
/** The notifications of one order and template: whether one was sent (or deliberately not sent). */
export interface NotificationView {
  orderId: number;
  templateName: string;
  matched: boolean;
  createdAt: Date;
}

export type IssueKind = "PAID_BUT_PENDING" | "CANCELLED_NOT_REFUNDED" | "MISSING_NOTIFICATION" | "PAYMENT_WITHOUT_ORDER" | "NOTIFICATION_WITHOUT_ORDER";

export interface ConsistencyIssue {
  kind: IssueKind;
  orderId: number;
  detail: string;
  /** When the disagreement began (the later of the two sides' last change). */
  since: Date;
}

/** The notification each status should have caused. */
const EXPECTED_TEMPLATE: Partial<Record<OrderStatus, string>> = {
  CONFIRMED: "ORDER_CONFIRMATION",
  SHIPPED: "ORDER_SHIPPED",
  DELIVERED: "ORDER_SHIPPED",
  CANCELLED: "ORDER_CANCELLED",
};

/**
 * Issues between the three views. A view that could not be read is null: the checks that need it
 * are skipped (the report says which service was unavailable) rather than guessed.
 */
export function findInconsistencies(orders: OrderView[], payments: PaymentView[] | null, notifications: NotificationView[] | null): ConsistencyIssue[] {
  const byId = new Map(orders.map((o) => [o.id, o]));
  const issues: ConsistencyIssue[] = [];
  const later = (a: Date, b: Date) => (a > b ? a : b);
  for (const p of payments ?? []) {
    const order = byId.get(p.orderId);
    if (!order) {
      issues.push({ kind: "PAYMENT_WITHOUT_ORDER", orderId: p.orderId, detail: `A ${p.status} payment refers to order ${p.orderId}, which does not exist`, since: p.updatedAt });
    } else if (p.status === "COMPLETED" && order.status === "PENDING") {
      issues.push({ kind: "PAID_BUT_PENDING", orderId: order.id, detail: "The payment is completed but the order is still PENDING", since: p.updatedAt });
    } else if (p.status === "COMPLETED" && order.status === "CANCELLED") {
      issues.push({ kind: "CANCELLED_NOT_REFUNDED", orderId: order.id, detail: "The order is cancelled but its payment is completed and not refunded", since: later(p.updatedAt, order.updatedAt) });
    }
  }
  if (!notifications) return issues.sort((a, b) => a.since.getTime() - b.since.getTime());
  const sent = new Set<string>();
  for (const n of notifications) {
    if (!byId.has(n.orderId)) {
      issues.push({ kind: "NOTIFICATION_WITHOUT_ORDER", orderId: n.orderId, detail: `Notification ${n.templateName} refers to order ${n.orderId}, which does not exist`, since: n.createdAt });
    } else if (n.matched) sent.add(`${n.orderId}:${n.templateName}`);
  }
  for (const order of orders) {
    const template = EXPECTED_TEMPLATE[order.status];
    if (template && !sent.has(`${order.id}:${template}`)) {
      issues.push({ kind: "MISSING_NOTIFICATION", orderId: order.id, detail: `The order is ${order.status} but no ${template} notification was sent`, since: order.updatedAt });
    }
  }
  return issues.sort((a, b) => a.since.getTime() - b.since.getTime());
}
