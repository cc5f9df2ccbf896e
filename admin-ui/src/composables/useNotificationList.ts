/**
 * The notification history: one page of the filtered connection with its total, paged by cursor.
 * Going forward keeps the cursors seen, so "back" and "first" need no offset; a change of filters
 * starts again at the first page.
 */
import { useQuery } from "@urql/vue";
import { computed, type Ref } from "vue";
import { toNotificationFilter, type NotificationListFilters } from "@/domain/notificationFilters";
import { NotificationsListDocument } from "@/gql/graphql";
import { useCursorPages } from "./useCursorPages";

export const NOTIFICATION_PAGE_SIZE = 20;

export function useNotificationList(filters: Ref<NotificationListFilters>) {
  const pages = useCursorPages(() => connection.value?.pageInfo, filters, true);
  const after = pages.after;

  const variables = computed(() => ({ first: NOTIFICATION_PAGE_SIZE, after: after.value, filter: toNotificationFilter(filters.value) }));
  const query = useQuery({ query: NotificationsListDocument, variables });
  const connection = computed(() => query.data.value?.notifications ?? null);

  return {
    notifications: computed(() => connection.value?.edges.map((e) => e.node) ?? []),
    totalCount: computed(() => connection.value?.totalCount ?? null),
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
