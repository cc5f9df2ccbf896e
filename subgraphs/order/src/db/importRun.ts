/**
 * What the import job writes while it runs: its progress and outcome in `import_history`, its row
 * errors, its staged rows and the index of each order's first row (temporary tables of the job's
 * one connection), and each chunk's orders and items. Bulk writes take arrays (`insertMany`:
 * SQLite multi-row INSERT, PostgreSQL unnest/COPY).
 *
 * The temporary tables live on the connection that created them: the worker's ServiceDb has one
 * connection on PostgreSQL, and on SQLite they are only read inside write transactions (the kit's
 * reader connection cannot see them).
 */
import { sql, type Kysely, type Transaction } from "kysely";
import { insertMany } from "@ops/service-kit/data";
import type { ImportMessageCode, ImportStatus } from "../import/importTypes.js";
import { dialectOf, helpersOf, stamp, type OrderConn, type OrderTables } from "./index.js";

/**
 * Text as both databases store it: PostgreSQL refuses NUL in text, so a NUL of a refused cell (an
 * error's value, an order_ref) is kept as U+FFFD — which no accepted file holds (a file with
 * U+FFFD is refused whole), so no two keys become one. The same on SQLite, so reports match.
 */
export function storable<T extends string | null>(text: T): T {
  return (text !== null && text.includes("\0") ? text.replaceAll("\0", "\uFFFD") : text) as T;
}

/** A staged row of the file: every row, valid or not, under its order's key and first row. */
export interface StagedRow {
  first_row: number;
  row_number: number;
  order_key: string;
  /** 1 when the row passed validation (its columns are set), else 0. */
  valid: number;
  customer_email: string | null;
  customer_name: string | null;
  product_name: string | null;
  quantity: number | null;
  unit_price: number | null;
  currency: string | null;
  payment_method: string | null;
  payment_status: string | null;
}

interface StagingTables {
  import_staging: StagedRow;
  import_first_rows: { order_key: string; first_row: number };
}

// The temporary tables are no part of the generated schema: typed here, on the same connection.
const staging = (conn: OrderConn) => conn as unknown as Kysely<StagingTables>;
const stagingTrx = (conn: OrderConn) => conn as unknown as Transaction<StagingTables>;

/** (Re)creates the empty staging table of this connection. */
export async function createStaging(conn: OrderConn): Promise<void> {
  await dropStaging(conn);
  const pg = dialectOf(conn) === "postgres";
  // SQLite: WITHOUT ROWID, the rows are stored in key order; PostgreSQL: no WAL for a temporary table.
  await sql
    .raw(
      `CREATE TEMP TABLE import_staging (
        first_row ${pg ? "bigint" : "INTEGER"} NOT NULL, row_number ${pg ? "bigint" : "INTEGER"} NOT NULL, order_key TEXT NOT NULL, valid INTEGER NOT NULL,
        customer_email TEXT, customer_name TEXT, product_name TEXT, quantity BIGINT, unit_price BIGINT,
        currency TEXT, payment_method TEXT, payment_status TEXT,
        PRIMARY KEY (first_row, row_number))${pg ? "" : " WITHOUT ROWID"}`,
    )
    .execute(conn);
}

/** Drops the staging and first-row tables of this connection, if there are any. */
export async function dropStaging(conn: OrderConn): Promise<void> {
  await sql`DROP TABLE IF EXISTS import_staging`.execute(conn);
  await dropFirstRows(conn);
}

/** Stages `rows` (inside the caller's write transaction); their keys `storable` already. */
export async function stageRows(trx: OrderConn, rows: readonly StagedRow[]): Promise<void> {
  await insertMany(stagingTrx(trx), "import_staging", rows);
}

/** Staged rows after (`firstRow`, `rowNumber`) in walk order: order by order, each in file order. */
export async function stagedPage(trx: OrderConn, after: readonly [number, number], limit: number): Promise<StagedRow[]> {
  const rows = await staging(trx)
    .selectFrom("import_staging")
    .selectAll()
    .where((eb) => eb(eb.refTuple("first_row", "row_number"), ">", eb.tuple(after[0], after[1])))
    .orderBy("first_row")
    .orderBy("row_number")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, first_row: Number(r.first_row), row_number: Number(r.row_number) }));
}

