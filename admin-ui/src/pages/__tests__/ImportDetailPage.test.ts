import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import ImportDetailPage from "@/pages/ImportDetailPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

function importView(overrides: Record<string, unknown> = {}) {
  return {
    id: "41",
    batchId: "b-41",
    filename: "orders-2026-11.csv",
    fileSize: 5_000_000,
    encoding: "utf-8-bom",
    status: "RUNNING",
    phase: "writing",
    totalRows: 10_000,
    rowsDone: 3_000,
    progress: 0.3,
    successCount: 0,
    failureCount: 0,
    ordersCreated: 0,
    validOrders: 0,
    elapsedSeconds: 3,
    rowsPerSecond: 1_000,
    dryRun: false,
    atomic: false,
    sendConfirmations: "EACH",
    createPayments: true,
    unknownColumns: [],
    message: null,
    retryOf: null,
    actor: "hanako",
    createdAt: "2026-11-25T01:00:00.000Z",
    startedAt: "2026-11-25T01:00:00.000Z",
    finishedAt: null,
    errorReportUrl: "/imports/41/errors.csv",
    failedRowsUrl: "/imports/41/failed-rows.csv",
    ...overrides,
  };
}

const errorsPage = {
  id: "41",
  errors: {
    totalCount: 1,
    edges: [
      {
        node: {
          rowNumber: 12,
          column: "unit_price",
          value: "-5",
          reason: "unit_price must be a whole number of yen greater than 0",
          code: "UNIT_PRICE_NOT_POSITIVE_YEN",
          params: JSON.stringify({ fraction: false }),
        },
      },
    ],
    pageInfo: { hasNextPage: false, endCursor: null },
  },
};

/** Answers import(id) with `views` in turn (the last one from then on). */
function gateway(views: ReturnType<typeof importView>[], cancelled = importView({ status: "CANCELLING" })) {
  let polls = 0;
  return stubFetch((req) => {
    const op = (req.body as { operationName?: string } | undefined)?.operationName;
    if (op === "ImportProgress") return jsonResponse({ data: { import: views[Math.min(polls++, views.length - 1)] } });
    if (op === "CancelImport") return jsonResponse({ data: { cancelImport: cancelled } });
    if (op === "ImportErrors") return jsonResponse({ data: { import: errorsPage } });
    return jsonResponse({ errors: [{ message: `unexpected ${op}` }] }, 400);
  });
}

