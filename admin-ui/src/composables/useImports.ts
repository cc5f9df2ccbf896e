/**
 * The import history, newest first, one page at a time by cursor, optionally of some statuses.
 * While an import on the page is queued or running the page is asked for again every few
 * seconds, so its bar moves; the timer stops with the page.
 */
import { useQuery } from "@urql/vue";
import { computed, onBeforeUnmount, watch, type Ref } from "vue";
import { isActive } from "@/domain/importProgress";
import { ImportsListDocument, type ImportStatus } from "@/gql/graphql";
import { useCursorPages } from "./useCursorPages";

export const IMPORTS_PAGE_SIZE = 20;
const REFRESH_MS = 2000;

export function useImports(statuses: Ref<ImportStatus[]>) {
  const pages = useCursorPages(() => connection.value?.pageInfo, statuses);
  const after = pages.after;

  const variables = computed(() => ({ first: IMPORTS_PAGE_SIZE, after: after.value, status: statuses.value.length ? statuses.value : null }));
  const query = useQuery({ query: ImportsListDocument, variables, requestPolicy: "cache-and-network" });
  const connection = computed(() => query.data.value?.imports ?? null);
  const imports = computed(() => connection.value?.edges.map((e) => e.node) ?? []);
  const refresh = () => query.executeQuery({ requestPolicy: "network-only" });

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(
    () => [imports.value.some((i) => isActive(i.status)), query.fetching.value] as const,
    ([running, fetching]) => {
      clearTimeout(timer);
      if (running && !fetching) timer = setTimeout(refresh, REFRESH_MS);
    },
  );
  onBeforeUnmount(() => clearTimeout(timer));

  return {
    imports,
    totalCount: computed(() => connection.value?.totalCount ?? null),
    fetching: query.fetching,
    error: query.error,
    refresh,
    hasNextPage: pages.hasNextPage,
    page: pages.page,
    nextPage: pages.nextPage,
    previousPage: pages.previousPage,
    firstPage: pages.firstPage,
  };
}
