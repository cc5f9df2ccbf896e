/** A transport that fails: the notification is FAILED with the reason, and a resend delivers it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphqlRequest, mustQuery } from "@ops/service-kit/testing";
import type { NotificationTransport, OutgoingMessage } from "../transport/NotificationTransport.js";
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
    const [row] = await world.notification.db.$queryRawUnsafe<Record<string, unknown>[]>(
      "SELECT status, failure_reason, sent_at, subject, body FROM notifications WHERE id = ?",
      Number(failed.id),
    );
    expect(row).toMatchObject({ status: "failed", failure_reason: "550 5.1.1 mailbox unavailable", sent_at: null, subject: failed.subject });
    expect(transport.delivered).toHaveLength(0);

    // The template changes in between: a resend still sends what was rendered the first time.
    await world.notification.db.notificationTemplate.update({ where: { name: "ORDER_SHIPPED" }, data: { subjectTemplate: "changed {{order_id}}" } });
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
});
