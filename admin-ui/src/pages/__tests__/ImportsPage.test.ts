import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import ImportsPage from "@/pages/ImportsPage.vue";
import type { Role } from "@/domain/roles";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { graphqlCalls, jsonResponse, signInAs, stubFetch, urqlPlugin } from "@/test/fakeGateway";

const row = (id: string, overrides: Record<string, unknown> = {}) => ({
  id,
  batchId: `b-${id}`,
  filename: `orders-${id}.csv`,
  status: "COMPLETED",
  phase: null,
  progress: 1,
  totalRows: 10,
  rowsDone: 10,
  successCount: 8,
  failureCount: 2,
  ordersCreated: 5,
  validOrders: 5,
  dryRun: false,
  retryOf: null,
  actor: "hanako",
  createdAt: "2026-11-25T01:00:00.000Z",
  ...overrides,
});

async function openHistory(role: Role) {
  await signInAs(role);
  const fetchMock = stubFetch(() =>
    jsonResponse({
      data: {
        imports: {
          totalCount: 3,
          edges: [row("43", { status: "RUNNING", phase: "writing", progress: 0.42, rowsDone: 4, successCount: 0, failureCount: 0, ordersCreated: 0 }), row("42", { dryRun: true, ordersCreated: 0 }), row("41")].map((node) => ({ cursor: node.id, node })),
          pageInfo: { hasNextPage: false, endCursor: "41" },
        },
      },
    }),
  );
  const router = createAppRouter(createMemoryHistory());
  await router.push("/imports");
  const wrapper = mount(ImportsPage, { global: { plugins: [router, urqlPlugin().plugin] } });
  await flushPromises();
  return { wrapper, fetchMock, router };
}

describe("ImportsPage", () => {
  beforeEach(() => setLocale("ja"));

  it("lists the history with status, figures, the dry-run flag and a bar for running imports", async () => {
    const { wrapper } = await openHistory("viewer");
    const rows = wrapper.findAll('[data-test="import-row"]');
    expect(rows.map((r) => r.attributes("data-status"))).toEqual(["RUNNING", "COMPLETED", "COMPLETED"]);
    expect(rows[0]!.get("progress").attributes("value")).toBe("42");
    expect(rows[1]!.text()).toContain("ドライラン");
    expect(rows[2]!.text()).toContain("orders-41.csv");
    expect(rows[2]!.find("progress").exists()).toBe(false);
    expect(wrapper.find('[data-test="new-import"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it("filters by status through the address, and offers a new import to operators", async () => {
    const { wrapper, fetchMock, router } = await openHistory("operator");
    expect(wrapper.find('[data-test="new-import"]').exists()).toBe(true);
    await wrapper.get('[data-test="import-status-filter"]').setValue("FAILED");
    await vi.waitFor(() => expect(router.currentRoute.value.query.status).toBe("FAILED"));
    await flushPromises();
    const last = graphqlCalls(fetchMock).filter((c) => c.operationName === "ImportsList").at(-1)!;
    expect(last.variables).toMatchObject({ status: ["FAILED"], after: null });
    wrapper.unmount();
  });
});
