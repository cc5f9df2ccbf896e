import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import ImportNewPage from "@/pages/ImportNewPage.vue";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin, type SeenRequest } from "@/test/fakeGateway";
import { stubXhrThroughFetch } from "@/api/__tests__/fakeXhr";

const target = { id: "0b6f5c1e-0000-4000-8000-000000000001", uploadUrl: "/uploads/0b6f5c1e-0000-4000-8000-000000000001", method: "PUT", maxBytes: 209715200, expiresAt: "2026-11-26T01:00:00.000Z" };

function importView(overrides: Record<string, unknown> = {}) {
  return {
    id: "41",
    batchId: "b-41",
    filename: "orders.csv",
    fileSize: 1234,
    encoding: "cp932",
    status: "PENDING",
    phase: null,
    totalRows: 0,
    rowsDone: 0,
    progress: 0,
    successCount: 0,
    failureCount: 0,
    ordersCreated: 0,
    validOrders: 0,
    elapsedSeconds: 0,
    rowsPerSecond: 0,
    dryRun: true,
    atomic: false,
    sendConfirmations: "EACH",
    createPayments: true,
    unknownColumns: [],
    message: null,
    retryOf: null,
    actor: "hanako",
    createdAt: "2026-11-25T01:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    errorReportUrl: "/imports/41/errors.csv",
    failedRowsUrl: "/imports/41/failed-rows.csv",
    sameFileImport: null,
    ...overrides,
  };
}

const checked = importView({
  status: "COMPLETED_WITH_ERRORS",
  phase: null,
  totalRows: 10,
  rowsDone: 10,
  progress: 1,
  successCount: 8,
  failureCount: 2,
  validOrders: 5,
  unknownColumns: ["memo"],
  finishedAt: "2026-11-25T01:00:02.000Z",
});

const firstErrors = [
  { rowNumber: 4, column: "quantity", value: "二", reason: "quantity must be a whole number greater than 0", code: "QUANTITY_NOT_POSITIVE_INTEGER", params: "{}" },
  // Recorded before errors had codes: the English reason is all there is.
  { rowNumber: 7, column: "customer_email", value: "taro@", reason: "customer_email is not a valid e-mail address", code: null, params: null },
];

type Answer = (req: SeenRequest) => Response | undefined;

/** The gateway: GraphQL by operation name, and the upload route. */
function gateway(overrides: Record<string, Answer> = {}) {
  return stubFetch((req) => {
    if (req.method === "PUT" && req.path === target.uploadUrl) return jsonResponse({ id: target.id, filename: "orders.csv", size: 1234, checksum: "9f86d0" }, 201);
    const op = (req.body as { operationName?: string } | undefined)?.operationName ?? "";
    const custom = overrides[op]?.(req);
    if (custom) return custom;
    switch (op) {
      case "CreateImportUpload":
        return jsonResponse({ data: { createImportUpload: target } });
      case "StartImport": {
        const input = (req.body as { variables: { input: { dryRun: boolean } } }).variables.input;
        return jsonResponse({ data: { startImport: input.dryRun ? importView() : importView({ id: "42", dryRun: false }) } });
      }
      case "ImportProgress":
        return jsonResponse({ data: { import: checked } });
      case "ImportErrors":
        return jsonResponse({ data: { import: { id: "41", errors: { totalCount: 2, edges: firstErrors.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } } } } });
      default:
        return jsonResponse({ errors: [{ message: `unexpected ${op}` }] }, 400);
    }
  });
}