async function openImport(role: Role, views: ReturnType<typeof importView>[]) {
  await signInAs(role);
  const fetchMock = gateway(views);
  const router = createAppRouter(createMemoryHistory());
  const wrapper = mount(ImportDetailPage, { props: { id: "41" }, global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock };
}

const polls = (fetchMock: ReturnType<typeof stubFetch>) => graphqlCalls(fetchMock).filter((c) => c.operationName === "ImportProgress").length;

describe("ImportDetailPage", () => {
  beforeEach(() => {
    setLocale("ja");
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("moves the bar with each poll, with rate and time left, and stops polling once the import has completed", async () => {
    const { wrapper, fetchMock } = await openImport("operator", [
      importView(),
      importView({ rowsDone: 6_000, progress: 0.6, elapsedSeconds: 6 }),
      importView({ status: "COMPLETED", phase: null, rowsDone: 10_000, progress: 1, successCount: 10_000, ordersCreated: 4_000, elapsedSeconds: 9.5, rowsPerSecond: 1_052, finishedAt: "2026-11-25T01:00:10.000Z" }),
    ]);
    const bar = () => wrapper.get('[data-test="import-progress"]');
    expect(bar().element.tagName).toBe("PROGRESS");
    expect(bar().attributes("value")).toBe("30");
    expect(wrapper.get('[data-test="import-status"]').attributes("data-status")).toBe("RUNNING");
    // One poll: the service's average rate, and no time left until a rate is observed.
    expect(wrapper.get('[data-test="import-rate"]').text()).toBe("毎秒1,000行");
    expect(wrapper.get('[data-test="import-eta"]').text()).toBe("計算中");
    expect(wrapper.get('[data-test="import-rows"]').text()).toBe("3,000 / 10,000行");
    expect(wrapper.get('[data-test="import-phase"]').text()).toBe("注文を書き込み中");
    expect(polls(fetchMock)).toBe(1);

    await vi.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(polls(fetchMock)).toBe(2);
    expect(bar().attributes("value")).toBe("60");
    // 3,000 rows written in the second between the polls; 4,000 left at 3,000 rows/s.
    expect(wrapper.get('[data-test="import-rate"]').text()).toBe("毎秒3,000行");
    expect(wrapper.get('[data-test="import-eta"]').text()).toBe("約1秒");

    await vi.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(polls(fetchMock)).toBe(3);
    expect(bar().attributes("value")).toBe("100");
    expect(wrapper.get('[data-test="import-status"]').attributes("data-status")).toBe("COMPLETED");
    expect(wrapper.get('[data-test="import-orders-created"]').text()).toBe("4,000");
    expect(wrapper.find('[data-test="import-cancel"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(10_000);
    await flushPromises();
    expect(polls(fetchMock)).toBe(3);
    expect(wrapper.get('[data-test="batch-link"]').attributes("href")).toContain("/batches/b-41");
    wrapper.unmount();
  });

  it("stops polling when the page is left", async () => {
    const { wrapper, fetchMock } = await openImport("viewer", [importView()]);
    expect(polls(fetchMock)).toBe(1);
    wrapper.unmount();
    await vi.advanceTimersByTimeAsync(5_000);
    await flushPromises();
    expect(polls(fetchMock)).toBe(1);
  });

  it("cancels a running import after confirmation (operator), and follows it until it stops", async () => {
    const { wrapper, fetchMock } = await openImport("operator", [importView(), importView({ status: "CANCELLED", phase: null, finishedAt: "2026-11-25T01:00:05.000Z" })]);
    await wrapper.get('[data-test="import-cancel"]').trigger("click");
    await flushPromises();
    // Nothing is sent before the operator confirms.
    expect(graphqlCalls(fetchMock).some((c) => c.operationName === "CancelImport")).toBe(false);
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("それまでに作成された注文は残ります");
    await dialog.get("form").trigger("submit");
    await flushPromises();

    const cancel = graphqlCalls(fetchMock).filter((c) => c.operationName === "CancelImport");
    expect(cancel).toEqual([{ operationName: "CancelImport", variables: { id: "41" } }]);
    expect(wrapper.get('[data-test="import-status"]').attributes("data-status")).toBe("CANCELLING");
    expect(wrapper.find('[data-test="import-cancel"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(wrapper.get('[data-test="import-status"]').attributes("data-status")).toBe("CANCELLED");
    wrapper.unmount();
  });

  it("offers cancel to operators only", async () => {
    const { wrapper } = await openImport("viewer", [importView()]);
    expect(wrapper.find('[data-test="import-progress"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="import-cancel"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("once finished with errors: the errors by row and column, the downloads and a retry of the failed rows", async () => {
    const { wrapper } = await openImport("operator", [
      importView({ status: "COMPLETED_WITH_ERRORS", phase: null, rowsDone: 10_000, progress: 1, successCount: 9_999, failureCount: 1, ordersCreated: 3_999, finishedAt: "2026-11-25T01:00:10.000Z" }),
    ]);
    await flushPromises();
    const row = wrapper.get('[data-test="import-error-row"]');
    expect(row.attributes("data-row")).toBe("12");
    expect(row.text()).toContain("単価");
    expect(row.text()).toContain("-5");
    expect(row.get('[data-test="import-error-reason"]').text()).toBe("単価は1円以上の整数（円）で入力してください。");
    expect(row.text()).not.toContain("whole number");
    const report = wrapper.get('[data-test="error-report"]');
    expect(report.attributes("href")).toBe("/imports/41/errors.csv");
    expect(report.attributes()).toHaveProperty("download");
    expect(wrapper.get('[data-test="failed-rows"]').attributes("href")).toBe("/imports/41/failed-rows.csv");
    expect(wrapper.find('[data-test="retry-panel"]').exists()).toBe(true);
    wrapper.unmount();
  });
});
