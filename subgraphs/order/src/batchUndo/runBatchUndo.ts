/**
 * Undoing an import batch, on the worker's own better-sqlite3 connection: the batch's orders in id
 * order, UNDO_CHUNK at a time, each chunk in one transaction that moves its PENDING and CONFIRMED
 * orders to CANCELLED through the status gate (history and `order.cancelled` events, which refund
 * and notify through the payment and notification services) and records the progress with the
 * last order id. A crash resumes after the last committed chunk, and the gate never cancels an
 * order twice. A cancellation is seen between chunks.
 */
import type Database from "better-sqlite3";
import { sqlDate } from "@ops/service-kit/lite";
import { transitionSync as transition } from "../domain/transition.js";
import type { JobHooks } from "../jobs/jobTypes.js";
import { CANCELLED_BEFORE_START } from "../jobs/jobTypes.js";
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

interface UndoRow {
  id: number;
  batch_id: string;
  reason: string;
  /** Who started the undo (null only on rows older than the column). */
  actor: string | null;
  status: UndoStatus;
  started_at: string | null;
  total: number;
  done: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs (or resumes) undo `undoId` to its end; returns the status it ended with. */
export async function runBatchUndo(db: Database.Database, undoId: number, hooks: JobHooks = {}, options: UndoOptions = {}): Promise<UndoStatus> {
  const read = () => db.prepare("SELECT id, batch_id, reason, actor, status, started_at, total, done FROM batch_undos WHERE id = ?").get(undoId) as UndoRow | undefined;
  const job = read();
  if (!job) throw new Error(`undo ${undoId} does not exist`);
  if (job.status !== "pending" && job.status !== "running" && job.status !== "cancelling") return job.status;
  const finish = (status: UndoStatus, message: string | null, code: UndoMessageCode | null, params: Record<string, unknown> = {}): UndoStatus => {
    const now = sqlDate(new Date());
    db.prepare("UPDATE batch_undos SET status = ?, message = ?, message_code = ?, message_params = ?, finished_at = ?, updated_at = ? WHERE id = ?").run(
      status,
      message,
      code,
      code ? JSON.stringify(params) : null,
      now,
      now,
      undoId,
    );
    return status;
  };
  const cancelled = () => {
    const { done, total } = read()!;
    if (done === 0) return finish("cancelled", CANCELLED_BEFORE_START, "CANCELLED_BEFORE_START");
    return finish("cancelled", `Cancelled by an operator after ${done} of ${total} orders; the orders cancelled so far stay cancelled.`, "CANCELLED_BY_OPERATOR", { done, total });
  };
  if (job.status === "cancelling") return cancelled();

  const now = sqlDate(new Date());
  // Counted when it first starts: imports, the only writers of a batch's orders, wait in the same
  // queue, so the total stays exact while the undo runs.
  if (job.started_at === null) {
    db.prepare("UPDATE batch_undos SET status = 'running', started_at = ?, updated_at = ?, total = (SELECT COUNT(*) FROM orders WHERE batch_id = ?) WHERE id = ?").run(now, now, job.batch_id, undoId);
  } else {
    db.prepare("UPDATE batch_undos SET status = 'running', updated_at = ? WHERE id = ? AND status = 'pending'").run(now, undoId);
  }

  const nextIds = db.prepare("SELECT id FROM orders WHERE batch_id = ? AND id > ? ORDER BY id LIMIT ?").pluck();
  const progress = db.prepare(
    "UPDATE batch_undos SET last_order_id = ?, done = done + ?, cancelled = cancelled + ?, untouched = untouched + ?, updated_at = ? WHERE id = ?",
  );
  // The cursor is read inside the chunk's transaction: after a crash the next chunk starts where
  // the last committed one ended.
  const chunk = db.transaction((): "cancelling" | "more" | "done" => {
    const state = db.prepare("SELECT status, last_order_id FROM batch_undos WHERE id = ?").get(undoId) as { status: UndoStatus; last_order_id: number };
    const ids = nextIds.all(job.batch_id, state.last_order_id, UNDO_CHUNK) as number[];
    // Nothing left: a cancellation that came after the last chunk changes nothing, so it completed.
    if (ids.length === 0) return "done";
    if (state.status === "cancelling") return "cancelling";
    // Orders already shipped, delivered or cancelled are refused by the gate and counted as untouched.
    const { moved } = transition(db, { ids, to: "CANCELLED", reason: job.reason, actor: job.actor ?? "batch undo" });
    progress.run(ids[ids.length - 1], ids.length, moved.length, ids.length - moved.length, sqlDate(new Date()), undoId);
    return "more";
  });
  for (;;) {
    const step = chunk.immediate();
    if (step === "cancelling") return cancelled();
    if (step === "done") return finish("completed", null, null);
    hooks.onChunk?.();
    await sleep(options.chunkPauseMs ?? CHUNK_PAUSE_MS);
  }
}
