import { flushPromises, mount, type VueWrapper } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import DashboardPage from "@/pages/DashboardPage.vue";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";

// 2026-01-02 00:30 in Japan, though still the 1st in UTC.
const NOW = new Date("2026-01-01T15:30:00Z");
const TODAY = "2026-01-02";

const figure = (totalCount: number, totalAmount: number) => ({ totalCount, totalAmount });
const outbox = (service: string) => ({ service, pending: 0, retrying: 0, dead: 0, delivered: 3 });
const down = (service: string) => ({
  data: null,
  errors: [{ message: `The ${service} service is unavailable`, extensions: { code: "SERVICE_UNAVAILABLE", service } }],
});

/** Every day from `from` to `to`, filled by `row`. */
function days<T>(from: string, to: string, row: (day: string, i: number) => T): T[] {
  const out: T[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), i = 0; t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000, i++) {
    out.push(row(new Date(t).toISOString().slice(0, 10), i));
  }
  return out;
}

type Answer = (variables: Record<string, string>) => unknown;

/** What each service answers, by operation; `overrides` replaces some (a service down, say). */
function gateway(overrides: Record<string, Answer> = {}) {
  const answers: Record<string, Answer> = {
    DashboardOrderFigures: () => ({
      data: {
        pending: figure(2, 4_000),
        confirmed: figure(1, 1_200),
        shipped: figure(0, 0),
        delivered: figure(5, 9_000),
        cancelled: figure(1, 700),
        today: figure(3, 6_000),
        todayCancelled: figure(1, 2_000),
        recent: { edges: [] },
      },
    }),
    OrderOutboxFigures: () => ({ data: { orderOutboxFigures: outbox("order") } }),
    PaymentOutboxFigures: () => ({ data: { paymentOutboxFigures: outbox("payment") } }),
    NotificationOutboxFigures: () => ({ data: { notificationOutboxFigures: outbox("notification") } }),
    ConsistencySummary: () => ({
      data: { consistencyReport: { generatedAt: NOW.toISOString(), asOf: NOW.toISOString(), issueCount: 0, counts: [], checking: null, unavailable: [] } },
    }),
    InsightsOrderDays: (v) => ({
      data: { orderDays: days(v.from!, v.to!, (day) => (day === TODAY ? { day, orders: 3, amount: 6_000, cancelled: 1 } : { day, orders: 0, amount: 0, cancelled: 0 })) },
    }),
    InsightsPaymentDays: (v) => ({
      data: {
        paymentDays: days(v.from!, v.to!, (day) =>
          day === TODAY ? { day, revenue: 12_800, completed: 2, refunds: 3_000, refundCount: 1 } : { day, revenue: 0, completed: 0, refunds: 0, refundCount: 0 },
        ),
      },
    }),
    InsightsTodayPayments: (v) => ({ data: { paymentDays: [{ day: v.today, revenue: 12_800, completed: 2, refunds: 3_000, refundCount: 1 }] } }),
    InsightsRecentImports: () => ({
      data: {
        imports: {
          edges: [
            { node: { id: "7", filename: "orders-2026-01.csv", status: "RUNNING", progress: 0.423, totalRows: 1_000, rowsDone: 423, failureCount: 2, dryRun: false, createdAt: NOW.toISOString() } },
            { node: { id: "6", filename: "orders-2025-12.csv", status: "COMPLETED", progress: 1, totalRows: 50, rowsDone: 50, failureCount: 0, dryRun: true, createdAt: NOW.toISOString() } },
          ],
        },
      },
    }),
    ...overrides,
  };
  return (req: SeenRequest) => {
    if (req.path === "/ready") return jsonResponse({ ready: true, status: "ready", services: { order: "up", payment: "up", notification: "up" } });
    const { operationName, variables } = req.body as { operationName: string; variables: Record<string, string> };
    const answer = answers[operationName];
    return answer ? jsonResponse(answer(variables ?? {})) : jsonResponse({ errors: [{ message: `unexpected ${operationName}` }] }, 500);
  };
}

let wrapper: VueWrapper | undefined;

async function openDashboard(overrides: Record<string, Answer> = {}) {
  await signInAs("viewer");
  const fetchMock = stubFetch(gateway(overrides));
  const router = createAppRouter(createMemoryHistory());
  await router.push("/");
  wrapper = mount(DashboardPage, { global: { plugins: [router, urqlPlugin().plugin] } });
  await flushPromises();
  return { wrapper, fetchMock };
}

