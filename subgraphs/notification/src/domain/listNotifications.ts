/** The notification list: filters, newest first, keyset pagination and a total count. */
import { decodeCursor, encodeCursor, parseId, type SqliteReader } from "@ops/service-kit";
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

/**
 * How many notifications a filter matches. Without an order, from notification_figures (counts
 * per status, channel, template and batch, kept by triggers): a few rows, not a million; an
 * order's notifications are few and counted directly.
 */
function countMatching(db: NotificationDb, reader: SqliteReader, filter: NotificationFilter | null | undefined, where: Prisma.NotificationWhereInput): Promise<number> | number {
  if (filter?.orderId != null) return db.notification.count({ where });
  const conditions: string[] = [];
  const params: string[] = [];
  if (filter?.status?.length) {
    conditions.push("status IN (SELECT value FROM json_each(?))");
    params.push(JSON.stringify(filter.status.map((s) => s.toLowerCase())));
  }
  if (filter?.channel) {
    conditions.push("channel = ?");
    params.push(filter.channel.toLowerCase());
  }
  if (filter?.templateName?.trim()) {
    conditions.push("template_name = ?");
    params.push(filter.templateName.trim());
  }
  if (filter?.batchId?.trim()) {
    conditions.push("batch_id = ?");
    params.push(filter.batchId.trim());
  }
  const sql = `SELECT COALESCE(SUM(count), 0) AS n FROM notification_figures${conditions.length ? ` WHERE ${conditions.join(" AND ")}` : ""}`;
  return reader.get<{ n: number }>(sql, ...params)!.n;
}

/** One page of notifications, newest first, with `first` already clamped by the caller. */
export async function listNotifications(db: NotificationDb, reader: SqliteReader, args: { first: number; after?: string | null; filter?: NotificationFilter | null }) {
  const where = notificationWhere(args.filter);
  const [rows, totalCount] = await Promise.all([
    db.notification.findMany({
      where: args.after ? { AND: [where, afterWhere(args.after)] } : where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: args.first + 1,
    }),
    countMatching(db, reader, args.filter, where),
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
