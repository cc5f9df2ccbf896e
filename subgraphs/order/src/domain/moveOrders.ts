/**
 * Status changes for many orders at once (payment.completed for an imported batch, undoing a
 * batch): a few statements per chunk instead of several per order, inside the caller's
 * transaction, with the status history and the events written alongside.
 */
import type { OrderTx } from "../db.js";
import type { Order } from "../generated/prisma/client.js";
import { emitStatusEvents } from "./orderEvents.js";
import type { OrderStatus } from "./statusMachine.js";

const CHUNK = 500;

/** Moves the orders among `ids` whose status is in `from` to `to`; returns the moved orders. */
export async function moveOrders(tx: OrderTx, ids: number[], from: OrderStatus[], to: OrderStatus, reason: string): Promise<Order[]> {
  const moved: Order[] = [];
  const now = new Date();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    const before = await tx.order.findMany({ where: { id: { in: chunk }, status: { in: from } }, select: { id: true, status: true } });
    if (before.length === 0) continue;
    const movedIds = before.map((o) => o.id);
    await tx.order.updateMany({
      where: { id: { in: movedIds }, status: { in: from } },
      data: { status: to, updatedAt: now, ...(to === "CANCELLED" ? { cancelReason: reason } : {}) },
    });
    await tx.orderStatusChange.createMany({ data: before.map((o) => ({ orderId: o.id, fromStatus: o.status, toStatus: to, reason, createdAt: now })) });
    moved.push(...(await tx.order.findMany({ where: { id: { in: movedIds } } })));
  }
  await emitStatusEvents(tx, moved);
  return moved;
}
