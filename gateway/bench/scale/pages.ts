/**
 * The admin UI's main pages as the queries each sends when it opens (its own documents, in
 * parallel as the screen sends them), for measuring them against a shop of a million orders.
 */
import type { GatewayClient } from "../../scripts/gatewayClient.js";
import type { ScaleShop } from "../scaleShop.js";
import { uiOperation } from "./uiOperations.js";

export interface Page {
  name: string;
  /** Sends the page's queries; resolves when every answer arrived without errors. */
  open(client: GatewayClient): Promise<void>;
}

/** A Japan calendar day `offset` days from today, YYYY-MM-DD. */
export function japanDay(offset = 0): string {
  return new Date(Date.now() + 9 * 3_600_000 + offset * 86_400_000).toISOString().slice(0, 10);
}

const all = (client: GatewayClient, requests: [string, Record<string, unknown>][]) =>
  Promise.all(requests.map(([name, variables]) => client.request(uiOperation(name), variables))).then(() => undefined);

/** The main pages over `shop`; `random` picks the order a detail page shows. */
export function mainPages(shop: ScaleShop, random: () => number): Page[] {
  const today = japanDay();
  const page = (name: string, requests: () => [string, Record<string, unknown>][]): Page => ({ name, open: (client) => all(client, requests()) });
  return [
    page("dashboard", () => [
      ["DashboardOrderFigures", { today }],
      ["InsightsOrderDays", { from: japanDay(-89), to: today }],
      ["InsightsPaymentDays", { from: japanDay(-89), to: today }],
      ["InsightsTodayPayments", { today }],
      ["InsightsRecentImports", {}],
      ["ConsistencySummary", {}],
      ["OrderOutboxFigures", {}],
      ["PaymentOutboxFigures", {}],
      ["NotificationOutboxFigures", {}],
    ]),
    page("orders", () => [["OrdersList", { first: 25 }]]),
    page("orders: status", () => [["OrdersList", { first: 25, filter: { status: ["CONFIRMED"] } }]]),
    page("orders: last 7 days", () => [["OrdersList", { first: 25, filter: { createdFrom: japanDay(-6), createdTo: today } }]]),
    page("orders: batch", () => [["OrdersList", { first: 25, filter: { batchId: shop.batchId } }]]),
    page("orders: e-mail", () => [["OrdersList", { first: 25, filter: { customerEmail: `customer${1 + Math.floor(random() * shop.orders)}@example.jp` } }]]),
    page("orders: name", () => [["OrdersList", { first: 25, filter: { customerName: "山田" } }]]),
    page("orders: by total", () => [["OrdersList", { first: 25, sort: { field: "TOTAL_AMOUNT", direction: "DESC" } }]]),
    page("order", () => [["OrderDetail", { id: String(1 + Math.floor(random() * shop.orders)) }]]),
    page("notifications", () => [["NotificationsList", { first: 25 }]]),
    page("notifications: failed", () => [["NotificationsList", { first: 25, filter: { status: ["FAILED"] } }]]),
    page("imports", () => [["ImportsList", { first: 20 }]]),
    page("batch", () => [["ImportBatch", { batchId: shop.batchId, first: 25 }]]),
  ];
}

export interface Timing {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

export function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? 0;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, n: sorted.length };
}

/** Opens `page` `times` times with `concurrency` at once; the time of each opening, ms. */
export async function measure(page: Page, client: GatewayClient, times: number, concurrency: number): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < times) {
        next += 1;
        const started = performance.now();
        await page.open(client);
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}
