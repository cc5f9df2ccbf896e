/**
 * Operators' daily journeys through the real stack in headless Chromium: sign in, create an
 * order, pay it and watch the flows confirm and notify it, ship it, refund a paid order, and a
 * page that survives a stopped payment service.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ja } from "@/i18n/ja";
import { scanPages } from "./support/axe";
import { eventually, gql, launchBrowser, newContext, screenshot } from "./support/browser";
import { startWorld, USERS, type E2eWorld } from "./support/stack";

let world: E2eWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  world = await startWorld();
  browser = await launchBrowser();
  context = await newContext(browser, world.origin);
  page = await context.newPage();
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

const dialog = () => page.locator("dialog[open]");
const orderStatus = () => page.locator('[data-test="order-status"]');
const paymentStatus = () => page.locator('[data-test="payment-status"]');

/** A paid order made through the API (for journeys about what comes after payment). */
async function paidOrder(name: string, unitPrice: number): Promise<string> {
  const { createOrder } = await gql(context, `mutation($i: CreateOrderInput!) { createOrder(input: $i) { id } }`, {
    i: { customerEmail: "paid@example.jp", customerName: name, items: [{ productName: "玉露 100g", quantity: 2, unitPrice }] },
  });
  const { createPayment } = await gql(context, `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }`, { i: { orderId: createOrder.id } });
  await gql(context, `mutation($id: ID!) { completePayment(id: $id) { status } }`, { id: createPayment.id });
  // The confirmation travels as an event (outbox → order service); a page opened before it lands
  // would show PENDING until reloaded, so wait for it here: these tests are about the screens.
  await expect
    .poll(async () => (await gql(context, `query($id: ID!) { order(id: $id) { status } }`, { id: createOrder.id })).order.status, { timeout: 20_000 })
    .toBe("CONFIRMED");
  return createOrder.id as string;
}

