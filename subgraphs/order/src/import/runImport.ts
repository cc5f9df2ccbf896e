/**
 * The import pipeline, on the worker thread's own ServiceDb (SQLite or PostgreSQL):
 *  1. parse: stream the file, validate each row, stage every row in a temporary table (rows of
 *     one order_ref may be anywhere in the file) and record row errors; a file beyond the CSV
 *     limits or not in one encoding is refused whole, at the row where it goes wrong;
 *  2. group: walk the staged rows order by order (in file order), validate each order as a whole
 *     (an order past MAX_ITEMS rows is counted, not collected);
 *  3. write (unless dry run, or atomic with errors): orders and items in chunks, each chunk in one
 *     transaction with its progress and its batched events (payments, confirmations), so a crash
 *     resumes without losing or duplicating an order (the chunk's order keys already written are
 *     left out; UNIQUE(batch_id, order_key) is the backstop).
 * Every statement is a bulk one (`insertMany`, keyset pages): a few per chunk of rows.
 */
import { EVENT_ORDERS, IMPORT_CONFIRMATIONS, IMPORT_PAYMENTS, type ImportConfirmationsData, type ImportPaymentsData } from "@ops/contracts";
import { newEvent } from "@ops/service-kit/lite";
import { enqueueEvents, type OutgoingEvent } from "../db/events.js";
import {
  countFailedRows,
  countImportChunk,
  createStaging,
  deleteImportErrors,
  dropStaging,
  existingOrderKeys,
  finishImport,
  importJob,
  importStatus,
  importTotalRows,
  insertImportedOrders,
  insertImportErrors,
  markImportRunning,
  setImportCounts,
  setImportParsed,
  setImportProgress,
  setImportWalked,
  stagedPage,
  stagedRowCount,
  stageRows,
  storable,
  type ImportJob,
  type NewImportError,
  type StagedRow,
} from "../db/importRun.js";
import type { OrderServiceDb } from "../db/index.js";
import { nameKey } from "../domain/nameKey.js";
import { JobPaused } from "../jobs/jobTypes.js";
import { readCsvFile, type ValidatedRow } from "./csv/index.js";
import { fileRefusal } from "./fileRefusal.js";
import { FirstRowIndex } from "./firstRowIndex.js";
import { paramsJson } from "./importErrorCodes.js";
import { openUploadFile } from "./uploadFiles.js";
import { CANCELLED_BEFORE_START, type ImportMessageCode, type ImportOptions, type ImportStatus } from "./importTypes.js";
import { MAX_ITEMS, tooManyItemsErrors, validateGroup, type GroupError, type GroupRow, type ValidOrderGroup } from "./validateGroup.js";

const STAGE_BATCH = 10_000;
// IMPORT_TRACE=1 prints how long each phase took (profiling the bulk path).
const trace = process.env.IMPORT_TRACE ? (label: string, since: number) => process.stderr.write(`import ${label}: ${(performance.now() - since).toFixed(0)} ms\n`) : () => {};
/** Orders per chunk: each chunk's events name them all, and receivers refuse more than EVENT_ORDERS. */
const CHUNK_ORDERS = EVENT_ORDERS;

export interface ImportHooks {
  /** A chunk committed events: the service thread delivers them now. */
  onChunk?: () => void;
  /** Asked between chunks: true when the service drains (the import throws JobPaused there). */
  shouldPause?: () => boolean;
}

class Cancelled extends Error {}

type Finish = (status: ImportStatus, message: string | null, code?: ImportMessageCode | null, params?: Record<string, unknown>) => Promise<ImportStatus>;

/**
 * Runs (or resumes) import `importId` to its end and returns the status it ended in. `database`
 * must be the worker's own ServiceDb with ONE connection: the staging tables are that session's.
 */
