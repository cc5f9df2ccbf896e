/**
 * The notification history's filters as the page keeps them (in the address, so reload and back
 * keep them and a batch or an order can link to its notifications) and as the API takes them.
 */
import type { Channel, NotificationFilter, NotificationStatus } from "@/gql/graphql";

export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = ["PENDING", "SENT", "FAILED", "NOT_SENT"];
export const CHANNELS: readonly Channel[] = ["EMAIL", "SMS"];

export interface NotificationListFilters {
  statuses: NotificationStatus[];
  /** "" for any channel. */
  channel: Channel | "";
  templateName: string;
  orderId: string;
  batchId: string;
}

/** No filter: every notification. */
export function emptyNotificationFilters(): NotificationListFilters {
  return { statuses: [], channel: "", templateName: "", orderId: "", batchId: "" };
}

type Query = Record<string, string | null | (string | null)[] | undefined>;

const first = (value: Query[string]): string => (Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));

/** Reads the filters from a route query, ignoring anything malformed. */
export function notificationFiltersFromQuery(query: Query): NotificationListFilters {
  const f = emptyNotificationFilters();
  f.statuses = first(query.status)
    .split(",")
    .filter((s): s is NotificationStatus => (NOTIFICATION_STATUSES as readonly string[]).includes(s));
  const channel = first(query.channel);
  if ((CHANNELS as readonly string[]).includes(channel)) f.channel = channel as Channel;
  f.templateName = first(query.template).trim();
  f.orderId = first(query.order).trim();
  f.batchId = first(query.batch).trim();
  return f;
}

/** The route query for `f`, without empty values. */
export function notificationFiltersToQuery(f: NotificationListFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.statuses.length) q.status = NOTIFICATION_STATUSES.filter((s) => f.statuses.includes(s)).join(",");
  if (f.channel) q.channel = f.channel;
  if (f.templateName.trim()) q.template = f.templateName.trim();
  if (f.orderId.trim()) q.order = f.orderId.trim();
  if (f.batchId.trim()) q.batch = f.batchId.trim();
  return q;
}

/** The API's filter for `f`, or null when nothing filters. */
export function toNotificationFilter(f: NotificationListFilters): NotificationFilter | null {
  const filter: NotificationFilter = {};
  if (f.statuses.length) filter.status = NOTIFICATION_STATUSES.filter((s) => f.statuses.includes(s));
  if (f.channel) filter.channel = f.channel;
  if (f.templateName.trim()) filter.templateName = f.templateName.trim();
  if (f.orderId.trim()) filter.orderId = f.orderId.trim();
  if (f.batchId.trim()) filter.batchId = f.batchId.trim();
  return Object.keys(filter).length ? filter : null;
}
