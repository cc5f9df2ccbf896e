import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhook, newEvent, webhookUrl } from "@ops/service-kit";
import { eventually, mustQuery, setDefaultHeaders } from "@ops/service-kit/testing";
import { startInProcessStack, type InProcessStack } from "./inProcessStack.js";

// The cross-service flows, end to end through the gateway with the real services.
let stack: InProcessStack;
let url: string;

const ORDER = `query($id: ID!) { order(id: $id) { id status cancelReason
  payment { status failureReason refunds { amount reason } attempts { status failureReason } }
  notifications { templateName status subject } } }`;

async function newOrder(unitPrice = 2400): Promise<string> {
  const data = await mustQuery(url, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
    i: { customerEmail: "flow@example.jp", customerName: "流れ 確認", items: [{ productName: "玉露", quantity: 2, unitPrice }] },
  });
  return data.createOrder.id;
}
async function pay(orderId: string): Promise<string> {
  return (await mustQuery(url, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId } })).createPayment.id;
}
const complete = (id: string) => mustQuery(url, `mutation($id: ID!) { completePayment(id: $id) { status } }`, { id });
const order = async (id: string) => (await mustQuery(url, ORDER, { id })).order;

beforeAll(async () => {
  stack = await startInProcessStack({ consistencyCheck: true });
  url = stack.gateway.url;
  setDefaultHeaders(url, await stack.as("admin"));
}, 60_000);
afterAll(() => stack?.stop());

describe("flows", () => {
  it("a completed payment confirms the order, which notifies the customer once", async () => {
    const id = await newOrder();
    await complete(await pay(id));
    // One query reads the order and then its notifications: wait until both show the flow.
    const o = await eventually(() => order(id), (o) => o.status === "CONFIRMED" && o.notifications.length > 0);
    expect(o.status).toBe("CONFIRMED");
    await stack.settled();
    // Events are applied (settled) before the transport has handed the message over: wait for it.
    const sent = await eventually(() => order(id), (o) => o.notifications.every((n: { status: string }) => n.status !== "PENDING"));
    expect(sent.notifications).toEqual([{ templateName: "ORDER_CONFIRMATION", status: "SENT", subject: `ご注文確認 — 注文番号 #${id}` }]);
  });

  it("shipping notifies ORDER_SHIPPED", async () => {
    const id = await newOrder();
    await complete(await pay(id));
    await eventually(() => order(id), (o) => o.status === "CONFIRMED");
    await mustQuery(url, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { status } }`, { id });
    const o = await eventually(() => order(id), (o) => o.notifications.some((n: any) => n.templateName === "ORDER_SHIPPED"));
    expect(o.notifications.map((n: any) => n.templateName).sort()).toEqual(["ORDER_CONFIRMATION", "ORDER_SHIPPED"]);
  });

  it("cancelling a paid order notifies ORDER_CANCELLED and refunds the payment in full with the reason", async () => {
    const id = await newOrder(3100);
    await complete(await pay(id));
    await eventually(() => order(id), (o) => o.status === "CONFIRMED");
    await mustQuery(url, `mutation($id: ID!) { cancelOrder(input: { id: $id, reason: "在庫切れのため" }) { status } }`, { id });
    const o = await eventually(() => order(id), (o) => o.payment.status === "REFUNDED" && o.notifications.length === 2);
    expect(o.payment.refunds).toEqual([{ amount: 6200, reason: "在庫切れのため" }]);
    expect(o.notifications.map((n: any) => n.templateName).sort()).toEqual(["ORDER_CANCELLED", "ORDER_CONFIRMATION"]);
  });

  it("a failed payment leaves the order PENDING with the failure visible; the retried payment confirms it", async () => {
    const id = await newOrder();
    const paymentId = await pay(id);
    await mustQuery(url, `mutation($id: ID!) { failPayment(input: { id: $id, reason: "カード会社により拒否" }) { status } }`, { id: paymentId });
    await stack.settled();
    const failed = await order(id);
    expect(failed).toMatchObject({ status: "PENDING", payment: { status: "FAILED", failureReason: "カード会社により拒否" } });
    expect(failed.notifications).toEqual([]);
    await mustQuery(url, `mutation($id: ID!) { retryPayment(id: $id) { status } }`, { id: paymentId });
    await complete(paymentId);
    const confirmed = await eventually(() => order(id), (o) => o.status === "CONFIRMED" && o.notifications.length === 1);
    expect(confirmed.payment.attempts.map((a: any) => a.status)).toEqual(["FAILED", "COMPLETED"]);
  });

  it("a late payment.completed never moves a shipped order back", async () => {
    const id = await newOrder();
    const paymentId = await pay(id);
    await complete(paymentId);
    await eventually(() => order(id), (o) => o.status === "CONFIRMED");
    await mustQuery(url, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: SHIPPED }) { status } }`, { id });
    // The same fact delivered again, later, as a new event: the order stays SHIPPED.
    const body = JSON.stringify(newEvent("payment", "payment.completed", { payments: [{ paymentId: Number(paymentId), orderId: Number(id), amount: 4800 }] }));
    const res = await fetch(webhookUrl(stack.urls.order), { method: "POST", headers: { "ops-signature": signWebhook(stack.security.secrets.webhookSecret, body) }, body });
    expect(res.status).toBe(200);
    await stack.settled();
    expect((await order(id)).status).toBe("SHIPPED");
  });
});

