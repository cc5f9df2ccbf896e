/**
 * The operations behind undoing an import batch: start one (recorded and queued, answered at
 * once), cancel one, read them. The work itself runs in the job worker (runBatchUndo.ts).
 */
import { BadUserInputError, ConflictError, NotFoundError, parseId, requireCleanText, type Identity } from "@ops/service-kit";
import { activeUndoOfBatch, batchOrderCounts, findUndo, insertUndo, type BatchUndoRecord } from "../db/batchUndos.js";
import type { OrderServiceDb } from "../db/index.js";
import type { JobQueue } from "../jobs/jobRunner.js";
import { MAX_UNDO_REASON_LENGTH } from "./batchUndoTypes.js";

export interface BatchUndoDeps {
  database: OrderServiceDb;
  undos: JobQueue;
}

/**
 * Records an undo of `batchId` and queues it. NOT_FOUND for a batch without orders; CONFLICT
 * while another undo of the batch is queued or running, and when no order of it can still be
 * cancelled (all shipped, delivered or cancelled).
 */
export async function startBatchUndo(deps: BatchUndoDeps, input: { batchId: string; reason: string }, identity: Identity): Promise<BatchUndoRecord> {
  const reason = requireCleanText(input.reason, "input.reason", "text").trim();
  if (!reason) throw new BadUserInputError("Undoing a batch cancels its orders: give a reason", { field: "input.reason" });
  if (reason.length > MAX_UNDO_REASON_LENGTH) {
    throw new BadUserInputError(`The reason is ${reason.length} characters long; at most ${MAX_UNDO_REASON_LENGTH} are allowed`, {
      field: "input.reason",
      params: { max: MAX_UNDO_REASON_LENGTH, length: reason.length },
    });
  }
  const { batchId } = input;
  // Checked and recorded in one serializable transaction: two requests at once cannot both start
  // an undo (SQLite holds the write lock; PostgreSQL re-runs the loser, which then sees the winner's).
  const id = await deps.database.transaction(
    async (trx) => {
      const active = await activeUndoOfBatch(trx, batchId);
      if (active) {
        throw new ConflictError(`Batch ${batchId} is already being undone (undo ${active.id}, ${active.status}); follow or cancel that one`, {
          field: "input.batchId",
          params: { undoId: String(active.id), status: active.status.toUpperCase() },
        });
      }
      const { total, cancellable } = await batchOrderCounts(trx, batchId);
      if (total === 0) throw new NotFoundError(`Batch ${batchId} has no orders`, { field: "input.batchId", params: { batchId } });
      if (cancellable === 0) {
        throw new ConflictError(`Batch ${batchId} has no pending or confirmed orders left to cancel`, { field: "input.batchId", params: { batchId, total } });
      }
      return insertUndo(trx, { batchId, reason, total, actor: identity.name });
    },
    { isolation: "serializable" },
  );
  deps.undos.enqueue(id);
  return (await findUndo(deps.database.db, id))!;
}

/** Stops a queued or running undo after its current chunk; CONFLICT when it has finished. */
export async function cancelBatchUndo(deps: BatchUndoDeps, rawId: string): Promise<BatchUndoRecord> {
  const id = parseId(rawId);
  const row = await findUndo(deps.database.db, id);
  if (!row) throw new NotFoundError(`Undo ${id} does not exist`, { field: "id", params: { id } });
  if (!(await deps.undos.cancel(id))) {
    throw new ConflictError(`Undo ${id} has already finished (${row.status})`, { field: "id", params: { status: row.status.toUpperCase() } });
  }
  return (await findUndo(deps.database.db, id))!;
}
