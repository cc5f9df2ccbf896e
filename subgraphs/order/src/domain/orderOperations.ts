/**
 * Order operations. Each runs inside the transaction it is given, so a caller can write more
 * (an outbox event, an audit entry) atomically with the change.
 */
import { BadUserInputError, ConflictError, NotFoundError, requireCleanText } from "@ops/service-kit";
import type { OrderTx } from "../db.js";
import { nameKey } from "./nameKey.js";
import { assertTransition, type OrderStatus } from "./statusMachine.js";
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
  /** Called with the current status before anything changes (role checks that depend on it). */
  guard?: (from: OrderStatus, to: OrderStatus) => void;
}

/** Moves an order along the status machine; CONFLICT on an illegal move or a stale `expectedUpdatedAt`. */
export async function changeStatus(tx: OrderTx, change: StatusChange) {
  const order = await tx.order.findUnique({ where: { id: change.id } });
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
  assertTransition(order.status, change.to);
  // The status guard makes a concurrent move fail here instead of overwriting it.
  const updated = await tx.order.updateMany({
    where: { id: order.id, status: order.status, updatedAt: order.updatedAt },
    data: { status: change.to, ...(change.to === "CANCELLED" ? { cancelReason: reason } : {}) },
  });
  if (updated.count !== 1) {
    throw new ConflictError(`Order ${order.id} was changed by someone else; reload it and try again`, { field: "input.id" });
  }
  await tx.orderStatusChange.create({ data: { orderId: order.id, fromStatus: order.status, toStatus: change.to, reason } });
  return tx.order.findUniqueOrThrow({ where: { id: order.id } });
}
