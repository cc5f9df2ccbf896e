/**
 * The import pipeline, on its own better-sqlite3 connection (it runs in a worker thread):
 *  1. parse: stream the file, validate each row, stage every row on disk (rows of one order_ref
 *     may be anywhere in the file) and record row errors;
 *  2. group: walk the staged rows order by order (in file order), validate each order as a whole;
 *  3. write (unless dry run, or atomic with errors): orders and items in chunks, each chunk in one
 *     transaction with its progress and its batched events (payments, confirmations), so a crash
 *     resumes without losing or duplicating an order (UNIQUE(batch_id, order_key)).
 * Prisma is not used here: this is the bulk path, at the database's speed.
 */
import Database from "better-sqlite3";
import { enqueueEventSync, newEvent, sqlDate } from "@ops/service-kit";
import { nameKey } from "../domain/nameKey.js";
import { CsvEncodingError, CsvFormatError, MissingColumnsError, readCsvFile, type ValidatedRow } from "./csv/index.js";
import type { ImportConfirmationsData, ImportOptions, ImportPaymentsData, ImportStatus, StagedRow } from "./importTypes.js";
import { validateGroup, type GroupError, type GroupRow, type ValidOrderGroup } from "./validateGroup.js";

const STAGE_BATCH = 10_000;
const CHUNK_ORDERS = 2_000;

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
  const finish = (status: ImportStatus, message: string | null) => {
    db.prepare("UPDATE import_history SET status = ?, message = ?, phase = NULL, finished_at = ?, updated_at = ? WHERE id = ?").run(status, message, now(), now(), importId);
    db.prepare("DELETE FROM import_staging WHERE import_id = ?").run(importId);
    return status;
  };
  if (job.status === "cancelling") return finish("cancelled", "Cancelled before it started.");
  db.prepare("UPDATE import_history SET status = 'running', started_at = COALESCE(started_at, ?), updated_at = ? WHERE id = ?").run(now(), now(), importId);

  try {
    // 1. Parse and stage (from scratch on a resume: the file is still on disk).
    db.prepare("DELETE FROM import_staging WHERE import_id = ?").run(importId);
    db.prepare("DELETE FROM import_errors WHERE import_id = ?").run(importId);
    const stage = db.prepare("INSERT INTO import_staging (import_id, row_number, order_key, data) VALUES (?, ?, ?, ?)");
    const insertError = db.prepare("INSERT INTO import_errors (import_id, row_number, column, value, reason, order_key) VALUES (?, ?, ?, ?, ?, ?)");
    let pending: { result: ValidatedRow; orderRef: string | null }[] = [];
    let refColumn = -1;
    let parsed = 0;
    let bytes = 0;
    const flush = db.transaction((rows: { result: ValidatedRow; orderRef: string | null }[]) => {
      for (const { result: r, orderRef: rawRef } of rows) {
        if (r.ok) {
          const { rowNumber, orderRef, ...fields } = r.row;
          stage.run(importId, rowNumber, orderRef ?? `#${rowNumber}`, JSON.stringify({ valid: true, ...fields } satisfies StagedRow));
        } else {
          // An invalid row still rejects its whole order: find the order by the raw order_ref.
          const key = rawRef ?? `#${r.rowNumber}`;
          stage.run(importId, r.rowNumber, key, JSON.stringify({ valid: false } satisfies StagedRow));
          for (const e of r.errors) insertError.run(importId, e.rowNumber, e.column, e.value, e.reason, key);
        }
      }
      setProgress.run("parsing", parsed, bytes, now(), importId);
    });
    let summary;
    try {
      summary = await readCsvFile(
        job.upload_path,
        (row, fields) => {
          const ref = refColumn >= 0 ? fields[refColumn]?.trim() : undefined;
          pending.push({ result: row, orderRef: row.ok ? null : ref ? ref : null });
          parsed += 1;
          if (pending.length >= STAGE_BATCH) {
            flush(pending);
            pending = [];
            checkCancel();
          }
        },
        {
          onHeader: (header) => {
            refColumn = header.columns.order_ref;
          },
          onProgress: (n) => {
            bytes = n;
          },
        },
      );
    } catch (err) {
      if (err instanceof MissingColumnsError || err instanceof CsvFormatError || err instanceof CsvEncodingError) return finish("failed", err.message);
      throw err;
    }
    flush(pending);
    pending = [];
    db.prepare("UPDATE import_history SET total_rows = ?, encoding = ?, unknown_columns = ?, bytes_read = ?, updated_at = ? WHERE id = ?").run(
      summary.dataRows,
      summary.encoding,
      summary.unknownColumns.length ? JSON.stringify(summary.unknownColumns) : null,
      job.file_size,
      now(),
      importId,
    );

    // 2 and 3. Group, validate whole orders, write.
    const walk = (write: boolean) => walkOrders(db, job, options, write, insertError, setProgress, checkCancel, hooks);
    if (options.atomic || options.dryRun) {
      const { failed } = walk(false);
      if (options.dryRun) return finishCounts(db, importId, job.batch_id, true, finish);
      if (failed > 0) {
        finishCounts(db, importId, job.batch_id, true, () => "failed");
        return finish("failed", `Atomic import refused: ${failed} order(s) have errors, so nothing was written. Fix the rows in the error report and import again.`);
      }
      db.prepare("DELETE FROM import_errors WHERE import_id = ?").run(importId);
    }
    walk(true);
    return finishCounts(db, importId, job.batch_id, false, finish);
  } catch (err) {
    if (err instanceof Cancelled) {
      finishCounts(db, importId, job.batch_id, false, () => "cancelled");
      return finish("cancelled", "Cancelled by an operator; the orders written before the cancellation remain (undo the batch to cancel them).");
    }
    throw err;
  }
}