/** How many rows the order starting at `firstRow` has. */
export async function stagedRowCount(trx: OrderConn, firstRow: number): Promise<number> {
  const { n } = await staging(trx)
    .selectFrom("import_staging")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("first_row", "=", firstRow)
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Creates the (empty) on-disk index of first rows. */
export async function createFirstRows(conn: OrderConn): Promise<void> {
  await dropFirstRows(conn);
  await sql.raw(`CREATE TEMP TABLE import_first_rows (order_key TEXT PRIMARY KEY, first_row BIGINT NOT NULL)${dialectOf(conn) === "postgres" ? "" : " WITHOUT ROWID"}`).execute(conn);
}

/** Drops the index of first rows. */
export async function dropFirstRows(conn: OrderConn): Promise<void> {
  await sql`DROP TABLE IF EXISTS import_first_rows`.execute(conn);
}

/** The first rows of those of `keys` already indexed (one statement for any number of keys). */
export async function knownFirstRows(trx: OrderConn, keys: readonly string[]): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const rows = await staging(trx).selectFrom("import_first_rows").select(["order_key", "first_row"]).where(helpersOf(trx).inTexts("order_key", keys)).execute();
  return new Map(rows.map((r) => [r.order_key, Number(r.first_row)]));
}

/** Indexes new keys (none of them indexed yet). */
export async function addFirstRows(trx: OrderConn, rows: readonly { order_key: string; first_row: number }[]): Promise<void> {
  await insertMany(stagingTrx(trx), "import_first_rows", rows);
}

/** The import's job row as the run needs it. */
export interface ImportJob {
  id: number;
  batchId: string;
  filename: string;
  uploadPath: string;
  options: string;
  status: ImportStatus;
  fileSize: number;
}

/** Import `id` as the job reads it, or null. */
export async function importJob(conn: OrderConn, id: number): Promise<ImportJob | null> {
  const r = await conn
    .selectFrom("import_history")
    .select(["id", "batch_id", "filename", "upload_path", "options", "status", "file_size"])
    .where("id", "=", id)
    .executeTakeFirst();
  return r
    ? { id: Number(r.id), batchId: r.batch_id, filename: r.filename, uploadPath: r.upload_path, options: r.options, status: r.status as ImportStatus, fileSize: Number(r.file_size) }
    : null;
}

/** The import's status now (a cancellation is asked for through it). */
export async function importStatus(conn: OrderConn, id: number): Promise<ImportStatus> {
  const r = await conn.selectFrom("import_history").select("status").where("id", "=", id).executeTakeFirstOrThrow();
  return r.status as ImportStatus;
}

/** Marks the import running (its first start keeps its time). */
export async function markImportRunning(conn: OrderConn, id: number): Promise<void> {
  const now = stamp(new Date());
  await conn
    .updateTable("import_history")
    .set((eb) => ({ status: "running", started_at: eb.fn.coalesce("started_at", eb.val(now)), updated_at: now }))
    .where("id", "=", id)
    .execute();
}

/** Progress: the phase, rows done and bytes read. */
export async function setImportProgress(conn: OrderConn, id: number, phase: string, rowsDone: number, bytesRead: number): Promise<void> {
  await conn.updateTable("import_history").set({ phase, rows_done: rowsDone, bytes_read: bytesRead, updated_at: stamp(new Date()) }).where("id", "=", id).execute();
}

/** Rows done at the end of a walk; a walk that only validates leaves the phase VALIDATED. */
export async function setImportWalked(conn: OrderConn, id: number, rowsDone: number, validated: boolean): Promise<void> {
  await conn
    .updateTable("import_history")
    .set({ rows_done: rowsDone, ...(validated ? { phase: "validated" } : {}) })
    .where("id", "=", id)
    .execute();
}

/** What parsing found out about the file. */
export async function setImportParsed(conn: OrderConn, id: number, parsed: { totalRows: number; encoding: string; unknownColumns: string | null; bytesRead: number }): Promise<void> {
  await conn
    .updateTable("import_history")
    .set({ total_rows: parsed.totalRows, encoding: parsed.encoding, unknown_columns: parsed.unknownColumns, bytes_read: parsed.bytesRead, updated_at: stamp(new Date()) })
    .where("id", "=", id)
    .execute();
}

/** Ends the import in `status` with its message (code and params as JSON). */
export async function finishImport(conn: OrderConn, id: number, status: ImportStatus, message: string | null, code: ImportMessageCode | null, params: Record<string, unknown>): Promise<void> {
  const now = stamp(new Date());
  await conn
    .updateTable("import_history")
    .set({ status, message, message_code: code, message_params: code ? JSON.stringify(params) : null, phase: null, finished_at: now, updated_at: now })
    .where("id", "=", id)
    .execute();
}

/** The final counts of a walk. */
export async function setImportCounts(conn: OrderConn, id: number, counts: { success: number; failure: number; validOrders: number }): Promise<void> {
  await conn
    .updateTable("import_history")
    .set({ success_count: counts.success, failure_count: counts.failure, valid_orders: counts.validOrders })
    .where("id", "=", id)
    .execute();
}

