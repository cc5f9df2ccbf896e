/**
 * Test doubles for the gateway: `fetch` stubbed with a handler that sees each request as the
 * gateway would (path, method, JSON body), so components run through the real urql client and
 * the real `/auth` calls.
 */
import urql from "@urql/vue";
import type { Mock } from "vitest";
import { vi } from "vitest";
import type { Plugin } from "vue";
import { createApiClient } from "@/api/client";
import type { SessionUser } from "@/api/authApi";
import { resetSession, useSession } from "@/composables/useSession";
import type { Role } from "@/domain/roles";

export interface SeenRequest {
  path: string;
  method: string;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

export type FakeHandler = (req: SeenRequest) => Response | Promise<Response>;

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** Replaces `fetch`; returns the mock, whose calls are the requests sent. */
export function stubFetch(handler: FakeHandler): Mock {
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, "http://ui.test");
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    return handler({ path: url.pathname, method: init.method ?? "GET", body, credentials: init.credentials });
  });
  vi.stubGlobal("fetch", fn);
  return fn;
}

/** The GraphQL operations among the requests a fetch mock saw. */
export function graphqlCalls(fetchMock: Mock): { operationName: string; variables: Record<string, unknown> }[] {
  return fetchMock.mock.calls
    .filter(([input]) => String(input).endsWith("/graphql"))
    .map(([, init]) => {
      const { operationName, variables } = JSON.parse(String((init as RequestInit).body)) as { operationName: string; variables: Record<string, unknown> };
      return { operationName, variables };
    });
}

/** Signs a fake user in through `/auth/me`, as the app does at start. */
export async function signInAs(role: Role, extra: Partial<SessionUser> = {}): Promise<SessionUser> {
  resetSession();
  const user: SessionUser = { username: "hanako", role, mustChangePassword: false, ...extra };
  stubFetch(() => jsonResponse({ user: { ...user, kind: "user" } }));
  await useSession().refresh();
  return user;
}

/** The urql plugin with the app's real client, and the hooks it calls. */
export function urqlPlugin() {
  const hooks = { onUnauthenticated: vi.fn(), onPasswordChangeRequired: vi.fn() };
  const client = createApiClient(hooks, "http://ui.test/graphql");
  return { plugin: [urql, client] as [Plugin, unknown], hooks, client };
}
