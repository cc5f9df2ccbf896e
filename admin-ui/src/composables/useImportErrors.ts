/**
 * An import's errors, one page at a time, forward by cursor with the cursors seen kept for
 * "previous" (as the orders list pages). Not asked for until `enabled` (the import has finished).
 */
import { useQuery } from "@urql/vue";
import { computed, ref, watch, type Ref } from "vue";
import { ImportErrorsDocument } from "@/gql/graphql";

export const ERRORS_PAGE_SIZE = 50;

export function useImportErrors(id: Ref<string>, enabled: Ref<boolean> = ref(true)) {
  const cursors = ref<(string | null)[]>([null]);
  const after = computed(() => cursors.value[cursors.value.length - 1] ?? null);
  watch(id, () => {
    cursors.value = [null];
  });

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
  };
}
