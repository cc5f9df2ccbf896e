import { CombinedError } from "@urql/core";
import { mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import { defineComponent, h } from "vue";
import ErrorMessage from "@/components/common/ErrorMessage.vue";
import ServiceNotice from "@/components/common/ServiceNotice.vue";
import ServicePart from "@/components/common/ServicePart.vue";
import { setLocale } from "@/i18n";

const gql = (code: string, extensions: Record<string, unknown> = {}, message = "server says why") =>
  new CombinedError({ graphQLErrors: [{ message, extensions: { code, ...extensions } }] });
const paymentDown = () => gql("SERVICE_UNAVAILABLE", { service: "payment" }, "The payment service is unavailable");
const paymentSlow = () => gql("SERVICE_TIMEOUT", { service: "payment", params: { service: "payment", timeoutMs: 30000 } }, "The payment service did not answer within 30 s");

describe("ErrorMessage", () => {
  beforeEach(() => setLocale("ja"));

  it.each([
    ["BAD_USER_INPUT", { field: "input.customerEmail" }, "メールアドレスの入力内容に誤りがあります。"],
    ["CONFLICT", {}, "現在の状態ではこの操作はできません。"],
    ["NOT_FOUND", {}, "対象が見つかりません。削除されたか、番号が違います。"],
    ["FORBIDDEN", { params: { required: "admin", role: "viewer" } }, "この操作には管理者の権限が必要です（あなたの権限: 閲覧者）。"],
    ["UNAUTHENTICATED", {}, "セッションが切れました。もう一度サインインしてください。"],
    ["INTERNAL_SERVER_ERROR", {}, "サーバーで予期しないエラーが起きました。記録されています。時間をおいてお試しください。"],
  ])("says what %s means, as an alert", (code, extensions, text) => {
    const wrapper = mount(ErrorMessage, { props: { error: gql(code, extensions) } });
    const item = wrapper.get(`[data-code="${code}"]`);
    expect(wrapper.find('[role="alert"]').exists()).toBe(true);
    expect(item.text()).toContain(text);
  });

  it("keeps the server's message as a detail where it helps", () => {
    const wrapper = mount(ErrorMessage, { props: { error: gql("CONFLICT", {}, "Order 3 already has a payment") } });
    expect(wrapper.get(".detail").text()).toBe("サーバーからの詳細: Order 3 already has a payment");
  });

  it("speaks English when switched", async () => {
    setLocale("en");
    const wrapper = mount(ErrorMessage, { props: { error: gql("BAD_USER_INPUT", { field: "input.items.0.unitPrice" }) } });
    expect(wrapper.text()).toContain("Unit price in row 1 is not valid.");
  });

  it("shows a network error as such", () => {
    const wrapper = mount(ErrorMessage, { props: { error: new CombinedError({ networkError: new TypeError("Failed to fetch") }) } });
    expect(wrapper.get('[data-code="NETWORK"]').text()).toContain("ゲートウェイに接続できません。");
  });

  it("renders nothing without an error", () => {
    expect(mount(ErrorMessage, { props: { error: null } }).find('[role="alert"]').exists()).toBe(false);
  });

  it("leaves SERVICE_UNAVAILABLE to the notice when asked", () => {
    const error = new CombinedError({
      graphQLErrors: [
        { message: "The payment service is unavailable", extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } },
        { message: "Order 1 not found", extensions: { code: "NOT_FOUND" } },
      ],
    });
    const wrapper = mount(ErrorMessage, { props: { error, hideServices: true } });
    expect(wrapper.find('[data-code="SERVICE_UNAVAILABLE"]').exists()).toBe(false);
    expect(wrapper.find('[data-code="NOT_FOUND"]').exists()).toBe(true);
  });

  it("says a timeout as such, and leaves it to the notice when asked", () => {
    expect(mount(ErrorMessage, { props: { error: paymentSlow() } }).get('[data-code="SERVICE_TIMEOUT"]').text()).toBe("決済サービスが応答しません（タイムアウト）");
    expect(mount(ErrorMessage, { props: { error: paymentSlow(), hideServices: true } }).find('[role="alert"]').exists()).toBe(false);
  });
});