export async function runImport(database: OrderServiceDb, importId: number, hooks: ImportHooks = {}): Promise<ImportStatus> {
  const { db } = database;
  const job = await importJob(db, importId);
  if (!job) throw new Error(`import ${importId} does not exist`);
  if (job.status !== "pending" && job.status !== "running" && job.status !== "cancelling") return job.status;
  const options = JSON.parse(job.options) as ImportOptions;
  // Between chunks: an operator's cancellation, or the service draining (the import stays
  // running, unclaimed, and resumes elsewhere after the last committed chunk).
  const checkCancel = async () => {
    if ((await importStatus(db, importId)) === "cancelling") throw new Cancelled();
    if (hooks.shouldPause?.()) throw new JobPaused();
  };
  const finish: Finish = async (status, message, code = null, params = {}) => {
    await finishImport(db, importId, status, message, code, params);
    await dropStaging(db);
    return status;
  };
  if (job.status === "cancelling") return finish("cancelled", CANCELLED_BEFORE_START, "CANCELLED_BEFORE_START");
  await markImportRunning(db, importId);

  try {
    let mark = performance.now();
    // 1. Parse, validate rows, stage (from scratch on a resume: the file is still stored).
    await createStaging(db);
    await deleteImportErrors(db, importId);
    // The first row of each order: rows are walked order by order in the file's order.
    const firstRows = new FirstRowIndex();
    let pending: ValidatedRow[] = [];
    let parsed = 0;
    let bytes = 0;
    const flush = async (rows: ValidatedRow[]) => {
      await database.transaction(async (trx) => {
        const keyed = rows.map((r) => {
          const rowNumber = r.ok ? r.row.rowNumber : r.rowNumber;
          // An invalid row still rejects its whole order: it is staged under its order_ref too.
          // (A NUL of a refused order_ref is kept as U+FFFD: see `storable`.)
          return { key: storable((r.ok ? r.row.orderRef : r.orderRef) ?? `#${rowNumber}`), rowNumber };
        });
        const firsts = await firstRows.firstRows(trx, keyed);
        const staged: StagedRow[] = [];
        const errors: NewImportError[] = [];
        rows.forEach((r, i) => {
          const { key, rowNumber } = keyed[i]!;
          const first_row = firsts[i]!;
          if (r.ok) {
            const o = r.row;
            staged.push({
              first_row,
              row_number: rowNumber,
              order_key: key,
              valid: 1,
              customer_email: o.customerEmail,
              customer_name: o.customerName,
              product_name: o.productName,
              quantity: o.quantity,
              unit_price: o.unitPrice,
              currency: o.currency,
              payment_method: o.paymentMethod,
              payment_status: o.paymentStatus,
            });
          } else {
            staged.push({ first_row, row_number: rowNumber, order_key: key, ...INVALID_ROW });
            for (const e of r.errors) errors.push({ rowNumber: e.rowNumber, column: e.column, value: e.value, reason: e.reason, orderKey: key, code: e.code, params: paramsJson(e.params) });
          }
        });
        await stageRows(trx, staged);
        await insertImportErrors(trx, importId, errors);
        await setImportProgress(trx, importId, "parsing", parsed, bytes);
        if (firstRows.full) await firstRows.spill(trx);
      });
      if (firstRows.full) firstRows.spilled();
    };
    let summary;
    try {
      summary = await readCsvFile(
        openUploadFile(db, job.uploadPath),
        (row) => {
          pending.push(row);
          parsed += 1;
        },
        {
          // After each chunk of the file (1 MB) its rows are staged; reading waits for that.
          onProgress: async (n) => {
            bytes = n;
            if (pending.length < STAGE_BATCH) return;
            const rows = pending;
            pending = [];
            await flush(rows);
            await checkCancel();
          },
        },
      );
    } catch (err) {
      const refused = fileRefusal(err);
      if (!refused) throw err;
      // The file is refused whole: the errors of the rows staged before the refusal would only
      // bury its one reason.
      await deleteImportErrors(db, importId);
      return finish("failed", refused.message, refused.code, refused.params);
    }
    await flush(pending);
    pending = [];
    await firstRows.clear(db);
    await setImportParsed(db, importId, {
      totalRows: summary.dataRows,
      encoding: summary.encoding,
      unknownColumns: summary.unknownColumns.length ? JSON.stringify(summary.unknownColumns) : null,
      bytesRead: job.fileSize,
    });
    trace("parse+stage", mark);
    mark = performance.now();

    // 2 and 3. Group, validate whole orders, write.
    const walk = (write: boolean) => walkOrders(database, job, options, write, checkCancel, hooks);
    if (options.atomic || options.dryRun) {
      const result = await walk(false);
      if (options.dryRun) return finishCounts(database, importId, result, true, finish);
      if (result.failedOrders > 0) {
        await finishCounts(database, importId, result, true, async () => "failed");
        return finish(
          "failed",
          `Atomic import refused: ${result.failedOrders} order(s) have errors, so nothing was written. Fix the rows in the error report and import again.`,
          "ATOMIC_REFUSED",
          { failedOrders: result.failedOrders },
        );
      }
      await deleteImportErrors(db, importId);
    }
    const result = await walk(true);
    trace("group+write", mark);
    return finishCounts(database, importId, result, false, finish);
  } catch (err) {
    if (err instanceof Cancelled) {
      // success_count grew chunk by chunk with the rows of the orders written; failures are the rows reported so far.
      await countFailedRows(db, importId);
      return finish("cancelled", "Cancelled by an operator; the orders written before the cancellation remain (undo the batch to cancel them).", "CANCELLED_BY_OPERATOR");
    }
    await dropStaging(db).catch(() => undefined);
    throw err;
  }
}

