/** Resolvers of the bulk import: uploads, imports, their errors and batches. */
import { decodeCursor, encodeCursor, pageSize, parseId, requireCleanText } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import type { ImportHistory } from "../generated/prisma/client.js";
import { listOrders } from "../domain/listOrders.js";
import { cancelImport, retryImport, startImport, type StartImportInput } from "../import/importService.js";
import { latestUndo } from "./BatchUndo.js";
import type { ImportOptions } from "../import/importTypes.js";

const options = (i: ImportHistory) => JSON.parse(i.options) as ImportOptions;
const elapsed = (i: ImportHistory) => (i.startedAt ? ((i.finishedAt ?? new Date()).getTime() - i.startedAt.getTime()) / 1000 : 0);

/**
 * The part of an import's time spent reading and staging the file; writing the orders takes the
 * rest (measured: a 200k-row file is read in about a second and written in about three), so the
 * bar moves at an even pace across both phases.
 */
const READ_SHARE = 0.25;

export const ImportResolvers = {
  status: (i: ImportHistory) => i.status.toUpperCase(),
  progress: (i: ImportHistory) => {
    if (["completed", "completed_with_errors"].includes(i.status)) return 1;
    if (i.phase === "parsing") return i.fileSize ? READ_SHARE * Math.min(1, i.bytesRead / i.fileSize) : 0;
    if (i.phase === "writing" || i.phase === "validated") return READ_SHARE + (1 - READ_SHARE) * (i.totalRows ? Math.min(1, i.rowsDone / i.totalRows) : 1);
    return 0;
  },
  elapsedSeconds: elapsed,
  rowsPerSecond: (i: ImportHistory) => {
    const s = elapsed(i);
    const rows = i.phase === "parsing" ? i.rowsDone : i.totalRows && i.finishedAt ? i.totalRows : i.rowsDone;
    return s > 0 ? rows / s : 0;
  },
  dryRun: (i: ImportHistory) => options(i).dryRun,
  atomic: (i: ImportHistory) => options(i).atomic,
  sendConfirmations: (i: ImportHistory) => options(i).sendConfirmations,
  createPayments: (i: ImportHistory) => options(i).createPayments,
  unknownColumns: (i: ImportHistory) => (i.unknownColumns ? (JSON.parse(i.unknownColumns) as string[]) : []),
  batch: (i: ImportHistory) => ({ batchId: i.batchId }),
  sameFileImport: async (i: ImportHistory, _: unknown, ctx: OrderContext) => {
    const other = (await ctx.loaders.realImportIds.load(i.checksum)).find((id) => id !== i.id);
    return other === undefined ? null : ctx.db.importHistory.findUnique({ where: { id: other } });
  },
  errorReportUrl: (i: ImportHistory) => `/imports/${i.id}/errors.csv`,
  failedRowsUrl: (i: ImportHistory) => `/imports/${i.id}/failed-rows.csv`,
  errors: async (i: ImportHistory, args: { first?: number | null; after?: string | null }, ctx: OrderContext) => {
    const first = pageSize(args.first, 500, 50);
    const after = args.after ? decodeCursor(args.after).id : 0;
    const [rows, totalCount] = await Promise.all([
      ctx.db.importError.findMany({ where: { importId: i.id, id: { gt: after } }, orderBy: [{ id: "asc" }], take: first + 1 }),
      ctx.db.importError.count({ where: { importId: i.id } }),
    ]);
    const page = rows.slice(0, first);
    return {
      totalCount,
      edges: page.map((e) => ({ cursor: encodeCursor(e.rowNumber, e.id), node: e })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.rowNumber, page[page.length - 1]!.id) : null },
    };
  },
};

export const ImportBatchResolvers = {
  __resolveReference: (ref: { batchId: string }) => ({ batchId: ref.batchId }),
  imports: (b: { batchId: string }, _: unknown, ctx: OrderContext) => ctx.db.importHistory.findMany({ where: { batchId: b.batchId }, orderBy: { id: "asc" } }),
  orders: (b: { batchId: string }, args: { first?: number | null; after?: string | null }, ctx: OrderContext) =>
    listOrders(ctx.database.db, { first: pageSize(args.first), after: args.after, filter: { batchId: b.batchId }, sort: { field: "CREATED_AT", direction: "ASC" } }),
  // From order_figures (kept by triggers): a batch of 300,000 orders is not counted per request.
  orderCount: (b: { batchId: string }, _: unknown, ctx: OrderContext) =>
    ctx.reader.get<{ n: number }>("SELECT COALESCE(SUM(orders), 0) AS n FROM order_figures WHERE batch_id = ?", b.batchId)!.n,
  exportUrl: (b: { batchId: string }) => `/exports/orders.csv?batchId=${encodeURIComponent(b.batchId)}`,
  undo: latestUndo,
};

export const ImportQuery = {
  import: (_: unknown, args: { id: string }, ctx: OrderContext) => ctx.db.importHistory.findUnique({ where: { id: parseId(args.id) } }),
  imports: async (_: unknown, args: { first?: number | null; after?: string | null; status?: string[] | null }, ctx: OrderContext) => {
    const first = pageSize(args.first);
    const where = args.status?.length ? { status: { in: args.status.map((s) => s.toLowerCase()) } } : {};
    const after = args.after ? decodeCursor(args.after).id : null;
    const [rows, totalCount] = await Promise.all([
      ctx.db.importHistory.findMany({ where: { ...where, ...(after ? { id: { lt: after } } : {}) }, orderBy: { id: "desc" }, take: first + 1 }),
      ctx.db.importHistory.count({ where }),
    ]);
    const page = rows.slice(0, first);
    return {
      totalCount,
      edges: page.map((i) => ({ cursor: encodeCursor(i.id, i.id), node: i })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.id, page[page.length - 1]!.id) : null },
    };
  },
  importBatch: async (_: unknown, args: { batchId: string }, ctx: OrderContext) =>
    (await ctx.db.importHistory.findFirst({ where: { batchId: args.batchId }, select: { batchId: true } })) ?? null,
};

export const ImportMutation = {
  createImportUpload: async (_: unknown, args: { filename: string }, ctx: OrderContext) => {
    // A file name is shown in the history and in download names: the text rule first, then the store shapes it.
    const target = await ctx.uploads.create(requireCleanText(args.filename, "filename"), ctx.identity!);
    return { id: target.id, uploadUrl: `/uploads/${target.id}`, method: "PUT", maxBytes: ctx.uploads.limits.maxBytes, expiresAt: target.expiresAt };
  },
  startImport: (_: unknown, args: { input: StartImportInput }, ctx: OrderContext) => startImport(ctx, args.input, ctx.identity!),
  cancelImport: (_: unknown, args: { id: string }, ctx: OrderContext) => cancelImport(ctx, args.id),
  retryImport: (_: unknown, args: { input: { importId: string; uploadId: string } }, ctx: OrderContext) => retryImport(ctx, args.input, ctx.identity!),
};
