/**
 * The one urql client: POST only (the gateway's CSRF prevention refuses GET queries without a
 * preflight header), the session cookie sent along (same origin), and two reactions shared by
 * every operation: a 401 sends the operator back to sign-in, a forced password change to the
 * password form.
 */
import { cacheExchange, Client, fetchExchange, mapExchange, type CombinedError } from "@urql/core";
import { shallowRef, watch, type ShallowRef } from "vue";

export interface ClientHooks {
  onUnauthenticated: () => void;
  onPasswordChangeRequired: () => void;
}

function isUnauthenticated(error: CombinedError): boolean {
  return error.response?.status === 401 || error.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");
}

function needsPasswordChange(error: CombinedError): boolean {
  return error.graphQLErrors.some((e) => {
    const params = e.extensions?.params as { reason?: unknown } | undefined;
    return e.extensions?.code === "FORBIDDEN" && params?.reason === "PASSWORD_CHANGE_REQUIRED";
  });
}

export function createApiClient(hooks: ClientHooks, url = "/graphql"): Client {
  return new Client({
    url,
    preferGetMethod: false,
    fetchOptions: { credentials: "same-origin" },
    requestPolicy: "cache-and-network",
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) hooks.onUnauthenticated();
          else if (needsPasswordChange(error)) hooks.onPasswordChangeRequired();
        },
      }),
      cacheExchange,
      fetchExchange,
    ],
  });
}

/**
 * The client as a ref that is replaced, with an empty cache, whenever the signed-in user changes
 * (sign-out, an expired session, another user signing in): one operator's data never shows on
 * the next one's screens.
 */
export function createSessionClient(hooks: ClientHooks, currentUser: () => string | null | undefined, url = "/graphql"): ShallowRef<Client> {
  const client = shallowRef(createApiClient(hooks, url));
  watch(currentUser, (now, before) => {
    if (before && now !== before) client.value = createApiClient(hooks, url);
  });
  return client;
}
