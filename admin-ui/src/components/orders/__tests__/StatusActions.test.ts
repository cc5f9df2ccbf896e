import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
import StatusActions from "@/components/orders/StatusActions.vue";
import type { Role } from "@/domain/roles";
import type { OrderStatus } from "@/gql/graphql";
import { setLocale } from "@/i18n";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

const ALLOWED: Record<OrderStatus, OrderStatus[]> = {
  PENDING: ["CONFIRMED", "CANCELLED"],
  CONFIRMED: ["SHIPPED", "CANCELLED"],
  SHIPPED: ["DELIVERED"],
  DELIVERED: [],
  CANCELLED: [],
};
const order = (status: OrderStatus) => ({ id: "42", status, updatedAt: "2026-11-25T01:00:00.000Z", allowedTransitions: ALLOWED[status] });

async function mountAs(role: Role, status: OrderStatus) {
  await signInAs(role);
  return mount(StatusActions, { props: { order: order(status) }, global: { plugins: [urqlPlugin().plugin] }, attachTo: document.body });
}
const buttons = (wrapper: Awaited<ReturnType<typeof mountAs>>) => wrapper.findAll("[data-move]").map((b) => b.attributes("data-move"));

describe("StatusActions", () => {
  beforeEach(() => setLocale("ja"));

  it.each([
    ["viewer", "PENDING", []],
    ["operator", "PENDING", ["cancel"]],
    ["admin", "PENDING", ["confirm", "cancel"]],
    ["operator", "CONFIRMED", ["ship"]],
    ["admin", "CONFIRMED", ["ship", "cancel"]],
    ["operator", "SHIPPED", ["deliver"]],
    ["admin", "DELIVERED", []],
    ["admin", "CANCELLED", []],
  ] as const)("offers a %s the moves from %s: %j", async (role, status, expected) => {
    const wrapper = await mountAs(role, status);
    expect(buttons(wrapper)).toEqual(expected);
    wrapper.unmount();
  });

  it("names the moves reserved to a higher role instead of offering them", async () => {
    const wrapper = await mountAs("operator", "CONFIRMED");
    expect(wrapper.get('[data-test="reserved-moves"]').text()).toBe("管理者の権限が必要: 注文をキャンセル");
    wrapper.unmount();
  });

  it("says when no move is possible", async () => {
    const wrapper = await mountAs("admin", "DELIVERED");
    expect(wrapper.text()).toContain("この状態からの変更はありません。");
    wrapper.unmount();
  });

  it("cancels only with a reason, sending the updatedAt it showed", async () => {
    const wrapper = await mountAs("operator", "PENDING");
    const fetchMock = stubFetch(() => jsonResponse({ data: { cancelOrder: { id: "42", status: "CANCELLED", updatedAt: "x", cancelReason: "r", allowedTransitions: [] } } }));
    await wrapper.get('[data-move="cancel"]').trigger("click");
    await flushPromises();
    const form = wrapper.get('[data-test="action-dialog"] form');
    await form.trigger("submit");
    expect(wrapper.text()).toContain("理由を入力してください。");
    expect(graphqlCalls(fetchMock)).toHaveLength(0);

    await wrapper.get("textarea").setValue("お客様のご都合");
    await form.trigger("submit");
    await flushPromises();
    expect(graphqlCalls(fetchMock)).toEqual([
      { operationName: "CancelOrder", variables: { input: { id: "42", reason: "お客様のご都合", expectedUpdatedAt: "2026-11-25T01:00:00.000Z" } } },
    ]);
    expect(wrapper.emitted("changed")).toEqual([["CANCELLED", "cancel"]]);
    wrapper.unmount();
  });

  it("keeps the dialog open with the error when the server refuses", async () => {
    const wrapper = await mountAs("operator", "CONFIRMED");
    stubFetch(() => jsonResponse({ errors: [{ message: "changed by someone else", extensions: { code: "CONFLICT", field: "input.expectedUpdatedAt" } }], data: null }));
    await wrapper.get('[data-move="ship"]').trigger("click");
    await flushPromises();
    await wrapper.get('[data-test="action-dialog"] form').trigger("submit");
    await flushPromises();
    expect(wrapper.get('[data-test="action-dialog"]').text()).toContain("ほかの人が先に変更しました。");
    expect(wrapper.emitted("changed")).toBeUndefined();
    wrapper.unmount();
  });
});
