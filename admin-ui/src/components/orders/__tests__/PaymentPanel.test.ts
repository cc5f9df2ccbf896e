import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import PaymentPanel from "@/components/orders/PaymentPanel.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

const completedPayment = {
  id: "9",
  amount: 2560,
  currency: "JPY",
  status: "COMPLETED" as "COMPLETED" | "REFUNDED",
  paymentMethod: "konbini",
  transactionId: "3f2a9c1e-0000-4000-8000-000000000000",
  failureReason: null,
  createdAt: "2026-11-25T01:00:00.000Z",
  updatedAt: "2026-11-25T01:05:00.000Z",
  attempts: [{ transactionId: "3f2a9c1e-0000-4000-8000-000000000000", status: "COMPLETED" as const, failureReason: null, createdAt: "2026-11-25T01:05:00.000Z" }],
  refunds: [] as {
    id: string;
    amount: number;
    reason: string;
    status: string;
    kind: "OPERATOR" | "CANCELLATION" | "COMPENSATION";
    compensation: { orderCancelledAt: string | null; paymentCompletedAt: string | null } | null;
    createdAt: string;
  }[],
};

async function mountPanel(role: Role, payment: typeof completedPayment | null, totalAmount = 2560) {
  await signInAs(role);
  return mount(PaymentPanel, {
    props: { order: { id: "7", status: payment ? "CONFIRMED" : "PENDING", totalAmount, payment } },
    global: { plugins: [urqlPlugin().plugin] },
    attachTo: document.body,
  });
}

describe("PaymentPanel", () => {
  beforeEach(() => setLocale("ja"));

  it("records a payment once however often confirm is pressed, with one idempotency key per dialog", async () => {
    const wrapper = await mountPanel("operator", null);
    let answers = 0;
    const fetchMock = stubFetch(() => {
      answers++;
      return answers === 1
        ? jsonResponse({ data: null, errors: [{ message: "busy", extensions: { code: "CONFLICT", field: "input.idempotencyKey" } }] })
        : jsonResponse({ data: { createPayment: { id: "9", status: "PENDING", amount: 2560, updatedAt: "x" } } });
    });
    await wrapper.get('[data-payment-action="create"]').trigger("click");
    await flushPromises();
    const form = wrapper.get('[data-test="action-dialog"] form');
    // A double-click: the second submit comes before the first answer.
    await Promise.all([form.trigger("submit"), form.trigger("submit")]);
    await flushPromises();
    expect(graphqlCalls(fetchMock)).toHaveLength(1);
    expect(wrapper.get('[data-test="action-dialog"]').text()).toContain("現在の状態ではこの操作はできません。");

    await form.trigger("submit");
    await flushPromises();
    const calls = graphqlCalls(fetchMock);
    expect(calls).toHaveLength(2);
    const [first, second] = calls.map((c) => c.variables.input as { orderId: string; paymentMethod: string; idempotencyKey: string });
    expect(first).toMatchObject({ orderId: "7", paymentMethod: "credit_card" });
    expect(first!.idempotencyKey).toMatch(/^ui-create-[0-9a-f]{32}$/);
    expect(second!.idempotencyKey).toBe(first!.idempotencyKey);
    expect(wrapper.emitted("changed")).toEqual([["create"]]);

    await wrapper.get('[data-payment-action="create"]').trigger("click");
    await flushPromises();
    await wrapper.get('[data-test="action-dialog"] form').trigger("submit");
    await flushPromises();
    const third = graphqlCalls(fetchMock)[2]!.variables.input as { idempotencyKey: string };
    expect(third.idempotencyKey).not.toBe(first!.idempotencyKey);
    wrapper.unmount();
  });

  it("does not offer a payment the service would refuse for its amount", async () => {
    const wrapper = await mountPanel("operator", null, 50);
    expect(wrapper.find('[data-payment-action="create"]').exists()).toBe(false);
    expect(wrapper.text()).toContain("支払えるのは ￥100〜￥1,000,000 の注文だけです。");
    wrapper.unmount();
  });

  it("offers a refund to an admin only", async () => {
    const operator = await mountPanel("operator", completedPayment);
    expect(operator.find('[data-payment-action="refund"]').exists()).toBe(false);
    operator.unmount();
    const admin = await mountPanel("admin", completedPayment);
    expect(admin.find('[data-payment-action="refund"]').exists()).toBe(true);
    admin.unmount();
  });

  it("refunds only after a reason and the confirmation tick", async () => {
    const wrapper = await mountPanel("admin", completedPayment);
    const fetchMock = stubFetch(() => jsonResponse({ data: { refundPayment: { id: "9", status: "REFUNDED", updatedAt: "y", refunds: [{ id: "1", amount: 2560, reason: "返品" }] } } }));
    await wrapper.get('[data-payment-action="refund"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("￥2,560 を全額返金します。この操作は取り消せません。");
    const form = dialog.get("form");
    await dialog.get("textarea").setValue("お客様都合による返品");
    await form.trigger("submit");
    expect(graphqlCalls(fetchMock)).toHaveLength(0);

    await dialog.get('input[type="checkbox"]').setValue(true);
    await form.trigger("submit");
    await flushPromises();
    const [call] = graphqlCalls(fetchMock);
    expect(call?.operationName).toBe("RefundPayment");
    expect(call?.variables.input).toMatchObject({ paymentId: "9", reason: "お客様都合による返品", expectedUpdatedAt: "2026-11-25T01:05:00.000Z" });
    expect((call?.variables.input as { idempotencyKey: string }).idempotencyKey).toMatch(/^ui-refund-/);
    expect(wrapper.emitted("changed")).toEqual([["refund"]]);
    wrapper.unmount();
  });

  it("shows the payment with its method and attempts in the operator's language", async () => {
    const wrapper = await mountPanel("viewer", completedPayment);
    expect(wrapper.text()).toContain("コンビニ払い");
    expect(wrapper.text()).toContain("2026/11/25 10:05");
    expect(wrapper.findAll("[data-payment-action]")).toHaveLength(0);
    wrapper.unmount();
  });

  it("says when the system refunded a payment that completed after its order was cancelled", async () => {
    const refunded = {
      ...completedPayment,
      status: "REFUNDED" as "COMPLETED" | "REFUNDED",
      refunds: [
        {
          id: "1",
          amount: 2560,
          reason: "payment completed after the order was cancelled: refunded automatically",
          status: "completed",
          kind: "COMPENSATION" as const,
          compensation: { orderCancelledAt: "2026-11-25T01:00:00.000Z", paymentCompletedAt: "2026-11-25T01:00:05.000Z" },
          createdAt: "2026-11-25T01:00:06.000Z",
        },
      ],
    };
    const wrapper = await mountPanel("viewer", refunded);
    expect(wrapper.get('[data-test="refund-kind"]').text()).toBe("システムによる自動返金");
    expect(wrapper.text()).toContain("注文のキャンセル（2026/11/25 10:00）後に決済が完了（2026/11/25 10:00）したため、自動で返金しました。");
  });
});
