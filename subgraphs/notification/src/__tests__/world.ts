/**
 * A suite's world: its own temp directory and databases, the real order service and the
 * notification service on free ports, talking HTTP. The notification service runs on
 * `freshTarget()`: SQLite, or PostgreSQL under `npm run test:pg`. Not a test file itself.
 */
import path from "node:path";
import { QueryCounter, webhookUrl, type OutboxTuning } from "@ops/service-kit";
import { freshDatabase, freshTarget, mustQuery, setDefaultHeaders, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { startOrderService, type OrderService } from "../../../order/src/server.js";
import type { DatabaseTarget } from "@ops/service-kit/data";
import type { SweeperTuning } from "../domain/pendingSweeper.js";
import { startNotificationService, type NotificationService } from "../server.js";
import type { NotificationTransport } from "../transport/NotificationTransport.js";

export interface World {
  /** Secrets and per-role headers of this world (requests default to an admin). */
  security: TestSecurity;
  dir: string;
  outboxDir: string;
  /** The notification service's webhook endpoint (order events are posted here). */
  webhookUrl: string;
  order: OrderService;
  notification: NotificationService;
  /** The notification service's database (SQLite file or PostgreSQL database). */
  notificationTarget: DatabaseTarget;
  /** Every SQL statement the notification service sent. */
  queries: QueryCounter;
  /** Creates an order through the order service's GraphQL API and returns its id. */
  createOrder(order?: Partial<NewOrder>): Promise<string>;
  stop(): Promise<void>;
}

export interface NewOrder {
  customerEmail: string;
  customerName: string;
  items: { productName: string; quantity: number; unitPrice: number }[];
}

export const TEST_ORDER: NewOrder = {
  customerEmail: "taro.suzuki@example.jp",
  customerName: "鈴木 太郎",
  items: [
    { productName: "抹茶ラテ", quantity: 3, unitPrice: 480 },
    { productName: "信楽焼 湯呑み", quantity: 1, unitPrice: 3200 },
  ],
};

/** Short event-delivery delays, so flows converge within a test. */
export const TEST_OUTBOX: Partial<OutboxTuning> = { pollMs: 50, baseDelayMs: 20, maxDelayMs: 200 };

/** Nobody listens here: events for the payment service stay undelivered, which these tests ignore. */
const UNUSED_WEBHOOK = "http://127.0.0.1:9/webhooks/events";
const UNUSED_GRAPHQL = "http://127.0.0.1:9/graphql";

/**
 * Starts both services over fresh databases; the order service sends its events to this
 * notification service. `transport` replaces the file transport, `sweeper` tunes the sweeper.
 */
export async function startWorld(options: { transport?: NotificationTransport; sweeper?: Partial<SweeperTuning> } = {}): Promise<World> {
  const { dir, cleanup } = tempDir("notification-test-");
  const outboxDir = path.join(dir, "outbox");
  const queries = new QueryCounter();
  const security = testSecurity(dir);
  // The notification service starts second: the order service reads its URLs when it needs them.
  const destinations: Record<string, string> = { payment: UNUSED_WEBHOOK };
  const peers = { payment: UNUSED_GRAPHQL, notification: UNUSED_GRAPHQL };
  const order = await startOrderService({
    dbPath: await freshDatabase("order", dir),
    port: 0,
    logLevel: "silent",
    security: security.forService("order"),
    webhookUrls: () => destinations,
    peerUrls: () => peers,
    // Its background consistency check would query this service behind the tests' SQL counts.
    consistency: { autoStart: false },
    outbox: TEST_OUTBOX,
  });
  const notificationTarget = await freshTarget("notification", dir);
  const notification = await startNotificationService({
    database: notificationTarget,
    port: 0,
    logLevel: "silent",
    security: security.forService("notification"),
    orderServiceUrl: order.url,
    outboxDir,
    transport: options.transport,
    onQuery: queries.record,
    webhookUrls: () => ({}),
    outbox: TEST_OUTBOX,
    sweeper: options.sweeper,
  });
  destinations.notification = webhookUrl(notification.url);
  peers.notification = notification.url;
  const admin = await security.headersFor("admin");
  setDefaultHeaders(order.url, admin);
  setDefaultHeaders(notification.url, admin);
  return {
    dir,
    outboxDir,
    webhookUrl: destinations.notification,
    order,
    notification,
    notificationTarget,
    queries,
    security,
    async createOrder(overrides = {}) {
      const data = await mustQuery<{ createOrder: { id: string } }>(
        order.url,
        "mutation ($input: CreateOrderInput!) { createOrder(input: $input) { id } }",
        { input: { ...TEST_ORDER, ...overrides } },
      );
      return data.createOrder.id;
    },
    async stop() {
      await notification.stop();
      await order.stop();
      cleanup();
    },
  };
}

export const NOTIFICATION_FIELDS = `id orderId channel templateName recipient subject body status sentAt failureReason attemptCount createdAt`;
