import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSecrets, signUserToken } from "@ops/service-kit";
import { isolatedStackEnv, launchStack, type Stack } from "@ops/service-kit/stack";
import { mustQuery, onPostgres, setDefaultHeaders, tempDir } from "@ops/service-kit/testing";

// What `npm start` does, on an empty data directory: migrate, seed, start four processes.
const world = tempDir();
let stack: Stack;

beforeAll(async () => {
  const env = isolatedStackEnv(world.dir, {
    NODE_ENV: "development",
    OUTBOX_POLL_MS: "100",
    OUTBOX_BASE_DELAY_MS: "50",
    OUTBOX_MAX_DELAY_MS: "500",
  });
  stack = await launchStack({ env, silent: true });
  // The stack generated its development secrets under DATA_DIR: sign a token as the gateway would.
  const { token } = await signUserToken(loadSecrets(world.dir, env).jwtPrivateKey, { name: "stack-test", role: "admin", kind: "user" }, 600);
  setDefaultHeaders(stack.gatewayUrl, { authorization: `Bearer ${token}` });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  world.cleanup();
});

describe("the stack from an empty data directory", () => {
  // SQLite only: under test:pg the stack's databases are on the PostgreSQL server, not in DATA_DIR.
  it.skipIf(onPostgres)("creates the three SQLite databases in the data directory", () => {
    for (const name of ["order", "payment", "notification"]) expect(fs.existsSync(path.join(world.dir, `${name}_service.db`))).toBe(true);
  });

  it("migrates the databases, is ready, and seeds the templates once", async () => {
    const base = stack.gatewayUrl.replace(/\/graphql$/, "");
    expect((await fetch(`${base}/ready`)).status).toBe(200);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: "ok", service: "gateway" });
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Order Operations Supergraph");

    const templates = `{ notificationTemplates { name language channel } }`;
    const first = await mustQuery(stack.gatewayUrl, templates);
    expect(first.notificationTemplates.map((t: { name: string }) => t.name).sort()).toEqual(["ORDER_CANCELLED", "ORDER_CONFIRMATION", "ORDER_SHIPPED"]);
    await stack.restart("notification");
    const again = await mustQuery(stack.gatewayUrl, templates);
    expect(again.notificationTemplates).toEqual(first.notificationTemplates);
  });

  it("serves an order with its payment and notification through the gateway, across processes", async () => {
    const { createOrder } = await mustQuery(stack.gatewayUrl, `mutation { createOrder(input: { customerEmail: "stack@example.jp", customerName: "起動 確認", items: [{ productName: "抹茶", quantity: 1, unitPrice: 2160 }] }) { id } }`);
    const { createPayment } = await mustQuery(stack.gatewayUrl, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id amount } }`, { i: { orderId: createOrder.id } });
    expect(createPayment.amount).toBe(2160);
    await mustQuery(stack.gatewayUrl, `mutation($i: SendNotificationInput!) { sendNotification(input: $i) { status } }`, { i: { orderId: createOrder.id, templateName: "ORDER_CONFIRMATION" } });
    const { order } = await mustQuery(stack.gatewayUrl, `query($id: ID!) { order(id: $id) { customerName payment { amount status } notifications { status subject } } }`, { id: createOrder.id });
    expect(order).toEqual({ customerName: "起動 確認", payment: { amount: 2160, status: "PENDING" }, notifications: [{ status: "SENT", subject: `ご注文確認 — 注文番号 #${createOrder.id}` }] });
  });

  it("delivers an event whose producer was killed (kill -9) between the state change and delivery", async () => {
    const { createOrder } = await mustQuery(stack.gatewayUrl, `mutation { createOrder(input: { customerEmail: "kill@example.jp", customerName: "障害 試験", items: [{ productName: "煎茶", quantity: 1, unitPrice: 1280 }] }) { id } }`);
    const { createPayment } = await mustQuery(stack.gatewayUrl, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId: createOrder.id } });
    await stack.processes.order.stop(); // the receiver is away: delivery cannot happen yet
    await mustQuery(stack.gatewayUrl, `mutation($id: ID!) { completePayment(id: $id) { status } }`, { id: createPayment.id });
    await stack.processes.payment.kill(); // SIGKILL: whatever was in memory is gone; the outbox row is on disk
    await stack.restart("order");
    await stack.restart("payment");
    const read = `query($id: ID!) { order(id: $id) { status notifications { templateName status } } }`;
    let order: { status: string; notifications: { templateName: string; status: string }[] } | undefined;
    // Delivery resumes at the row's next attempt time (backoff from while the order service was
    // away), so allow 30 s: the test is about nothing being lost, not about latency. The message is
    // stored first and sent after: wait for SENT before reading the transport's file.
    for (let i = 0; i < 300 && order?.notifications[0]?.status !== "SENT"; i++) {
      await new Promise((r) => setTimeout(r, 100));
      order = (await mustQuery(stack.gatewayUrl, read, { id: createOrder.id })).order;
    }
    expect(order).toEqual({ status: "CONFIRMED", notifications: [{ templateName: "ORDER_CONFIRMATION", status: "SENT" }] });
    const outbox = fs.readFileSync(path.join(world.dir, "outbox", "notifications.jsonl"), "utf8");
    expect(outbox).toContain(`#${createOrder.id}`);
    // Two restarts plus up to 30 s of polling: more than vitest's default 30 s on a loaded machine.
  }, 60_000);
});
