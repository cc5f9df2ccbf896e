/** Resolvers of the bulk import: uploads, imports, their errors and batches. */
import { decodeCursor, encodeCursor, pageSize, parseId, requireCleanText } from "@ops/service-kit";
import type { OrderContext } from "../context.js";
import { batchOrderCount } from "../db/figures.js";
import { batchExists, countImportErrors, countImports, findImport, importErrorsPage, importsOfBatch, importsPage, type ImportRecord } from "../db/imports.js";
import { listOrders } from "../domain/listOrders.js";
import { cancelImport, retryImport, startImport, type StartImportInput } from "../import/importService.js";
import { latestUndo } from "./BatchUndo.js";
import type { ImportOptions } from "../import/importTypes.js";

const options = (i: ImportRecord) => JSON.parse(i.options) as ImportOptions;
const elapsed = (i: ImportRecord) => (i.startedAt ? ((i.finishedAt ?? new Date()).getTime() - i.startedAt.getTime()) / 1000 : 0);

/**
 * The part of an import's time spent reading and staging the file; writing the orders takes the
 * rest (measured: a 200k-row file is read in about a second and written in about three), so the
 * bar moves at an even pace across both phases.
 */
const READ_SHARE = 0.25;

export const ImportResolvers = {
  status: (i: ImportRecord) => i.status.toUpperCase(),
  progress: (i: ImportRecord) => {
    if (["completed", "completed_with_errors"].includes(i.status)) return 1;
    if (i.phase === "parsing") return i.fileSize ? READ_SHARE * Math.min(1, i.bytesRead / i.fileSize) : 0;
    if (i.phase === "writing" || i.phase === "validated") return READ_SHARE + (1 - READ_SHARE) * (i.totalRows ? Math.min(1, i.rowsDone / i.totalRows) : 1);
    return 0;
  },
  elapsedSeconds: elapsed,
  rowsPerSecond: (i: ImportRecord) => {
    const s = elapsed(i);
    const rows = i.phase === "parsing" ? i.rowsDone : i.totalRows && i.finishedAt ? i.totalRows : i.rowsDone;
    return s > 0 ? rows / s : 0;
  },
  dryRun: (i: ImportRecord) => options(i).dryRun,
  atomic: (i: ImportRecord) => options(i).atomic,
  sendConfirmations: (i: ImportRecord) => options(i).sendConfirmations,
  createPayments: (i: ImportRecord) => options(i).createPayments,
  unknownColumns: (i: ImportRecord) => (i.unknownColumns ? (JSON.parse(i.unknownColumns) as string[]) : []),
  batch: (i: ImportRecord) => ({ batchId: i.batchId }),
  sameFileImport: async (i: ImportRecord, _: unknown, ctx: OrderContext) => {
    const other = (await ctx.loaders.realImportIds.load(i.checksum)).find((id) => id !== i.id);
    return other === undefined ? null : findImport(ctx.database.db, other);
  },
  errorReportUrl: (i: ImportRecord) => `/imports/${i.id}/errors.csv`,
  failedRowsUrl: (i: ImportRecord) => `/imports/${i.id}/failed-rows.csv`,
  errors: async (i: ImportRecord, args: { first?: number | null; after?: string | null }, ctx: OrderContext) => {
    const first = pageSize(args.first, 500, 50);
    const after = args.after ? decodeCursor(args.after).id : 0;
    const [rows, totalCount] = await Promise.all([importErrorsPage(ctx.database.db, i.id, after, first + 1), countImportErrors(ctx.database.db, i.id)]);
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
  imports: (b: { batchId: string }, _: unknown, ctx: OrderContext) => importsOfBatch(ctx.database.db, b.batchId),
  orders: (b: { batchId: string }, args: { first?: number | null; after?: string | null }, ctx: OrderContext) =>
    listOrders(ctx.database.db, { first: pageSize(args.first), after: args.after, filter: { batchId: b.batchId }, sort: { field: "CREATED_AT", direction: "ASC" } }),
  // From order_figures (kept by triggers): a batch of 300,000 orders is not counted per request.
  orderCount: (b: { batchId: string }, _: unknown, ctx: OrderContext) => batchOrderCount(ctx.database.db, b.batchId),
  exportUrl: (b: { batchId: string }) => `/exports/orders.csv?batchId=${encodeURIComponent(b.batchId)}`,
  undo: latestUndo,
};

export const ImportQuery = {
  import: (_: unknown, args: { id: string }, ctx: OrderContext) => findImport(ctx.database.db, parseId(args.id)),
  imports: async (_: unknown, args: { first?: number | null; after?: string | null; status?: string[] | null }, ctx: OrderContext) => {
    const first = pageSize(args.first);
    const statuses = (args.status ?? []).map((s) => s.toLowerCase());
    const beforeId = args.after ? decodeCursor(args.after).id : null;
    const [rows, totalCount] = await Promise.all([importsPage(ctx.database.db, { statuses, beforeId, limit: first + 1 }), countImports(ctx.database.db, statuses)]);
    const page = rows.slice(0, first);
    return {
      totalCount,
      edges: page.map((i) => ({ cursor: encodeCursor(i.id, i.id), node: i })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: page.length ? encodeCursor(page[page.length - 1]!.id, page[page.length - 1]!.id) : null },
    };
  },
  importBatch: async (_: unknown, args: { batchId: string }, ctx: OrderContext) => ((await batchExists(ctx.database.db, args.batchId)) ? { batchId: args.batchId } : null),
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
