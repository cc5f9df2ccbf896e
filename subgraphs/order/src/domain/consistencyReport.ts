/** Gathers the three views (this database and the other services' APIs) and builds the report. */
import type { ServiceEvents, SqliteReader } from "@ops/service-kit";
import type { OutboxFiguresView, PeerReader } from "../peerReader.js";
import { findInconsistencies, type NotificationView, type OrderView, type PaymentView } from "./consistency.js";
import type { OrderStatus } from "./statusMachine.js";

export async function consistencyReport(reader: SqliteReader, peers: PeerReader, events: ServiceEvents, minAgeSeconds: number) {
  const now = new Date();
  const orders: OrderView[] = reader
    .all<{ id: number; status: string; updated_at: string }>("SELECT id, status, updated_at FROM orders")
    .map((r) => ({ id: r.id, status: r.status.toUpperCase() as OrderStatus, updatedAt: new Date(r.updated_at) }));
  const [payments, notifications, paymentOutbox, notificationOutbox] = await Promise.allSettled([
    peers.payments(),
    peers.notifications(),
    peers.outboxFigures("payment"),
    peers.outboxFigures("notification"),
  ]);
  const unavailable = new Set<string>();
  const value = <T>(r: PromiseSettledResult<T>, service: string, fallback: T): T => {
    if (r.status === "fulfilled") return r.value;
    unavailable.add(service);
    return fallback;
  };
  const issues = findInconsistencies(orders, value<PaymentView[] | null>(payments, "payment", null), value<NotificationView[] | null>(notifications, "notification", null))
    .map((i) => ({ ...i, ageSeconds: Math.max(0, Math.floor((now.getTime() - i.since.getTime()) / 1000)) }))
    .filter((i) => i.ageSeconds >= minAgeSeconds);
  const outbox: OutboxFiguresView[] = [{ service: "order", ...events.figures() }];
  for (const [r, service] of [[paymentOutbox, "payment"], [notificationOutbox, "notification"]] as const) {
    const figures = value<OutboxFiguresView | null>(r, service, null);
    if (figures) outbox.push(figures);
  }
  return { generatedAt: now, issues, outbox, unavailable: [...unavailable] };
}