async function openPage() {
  await signInAs("operator");
  stubXhrThroughFetch();
  const router = createAppRouter(createMemoryHistory());
  await router.push("/imports/new");
  const wrapper = mount(ImportNewPage, { global: { plugins: [router, urqlPlugin().plugin] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

const csvFile = () => new File(["order_ref,customer_email\r\n"], "orders.csv", { type: "text/csv" });

describe("ImportNewPage", () => {
  beforeEach(() => setLocale("ja"));

  it("takes a dropped file and shows its name and size", async () => {
    const { wrapper } = await openPage();
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    expect(wrapper.get('[data-test="chosen-file"]').text()).toContain("orders.csv");
    expect(wrapper.get('[data-test="chosen-file"]').text()).toContain("26 B");
    // The input is a real, labelled file input for keyboard users.
    const input = wrapper.get('[data-test="import-file"]');
    expect(input.attributes("type")).toBe("file");
    expect(input.attributes("accept")).toBe(".csv,text/csv");
    expect(wrapper.get(`label[for="${input.attributes("id")}"]`).text()).toBe("CSVファイル");
    wrapper.unmount();
  });

  it("checks a file with a dry run: target, PUT, startImport(dryRun), then the figures and first errors by row and column", async () => {
    const { wrapper } = await openPage();
    const fetchMock = gateway();
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    await flushPromises();
    await flushPromises();

    const sent = fetchMock.mock.calls.map(([input, init]) => {
      const path = new URL(String(input)).pathname;
      return path === "/graphql" ? (JSON.parse(String((init as RequestInit).body)) as { operationName: string }).operationName : `${(init as RequestInit).method} ${path}`;
    });
    expect(sent.slice(0, 3)).toEqual(["CreateImportUpload", `PUT ${target.uploadUrl}`, "StartImport"]);
    const start = graphqlCalls(fetchMock).find((c) => c.operationName === "StartImport")!;
    expect(start.variables.input).toEqual({ uploadId: target.id, dryRun: true, sendConfirmations: "EACH", createPayments: true, atomic: false, force: false });

    const summary = wrapper.get('[data-test="dry-run-summary"]');
    expect(summary.get('[data-test="preview-total-rows"]').text()).toBe("10");
    expect(summary.get('[data-test="preview-valid-orders"]').text()).toBe("5");
    expect(summary.get('[data-test="preview-failures"]').text()).toBe("2");
    expect(summary.get('[data-test="preview-unknown-columns"]').text()).toContain("memo");
    expect(summary.text()).toContain("Shift_JIS（CP932）");
    expect(summary.text()).toContain("5件の注文が作成されます。誤りのある2行は取り込まれません。");
    expect(summary.find('[data-test="dry-run-duplicate"]').exists()).toBe(false);
    const rows = summary.findAll('[data-test="import-error-row"]');
    expect(rows.map((r) => [r.attributes("data-row"), r.attributes("data-column")])).toEqual([
      ["4", "quantity"],
      ["7", "customer_email"],
    ]);
    expect(rows[0]!.text()).toContain("数量");
    expect(rows[0]!.text()).toContain("二");
    const reason = rows[0]!.get('[data-test="import-error-reason"]');
    expect(reason.text()).toBe("数量は1以上の整数で入力してください。");
    expect(reason.attributes("lang")).toBeUndefined();
    const fallback = rows[1]!.get('[data-test="import-error-reason"]');
    expect(fallback.text()).toBe("customer_email is not a valid e-mail address");
    expect(fallback.attributes("lang")).toBe("en");
    expect(wrapper.get('[data-test="import-start"]').text()).toBe("このファイルを取り込む");
    wrapper.unmount();
  });

  it("imports the checked file from the same upload and opens the import's page", async () => {
    const { wrapper, router } = await openPage();
    const fetchMock = gateway();
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    await flushPromises();
    await wrapper.get("form").trigger("submit");
    await flushPromises();

    const calls = graphqlCalls(fetchMock);
    expect(calls.filter((c) => c.operationName === "CreateImportUpload")).toHaveLength(1);
    expect(fetchMock.mock.calls.filter(([, init]) => (init as RequestInit).method === "PUT")).toHaveLength(1);
    const starts = calls.filter((c) => c.operationName === "StartImport").map((c) => c.variables.input as { uploadId: string; dryRun: boolean });
    expect(starts.map((s) => [s.uploadId, s.dryRun])).toEqual([
      [target.id, true],
      [target.id, false],
    ]);
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe("/imports/42"));
    wrapper.unmount();
  });

  it("shows a server error in words, with the field it concerns", async () => {
    const { wrapper } = await openPage();
    gateway({
      CreateImportUpload: () =>
        jsonResponse({ data: null, errors: [{ message: "Give the file's name (at most 255 characters)", extensions: { code: "BAD_USER_INPUT", field: "filename" } }] }),
    });
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    await flushPromises();
    const error = wrapper.get('[data-test="error-message"]');
    expect(error.text()).toContain("ファイル名の入力内容に誤りがあります。");
    expect(error.text()).toContain("Give the file's name (at most 255 characters)");
    expect(wrapper.find('[data-test="dry-run-summary"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("explains the force option when the file was imported before", async () => {
    const { wrapper } = await openPage();
    gateway({
      StartImport: () =>
        jsonResponse({
          data: null,
          errors: [{ message: "This file was already imported as import 7", extensions: { code: "CONFLICT", field: "input.uploadId", params: { importId: 7, batchId: "b-7" } } }],
        }),
    });
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    await wrapper.get("form").trigger("submit");
    await flushPromises();
    const notice = wrapper.get('[data-test="import-duplicate"]');
    expect(notice.text()).toContain("取込 #7 ですでに取り込まれています");
    expect(notice.text()).toContain("「以前に取り込んだファイルでも取り込む」にチェック");
    expect(notice.find('a[href$="/batches/b-7"]').exists()).toBe(true);
    wrapper.unmount();
  });

  it("warns after the dry run when the file was already imported for real, before the operator presses import", async () => {
    const { wrapper } = await openPage();
    gateway({ ImportProgress: () => jsonResponse({ data: { import: { ...checked, sameFileImport: { id: "7", batchId: "b-7" } } } }) });
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [csvFile()] } });
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    await flushPromises();
    await flushPromises();
    const warning = wrapper.get('[data-test="dry-run-duplicate"]');
    expect(warning.text()).toContain("このファイルは取込 #7 ですでに取り込まれています。");
    expect(warning.text()).toContain("以前に取り込んだファイルでも取り込む");
    expect(warning.get("a").attributes("href")).toContain("/imports/7");
    wrapper.unmount();
  });

  it("says what is wrong with a file before sending anything", async () => {
    const { wrapper } = await openPage();
    const fetchMock = gateway();
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    expect(wrapper.text()).toContain("取り込むCSVファイルを選んでください。");
    await wrapper.get('[data-test="import-drop"]').trigger("drop", { dataTransfer: { files: [new File(["x"], "orders.xlsx", { type: "application/octet-stream" })] } });
    expect(wrapper.get('[data-test="import-file"]').attributes("aria-invalid")).toBe("true");
    await wrapper.get('[data-test="import-dry-run"]').trigger("click");
    await flushPromises();
    expect(wrapper.text()).toContain("「orders.xlsx」はCSVファイルではないようです。");
    expect(fetchMock).not.toHaveBeenCalled();
    wrapper.unmount();
  });
});
