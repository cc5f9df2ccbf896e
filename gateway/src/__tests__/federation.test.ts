import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery, setDefaultHeaders } from "@ops/service-kit/testing";
import { countingProxy, type CountingProxy } from "./countingProxy.js";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

const proxies = {} as Record<"order" | "payment" | "notification", CountingProxy>;
let stack: InProcessStack;
let gateway: { url: string };
let sql: InProcessStack["sql"];

const PUBLIC_QUERY = `{ orders(first: 50) { totalCount edges { node { id customerName status totalAmount
  items { productName quantity unitPrice }
  payment { status amount transactionId refunds { amount reason } }
  notifications { templateName channel status subject } } } } }`;

beforeAll(async () => {
  stack = await startInProcessStack({
    routeThrough: async (name, url) => {
      proxies[name] = await countingProxy(url);
      return proxies[name].url;
    },
  });
  gateway = stack.gateway;
  sql = stack.sql;
  setDefaultHeaders(gateway.url, await stack.as("admin"));

  // 60 orders through the gateway: every third unpaid, the rest paid (which confirms and notifies), every fifth refunded.
  for (let i = 0; i < 60; i++) {
    const { createOrder } = await mustQuery(gateway.url, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
      i: { customerEmail: `c${i}@example.jp`, customerName: `顧客 ${i}`, items: [{ productName: "煎茶", quantity: 1 + (i % 3), unitPrice: 1200 }, { productName: "急須", quantity: 1, unitPrice: 8800 }] },
    });
    if (i % 3 === 0) {
      await mustQuery(gateway.url, `mutation($i: SendNotificationInput!) { sendNotification(input: $i) { id } }`, { i: { orderId: createOrder.id, templateName: "ORDER_CONFIRMATION" } });
      continue;
    }
    const { createPayment } = await mustQuery(gateway.url, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId: createOrder.id } });
    await mustQuery(gateway.url, `mutation($id: ID!) { completePayment(id: $id) { id } }`, { id: createPayment.id });
    if (i % 5 === 0) {
      await mustQuery(gateway.url, `mutation($i: RefundPaymentInput!) { refundPayment(input: $i) { id } }`, { i: { paymentId: createPayment.id, reason: "返品" } });
    }
  }
  await stack.settled();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all(Object.values(proxies).map((p) => p.close()));
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
      // Paid orders were confirmed and notified by the payment flow, the others by hand: once each.
      expect(node.notifications).toHaveLength(1);
      expect(node.notifications[0]).toMatchObject({ templateName: "ORDER_CONFIRMATION", channel: "EMAIL", status: "SENT" });
      expect(node.notifications[0].subject).toContain(`#${node.id}`);
    }
    const paid = nodes.filter((n: any) => n.payment);
    const refunded = paid.filter((n: any) => n.payment.status === "REFUNDED");
    expect(paid.length).toBeGreaterThan(30);
    expect(refunded.length).toBeGreaterThan(3);
    for (const n of refunded) expect(n.payment.refunds).toEqual([{ amount: n.totalAmount, reason: "返品" }]);
    for (const n of paid) expect(n.payment.amount).toBe(n.totalAmount);
    for (const n of paid) expect(n.status).toBe("CONFIRMED");
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
    await stack.stopService("payment");
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
      expect(await ready.json()).toEqual({ ready: false, status: "degraded", services: { order: "up", payment: "down", notification: "up" } });
    } finally {
      await stack.startService("payment");
    }
    const again = await mustQuery(gateway.url, PUBLIC_QUERY);
    expect(again.orders.edges.some((e: any) => e.node.payment)).toBe(true);
    const readyAgain = await fetch(gateway.url.replace("/graphql", "/ready"));
    expect(readyAgain.status).toBe(200);
    expect(await readyAgain.json()).toEqual({ ready: true, status: "ready", services: { order: "up", payment: "up", notification: "up" } });
  });

  it("keeps orders and payments when the notification service is down", async () => {
    await stack.stopService("notification");
    try {
      const res = await graphqlRequest(gateway.url, PUBLIC_QUERY);
      const nodes = res.data?.orders.edges.map((e: any) => e.node) ?? [];
      expect(nodes).toHaveLength(50);
      expect(nodes.every((n: any) => n.notifications === null && n.items.length === 2)).toBe(true);
      expect(nodes.some((n: any) => n.payment?.status === "COMPLETED")).toBe(true);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", service: "notification" });
    } finally {
      await stack.startService("notification");
    }
  });
});
