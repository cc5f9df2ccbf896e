import { CombinedError } from "@urql/core";
import { mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import { defineComponent, h } from "vue";
import ErrorMessage from "@/components/common/ErrorMessage.vue";
import ServicePart from "@/components/common/ServicePart.vue";
import { setLocale } from "@/i18n";

const gql = (code: string, extensions: Record<string, unknown> = {}, message = "server says why") =>
  new CombinedError({ graphQLErrors: [{ message, extensions: { code, ...extensions } }] });
const paymentDown = () => gql("SERVICE_UNAVAILABLE", { service: "payment" }, "The payment service is unavailable");

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
});
