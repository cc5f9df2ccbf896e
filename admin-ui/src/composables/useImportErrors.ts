/**
 * An import's errors, one page at a time, forward by cursor with the cursors seen kept for
 * "previous" (as the orders list pages). Not asked for until `enabled` (the import has finished).
 */
import { useQuery } from "@urql/vue";
import { computed, ref, type Ref } from "vue";
import { ImportErrorsDocument } from "@/gql/graphql";
import { useCursorPages } from "./useCursorPages";

export const ERRORS_PAGE_SIZE = 50;

export function useImportErrors(id: Ref<string>, enabled: Ref<boolean> = ref(true)) {
  const pages = useCursorPages(() => connection.value?.pageInfo, id);
  const after = pages.after;

  const query = useQuery({
    query: ImportErrorsDocument,
    variables: computed(() => ({ id: id.value, first: ERRORS_PAGE_SIZE, after: after.value })),
    pause: computed(() => !enabled.value),
    requestPolicy: "network-only",
  });
  const connection = computed(() => query.data.value?.import?.errors ?? null);

  return {
    errors: computed(() => connection.value?.edges.map((e) => e.node) ?? []),
    totalCount: computed(() => connection.value?.totalCount ?? 0),
    fetching: query.fetching,
    error: query.error,
    hasNextPage: pages.hasNextPage,
    page: pages.page,
    nextPage: pages.nextPage,
    previousPage: pages.previousPage,
  };
}
