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

/** How long another service's outbox figures are reused by the report. */
const FIGURES_TTL_MS = 3_000;

export interface PeerReader {
  payments(range: OrderIdRange): Promise<PaymentView[]>;
  notifications(range: OrderIdRange): Promise<NotificationView[]>;
  outboxFigures(service: "payment" | "notification", timeoutMs?: number): Promise<OutboxFiguresView>;
}

export function createPeerReader(urls: () => { payment: string; notification: string }, headers: () => Promise<Record<string, string>>): PeerReader {
  const client = (service: "payment" | "notification", timeoutMs?: number) => createServiceClient(service, urls()[service], headers, timeoutMs);
  const variables = (range: OrderIdRange) => ({ after: range.after, through: range.through });
  const figures = new Map<string, { at: number; value: OutboxFiguresView }>();
  return {
    async payments(range) {
      const data = await client("payment").request<{ paymentStatesByOrderRange: string }>(
        `query($after: Int!, $through: Int) { paymentStatesByOrderRange(afterOrderId: $after, throughOrderId: $through) }`,
        variables(range),
      );
      const rows = JSON.parse(data.paymentStatesByOrderRange) as [number, PaymentView["status"], number][];
      return rows.map(([orderId, status, updatedAt]) => ({ orderId, status, updatedAt: new Date(updatedAt) }));
    },
    async notifications(range) {
      const data = await client("notification").request<{ notificationStatesByOrderRange: string }>(
        `query($after: Int!, $through: Int) { notificationStatesByOrderRange(afterOrderId: $after, throughOrderId: $through) }`,
        variables(range),
      );
      const rows = JSON.parse(data.notificationStatesByOrderRange) as [number, string, number, number][];
      return rows.map(([orderId, templateName, matched, createdAt]) => ({ orderId, templateName, matched: matched === 1, createdAt: new Date(createdAt) }));
    },
    async outboxFigures(service, timeoutMs) {
      // The report shows figures "as of" a moment anyway: a dashboard's refreshes within a few
      // seconds share one read of each service.
      const cached = figures.get(service);
      if (cached && Date.now() - cached.at < FIGURES_TTL_MS) return cached.value;
      const data = await client(service, timeoutMs).request<Record<string, OutboxFiguresView>>(`{ ${service}OutboxFigures { service pending retrying dead delivered } }`);
      const value = data[`${service}OutboxFigures`]!;
      figures.set(service, { at: Date.now(), value });
      return value;
    },
  };
}
