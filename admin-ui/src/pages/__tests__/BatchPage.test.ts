import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it } from "vitest";
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

async function openBatch(role: Role, answer: unknown) {
  await signInAs(role);
  const fetchMock = stubFetch((req) => {
    const op = (req.body as { operationName?: string } | undefined)?.operationName;
    if (op === "UndoImportBatch") return jsonResponse({ data: { undoImportBatch: { batchId, cancelled: 3, untouched: 2 } } });
    return jsonResponse(answer);
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

  it("undoes a batch with a reason after saying how many orders will be cancelled, then shows what happened", async () => {
    const { wrapper, fetchMock } = await openBatch("admin", whole);
    await wrapper.get('[data-test="undo-batch"]').trigger("click");
    await flushPromises();
    const dialog = wrapper.get('[data-test="action-dialog"]');
    expect(dialog.text()).toContain("このバッチの注文 5件のうち、保留中・確定済みの3件をキャンセルします。");
    await dialog.get("textarea").setValue("取込ファイルの単価が誤っていたため");
    await dialog.get('input[type="checkbox"]').setValue(true);
    await dialog.get("form").trigger("submit");
    await flushPromises();

    const undo = graphqlCalls(fetchMock).filter((c) => c.operationName === "UndoImportBatch");
    expect(undo).toEqual([{ operationName: "UndoImportBatch", variables: { input: { batchId, reason: "取込ファイルの単価が誤っていたため" } } }]);
    expect(wrapper.get('[data-test="undo-result"]').text()).toBe("3件の注文をキャンセルしました。2件はそのままです（発送済み・配達済み・キャンセル済み）。");
    // The batch is read again to show the cancelled orders.
    expect(graphqlCalls(fetchMock).filter((c) => c.operationName === "ImportBatch").length).toBeGreaterThan(1);
    wrapper.unmount();
  });

  it("says when there is no such batch", async () => {
    const { wrapper } = await openBatch("viewer", { data: { batch: null, cancellable: { totalCount: 0 } } });
    expect(wrapper.text()).toContain(`バッチ ${batchId} は見つかりません。`);
    wrapper.unmount();
  });
});
