/**
 * The order status gate (DESIGN section 9): the only code that changes an order's status, for one
 * order or 2,000 — the API's status mutations, the confirmations payments bring (one payment or an
 * imported batch), and undoing a batch. Inside the caller's transaction it checks each order's move
 * against the status machine, moves the orders it allows, writes one history row per moved order
 * (from, to, reason, actor) and the events of the change (orderEvents.ts). Orders whose status
 * forbids the move are refused with their status and left as they are, so a repeated call never
 * moves an order twice: the caller decides what a refusal means (the API answers CONFLICT, a bulk
 * path counts). A few statements per call, whatever the number of orders; the SQL is in db/.
 */
import type Database from "better-sqlite3";
import { enqueueEventSync, sqlDate } from "@ops/service-kit/lite";
import type { OrderConn } from "../db/index.js";
import { moveOrderStatuses, orderStatesForMove, toOrder, ORDER_COLUMNS, type Order, type OrderRow } from "../db/orders.js";
import { insertStatusChanges } from "../db/statusHistory.js";
import { emitStatusEvents, statusEvents } from "./orderEvents.js";
import { sourcesOf, type OrderStatus } from "./statusMoves.js";

export interface OrderTransition {
  ids: readonly number[];
  to: OrderStatus;
  /** Why, for the history (and the order's cancel reason when cancelling). */
  reason: string | null;
  /** A reason per order for the history instead (the payment that confirmed it). */
  reasonOf?: (orderId: number) => string;
  /** Who asks: a user's or API key's name, or the service acting (`payment`). */
  actor: string;
}

/** An order the gate did not move: its status does not allow the move. */
export interface RefusedOrder {
  id: number;
  status: OrderStatus;
  /** When it last changed (for a CANCELLED order: when it was cancelled). */
  updatedAt: Date;
}

export interface TransitionResult {
  /** The orders moved, as they are now, in id order. */
  moved: Order[];
  /** The orders whose status forbids the move, in id order. */
  refused: RefusedOrder[];
  /** Ids that name no order. */
  missing: number[];
}

/** The gate's decision on the orders it read: which may move, which are refused, which do not exist. */
function decide(ids: readonly number[], to: OrderStatus, current: readonly RefusedOrder[]) {
  const sources = sourcesOf(to);
  const allowed = current.filter((o) => sources.includes(o.status));
  const refused = current.filter((o) => !sources.includes(o.status));
  const found = new Set(current.map((o) => o.id));
  const missing = [...new Set(ids)].filter((id) => !found.has(id));
  return { sources, allowed, refused, missing };
}

/**
 * Moves the orders among `ids` whose status allows a move to `to`, inside the caller's write
 * transaction on `conn`, with their history rows and events; reports the others.
 */
export async function transition(conn: OrderConn, move: OrderTransition): Promise<TransitionResult> {
  if (move.ids.length === 0) return { moved: [], refused: [], missing: [] };
  const current = await orderStatesForMove(conn, move.ids);
  const { sources, allowed, refused, missing } = decide(move.ids, move.to, current);
  if (allowed.length === 0) return { moved: [], refused, missing };

  const at = new Date();
  const rows = await moveOrderStatuses(conn, {
    ids: allowed.map((o) => o.id),
    from: sources,
    to: move.to,
    at,
    ...(move.to === "CANCELLED" ? { cancelReason: move.reason } : {}),
  });
  const moved = rows.sort((a, b) => a.id - b.id);
  const fromOf = new Map(allowed.map((o) => [o.id, o.status]));
  await insertStatusChanges(
    conn,
    moved.map((o) => ({ orderId: o.id, from: fromOf.get(o.id)!, to: move.to, reason: move.reasonOf ? move.reasonOf(o.id) : move.reason, actor: move.actor, at })),
  );
  await emitStatusEvents(conn, moved);
  return { moved, refused, missing };
}

// ---------------------------------------------------------------------------------------------
// The same gate on a better-sqlite3 connection, for the batch undo worker until it moves to the
// data layer (branch wt/orderimport); removed then.

/** A connection that prepares statements (better-sqlite3). */
export interface SqlConnection {
  prepare(sql: string): Database.Statement;
}

const SELECT_STATUSES = "SELECT id, status, updated_at FROM orders WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id";
const UPDATE_STATUS = `UPDATE orders SET status = ?, updated_at = ?, cancel_reason = CASE WHEN ? THEN ? ELSE cancel_reason END
  WHERE id IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?)) RETURNING ${ORDER_COLUMNS.join(", ")}`;
const INSERT_HISTORY = `INSERT INTO order_status_changes (order_id, from_status, to_status, reason, actor, created_at)
  SELECT value ->> 0, value ->> 1, ?, value ->> 2, ?, ? FROM json_each(?)`;
const ITEMS_OF_ORDERS = "SELECT order_id, product_name, quantity, unit_price FROM order_items WHERE order_id IN (SELECT value FROM json_each(?)) ORDER BY id";

/** `transition` inside the caller's better-sqlite3 transaction (the batch undo worker only). */
export function transitionSync(db: SqlConnection, move: OrderTransition): TransitionResult {
  if (move.ids.length === 0) return { moved: [], refused: [], missing: [] };
  const current = (db.prepare(SELECT_STATUSES).all(JSON.stringify(move.ids)) as { id: number; status: string; updated_at: string }[]).map((o) => ({
    id: o.id,
    status: o.status.toUpperCase() as OrderStatus,
    updatedAt: new Date(o.updated_at),
  }));
  const { sources, allowed, refused, missing } = decide(move.ids, move.to, current);
  if (allowed.length === 0) return { moved: [], refused, missing };
  const stamp = sqlDate(new Date());
  const to = move.to.toLowerCase();
  const rows = db
    .prepare(UPDATE_STATUS)
    .all(to, stamp, move.to === "CANCELLED" ? 1 : 0, move.reason, JSON.stringify(allowed.map((o) => o.id)), JSON.stringify(sources.map((s) => s.toLowerCase()))) as OrderRow[];
  const history = allowed.map((o) => [o.id, o.status.toLowerCase(), move.reasonOf ? move.reasonOf(o.id) : move.reason]);
  db.prepare(INSERT_HISTORY).run(to, move.actor, stamp, JSON.stringify(history));
  const moved = rows.map(toOrder).sort((a, b) => a.id - b.id);
  const items = db.prepare(ITEMS_OF_ORDERS).all(JSON.stringify(moved.map((o) => o.id))) as { order_id: number; product_name: string; quantity: number; unit_price: number }[];
  const byOrder = Map.groupBy(items, (r) => r.order_id);
  for (const { event, destinations } of statusEvents(moved, (id) => (byOrder.get(id) ?? []).map((r) => ({ productName: r.product_name, quantity: r.quantity, unitPrice: r.unit_price })))) {
    enqueueEventSync(db, event, destinations);
  }
  return { moved, refused, missing };
}