/** Final exact counts from the database (whatever crashes or resumes happened before). */
function finishCounts(db: Database.Database, importId: number, batchId: string, dryRun: boolean, finish: (s: ImportStatus, m: string | null) => ImportStatus): ImportStatus {
  const { total } = db.prepare("SELECT total_rows AS total FROM import_history WHERE id = ?").get(importId) as { total: number };
  let success: number;
  let orders: number;
  if (dryRun) {
    ({ success, orders } = db.prepare("SELECT success_count AS success, valid_orders AS orders FROM import_history WHERE id = ?").get(importId) as { success: number; orders: number });
  } else {
    const counts = db
      .prepare(
        `SELECT COUNT(*) AS rows, COUNT(DISTINCT s.order_key) AS orders FROM import_staging s
         JOIN orders o ON o.batch_id = ? AND o.order_key = s.order_key WHERE s.import_id = ?`,
      )
      .get(batchId, importId) as { rows: number; orders: number };
    success = counts.rows;
    orders = counts.orders;
  }
  db.prepare(`UPDATE import_history SET success_count = ?, failure_count = ?, ${dryRun ? "valid_orders" : "orders_created"} = ? WHERE id = ?`).run(success, total - success, orders, importId);
  return finish(total - success > 0 ? "completed_with_errors" : "completed", dryRun ? "Dry run: nothing was written." : null);
}

function walkOrders(
  db: Database.Database,
  job: ImportRow,
  options: ImportOptions,
  write: boolean,
  insertError: Database.Statement,
  setProgress: Database.Statement,
  checkCancel: () => void,
  hooks: ImportHooks,
): { failed: number } {
  // A second connection walks the staged rows while the first writes (WAL: readers never block).
  const walker = new Database(db.name, { readonly: true });
  const rows = walker
    .prepare(
      `SELECT s.order_key AS key, s.row_number AS rowNumber, s.data AS data FROM import_staging s
       JOIN (SELECT order_key, MIN(row_number) AS first FROM import_staging WHERE import_id = ? GROUP BY order_key) f ON f.order_key = s.order_key
       WHERE s.import_id = ? ORDER BY f.first, s.row_number`,
    )
    .iterate(job.id, job.id) as IterableIterator<{ key: string; rowNumber: number; data: string }>;
  const writer = write ? chunkWriter(db, job, options, setProgress, hooks) : null;
  let failed = 0;
  let validOrders = 0;
  let validRows = 0;
  let done = 0;
  let group: GroupRow[] = [];
  let key: string | null = null;
  const recordErrors = db.transaction((errors: GroupError[], orderKey: string) => {
    for (const e of errors) insertError.run(job.id, e.rowNumber, e.column, e.value, e.reason, orderKey);
  });
  const close = () => {
    if (key === null) return;
    const ref = key.startsWith("#") ? null : key;
    const result = validateGroup(key, ref, group, options);
    done += group.length;
    if (!result.ok) {
      failed += 1;
      if (result.errors.length) recordErrors(result.errors, key);
    } else {
      validOrders += 1;
      validRows += group.length;
      if (writer && writer.add(result.order, done)) checkCancel();
    }
  };
  try {
    for (const row of rows) {
      if (row.key !== key) {
        close();
        key = row.key;
        group = [];
      }
      group.push({ rowNumber: row.rowNumber, data: JSON.parse(row.data) as StagedRow });
    }
    close();
  } finally {
    walker.close();
  }
  writer?.flush(done);
  if (!write) {
    db.prepare("UPDATE import_history SET valid_orders = ?, success_count = ?, rows_done = ?, phase = 'validated' WHERE id = ?").run(validOrders, validRows, done, job.id);
  }
  return { failed };
}

/** Buffers valid orders and writes them CHUNK_ORDERS at a time, each chunk in one transaction. */
function chunkWriter(db: Database.Database, job: ImportRow, options: ImportOptions, setProgress: Database.Statement, hooks: ImportHooks) {
  const insertOrder = db.prepare(
    `INSERT INTO orders (customer_email, customer_name, status, total_amount, currency, created_at, updated_at, customer_name_key, batch_id, csv_source, import_row_number, order_key)
     VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (batch_id, order_key) DO NOTHING RETURNING id`,
  );
  const insertItem = db.prepare("INSERT INTO order_items (order_id, product_name, quantity, unit_price) VALUES (?, ?, ?, ?)");
  const bumpCreated = db.prepare("UPDATE import_history SET orders_created = orders_created + ? WHERE id = ?");
  let buffer: ValidOrderGroup[] = [];
  const commit = db.transaction((orders: ValidOrderGroup[], rowsDone: number) => {
    const at = new Date();
    const stamp = sqlDate(at);
    const payments: ImportPaymentsData["payments"] = [];
    const snapshots: ImportConfirmationsData["orders"] = [];
    for (const o of orders) {
      const created = insertOrder.get(o.customerEmail, o.customerName, o.totalAmount, o.currency, stamp, stamp, nameKey(o.customerName), job.batch_id, job.filename, o.firstRow, o.orderKey) as { id: number } | undefined;
      if (!created) continue; // written by an earlier run of this import (a resume): nothing more to do
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
    if (payments.length) enqueueEventSync(db, newEvent<ImportPaymentsData>("order", "import.payments", { batchId: job.batch_id, importId: job.id, payments }), ["payment"]);
    if (snapshots.length) {
      enqueueEventSync(
        db,
        newEvent<ImportConfirmationsData>("order", "import.confirmations", { batchId: job.batch_id, importId: job.id, sendConfirmations: options.sendConfirmations, orders: snapshots }),
        ["notification"],
      );
    }
    bumpCreated.run(snapshots.length, job.id);
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
