/**
 * Order events (DESIGN section 5), over HTTP against the real order service and this one: status
 * changes send the customer one e-mail each; the webhook applies an event exactly once however
 * often it comes, carries hundreds of orders in one go, refuses bad signatures, and stores
 * FAILED (never retries forever) when a template is missing or broken.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueEvent, signWebhook } from "@ops/service-kit";
import { graphqlRequest, mustQuery, rowsOf } from "@ops/service-kit/testing";
import { DEFAULT_TEMPLATES } from "../domain/defaultTemplates.js";
import { orderEvent, orderEventsDelivered, outboxLines, postEvent, sendsPerNotification, snapshot, waitFor } from "./eventHelpers.js";
import { countNotifications, findNotifications, plantTemplate, processedCount, removeTemplate } from "./rows.js";
import { startWorld, TEST_ORDER, type World } from "./world.js";

let world: World;
beforeAll(async () => {
  world = await startWorld();
});
afterAll(() => world.stop());

const db = () => world.notification.database;
const forOrder = (orderId: number) => findNotifications(db(), { orderId });
const allSent = (orderIds: number[]) => async () => {
  const stored = await findNotifications(db(), { orderIds });
  return stored.length > 0 && stored.every((n) => n.status === "SENT");
};

const UPDATE = `mutation ($input: UpdateOrderStatusInput!) { updateOrderStatus(input: $input) { id status } }`;
const SUBJECTS: Record<string, (id: number) => string> = {
  ORDER_CONFIRMATION: (id) => `ご注文確認 — 注文番号 #${id}`,
  ORDER_SHIPPED: (id) => `発送のお知らせ — 注文番号 #${id}`,
  ORDER_CANCELLED: (id) => `ご注文キャンセルのお知らせ — 注文番号 #${id}`,
};

describe("an order's status changes notify its customer", () => {
  it("confirming, shipping and cancelling each send exactly one SENT e-mail with the right template", async () => {
    const a = Number(await world.createOrder());
    const b = Number(await world.createOrder({ customerName: "佐藤 花子", customerEmail: "hanako.sato@example.jp" }));
    await mustQuery(world.order.url, UPDATE, { input: { id: String(a), status: "CONFIRMED", reason: "銀行振込を確認しました" } });
    await waitFor("the confirmation", async () => (await forOrder(a)).some((n) => n.status === "SENT"));
    await mustQuery(world.order.url, UPDATE, { input: { id: String(a), status: "SHIPPED" } });
    await mustQuery(world.order.url, `mutation { cancelOrder(input: { id: "${b}", reason: "お客様のご都合" }) { id status } }`);
    await orderEventsDelivered(world);
    await waitFor("every notification to be sent", allSent([a, b]));

    const ofA = await forOrder(a);
    const ofB = await forOrder(b);
    expect(ofA.map((n) => n.templateName)).toEqual(["ORDER_CONFIRMATION", "ORDER_SHIPPED"]);
    expect(ofB.map((n) => n.templateName)).toEqual(["ORDER_CANCELLED"]);
    for (const n of [...ofA, ...ofB]) {
      expect(n).toMatchObject({ channel: "EMAIL", status: "SENT", attemptCount: 1, failureReason: null, subject: SUBJECTS[n.templateName]!(n.orderId) });
      expect(n.sentAt).not.toBeNull();
    }
    expect(ofA[0]!.recipient).toBe(TEST_ORDER.customerEmail);
    expect(ofA[0]!.body).toContain(`${TEST_ORDER.customerName} 様`);
    expect(ofA[0]!.body).toContain("・抹茶ラテ　¥480 × 3点　小計 ¥1,440");
    expect(ofA[0]!.body).toContain("合計金額：¥4,640");
    expect(ofB[0]).toMatchObject({ recipient: "hanako.sato@example.jp" });
    expect(ofB[0]!.body).toContain("佐藤 花子 様");

    const lines = outboxLines(world);
    for (const n of [...ofA, ...ofB]) {
      expect(lines.filter((l) => l.notificationId === n.id)).toEqual([expect.objectContaining({ channel: "EMAIL", recipient: n.recipient, subject: n.subject, body: n.body })]);
    }
    // And through the API, newest first.
    const listed = await mustQuery(world.notification.url, `{ notifications(filter: { orderId: "${a}" }) { edges { node { templateName status } } } }`);
    expect(listed.notifications.edges.map((e: any) => e.node)).toEqual([
      { templateName: "ORDER_SHIPPED", status: "SENT" },
      { templateName: "ORDER_CONFIRMATION", status: "SENT" },
    ]);
  });
});

describe("the order-event webhook", () => {
  it("applies the same signed event delivered 5 times (concurrently, then again) exactly once", async () => {
    const body = JSON.stringify(orderEvent("order.shipped", [snapshot(9001)]));
    const answers = await Promise.all(Array.from({ length: 5 }, () => postEvent(world, body)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.map((a) => a.json.status).sort()).toEqual(["applied", "duplicate", "duplicate", "duplicate", "duplicate"]);
    await waitFor("the notification to be sent", allSent([9001]));
    expect((await postEvent(world, body)).json.status).toBe("duplicate");
    const stored = await forOrder(9001);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ templateName: "ORDER_SHIPPED", recipient: "customer9001@example.jp", subject: SUBJECTS.ORDER_SHIPPED!(9001), status: "SENT" });
    expect(sendsPerNotification(world).get(stored[0]!.id)).toBe(1);
  });

  it("stores the notifications of an event carrying 200 orders in one transaction, then sends each once", async () => {
    const ids = Array.from({ length: 200 }, (_, i) => 10_001 + i);
    const body = JSON.stringify(orderEvent("order.confirmed", ids.map((id) => snapshot(id, { status: "CONFIRMED" }))));
    world.queries.reset();
    const answer = await postEvent(world, body);
    expect(answer).toMatchObject({ status: 200, json: { status: "applied" } });
    // Committed together before the acknowledgement: all 200 are there at once.
    expect(await countNotifications(db(), { orderIds: ids })).toBe(200);
    // The bulk path: ONE multi-row INSERT for the 200 orders (SQLite VALUES, PostgreSQL unnest).
    const inserts = world.queries.statements.filter((s) => /^insert into "notifications"/i.test(s));
    expect(inserts).toHaveLength(1);

    await waitFor("200 notifications to be sent", allSent(ids), 20_000);
    const stored = await findNotifications(db(), { orderIds: ids });
    expect(new Set(stored.map((n) => n.orderId)).size).toBe(200);
    expect(stored.every((n) => n.templateName === "ORDER_CONFIRMATION" && n.subject === SUBJECTS.ORDER_CONFIRMATION!(n.orderId))).toBe(true);
    const sends = sendsPerNotification(world);
    expect(stored.every((n) => sends.get(n.id) === 1)).toBe(true);
  });

  it("refuses a bad signature or an old timestamp with 401 and stores nothing", async () => {
    const event = orderEvent("order.cancelled", [snapshot(9100)]);
    const body = JSON.stringify(event);
    const secret = world.security.secrets.webhookSecret;
    const forged = await postEvent(world, body, signWebhook("not-the-secret", body));
    const replayed = await postEvent(world, body, signWebhook(secret, body, Date.now() - 10 * 60_000));
    const unsigned = await postEvent(world, body, "");
    expect([forged.status, replayed.status, unsigned.status]).toEqual([401, 401, 401]);
    expect(replayed.json.error).toMatch(/tolerance/);
    // A body changed after signing does not match either.
    const tampered = await postEvent(world, body.replace("9100", "9101"), signWebhook(secret, body));
    expect(tampered.status).toBe(401);
    expect(await countNotifications(db(), { orderIds: [9100, 9101] })).toBe(0);
    expect(await processedCount(db(), event.id)).toBe(0);
  });

  it("records and ignores an event type it does not handle", async () => {
    const event = orderEvent("order.delivered", [snapshot(9200)]);
    expect((await postEvent(world, JSON.stringify(event))).json.status).toBe("ignored");
    expect(await processedCount(db(), event.id)).toBe(1);
    expect(await countNotifications(db(), { orderId: 9200 })).toBe(0);
  });

  it("refuses an event whose data is malformed for good (422, the problems named) and applies none of it", async () => {
    // Two good orders and one without its e-mail address: none of the three is notified.
    const { customerEmail: _, ...noEmail } = snapshot(9402);
    const event = orderEvent("order.shipped", [snapshot(9400), snapshot(9401), noEmail as never]);
    const reply = await postEvent(world, JSON.stringify(event));
    expect(reply.status).toBe(422);
    expect(reply.json.problems).toEqual([{ path: "orders[2].customerEmail", problem: "must be a string, got missing" }]);
    expect(await countNotifications(db(), { orderIds: [9400, 9401, 9402] })).toBe(0);
    expect(await processedCount(db(), event.id)).toBe(0);
  });

  it("makes the order service dead-letter a malformed event at once, without retrying", async () => {
    const event = orderEvent("order.cancelled", [snapshot(9500, { status: "CANCELLED" })]);
    const malformed = { ...event, data: { orders: [{ ...snapshot(9500), status: "cancelled", updatedAt: "yesterday" }] } };
    await enqueueEvent(world.order.database.db, malformed, ["notification"]);
    world.order.events.wake();
    const dead = await waitFor("the event to be dead-lettered", async () => {
      const rows = await rowsOf<{ id: number; status: string; attempts: number; last_error: string }>(
        world.order.database,
        `SELECT id, status, attempts, last_error FROM outbox WHERE event_id = ?`,
        event.id,
      );
      return rows[0]?.status === "dead" ? rows[0] : null;
    });
    // The world's outbox retries after 20–40 ms: give it time to (wrongly) do so.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const attempts = await rowsOf<{ http_status: number }>(world.order.database, `SELECT http_status FROM outbox_attempts WHERE outbox_id = ?`, dead.id);
    expect(attempts.map((a) => Number(a.http_status))).toEqual([422]);
    expect(Number(dead.attempts)).toBe(1);
    expect(dead.last_error).toContain('orders[0].status: must be one of PENDING, CONFIRMED, SHIPPED, DELIVERED, CANCELLED, got "cancelled"');
    expect(dead.last_error).toContain("orders[0].updatedAt: must be an ISO 8601 date-time");
    expect(await countNotifications(db(), { orderId: 9500 })).toBe(0);
    expect(await processedCount(db(), event.id)).toBe(0);
    const figures = await mustQuery(world.order.url, `{ orderOutbox(status: DEAD) { eventId attempts lastError } }`);
    expect(figures.orderOutbox).toContainEqual({ eventId: event.id, attempts: 1, lastError: dead.last_error });
  });

  it("stores FAILED with the reason when the template is missing or does not render, and acknowledges", async () => {
    const shipped = DEFAULT_TEMPLATES.find((t) => t.name === "ORDER_SHIPPED")!;
    try {
      await removeTemplate(db(), "ORDER_SHIPPED");
      const missing = await postEvent(world, JSON.stringify(orderEvent("order.shipped", [snapshot(9301), snapshot(9302)])));
      expect(missing.json.status).toBe("applied");
      await plantTemplate(db(), { ...shipped, bodyTemplate: "{{#if customer_name}}閉じていない" });
      const broken = await postEvent(world, JSON.stringify(orderEvent("order.shipped", [snapshot(9303)])));
      expect(broken.json.status).toBe("applied");
    } finally {
      await removeTemplate(db(), "ORDER_SHIPPED");
      await plantTemplate(db(), shipped);
    }
    const failed = await findNotifications(db(), { orderIds: [9301, 9302, 9303] });
    expect(failed.map((n) => [n.orderId, n.status, n.templateName, n.recipient, n.attemptCount])).toEqual([
      [9301, "FAILED", "ORDER_SHIPPED", "customer9301@example.jp", 0],
      [9302, "FAILED", "ORDER_SHIPPED", "customer9302@example.jp", 0],
      [9303, "FAILED", "ORDER_SHIPPED", "customer9303@example.jp", 0],
    ]);
    expect(failed[0]!.failureReason).toMatch(/no template named "ORDER_SHIPPED"/);
    expect(failed[2]!.failureReason).toMatch(/could not be rendered/);
    expect(failed.every((n) => !sendsPerNotification(world).has(n.id))).toBe(true);
    // Nothing was rendered, so there is nothing to resend: the operator sends a new one instead.
    const resend = await graphqlRequest(world.notification.url, `mutation { resendNotification(id: "${failed[0]!.id}") { id } }`);
    expect(resend.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { reason: "NOT_RENDERED" } });
  });

  it("serves this service's outbox figures and dead letters (it produces no events today)", async () => {
    const data = await mustQuery(world.notification.url, `{ notificationOutboxFigures { service pending retrying dead delivered } notificationOutbox { id } }`);
    expect(data).toEqual({ notificationOutboxFigures: { service: "notification", pending: 0, retrying: 0, dead: 0, delivered: 0 }, notificationOutbox: [] });
  });
});
