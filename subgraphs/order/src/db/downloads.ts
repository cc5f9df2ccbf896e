/**
 * What the CSV downloads read, a page at a time by key (constant memory whatever the import's
 * size, the same on both databases): the import, its errors in row order, its failed row numbers.
 */
import type { OrderConn } from "./index.js";

/** What a report needs of its import. */
export interface ReportedImport {
  id: number;
  filename: string;
  encoding: string | null;
  uploadPath: string;
}

/** Import `id` as a report names it, or null. */
export async function reportedImport(conn: OrderConn, id: number): Promise<ReportedImport | null> {
  const row = await conn.selectFrom("import_history").select(["id", "filename", "encoding", "upload_path"]).where("id", "=", id).executeTakeFirst();
  return row ? { id: Number(row.id), filename: row.filename, encoding: row.encoding, uploadPath: row.upload_path } : null;
}

/** A line of the error report. */
export interface ReportedError {
  id: number;
  rowNumber: number;
  column: string | null;
  value: string | null;
  reason: string;
}

/** The next `limit` errors of an import after (`afterRow`, `afterId`), in row order (the (import_id, row_number) index). */
export async function errorReportPage(conn: OrderConn, importId: number, after: { row: number; id: number }, limit: number): Promise<ReportedError[]> {
  const rows = await conn
    .selectFrom("import_errors")
    .select(["id", "row_number", "column", "value", "reason"])
    .where("import_id", "=", importId)
    .where((eb) => eb.or([eb("row_number", ">", after.row), eb.and([eb("row_number", "=", after.row), eb("id", ">", after.id)])]))
    .orderBy("row_number")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: Number(r.id), rowNumber: Number(r.row_number), column: r.column, value: r.value, reason: r.reason }));
}

/** Failed row numbers of an import after `after`, ascending and distinct, at most `limit`. */
export async function failedRowNumbers(conn: OrderConn, importId: number, after: number, limit: number): Promise<number[]> {
  const rows = await conn
    .selectFrom("import_errors")
    .select("row_number")
    .distinct()
    .where("import_id", "=", importId)
    .where("row_number", ">", after)
    .orderBy("row_number")
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.row_number));
}
