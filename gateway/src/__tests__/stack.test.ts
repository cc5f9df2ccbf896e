import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchStack, type Stack } from "@ops/service-kit/stack";
import { mustQuery, tempDir } from "@ops/service-kit/testing";

// What `npm start` does, on an empty data directory: migrate, seed, start four processes.
const world = tempDir();
let stack: Stack;

beforeAll(async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: world.dir, GATEWAY_PORT: "0", ORDER_PORT: "0", PAYMENT_PORT: "0", NOTIFICATION_PORT: "0", LOG_LEVEL: "warn" };
  for (const k of ["ORDER_URL", "PAYMENT_URL", "NOTIFICATION_URL", "ORDER_DB_PATH", "PAYMENT_DB_PATH", "NOTIFICATION_DB_PATH"]) delete env[k];
  stack = await launchStack({ env, silent: true });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
  world.cleanup();
});

describe("the stack from an empty data directory", () => {
  it("creates the three databases, is ready, and seeds the templates once", async () => {
    for (const name of ["order", "payment", "notification"]) expect(fs.existsSync(path.join(world.dir, `${name}_service.db`))).toBe(true);
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
    const outbox = fs.readFileSync(path.join(world.dir, "outbox", "notifications.jsonl"), "utf8");
    expect(outbox).toContain(`#${createOrder.id}`);
  });
});
