/**
 * Order operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change.
 */
import { BadUserInputError, ConflictError, NotFoundError, requireCleanText } from "@ops/service-kit";
import type { OrderConn, OrderServiceDb } from "../db/index.js";
import { insertItems } from "../db/items.js";
import { insertOrderRow, orderById, type Order } from "../db/orders.js";
import { nameKey } from "./nameKey.js";
import { assertTransition, type OrderStatus } from "./statusMachine.js";
import { transition } from "./transition.js";
import type { ValidOrder } from "./validateOrder.js";

/** Creates a validated order with its items in one transaction (two statements) and returns it. */
export async function createOrder(database: OrderServiceDb, order: ValidOrder): Promise<Order> {
  return database.transaction(async (trx) => {
    const created = await insertOrderRow(trx, {
      customerEmail: order.customerEmail,
      customerName: order.customerName,
      nameKey: nameKey(order.customerName),
      currency: order.currency,
      totalAmount: order.totalAmount,
    });
    await insertItems(trx, order.items.map((item) => ({ orderId: created.id, ...item })));
    return created;
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
 * inside the caller's write transaction on `conn`; CONFLICT on an illegal move or a stale
 * `expectedUpdatedAt`.
 */
export async function changeStatus(conn: OrderConn, change: StatusChange): Promise<Order> {
  const order = await orderById(conn, change.id, { lock: true });
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
  const { moved, refused } = await transition(conn, { ids: [order.id], to: change.to, reason, actor: change.actor });
  const [refusedOrder] = refused;
  if (refusedOrder) assertTransition(refusedOrder.status, change.to);
  if (!moved[0]) throw new ConflictError(`Order ${order.id} was changed by someone else; reload it and try again`, { field: "input.id" });
  return moved[0];
}
