/**
 * Where the background consistency check keeps its state and what it found (db/consistency.ts):
 * reads outside transactions, each write — a page's replacement included — in one transaction.
 */
import * as data from "../db/consistency.js";
import { orderCount } from "../db/figures.js";
import type { OrderServiceDb } from "../db/index.js";
import type { IssueKind } from "../domain/consistency.js";
import type { OrderStatus } from "../domain/statusMachine.js";

export type { CheckState, CheckedPage, StoredIssue } from "../db/consistency.js";

export interface ConsistencyStore {
  state(): Promise<data.CheckState>;
  /** The orders (id, status, updated) with ids in (after, through]. */
  orders(after: number, through: number | null): Promise<{ id: number; status: OrderStatus; updatedAt: Date }[]>;
  /** The smallest order id above `after`, or null. */
  nextOrderId(after: number): Promise<number | null>;
  orderCount(): Promise<number>;
  request(at: Date): Promise<void>;
  beginPass(at: Date): Promise<void>;
  /**
   * Replaces the issues of the range (after, through] of the given kinds by `issues` and moves
   * the cursor, in one transaction.
   */
  savePage(page: data.CheckedPage): Promise<void>;
  finishPass(at: Date): Promise<void>;
  counts(minSince: Date): Promise<{ kind: IssueKind; count: number }[]>;
  issues(minSince: Date, first: number): Promise<data.StoredIssue[]>;
}

/** The store on `database` (the checker opens its own, so its statements stay out of the request path's). */
export function createConsistencyStore(database: OrderServiceDb): ConsistencyStore {
  const { db } = database;
  const write = (work: Parameters<OrderServiceDb["transaction"]>[0]) => database.transaction(work).then(() => undefined);
  return {
    state: () => data.checkState(db),
    orders: (after, through) => data.ordersInRange(db, after, through),
    nextOrderId: (after) => data.nextOrderId(db, after),
    orderCount: () => orderCount(db),
    request: (at) => write((trx) => data.requestPass(trx, at)),
    beginPass: (at) => write((trx) => data.beginPass(trx, at)),
    savePage: (page) => write((trx) => data.savePage(trx, page)),
    finishPass: (at) => write((trx) => data.finishPass(trx, at)),
    counts: (minSince) => data.issueCounts(db, minSince),
    issues: (minSince, first) => data.storedIssues(db, minSince, first),
  };
}
