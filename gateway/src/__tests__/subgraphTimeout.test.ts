import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery, setDefaultHeaders } from "@ops/service-kit/testing";
import { countingProxy, type CountingProxy } from "./countingProxy.js";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

// The payment subgraph behind a proxy that can hang (hold every request) or answer 503, and a
// gateway that waits 1.5 s for a subgraph.
let stack: InProcessStack;
let payment: CountingProxy;
let gatewayUrl: string;
let orderId: string;
let paymentId: string;
const readyUrl = () => gatewayUrl.replace("/graphql", "/ready");
const ORDER = `query($id: ID!) { order(id: $id) { id customerName payment { status amount } notifications { templateName } } }`;

beforeAll(async () => {
  stack = await startInProcessStack({
    routeThrough: async (name, url) => {
      if (name !== "payment") return url;
      payment = await countingProxy(url);
      return payment.url;
    },
    gatewayEnv: { SUBGRAPH_TIMEOUT_MS: "1500" },
  });
  gatewayUrl = stack.gateway.url;
  setDefaultHeaders(gatewayUrl, await stack.as("admin"));
  const { createOrder } = await mustQuery(gatewayUrl, `mutation { createOrder(input: { customerEmail: "slow@example.jp", customerName: "遅延 試験", items: [{ productName: "玉露", quantity: 1, unitPrice: 3240 }] }) { id } }`);
  orderId = createOrder.id;
  const { createPayment } = await mustQuery(gatewayUrl, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId } });
  paymentId = createPayment.id;
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  await payment?.close();
});

describe("a subgraph that does not answer in time", () => {
  it("gives the other services' data and a SERVICE_TIMEOUT naming it, not SERVICE_UNAVAILABLE", async () => {
    payment.stalling = true;
    try {
      const started = Date.now();
      const res = await graphqlRequest(gatewayUrl, ORDER, { id: orderId });
      const elapsed = Date.now() - started;
      expect(res.data?.order).toEqual({ id: orderId, customerName: "遅延 試験", payment: null, notifications: [] });
      expect(res.errors).toHaveLength(1);
      expect(res.errors?.[0]?.extensions).toEqual({ code: "SERVICE_TIMEOUT", service: "payment", params: { service: "payment", timeoutMs: 1500 } });
      expect(res.errors?.[0]?.message).toBe(
        "The payment service did not answer within 1.5 s; the data it provides is missing from this response, and a change sent to it may still be made.",
      );
      expect(elapsed).toBeGreaterThanOrEqual(1500);
      expect(elapsed).toBeLessThan(10_000);

      const ready = await fetch(readyUrl());
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, status: "degraded", services: { order: "up", payment: "timeout", notification: "up" } });
    } finally {
      payment.stalling = false;
    }
    const again = await mustQuery(gatewayUrl, ORDER, { id: orderId });
    expect(again.order.payment).toEqual({ status: "PENDING", amount: 3240 });
    expect((await fetch(readyUrl())).status).toBe(200);
  });

  it("times out a mutation the same way, and the gateway keeps answering", async () => {
    payment.stalling = true;
    try {
      const res = await graphqlRequest(gatewayUrl, `mutation($id: ID!) { completePayment(id: $id) { status } }`, { id: paymentId });
      expect(res.data).toBeNull();
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_TIMEOUT", service: "payment" });
      // The held request never reached the payment service: nothing changed.
      const order = await graphqlRequest(gatewayUrl, `query($id: ID!) { order(id: $id) { status } }`, { id: orderId });
      expect(order).toEqual({ data: { order: { status: "PENDING" } } });
    } finally {
      payment.stalling = false;
    }
    expect((await mustQuery(gatewayUrl, ORDER, { id: orderId })).order.payment.status).toBe("PENDING");
  });
});

describe("GET /ready", () => {
  it("names a service that answers but is not ready", async () => {
    payment.failing = true;
    try {
      const ready = await fetch(readyUrl());
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, status: "degraded", services: { order: "up", payment: "not_ready", notification: "up" } });
    } finally {
      payment.failing = false;
    }
  });

  it("names a service that is down, and says ready once it is back", async () => {
    await stack.stopService("notification");
    try {
      const ready = await fetch(readyUrl());
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ ready: false, status: "degraded", services: { order: "up", payment: "up", notification: "down" } });
      const res = await graphqlRequest(gatewayUrl, ORDER, { id: orderId });
      expect(res.errors?.[0]?.extensions).toEqual({ code: "SERVICE_UNAVAILABLE", service: "notification", params: { service: "notification" }, reason: expect.any(String) });
    } finally {
      await stack.startService("notification");
    }
    const ready = await fetch(readyUrl());
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, status: "ready", services: { order: "up", payment: "up", notification: "up" } });
  });
});
