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
import type { OrderConn } from "../db/index.js";
import { moveOrderStatuses, orderStatesForMove, type Order } from "../db/orders.js";
import { insertStatusChanges } from "../db/statusHistory.js";
import { emitStatusEvents } from "./orderEvents.js";
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
