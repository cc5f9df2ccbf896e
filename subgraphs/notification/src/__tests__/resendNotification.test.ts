/** A transport that fails: the notification is FAILED with the reason, and a resend delivers it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import type { NotificationTransport, OutgoingMessage } from "../transport/NotificationTransport.js";
import { changeTemplate, countNotifications } from "./rows.js";
import { NOTIFICATION_FIELDS, startWorld, TEST_ORDER, type World } from "./world.js";

class SwitchableTransport implements NotificationTransport {
  failWith: string | null = "550 5.1.1 mailbox unavailable";
  readonly delivered: OutgoingMessage[] = [];
  async send(message: OutgoingMessage): Promise<void> {
    if (this.failWith) throw new Error(this.failWith);
    this.delivered.push(message);
  }
}

const transport = new SwitchableTransport();
let world: World;
beforeAll(async () => {
  world = await startWorld({ transport });
});
afterAll(() => world.stop());

describe("failed delivery and resend", () => {
  it("records FAILED with the reason, then a resend with a working transport records SENT", async () => {
    const orderId = await world.createOrder();
    const sent = await mustQuery(world.notification.url, `mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { ${NOTIFICATION_FIELDS} } }`, {
      input: { orderId, templateName: "ORDER_SHIPPED" },
    });
    const failed = sent.sendNotification;
    expect(failed).toMatchObject({ status: "FAILED", failureReason: "550 5.1.1 mailbox unavailable", sentAt: null, attemptCount: 1 });
    // The stored values themselves (lower-case enum), not the service's reading of them.
    const row = await world.notification.database.db
      .selectFrom("notifications")
      .select(["status", "failure_reason", "sent_at", "subject", "body"])
      .where("id", "=", Number(failed.id))
      .executeTakeFirst();
    expect(row).toMatchObject({ status: "failed", failure_reason: "550 5.1.1 mailbox unavailable", sent_at: null, subject: failed.subject });
    expect(transport.delivered).toHaveLength(0);

    // The template changes in between: a resend still sends what was rendered the first time.
    await changeTemplate(world.notification.database, "ORDER_SHIPPED", { subjectTemplate: "changed {{order_id}}" });
    transport.failWith = null;
    const resent = (await mustQuery(world.notification.url, `mutation { resendNotification(id: "${failed.id}") { ${NOTIFICATION_FIELDS} } }`)).resendNotification;
    expect(resent).toMatchObject({ id: failed.id, status: "SENT", attemptCount: 2, subject: `発送のお知らせ — 注文番号 #${orderId}`, body: failed.body });
    expect(resent.sentAt).not.toBeNull();
    expect(transport.delivered).toEqual([
      { channel: "EMAIL", recipient: TEST_ORDER.customerEmail, subject: failed.subject, body: failed.body, notificationId: Number(failed.id) },
    ]);
    const again = await graphqlRequest(world.notification.url, `mutation { resendNotification(id: "${failed.id}") { id } }`);
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect(transport.delivered).toHaveLength(1);
  });

  it("a resend that fails again stays FAILED with the new reason and counts the attempt", async () => {
    transport.failWith = "connection refused";
    const orderId = await world.createOrder();
    const first = (await mustQuery(world.notification.url, `mutation { sendNotification(input: { orderId: "${orderId}", templateName: "ORDER_CANCELLED" }) { id } }`)).sendNotification;
    transport.failWith = "timeout after 10 s";
    const again = (await mustQuery(world.notification.url, `mutation { resendNotification(id: "${first.id}") { status failureReason attemptCount sentAt } }`)).resendNotification;
    expect(again).toEqual({ status: "FAILED", failureReason: "timeout after 10 s", attemptCount: 2, sentAt: null });
  });

  it("sends once per idempotency key: a repeated request returns the first notification; the key for another message is CONFLICT", async () => {
    transport.failWith = null;
    const orderId = await world.createOrder();
    const SEND = `mutation ($input: SendNotificationInput!) { sendNotification(input: $input) { id status } }`;
    const input = { orderId, templateName: "ORDER_SHIPPED", idempotencyKey: "ui-send-0001" };
    const before = transport.delivered.length;
    // A double click: both arrive at once.
    const [a, b] = await Promise.all([mustQuery(world.notification.url, SEND, { input }), mustQuery(world.notification.url, SEND, { input })]);
    const again = await mustQuery(world.notification.url, SEND, { input });
    expect(b.sendNotification.id).toBe(a.sendNotification.id);
    expect(again.sendNotification).toEqual({ id: a.sendNotification.id, status: "SENT" });
    expect(transport.delivered.length - before).toBe(1);
    expect(await countNotifications(world.notification.database, { orderId: Number(orderId) })).toBe(1);

    const other = await graphqlRequest(world.notification.url, SEND, { input: { ...input, templateName: "ORDER_CANCELLED" } });
    expect(other.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.idempotencyKey", params: { notificationId: Number(a.sendNotification.id) } });
    const blank = await graphqlRequest(world.notification.url, SEND, { input: { ...input, idempotencyKey: " " } });
    expect(blank.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.idempotencyKey" });
    // Without a key every request is a new message, as before.
    await mustQuery(world.notification.url, SEND, { input: { orderId, templateName: "ORDER_SHIPPED" } });
    expect(transport.delivered.length - before).toBe(2);
  });
});
