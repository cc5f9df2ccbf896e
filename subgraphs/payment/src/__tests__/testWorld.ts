/**
 * One suite's world: fresh order and payment databases (the payment one on PostgreSQL under
 * `npm run test:pg`, see `freshTarget`), the real order service and
 * the payment service on free ports, wired to each other's webhooks (payment.completed confirms
 * orders, order.cancelled settles payments), and helpers that talk to them over HTTP.
 */
import { QueryCounter, webhookUrl } from "@ops/service-kit";
import type { DatabaseTarget } from "@ops/service-kit/data";
import { freshDatabase, freshTarget, mustQuery, setDefaultHeaders, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { startOrderService, type OrderService } from "../../../order/src/server.js";
import { startPaymentService, type PaymentService } from "../server.js";

export interface TestWorld {
  order: OrderService;
  payment: PaymentService;
  queries: QueryCounter;
  /** Where the payment service's database is (SQLite file or PostgreSQL database). */
  paymentTarget: DatabaseTarget;
  /** Secrets and per-role headers of this world (requests default to an admin). */
  security: TestSecurity;
  /** Creates an order whose total is `total` yen; returns its id. */
  createOrder(total: number): Promise<string>;
  stop(): Promise<void>;
}

/** A GraphQL URL nobody listens on (discard port): calls and deliveries there fail and are retried. */
export const UNUSED_URL = "http://127.0.0.1:9/graphql";

/** Short delays so events are delivered (and retried) within a test. */
export const TEST_OUTBOX = { pollMs: 50, baseDelayMs: 20, maxDelayMs: 200 };

/** Starts both services over fresh databases. Call `stop` in `afterAll`. */
export async function startWorld(): Promise<TestWorld> {
  const tmp = tempDir("ops-payment-test-");
  const queries = new QueryCounter();
  const security = testSecurity(tmp.dir);
  // The payment service starts after the order service: its URL is filled in once it listens.
  const urls = { payment: UNUSED_URL };
  const order = await startOrderService({
    dbPath: await freshDatabase("order", tmp.dir),
    port: 0,
    logLevel: "silent",
    security: security.forService("order"),
    // Nobody listens for notifications here: order.confirmed/shipped stay undelivered.
    webhookUrls: () => ({ payment: webhookUrl(urls.payment), notification: webhookUrl(UNUSED_URL) }),
    outbox: TEST_OUTBOX,
    // Read by the order service's consistency report; no notification service in this world.
    peerUrls: () => ({ payment: urls.payment, notification: UNUSED_URL }),
    // Its background consistency check would query this service behind the tests' SQL counts.
    consistency: { autoStart: false },
  });
  const paymentTarget = await freshTarget("payment", tmp.dir);
  const payment = await startPaymentService({
    database: paymentTarget,
    port: 0,
    logLevel: "silent",
    security: security.forService("payment"),
    orderServiceUrl: order.url,
    webhookUrls: () => ({ order: webhookUrl(order.url) }),
    outbox: TEST_OUTBOX,
    onQuery: queries.record,
  });
  urls.payment = payment.url;
  const admin = await security.headersFor("admin");
  setDefaultHeaders(order.url, admin);
  setDefaultHeaders(payment.url, admin);
  return {
    order,
    payment,
    queries,
    paymentTarget,
    security,
    async createOrder(total) {
      const data = await mustQuery<{ createOrder: { id: string } }>(
        order.url,
        `mutation($input: CreateOrderInput!) { createOrder(input: $input) { id } }`,
        { input: { customerEmail: "taro@example.jp", customerName: "山田 太郎", items: [{ productName: "抹茶", quantity: 1, unitPrice: total }] } },
      );
      return data.createOrder.id;
    },
    async stop() {
      await payment.stop();
      await order.stop();
      tmp.cleanup();
    },
  };
}

export const PAYMENT_FIELDS = `id orderId amount currency status paymentMethod transactionId failureReason createdAt updatedAt
  refunds { id amount reason status } attempts { transactionId status failureReason }`;

export const CREATE_PAYMENT = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ${PAYMENT_FIELDS} } }`;
export const COMPLETE_PAYMENT = `mutation($id: ID!, $at: DateTime) { completePayment(id: $id, expectedUpdatedAt: $at) { ${PAYMENT_FIELDS} } }`;
export const FAIL_PAYMENT = `mutation($input: FailPaymentInput!) { failPayment(input: $input) { ${PAYMENT_FIELDS} } }`;
export const RETRY_PAYMENT = `mutation($id: ID!, $at: DateTime) { retryPayment(id: $id, expectedUpdatedAt: $at) { ${PAYMENT_FIELDS} } }`;
export const REFUND_PAYMENT = `mutation($input: RefundPaymentInput!) { refundPayment(input: $input) { ${PAYMENT_FIELDS} } }`;
