import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory } from "vue-router";
import SignInPage from "@/pages/SignInPage.vue";
import { resetSession, useSession } from "@/composables/useSession";
import { setLocale } from "@/i18n";
import { createAppRouter } from "@/router";
import { jsonResponse, stubFetch, type FakeHandler } from "@/test/fakeGateway";

const nobody: FakeHandler = (req) =>
  req.path === "/auth/me" ? jsonResponse({ errors: [{ message: "Not signed in.", extensions: { code: "UNAUTHENTICATED" } }] }, 401) : jsonResponse({}, 404);

async function open(path = "/sign-in", login: FakeHandler = () => jsonResponse({}, 500)) {
  const fetchMock = stubFetch((req) => (req.path === "/auth/login" ? login(req) : nobody(req)));
  const router = createAppRouter(createMemoryHistory());
  await router.push(path);
  const wrapper = mount(SignInPage, { global: { plugins: [router] } });
  return { wrapper, router, fetchMock };
}

/** The next page loads its code first (lazy routes): wait for the navigation to land. */
async function landsOn(router: Awaited<ReturnType<typeof open>>["router"], expected: { fullPath?: string; name?: string }) {
  await vi.waitFor(() => expect(router.currentRoute.value).toMatchObject(expected), { timeout: 10_000 });
}

async function submit(wrapper: Awaited<ReturnType<typeof open>>["wrapper"], username: string, password: string) {
  await wrapper.get('input[name="username"]').setValue(username);
  await wrapper.get('input[name="password"]').setValue(password);
  await wrapper.get("form").trigger("submit");
  await flushPromises();
}

describe("SignInPage", () => {
  beforeEach(() => {
    setLocale("ja");
    resetSession();
  });

  it("signs in with a JSON POST to /auth/login and goes where the operator was headed", async () => {
    const { wrapper, router, fetchMock } = await open("/orders/5", () =>
      jsonResponse({ token: "t", expiresAt: "2026-11-25T10:15:00.000Z", user: { username: "hanako", role: "operator", mustChangePassword: false } }),
    );
    expect(router.currentRoute.value.fullPath).toBe("/sign-in?redirect=/orders/5");
    await submit(wrapper, " hanako ", "correct horse battery");
    const login = fetchMock.mock.calls.find(([url]) => url === "/auth/login");
    expect(login?.[1]).toMatchObject({ method: "POST", credentials: "same-origin", headers: { "content-type": "application/json" } });
    expect(JSON.parse(String(login?.[1]?.body))).toEqual({ username: "hanako", password: "correct horse battery" });
    expect(useSession().user.value).toEqual({ username: "hanako", role: "operator", mustChangePassword: false });
    await landsOn(router, { fullPath: "/orders/5" });
  });

  it("sends a user who must change the password to the password form", async () => {
    const { wrapper, router } = await open("/sign-in", () => jsonResponse({ user: { username: "admin", role: "admin", mustChangePassword: true } }));
    await submit(wrapper, "admin", "printed-once-password");
    await landsOn(router, { name: "password" });
  });

  it("says the user name or password is wrong on a 401 and stays", async () => {
    const { wrapper, router } = await open("/sign-in", () =>
      jsonResponse({ errors: [{ message: "The user name or password is wrong.", extensions: { code: "UNAUTHENTICATED" } }] }, 401),
    );
    await submit(wrapper, "hanako", "wrong");
    expect(wrapper.get('[data-test="sign-in-error"]').text()).toBe("ユーザー名またはパスワードが違います。");
    expect(router.currentRoute.value.name).toBe("sign-in");
    expect(useSession().user.value).toBeNull();
  });

  it("says how long a locked account must wait (Retry-After)", async () => {
    const { wrapper } = await open("/sign-in", () =>
      jsonResponse({ errors: [{ message: "Too many failed sign-in attempts", extensions: { code: "TOO_MANY_REQUESTS" } }] }, 429, { "retry-after": "600" }),
    );
    await submit(wrapper, "hanako", "wrong");
    expect(wrapper.get('[data-test="sign-in-error"]').text()).toBe("サインインの失敗が続いたため、10分後まで試せません。");
  });

  it("tells a network failure from wrong credentials, in English when chosen", async () => {
    setLocale("en");
    const { wrapper } = await open("/sign-in", () => {
      throw new TypeError("Failed to fetch");
    });
    await submit(wrapper, "hanako", "secret");
    expect(wrapper.get('[data-code="NETWORK"]').text()).toContain("Cannot reach the gateway.");
    expect(wrapper.find('[data-test="sign-in-error"]').exists()).toBe(false);
  });

  it("asks for both fields without calling the gateway", async () => {
    const { wrapper, fetchMock } = await open();
    await submit(wrapper, "", "");
    expect(wrapper.get('[data-test="sign-in-error"]').text()).toBe("ユーザー名とパスワードを入力してください。");
    expect(fetchMock.mock.calls.some(([url]) => url === "/auth/login")).toBe(false);
  });

  it("never redirects to another site after signing in", async () => {
    const { wrapper, router } = await open("/sign-in?redirect=//evil.example/", () => jsonResponse({ user: { username: "hanako", role: "viewer", mustChangePassword: false } }));
    await submit(wrapper, "hanako", "secret");
    await landsOn(router, { fullPath: "/" });
  });

  it("disables the button while signing in", async () => {
    let release: (r: Response) => void = () => {};
    const { wrapper } = await open("/sign-in", () => new Promise<Response>((resolve) => (release = resolve)));
    await wrapper.get('input[name="username"]').setValue("hanako");
    await wrapper.get('input[name="password"]').setValue("secret");
    await wrapper.get("form").trigger("submit");
    expect(wrapper.get('[data-test="sign-in-submit"]').attributes("disabled")).toBeDefined();
    expect(wrapper.get('[data-test="sign-in-submit"]').text()).toBe("サインイン中…");
    release(jsonResponse({ errors: [{ message: "no", extensions: { code: "UNAUTHENTICATED" } }] }, 401));
    await flushPromises();
    expect(wrapper.get('[data-test="sign-in-submit"]').attributes("disabled")).toBeUndefined();
  });
});