describe("orders in the browser", () => {
  it("asks for sign-in, then shows the dashboard in Japanese with the user's role", async () => {
    await page.goto("/");
    await page.waitForURL(/#\/sign-in/);
    await page.getByLabel(ja["signIn.username"]).fill(USERS.admin.username);
    await page.getByLabel(ja["signIn.password"]).fill(USERS.admin.password);
    await page.locator('[data-test="sign-in-submit"]').click();
    await page.waitForURL((url) => url.hash === "#/" || url.hash === "");
    await expect.poll(() => page.locator('[data-test="who"]').textContent()).toContain(USERS.admin.username);
    expect(await page.locator('[data-test="role"]').textContent()).toContain(ja["role.admin"]);
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
  });

  it("creates an order, pays it, sees it CONFIRMED and notified, then ships it", async () => {
    await page.goto("/#/orders/new");
    await page.locator('input[name="customerName"]').fill("山田 太郎");
    await page.locator('input[name="customerEmail"]').fill("yamada@example.jp");
    await page.locator('input[name="items.0.productName"]').fill("抹茶 30g");
    await page.locator('input[name="items.0.quantity"]').fill("2");
    await page.locator('input[name="items.0.unitPrice"]').fill("1,620");
    await page.locator('[data-test="add-item"]').click();
    await page.locator('input[name="items.1.productName"]').fill("茶筅");
    await page.locator('input[name="items.1.quantity"]').fill("1");
    await page.locator('input[name="items.1.unitPrice"]').fill("3300");
    // The live total: 2 × 1,620 + 3,300.
    await expect.poll(() => page.locator('[data-test="items-total"]').textContent()).toMatch(/6,540/);
    await page.locator('[data-test="create-submit"]').click();
    await page.waitForURL(/#\/orders\/\d+$/);
    await expect.poll(() => orderStatus().getAttribute("data-status")).toBe("PENDING");
    expect(await page.locator("main").textContent()).toContain("茶筅");

    await page.locator('[data-payment-action="create"]').click();
    await dialog().locator('[data-test="dialog-confirm"]').click();
    await expect.poll(() => paymentStatus().getAttribute("data-status")).toBe("PENDING");
    await page.locator('[data-payment-action="complete"]').click();
    await dialog().locator('[data-test="dialog-confirm"]').click();
    // payment.completed travels to the order service, which confirms the order and asks the
    // notification service for the confirmation: the page follows until it shows.
    await expect.poll(() => orderStatus().getAttribute("data-status"), { timeout: 20_000 }).toBe("CONFIRMED");
    await expect.poll(() => paymentStatus().getAttribute("data-status")).toBe("COMPLETED");
    await eventually(async () => {
      await page.getByRole("button", { name: ja["common.reload"], exact: true }).first().click();
      return (await page.locator('[data-status="SENT"]').count()) > 0 && (await page.locator("main").textContent())!.includes("ORDER_CONFIRMATION");
    }, 20_000, "the confirmation e-mail");

    await page.locator('[data-move="ship"]').click();
    await dialog().locator('[data-test="dialog-confirm"]').click();
    await expect.poll(() => orderStatus().getAttribute("data-status")).toBe("SHIPPED");
    await eventually(async () => {
      await page.getByRole("button", { name: ja["common.reload"], exact: true }).first().click();
      return (await page.locator("main").textContent())!.includes("ORDER_SHIPPED");
    }, 20_000, "the shipping notification");
    await screenshot(page, "order");
  });

  it("refunds a paid order with a reason after confirmation", async () => {
    const id = await paidOrder("返金 花子", 2400);
    await page.goto(`/#/orders/${id}`);
    await expect.poll(() => orderStatus().getAttribute("data-status"), { timeout: 20_000 }).toBe("CONFIRMED");
    await page.locator('[data-payment-action="refund"]').click();
    // The dialog refuses to go on without the reason and the check.
    await dialog().locator('[data-test="dialog-confirm"]').click();
    expect(await dialog().isVisible()).toBe(true);
    await dialog().locator('textarea[name="reason"]').fill("お客様都合による返品");
    await dialog().locator('input[name="checked"]').check();
    await dialog().locator('[data-test="dialog-confirm"]').click();
    await expect.poll(() => paymentStatus().getAttribute("data-status")).toBe("REFUNDED");
    expect(await page.locator('[data-test="payment-panel"]').textContent()).toContain("お客様都合による返品");
    expect(await page.locator('[data-test="payment-panel"]').textContent()).toMatch(/[¥￥]4,800/);
  });

  it("keeps an order page useful while the payment service is stopped", async () => {
    const id = await paidOrder("障害 次郎", 1800);
    await world.stack.processes.payment.stop();
    try {
      await page.goto(`/#/orders/${id}`);
      const notice = page.locator('[data-test="service-notice"][data-service="payment"]');
      await notice.waitFor();
      // The order service's part is all there; only the payment part is replaced by the notice.
      expect(await page.locator("main").textContent()).toContain("玉露 100g");
      expect(await page.locator("main").textContent()).toContain("障害 次郎");
      expect(await page.locator('[data-test="payment-panel"]').count()).toBe(0);
      // Nothing said about the previous order (its refund) lingers on this one.
      expect(await page.locator("p.success").count()).toBe(0);
      await screenshot(page, "order-payment-down");
    } finally {
      await world.stack.restart("payment");
    }
    await page.reload();
    await expect.poll(() => paymentStatus().getAttribute("data-status"), { timeout: 20_000 }).toBe("COMPLETED");
    expect(await page.locator('[data-test="service-notice"]').count()).toBe(0);
  });

  it("shows the day's figures, revenue and refunds, and every service's health on the dashboard", async () => {
    await page.goto("/#/");
    // Three orders were created and paid (¥6,540 + ¥4,800 + ¥3,600); one was refunded (¥4,800).
    await expect.poll(() => page.locator('[data-test="today-count"]').textContent()).toMatch(/3/);
    await page.locator('[data-test="revenue-chart"]').waitFor();
    await page.locator('[data-test="orders-per-day-chart"]').waitFor();
    await page.locator('[data-test="recent-imports"]').waitFor();
    await expect.poll(() => page.locator('[data-test="readiness"] [data-state="up"]').count()).toBe(3);
    expect(await page.locator('[data-test="readiness"]').textContent()).toContain(ja["readiness.up"]);
    expect(await page.locator('[data-test="service-notice"]').count()).toBe(0);
    // Let the charts finish their entry animation before the picture.
    await page.waitForTimeout(1200);
    await screenshot(page, "dashboard");
  });

  it("speaks English on every screen after switching, and Japanese again after switching back", async () => {
    await page.goto("/#/");
    await page.locator('[data-test="locale"]').selectOption("en");
    expect(await page.locator("html").getAttribute("lang")).toBe("en");
    const kana = /[\u3040-\u30ff]/;
    for (const hash of ["#/", "#/orders", "#/orders/1", "#/orders/new", "#/notifications", "#/templates", "#/templates/ORDER_SHIPPED", "#/imports", "#/imports/new"]) {
      await page.goto(`/${hash}`);
      await page.locator("h1").first().waitFor();
      await page.waitForLoadState("networkidle");
      // The UI's own words (headings, menus, labels, buttons, column heads), not the shop's data.
      const chrome = await page.locator("h1, h2, h3, nav, label, button, th, legend, dt").allTextContents();
      const japanese = chrome.filter((text) => kana.test(text));
      expect(japanese, `Japanese left on ${hash}`).toEqual([]);
    }
    await page.locator('[data-test="locale"]').selectOption("ja");
    expect(await page.locator("html").getAttribute("lang")).toBe("ja");
    await expect.poll(() => page.locator("nav").first().textContent()).toContain(ja["nav.dashboard"]);
  });

  it("has no serious accessibility violations (axe-core, WCAG 2.1 AA) on the main screens", async () => {
    const pages = ["#/", "#/orders", "#/orders/1", "#/orders/new", "#/notifications", "#/templates", "#/templates/ORDER_SHIPPED", "#/sign-in"];
    expect(await scanPages(browser, world.origin, USERS.admin, pages)).toEqual({});
  });
});
