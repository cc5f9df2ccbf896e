import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import OrderNotifications from "@/components/orders/OrderNotifications.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

const notification = (id: string, status: "SENT" | "FAILED") => ({
  id,
  channel: "EMAIL" as const,
  templateName: "ORDER_CONFIRMATION",
  recipient: "taro@example.jp",
  subject: "ご注文確認",
  status,
  sentAt: null,
  failureReason: status === "FAILED" ? "SMTP 550 mailbox unavailable" : null,
  attemptCount: 2,
  createdAt: "2026-11-25T01:00:00.000Z",
});
const templates = [{ id: "1", name: "ORDER_SHIPPED", subjectTemplate: "s", bodyTemplate: "b", channel: "EMAIL", language: "ja", variables: [] }];

async function mountAs(role: Role) {
  await signInAs(role);
  const fetchMock = stubFetch((req: SeenRequest) => {
    const { operationName } = req.body as { operationName: string };
    if (operationName === "NotificationTemplates") return jsonResponse({ data: { notificationTemplates: templates } });
    return jsonResponse({ data: { sendNotification: { ...notification("9", "SENT"), orderId: "12", batchId: null, status: "SENT" } } });
  });
  const wrapper = mount(OrderNotifications, {
    props: { orderId: "12", notifications: [notification("2", "FAILED"), notification("1", "SENT")] },
    global: { plugins: [urqlPlugin().plugin], stubs: { RouterLink: true } },
    attachTo: document.body,
  });
  await flushPromises();
  return { wrapper, fetchMock };
}

describe("OrderNotifications", () => {
  beforeEach(() => setLocale("ja"));

  it("shows a viewer the history with failure reason and attempts, and nothing to do", async () => {
    const { wrapper } = await mountAs("viewer");
    const failed = wrapper.get('[data-test="notification-row"][data-status="FAILED"]');
    expect(failed.text()).toContain("SMTP 550 mailbox unavailable");
    expect(failed.text()).toContain("2");
    expect(wrapper.find('[data-test="resend"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="send-form"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("lets an operator send one and asks the page to reload the history", async () => {
    const { wrapper, fetchMock } = await mountAs("operator");
    expect(wrapper.findAll('[data-test="resend"]')).toHaveLength(1);
    await wrapper.get('[data-test="send-template"]').setValue("ORDER_SHIPPED");
    await wrapper.get('[data-test="send-notification"]').trigger("click");
    await flushPromises();
    const [call] = graphqlCalls(fetchMock).filter((c) => c.operationName === "SendNotification");
    expect(call?.variables.input).toEqual({ orderId: "12", templateName: "ORDER_SHIPPED", idempotencyKey: expect.stringMatching(/^ui-send-/) });
    expect(wrapper.emitted("changed")).toHaveLength(1);
    expect(wrapper.get('[data-test="send-outcome"]').text()).toContain("送信しました");
    wrapper.unmount();
  });
});
