/**
 * One suite's world: fresh order and payment databases in a temp dir, the real order service and
 * the payment service on free ports, and helpers that talk to them over HTTP.
 */
import { QueryCounter } from "@ops/service-kit";
import { freshDatabase, mustQuery, setDefaultHeaders, tempDir, testSecurity, type TestSecurity } from "@ops/service-kit/testing";
import { startOrderService, type OrderService } from "../../../order/src/server.js";
import { startPaymentService, type PaymentService } from "../server.js";

export interface TestWorld {
  order: OrderService;
  payment: PaymentService;
  queries: QueryCounter;
  /** Secrets and per-role headers of this world (requests default to an admin). */
  security: TestSecurity;
  /** Creates an order whose total is `total` yen; returns its id. */
  createOrder(total: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts both services over fresh databases. Call `stop` in `afterAll`. */
export async function startWorld(): Promise<TestWorld> {
  const tmp = tempDir("ops-payment-test-");
  const queries = new QueryCounter();
  const security = testSecurity(tmp.dir);
  const order = await startOrderService({ dbPath: await freshDatabase("order", tmp.dir), port: 0, logLevel: "silent", security: security.forService("order") });
  const payment = await startPaymentService({
    dbPath: await freshDatabase("payment", tmp.dir),
    port: 0,
    logLevel: "silent",
    security: security.forService("payment"),
    orderServiceUrl: order.url,
    onQuery: queries.record,
  });
  const admin = await security.headersFor("admin");
  setDefaultHeaders(order.url, admin);
  setDefaultHeaders(payment.url, admin);
  return {
    order,
    payment,
    queries,
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
