import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import SendNotificationForm from "@/components/notifications/SendNotificationForm.vue";
import { setLocale } from "@/i18n";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

const templates = [
  { id: "1", name: "ORDER_SHIPPED", subjectTemplate: "s", bodyTemplate: "b", channel: "EMAIL", language: "ja", variables: [] },
  { id: "2", name: "SMS_SHIPPED", subjectTemplate: "s", bodyTemplate: "b", channel: "SMS", language: "ja", variables: [] },
];
const sent = (over: Record<string, unknown> = {}) => ({
  id: "31",
  orderId: "12",
  channel: "EMAIL",
  templateName: "ORDER_SHIPPED",
  recipient: "taro@example.jp",
  subject: "発送のお知らせ",
  status: "SENT",
  sentAt: "2026-11-25T01:00:00.000Z",
  failureReason: null,
  attemptCount: 1,
  createdAt: "2026-11-25T01:00:00.000Z",
  batchId: null,
  ...over,
});

async function mountForm(sendAnswer: () => unknown) {
  await signInAs("operator");
  const fetchMock = stubFetch((req: SeenRequest) => {
    const { operationName } = req.body as { operationName: string };
    return jsonResponse(operationName === "NotificationTemplates" ? { data: { notificationTemplates: templates } } : sendAnswer());
  });
  const wrapper = mount(SendNotificationForm, { props: { orderId: "12" }, global: { plugins: [urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock };
}
const sends = (fetchMock: ReturnType<typeof stubFetch>) => graphqlCalls(fetchMock).filter((c) => c.operationName === "SendNotification");

describe("SendNotificationForm", () => {
  beforeEach(() => setLocale("ja"));

  it("asks for a template first, and sends nothing without one", async () => {
    const { wrapper, fetchMock } = await mountForm(() => ({ data: { sendNotification: sent() } }));
    await wrapper.get("form").trigger("submit");
    expect(wrapper.text()).toContain("テンプレートを選んでください。");
    expect(sends(fetchMock)).toHaveLength(0);
    wrapper.unmount();
  });

  it("wants a mobile number for an SMS and says so before sending anything", async () => {
    const { wrapper, fetchMock } = await mountForm(() => ({ data: { sendNotification: sent() } }));
    await wrapper.get('[data-test="send-template"]').setValue("SMS_SHIPPED");
    expect(wrapper.find('[data-test="send-phone"]').exists()).toBe(true);
    await wrapper.get('[data-test="send-notification"]').trigger("click");
    await flushPromises();
    expect(wrapper.get('[data-test="send-phone-error"]').text()).toBe("SMSを送るには携帯電話番号を入力してください（注文には電話番号がありません）。");
    expect(wrapper.get('[data-test="send-phone"]').attributes("aria-invalid")).toBe("true");
    expect(sends(fetchMock)).toHaveLength(0);

    // An e-mail template sent as SMS needs one too.
    await wrapper.get('[data-test="send-template"]').setValue("ORDER_SHIPPED");
    expect(wrapper.find('[data-test="send-phone"]').exists()).toBe(false);
    await wrapper.get('[data-test="send-channel"]').setValue("SMS");
    expect(wrapper.find('[data-test="send-phone"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it("shows the server's refusal at the field it names", async () => {
    const { wrapper, fetchMock } = await mountForm(() => ({
      data: null,
      errors: [
        {
          message: '"03-1234-5678" is a landline number, which cannot receive SMS; give a mobile number',
          extensions: { code: "BAD_USER_INPUT", field: "input.phoneNumber", params: { value: "03-1234-5678" } },
        },
      ],
    }));
    await wrapper.get('[data-test="send-template"]').setValue("SMS_SHIPPED");
    await wrapper.get('[data-test="send-phone"]').setValue("03-1234-5678");
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    const [call] = sends(fetchMock);
    expect(call?.variables.input).toEqual({ orderId: "12", templateName: "SMS_SHIPPED", phoneNumber: "03-1234-5678", idempotencyKey: expect.stringMatching(/^ui-send-[0-9a-f]{32}$/) });
    const fieldError = wrapper.get('[data-test="send-phone-error"]').text();
    expect(fieldError).toContain("携帯電話番号の入力内容に誤りがあります。");
    expect(fieldError).toContain("is a landline number");
    expect(wrapper.get('[data-test="error-message"]').text()).toContain("携帯電話番号の入力内容に誤りがあります。");
    expect(wrapper.emitted("sent")).toBeUndefined();
    wrapper.unmount();
  });

  it("sends once per click while the request runs, and reports what the transport did", async () => {
    const { wrapper, fetchMock } = await mountForm(() => ({ data: { sendNotification: sent({ status: "FAILED", sentAt: null, failureReason: "SMTP 550 mailbox unavailable" }) } }));
    await wrapper.get('[data-test="send-template"]').setValue("ORDER_SHIPPED");
    const form = wrapper.get("form");
    await Promise.all([form.trigger("submit"), form.trigger("submit")]);
    await flushPromises();
    expect(sends(fetchMock)).toHaveLength(1);
    expect(sends(fetchMock)[0]?.variables.input).toEqual({ orderId: "12", templateName: "ORDER_SHIPPED", idempotencyKey: expect.stringMatching(/^ui-send-/) });
    const outcome = wrapper.get('[data-test="send-outcome"]');
    expect(outcome.attributes("data-status")).toBe("FAILED");
    expect(outcome.text()).toContain("SMTP 550 mailbox unavailable");
    expect(wrapper.emitted("sent")).toHaveLength(1);
    wrapper.unmount();
  });

  it("retries a failed request with the same idempotency key, and a new message with a new one", async () => {
    let answer: unknown = { data: null, errors: [{ message: "The notification service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "notification" } }] };
    const { wrapper, fetchMock } = await mountForm(() => answer);
    await wrapper.get('[data-test="send-template"]').setValue("ORDER_SHIPPED");
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    answer = { data: { sendNotification: sent() } };
    await wrapper.get("form").trigger("submit"); // the operator tries again
    await flushPromises();
    await wrapper.get("form").trigger("submit"); // and then means to send another one
    await flushPromises();
    const keys = sends(fetchMock).map((c) => (c.variables.input as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(3);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[1]);
    wrapper.unmount();
  });
});
