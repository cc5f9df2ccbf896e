/**
 * The orders list: one page of the filtered, sorted connection with its totals, paged by cursor.
 * Going forward keeps the cursors seen, so "previous" and "first" need no offset.
 */
import { useQuery } from "@urql/vue";
import { computed, type Ref } from "vue";
import { toApiArgs, type OrderListFilters } from "@/domain/orderFilters";
import { OrdersListDocument } from "@/gql/graphql";
import { useCursorPages } from "./useCursorPages";

export const PAGE_SIZE = 25;

export function useOrders(filters: Ref<OrderListFilters>) {
  const pages = useCursorPages(() => connection.value?.pageInfo, filters, true);
  const after = pages.after;

  const variables = computed(() => ({ first: PAGE_SIZE, after: after.value, ...toApiArgs(filters.value) }));
  const query = useQuery({ query: OrdersListDocument, variables });

  const connection = computed(() => query.data.value?.orders ?? null);
  const orders = computed(() => connection.value?.edges.map((e) => e.node) ?? []);

  return {
    orders,
    totalCount: computed(() => connection.value?.totalCount ?? null),
    totalAmount: computed(() => connection.value?.totalAmount ?? null),
    fetching: query.fetching,
    error: query.error,
    hasNextPage: pages.hasNextPage,
    page: pages.page,
    nextPage: pages.nextPage,
    previousPage: pages.previousPage,
    firstPage: pages.firstPage,
    refresh() {
      query.executeQuery({ requestPolicy: "network-only" });
    },
  };
}
