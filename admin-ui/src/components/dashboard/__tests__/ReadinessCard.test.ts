import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import ReadinessCard from "@/components/dashboard/ReadinessCard.vue";
import { setLocale } from "@/i18n";
import { jsonResponse, stubFetch } from "@/test/fakeGateway";

async function mountWith(answer: () => Response | Promise<Response>) {
  const fetchMock = stubFetch(answer);
  const wrapper = mount(ReadinessCard);
  await flushPromises();
  return { wrapper, fetchMock };
}

const states = (wrapper: Awaited<ReturnType<typeof mountWith>>["wrapper"]) =>
  wrapper.findAll("li[data-service]").map((li) => [li.attributes("data-service"), li.attributes("data-state"), li.text()]);

describe("ReadinessCard", () => {
  beforeEach(() => setLocale("ja"));
  afterEach(() => vi.unstubAllGlobals());

  it("names each service and its state as GET /ready says it, in each language", async () => {
    const { wrapper, fetchMock } = await mountWith(() =>
      jsonResponse({ ready: false, status: "degraded", services: { order: "up", payment: "timeout", notification: "down" } }, 503),
    );
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/ready");
    expect(states(wrapper)).toEqual([
      ["order", "up", "注文サービス: 稼働中"],
      ["payment", "timeout", "決済サービス: 応答なし（タイムアウト）"],
      ["notification", "down", "通知サービス: 停止中（接続できません）"],
    ]);
    expect(wrapper.find('[role="alert"]').exists()).toBe(false);
    setLocale("en");
    await wrapper.vm.$nextTick();
    expect(states(wrapper).map(([, , text]) => text)).toEqual(["Order service: Ready", "Payment service: Not answering (timed out)", "Notification service: Down (cannot connect)"]);
  });

  it("says a service that answers but is not ready, and shows an unknown state as down", async () => {
    const { wrapper } = await mountWith(() => jsonResponse({ ready: false, services: { order: "not_ready", payment: "restarting" } }, 503));
    expect(states(wrapper)).toEqual([
      ["order", "not_ready", "注文サービス: 準備ができていません"],
      ["payment", "down", "決済サービス: 停止中（接続できません）"],
    ]);
  });

  it("says the gateway cannot be reached when /ready does not answer", async () => {
    const { wrapper } = await mountWith(() => Promise.reject(new TypeError("Failed to fetch")));
    expect(wrapper.findAll("li[data-service]")).toHaveLength(0);
    expect(wrapper.get('[data-code="NETWORK"]').text()).toContain("ゲートウェイに接続できません。");
  });
});
