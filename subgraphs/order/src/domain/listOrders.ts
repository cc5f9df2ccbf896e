/** The order list: filters, keyset pagination over a chosen sort, total count and amount (a hot path). */
import { decodeCursor, encodeCursor, endOfJapanDay, startOfJapanDay, type CursorValue } from "@ops/service-kit";
import type { OrderConn } from "../db/index.js";
import { orderPage, orderTotals, type ListFilter, type SortField } from "../db/orderList.js";
import type { Order } from "../db/orders.js";
import { nameKey } from "./nameKey.js";
import { nameSearch } from "./nameSearch.js";
import type { OrderStatus } from "./statusMachine.js";

export type { SortField };

export interface OrderFilter {
  status?: OrderStatus[] | null;
  customerEmail?: string | null;
  customerName?: string | null;
  createdFrom?: string | null;
  createdTo?: string | null;
  batchId?: string | null;
}

export interface OrderSort {
  field: SortField;
  direction: "ASC" | "DESC";
}

function sortValue(order: Order, field: SortField): CursorValue {
  if (field === "CREATED_AT") return order.createdAt.toISOString();
  // The cursor keeps the stored (lower-case) status: the next page compares against the column.
  return field === "TOTAL_AMOUNT" ? order.totalAmount : order.status.toLowerCase();
}

/** The list's filter as the data layer takes it, the name search planned (one statement when a name is given). */
export async function listFilter(conn: OrderConn, filter: OrderFilter | null | undefined): Promise<ListFilter> {
  const key = filter?.customerName?.trim() ? nameKey(filter.customerName) : "";
  const name = key ? await nameSearch(conn, key) : null;
  return {
    statuses: [...new Set(filter?.status ?? [])],
    email: filter?.customerEmail?.trim() ? filter.customerEmail.trim().toLowerCase() : null,
    name,
    nameContains: key && !name ? key : null,
    batchId: filter?.batchId || null,
    fromDay: filter?.createdFrom || null,
    toDay: filter?.createdTo || null,
    createdFrom: filter?.createdFrom ? startOfJapanDay(filter.createdFrom) : null,
    createdBefore: filter?.createdTo ? endOfJapanDay(filter.createdTo) : null,
  };
}

/** A page of orders with the filter's total count and amount: a constant number of statements. */
export async function listOrders(conn: OrderConn, args: { first: number; after?: string | null; filter?: OrderFilter | null; sort: OrderSort }) {
  const filter = await listFilter(conn, args.filter);
  const cursor = args.after ? decodeCursor(args.after) : null;
  const [rows, totals] = await Promise.all([
    orderPage(conn, filter, {
      first: args.first,
      field: args.sort.field,
      direction: args.sort.direction,
      after: cursor ? { value: cursor.sortValue as string | number, id: cursor.id } : null,
    }),
    orderTotals(conn, filter),
  ]);
  const pageRows = rows.slice(0, args.first);
  const last = pageRows[pageRows.length - 1];
  return {
    totalCount: totals.count,
    totalAmount: totals.amount,
    edges: pageRows.map((order) => ({ cursor: encodeCursor(sortValue(order, args.sort.field), order.id), node: order })),
    pageInfo: {
      hasNextPage: rows.length > args.first,
      endCursor: last ? encodeCursor(sortValue(last, args.sort.field), last.id) : null,
    },
  };
}