/** The file's data rows (known once parsed). */
export async function importTotalRows(conn: OrderConn, id: number): Promise<number> {
  const r = await conn.selectFrom("import_history").select("total_rows").where("id", "=", id).executeTakeFirstOrThrow();
  return Number(r.total_rows);
}

/** A cancelled import's failures: the distinct rows reported so far. */
export async function countFailedRows(conn: OrderConn, id: number): Promise<void> {
  await conn
    .updateTable("import_history")
    .set((eb) => ({
      failure_count: eb.selectFrom("import_errors").select(sql<number>`COUNT(DISTINCT row_number)`.as("n")).where("import_id", "=", id),
    }))
    .where("id", "=", id)
    .execute();
}

/** A row error as the import table stores it. */
export interface NewImportError {
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
  orderKey: string;
  code: string | null;
  params: string | null;
}

/** Records row errors (inside the caller's write transaction). */
export async function insertImportErrors(trx: OrderConn, importId: number, errors: readonly NewImportError[]): Promise<void> {
  await insertMany(
    trx,
    "import_errors",
    errors.map((e) => ({
      import_id: importId,
      row_number: e.rowNumber,
      column: e.column,
      value: storable(e.value),
      reason: storable(e.reason),
      order_key: storable(e.orderKey),
      code: e.code,
      params: e.params,
    })),
  );
}

/** Forgets the import's row errors (a rerun reports them again; a refused file reports only its reason). */
export async function deleteImportErrors(conn: OrderConn, importId: number): Promise<void> {
  await conn.deleteFrom("import_errors").where("import_id", "=", importId).execute();
}

/** Of `keys`, the order keys already written into `batchId` (by an earlier start of the import). */
export async function existingOrderKeys(trx: OrderConn, batchId: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await trx.selectFrom("orders").select("order_key").where("batch_id", "=", batchId).where(helpersOf(trx).inTexts("order_key", keys)).execute();
  return new Set(rows.map((r) => r.order_key!));
}

/** A new imported order (pending) and its items. */
export interface ImportedOrder {
  customerEmail: string;
  customerName: string;
  customerNameKey: string;
  totalAmount: number;
  currency: string;
  rowNumber: number;
  orderKey: string;
  items: readonly { productName: string; quantity: number; unitPrice: number }[];
}

// Orders per multi-row INSERT on SQLite: the figure and name-search triggers' statement journal
// is paid once per statement, so fewer, larger statements (33,000 orders: 0.6 s against 3.8 s row by row).
const SQLITE_ORDERS_PER_INSERT = 200;

/**
 * Writes `orders` of `batchId` and their items (inside the caller's write transaction) and returns
 * their ids in order. The caller left out the keys already written (UNIQUE(batch_id, order_key)
 * stays the backstop: a duplicate fails the chunk instead of writing an order twice).
 */
export async function insertImportedOrders(trx: Transaction<OrderTables>, batchId: string, source: string, at: Date, orders: readonly ImportedOrder[]): Promise<number[]> {
  const now = stamp(at);
  const ids = await insertMany(
    trx,
    "orders",
    orders.map((o) => ({
      customer_email: o.customerEmail,
      customer_name: o.customerName,
      status: "pending" as const,
      total_amount: o.totalAmount,
      currency: o.currency,
      created_at: now,
      updated_at: now,
      customer_name_key: o.customerNameKey,
      batch_id: batchId,
      csv_source: source,
      import_row_number: o.rowNumber,
      order_key: o.orderKey,
    })),
    { returning: ["id"], ...(dialectOf(trx) === "sqlite" ? { chunkSize: SQLITE_ORDERS_PER_INSERT } : {}) },
  );
  const orderIds = ids.map((r) => Number(r.id));
  await insertMany(
    trx,
    "order_items",
    orders.flatMap((o, i) => o.items.map((item) => ({ order_id: orderIds[i]!, product_name: item.productName, quantity: item.quantity, unit_price: item.unitPrice }))),
  );
  return orderIds;
}

/** Counts a committed chunk's orders and rows and its progress. */
export async function countImportChunk(trx: OrderConn, id: number, chunk: { orders: number; rows: number; rowsDone: number; bytesRead: number; at: Date }): Promise<void> {
  await trx
    .updateTable("import_history")
    .set((eb) => ({
      orders_created: eb("orders_created", "+", chunk.orders),
      success_count: eb("success_count", "+", chunk.rows),
      phase: "writing",
      rows_done: chunk.rowsDone,
      bytes_read: chunk.bytesRead,
      updated_at: stamp(chunk.at),
    }))
    .where("id", "=", id)
    .execute();
}
