/**
 * The import pipeline, on its own better-sqlite3 connection (it runs in a worker thread):
 *  1. parse: stream the file, validate each row, stage every row on disk (rows of one order_ref
 *     may be anywhere in the file) and record row errors; a file beyond the CSV limits or not in
 *     one encoding is refused whole, at the row where it goes wrong;
 *  2. group: walk the staged rows order by order (in file order), validate each order as a whole
 *     (an order past MAX_ITEMS rows is counted, not collected);
 *  3. write (unless dry run, or atomic with errors): orders and items in chunks, each chunk in one
 *     transaction with its progress and its batched events (payments, confirmations), so a crash
 *     resumes without losing or duplicating an order (UNIQUE(batch_id, order_key)).
 * Prisma is not used here: this is the bulk path, at the database's speed.
 */
import type Database from "better-sqlite3";
import { EVENT_ORDERS, IMPORT_CONFIRMATIONS, IMPORT_PAYMENTS, type ImportConfirmationsData, type ImportPaymentsData } from "@ops/contracts";
import { enqueueEventSync, newEvent, sqlDate } from "@ops/service-kit/lite";
import { nameKey } from "../domain/nameKey.js";
import { readCsvFile, type ValidatedRow } from "./csv/index.js";
import { fileRefusal } from "./fileRefusal.js";
import { FirstRowIndex } from "./firstRowIndex.js";
import { paramsJson } from "./importErrorCodes.js";
import { CANCELLED_BEFORE_START, type ImportMessageCode, type ImportOptions, type ImportStatus } from "./importTypes.js";
import { MAX_ITEMS, tooManyItemsErrors, validateGroup, type GroupError, type GroupRow, type ValidOrderGroup } from "./validateGroup.js";

const STAGE_BATCH = 10_000;
// IMPORT_TRACE=1 prints how long each phase took (profiling the bulk path).
const trace = process.env.IMPORT_TRACE ? (label: string, since: number) => process.stderr.write(`import ${label}: ${(performance.now() - since).toFixed(0)} ms\n`) : () => {};
/** Orders per chunk: each chunk's events name them all, and receivers refuse more than EVENT_ORDERS. */
const CHUNK_ORDERS = EVENT_ORDERS;
const ORDERS_PER_INSERT = 200;

export interface ImportHooks {
  /** A chunk committed events: the service thread delivers them now. */
  onChunk?: () => void;
}

interface ImportRow {
  id: number;
  batch_id: string;
  filename: string;
  upload_path: string;
  options: string;
  status: ImportStatus;
  file_size: number;
}

class Cancelled extends Error {}

/** Staged rows live in a temporary table on disk: nothing to clean up or resume (a rerun restages). */
const STAGING = `CREATE TEMP TABLE IF NOT EXISTS staging (
  first_row INTEGER NOT NULL, row_number INTEGER NOT NULL, order_key TEXT NOT NULL, valid INTEGER NOT NULL,
  customer_email TEXT, customer_name TEXT, product_name TEXT, quantity INTEGER, unit_price INTEGER,
  currency TEXT, payment_method TEXT, payment_status TEXT,
  PRIMARY KEY (first_row, row_number)) WITHOUT ROWID`;

/** A staged row as the table's columns, in order. */
type StagedRecord = [
  firstRow: number,
  rowNumber: number,
  orderKey: string,
  valid: number,
  customerEmail: string | null,
  customerName: string | null,
  productName: string | null,
  quantity: number | null,
  unitPrice: number | null,
  currency: string | null,
  paymentMethod: string | null,
  paymentStatus: "completed" | "pending" | null,
];