describe("ServicePart", () => {
  const Part = defineComponent({
    props: { error: { type: null, default: null }, service: { type: String, default: "payment" } },
    setup: (props) => () => h(ServicePart, { service: props.service, error: props.error, title: "支払い" }, { default: () => h("p", { class: "payment-facts" }, "¥1,000 completed") }),
  });

  beforeEach(() => setLocale("ja"));

  it("shows its content while the service answers", () => {
    const wrapper = mount(Part, { props: { error: gql("NOT_FOUND") } });
    expect(wrapper.find(".payment-facts").exists()).toBe(true);
    expect(wrapper.find('[data-test="service-notice"]').exists()).toBe(false);
  });

  it("shows the notice in place of the part a SERVICE_UNAVAILABLE names, in each language", async () => {
    const wrapper = mount(Part, { props: { error: paymentDown() } });
    expect(wrapper.find(".payment-facts").exists()).toBe(false);
    expect(wrapper.get("h2").text()).toBe("支払い");
    expect(wrapper.get('[data-test="service-notice"]').text()).toContain("決済サービスに接続できません");
    setLocale("en");
    await wrapper.vm.$nextTick();
    expect(wrapper.get('[data-test="service-notice"]').text()).toContain("Payment service unavailable");
  });

  it("keeps its content when another service is the one down", () => {
    const wrapper = mount(Part, { props: { error: paymentDown(), service: "notification" } });
    expect(wrapper.find(".payment-facts").exists()).toBe(true);
  });

  it("says the service timed out, not that it cannot connect, when the gateway gave up waiting, in each language", async () => {
    const wrapper = mount(Part, { props: { error: paymentSlow() } });
    expect(wrapper.find(".payment-facts").exists()).toBe(false);
    const notice = wrapper.get('[data-test="service-notice"]');
    expect(notice.attributes()).toMatchObject({ "data-service": "payment", "data-kind": "timeout", role: "status" });
    expect(notice.get("strong").text()).toBe("決済サービスが応答しません（タイムアウト）");
    expect(notice.text()).not.toContain("接続できません");
    expect(notice.get(".hint").text()).toContain("しばらくしてから再読み込みしてください");
    setLocale("en");
    await wrapper.vm.$nextTick();
    expect(wrapper.get('[data-test="service-notice"] strong').text()).toBe("Payment service did not answer (timed out)");
  });

  it("names the service that timed out, leaving the others' parts", () => {
    const notifications = mount(Part, { props: { error: paymentSlow(), service: "notification" } });
    expect(notifications.find(".payment-facts").exists()).toBe(true);
    const order = mount(Part, { props: { error: gql("SERVICE_TIMEOUT", { service: "order" }), service: "order" } });
    expect(order.get('[data-test="service-notice"] strong').text()).toBe("注文サービスが応答しません（タイムアウト）");
  });
});

describe("ServiceNotice", () => {
  beforeEach(() => setLocale("ja"));

  it.each([
    ["notification", "unavailable", "通知サービスに接続できません", "Notification service unavailable"],
    ["notification", "timeout", "通知サービスが応答しません（タイムアウト）", "Notification service did not answer (timed out)"],
    ["payment", undefined, "決済サービスに接続できません", "Payment service unavailable"],
  ] as const)("names %s and says %s", async (service, kind, ja, en) => {
    const wrapper = mount(ServiceNotice, { props: { service, ...(kind ? { kind } : {}) } });
    expect(wrapper.get("strong").text()).toBe(ja);
    expect(wrapper.attributes("data-kind")).toBe(kind ?? "unavailable");
    setLocale("en");
    await wrapper.vm.$nextTick();
    expect(wrapper.get("strong").text()).toBe(en);
  });
});
