/**
 * The `import_history` and `import_errors` tables as the API reads and writes them: an import's
 * record, its pages of errors, the imports of a batch or a file. (What the import job writes while
 * it runs: db/importRun.ts.)
 */
import type { Selectable } from "kysely";
import { readTimestamp } from "@ops/service-kit/data";
import type { ImportError as ImportErrorTable, ImportHistory } from "../generated/kysely/types.js";
import { IMPORTED_STATUSES, type ImportStatus } from "../import/importTypes.js";
import { helpersOf, stamp, type OrderConn } from "./index.js";

/** An import as the service works with it: camelCase, Dates, numbers. */
export interface ImportRecord {
  id: number;
  batchId: string;
  filename: string;
  checksum: string;
  fileSize: number;
  encoding: string | null;
  totalRows: number;
  successCount: number;
  failureCount: number;
  ordersCreated: number;
  validOrders: number;
  bytesRead: number;
  rowsDone: number;
  status: ImportStatus;
  phase: string | null;
  /** The import's options as JSON (ImportOptions). */
  options: string;
  uploadPath: string;
  retryOf: number | null;
  actor: string | null;
  message: string | null;
  messageCode: string | null;
  messageParams: string | null;
  unknownColumns: string | null;
  attempts: number;
  crashReason: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  updatedAt: Date;
}

/** One reported problem of an import's row. */
export interface ImportErrorRecord {
  id: number;
  importId: number;
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  orderKey: string | null;
  code: string | null;
  params: string | null;
}

const maybeDate = (value: unknown) => (value === null || value === undefined ? null : readTimestamp(value));

function toImport(r: Selectable<ImportHistory>): ImportRecord {
  return {
    id: Number(r.id),
    batchId: r.batch_id,
    filename: r.filename,
    checksum: r.checksum,
    fileSize: Number(r.file_size),
    encoding: r.encoding,
    totalRows: Number(r.total_rows),
    successCount: Number(r.success_count),
    failureCount: Number(r.failure_count),
    ordersCreated: Number(r.orders_created),
    validOrders: Number(r.valid_orders),
    bytesRead: Number(r.bytes_read),
    rowsDone: Number(r.rows_done),
    status: r.status as ImportStatus,
    phase: r.phase,
    options: r.options,
    uploadPath: r.upload_path,
    retryOf: r.retry_of === null ? null : Number(r.retry_of),
    actor: r.actor,
    message: r.message,
    messageCode: r.message_code,
    messageParams: r.message_params,
    unknownColumns: r.unknown_columns,
    attempts: Number(r.attempts),
    crashReason: r.crash_reason,
    createdAt: readTimestamp(r.created_at),
    startedAt: maybeDate(r.started_at),
    finishedAt: maybeDate(r.finished_at),
    updatedAt: readTimestamp(r.updated_at),
  };
}

function toImportError(r: Selectable<ImportErrorTable>): ImportErrorRecord {
  return {
    id: Number(r.id),
    importId: Number(r.import_id),
    rowNumber: Number(r.row_number),
    column: r.column,
    value: r.value,
    reason: r.reason,
    orderKey: r.order_key,
    code: r.code,
    params: r.params,
  };
}

/** Import `id`, or null. */
export async function findImport(conn: OrderConn, id: number): Promise<ImportRecord | null> {
  const row = await conn.selectFrom("import_history").selectAll().where("id", "=", id).executeTakeFirst();
  return row ? toImport(row) : null;
}

/** The imports of the file with `checksum` in `statuses`, oldest first. */
export async function importsOfChecksum(conn: OrderConn, checksum: string, statuses: readonly ImportStatus[]): Promise<ImportRecord[]> {
  const rows = await conn.selectFrom("import_history").selectAll().where("checksum", "=", checksum).where("status", "in", statuses).orderBy("id").execute();
  return rows.map(toImport);
}

/** What a new import records; it starts pending. */
export interface NewImport {
  batchId: string;
  filename: string;
  checksum: string;
  fileSize: number;
  options: string;
  uploadPath: string;
  retryOf: number | null;
  actor: string;
}

/** Records a pending import and returns it. */
export async function insertImport(conn: OrderConn, data: NewImport): Promise<ImportRecord> {
  const now = stamp(new Date());
  const row = await conn
    .insertInto("import_history")
    .values({
      batch_id: data.batchId,
      filename: data.filename,
      checksum: data.checksum,
      file_size: data.fileSize,
      options: data.options,
      upload_path: data.uploadPath,
      retry_of: data.retryOf,
      actor: data.actor,
      status: "pending",
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toImport(row);
}

/** The imports of a batch (the first and its retries), oldest first. */
export async function importsOfBatch(conn: OrderConn, batchId: string): Promise<ImportRecord[]> {
  const rows = await conn.selectFrom("import_history").selectAll().where("batch_id", "=", batchId).orderBy("id").execute();
  return rows.map(toImport);
}

/** Whether any import wrote (or writes) into `batchId`. */
export async function batchExists(conn: OrderConn, batchId: string): Promise<boolean> {
  return (await conn.selectFrom("import_history").select("id").where("batch_id", "=", batchId).limit(1).executeTakeFirst()) !== undefined;
}

/** A page of imports, newest first, with ids below `beforeId`; `statuses` empty: all. */
export async function importsPage(conn: OrderConn, options: { statuses: readonly string[]; beforeId: number | null; limit: number }): Promise<ImportRecord[]> {
  let query = conn.selectFrom("import_history").selectAll();
  if (options.statuses.length) query = query.where("status", "in", options.statuses);
  if (options.beforeId !== null) query = query.where("id", "<", options.beforeId);
  const rows = await query.orderBy("id", "desc").limit(options.limit).execute();
  return rows.map(toImport);
}

/** Imports in `statuses` (empty: all). */
export async function countImports(conn: OrderConn, statuses: readonly string[]): Promise<number> {
  let query = conn.selectFrom("import_history").select((eb) => eb.fn.countAll<number>().as("n"));
  if (statuses.length) query = query.where("status", "in", statuses);
  return Number((await query.executeTakeFirstOrThrow()).n);
}

/** A page of an import's errors in id order, after `afterId`. */
export async function importErrorsPage(conn: OrderConn, importId: number, afterId: number, limit: number): Promise<ImportErrorRecord[]> {
  const rows = await conn.selectFrom("import_errors").selectAll().where("import_id", "=", importId).where("id", ">", afterId).orderBy("id").limit(limit).execute();
  return rows.map(toImportError);
}

/** How many errors an import reported. */
export async function countImportErrors(conn: OrderConn, importId: number): Promise<number> {
  const { n } = await conn
    .selectFrom("import_errors")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("import_id", "=", importId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/**
 * The real (not dry-run) imports of each file, by checksum, in the statuses that make a new
 * import of it a duplicate (IMPORTED_STATUSES), oldest first; one statement.
 */
export async function realImportIdsByChecksums(conn: OrderConn, checksums: readonly string[]): Promise<{ id: number; checksum: string }[]> {
  if (checksums.length === 0) return [];
  const rows = await conn
    .selectFrom("import_history")
    .select(["id", "checksum", "options"])
    .where(helpersOf(conn).inTexts("checksum", checksums))
    .where(helpersOf(conn).inTexts("status", IMPORTED_STATUSES))
    .orderBy("id")
    .execute();
  return rows.filter((r) => !(JSON.parse(r.options) as { dryRun?: boolean }).dryRun).map((r) => ({ id: Number(r.id), checksum: r.checksum }));
}
