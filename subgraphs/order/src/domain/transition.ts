/**
 * The order status gate (DESIGN section 9): the only code that changes an order's status, for one
 * order or 2,000 — the API's status mutations, the confirmations payments bring (one payment or an
 * imported batch), and undoing a batch. Inside the caller's transaction it checks each order's move
 * against the status machine, moves the orders it allows, writes one history row per moved order
 * (from, to, reason, actor) and the events of the change (orderEvents.ts). Orders whose status
 * forbids the move are refused with their status and left as they are, so a repeated call never
 * moves an order twice: the caller decides what a refusal means (the API answers CONFLICT, a bulk
 * path counts). A few statements per call, whatever the number of orders.
 */
import { sqlDate } from "@ops/service-kit/lite";
import type { Order } from "../generated/prisma/client.js";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../orderRow.js";
import { emitStatusEvents, type SqlConnection } from "./orderEvents.js";
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

const SELECT_STATUSES = "SELECT id, status, updated_at FROM orders WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id";
// The status condition repeats the check the gate made: the caller's write transaction holds the
// lock, so it never differs, but a status column is never written on a stale read.
const UPDATE_STATUS = `UPDATE orders SET status = ?, updated_at = ?, cancel_reason = CASE WHEN ? THEN ? ELSE cancel_reason END
  WHERE id IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?)) RETURNING ${ORDER_COLUMNS}`;
// One statement for the whole history: [order id, from, reason] per order.
const INSERT_HISTORY = `INSERT INTO order_status_changes (order_id, from_status, to_status, reason, actor, created_at)
  SELECT value ->> 0, value ->> 1, ?, value ->> 2, ?, ? FROM json_each(?)`;

/**
 * Moves the orders among `ids` whose status allows a move to `to`, inside the caller's write
 * transaction on `db`, with their history rows and events; reports the others.
 */
export function transition(db: SqlConnection, move: OrderTransition): TransitionResult {
  if (move.ids.length === 0) return { moved: [], refused: [], missing: [] };
  const current = db.prepare(SELECT_STATUSES).all(JSON.stringify(move.ids)) as { id: number; status: string; updated_at: string }[];
  const sources = new Set<string>(sourcesOf(move.to).map((s) => s.toLowerCase()));
  const allowed = current.filter((o) => sources.has(o.status));
  const refused = current.filter((o) => !sources.has(o.status)).map((o) => ({ id: o.id, status: o.status.toUpperCase() as OrderStatus, updatedAt: new Date(o.updated_at) }));
  const found = new Set(current.map((o) => o.id));
  const missing = [...new Set(move.ids)].filter((id) => !found.has(id));
  if (allowed.length === 0) return { moved: [], refused, missing };

  const stamp = sqlDate(new Date());
  const to = move.to.toLowerCase();
  const rows = db
    .prepare(UPDATE_STATUS)
    .all(to, stamp, move.to === "CANCELLED" ? 1 : 0, move.reason, JSON.stringify(allowed.map((o) => o.id)), JSON.stringify([...sources])) as OrderRow[];
  const history = allowed.map((o) => [o.id, o.status, move.reasonOf ? move.reasonOf(o.id) : move.reason]);
  db.prepare(INSERT_HISTORY).run(to, move.actor, stamp, JSON.stringify(history));
  const moved = rows.map(toOrder).sort((a, b) => a.id - b.id);
  emitStatusEvents(db, moved);
  return { moved, refused, missing };
}
