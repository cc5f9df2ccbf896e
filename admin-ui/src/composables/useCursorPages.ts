/**
 * Paging a connection forward by cursor, keeping the cursors seen so "previous" and "first" need
 * no offset; a change of what is listed (`resetOn`) starts again at the first page. Shared by
 * every list: orders, notifications, imports, an import's errors.
 */
import { computed, ref, watch, type WatchSource } from "vue";

export interface PageInfoLike {
  hasNextPage: boolean;
  endCursor?: string | null;
}

export function useCursorPages(pageInfo: () => PageInfoLike | null | undefined, resetOn?: WatchSource, deep = false) {
  /** Cursors of the pages before the current one; the current page starts after the last. */
  const cursors = ref<(string | null)[]>([null]);
  const firstPage = () => {
    cursors.value = [null];
  };
  if (resetOn) watch(resetOn, firstPage, { deep });
  return {
    /** The `after` argument of the current page. */
    after: computed(() => cursors.value[cursors.value.length - 1] ?? null),
    /** 1 for the first page. */
    page: computed(() => cursors.value.length),
    hasNextPage: computed(() => pageInfo()?.hasNextPage ?? false),
    nextPage() {
      const info = pageInfo();
      if (info?.endCursor && info.hasNextPage) cursors.value = [...cursors.value, info.endCursor];
    },
    previousPage() {
      if (cursors.value.length > 1) cursors.value = cursors.value.slice(0, -1);
    },
    firstPage,
  };
}