export async function runImport(db: Database.Database, importId: number, hooks: ImportHooks = {}): Promise<ImportStatus> {
  const job = db.prepare("SELECT id, batch_id, filename, upload_path, options, status, file_size FROM import_history WHERE id = ?").get(importId) as ImportRow | undefined;
  if (!job) throw new Error(`import ${importId} does not exist`);
  if (job.status !== "pending" && job.status !== "running" && job.status !== "cancelling") return job.status;
  const options = JSON.parse(job.options) as ImportOptions;
  const now = () => sqlDate(new Date());
  const setProgress = db.prepare("UPDATE import_history SET phase = ?, rows_done = ?, bytes_read = ?, updated_at = ? WHERE id = ?");
  const checkCancel = () => {
    const { status } = db.prepare("SELECT status FROM import_history WHERE id = ?").get(importId) as { status: ImportStatus };
    if (status === "cancelling") throw new Cancelled();
  };
  const finish = (status: ImportStatus, message: string | null, code: ImportMessageCode | null = null, params: Record<string, unknown> = {}) => {
    db.prepare("UPDATE import_history SET status = ?, message = ?, message_code = ?, message_params = ?, phase = NULL, finished_at = ?, updated_at = ? WHERE id = ?").run(
      status,
      message,
      code,
      code ? JSON.stringify(params) : null,
      now(),
      now(),
      importId,
    );
    db.exec("DROP TABLE IF EXISTS temp.staging");
    db.exec("DROP TABLE IF EXISTS temp.first_rows");
    return status;
  };
  if (job.status === "cancelling") return finish("cancelled", CANCELLED_BEFORE_START, "CANCELLED_BEFORE_START");
  db.prepare("UPDATE import_history SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?").run(now(), now(), importId);

  try {
    let mark = performance.now();
    // 1. Parse, validate rows, stage (from scratch on a resume: the file is still on disk).
    db.exec("DROP TABLE IF EXISTS temp.staging");
    db.exec(STAGING);
    db.prepare("DELETE FROM import_errors WHERE import_id = ?").run(importId);
    const stage = db.prepare("INSERT INTO temp.staging VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    const insertError = db.prepare("INSERT INTO import_errors (import_id, row_number, column, value, reason, order_key, code, params) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    // The first row of each order: rows are walked order by order in the file's order.
    const firstRows = new FirstRowIndex(db);
    let pending: ValidatedRow[] = [];
    let parsed = 0;
    let bytes = 0;
    const flush = db.transaction((rows: ValidatedRow[]) => {
      for (const r of rows) {
        const rowNumber = r.ok ? r.row.rowNumber : r.rowNumber;
        // An invalid row still rejects its whole order: it is staged under its order_ref too.
        const key = (r.ok ? r.row.orderRef : r.orderRef) ?? `#${rowNumber}`;
        const first = firstRows.firstRow(key, rowNumber);
        if (r.ok) {
          const o = r.row;
          stage.run(first, rowNumber, key, 1, o.customerEmail, o.customerName, o.productName, o.quantity, o.unitPrice, o.currency, o.paymentMethod, o.paymentStatus);
        } else {
          stage.run(first, rowNumber, key, 0, null, null, null, null, null, null, null, null);
          for (const e of r.errors) insertError.run(importId, e.rowNumber, e.column, e.value, e.reason, key, e.code, paramsJson(e.params));
        }
      }
      setProgress.run("parsing", parsed, bytes, now(), importId);
    });
    let summary;
    try {
      summary = await readCsvFile(
        job.upload_path,
        (row) => {
          pending.push(row);
          parsed += 1;
          if (pending.length >= STAGE_BATCH) {
            flush(pending);
            pending = [];
            checkCancel();
          }
        },
        {
          onProgress: (n) => {
            bytes = n;
          },
        },
      );
    } catch (err) {
      const refused = fileRefusal(err);
      if (!refused) throw err;
      // The file is refused whole: the errors of the rows staged before the refusal would only
      // bury its one reason.
      db.prepare("DELETE FROM import_errors WHERE import_id = ?").run(importId);
      return finish("failed", refused.message, refused.code, refused.params);
    }
    flush(pending);
    pending = [];
    firstRows.clear();
    db.prepare("UPDATE import_history SET total_rows = ?, encoding = ?, unknown_columns = ?, bytes_read = ?, updated_at = ? WHERE id = ?").run(
      summary.dataRows,
      summary.encoding,
      summary.unknownColumns.length ? JSON.stringify(summary.unknownColumns) : null,
      job.file_size,
      now(),
      importId,
    );
    trace("parse+stage", mark);
    mark = performance.now();

    // 2 and 3. Group, validate whole orders, write.
    const walk = (write: boolean) => walkOrders(db, job, options, write, insertError, setProgress, checkCancel, hooks);
    if (options.atomic || options.dryRun) {
      const result = walk(false);
      if (options.dryRun) return finishCounts(db, importId, result, true, finish);
      if (result.failedOrders > 0) {
        finishCounts(db, importId, result, true, () => "failed");
        return finish(
          "failed",
          `Atomic import refused: ${result.failedOrders} order(s) have errors, so nothing was written. Fix the rows in the error report and import again.`,
          "ATOMIC_REFUSED",
          { failedOrders: result.failedOrders },
        );
      }
      db.prepare("DELETE FROM import_errors WHERE import_id = ?").run(importId);
    }
    const result = walk(true);
    trace("group+write", mark);
    return finishCounts(db, importId, result, false, finish);
  } catch (err) {
    if (err instanceof Cancelled) {
      // success_count grew chunk by chunk with the rows of the orders written; failures are the rows reported so far.
      db.prepare("UPDATE import_history SET failure_count = (SELECT COUNT(DISTINCT row_number) FROM import_errors WHERE import_id = ?) WHERE id = ?").run(importId, importId);
      return finish("cancelled", "Cancelled by an operator; the orders written before the cancellation remain (undo the batch to cancel them).", "CANCELLED_BY_OPERATOR");
    }
    throw err;
  }
}

interface WalkResult {
  failedOrders: number;
  validOrders: number;
  validRows: number;
}

/** Final counts: rows of valid orders succeed, the rest fail; orders_created was counted chunk by chunk. */
function finishCounts(db: Database.Database, importId: number, result: WalkResult, dryRun: boolean, finish: (s: ImportStatus, m: string | null, code?: ImportMessageCode | null) => ImportStatus): ImportStatus {
  const { total } = db.prepare("SELECT total_rows AS total FROM import_history WHERE id = ?").get(importId) as { total: number };
  db.prepare("UPDATE import_history SET success_count = ?, failure_count = ?, valid_orders = ? WHERE id = ?").run(result.validRows, total - result.validRows, result.validOrders, importId);
  return finish(total - result.validRows > 0 ? "completed_with_errors" : "completed", dryRun ? "Dry run: nothing was written." : null, dryRun ? "DRY_RUN" : null);
}

const WALK_PAGE = 20_000;

function walkOrders(
  db: Database.Database,
  job: ImportRow,
  options: ImportOptions,
  write: boolean,
  insertError: Database.Statement,
  setProgress: Database.Statement,
  checkCancel: () => void,
  hooks: ImportHooks,
): WalkResult {
  // Paged, not iterated: the same connection writes between pages (a temp table is per connection).
  // Rows as arrays (raw mode): building an object per staged row costs more than reading it.
  const page = db.prepare("SELECT * FROM temp.staging WHERE (first_row, row_number) > (?, ?) ORDER BY first_row, row_number LIMIT ?").raw(true);
  const writer = write ? chunkWriter(db, job, options, setProgress, hooks) : null;
  const result: WalkResult = { failedOrders: 0, validOrders: 0, validRows: 0 };
  let done = 0;
  let group: GroupRow[] = [];
  let key: string | null = null;
  // An order past MAX_ITEMS rows: rejected whole, its rows counted and reported a page at a time,
  // never collected (a hostile file may hold one order of a million rows).
  let oversized: { ref: string | null; firstRow: number; items: number; pending: number[] } | null = null;
  const countRows = db.prepare("SELECT COUNT(*) FROM temp.staging WHERE first_row = ?").pluck();
  const recordErrors = db.transaction((errors: GroupError[], orderKey: string) => {
    for (const e of errors) insertError.run(job.id, e.rowNumber, e.column, e.value, e.reason, orderKey, e.code, paramsJson(e.params));
  });
  const reportOversized = () => {
    const o = oversized!;
    recordErrors(tooManyItemsErrors(o.ref, o.firstRow, o.pending, o.items), key!);
    o.pending = [];
  };
  const close = () => {
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
      if (writer && writer.add(outcome.order, done)) checkCancel();
    }
  };
  let after: [number, number] = [0, 0];
  for (;;) {
    const rows = page.all(after[0], after[1], WALK_PAGE) as StagedRecord[];
    for (const [firstRow, rowNumber, orderKey, valid, email, name, product, quantity, unitPrice, currency, method, status] of rows) {
      after = [firstRow, rowNumber];
      if (orderKey !== key) {
        close();
        key = orderKey;
        group = [];
      }
      if (oversized) {
        oversized.pending.push(rowNumber);
        if (oversized.pending.length >= WALK_PAGE) reportOversized();
        continue;
      }
      group.push({
        rowNumber,
        data: valid
          ? {
              valid: true,
              customerEmail: email!,
              customerName: name!,
              productName: product!,
              quantity: quantity!,
              unitPrice: unitPrice!,
              currency: currency!,
              paymentMethod: method,
              paymentStatus: status ?? "completed",
            }
          : { valid: false },
      });
      if (group.length > MAX_ITEMS) {
        oversized = { ref: key.startsWith("#") ? null : key, firstRow: group[0]!.rowNumber, items: countRows.get(firstRow) as number, pending: group.map((r) => r.rowNumber) };
        group = [];
      }
    }
    if (rows.length < WALK_PAGE) break;
  }
  close();
  writer?.flush(done);
  db.prepare(`UPDATE import_history SET ${write ? "" : "phase = 'validated', "}rows_done = ? WHERE id = ?`).run(done, job.id);
  return result;
}

