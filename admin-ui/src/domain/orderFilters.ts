/**
 * The orders list's filters and sort as the page keeps them (in the address, so a filtered list
 * can be bookmarked, shared and reached from an order's import batch) and as the API takes them.
 */
import type { OrderFilter, OrderSort, OrderSortField, OrderStatus, SortDirection } from "@/gql/graphql";

export const ORDER_STATUSES: readonly OrderStatus[] = ["PENDING", "CONFIRMED", "SHIPPED", "DELIVERED", "CANCELLED"];
export const SORT_FIELDS: readonly OrderSortField[] = ["CREATED_AT", "TOTAL_AMOUNT", "STATUS"];
export const DIRECTIONS: readonly SortDirection[] = ["DESC", "ASC"];

export interface OrderListFilters {
  statuses: OrderStatus[];
  /** Japan calendar days, YYYY-MM-DD, or "". */
  createdFrom: string;
  createdTo: string;
  customerEmail: string;
  customerName: string;
  batchId: string;
  sortField: OrderSortField;
  direction: SortDirection;
}

export function emptyFilters(): OrderListFilters {
  return { statuses: [], createdFrom: "", createdTo: "", customerEmail: "", customerName: "", batchId: "", sortField: "CREATED_AT", direction: "DESC" };
}

type Query = Record<string, string | null | (string | null)[] | undefined>;

const first = (value: Query[string]): string => (Array.isArray(value) ? (value[0] ?? "") : (value ?? ""));
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reads the filters from a route query, ignoring anything malformed. */
export function filtersFromQuery(query: Query): OrderListFilters {
  const f = emptyFilters();
  f.statuses = first(query.status)
    .split(",")
    .filter((s): s is OrderStatus => (ORDER_STATUSES as readonly string[]).includes(s));
  const from = first(query.from);
  const to = first(query.to);
  if (DAY.test(from)) f.createdFrom = from;
  if (DAY.test(to)) f.createdTo = to;
  f.customerEmail = first(query.email);
  f.customerName = first(query.name);
  f.batchId = first(query.batch);
  const sort = first(query.sort);
  if ((SORT_FIELDS as readonly string[]).includes(sort)) f.sortField = sort as OrderSortField;
  const dir = first(query.dir);
  if ((DIRECTIONS as readonly string[]).includes(dir)) f.direction = dir as SortDirection;
  return f;
}

/** The route query for `f`, without defaults and empty values. */
export function filtersToQuery(f: OrderListFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.statuses.length) q.status = f.statuses.join(",");
  if (f.createdFrom) q.from = f.createdFrom;
  if (f.createdTo) q.to = f.createdTo;
  if (f.customerEmail.trim()) q.email = f.customerEmail.trim();
  if (f.customerName.trim()) q.name = f.customerName.trim();
  if (f.batchId.trim()) q.batch = f.batchId.trim();
  if (f.sortField !== "CREATED_AT") q.sort = f.sortField;
  if (f.direction !== "DESC") q.dir = f.direction;
  return q;
}

/** The API's filter and sort for `f` (absent fields are not sent). */
export function toApiArgs(f: OrderListFilters): { filter: OrderFilter | null; sort: OrderSort } {
  const filter: OrderFilter = {};
  if (f.statuses.length) filter.status = [...f.statuses];
  if (f.createdFrom) filter.createdFrom = f.createdFrom;
  if (f.createdTo) filter.createdTo = f.createdTo;
  if (f.customerEmail.trim()) filter.customerEmail = f.customerEmail.trim();
  if (f.customerName.trim()) filter.customerName = f.customerName.trim();
  if (f.batchId.trim()) filter.batchId = f.batchId.trim();
  return { filter: Object.keys(filter).length ? filter : null, sort: { field: f.sortField, direction: f.direction } };
}
