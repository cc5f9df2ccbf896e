/**
 * The `batch_undos` table: undoing an import batch, as the API records it and as the job advances
 * it chunk by chunk (its cursor is the last order id of the last committed chunk).
 */
import { sql, type Selectable } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import type { BatchUndo as BatchUndoTable } from "../generated/kysely/types.js";
import type { UndoMessageCode, UndoStatus } from "../batchUndo/batchUndoTypes.js";
import { stamp, type OrderConn } from "./index.js";

/** An undo as the service works with it. */
export interface BatchUndoRecord {
  id: number;
  batchId: string;
  reason: string;
  status: UndoStatus;
  total: number;
  done: number;
  cancelled: number;
  untouched: number;
  lastOrderId: number;
  attempts: number;
  crashReason: string | null;
  actor: string | null;
  message: string | null;
  messageCode: string | null;
  messageParams: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

const maybeDate = (value: unknown) => (value === null || value === undefined ? null : readTimestamp(value));

function toUndo(r: Selectable<BatchUndoTable>): BatchUndoRecord {
  return {
    id: Number(r.id),
    batchId: r.batch_id,
    reason: r.reason,
    status: r.status as UndoStatus,
    total: Number(r.total),
    done: Number(r.done),
    cancelled: Number(r.cancelled),
    untouched: Number(r.untouched),
    lastOrderId: Number(r.last_order_id),
    attempts: Number(r.attempts),
    crashReason: r.crash_reason,
    actor: r.actor,
    message: r.message,
    messageCode: r.message_code,
    messageParams: r.message_params,
    createdAt: readTimestamp(r.created_at),
    startedAt: maybeDate(r.started_at),
    finishedAt: maybeDate(r.finished_at),
    updatedAt: readTimestamp(r.updated_at),
  };
}

/** Undo `id`, or null. */
export async function findUndo(conn: OrderConn, id: number): Promise<BatchUndoRecord | null> {
  const row = await conn.selectFrom("batch_undos").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toUndo(row) : null;
}

/** The latest undo of `batchId`, or null. */
export async function latestUndoOfBatch(conn: OrderConn, batchId: string): Promise<BatchUndoRecord | null> {
  const row = await conn.selectFrom("batch_undos").selectAll().where("batch_id", "=", batchId).orderBy("id", "desc").limit(1).executeTakeFirst();
  return row ? toUndo(row) : null;
}

/** The undo of `batchId` that is queued or running, or null. */
export async function activeUndoOfBatch(conn: OrderConn, batchId: string): Promise<{ id: number; status: string } | null> {
  const row = await conn
    .selectFrom("batch_undos")
    .select(["id", "status"])
    .where("batch_id", "=", batchId)
    .where("status", "in", ["pending", "running", "cancelling"])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row ? { id: Number(row.id), status: row.status } : null;
}

/** Orders of a batch, and those an undo could still cancel (pending or confirmed), from order_figures: no scan of the batch. */
export async function batchOrderCounts(conn: OrderConn, batchId: string): Promise<{ total: number; cancellable: number }> {
  const row = await conn
    .selectFrom("order_figures")
    .select([sql<number>`COALESCE(SUM(orders), 0)`.as("total"), sql<number>`COALESCE(SUM(CASE WHEN status IN ('pending', 'confirmed') THEN orders ELSE 0 END), 0)`.as("cancellable")])
    .where("batch_id", "=", batchId)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), cancellable: Number(row.cancellable) };
}

/** Records a pending undo of `batchId`; returns its id. */
export async function insertUndo(conn: OrderConn, undo: { batchId: string; reason: string; total: number; actor: string }): Promise<number> {
  const now = stamp(new Date());
  const row = await conn
    .insertInto("batch_undos")
    .values({ batch_id: undo.batchId, reason: undo.reason, status: "pending", total: undo.total, actor: undo.actor, created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Marks undo `id` running. On its first start its total is counted now: imports, the only writers
 * of a batch's orders, wait in the same queue, so the total stays exact while it runs.
 */
export async function startUndoRun(conn: OrderConn, undo: { id: number; batchId: string; firstStart: boolean }, now: Date): Promise<void> {
  if (undo.firstStart) {
    await conn
      .updateTable("batch_undos")
      .set((eb) => ({
        status: "running",
        started_at: stamp(now),
        updated_at: stamp(now),
        total: eb.selectFrom("orders").select(eb.fn.countAll<number>().as("n")).where("batch_id", "=", undo.batchId),
      }))
      .where("id", "=", undo.id)
      .execute();
  } else {
    await conn.updateTable("batch_undos").set({ status: "running", updated_at: stamp(now) }).where("id", "=", undo.id).where("status", "=", "pending").execute();
  }
}

/** The undo's status and cursor, read inside the chunk's transaction. */
export async function undoCursor(conn: OrderConn, id: number): Promise<{ status: UndoStatus; lastOrderId: number }> {
  const row = await conn.selectFrom("batch_undos").select(["status", "last_order_id"]).where("id", "=", id).executeTakeFirstOrThrow();
  return { status: row.status as UndoStatus, lastOrderId: Number(row.last_order_id) };
}

/** The next `limit` order ids of a batch after `afterId`, in id order. */
export async function batchOrderIdsAfter(conn: OrderConn, batchId: string, afterId: number, limit: number): Promise<number[]> {
  const rows = await conn.selectFrom("orders").select("id").where("batch_id", "=", batchId).where("id", ">", afterId).orderBy("id").limit(limit).execute();
  return rows.map((r) => Number(r.id));
}

/** Records a committed chunk: its last order id and what it did. */
export async function recordUndoProgress(conn: OrderConn, id: number, chunk: { lastOrderId: number; done: number; cancelled: number; untouched: number }): Promise<void> {
  await conn
    .updateTable("batch_undos")
    .set((eb) => ({
      last_order_id: chunk.lastOrderId,
      done: eb("done", "+", chunk.done),
      cancelled: eb("cancelled", "+", chunk.cancelled),
      untouched: eb("untouched", "+", chunk.untouched),
      updated_at: stamp(new Date()),
    }))
    .where("id", "=", id)
    .execute();
}

/** Ends undo `id` with `status` and why. */
export async function finishUndo(conn: OrderConn, id: number, end: { status: UndoStatus; message: string | null; code: UndoMessageCode | null; params?: Record<string, unknown> }): Promise<void> {
  const now = stamp(new Date());
  await conn
    .updateTable("batch_undos")
    .set({ status: end.status, message: end.message, message_code: end.code, message_params: end.code ? JSON.stringify(end.params ?? {}) : null, finished_at: now, updated_at: now })
    .where("id", "=", id)
    .execute();
}
