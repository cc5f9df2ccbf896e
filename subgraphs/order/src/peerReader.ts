/**
 * What the payment and notification services say about orders, read through their GraphQL APIs
 * with this service's identity (never their databases). Used by the consistency report.
 */
import { createServiceClient } from "@ops/service-kit";
import type { NotificationView, PaymentView } from "./domain/consistency.js";

export interface OutboxFiguresView {
  service: string;
  pending: number;
  retrying: number;
  dead: number;
  delivered: number;
}

export interface PeerReader {
  payments(): Promise<PaymentView[]>;
  notifications(): Promise<NotificationView[]>;
  outboxFigures(service: "payment" | "notification"): Promise<OutboxFiguresView>;
}

interface Page<T> {
  edges: { node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const PAGE = 200;

export function createPeerReader(urls: () => { payment: string; notification: string }, headers: () => Promise<Record<string, string>>): PeerReader {
  const client = (service: "payment" | "notification") => createServiceClient(service, urls()[service], headers);
  async function all<T>(service: "payment" | "notification", field: string, selection: string): Promise<T[]> {
    const out: T[] = [];
    let after: string | null = null;
    do {
      const data: Record<string, Page<T>> = await client(service).request(
        `query($after: String) { ${field}(first: ${PAGE}, after: $after) { edges { node { ${selection} } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const page = data[field]!;
      out.push(...page.edges.map((e) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    return out;
  }
  return {
    async payments() {
      const rows = await all<{ orderId: string; status: PaymentView["status"]; updatedAt: string }>("payment", "payments", "orderId status updatedAt");
      return rows.map((r) => ({ orderId: Number(r.orderId), status: r.status, updatedAt: new Date(r.updatedAt) }));
    },
    async notifications() {
      const rows = await all<{ orderId: string; templateName: string; status: string; createdAt: string }>("notification", "notifications", "orderId templateName status createdAt");
      return rows.map((r) => ({ orderId: Number(r.orderId), templateName: r.templateName, status: r.status, createdAt: new Date(r.createdAt) }));
    },
    async outboxFigures(service) {
      const data = await client(service).request<Record<string, OutboxFiguresView>>(`{ ${service}OutboxFigures { service pending retrying dead delivered } }`);
      return data[`${service}OutboxFigures`]!;
    },
  };
}
