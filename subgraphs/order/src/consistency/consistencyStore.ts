/**
 * Where the background consistency check keeps its state and what it found (tables
 * consistency_checks and consistency_issues). Reads on the service's read connection, writes on
 * its bulk connection, each page's replacement in one transaction.
 */
import { sqlDate, type BulkDb, type SqliteReader } from "@ops/service-kit";
import type { ConsistencyIssue, IssueKind } from "../domain/consistency.js";
import type { OrderStatus } from "../domain/statusMachine.js";

export interface CheckState {
  /** The pass in progress, or null. */
  startedAt: Date | null;
  /** The last order id the pass in progress has checked up to. */
  cursor: number;
  checkedOrders: number;
  passUnavailable: string[];
  lastStartedAt: Date | null;
  lastFinishedAt: Date | null;
  lastUnavailable: string[];
  requestedAt: Date | null;
}

interface StateRow {
  started_at: string | null;
  cursor: number;
  checked_orders: number;
  pass_unavailable: string;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_unavailable: string;
  requested_at: string | null;
}

const date = (value: string | null) => (value === null ? null : new Date(value));

export interface StoredIssue {
  kind: IssueKind;
  orderId: number;
  detail: string;
  since: Date;
}

export interface ConsistencyStore {
  state(): CheckState;
  /** The orders (id, status, updated) with ids in (after, through]. */
  orders(after: number, through: number | null): { id: number; status: OrderStatus; updatedAt: Date }[];
  /** The smallest order id above `after`, or null. */
  nextOrderId(after: number): number | null;
  orderCount(): number;
  request(at: Date): Promise<void>;
  beginPass(at: Date): Promise<void>;
  /**
   * Replaces the issues of the range (after, through] of the given kinds by `issues` and moves
   * the cursor, in one transaction.
   */
  savePage(page: { after: number; through: number | null; kinds: IssueKind[]; issues: ConsistencyIssue[]; orders: number; unavailable: string[]; at: Date }): Promise<void>;
  finishPass(at: Date): Promise<void>;
  counts(minSince: Date): { kind: IssueKind; count: number }[];
  issues(minSince: Date, first: number): StoredIssue[];
}

export function createConsistencyStore(reader: SqliteReader, bulk: BulkDb): ConsistencyStore {
  return {
    state() {
      const r = reader.get<StateRow>("SELECT * FROM consistency_checks WHERE id = 1")!;
      return {
        startedAt: date(r.started_at),
        cursor: r.cursor,
        checkedOrders: r.checked_orders,
        passUnavailable: JSON.parse(r.pass_unavailable) as string[],
        lastStartedAt: date(r.last_started_at),
        lastFinishedAt: date(r.last_finished_at),
        lastUnavailable: JSON.parse(r.last_unavailable) as string[],
        requestedAt: date(r.requested_at),
      };
    },
    orders(after, through) {
      return reader
        .all<{ id: number; status: string; updated_at: string }>(
          "SELECT id, status, updated_at FROM orders WHERE id > ? AND (? IS NULL OR id <= ?) ORDER BY id",
          after,
          through,
          through,
        )
        .map((r) => ({ id: r.id, status: r.status.toUpperCase() as OrderStatus, updatedAt: new Date(r.updated_at) }));
    },
    nextOrderId(after) {
      return reader.get<{ id: number | null }>("SELECT MIN(id) AS id FROM orders WHERE id > ?", after)?.id ?? null;
    },
    orderCount() {
      // The figures hold the count: no scan of the orders.
      return reader.get<{ n: number }>("SELECT COALESCE(SUM(orders), 0) AS n FROM order_figures")!.n;
    },
    async request(at) {
      await bulk.write(() => bulk.statement("UPDATE consistency_checks SET requested_at = COALESCE(requested_at, ?) WHERE id = 1").run(sqlDate(at)));
    },
    async beginPass(at) {
      await bulk.write(() =>
        bulk.statement("UPDATE consistency_checks SET started_at = ?, cursor = 0, checked_orders = 0, pass_unavailable = '[]', requested_at = NULL WHERE id = 1").run(sqlDate(at)),
      );
    },
    async savePage(page) {
      await bulk.write(() => {
        if (page.kinds.length) {
          bulk
            .statement("DELETE FROM consistency_issues WHERE order_id > ? AND (? IS NULL OR order_id <= ?) AND kind IN (SELECT value FROM json_each(?))")
            .run(page.after, page.through, page.through, JSON.stringify(page.kinds));
        }
        const insert = bulk.statement("INSERT OR REPLACE INTO consistency_issues (kind, order_id, detail, since, found_at) VALUES (?, ?, ?, ?, ?)");
        for (const issue of page.issues) insert.run(issue.kind, issue.orderId, issue.detail, sqlDate(issue.since), sqlDate(page.at));
        bulk
          .statement(
            `UPDATE consistency_checks SET cursor = ?, checked_orders = checked_orders + ?,
             pass_unavailable = (SELECT json_group_array(DISTINCT value) FROM (SELECT value FROM json_each(pass_unavailable) UNION SELECT value FROM json_each(?)))
             WHERE id = 1`,
          )
          .run(page.through ?? page.after, page.orders, JSON.stringify(page.unavailable));
      });
    },
    async finishPass(at) {
      await bulk.write(() =>
        bulk
          .statement("UPDATE consistency_checks SET last_started_at = started_at, last_finished_at = ?, last_unavailable = pass_unavailable, started_at = NULL, cursor = 0 WHERE id = 1")
          .run(sqlDate(at)),
      );
    },
    counts(minSince) {
      return reader.all<{ kind: IssueKind; count: number }>(
        "SELECT kind, COUNT(*) AS count FROM consistency_issues WHERE since <= ? GROUP BY kind ORDER BY kind",
        sqlDate(minSince),
      );
    },
    issues(minSince, first) {
      return reader
        .all<{ kind: IssueKind; order_id: number; detail: string; since: string }>(
          "SELECT kind, order_id, detail, since FROM consistency_issues WHERE since <= ? ORDER BY since, kind, order_id LIMIT ?",
          sqlDate(minSince),
          first,
        )
        .map((r) => ({ kind: r.kind, orderId: r.order_id, detail: r.detail, since: new Date(r.since) }));
    },
  };
}