describe("faults and the consistency report", () => {
  const report = `{ consistencyReport { asOf issueCount issues { kind orderId ageSeconds } outbox { service pending retrying dead } unavailable } }`;
  /** The report once a check that started now has finished: the background check serves what it found, with its time. */
  const freshReport = async () => {
    const now = new Date().toISOString();
    return (await eventually(() => mustQuery(url, report), (r) => r.consistencyReport.asOf >= now)).consistencyReport;
  };

  it("20 payments completed while the order service is down all confirm and notify once it is back", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await newOrder(1000 + i));
    const payments = await Promise.all(ids.map(pay));
    await stack.stopService("order");
    try {
      for (const p of payments) await complete(p);
      await new Promise((r) => setTimeout(r, 300)); // deliveries fail and are scheduled for retry
    } finally {
      await stack.startService("order");
    }
    const started = Date.now();
    await stack.settled(20_000);
    for (const id of ids) {
      const o = await order(id);
      expect(o.status).toBe("CONFIRMED");
      expect(o.notifications.filter((n: any) => n.templateName === "ORDER_CONFIRMATION")).toHaveLength(1);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("retries a receiver that answers 503 and applies the event once", async () => {
    const id = await newOrder();
    const paymentId = await pay(id);
    stack.gates.order.failing = true;
    stack.gates.order.reset();
    try {
      await complete(paymentId);
      await eventually(async () => stack.gates.order.bodies.length, (n) => n >= 3);
      expect((await order(id)).status).toBe("PENDING");
    } finally {
      stack.gates.order.failing = false;
    }
    const o = await eventually(() => order(id), (o) => o.status === "CONFIRMED" && o.notifications.length === 1);
    expect(o.notifications[0].templateName).toBe("ORDER_CONFIRMATION");
    const attempts = await mustQuery(stack.urls.payment, `{ paymentOutbox(status: DELIVERED, first: 5) { eventId attempts } }`, {}, await stack.security.headersFor("admin"));
    expect(attempts.paymentOutbox[0].attempts).toBeGreaterThanOrEqual(4);
  });

  it("lists a deliberate inconsistency with its age, and nothing after convergence", async () => {
    await stack.settled();
    expect((await freshReport()).issues).toEqual([]);
    const id = await newOrder();
    stack.gates.notification.failing = true;
    try {
      await mustQuery(url, `mutation($id: ID!) { updateOrderStatus(input: { id: $id, status: CONFIRMED, reason: "銀行振込を確認" }) { status } }`, { id });
      const during = await eventually(
        () => mustQuery(url, report),
        (r) => r.consistencyReport.outbox.find((o: any) => o.service === "order")?.retrying > 0 && r.consistencyReport.issues.length > 0,
      );
      expect(during.consistencyReport.issues).toEqual([{ kind: "MISSING_NOTIFICATION", orderId: id, ageSeconds: expect.any(Number) }]);
      expect(during.consistencyReport.unavailable).toEqual([]);
    } finally {
      stack.gates.notification.failing = false;
    }
    await stack.settled(20_000);
    const after = await freshReport();
    expect(after.issues).toEqual([]);
    expect(after.issueCount).toBe(0);
    expect(after.outbox.map((o: any) => o.service).sort()).toEqual(["notification", "order", "payment"]);
    expect(after.outbox.every((o: any) => o.pending === 0 && o.retrying === 0 && o.dead === 0)).toBe(true);
  });
});
