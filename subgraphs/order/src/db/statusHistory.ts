/** The `order_status_changes` table: one row per status move, written by the status gate only. */
import { insertMany, readTimestamp } from "@ops/service-kit/data";
import type { OrderStatus } from "../domain/statusMoves.js";
import { helpersOf, stamp, type OrderConn } from "./index.js";
import { apiStatus, dbStatus } from "./orders.js";

/** One move in an order's history. */
export interface OrderStatusChange {
  id: number;
  orderId: number;
  fromStatus: OrderStatus;
  toStatus: OrderStatus;
  actor: string | null;
  reason: string | null;
  createdAt: Date;
}

/** The history of the orders among `orderIds`, oldest first (one statement). */
export async function historyByOrderIds(conn: OrderConn, orderIds: readonly number[]): Promise<OrderStatusChange[]> {
  if (orderIds.length === 0) return [];
  const rows = await conn
    .selectFrom("order_status_changes")
    .select(["id", "order_id", "from_status", "to_status", "reason", "actor", "created_at"])
    .where(helpersOf(conn).inIds("order_id", orderIds))
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    orderId: Number(r.order_id),
    fromStatus: apiStatus(r.from_status),
    toStatus: apiStatus(r.to_status),
    actor: r.actor,
    reason: r.reason,
    createdAt: readTimestamp(r.created_at),
  }));
}

/** A history row the gate writes. */
export interface NewStatusChange {
  orderId: number;
  from: OrderStatus;
  to: OrderStatus;
  reason: string | null;
  actor: string;
  at: Date;
}

/** Writes history rows, a few statements for thousands of moves (status gate only). */
export async function insertStatusChanges(conn: OrderConn, changes: readonly NewStatusChange[]): Promise<void> {
  await insertMany(
    conn,
    "order_status_changes",
    changes.map((c) => ({
      order_id: c.orderId,
      from_status: dbStatus(c.from),
      to_status: dbStatus(c.to),
      reason: c.reason,
      actor: c.actor,
      created_at: stamp(c.at),
    })),
  );
}
