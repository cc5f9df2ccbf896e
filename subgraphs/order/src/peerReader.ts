/**
 * What the payment and notification services say about orders, read through their GraphQL APIs
 * with this service's identity (never their databases). The consistency check asks about one
 * bounded range of order ids at a time; the report asks for each outbox's figures.
 */
import { createServiceClient, type OrderIdRange } from "@ops/service-kit";
import type { NotificationView, PaymentView } from "./domain/consistency.js";

export interface OutboxFiguresView {
  service: string;
  pending: number;
  retrying: number;
  dead: number;
  delivered: number;
}

export interface PeerReader {
  payments(range: OrderIdRange): Promise<PaymentView[]>;
  notifications(range: OrderIdRange): Promise<NotificationView[]>;
  outboxFigures(service: "payment" | "notification", timeoutMs?: number): Promise<OutboxFiguresView>;
}

export function createPeerReader(urls: () => { payment: string; notification: string }, headers: () => Promise<Record<string, string>>): PeerReader {
  const client = (service: "payment" | "notification", timeoutMs?: number) => createServiceClient(service, urls()[service], headers, timeoutMs);
  const variables = (range: OrderIdRange) => ({ after: range.after, through: range.through });
  return {
    async payments(range) {
      const data = await client("payment").request<{ paymentStatesByOrderRange: { orderId: number; status: PaymentView["status"]; updatedAt: string }[] }>(
        `query($after: Int!, $through: Int) { paymentStatesByOrderRange(afterOrderId: $after, throughOrderId: $through) { orderId status updatedAt } }`,
        variables(range),
      );
      return data.paymentStatesByOrderRange.map((r) => ({ orderId: r.orderId, status: r.status, updatedAt: new Date(r.updatedAt) }));
    },
    async notifications(range) {
      const data = await client("notification").request<{ notificationStatesByOrderRange: { orderId: number; templateName: string; matched: boolean; createdAt: string }[] }>(
        `query($after: Int!, $through: Int) { notificationStatesByOrderRange(afterOrderId: $after, throughOrderId: $through) { orderId templateName matched createdAt } }`,
        variables(range),
      );
      return data.notificationStatesByOrderRange.map((r) => ({ orderId: r.orderId, templateName: r.templateName, matched: r.matched, createdAt: new Date(r.createdAt) }));
    },
    async outboxFigures(service, timeoutMs) {
      const data = await client(service, timeoutMs).request<Record<string, OutboxFiguresView>>(`{ ${service}OutboxFigures { service pending retrying dead delivered } }`);
      return data[`${service}OutboxFigures`]!;
    },
  };
}
