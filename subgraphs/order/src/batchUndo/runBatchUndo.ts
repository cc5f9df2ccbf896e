/**
 * Undoing an import batch, on the job worker's own ServiceDb (SQLite or PostgreSQL): the batch's orders in id
 * order, UNDO_CHUNK at a time, each chunk in one transaction that moves its PENDING and CONFIRMED
 * orders to CANCELLED through the status gate (history and `order.cancelled` events, which refund
 * and notify through the payment and notification services) and records the progress with the
 * last order id. A crash resumes after the last committed chunk, and the gate never cancels an
 * order twice. A cancellation is seen between chunks.
 */
import { batchOrderIdsAfter, findUndo, finishUndo, recordUndoProgress, startUndoRun, undoCursor } from "../db/batchUndos.js";
import type { OrderServiceDb } from "../db/index.js";
import { transition } from "../domain/transition.js";
import { CANCELLED_BEFORE_START, JobPaused, type JobHooks } from "../jobs/jobTypes.js";
import { UNDO_CHUNK, type UndoMessageCode, type UndoStatus } from "./batchUndoTypes.js";

/**
 * The default pause between chunks, outside any transaction: other writers (the API's status
 * moves, the events other services send) get the write lock in between instead of waiting for the
 * whole undo. A 333k-order undo spends about 4 s in these pauses.
 */
export const CHUNK_PAUSE_MS = 25;

export interface UndoOptions {
  /** Milliseconds between chunks (default CHUNK_PAUSE_MS; tests slow an undo down with it). */
  chunkPauseMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs (or resumes) undo `undoId` to its end; returns the status it ended with. */
export async function runBatchUndo(database: OrderServiceDb, undoId: number, hooks: JobHooks = {}, options: UndoOptions = {}): Promise<UndoStatus> {
  const { db } = database;
  const job = await findUndo(db, undoId);
  if (!job) throw new Error(`undo ${undoId} does not exist`);
  if (job.status !== "pending" && job.status !== "running" && job.status !== "cancelling") return job.status;
  const finish = async (status: UndoStatus, message: string | null, code: UndoMessageCode | null, params: Record<string, unknown> = {}): Promise<UndoStatus> => {
    await finishUndo(db, undoId, { status, message, code, params });
    return status;
  };
  const cancelled = async () => {
    const { done, total } = (await findUndo(db, undoId))!;
    if (done === 0) return finish("cancelled", CANCELLED_BEFORE_START, "CANCELLED_BEFORE_START");
    return finish("cancelled", `Cancelled by an operator after ${done} of ${total} orders; the orders cancelled so far stay cancelled.`, "CANCELLED_BY_OPERATOR", { done, total });
  };
  if (job.status === "cancelling") return cancelled();

  // Counted when it first starts: imports, the only writers of a batch's orders, wait in the same
  // queue, so the total stays exact while the undo runs.
  await startUndoRun(db, { id: undoId, batchId: job.batchId, firstStart: job.startedAt === null }, new Date());

  // The cursor is read inside the chunk's transaction: after a crash the next chunk starts where
  // the last committed one ended.
  const chunk = () =>
    database.transaction(async (trx): Promise<"cancelling" | "more" | "done"> => {
      const state = await undoCursor(trx, undoId);
      const ids = await batchOrderIdsAfter(trx, job.batchId, state.lastOrderId, UNDO_CHUNK);
      // Nothing left: a cancellation that came after the last chunk changes nothing, so it completed.
      if (ids.length === 0) return "done";
      if (state.status === "cancelling") return "cancelling";
      // Orders already shipped, delivered or cancelled are refused by the gate and counted as untouched.
      const { moved } = await transition(trx, { ids, to: "CANCELLED", reason: job.reason, actor: job.actor ?? "batch undo" });
      await recordUndoProgress(trx, undoId, { lastOrderId: ids[ids.length - 1]!, done: ids.length, cancelled: moved.length, untouched: ids.length - moved.length });
      return "more";
    });
  for (;;) {
    const step = await chunk();
    if (step === "cancelling") return cancelled();
    if (step === "done") return finish("completed", null, null);
    hooks.onChunk?.();
    // Draining: stop after this committed chunk; the next runner resumes from its cursor.
    if (hooks.shouldPause?.()) throw new JobPaused();
    await sleep(options.chunkPauseMs ?? CHUNK_PAUSE_MS);
  }
}
