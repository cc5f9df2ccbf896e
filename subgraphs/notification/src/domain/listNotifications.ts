/** The notification list: filters, newest first, keyset pagination and a total count. */
import { decodeCursor, encodeCursor, parseId } from "@ops/service-kit";
import type { Channel, NotificationDb, NotificationStatus, Prisma } from "../db.js";

export interface NotificationFilter {
  orderId?: string | null;
  status?: NotificationStatus[] | null;
  channel?: Channel | null;
  templateName?: string | null;
  batchId?: string | null;
}

/** The Prisma condition for a filter; an absent or empty field does not filter. */
export function notificationWhere(filter: NotificationFilter | null | undefined): Prisma.NotificationWhereInput {
  const where: Prisma.NotificationWhereInput = {};
  if (!filter) return where;
  if (filter.orderId != null) where.orderId = parseId(filter.orderId, "filter.orderId");
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.channel) where.channel = filter.channel;
  if (filter.templateName?.trim()) where.templateName = filter.templateName.trim();
  if (filter.batchId?.trim()) where.batchId = filter.batchId.trim();
  return where;
}

function afterWhere(after: string): Prisma.NotificationWhereInput {
  const { sortValue, id } = decodeCursor(after);
  const createdAt = new Date(String(sortValue));
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** One page of notifications, newest first, with `first` already clamped by the caller. */
export async function listNotifications(db: NotificationDb, args: { first: number; after?: string | null; filter?: NotificationFilter | null }) {
  const where = notificationWhere(args.filter);
  const [rows, totalCount] = await Promise.all([
    db.notification.findMany({
      where: args.after ? { AND: [where, afterWhere(args.after)] } : where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: args.first + 1,
    }),
    db.notification.count({ where }),
  ]);
  const page = rows.slice(0, args.first);
  const cursor = (n: (typeof page)[number]) => encodeCursor(n.createdAt.toISOString(), n.id);
  const last = page[page.length - 1];
  return {
    totalCount,
    edges: page.map((node) => ({ cursor: cursor(node), node })),
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: last ? cursor(last) : null },
  };
}
