/**
 * The notification history: one page of the filtered connection with its total, paged by cursor.
 * Going forward keeps the cursors seen, so "back" and "first" need no offset; a change of filters
 * starts again at the first page.
 */
import { useQuery } from "@urql/vue";
import { computed, ref, watch, type Ref } from "vue";
import { toNotificationFilter, type NotificationListFilters } from "@/domain/notificationFilters";
import { NotificationsListDocument } from "@/gql/graphql";

export const NOTIFICATION_PAGE_SIZE = 20;

export function useNotificationList(filters: Ref<NotificationListFilters>) {
  /** Cursors of the pages before the current one; the current page starts after the last. */
  const cursors = ref<(string | null)[]>([null]);
  const after = computed(() => cursors.value[cursors.value.length - 1] ?? null);
  watch(filters, () => {
    cursors.value = [null];
  }, { deep: true });

  const variables = computed(() => ({ first: NOTIFICATION_PAGE_SIZE, after: after.value, filter: toNotificationFilter(filters.value) }));
  const query = useQuery({ query: NotificationsListDocument, variables });
  const connection = computed(() => query.data.value?.notifications ?? null);

  return {
    notifications: computed(() => connection.value?.edges.map((e) => e.node) ?? []),
    totalCount: computed(() => connection.value?.totalCount ?? null),
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
