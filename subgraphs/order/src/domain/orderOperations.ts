/**
 * Order operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change.
 */
import { BadUserInputError, ConflictError, NotFoundError, requireCleanText } from "@ops/service-kit";
import type { OrderTx } from "../db.js";
import type { Order } from "../generated/prisma/client.js";
import { ORDER_COLUMNS, toOrder, type OrderRow } from "../orderRow.js";
import { nameKey } from "./nameKey.js";
import type { SqlConnection } from "./orderEvents.js";
import { assertTransition, type OrderStatus } from "./statusMachine.js";
import { transition } from "./transition.js";
import type { ValidOrder } from "./validateOrder.js";

export async function insertOrder(tx: OrderTx, order: ValidOrder) {
  return tx.order.create({
    data: {
      customerEmail: order.customerEmail,
      customerName: order.customerName,
      nameKey: nameKey(order.customerName),
      currency: order.currency,
      totalAmount: order.totalAmount,
      items: { create: order.items },
    },
  });
}

export interface StatusChange {
  id: number;
  to: OrderStatus;
  reason?: string | null;
  expectedUpdatedAt?: Date | null;
  /** An operator confirming by hand (not the payment flow) must give a reason. */
  manual: boolean;
  /** Who asks (the identity's name), for the history. */
  actor: string;
  /** Called with the current status before anything changes (role checks that depend on it). */
  guard?: (from: OrderStatus, to: OrderStatus) => void;
}

/**
 * Moves an order along the status machine through the status gate (history and events included),
 * inside the caller's write transaction on `db`; CONFLICT on an illegal move or a stale
 * `expectedUpdatedAt`.
 */
export function changeStatus(db: SqlConnection, change: StatusChange): Order {
  const row = db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`).get(change.id) as OrderRow | undefined;
  const order = row ? toOrder(row) : null;
  if (!order) throw new NotFoundError(`Order ${change.id} does not exist`, { field: "input.id", params: { id: change.id } });
  change.guard?.(order.status, change.to);
  const reason = (change.reason == null ? "" : requireCleanText(change.reason, "input.reason", "text")).trim() || null;
  if (change.manual && change.to === "CONFIRMED" && !reason) {
    throw new BadUserInputError(
      "Confirming an order by hand overrides the payment flow: give a reason",
      { field: "input.reason" },
    );
  }
  if (change.to === "CANCELLED" && !reason) {
    throw new BadUserInputError("Cancelling an order needs a reason", { field: "input.reason" });
  }
  if (change.expectedUpdatedAt && change.expectedUpdatedAt.getTime() !== order.updatedAt.getTime()) {
    throw new ConflictError(
      `Order ${order.id} was changed by someone else at ${order.updatedAt.toISOString()}; reload it and try again`,
      { field: "input.expectedUpdatedAt", params: { currentUpdatedAt: order.updatedAt.toISOString() } },
    );
  }
  // The caller's transaction holds the write lock: the gate sees the status just read.
  const { moved, refused } = transition(db, { ids: [order.id], to: change.to, reason, actor: change.actor });
  const [refusedOrder] = refused;
  if (refusedOrder) assertTransition(refusedOrder.status, change.to);
  if (!moved[0]) throw new ConflictError(`Order ${order.id} was changed by someone else; reload it and try again`, { field: "input.id" });
  return moved[0];
}
