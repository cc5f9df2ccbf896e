/**
 * An operator's cancellation racing the customer's payment: a payment that completes after its
 * order was cancelled is refunded as a system compensation — with both times as its cause, an
 * audit entry, and visible on the order — never as an unexplained refund, and exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, mustQuery, setDefaultHeaders } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

let stack: InProcessStack;
let url: string;

const ORDER = `query($id: ID!) { order(id: $id) { id status
  payment { id status refunds { amount reason kind compensation { orderCancelledAt paymentCompletedAt } } } } }`;

async function newOrder(): Promise<string> {
  const data = await mustQuery(url, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
    i: { customerEmail: "race@example.jp", customerName: "競合 花子", items: [{ productName: "煎茶", quantity: 1, unitPrice: 2000 }] },
  });
  return data.createOrder.id;
}
const pay = async (orderId: string): Promise<string> =>
  (await mustQuery(url, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId } })).createPayment.id;
const complete = (id: string) => mustQuery(url, `mutation($id: ID!) { completePayment(id: $id) { status } }`, { id });
const cancel = (id: string) => mustQuery(url, `mutation($id: ID!) { cancelOrder(input: { id: $id, reason: "お客様のご依頼" }) { status updatedAt } }`, { id });
const order = async (id: string) => (await mustQuery(url, ORDER, { id })).order;

async function auditOf(paymentId: string) {
  const data = await mustQuery(url, `query($id: String!) { paymentAuditLog(first: 10, filter: { objectType: "Payment", objectId: $id }) { edges { node { actor actorKind action detail } } } }`, { id: paymentId });
  return data.paymentAuditLog.edges.map((e: { node: unknown }) => e.node);
}

beforeAll(async () => {
  stack = await startInProcessStack();
  url = stack.gateway.url;
  setDefaultHeaders(url, await stack.as("admin"));
}, 60_000);
afterAll(() => stack?.stop());

describe("a payment completed after its order was cancelled", () => {
  it("is refunded as a compensation when it completes while the cancellation is on its way", async () => {
    const id = await newOrder();
    const paymentId = await pay(id);
    // The payment service does not hear of the cancellation yet.
    stack.gates.payment.failing = true;
    try {
      const cancelled = (await cancel(id)).cancelOrder;
      expect(cancelled.status).toBe("CANCELLED");
      await complete(paymentId);
    } finally {
      stack.gates.payment.failing = false;
    }
    const o = await eventually(() => order(id), (o) => o.payment.status === "REFUNDED");
    await stack.settled();
    const after = await order(id);
    expect(after.status).toBe("CANCELLED");
    expect(after.payment.refunds).toEqual([
      {
        amount: 2000,
        reason: expect.stringContaining("after the order was cancelled"),
        kind: "COMPENSATION",
        compensation: { orderCancelledAt: expect.any(String), paymentCompletedAt: expect.any(String) },
      },
    ]);
    const cause = o.payment.refunds[0].compensation;
    expect(Date.parse(cause.paymentCompletedAt)).toBeGreaterThan(Date.parse(cause.orderCancelledAt));
    expect(await auditOf(paymentId)).toContainEqual(expect.objectContaining({ actor: "payment", actorKind: "service", action: "compensationRefund" }));
  });

  it("is refunded as a compensation when it was retried and completed after the cancellation failed it", async () => {
    const id = await newOrder();
    const paymentId = await pay(id);
    await cancel(id);
    await eventually(() => order(id), (o) => o.payment.status === "FAILED");
    await mustQuery(url, `mutation($id: ID!) { retryPayment(id: $id) { status } }`, { id: paymentId });
    await complete(paymentId);
    await eventually(() => order(id), (o) => o.payment.status === "REFUNDED");
    await stack.settled();
    const after = await order(id);
    expect(after.status).toBe("CANCELLED");
    expect(after.payment.refunds).toHaveLength(1);
    expect(after.payment.refunds[0].kind).toBe("COMPENSATION");
    expect(await auditOf(paymentId)).toContainEqual(expect.objectContaining({ action: "compensationRefund" }));
  });

  it("a paid order cancelled afterwards is an ordinary cancellation refund", async () => {
    const id = await newOrder();
    await complete(await pay(id));
    await eventually(() => order(id), (o) => o.status === "CONFIRMED");
    await cancel(id);
    const o = await eventually(() => order(id), (o) => o.payment.status === "REFUNDED");
    expect(o.payment.refunds).toEqual([{ amount: 2000, reason: "お客様のご依頼", kind: "CANCELLATION", compensation: null }]);
  });
});
