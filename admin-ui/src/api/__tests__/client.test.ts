import { describe, expect, it, vi } from "vitest";
import { nextTick, ref } from "vue";
import { createApiClient, createSessionClient } from "@/api/client";
import { OrdersListDocument } from "@/gql/graphql";
import { jsonResponse, stubFetch } from "@/test/fakeGateway";

function client() {
  const hooks = { onUnauthenticated: vi.fn(), onPasswordChangeRequired: vi.fn() };
  return { hooks, client: createApiClient(hooks, "http://ui.test/graphql") };
}
const list = { first: 1 };

describe("the urql client", () => {
  it("POSTs JSON with the session cookie (same origin), never GET", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ data: { orders: { totalCount: 0, totalAmount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } }));
    const { client: c } = client();
    const result = await c.query(OrdersListDocument, list).toPromise();
    expect(result.data?.orders.totalCount).toBe(0);
    const [, init] = fetchMock.mock.calls[0]!;
    expect(init).toMatchObject({ method: "POST", credentials: "same-origin" });
    expect(JSON.parse(String(init.body))).toMatchObject({ operationName: "OrdersList", variables: list });
  });

  it("sends the operator back to sign-in on a 401", async () => {
    stubFetch(() => jsonResponse({ errors: [{ message: "Sign in first", extensions: { code: "UNAUTHENTICATED" } }] }, 401));
    const { client: c, hooks } = client();
    const result = await c.query(OrdersListDocument, list).toPromise();
    expect(result.error?.graphQLErrors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect(hooks.onUnauthenticated).toHaveBeenCalledTimes(1);
    expect(hooks.onPasswordChangeRequired).not.toHaveBeenCalled();
  });

  it("sends a user who must change the password to the form", async () => {
    stubFetch(() => jsonResponse({ errors: [{ message: "Change it", extensions: { code: "FORBIDDEN", params: { reason: "PASSWORD_CHANGE_REQUIRED" } } }] }, 403));
    const { client: c, hooks } = client();
    await c.query(OrdersListDocument, list).toPromise();
    expect(hooks.onPasswordChangeRequired).toHaveBeenCalledTimes(1);
    expect(hooks.onUnauthenticated).not.toHaveBeenCalled();
  });

  it("does neither for other errors", async () => {
    stubFetch(() => jsonResponse({ data: null, errors: [{ message: "payment down", extensions: { code: "SERVICE_UNAVAILABLE", service: "payment" } }] }));
    const { client: c, hooks } = client();
    await c.query(OrdersListDocument, list).toPromise();
    expect(hooks.onUnauthenticated).not.toHaveBeenCalled();
    expect(hooks.onPasswordChangeRequired).not.toHaveBeenCalled();
  });

  it("starts a fresh, empty cache when the signed-in user changes, never showing one user's data to the next", async () => {
    let served = 0;
    const fetchMock = stubFetch(() => {
      served += 1;
      return jsonResponse({ data: { orders: { totalCount: served, totalAmount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } } } });
    });
    const user = ref<string | null>("alice");
    const hooks = { onUnauthenticated: vi.fn(), onPasswordChangeRequired: vi.fn() };
    const client = createSessionClient(hooks, () => user.value, "http://ui.test/graphql");
    const first = client.value;
    expect((await first.query(OrdersListDocument, list, { requestPolicy: "cache-first" }).toPromise()).data?.orders.totalCount).toBe(1);
    // Same user: the cache answers.
    expect((await client.value.query(OrdersListDocument, list, { requestPolicy: "cache-first" }).toPromise()).data?.orders.totalCount).toBe(1);
    expect(fetchMock).toHaveBeenCalledTimes(1);

    user.value = null; // signed out
    await nextTick();
    expect(client.value).not.toBe(first);
    user.value = "bob";
    await nextTick();
    const second = client.value;
    expect((await second.query(OrdersListDocument, list, { requestPolicy: "cache-first" }).toPromise()).data?.orders.totalCount).toBe(2);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it("keeps the client while the same user stays signed in (a refreshed session)", async () => {
    const user = ref<string | null>(null);
    const client = createSessionClient({ onUnauthenticated: vi.fn(), onPasswordChangeRequired: vi.fn() }, () => user.value, "http://ui.test/graphql");
    const first = client.value;
    user.value = "alice"; // the first sign-in: nothing cached belonged to anyone
    await nextTick();
    expect(client.value).toBe(first);
  });
});
