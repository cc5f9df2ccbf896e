/** Resolvers of batch undos: the job, starting and cancelling one, a batch's latest. */
import { parseId } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import type { BatchUndo } from "../generated/prisma/client.js";
import { cancelBatchUndo, startBatchUndo } from "../batchUndo/batchUndoService.js";

const elapsed = (u: BatchUndo) => (u.startedAt ? ((u.finishedAt ?? new Date()).getTime() - u.startedAt.getTime()) / 1000 : 0);

export const BatchUndoResolvers = {
  status: (u: BatchUndo) => u.status.toUpperCase(),
  progress: (u: BatchUndo) => (u.status === "completed" ? 1 : u.total > 0 ? Math.min(1, u.done / u.total) : 0),
  elapsedSeconds: elapsed,
};

export const BatchUndoQuery = {
  batchUndo: (_: unknown, args: { id: string }, ctx: OrderContext) => ctx.db.batchUndo.findUnique({ where: { id: parseId(args.id) } }),
};

export const BatchUndoMutation = {
  undoImportBatch: (_: unknown, args: { input: { batchId: string; reason: string } }, ctx: OrderContext) => startBatchUndo(ctx, args.input, ctx.identity!),
  cancelBatchUndo: (_: unknown, args: { id: string }, ctx: OrderContext) => cancelBatchUndo(ctx, args.id),
};

/** `ImportBatch.undo`: the batch's latest undo. */
export const latestUndo = (b: { batchId: string }, _: unknown, ctx: OrderContext) =>
  ctx.db.batchUndo.findFirst({ where: { batchId: b.batchId }, orderBy: { id: "desc" } });