// In the staging table's column order (insertMany takes every row's columns in one order).
const INVALID_ROW = {
  valid: 0,
  customer_email: null,
  customer_name: null,
  product_name: null,
  quantity: null,
  unit_price: null,
  currency: null,
  payment_method: null,
  payment_status: null,
} as const;

interface WalkResult {
  failedOrders: number;
  validOrders: number;
  validRows: number;
}

/** Final counts: rows of valid orders succeed, the rest fail; orders_created was counted chunk by chunk. */
async function finishCounts(database: OrderServiceDb, importId: number, result: WalkResult, dryRun: boolean, finish: Finish): Promise<ImportStatus> {
  const total = await importTotalRows(database.db, importId);
  await setImportCounts(database.db, importId, { success: result.validRows, failure: total - result.validRows, validOrders: result.validOrders });
  return finish(total - result.validRows > 0 ? "completed_with_errors" : "completed", dryRun ? "Dry run: nothing was written." : null, dryRun ? "DRY_RUN" : null);
}

const WALK_PAGE = 20_000;

async function walkOrders(database: OrderServiceDb, job: ImportJob, options: ImportOptions, write: boolean, checkCancel: () => Promise<void>, hooks: ImportHooks): Promise<WalkResult> {
  // Paged, each page in a (write) transaction of its own: the staging table belongs to the job's
  // connection, which is the one that writes on SQLite; the chunks commit between pages.
  const writer = write ? chunkWriter(database, job, options, hooks) : null;
  const result: WalkResult = { failedOrders: 0, validOrders: 0, validRows: 0 };
  let done = 0;
  let group: GroupRow[] = [];
  let key: string | null = null;
  // An order past MAX_ITEMS rows: rejected whole, its rows counted and reported a page at a time,
  // never collected (a hostile file may hold one order of a million rows).
  let oversized: { ref: string | null; firstRow: number; items: number; pending: number[] } | null = null;
  // Errors of invalid orders, written a batch at a time.
  let errors: NewImportError[] = [];
  const recordErrors = (found: GroupError[], orderKey: string) => {
    for (const e of found) errors.push({ rowNumber: e.rowNumber, column: e.column, value: e.value, reason: e.reason, orderKey, code: e.code, params: paramsJson(e.params) });
  };
  const writeErrors = async () => {
    if (errors.length === 0) return;
    const batch = errors;
    errors = [];
    await database.transaction((trx) => insertImportErrors(trx, job.id, batch));
  };
  const reportOversized = () => {
    const o = oversized!;
    recordErrors(tooManyItemsErrors(o.ref, o.firstRow, o.pending, o.items), key!);
    o.pending = [];
  };
  const close = async () => {
    if (key === null) return;
    const ref = key.startsWith("#") ? null : key;
    if (oversized) {
      reportOversized();
      done += oversized.items;
      result.failedOrders += 1;
      oversized = null;
      return;
    }
    const outcome = validateGroup(key, ref, group, options);
    done += group.length;
    if (!outcome.ok) {
      result.failedOrders += 1;
      if (outcome.errors.length) recordErrors(outcome.errors, key);
    } else {
      result.validOrders += 1;
      result.validRows += group.length;
      if (writer && (await writer.add(outcome.order, done))) await checkCancel();
    }
  };
  let after: [number, number] = [0, 0];
  for (;;) {
    const rows = await database.transaction((trx) => stagedPage(trx, after, WALK_PAGE));
    for (const r of rows) {
      after = [r.first_row, r.row_number];
      if (r.order_key !== key) {
        await close();
        key = r.order_key;
        group = [];
      }
      if (oversized) {
        oversized.pending.push(r.row_number);
        if (oversized.pending.length >= WALK_PAGE) reportOversized();
        continue;
      }
      group.push({
        rowNumber: r.row_number,
        data: r.valid
          ? {
              valid: true,
              customerEmail: r.customer_email!,
              customerName: r.customer_name!,
              productName: r.product_name!,
              quantity: Number(r.quantity),
              unitPrice: Number(r.unit_price),
              currency: r.currency!,
              paymentMethod: r.payment_method,
              paymentStatus: (r.payment_status as "completed" | "pending" | null) ?? "completed",
            }
          : { valid: false },
      });
      if (group.length > MAX_ITEMS) {
        const firstRow = r.first_row;
        const items = await database.transaction((trx) => stagedRowCount(trx, firstRow));
        oversized = { ref: key!.startsWith("#") ? null : key, firstRow: group[0]!.rowNumber, items, pending: group.map((g) => g.rowNumber) };
        group = [];
      }
    }
    await writeErrors();
    if (rows.length < WALK_PAGE) break;
  }
  await close();
  await writeErrors();
  await writer?.flush(done);
  await setImportWalked(database.db, job.id, done, !write);
  return result;
}