/** Buffers valid orders and writes them CHUNK_ORDERS at a time, each chunk in one transaction. */
function chunkWriter(db: Database.Database, job: ImportRow, options: ImportOptions, setProgress: Database.Statement, hooks: ImportHooks) {
  // Orders go in ORDERS_PER_INSERT at a time: SQLite does a statement's fixed work — above all
  // the statement journal the figure and name-search triggers require — once per statement, and
  // row by row that cost more than the inserts themselves (33,000 orders: 3.8 s, against 0.6 s).
  const orderSql = (rows: number) =>
    db.prepare(
      `INSERT INTO orders (customer_email, customer_name, status, total_amount, currency, created_at, updated_at, customer_name_key, batch_id, csv_source, import_row_number, order_key)
       VALUES ${Array(rows).fill("(?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")} ON CONFLICT (batch_id, order_key) DO NOTHING RETURNING id, order_key`,
    );
  const insertOrders = orderSql(ORDERS_PER_INSERT);
  const insertOrder = orderSql(1);
  const insertItem = db.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, ?, ?, ?)");
  const bumpCreated = db.prepare("UPDATE import_history SET orders_created = orders_created + ?, success_count = success_count + ? WHERE id = ?");
  let buffer: ValidOrderGroup[] = [];
  const commit = db.transaction((orders: ValidOrderGroup[], rowsDone: number) => {
    const at = new Date();
    const stamp = sqlDate(at);
    const payments: ImportPaymentsData["payments"] = [];
    const snapshots: ImportConfirmationsData["orders"] = [];
    let rows = 0;
    const values = (o: ValidOrderGroup) => [o.customerEmail, o.customerName, o.totalAmount, o.currency, stamp, stamp, nameKey(o.customerName), job.batch_id, job.filename, o.firstRow, o.orderKey];
    // The ids of the orders written now, by order key; an order an earlier run of this import
    // wrote (a resume) is not returned, and nothing more is done for it.
    const ids = new Map<string, number>();
    let start = 0;
    for (; start + ORDERS_PER_INSERT <= orders.length; start += ORDERS_PER_INSERT) {
      for (const r of insertOrders.all(...orders.slice(start, start + ORDERS_PER_INSERT).flatMap(values)) as { id: number; order_key: string }[]) ids.set(r.order_key, r.id);
    }
    for (const o of orders.slice(start)) for (const r of insertOrder.all(...values(o)) as { id: number; order_key: string }[]) ids.set(r.order_key, r.id);
    for (const o of orders) {
      const id = ids.get(o.orderKey);
      if (id === undefined) continue;
      const created = { id };
      rows += o.rowCount;
      for (const i of o.items) insertItem.run(created.id, i.productName, i.quantity, i.unitPrice);
      if (o.payment) payments.push({ orderId: created.id, amount: o.totalAmount, currency: o.currency, paymentMethod: o.payment.method, status: o.payment.status });
      snapshots.push({
        id: created.id,
        customerName: o.customerName,
        customerEmail: o.customerEmail,
        status: "PENDING",
        totalAmount: o.totalAmount,
        currency: o.currency,
        createdAt: at.toISOString(),
        updatedAt: at.toISOString(),
        cancelReason: null,
        items: o.items.map((i) => ({ ...i, subtotal: i.quantity * i.unitPrice })),
      });
    }
    if (payments.length) enqueueEventSync(db, newEvent("order", IMPORT_PAYMENTS, { batchId: job.batch_id, importId: job.id, payments }), ["payment"]);
    if (snapshots.length) {
      enqueueEventSync(
        db,
        newEvent("order", IMPORT_CONFIRMATIONS, { batchId: job.batch_id, importId: job.id, sendConfirmations: options.sendConfirmations, orders: snapshots }),
        ["notification"],
      );
    }
    bumpCreated.run(snapshots.length, rows, job.id);
    setProgress.run("writing", rowsDone, job.file_size, stamp, job.id);
    return snapshots.length;
  });
  return {
    /** Adds a valid order; true when a chunk was committed. */
    add(order: ValidOrderGroup, rowsDone: number): boolean {
      buffer.push(order);
      if (buffer.length < CHUNK_ORDERS) return false;
      this.flush(rowsDone);
      return true;
    },
    flush(rowsDone: number) {
      const orders = buffer;
      buffer = [];
      const written = commit(orders, rowsDone);
      if (written > 0) hooks.onChunk?.();
    },
  };
}
