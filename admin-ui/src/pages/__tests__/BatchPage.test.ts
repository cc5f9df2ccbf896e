import { flushPromises, mount } from "@vue/test-utils";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import BatchPage from "@/pages/BatchPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

const batchId = "7f3a2c1e-0000-4000-8000-00000000b007";

const batch = {
  batchId,
  orderCount: 5,
  exportUrl: `/exports/orders.csv?batchId=${batchId}`,
  undo: null as Record<string, unknown> | null,
  imports: [{ id: "41", filename: "orders-2026-11.csv", status: "COMPLETED_WITH_ERRORS", dryRun: false, totalRows: 10, ordersCreated: 5, failureCount: 2, retryOf: null, createdAt: "2026-11-25T01:00:00.000Z" }],
  orders: {
    totalCount: 5,
    edges: [
      { node: { id: "101", customerName: "山田 太郎", status: "CONFIRMED", totalAmount: 2560, createdAt: "2026-11-25T01:00:01.000Z", importRowNumber: 2 } },
      { node: { id: "102", customerName: "佐藤 花子", status: "PENDING", totalAmount: 1650, createdAt: "2026-11-25T01:00:01.000Z", importRowNumber: 5 } },
    ],
    pageInfo: { hasNextPage: true, endCursor: "c2" },
  },
};
const paymentPart = {
  paymentBatch: { orderCount: 2, totalAmount: 4210, completedCount: 1, pendingCount: 1, refundedCount: 0, failedCount: 0, status: "open" },
  payments: { totalCount: 2, edges: [{ node: { id: "9", orderId: "101", amount: 2560, status: "COMPLETED", paymentMethod: "konbini" } }] },
};
const notificationPart = {
  notificationCounts: { sent: 4, failed: 1, pending: 0, notSent: 0 },
  notifications: { totalCount: 5, edges: [{ node: { id: "n1", orderId: "101", templateName: "ORDER_CONFIRMATION", channel: "EMAIL", recipient: "taro@example.jp", status: "SENT", createdAt: "2026-11-25T01:00:02.000Z" } }] },
};

/** A batch undo as the API answers it. */
function undoView(overrides: Record<string, unknown> = {}) {
  return {
    id: "7",
    batchId,
    reason: "取込ファイルの単価が誤っていたため",
    status: "PENDING",
    total: 5,
    done: 0,
    progress: 0,
    cancelled: 0,
    untouched: 0,
    attempts: 0,
    actor: "hanako",
    message: null,
    messageCode: null,
    messageParams: null,
    createdAt: "2026-11-25T02:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    elapsedSeconds: 0,
    ...overrides,
  };
}

type Answer = unknown | ((operationName: string, variables: Record<string, unknown>) => unknown);

