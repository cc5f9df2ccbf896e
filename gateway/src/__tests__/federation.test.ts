import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryCounter } from "@ops/service-kit";
import { freshDatabase, graphqlRequest, mustQuery, tempDir } from "@ops/service-kit/testing";
import { startOrderService } from "@ops/order/server";
import { startPaymentService } from "@ops/payment/server";
import { startNotificationService } from "@ops/notification/server";
import { startGateway, type RunningGateway } from "../gatewayServer.js";
import { countingProxy, type CountingProxy } from "./countingProxy.js";

const world = tempDir();
const sql = { order: new QueryCounter(), payment: new QueryCounter(), notification: new QueryCounter() };
let services: { stop: () => Promise<void>; url: string; port: number }[] = [];
let proxies: Record<"order" | "payment" | "notification", CountingProxy>;
let gateway: RunningGateway;
let paymentDbPath: string;
let notificationDbPath: string;
let orderUrl: string;

const PUBLIC_QUERY = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount
  items { productName quantity unitPrice }
  payment { status amount transactionId refunds { amount reason } }
  notifications { templateName channel status subject } } } } }`;

async function startPayment(port = 0) {
  return startPaymentService({ dbPath: paymentDbPath, port, logLevel: "silent", orderServiceUrl: orderUrl, onQuery: sql.payment.record });
}

async function startNotification(port = 0) {
  return startNotificationService({ dbPath: notificationDbPath, port, logLevel: "silent", orderServiceUrl: orderUrl, outboxDir: world.dir, onQuery: sql.notification.record });
}

beforeAll(async () => {
  const order = await startOrderService({ dbPath: await freshDatabase("order", world.dir), port: 0, logLevel: "silent", onQuery: sql.order.record });
  orderUrl = order.url;
  paymentDbPath = await freshDatabase("payment", world.dir);
  const payment = await startPayment();
  notificationDbPath = await freshDatabase("notification", world.dir);
  const notification = await startNotification();
  services = [order, payment, notification];
  proxies = {
    order: await countingProxy(order.url),
    payment: await countingProxy(payment.url),
    notification: await countingProxy(notification.url),
  };
  gateway = await startGateway({
    port: 0,
    logLevel: "silent",
    subgraphUrls: { order: proxies.order.url, payment: proxies.payment.url, notification: proxies.notification.url },
  });

  // 60 orders through the gateway: every third unpaid, the rest paid, every fifth refunded, all notified.
  for (let i = 0; i < 60; i++) {
    const { createOrder } = await mustQuery(gateway.url, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
      i: { customerEmail: `c${i}@example.jp`, customerName: `顧客 ${i}`, items: [{ productName: "煎茶", quantity: 1 + (i % 3), unitPrice: 1200 }, { productName: "急須", quantity: 1, unitPrice: 8800 }] },
    });
    await mustQuery(gateway.url, `mutation($i: SendNotificationInput!) { sendNotification(input: $i) { id } }`, { i: { orderId: createOrder.id, templateName: "ORDER_CONFIRMATION" } });
    if (i % 3 === 0) continue;
    const { createPayment } = await mustQuery(gateway.url, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId: createOrder.id } });
    await mustQuery(gateway.url, `mutation($id: ID!) { completePayment(id: $id) { id } }`, { id: createPayment.id });
    if (i % 5 === 0) {
      await mustQuery(gateway.url, `mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { id } }`, { i: { paymentId: createPayment.id, reason: "返品" } });
    }
  }
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all(Object.values(proxies ?? {}).map((p) => p.close()));
  await Promise.all(services.map((s) => s.stop()));
  world.cleanup();
});

describe("the federated order query", () => {
  it("returns orders with items, payment, refunds and notifications in one request", async () => {
    const data = await mustQuery(gateway.url, PUBLIC_QUERY);
    expect(data.orders.totalCount).toBe(60);
    const nodes = data.orders.edges.map((e: any) => e.node);
    expect(nodes).toHaveLength(50);
    for (const node of nodes) {
      expect(node.items).toHaveLength(2);
      expect(node.totalAmount).toBe(node.items.reduce((s: number, i: any) => s + i.quantity * i.unitPrice, 0));
      expect(node.notifications[0]).toMatchObject({ templateName: "ORDER_CONFIRMATION", channel: "EMAIL", status: "SENT" });
      expect(node.notifications[0].subject).toContain(`#${node.id}`);
    }
    const paid = nodes.filter((n: any) => n.payment);
    const refunded = paid.filter((n: any) => n.payment.status === "REFUNDED");
    expect(paid.length).toBeGreaterThan(30);
    expect(refunded.length).toBeGreaterThan(3);
    for (const n of refunded) expect(n.payment.refunds).toEqual([{ amount: n.totalAmount, reason: "返品" }]);
    for (const n of paid) expect(n.payment.amount).toBe(n.totalAmount);
    expect(nodes.filter((n: any) => !n.payment).length).toBeGreaterThan(10);
  });

  it("costs each subgraph one fetch and a constant number of SQL statements, whatever the page size", async () => {
    const cost = async (first: number) => {
      for (const p of Object.values(proxies)) p.reset();
      for (const c of Object.values(sql)) c.reset();
      const data = await mustQuery(gateway.url, PUBLIC_QUERY.replace("first: 50", `first: ${first}`));
      expect(data.orders.edges).toHaveLength(first);
      return {
        fetches: { order: proxies.order.bodies.length, payment: proxies.payment.entityCalls(), notification: proxies.notification.entityCalls() },
        sql: { order: sql.order.count, payment: sql.payment.count, notification: sql.notification.count },
      };
    };
    const small = await cost(5);
    const large = await cost(50);
    expect(large.fetches).toEqual({ order: 1, payment: 1, notification: 1 });
    expect(large.sql).toEqual(small.sql);
    expect(proxies.payment.bodies).toHaveLength(1);
    expect(proxies.notification.bodies).toHaveLength(1);
  });
});

