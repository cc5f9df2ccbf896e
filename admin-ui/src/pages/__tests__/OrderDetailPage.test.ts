import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import { createMemoryHistory } from "vue-router";
import OrderDetailPage from "@/pages/OrderDetailPage.vue";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

const order = {
  id: "12",
  customerName: "山田 太郎",
  customerEmail: "taro@example.jp",
  status: "PENDING",
  totalAmount: 2560,
  currency: "JPY",
  createdAt: "2026-11-25T01:00:00.000Z",
  updatedAt: "2026-11-25T01:00:00.000Z",
  cancelReason: null,
  allowedTransitions: ["CONFIRMED", "CANCELLED"],
  items: [{ id: "1", productName: "静岡県産 深蒸し煎茶 100g", quantity: 2, unitPrice: 1280, subtotal: 2560 }],
  statusHistory: [],
  importBatch: { batchId: "b-7f3a" },
  importRowNumber: 14,
  csvSource: "orders-2026-11.csv",
  payment: null,
  notifications: [],
};

async function openOrder(answer: unknown) {
  await signInAs("operator");
  stubFetch(() => jsonResponse(answer));
  const router = createAppRouter(createMemoryHistory());
  const wrapper = mount(OrderDetailPage, { props: { id: "12" }, global: { plugins: [router, urqlPlugin().plugin] } });
  await flushPromises();
  return wrapper;
}

describe("OrderDetailPage", () => {
  beforeEach(() => setLocale("ja"));

  it("shows the order, its import row and the moves, from one query", async () => {
    const wrapper = await openOrder({ data: { order } });
    expect(wrapper.get("h1").text()).toContain("注文 #12");
    expect(wrapper.text()).toContain("静岡県産 深蒸し煎茶 100g");
    expect(wrapper.text()).toContain("orders-2026-11.csv");
    expect(wrapper.text()).toContain("14");
    expect(wrapper.findAll("[data-move]").map((b) => b.attributes("data-move"))).toEqual(["cancel"]);
    expect(wrapper.find('[data-payment-action="create"]').exists()).toBe(true);
  });

  it("keeps the page when the payment service is down, with a notice in place of the payment", async () => {
    const wrapper = await openOrder({
      data: { order: { ...order, payment: null } },
      errors: [{ message: "The payment service is unavailable", path: ["order", "payment"], extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } }],
    });
    expect(wrapper.text()).toContain("静岡県産 深蒸し煎茶 100g");
    expect(wrapper.find('[data-test="payment-panel"]').exists()).toBe(false);
    const notice = wrapper.get('[data-test="service-notice"]');
    expect(notice.attributes("data-service")).toBe("payment");
    expect(notice.text()).toContain("決済サービスに接続できません");
    // Not repeated as an error above the page.
    expect(wrapper.find('[data-code="SERVICE_UNAVAILABLE"]').exists()).toBe(false);
  });

  it("says the payment service timed out, in place of the payment, when the gateway gave up waiting for it", async () => {
    const wrapper = await openOrder({
      data: { order: { ...order, payment: null } },
      errors: [
        {
          message: "The payment service did not answer within 30 s",
          path: ["order", "payment"],
          extensions: { code: "SERVICE_TIMEOUT", service: "payment", params: { service: "payment", timeoutMs: 30000 } },
        },
      ],
    });
    expect(wrapper.text()).toContain("静岡県産 深蒸し煎茶 100g");
    expect(wrapper.find('[data-test="payment-panel"]').exists()).toBe(false);
    const notice = wrapper.get('[data-test="service-notice"]');
    expect(notice.attributes()).toMatchObject({ "data-service": "payment", "data-kind": "timeout" });
    expect(notice.text()).toContain("決済サービスが応答しません（タイムアウト）");
    expect(wrapper.text()).not.toContain("決済サービスに接続できません");
    expect(wrapper.find('[data-code="SERVICE_TIMEOUT"]').exists()).toBe(false);
  });

  it("shows a notice, not a blank page, when the order service itself is down", async () => {
    const wrapper = await openOrder({ data: { order: null }, errors: [{ message: "down", extensions: { code: "SERVICE_UNAVAILABLE", service: "order" } }] });
    expect(wrapper.get('[data-test="service-notice"]').text()).toContain("注文サービスに接続できません");
  });

  it("says when there is no such order", async () => {
    const wrapper = await openOrder({ data: { order: null } });
    expect(wrapper.text()).toContain("注文 #12 は見つかりません。");
  });
});
