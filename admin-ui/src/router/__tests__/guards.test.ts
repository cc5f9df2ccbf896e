import { beforeEach, describe, expect, it } from "vitest";
import { createMemoryHistory } from "vue-router";
import { resetSession, useSession } from "@/composables/useSession";
import { createAppRouter } from "@/router";
import { jsonResponse, signInAs, stubFetch } from "@/test/fakeGateway";

async function landOn(path: string) {
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  return router.currentRoute.value;
}

describe("route guards", () => {
  beforeEach(() => resetSession());

  it("sends a visitor who is not signed in to sign-in, remembering the page", async () => {
    stubFetch(() => jsonResponse({ errors: [{ message: "Not signed in.", extensions: { code: "UNAUTHENTICATED" } }] }, 401));
    const route = await landOn("/orders?status=PENDING");
    expect(route.name).toBe("sign-in");
    expect(route.query.redirect).toBe("/orders?status=PENDING");
  });

  it("keeps a user who must change the password on the password form", async () => {
    await signInAs("admin", { mustChangePassword: true });
    expect((await landOn("/orders")).name).toBe("password");
  });

  it("turns a viewer away from creating an order, naming the role", async () => {
    await signInAs("viewer");
    const route = await landOn("/orders/new");
    expect(route.name).toBe("forbidden");
    expect(route.query.role).toBe("operator");
    expect((await landOn("/orders")).name).toBe("orders");
  });

  it("lets an operator create orders and skips sign-in once signed in", async () => {
    await signInAs("operator");
    expect((await landOn("/orders/new")).name).toBe("order-new");
    expect((await landOn("/sign-in")).name).toBe("dashboard");
  });

  it("asks /auth/me once for the first navigation", async () => {
    const fetchMock = stubFetch(() => jsonResponse({ user: { username: "hanako", role: "viewer", mustChangePassword: false } }));
    await landOn("/");
    await landOn("/orders");
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(useSession().user.value?.username).toBe("hanako");
  });
});
