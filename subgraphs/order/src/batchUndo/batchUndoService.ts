/**
 * The operations behind undoing an import batch: start one (recorded and queued, answered at
 * once), cancel one, read them. The work itself runs in the job worker (runBatchUndo.ts).
 */
import { BadUserInputError, ConflictError, NotFoundError, parseId, requireCleanText, sqlDate, type BulkDb, type Identity } from "@ops/service-kit";
import type { OrderDb } from "../db.js";
import type { BatchUndo } from "../generated/prisma/client.js";
import type { JobQueue } from "../jobs/jobRunner.js";
import { MAX_UNDO_REASON_LENGTH } from "./batchUndoTypes.js";

export interface BatchUndoDeps {
  db: OrderDb;
  bulk: BulkDb;
  undos: JobQueue;
}

/**
 * Records an undo of `batchId` and queues it. NOT_FOUND for a batch without orders; CONFLICT
 * while another undo of the batch is queued or running, and when no order of it can still be
 * cancelled (all shipped, delivered or cancelled).
 */
export async function startBatchUndo(deps: BatchUndoDeps, input: { batchId: string; reason: string }, identity: Identity): Promise<BatchUndo> {
  const reason = requireCleanText(input.reason, "input.reason", "text").trim();
  if (!reason) throw new BadUserInputError("Undoing a batch cancels its orders: give a reason", { field: "input.reason" });
  if (reason.length > MAX_UNDO_REASON_LENGTH) {
    throw new BadUserInputError(`The reason is ${reason.length} characters long; at most ${MAX_UNDO_REASON_LENGTH} are allowed`, {
      field: "input.reason",
      params: { max: MAX_UNDO_REASON_LENGTH, length: reason.length },
    });
  }
  const { batchId } = input;
  // Checked and recorded under the write lock: two requests at once cannot both start an undo.
  const id = await deps.bulk.write(() => {
    const active = deps.bulk.prepare("SELECT id, status FROM batch_undos WHERE batch_id = ? AND status IN ('pending', 'running', 'cancelling') ORDER BY id DESC LIMIT 1").get(batchId) as
      | { id: number; status: string }
      | undefined;
    if (active) {
      throw new ConflictError(`Batch ${batchId} is already being undone (undo ${active.id}, ${active.status}); follow or cancel that one`, {
        field: "input.batchId",
        params: { undoId: String(active.id), status: active.status.toUpperCase() },
      });
    }
    const { total, cancellable } = deps.bulk
      .prepare("SELECT COUNT(*) AS total, COUNT(*) FILTER (WHERE status IN ('pending', 'confirmed')) AS cancellable FROM orders WHERE batch_id = ?")
      .get(batchId) as { total: number; cancellable: number };
    if (total === 0) throw new NotFoundError(`Batch ${batchId} has no orders`, { field: "input.batchId", params: { batchId } });
    if (cancellable === 0) {
      throw new ConflictError(`Batch ${batchId} has no pending or confirmed orders left to cancel`, { field: "input.batchId", params: { batchId, total } });
    }
    const now = sqlDate(new Date());
    const row = deps.bulk
      .prepare("INSERT INTO batch_undos (batch_id, reason, status, total, actor, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?, ?, ?) RETURNING id")
      .get(batchId, reason, total, identity.name, now, now) as { id: number };
    return row.id;
  });
  deps.undos.enqueue(id);
  return deps.db.batchUndo.findUniqueOrThrow({ where: { id } });
}

/** Stops a queued or running undo after its current chunk; CONFLICT when it has finished. */
export async function cancelBatchUndo(deps: BatchUndoDeps, rawId: string): Promise<BatchUndo> {
  const id = parseId(rawId);
  const row = await deps.db.batchUndo.findUnique({ where: { id } });
  if (!row) throw new NotFoundError(`Undo ${id} does not exist`, { field: "id", params: { id } });
  if (!(await deps.undos.cancel(id))) {
    throw new ConflictError(`Undo ${id} has already finished (${row.status})`, { field: "id", params: { status: row.status.toUpperCase() } });
  }
  return deps.db.batchUndo.findUniqueOrThrow({ where: { id } });
}