const calls = (fetchMock: Parameters<typeof graphqlCalls>[0], name: string) => graphqlCalls(fetchMock).filter((c) => c.operationName === name);

describe("DashboardPage insights", () => {
  beforeEach(() => {
    setLocale("ja");
    // Only the clock: the page's timers and urql's promises run as usual.
    vi.useFakeTimers({ toFake: ["Date"], now: NOW });
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.useRealTimers();
  });

  it("asks each service for the last 30 Japan days, then for 7 when the range changes", async () => {
    const { wrapper, fetchMock } = await openDashboard();
    const last30 = { from: "2025-12-04", to: TODAY };
    expect(calls(fetchMock, "InsightsOrderDays").map((c) => c.variables)).toEqual([last30]);
    expect(calls(fetchMock, "InsightsPaymentDays").map((c) => c.variables)).toEqual([last30]);
    expect(calls(fetchMock, "InsightsTodayPayments").map((c) => c.variables)).toEqual([{ today: TODAY }]);
    expect(wrapper.findAll('[data-test="revenue-chart"] [data-test="chart-table"] tbody tr')).toHaveLength(30);

    await wrapper.get('[data-test="range-picker"] [data-range="7"]').trigger("click");
    await flushPromises();
    expect(calls(fetchMock, "InsightsOrderDays").at(-1)?.variables).toEqual({ from: "2025-12-27", to: TODAY });
    expect(calls(fetchMock, "InsightsPaymentDays").at(-1)?.variables).toEqual({ from: "2025-12-27", to: TODAY });
    expect(wrapper.get('[data-range="7"]').attributes("aria-pressed")).toBe("true");
    expect(wrapper.get('[data-range="30"]').attributes("aria-pressed")).toBe("false");
    expect(wrapper.findAll('[data-test="orders-per-day-chart"] [data-test="chart-table"] tbody tr')).toHaveLength(7);
  });

  it("shows revenue, refunds and orders per day, with today's payment figures", async () => {
    const { wrapper } = await openDashboard();
    const revenue = wrapper.get('[data-test="revenue-chart"]');
    expect(revenue.get("h2").text()).toBe("売上と返金の推移");
    expect(revenue.get('[data-test="range-revenue"]').text()).toBe("￥12,800");
    expect(revenue.get('[data-test="range-net"]').text()).toBe("￥9,800");
    const todayRow = revenue.get(`[data-test="chart-table"] tr[data-day="${TODAY}"]`);
    expect(todayRow.get('[data-series="revenue"]').text()).toBe("￥12,800");
    expect(todayRow.get('[data-series="refunds"]').text()).toBe("￥3,000");
    // happy-dom draws no canvas: the figures' table is shown in place of the chart.
    expect(revenue.find("canvas").exists()).toBe(false);
    expect(revenue.get('[data-test="chart-table"]').classes()).not.toContain("visually-hidden");
    expect(revenue.get("caption").text()).toBe("日別の売上と返金");

    const orders = wrapper.get('[data-test="orders-per-day-chart"]');
    const ordersToday = orders.get(`tr[data-day="${TODAY}"]`);
    expect(ordersToday.get('[data-series="kept"]').text()).toBe("2");
    expect(ordersToday.get('[data-series="cancelled"]').text()).toBe("1");

    expect(wrapper.get('[data-test="today-count"]').text()).toBe("3");
    expect(wrapper.get('[data-test="today-revenue"]').text()).toBe("￥12,800");
    expect(wrapper.get('[data-test="today-refunds"]').text()).toBe("￥3,000");
  });

  it("shows figures of nine and ten digits in full, past GraphQL's Int (2,147,483,647)", async () => {
    const big = (day: string, amount: number) => ({ day, revenue: amount, completed: 2_200, refunds: 150_000_000, refundCount: 150 });
    const { wrapper } = await openDashboard({
      DashboardOrderFigures: () => ({
        data: { pending: figure(2, 1_000_000_000), confirmed: figure(1, 1_200_000_000), shipped: figure(0, 0), delivered: figure(0, 0), cancelled: figure(0, 0), today: figure(2, 2_200_000_000), todayCancelled: figure(0, 0), recent: { edges: [] } },
      }),
      InsightsOrderDays: (v) => ({ data: { orderDays: days(v.from!, v.to!, (day) => ({ day, orders: day === TODAY ? 2 : 0, amount: day === TODAY ? 2_200_000_000 : 0, cancelled: 0 })) } }),
      InsightsPaymentDays: (v) => ({ data: { paymentDays: days(v.from!, v.to!, (day) => (day === TODAY ? big(day, 2_200_000_000) : big(day, 0))) } }),
      InsightsTodayPayments: (v) => ({ data: { paymentDays: [big(v.today!, 123_456_789)] } }),
    });
    expect(wrapper.get('[data-test="today-amount"]').text()).toBe("￥2,200,000,000");
    expect(wrapper.get('[data-test="today-revenue"]').text()).toBe("￥123,456,789");
    expect(wrapper.get('[data-test="today-refunds"]').text()).toBe("￥150,000,000");
    expect(wrapper.get('[data-test="orders-per-day-chart"] [data-test="range-amount"]').text()).toBe("￥2,200,000,000");
    const revenue = wrapper.get('[data-test="revenue-chart"]');
    expect(revenue.get('[data-test="range-revenue"]').text()).toBe("￥2,200,000,000");
    // 30 days of ￥150,000,000 refunds: ￥4,500,000,000, and the net below zero.
    expect(revenue.get('[data-test="range-refunds"]').text()).toBe("￥4,500,000,000");
    expect(revenue.get('[data-test="range-net"]').text()).toBe("-￥2,300,000,000");
    expect(revenue.get(`tr[data-day="${TODAY}"] [data-series="revenue"]`).text()).toBe("￥2,200,000,000");
  });

  it("blanks only the payment cards when the payment service is down", async () => {
    const { wrapper } = await openDashboard({ InsightsPaymentDays: () => down("payment"), InsightsTodayPayments: () => down("payment") });
    const notice = wrapper.get('[data-test="revenue-chart"] [data-test="service-notice"]');
    expect(notice.attributes("data-service")).toBe("payment");
    expect(notice.text()).toContain("決済サービスに接続できません");
    expect(wrapper.find('[data-test="revenue-chart"] [data-test="chart-table"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="today-revenue"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="today"] [data-test="service-notice"]').attributes("data-service")).toBe("payment");
    // Not repeated as an error message.
    expect(wrapper.find('[data-code="SERVICE_UNAVAILABLE"]').exists()).toBe(false);

    // The order service's cards stay.
    const orders = wrapper.get('[data-test="orders-per-day-chart"]');
    expect(orders.find('[data-test="service-notice"]').exists()).toBe(false);
    expect(orders.findAll('[data-test="chart-table"] tbody tr')).toHaveLength(30);
    expect(orders.get('[data-test="range-orders"]').text()).toBe("3");
    expect(wrapper.get('[data-test="today-count"]').text()).toBe("3");
    expect(wrapper.findAll('[data-test="recent-imports"] tbody tr')).toHaveLength(2);
  });

  it("blanks the orders chart and recent imports, not the revenue chart, when the order service is down", async () => {
    const { wrapper } = await openDashboard({ InsightsOrderDays: () => down("order"), InsightsRecentImports: () => down("order") });
    expect(wrapper.get('[data-test="orders-per-day-chart"] [data-test="service-notice"]').attributes("data-service")).toBe("order");
    expect(wrapper.get('[data-test="recent-imports"] [data-test="service-notice"]').attributes("data-service")).toBe("order");
    expect(wrapper.get('[data-test="revenue-chart"] [data-test="range-revenue"]').text()).toBe("￥12,800");
  });

  it("lists recent imports with a labelled progress bar, rows and a link to each", async () => {
    const { wrapper } = await openDashboard();
    const card = wrapper.get('[data-test="recent-imports"]');
    const running = card.get('tr[data-import="7"]');
    expect(running.get("a").attributes("href")).toBe("/imports/7");
    expect(running.get("a").text()).toBe("orders-2026-01.csv");
    const bar = running.get("progress");
    expect(bar.attributes("value")).toBe("42");
    expect(bar.attributes("max")).toBe("100");
    expect(bar.attributes("aria-label")).toBe("orders-2026-01.csvの進捗");
    expect(running.text()).toContain("取込中");
    expect(running.text()).toContain("423 / 1,000行");
    expect(running.text()).toContain("エラー 2行");
    const done = card.get('tr[data-import="6"]');
    expect(done.get("progress").attributes("value")).toBe("100");
    expect(done.text()).toContain("検証のみ");
  });

  it("says so when there are no imports yet", async () => {
    const { wrapper } = await openDashboard({ InsightsRecentImports: () => ({ data: { imports: { edges: [] } } }) });
    expect(wrapper.get('[data-test="recent-imports"]').text()).toContain("一括取込はまだありません。");
  });
});
