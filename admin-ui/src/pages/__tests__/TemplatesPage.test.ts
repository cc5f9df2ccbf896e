import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import { createMemoryHistory } from "vue-router";
import TemplatesPage from "@/pages/TemplatesPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

const templates = [
  { id: "1", name: "ORDER_CONFIRMATION", subjectTemplate: "s", bodyTemplate: "b", channel: "EMAIL", language: "ja", variables: ["order_id", "customer_name", "items.product_name"] },
  { id: "2", name: "SMS_SHIPPED", subjectTemplate: "s", bodyTemplate: "b", channel: "SMS", language: "ja", variables: [] },
];

async function open(role: Role) {
  await signInAs(role);
  const fetchMock = stubFetch((req: SeenRequest) => {
    const { operationName } = req.body as { operationName: string };
    if (operationName === "DeleteNotificationTemplate") return jsonResponse({ data: { deleteNotificationTemplate: true } });
    return jsonResponse({ data: { notificationTemplates: templates } });
  });
  const router = createAppRouter(createMemoryHistory());
  await router.push("/templates");
  const wrapper = mount(TemplatesPage, { global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock };
}

describe("TemplatesPage", () => {
  beforeEach(() => setLocale("ja"));

  it("lists the templates with channel, language and variables, each linking to its editor", async () => {
    const { wrapper } = await open("viewer");
    const links = wrapper.findAll('[data-test="template-link"]');
    expect(links.map((l) => l.attributes("data-name"))).toEqual(["ORDER_CONFIRMATION", "SMS_SHIPPED"]);
    expect(links[0]!.attributes("href")).toBe("/templates/ORDER_CONFIRMATION");
    const first = wrapper.get('[data-test="template-row"][data-name="ORDER_CONFIRMATION"]').text();
    expect(first).toContain("メール");
    expect(first).toContain("日本語");
    expect(first).toContain("order_id、customer_name、items.product_name");
    expect(wrapper.find('[data-test="template-new"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="template-delete"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("lets an admin create, and delete after confirming", async () => {
    const { wrapper, fetchMock } = await open("admin");
    expect(wrapper.get('[data-test="template-new"]').attributes("href")).toBe("/templates/new");
    await wrapper.get('[data-test="template-delete"][data-name="SMS_SHIPPED"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("テンプレート「SMS_SHIPPED」を削除します。");
    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "DeleteNotificationTemplate")).toHaveLength(0);
    await dialog.get("form").trigger("submit");
    await flushPromises();
    const [call] = graphqlCalls(fetchMock).filter((c) => c.operationName === "DeleteNotificationTemplate");
    expect(call?.variables).toEqual({ name: "SMS_SHIPPED" });
    expect(wrapper.get('[data-test="template-deleted"]').text()).toBe("テンプレート「SMS_SHIPPED」を削除しました。");
    wrapper.unmount();
  });
});
