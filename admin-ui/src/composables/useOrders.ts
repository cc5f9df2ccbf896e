/**
 * The orders list: one page of the filtered, sorted connection with its totals, paged by cursor.
 * Going forward keeps the cursors seen, so "previous" and "first" need no offset.
 */
import { useQuery } from "@urql/vue";
import { computed, ref, watch, type Ref } from "vue";
import { toApiArgs, type OrderListFilters } from "@/domain/orderFilters";
import { OrdersListDocument } from "@/gql/graphql";

export const PAGE_SIZE = 25;

export function useOrders(filters: Ref<OrderListFilters>) {
  /** Cursors of the pages before the current one; the current page starts after the last. */
  const cursors = ref<(string | null)[]>([null]);
  const after = computed(() => cursors.value[cursors.value.length - 1] ?? null);

  watch(filters, () => {
    cursors.value = [null];
  }, { deep: true });

  const variables = computed(() => ({ first: PAGE_SIZE, after: after.value, ...toApiArgs(filters.value) }));
  const query = useQuery({ query: OrdersListDocument, variables });

  const connection = computed(() => query.data.value?.orders ?? null);
  const orders = computed(() => connection.value?.edges.map((e) => e.node) ?? []);

  return {
    orders,
    totalCount: computed(() => connection.value?.totalCount ?? null),
    totalAmount: computed(() => connection.value?.totalAmount ?? null),
    hasNextPage: computed(() => connection.value?.pageInfo.hasNextPage ?? false),
    page: computed(() => cursors.value.length),
    fetching: query.fetching,
    error: query.error,
    nextPage() {
      const end = connection.value?.pageInfo.endCursor;
      if (end && connection.value?.pageInfo.hasNextPage) cursors.value = [...cursors.value, end];
    },
    previousPage() {
      if (cursors.value.length > 1) cursors.value = cursors.value.slice(0, -1);
    },
    firstPage() {
      cursors.value = [null];
    },
    refresh() {
      query.executeQuery({ requestPolicy: "network-only" });
    },
  };
}
