/** Sending through the file transport: rendering from the real order, stored rows, outbox lines, refusals. */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import { countNotifications, findNotifications, getNotification } from "./rows.js";
import type { Notification } from "../domain/notification.js";
import { NOTIFICATION_FIELDS, startWorld, TEST_ORDER, type World } from "./world.js";

let world: World;
let url: string;
let orderId: string;
beforeAll(async () => {
  world = await startWorld();
  url = world.notification.url;
  orderId = await world.createOrder();
});
afterAll(() => world.stop());

const SEND = `mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { ${NOTIFICATION_FIELDS} } }`;

function outboxLines(): Record<string, any>[] {
  const file = path.join(world.outboxDir, "notifications.jsonl");
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l)) : [];
}

describe("sendNotification", () => {
  it("sends EMAIL to the order's address: SENT with sentAt, Japanese subject, row and outbox line", async () => {
    const before = Date.now();
    const { sendNotification: n } = await mustQuery(url, SEND, { input: { orderId, templateName: "ORDER_CONFIRMATION" } });
    expect(n).toMatchObject({ orderId, channel: "EMAIL", templateName: "ORDER_CONFIRMATION", recipient: TEST_ORDER.customerEmail, status: "SENT", failureReason: null, attemptCount: 1 });
    expect(n.subject).toBe(`ご注文確認 — 注文番号 #${orderId}`);
    expect(n.body).toContain(`${TEST_ORDER.customerName} 様`);
    expect(n.body).toContain("・抹茶ラテ　¥480 × 3点　小計 ¥1,440");
    expect(n.body).toContain("合計金額：¥4,640");
    expect(Date.parse(n.sentAt)).toBeGreaterThanOrEqual(before - 1000);

    // The stored values themselves (lower-case enums), not the service's reading of them.
    const rows = await world.notification.database.db
      .selectFrom("notifications")
      .select(["status", "channel", "recipient", "subject", "sent_at", "attempt_count"])
      .where("id", "=", Number(n.id))
      .execute();
    expect(rows[0]).toMatchObject({ status: "sent", channel: "email", recipient: TEST_ORDER.customerEmail, subject: n.subject });
    expect(rows[0]!.sent_at).not.toBeNull();

    const lines = outboxLines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ channel: "EMAIL", recipient: TEST_ORDER.customerEmail, subject: n.subject, body: n.body, notificationId: Number(n.id) });
  });

  it("sends SMS to the normalised phone number without a subject, on the template's channel override", async () => {
    const { sendNotification: n } = await mustQuery(url, SEND, { input: { orderId, templateName: "ORDER_SHIPPED", channel: "SMS", phoneNumber: "090-1234-5678" } });
    expect(n).toMatchObject({ channel: "SMS", recipient: "+819012345678", subject: null, status: "SENT" });
    expect(outboxLines().at(-1)).toMatchObject({ channel: "SMS", recipient: "+819012345678", subject: null });
  });

  it("refuses SMS without a phone number or with a bad one, storing nothing", async () => {
    const count = await countNotifications(world.notification.database);
    const missing = await graphqlRequest(url, SEND, { input: { orderId, templateName: "ORDER_SHIPPED", channel: "SMS" } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.phoneNumber" });
    const bad = await graphqlRequest(url, SEND, { input: { orderId, templateName: "ORDER_SHIPPED", channel: "SMS", phoneNumber: "03-1234-5678" } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.phoneNumber", params: { value: "03-1234-5678" } });
    expect(bad.data).toBeNull();
    expect(await countNotifications(world.notification.database)).toBe(count);
  });

  it("refuses an unknown order or template with NOT_FOUND", async () => {
    const order = await graphqlRequest(url, SEND, { input: { orderId: "987654", templateName: "ORDER_SHIPPED" } });
    expect(order.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.orderId", params: { id: 987654 } });
    const template = await graphqlRequest(url, SEND, { input: { orderId, templateName: "NO_SUCH" } });
    expect(template.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.templateName" });
    expect(await countNotifications(world.notification.database, { orderId: 987654 })).toBe(0);
  });

  it("refuses to resend a SENT notification with CONFLICT", async () => {
    const [sent] = (await findNotifications(world.notification.database, { status: "SENT" })) as [Notification];
    const res = await graphqlRequest(url, `mutation { resendNotification(id: "${sent.id}") { id status } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", params: { status: "SENT", allowed: ["FAILED"] } });
    const after = await getNotification(world.notification.database, sent.id);
    expect(after.attemptCount).toBe(1);
    const missing = await graphqlRequest(url, `mutation { resendNotification(id: "424242") { id } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

describe("reading notifications", () => {
  it("lists newest first with filters, a total count and keyset pagination", async () => {
    const other = await world.createOrder({ customerName: "佐藤 花子", customerEmail: "hanako.sato@example.jp" });
    await mustQuery(url, SEND, { input: { orderId: other, templateName: "ORDER_CANCELLED" } });
    const page = `query ($after: String, $filter: NotificationFilter) { notifications(first: 2, after: $after, filter: $filter) {
      totalCount edges { cursor node { id orderId templateName channel } } pageInfo { hasNextPage endCursor } } }`;
    const first = (await mustQuery(url, page)).notifications;
    expect(first.totalCount).toBe(3);
    expect(first.edges.map((e: any) => e.node.templateName)).toEqual(["ORDER_CANCELLED", "ORDER_SHIPPED"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await mustQuery(url, page, { after: first.pageInfo.endCursor })).notifications;
    expect(second.edges.map((e: any) => e.node.templateName)).toEqual(["ORDER_CONFIRMATION"]);
    expect(second.pageInfo).toEqual({ hasNextPage: false, endCursor: second.edges[0].cursor });

    const filtered = (await mustQuery(url, page, { filter: { orderId, channel: "EMAIL", status: ["SENT"] } })).notifications;
    expect(filtered.totalCount).toBe(1);
    expect(filtered.edges[0].node).toMatchObject({ orderId, templateName: "ORDER_CONFIRMATION" });
    const byTemplate = (await mustQuery(url, page, { filter: { templateName: "ORDER_CANCELLED" } })).notifications;
    expect(byTemplate.edges.map((e: any) => e.node.orderId)).toEqual([other]);
    const badCursor = await graphqlRequest(url, page, { after: "nonsense" });
    expect(badCursor.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("reads one notification with its order reference", async () => {
    const sent = (await findNotifications(world.notification.database)).sort((a, b) => a.id - b.id)[0]!;
    const data = await mustQuery(url, `{ notification(id: "${sent.id}") { id order { id } } missing: notification(id: "99999") { id } }`);
    expect(data).toEqual({ notification: { id: String(sent.id), order: { id: orderId } }, missing: null });
  });
});
