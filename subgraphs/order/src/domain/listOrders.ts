/** The order list: filters, keyset pagination over a chosen sort, total count and amount. */
import { decodeCursor, encodeCursor, endOfJapanDay, startOfJapanDay, type CursorValue } from "@ops/service-kit";
import type { OrderDb, Prisma } from "../db.js";
import { nameKey } from "./nameKey.js";
import type { OrderStatus } from "./statusMachine.js";

export interface OrderFilter {
  status?: OrderStatus[] | null;
  customerEmail?: string | null;
  customerName?: string | null;
  createdFrom?: string | null;
  createdTo?: string | null;
}

export type SortField = "CREATED_AT" | "TOTAL_AMOUNT" | "STATUS";
export interface OrderSort {
  field: SortField;
  direction: "ASC" | "DESC";
}

const COLUMN = { CREATED_AT: "createdAt", TOTAL_AMOUNT: "totalAmount", STATUS: "status" } as const;

export function filterWhere(filter: OrderFilter | null | undefined): Prisma.OrderWhereInput {
  const where: Prisma.OrderWhereInput = {};
  if (!filter) return where;
  if (filter.status?.length) where.status = { in: filter.status };
  if (filter.customerEmail?.trim()) where.customerEmail = filter.customerEmail.trim().toLowerCase();
  if (filter.customerName?.trim()) where.nameKey = { contains: nameKey(filter.customerName) };
  if (filter.createdFrom || filter.createdTo) {
    where.createdAt = {
      ...(filter.createdFrom ? { gte: startOfJapanDay(filter.createdFrom) } : {}),
      ...(filter.createdTo ? { lt: endOfJapanDay(filter.createdTo) } : {}),
    };
  }
  return where;
}

type OrderRow = Prisma.OrderGetPayload<object>;

function sortValue(order: OrderRow, field: SortField): CursorValue {
  if (field === "CREATED_AT") return order.createdAt.toISOString();
  if (field === "TOTAL_AMOUNT") return order.totalAmount;
  return order.status;
}

function afterWhere(after: string, sort: OrderSort): Prisma.OrderWhereInput {
  const { sortValue: raw, id } = decodeCursor(after);
  const column = COLUMN[sort.field];
  const value = sort.field === "CREATED_AT" ? new Date(String(raw)) : raw;
  const op = sort.direction === "DESC" ? "lt" : "gt";
  return { OR: [{ [column]: { [op]: value } }, { [column]: value, id: { [op]: id } }] };
}

export async function listOrders(
  db: OrderDb,
  args: { first: number; after?: string | null; filter?: OrderFilter | null; sort: OrderSort },
) {
  const where = filterWhere(args.filter);
  const pageWhere = args.after ? { AND: [where, afterWhere(args.after, args.sort)] } : where;
  const dir = args.sort.direction === "DESC" ? "desc" : "asc";
  const [rows, aggregate] = await Promise.all([
    db.order.findMany({
      where: pageWhere,
      orderBy: [{ [COLUMN[args.sort.field]]: dir }, { id: dir }],
      take: args.first + 1,
    }),
    db.order.aggregate({ where, _count: { _all: true }, _sum: { totalAmount: true } }),
  ]);
  const page = rows.slice(0, args.first);
  return {
    totalCount: aggregate._count._all,
    totalAmount: aggregate._sum.totalAmount ?? 0,
    edges: page.map((node) => ({ cursor: encodeCursor(sortValue(node, args.sort.field), node.id), node })),
    pageInfo: {
      hasNextPage: rows.length > args.first,
      endCursor: page.length ? encodeCursor(sortValue(page[page.length - 1]!, args.sort.field), page[page.length - 1]!.id) : null,
    },
  };
}
