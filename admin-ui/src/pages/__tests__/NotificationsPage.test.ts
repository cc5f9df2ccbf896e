import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import { createMemoryHistory } from "vue-router";
import NotificationsPage from "@/pages/NotificationsPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

const row = (id: string, status: string, over: Record<string, unknown> = {}) => ({
  id,
  orderId: "12",
  channel: "EMAIL",
  templateName: "ORDER_CONFIRMATION",
  recipient: "taro@example.jp",
  subject: "ご注文確認",
  status,
  sentAt: status === "SENT" ? "2026-11-25T01:00:00.000Z" : null,
  failureReason: status === "FAILED" ? "SMTP 550 mailbox unavailable" : null,
  attemptCount: status === "PENDING" ? 0 : 1,
  createdAt: "2026-11-25T01:00:00.000Z",
  batchId: null,
  ...over,
});
const page = {
  totalCount: 42,
  edges: [row("3", "FAILED"), row("2", "SENT"), row("1", "NOT_SENT")].map((node) => ({ node })),
  pageInfo: { hasNextPage: true, endCursor: "c-1" },
};

async function open(role: Role, path = "/notifications", resend?: () => unknown) {
  await signInAs(role);
  const fetchMock = stubFetch((req: SeenRequest) => {
    const { operationName, variables } = req.body as { operationName: string; variables: { id?: string } };
    if (operationName === "NotificationTemplates") return jsonResponse({ data: { notificationTemplates: [] } });
    if (operationName === "ResendNotification") return jsonResponse(resend?.() ?? { data: { resendNotification: row(variables.id!, "SENT") } });
    return jsonResponse({ data: { notifications: page } });
  });
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const wrapper = mount(NotificationsPage, { global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock, router };
}
const lists = (fetchMock: ReturnType<typeof stubFetch>) => graphqlCalls(fetchMock).filter((c) => c.operationName === "NotificationsList");

describe("NotificationsPage", () => {
  beforeEach(() => setLocale("ja"));

  it("lists notifications with status, failure reason and attempts, and their total", async () => {
    const { wrapper } = await open("viewer");
    expect(wrapper.get('[data-test="notifications-total"]').text()).toBe("42件");
    const rows = wrapper.findAll('[data-test="notification-row"]');
    expect(rows.map((r) => r.attributes("data-status"))).toEqual(["FAILED", "SENT", "NOT_SENT"]);
    expect(rows[0]!.text()).toContain("SMTP 550 mailbox unavailable");
    expect(rows[0]!.text()).toContain("注文 #12");
    expect(rows[1]!.text()).toContain("送信済み");
    wrapper.unmount();
  });

  it("reads the filters from the address and sends them as the query's filter", async () => {
    const { wrapper, fetchMock } = await open("viewer", "/notifications?status=SENT,FAILED&channel=SMS&template=ORDER_SHIPPED&order=12&batch=b-7f3a");
    expect(lists(fetchMock)[0]?.variables).toEqual({
      first: 20,
      after: null,
      filter: { status: ["SENT", "FAILED"], channel: "SMS", templateName: "ORDER_SHIPPED", orderId: "12", batchId: "b-7f3a" },
    });
    const checked = wrapper.findAll('input[name="status"]').filter((i) => (i.element as HTMLInputElement).checked);
    expect(checked.map((i) => i.attributes("value"))).toEqual(["SENT", "FAILED"]);
    wrapper.unmount();
  });

  it("puts submitted filters in the address and queries with them", async () => {
    const { wrapper, fetchMock, router } = await open("viewer");
    expect(lists(fetchMock)[0]?.variables).toEqual({ first: 20, after: null, filter: null });
    await wrapper.get('input[name="status"][value="FAILED"]').setValue(true);
    await wrapper.get('select[name="channel"]').setValue("EMAIL");
    await wrapper.get('input[name="orderId"]').setValue(" 12 ");
    await wrapper.get('[data-test="notification-filters"]').trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ status: "FAILED", channel: "EMAIL", order: "12" });
    expect(lists(fetchMock).at(-1)?.variables).toEqual({ first: 20, after: null, filter: { status: ["FAILED"], channel: "EMAIL", orderId: "12" } });

    await wrapper.get('[data-test="next-page"]').trigger("click");
    await flushPromises();
    expect(lists(fetchMock).at(-1)?.variables).toMatchObject({ after: "c-1" });
    wrapper.unmount();
  });

  it.each([
    ["viewer", 0],
    ["operator", 1],
    ["admin", 1],
  ] as const)("offers a %s %i resend buttons, on FAILED notifications only", async (role, expected) => {
    const { wrapper } = await open(role);
    const buttons = wrapper.findAll('[data-test="resend"]');
    expect(buttons).toHaveLength(expected);
    for (const b of buttons) expect(b.element.closest("tr")?.getAttribute("data-status")).toBe("FAILED");
    wrapper.unmount();
  });

  it("resends after confirmation and says how it went", async () => {
    const { wrapper, fetchMock } = await open("operator");
    await wrapper.get('[data-test="resend"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("taro@example.jp 宛てに「ORDER_CONFIRMATION」を同じ内容でもう一度送ります。");
    await dialog.get("form").trigger("submit");
    await flushPromises();
    const [call] = graphqlCalls(fetchMock).filter((c) => c.operationName === "ResendNotification");
    expect(call?.variables).toEqual({ id: "3" });
    expect(wrapper.get('[data-test="send-outcome"]').text()).toBe("taro@example.jp 宛てに「ORDER_CONFIRMATION」を再送しました。");
    wrapper.unmount();
  });

  it("keeps the dialog open with the server's reason when the resend is refused", async () => {
    const { wrapper } = await open("operator", "/notifications", () => ({
      data: null,
      errors: [{ message: "Notification 3 is SENT; only a FAILED notification can be resent", extensions: { code: "CONFLICT", field: "id" } }],
    }));
    await wrapper.get('[data-test="resend"]').trigger("click");
    await flushPromises();
    await wrapper.get('[data-test="action-dialog"] form').trigger("submit");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("現在の状態ではこの操作はできません。");
    expect(dialog.text()).toContain("only a FAILED notification can be resent");
    expect(wrapper.find('[data-test="send-outcome"]').exists()).toBe(false);
    wrapper.unmount();
  });
});