describe("when a subgraph is down", () => {
  it("answers with what the others give and an error naming the missing service, and stays up", async () => {
    const payment = services[1]!;
    const port = payment.port;
    await payment.stop();
    try {
      const res = await graphqlRequest(gateway.url, PUBLIC_QUERY);
      const nodes = res.data?.orders.edges.map((e: any) => e.node) ?? [];
      expect(nodes).toHaveLength(50);
      expect(nodes.every((n: any) => n.payment === null && n.items.length === 2 && n.notifications.length >= 1)).toBe(true);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "payment" });
      expect(res.errors?.[0]?.message).toMatch(/payment service is unavailable/);

      const health = await fetch(gateway.url.replace("/graphql", "/health"));
      expect(health.status).toBe(200);
      const ready = await fetch(gateway.url.replace("/graphql", "/ready"));
      expect(ready.status).toBe(503);
      expect((await ready.json()).subgraphs).toContainEqual({ name: "payment", ready: false });
    } finally {
      services[1] = await startPayment(port);
    }
    const again = await mustQuery(gateway.url, PUBLIC_QUERY);
    expect(again.orders.edges.some((e: any) => e.node.payment)).toBe(true);
    expect((await fetch(gateway.url.replace("/graphql", "/ready"))).status).toBe(200);
  });

  it("keeps orders and payments when the notification service is down", async () => {
    const notification = services[2]!;
    const port = notification.port;
    await notification.stop();
    try {
      const res = await graphqlRequest(gateway.url, PUBLIC_QUERY);
      const nodes = res.data?.orders.edges.map((e: any) => e.node) ?? [];
      expect(nodes).toHaveLength(50);
      expect(nodes.every((n: any) => n.notifications === null && n.items.length === 2)).toBe(true);
      expect(nodes.some((n: any) => n.payment?.status === "COMPLETED")).toBe(true);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "notification" });
    } finally {
      services[2] = await startNotification(port);
    }
  });
});
