/** Resolvers of batch undos: the job, starting and cancelling one, a batch's latest. */
import { parseId } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import { findUndo, latestUndoOfBatch, type BatchUndoRecord } from "../db/batchUndos.js";
import { cancelBatchUndo, startBatchUndo } from "../batchUndo/batchUndoService.js";

const elapsed = (u: BatchUndoRecord) => (u.startedAt ? ((u.finishedAt ?? new Date()).getTime() - u.startedAt.getTime()) / 1000 : 0);

export const BatchUndoResolvers = {
  status: (u: BatchUndoRecord) => u.status.toUpperCase(),
  progress: (u: BatchUndoRecord) => (u.status === "completed" ? 1 : u.total > 0 ? Math.min(1, u.done / u.total) : 0),
  elapsedSeconds: elapsed,
};

export const BatchUndoQuery = {
  batchUndo: (_: unknown, args: { id: string }, ctx: OrderContext) => findUndo(ctx.database.db, parseId(args.id)),
};

export const BatchUndoMutation = {
  undoImportBatch: (_: unknown, args: { input: { batchId: string; reason: string } }, ctx: OrderContext) => startBatchUndo(ctx, args.input, ctx.identity!),
  cancelBatchUndo: (_: unknown, args: { id: string }, ctx: OrderContext) => cancelBatchUndo(ctx, args.id),
};

/** `ImportBatch.undo`: the batch's latest undo. */
export const latestUndo = (b: { batchId: string }, _: unknown, ctx: OrderContext) =>
  latestUndoOfBatch(ctx.database.db, b.batchId);