/** Buffers valid orders and writes them CHUNK_ORDERS at a time, each chunk in one transaction. */
function chunkWriter(database: OrderServiceDb, job: ImportJob, options: ImportOptions, hooks: ImportHooks) {
  let buffer: ValidOrderGroup[] = [];
  const commit = (chunk: ValidOrderGroup[], rowsDone: number) =>
    database.transaction(async (trx) => {
      const at = new Date();
      // Orders an earlier start of this import wrote (a resume) are left out, and nothing more is done for them.
      const written = await existingOrderKeys(
        trx,
        job.batchId,
        chunk.map((o) => o.orderKey),
      );
      const orders = written.size ? chunk.filter((o) => !written.has(o.orderKey)) : chunk;
      const ids = await insertImportedOrders(
        trx,
        job.batchId,
        job.filename,
        at,
        orders.map((o) => ({
          customerEmail: o.customerEmail,
          customerName: o.customerName,
          customerNameKey: nameKey(o.customerName),
          totalAmount: o.totalAmount,
          currency: o.currency,
          rowNumber: o.firstRow,
          orderKey: o.orderKey,
          items: o.items,
        })),
      );
      const payments: ImportPaymentsData["payments"] = [];
      const snapshots: ImportConfirmationsData["orders"] = [];
      let rows = 0;
      orders.forEach((o, i) => {
        const id = ids[i]!;
        rows += o.rowCount;
        if (o.payment) payments.push({ orderId: id, amount: o.totalAmount, currency: o.currency, paymentMethod: o.payment.method, status: o.payment.status });
        snapshots.push({
          id,
          customerName: o.customerName,
          customerEmail: o.customerEmail,
          status: "PENDING",
          totalAmount: o.totalAmount,
          currency: o.currency,
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
          cancelReason: null,
          items: o.items.map((item) => ({ ...item, subtotal: item.quantity * item.unitPrice })),
        });
      });
      const events: OutgoingEvent[] = [];
      if (payments.length) events.push({ event: newEvent("order", IMPORT_PAYMENTS, { batchId: job.batchId, importId: job.id, payments }), destinations: ["payment"] });
      if (snapshots.length) {
        events.push({
          event: newEvent("order", IMPORT_CONFIRMATIONS, { batchId: job.batchId, importId: job.id, sendConfirmations: options.sendConfirmations, orders: snapshots }),
          destinations: ["notification"],
        });
      }
      await enqueueEvents(trx, events);
      await countImportChunk(trx, job.id, { orders: snapshots.length, rows, rowsDone, bytesRead: job.fileSize, at });
      return snapshots.length;
    });
  return {
    /** Adds a valid order; true when a chunk was committed. */
    async add(order: ValidOrderGroup, rowsDone: number): Promise<boolean> {
      buffer.push(order);
      if (buffer.length < CHUNK_ORDERS) return false;
      await this.flush(rowsDone);
      return true;
    },
    async flush(rowsDone: number) {
      const orders = buffer;
      buffer = [];
      const written = await commit(orders, rowsDone);
      if (written > 0) hooks.onChunk?.();
    },
  };
}
