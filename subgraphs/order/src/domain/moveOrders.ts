/**
 * The one gate every order status move goes through, for one order or 2,000 (DESIGN section 9):
 * the API's status mutations, the confirmations a payment brings, and undoing a batch. Inside the
 * caller's transaction it moves the orders whose current status allows the move (the status
 * machine's table), writes one history row per moved order, and writes the events of the change
 * (see orderEvents.ts). An order in any other status is left as it is, so a repeated call never
 * moves an order twice. A few statements per call, whatever the number of orders.
 */
import { sqlDate } from "@ops/service-kit/lite";
import type { Order } from "../generated/prisma/client.js";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../orderRow.js";
import { emitStatusEvents, type SqlConnection } from "./orderEvents.js";
import { sourcesOf, type OrderStatus } from "./statusMoves.js";

export interface OrderMove {
  ids: readonly number[];
  to: OrderStatus;
  /** Why, for the history (and the order's cancel reason when cancelling). */
  reason: string | null;
  /** A reason per order for the history instead (the payment that confirmed it). */
  reasonOf?: (orderId: number) => string;
}

const lower = (statuses: readonly OrderStatus[]) => JSON.stringify(statuses.map((s) => s.toLowerCase()));

/** Moves the orders among `ids` that may move to `to`; returns them as they are now, in id order. */
export function moveOrders(db: SqlConnection, move: OrderMove): Order[] {
  if (move.ids.length === 0) return [];
  const ids = JSON.stringify(move.ids);
  const from = lower(sourcesOf(move.to));
  const before = db
    .prepare("SELECT id, status FROM orders WHERE id IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?)) ORDER BY id")
    .all(ids, from) as { id: number; status: string }[];
  if (before.length === 0) return [];
  const stamp = sqlDate(new Date());
  const to = move.to.toLowerCase();
  const movedIds = JSON.stringify(before.map((o) => o.id));
  const rows = db
    .prepare(
      `UPDATE orders SET status = ?, updated_at = ?, cancel_reason = CASE WHEN ? THEN ? ELSE cancel_reason END
       WHERE id IN (SELECT value FROM json_each(?)) AND status IN (SELECT value FROM json_each(?)) RETURNING ${ORDER_COLUMNS}`,
    )
    .all(to, stamp, move.to === "CANCELLED" ? 1 : 0, move.reason, movedIds, from) as OrderRow[];
  // One statement for the whole history: [order id, from, reason] per order.
  const history = before.map((o) => [o.id, o.status, move.reasonOf ? move.reasonOf(o.id) : move.reason]);
  db.prepare(
    `INSERT INTO order_status_changes (order_id, from_status, to_status, reason, created_at)
     SELECT value ->> 0, value ->> 1, ?, value ->> 2, ? FROM json_each(?)`,
  ).run(to, stamp, JSON.stringify(history));
  const moved = rows.map(toOrder).sort((a, b) => a.id - b.id);
  emitStatusEvents(db, moved);
  return moved;
}
