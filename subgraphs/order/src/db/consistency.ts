/**
 * The background consistency check's tables: `consistency_checks` (one row: the pass in progress
 * and the last complete one) and `consistency_issues` (what the passes found), and the bounded
 * reads of `orders` a pass makes.
 */
import { readTimestamp } from "@ops/service-kit/data";
import { sql } from "kysely";
import type { ConsistencyIssue, IssueKind } from "../domain/consistency.js";
import type { OrderStatus } from "../domain/statusMoves.js";
import { helpersOf, stamp, type OrderConn } from "./index.js";
import { apiStatus } from "./orders.js";

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

export interface StoredIssue {
  kind: IssueKind;
  orderId: number;
  detail: string;
  since: Date;
}

const date = (value: unknown) => (value === null || value === undefined ? null : readTimestamp(value));

/** The check's state. */
export async function checkState(conn: OrderConn): Promise<CheckState> {
  const r = await conn.selectFrom("consistency_checks").selectAll().where("id", "=", 1).executeTakeFirstOrThrow();
  return {
    startedAt: date(r.started_at),
    cursor: Number(r.cursor),
    checkedOrders: Number(r.checked_orders),
    passUnavailable: JSON.parse(r.pass_unavailable) as string[],
    lastStartedAt: date(r.last_started_at),
    lastFinishedAt: date(r.last_finished_at),
    lastUnavailable: JSON.parse(r.last_unavailable) as string[],
    requestedAt: date(r.requested_at),
  };
}

/** The orders (id, status, updated) with ids in (after, through], in id order. */
export async function ordersInRange(conn: OrderConn, after: number, through: number | null): Promise<{ id: number; status: OrderStatus; updatedAt: Date }[]> {
  let query = conn.selectFrom("orders").select(["id", "status", "updated_at"]).where("id", ">", after);
  if (through !== null) query = query.where("id", "<=", through);
  const rows = await query.orderBy("id").execute();
  return rows.map((r) => ({ id: Number(r.id), status: apiStatus(r.status), updatedAt: readTimestamp(r.updated_at) }));
}

/** The smallest order id above `after`, or null. */
export async function nextOrderId(conn: OrderConn, after: number): Promise<number | null> {
  const row = await conn.selectFrom("orders").select((eb) => eb.fn.min("id").as("id")).where("id", ">", after).executeTakeFirst();
  return row?.id === null || row?.id === undefined ? null : Number(row.id);
}

/** Asks for a pass (keeps the earliest request). */
export async function requestPass(conn: OrderConn, at: Date): Promise<void> {
  await conn
    .updateTable("consistency_checks")
    .set({ requested_at: sql`COALESCE(requested_at, ${stamp(at)})` })
    .where("id", "=", 1)
    .execute();
}

/** Starts a pass from the first order. */
export async function beginPass(conn: OrderConn, at: Date): Promise<void> {
  await conn
    .updateTable("consistency_checks")
    .set({ started_at: stamp(at), cursor: 0, checked_orders: 0, pass_unavailable: "[]", requested_at: null })
    .where("id", "=", 1)
    .execute();
}

/** One checked range, as the pass saves it. */
export interface CheckedPage {
  after: number;
  through: number | null;
  /** The kinds whose stored issues in the range are replaced (those whose service answered). */
  kinds: IssueKind[];
  issues: ConsistencyIssue[];
  orders: number;
  unavailable: string[];
  at: Date;
}

/**
 * Replaces the issues of the range (after, through] of the given kinds by `issues` and moves the
 * cursor; run it in one transaction (a few statements).
 */
export async function savePage(conn: OrderConn, page: CheckedPage): Promise<void> {
  if (page.kinds.length) {
    let remove = conn.deleteFrom("consistency_issues").where("order_id", ">", page.after).where(helpersOf(conn).inTexts("kind", page.kinds));
    if (page.through !== null) remove = remove.where("order_id", "<=", page.through);
    await remove.execute();
  }
  if (page.issues.length) {
    const found = stamp(page.at);
    await conn
      .insertInto("consistency_issues")
      .values(page.issues.map((i) => ({ kind: i.kind, order_id: i.orderId, detail: i.detail, since: stamp(i.since), found_at: found })))
      .onConflict((oc) => oc.columns(["kind", "order_id"]).doUpdateSet((eb) => ({ detail: eb.ref("excluded.detail"), since: eb.ref("excluded.since"), found_at: eb.ref("excluded.found_at") })))
      .execute();
  }
  const state = await conn.selectFrom("consistency_checks").select("pass_unavailable").where("id", "=", 1).executeTakeFirstOrThrow();
  const unavailable = [...new Set([...(JSON.parse(state.pass_unavailable) as string[]), ...page.unavailable])].sort();
  await conn
    .updateTable("consistency_checks")
    .set((eb) => ({ cursor: page.through ?? page.after, checked_orders: eb("checked_orders", "+", page.orders), pass_unavailable: JSON.stringify(unavailable) }))
    .where("id", "=", 1)
    .execute();
}

/** Ends the pass: it becomes the last complete one. */
export async function finishPass(conn: OrderConn, at: Date): Promise<void> {
  await conn
    .updateTable("consistency_checks")
    .set((eb) => ({ last_started_at: eb.ref("started_at"), last_finished_at: stamp(at), last_unavailable: eb.ref("pass_unavailable"), started_at: null, cursor: 0 }))
    .where("id", "=", 1)
    .execute();
}

/** Stored issues per kind, of those at least as old as `minSince`. */
export async function issueCounts(conn: OrderConn, minSince: Date): Promise<{ kind: IssueKind; count: number }[]> {
  const rows = await conn
    .selectFrom("consistency_issues")
    .select((eb) => ["kind", eb.fn.countAll<number>().as("count")])
    .where("since", "<=", stamp(minSince))
    .groupBy("kind")
    .orderBy("kind")
    .execute();
  return rows.map((r) => ({ kind: r.kind as IssueKind, count: Number(r.count) }));
}

/** The oldest `first` stored issues at least as old as `minSince`. */
export async function storedIssues(conn: OrderConn, minSince: Date, first: number): Promise<StoredIssue[]> {
  const rows = await conn
    .selectFrom("consistency_issues")
    .select(["kind", "order_id", "detail", "since"])
    .where("since", "<=", stamp(minSince))
    .orderBy("since")
    .orderBy("kind")
    .orderBy("order_id")
    .limit(first)
    .execute();
  return rows.map((r) => ({ kind: r.kind as IssueKind, orderId: Number(r.order_id), detail: r.detail, since: readTimestamp(r.since) }));
}
