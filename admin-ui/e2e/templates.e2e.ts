/**
 * Templates in the browser: an admin edits a template, previews it live against a real order,
 * sees an unknown variable refused, counts an SMS's characters and segments, and saves it; the
 * next notification uses the new text.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { gql, launchBrowser, newContext, screenshot, signInByApi } from "./support/browser";
import { startWorld, USERS, type E2eWorld } from "./support/stack";

let world: E2eWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let orderId: string;

beforeAll(async () => {
  world = await startWorld();
  browser = await launchBrowser();
  context = await newContext(browser, world.origin);
  await signInByApi(context, USERS.admin);
  page = await context.newPage();
  const { createOrder } = await gql(context, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
    i: { customerEmail: "preview@example.jp", customerName: "見本 桜子", items: [{ productName: "南部鉄器 急須", quantity: 1, unitPrice: 8800 }] },
  });
  orderId = createOrder.id;
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe("templates in the browser", () => {
  it("edits a template with a live preview against a real order and saves it", async () => {
    await page.goto("/#/templates");
    await page.locator('[data-test="template-link"][data-name="ORDER_SHIPPED"]').click();
    await page.waitForURL(/#\/templates\/ORDER_SHIPPED$/);
    await page.locator('[data-test="preview-order"]').fill(orderId);
    const subject = page.locator('[data-test="template-subject"]');
    const body = page.locator('[data-test="template-body"]');
    await subject.fill("{{customer_name}}様 発送しました（#{{order_id}}）");
    await body.fill("{{customer_name}}様\n合計 {{yen total_amount}} のご注文を発送しました。\n{{#each items}}- {{product_name}} × {{quantity}}\n{{/each}}");
    // Rendered with the order's real data, as the operator types.
    await expect.poll(() => page.locator('[data-test="preview-subject"]').textContent()).toBe(`見本 桜子様 発送しました（#${orderId}）`);
    await expect.poll(() => page.locator('[data-test="preview-body"]').textContent()).toContain("南部鉄器 急須 × 1");
    expect(await page.locator('[data-test="preview-body"]').textContent()).toMatch(/[¥￥]8,800/);

    // A variable no order has is refused before anything is saved.
    await body.fill("{{customer_name}}様 {{tracking_number}}");
    await page.locator('[data-test="preview-error"]').waitFor();
    expect(await page.locator('[data-test="preview-error"]').textContent()).toContain("tracking_number");
    await body.fill("{{customer_name}}様\n合計 {{yen total_amount}} のご注文を発送しました。\n{{#each items}}- {{product_name}} × {{quantity}}\n{{/each}}");
    await expect.poll(() => page.locator('[data-test="preview-error"]').count()).toBe(0);
    await screenshot(page, "template-editor");

    await page.locator('[data-test="template-save"]').click();
    await page.locator('[data-test="template-saved"]').waitFor();
    const { notificationTemplate } = await gql(context, `{ notificationTemplate(name: "ORDER_SHIPPED") { subjectTemplate } }`);
    expect(notificationTemplate.subjectTemplate).toBe("{{customer_name}}様 発送しました（#{{order_id}}）");
  });

  it("counts an SMS's characters and segments for Japanese text as it is typed", async () => {
    await page.goto("/#/templates/ORDER_SHIPPED");
    await page.locator('[data-test="template-channel"]').selectOption("SMS");
    const body = page.locator('[data-test="template-body"]');
    const counter = page.locator('[data-test="sms-counter"]');
    await body.fill("あ".repeat(70));
    await expect.poll(() => counter.textContent()).toMatch(/70.*1/s);
    await body.fill("あ".repeat(71));
    await expect.poll(() => counter.textContent()).toMatch(/71.*2/s);
  });

  it("sends a notification from an order page with the saved template", async () => {
    await page.goto(`/#/orders/${orderId}`);
    await page.locator('[data-test="send-template"]').selectOption("ORDER_SHIPPED");
    await page.locator('[data-test="send-notification"]').click();
    const row = page.locator('[data-test="notification-row"]').filter({ hasText: "見本 桜子様 発送しました" });
    await expect.poll(() => row.first().getAttribute("data-status"), { timeout: 20_000 }).toBe("SENT");
  });
});
