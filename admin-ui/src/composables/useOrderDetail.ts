/**
 * One order with everything the three services know about it (one federated query), and a way
 * to follow what happens after an action: `@apollo/gateway` has no subscriptions, so after a
 * payment completes the page polls until the order service has confirmed the order.
 */
import { useQuery } from "@urql/vue";
import { computed, onBeforeUnmount, ref, watch, type Ref } from "vue";
import type { OrderDetailQuery } from "@/gql/graphql";
import { OrderDetailDocument } from "@/gql/graphql";

export type OrderDetail = NonNullable<OrderDetailQuery["order"]>;

const POLL_MS = 1500;

export function useOrderDetail(id: Ref<string>) {
  const query = useQuery({ query: OrderDetailDocument, variables: computed(() => ({ id: id.value })) });
  const order = computed<OrderDetail | null>(() => query.data.value?.order ?? null);
  const refresh = () => query.executeQuery({ requestPolicy: "network-only" });

  const following = ref(false);
  let timer: ReturnType<typeof setInterval> | undefined;
  let deadline = 0;
  let until: ((order: OrderDetail) => boolean) | null = null;
  function stop() {
    clearInterval(timer);
    timer = undefined;
    until = null;
    following.value = false;
  }
  // Stop as soon as an answer shows the change, not at the next tick.
  watch(order, (current) => {
    if (until && current && until(current)) stop();
  });
  /** Reloads now, then every 1.5 s until `done(order)` holds or `timeoutMs` passes. */
  function followUntil(done: (order: OrderDetail) => boolean, timeoutMs = 20_000) {
    stop();
    until = done;
    refresh();
    following.value = true;
    deadline = Date.now() + timeoutMs;
    timer = setInterval(() => {
      const current = order.value;
      if ((current && done(current)) || Date.now() > deadline) stop();
      else refresh();
    }, POLL_MS);
  }
  onBeforeUnmount(stop);

  return { order, fetching: query.fetching, error: query.error, loaded: computed(() => query.data.value !== undefined), refresh, following, followUntil };
}