async function openBatch(role: Role, answer: Answer) {
  await signInAs(role);
  const fetchMock = stubFetch((req) => {
    const { operationName = "", variables = {} } = (req.body ?? {}) as { operationName?: string; variables?: Record<string, unknown> };
    return jsonResponse(typeof answer === "function" ? answer(operationName, variables) : answer);
  });
  const router = createAppRouter(createMemoryHistory());
  const wrapper = mount(BatchPage, { props: { batchId }, global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, fetchMock };
}

// One importBatch with every service's fields; a service that is down answers null for its own.
const whole = { data: { batch: { ...batch, ...paymentPart, ...notificationPart }, cancellable: { totalCount: 3 } } };

describe("BatchPage", () => {
  beforeEach(() => setLocale("ja"));
  afterEach(() => vi.useRealTimers());

  it("shows the batch's imports, orders, payments and notifications from one query", async () => {
    const { wrapper, fetchMock } = await openBatch("viewer", whole);
    expect(graphqlCalls(fetchMock).map((c) => c.operationName)).toEqual(["ImportBatch"]);
    const orders = wrapper.get('[data-test="batch-orders"]');
    expect(orders.get('[data-test="batch-order-count"]').text()).toBe("5件");
    expect(orders.findAll('[data-test="batch-order"]')).toHaveLength(2);
    expect(orders.find('a[href$="/orders/101"]').exists()).toBe(true);
    expect(orders.get('[data-test="batch-export"]').attributes("href")).toBe(batch.exportUrl);
    expect(wrapper.get('[data-test="batch-payments"]').text()).toContain("￥4,210");
    expect(wrapper.get('[data-test="batch-notifications"]').get('[data-test="notification-counts"]').text()).toContain("4");
    expect(wrapper.find('[data-test="service-notice"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("keeps the orders and notifications when the payment service is down, with a notice in the payments' place", async () => {
    const { wrapper } = await openBatch("viewer", {
      data: { batch: { ...batch, paymentBatch: null, payments: null, ...notificationPart }, cancellable: { totalCount: 3 } },
      errors: [{ message: "The payment service is unavailable; the data it provides is missing from this response.", extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } }],
    });
    expect(wrapper.get('[data-test="batch-orders"]').findAll('[data-test="batch-order"]')).toHaveLength(2);
    expect(wrapper.get('[data-test="batch-orders"]').text()).toContain("山田 太郎");
    const notice = wrapper.get('[data-test="batch-payments"]').get('[data-test="service-notice"]');
    expect(notice.attributes("data-service")).toBe("payment");
    expect(notice.text()).toContain("決済サービスに接続できません");
    expect(wrapper.get('[data-test="batch-notifications"]').find('[data-test="service-notice"]').exists()).toBe(false);
    expect(wrapper.get('[data-test="batch-notifications"]').text()).toContain("ORDER_CONFIRMATION");
    // Said once, in its place, not again above the page.
    expect(wrapper.find('[data-code="SERVICE_UNAVAILABLE"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("offers undo to admins only", async () => {
    const viewer = await openBatch("viewer", whole);
    expect(viewer.wrapper.find('[data-test="undo-batch"]').exists()).toBe(false);
    viewer.wrapper.unmount();
    const operator = await openBatch("operator", whole);
    expect(operator.wrapper.find('[data-test="undo-batch"]').exists()).toBe(false);
    operator.wrapper.unmount();
    const admin = await openBatch("admin", whole);
    expect(admin.wrapper.find('[data-test="undo-batch"]').exists()).toBe(true);
    admin.wrapper.unmount();
  });

  it("starts an undo with a reason after saying how many orders will be cancelled, follows its progress, and shows how it ended", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    // The undo as the service reports it on each poll: running, then done.
    const polls = [undoView({ status: "RUNNING", done: 2, progress: 0.4, cancelled: 2 }), undoView({ status: "COMPLETED", done: 5, progress: 1, cancelled: 3, untouched: 2, finishedAt: "2026-11-25T02:00:09.000Z" })];
    let batchReads = 0;
    const { wrapper, fetchMock } = await openBatch("admin", (op: string) => {
      if (op === "UndoImportBatch") return { data: { undoImportBatch: undoView() } };
      if (op === "BatchUndoProgress") return { data: { batchUndo: polls.length > 1 ? polls.shift() : polls[0] } };
      batchReads += 1;
      // Read again once the undo has ended: its orders are cancelled, nothing is left to cancel.
      return batchReads === 1 ? whole : { data: { batch: { ...batch, ...paymentPart, ...notificationPart, undo: polls[0] }, cancellable: { totalCount: 0 } } };
    });
    await wrapper.get('[data-test="undo-batch"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("このバッチの注文 5件のうち、保留中・確定済みの3件をキャンセルします。");
    await dialog.get("textarea").setValue("取込ファイルの単価が誤っていたため");
    await dialog.get('input[type="checkbox"]').setValue(true);
    await dialog.get("form").trigger("submit");
    await flushPromises();

    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "UndoImportBatch")).toEqual([
      { operationName: "UndoImportBatch", variables: { input: { batchId, reason: "取込ファイルの単価が誤っていたため" } } },
    ]);
    expect(wrapper.get('[data-test="undo-started"]').text()).toBe("取り消しを開始しました。進み具合はこのページに表示されます。");
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("順番待ち");
    // No second undo while this one runs; the admin may stop it.
    expect(wrapper.find('[data-test="undo-batch"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="undo-cancel"]').exists()).toBe(true);

    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("取り消し中");
    expect(wrapper.get('[data-test="undo-progress"]').attributes("value")).toBe("40");
    expect(wrapper.get('[data-test="undo-orders"]').text()).toBe("5件中 2件");

    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("取り消し済み");
    expect(wrapper.get('[data-test="undo-result"]').text()).toBe("3件の注文をキャンセルしました。2件はそのままです（発送済み・配達済み・キャンセル済み）。");
    expect(wrapper.get('[data-test="undo-progress"]').attributes("value")).toBe("100");
    expect(wrapper.find('[data-test="undo-cancel"]').exists()).toBe(false);
    // The batch is read again; nothing is left to cancel, so undo is not offered any more.
    expect(batchReads).toBeGreaterThan(1);
    expect(wrapper.find('[data-test="undo-batch"]').exists()).toBe(false);
    // Polling stopped with the undo.
    const polled = graphqlCalls(fetchMock).filter((c) => c.operationName === "BatchUndoProgress").length;
    await vi.advanceTimersByTimeAsync(5000);
    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "BatchUndoProgress")).toHaveLength(polled);
    wrapper.unmount();
  });

  it("follows an undo already running when the page opens, and stops it on request", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const running = undoView({ status: "RUNNING", total: 40_000, done: 4_000, progress: 0.1, cancelled: 4_000, startedAt: "2026-11-25T02:00:01.000Z" });
    const { wrapper, fetchMock } = await openBatch("admin", (op: string) => {
      if (op === "CancelBatchUndo") return { data: { cancelBatchUndo: { ...running, status: "CANCELLING" } } };
      if (op === "BatchUndoProgress") {
        const cancelled = graphqlCalls(fetchMock).some((c) => c.operationName === "CancelBatchUndo");
        return { data: { batchUndo: cancelled ? undoView({ ...running, status: "CANCELLED", done: 6_000, cancelled: 6_000, messageCode: "CANCELLED_BY_OPERATOR", message: "Cancelled by an operator after 6000 of 40000 orders", messageParams: JSON.stringify({ done: 6_000, total: 40_000 }) }) : running } };
      }
      return { data: { batch: { ...batch, ...paymentPart, ...notificationPart, undo: running }, cancellable: { totalCount: 36_000 } } };
    });
    expect(wrapper.get('[data-test="batch-undo"]').attributes("data-status")).toBe("RUNNING");
    expect(wrapper.get('[data-test="undo-orders"]').text()).toBe("40,000件中 4,000件");
    expect(wrapper.find('[data-test="undo-batch"]').exists()).toBe(false);

    await wrapper.get('[data-test="undo-cancel"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.findAll('[data-test="action-dialog"]').find((d) => d.text().includes("バッチの取り消しを中止"))!;
    expect(dialog.text()).toContain("処理中のまとまり（最大2,000件）が終わったところで止まります。");
    await dialog.get("form").trigger("submit");
    await flushPromises();
    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "CancelBatchUndo")).toEqual([{ operationName: "CancelBatchUndo", variables: { id: "7" } }]);
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("中止処理中");
    expect(wrapper.find('[data-test="undo-cancel"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(1000);
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("中止");
    expect(wrapper.get('[data-test="undo-message"]').text()).toBe("40,000件中6,000件を処理したところで中止されました。キャンセルした注文はキャンセルのままです。");
    // Orders are left to cancel: undo is offered again.
    await flushPromises();
    expect(wrapper.find('[data-test="undo-batch"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it("says in the operator's language why an undo was given up after crashing", async () => {
    setLocale("en");
    const failed = undoView({ status: "FAILED", attempts: 3, messageCode: "UNDO_CRASHED", message: "Undo stopped after 3 attempts that each crashed", messageParams: JSON.stringify({ attempts: 3, cause: "SERVICE_STOPPED", detail: "…" }) });
    const { wrapper } = await openBatch("admin", { data: { batch: { ...batch, ...paymentPart, ...notificationPart, undo: failed }, cancellable: { totalCount: 3 } } });
    expect(wrapper.get('[data-test="undo-status"]').text()).toBe("Failed");
    expect(wrapper.get('[data-test="undo-message"]').text()).toBe("Given up after crashing 3 times in a row (the order service stopped). The orders cancelled so far stay cancelled; undoing the batch again cancels the rest.");
    expect(wrapper.get('[data-test="undo-message"]').attributes("lang")).toBeUndefined();
    expect(wrapper.find('[data-test="undo-batch"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it("says when there is no such batch", async () => {
    const { wrapper } = await openBatch("viewer", { data: { batch: null, cancellable: { totalCount: 0 } } });
    expect(wrapper.text()).toContain(`バッチ ${batchId} は見つかりません。`);
    wrapper.unmount();
  });
});
