/** The notification list: filters, newest first, keyset pagination and a total count. */
import { BadUserInputError, decodeCursor, encodeCursor, parseId } from "@ops/service-kit";
import type { NotificationExecutor } from "../db/database.js";
import { countNotifications, notificationPage, type NotificationListFilter } from "../db/notificationList.js";
import type { Keyset } from "../db/notificationReads.js";
import type { Channel, NotificationStatus } from "./notification.js";

export interface NotificationFilter {
  orderId?: string | null;
  status?: NotificationStatus[] | null;
  channel?: Channel | null;
  templateName?: string | null;
  batchId?: string | null;
}

/** The checked filter; an absent or empty field does not filter. */
export function listFilter(filter: NotificationFilter | null | undefined): NotificationListFilter {
  const out: NotificationListFilter = {};
  if (!filter) return out;
  if (filter.orderId != null) out.orderId = parseId(filter.orderId, "filter.orderId");
  if (filter.status?.length) out.statuses = filter.status;
  if (filter.channel) out.channel = filter.channel;
  if (filter.templateName?.trim()) out.templateName = filter.templateName.trim();
  if (filter.batchId?.trim()) out.batchId = filter.batchId.trim();
  return out;
}

/** The keyset position a cursor of this list names; BAD_USER_INPUT for one this API did not issue. */
export function keysetOf(after: string, field = "after"): Keyset {
  const { sortValue, id } = decodeCursor(after, field);
  const createdAt = new Date(String(sortValue));
  if (Number.isNaN(createdAt.getTime())) throw new BadUserInputError(`"${after}" is not a cursor this API issued`, { field });
  return { createdAt, id };
}

/** One page of notifications, newest first, with `first` already clamped by the caller. */
export async function listNotifications(db: NotificationExecutor, args: { first: number; after?: string | null; filter?: NotificationFilter | null }) {
  const filter = listFilter(args.filter);
  const [rows, totalCount] = await Promise.all([notificationPage(db, filter, args.first + 1, args.after ? keysetOf(args.after) : null), countNotifications(db, filter)]);
  const page = rows.slice(0, args.first);
  const cursor = (n: (typeof page)[number]) => encodeCursor(n.createdAt.toISOString(), n.id);
  const last = page[page.length - 1];
  return {
    totalCount,
    edges: page.map((node) => ({ cursor: cursor(node), node })),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? cursor(last) : null },
  };
}
